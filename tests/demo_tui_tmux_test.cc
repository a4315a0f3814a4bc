// `synctrace demo` on a real terminal (tmux): the TUI comes up, the paced
// simulated conversation appears in it, and after the user quits the demo
// exits 0 with its verdict.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/run_process.h"
#include "tests/tmux_session.h"

namespace synctrace {
namespace {

using testing_util::Has;
using testing_util::LinesWith;

// The latency shown after "lat " in a TUI row, in milliseconds (-1 if none).
double LatencyMs(const std::string& row) {
  size_t at = row.find("lat ");
  if (at == std::string::npos) return -1;
  char* end = nullptr;
  double value = std::strtod(row.c_str() + at + 4, &end);
  std::string unit(end, end + std::min<size_t>(2, std::strlen(end)));
  if (unit == "us") return value / 1000;
  if (unit == "ms") return value;
  if (unit[0] == 's') return value * 1000;
  return -1;
}

TEST(DemoTuiTmuxTest, PacedConversationInTheTuiThenVerdictAndExitZero) {
  TmuxSession tmux("demo");
  // No --speed: on a terminal the demo is paced for a person.
  std::string command = RunfilePath("synctrace") +
                        " demo --scenario exec; echo \"demo exit $?\"; sleep 60";
  ASSERT_TRUE(tmux.Start(command, 200, 40));
  std::string screen;
  ASSERT_TRUE(tmux.WaitFor("demo s1 exec: as expected", &screen)) << screen;
  EXPECT_TRUE(Has(screen, "synctrace live")) << screen;
  std::vector<std::string> ready = LinesWith(screen, "procReady");
  std::vector<std::string> run = LinesWith(screen, "procRun");
  ASSERT_FALSE(ready.empty()) << screen;
  ASSERT_FALSE(run.empty()) << screen;
  EXPECT_TRUE(Has(ready[0], "C\u2192P")) << ready[0];
  EXPECT_TRUE(Has(run[0], "C\u2190P")) << run[0];
  // The simulated parent thinks before answering, so a person can follow.
  EXPECT_GE(LatencyMs(run[0]), 400) << run[0];

  tmux.SendKeys({"q"});
  ASSERT_TRUE(tmux.WaitFor("demo exit 0", &screen)) << screen;
  EXPECT_TRUE(Has(screen, "synctrace demo: all 1 session(s) behaved as expected")) << screen;
}

}  // namespace
}  // namespace synctrace
