// `synctrace exec` with the TUI in a real terminal (tmux): the fake runc
// (tracer/fake_runc, paced with --speed 1 so a person -- or this test -- can
// set a breakpoint in time) runs the simulator's create conversation under
// ptrace, its sync socket swapped for the relay. A breakpoint on procReady
// holds that packet inside synctrace: the runc parent never gets it, so no
// procRun comes back; `c` forwards it, the conversation completes, and after
// `q` synctrace exits with the command's status.
#include <signal.h>

#include <cerrno>
#include <cstdlib>
#include <string>

#include "gtest/gtest.h"
#include "tests/run_process.h"
#include "tests/tmux_session.h"

namespace synctrace {
namespace {

using testing_util::Has;
using testing_util::LinesWith;
using testing_util::ReadFile;

// The command run in tmux: the fake runc's own output goes to `out` (it would
// otherwise land on the TUI's screen), its pid to `pid_file` (sh execs into
// it), synctrace's exit status is echoed.
std::string ExecCommand(const std::string& out, const std::string& pid_file) {
  std::string fake = RunfilePath("tracer/fake_runc/fake_runc");
  return RunfilePath("synctrace") + " exec -- sh -c 'echo $$ >" + pid_file + "; exec " + fake +
         " run tui-ctr --scenario create --speed 1 >" + out + " 2>&1'; echo \"exec exit $?\"; sleep 60";
}

// True once `pid` is gone and reaped (synctrace, its tracer and parent, reaps it).
bool Reaped(pid_t pid) { return kill(pid, 0) != 0 && errno == ESRCH; }

TEST(ExecTuiTmuxTest, BreakpointHoldsTheRealParentThenTheConversationCompletes) {
  std::string out = TempPath("fake_runc.out");
  std::string pid_file = TempPath("fake_runc.pid");
  TmuxSession tmux("exec");
  ASSERT_TRUE(tmux.Start(ExecCommand(out, pid_file), 160, 45));
  std::string screen;
  ASSERT_TRUE(SetTuiBreakpoint(&tmux, "procReady", &screen)) << screen;

  // The session is the swapped sync socket of a real vfork'd init, with the
  // container id from the command line.
  ASSERT_TRUE(tmux.WaitFor("interposed: parent pid", &screen, 60)) << screen;
  EXPECT_TRUE(Has(screen, "container tui-ctr")) << screen;

  // runc init's procReady is held in synctrace; the runc parent is waiting for it.
  ASSERT_TRUE(tmux.WaitFor("HELD, not forwarded: s1 C\u2192P procReady (breakpoint on procReady)",
                           &screen, 60))
      << screen;
  EXPECT_TRUE(LinesWith(screen, "procRun ").empty()) << screen;
  EXPECT_TRUE(Has(screen, "s1 running")) << screen;
  EXPECT_FALSE(Has(ReadFile(out), "received type:procReady")) << ReadFile(out);

  // Continue: procReady reaches the parent, procRun comes back, seccomp, EOF.
  tmux.SendKeys({"c"});
  ASSERT_TRUE(tmux.WaitFor("session end:", &screen, 60)) << screen;
  EXPECT_FALSE(Has(screen, "HELD")) << screen;
  EXPECT_FALSE(LinesWith(screen, "C\u2190P   procRun").empty()) << screen;
  EXPECT_FALSE(LinesWith(screen, "C\u2190P   procSeccompDone").empty()) << screen;
  EXPECT_TRUE(Has(screen, "s1 ended")) << screen;

  // Quitting once the session is over and runc has exited needs no
  // confirmation (while runc runs, another init may still come); the
  // command's exit status (0: every conversation went as the scenario
  // expects) is ours.
  pid_t runc = static_cast<pid_t>(std::atol(ReadFile(pid_file).c_str()));
  ASSERT_GT(runc, 0) << ReadFile(pid_file);
  ASSERT_TRUE(tmux.WaitUntil([&](const std::string&) { return Reaped(runc); }, &screen, 60))
      << screen;
  tmux.SendKeys({"q"});
  ASSERT_TRUE(tmux.WaitFor("exec exit 0", &screen)) << screen;
  std::string report = ReadFile(out);
  EXPECT_TRUE(Has(report, "create parent received type:procReady")) << report;
  EXPECT_TRUE(Has(report, "create child received type:procRun")) << report;
  EXPECT_TRUE(Has(report, "create child eof 1")) << report;
  EXPECT_TRUE(Has(report, "create parent eof 1")) << report;
  EXPECT_TRUE(Has(report, "create parent: init exited with 0")) << report;
}

}  // namespace
}  // namespace synctrace
