// Breakpoints in the real TUI: `synctrace demo` (simulated runc peers through
// the real relay) under tmux. A breakpoint on procReady holds that packet (the
// parent never sees it, so no procRun comes back); `s` forwards it and holds
// the next message; `c` forwards that and lets the session finish.
#include <string>

#include "gtest/gtest.h"
#include "tests/run_process.h"
#include "tests/tmux_session.h"

namespace synctrace {
namespace {

using testing_util::Has;
using testing_util::LinesWith;

TEST(TuiBreakpointTmuxTest, HoldsStepsAndContinues) {
  TmuxSession tmux("break");
  ASSERT_TRUE(tmux.Start(RunfilePath("synctrace") + " demo --scenario create --speed 1; echo \"demo exit $?\"; sleep 60",
                         160, 45));
  std::string screen;
  ASSERT_TRUE(SetTuiBreakpoint(&tmux, "procReady", &screen)) << screen;
  EXPECT_TRUE(Has(screen, "break: procReady")) << screen;

  // The child's procReady is held before the relay forwards it.
  ASSERT_TRUE(tmux.WaitFor("HELD, not forwarded: s1 C\u2192P procReady (breakpoint on procReady)",
                           &screen, 60))
      << screen;
  EXPECT_TRUE(LinesWith(screen, "procRun ").empty()) << screen;  // the parent never got it
  EXPECT_TRUE(LinesWith(screen, "   procReady").empty()) << screen;  // not forwarded: no row yet
  EXPECT_TRUE(Has(screen, "s1 running")) << screen;

  // Quitting asks first while the session runs; 'n' keeps tracing.
  tmux.SendKeys({"q"});
  ASSERT_TRUE(tmux.WaitFor("A session is still running; quitting stops the relay", &screen)) << screen;
  tmux.SendKeys({"n"});
  ASSERT_TRUE(tmux.WaitFor("still tracing", &screen)) << screen;

  // Step: procReady goes through, the parent answers, and procRun is held in turn.
  tmux.SendKeys({"s"});
  ASSERT_TRUE(tmux.WaitFor("HELD, not forwarded: s1 C\u2190P procRun (stepping)", &screen, 60))
      << screen;
  EXPECT_FALSE(LinesWith(screen, "C\u2192P   procReady").empty()) << screen;
  EXPECT_TRUE(LinesWith(screen, "C\u2190P   procRun").empty()) << screen;

  // Continue: procRun is forwarded and the session ends as the scenario expects.
  tmux.SendKeys({"c"});
  ASSERT_TRUE(tmux.WaitFor("demo s1 create: as expected", &screen, 60)) << screen;
  EXPECT_FALSE(Has(screen, "HELD")) << screen;
  EXPECT_FALSE(LinesWith(screen, "C\u2190P   procRun").empty()) << screen;
  tmux.SendKeys({"q"});
  ASSERT_TRUE(tmux.WaitFor("demo exit 0", &screen)) << screen;
}

// Space pauses the view while traffic keeps flowing; quitting with a session
// running asks, and 'y' ends the demo's session (the demo then exits 1).
TEST(TuiBreakpointTmuxTest, PauseKeepsTheViewWhileTrafficFlowsThenQuitEndsTheSession) {
  TmuxSession tmux("pause");
  ASSERT_TRUE(tmux.Start(RunfilePath("synctrace") + " demo --scenario create --speed 1; echo \"demo exit $?\"; sleep 60",
                         160, 45));
  std::string screen;
  ASSERT_TRUE(tmux.WaitFor("synctrace live", &screen)) << screen;
  tmux.SendKeys({"Space"});
  ASSERT_TRUE(tmux.WaitFor("view paused; traffic keeps flowing", &screen)) << screen;
  // Messages keep arriving (counted in the status bar) but no row is added.
  ASSERT_TRUE(tmux.WaitUntil(
      [](const std::string& s) {
        return s.find("PAUSED (+") != std::string::npos && s.find("PAUSED (+0 new)") == std::string::npos &&
               s.find("PAUSED (+1 new)") == std::string::npos;
      },
      &screen, 60))
      << screen;
  size_t rows_paused = LinesWith(screen, "   proc").size();
  EXPECT_TRUE(Has(screen, "s1 running")) << screen;
  tmux.SendKeys({"Space"});
  ASSERT_TRUE(tmux.WaitFor("view resumed", &screen)) << screen;
  ASSERT_TRUE(tmux.WaitFor("FOLLOW", &screen)) << screen;
  EXPECT_GT(LinesWith(screen, "   proc").size(), rows_paused) << screen;

  tmux.SendKeys({"q"});
  ASSERT_TRUE(tmux.WaitFor("Quit? (y/n)", &screen)) << screen;
  tmux.SendKeys({"y"});
  ASSERT_TRUE(tmux.WaitFor("demo exit 1", &screen)) << screen;
}

}  // namespace
}  // namespace synctrace
