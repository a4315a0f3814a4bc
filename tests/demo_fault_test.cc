// `synctrace demo` under faults, the real binary: SIGTERM / SIGINT while a
// paced session runs, and its logs on a full disk. synctrace must end the
// session (peers killed and reaped, logs closed complete), say what happened
// in one line and exit 1; a full disk costs the log, not the sessions.
#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <chrono>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/run_process.h"

namespace synctrace {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing_util::ProcessResult;
using testing_util::ReadFile;
using testing_util::RunningProcess;
using testing_util::RunProcess;
using testing_util::StartProcess;
using testing_util::TempDir;

// Polls `path` until it contains `needle` (generous: a loaded 2-core machine).
bool WaitForText(const std::string& path, const std::string& needle) {
  for (int i = 0; i < 3000; ++i) {
    if (ReadFile(path).find(needle) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

bool GoneWithin(pid_t pid, int seconds) {
  for (int i = 0; i < seconds * 100; ++i) {
    if (kill(pid, 0) != 0 && errno == ESRCH) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST(DemoFaultTest, SigtermOrSigintMidSessionEndsItCleanlyInOneLine) {
  for (int sig : {SIGTERM, SIGINT}) {
    SCOPED_TRACE(sig == SIGTERM ? "SIGTERM" : "SIGINT");
    std::string json = TempDir() + "/demo-signal-" + std::to_string(sig) + ".jsonl";
    // Paced slowly, so the create session is surely still running when signalled.
    RunningProcess demo = StartProcess(
        {"synctrace", "demo", "--scenario", "all", "--speed", "0.2", "--json", json});
    // (With --json nothing goes to stdout; the JSON log is written as it goes.)
    ASSERT_TRUE(WaitForText(json, "\"type\":\"procMountPlease\"")) << ReadFile(demo.err_path);
    std::smatch pids;
    std::string started = ReadFile(json);
    ASSERT_TRUE(std::regex_search(started, pids,
                                  std::regex("\"parent_pid\":(\\d+),\"child_pid\":(\\d+)")))
        << started;
    ASSERT_EQ(kill(demo.pid, sig), 0);
    ProcessResult r = demo.Wait();
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(r.err, "synctrace demo: stopped before all sessions were over\n");
    // Both simulated peers were killed and reaped by synctrace.
    EXPECT_TRUE(GoneWithin(std::stoi(pids[1]), 10));
    EXPECT_TRUE(GoneWithin(std::stoi(pids[2]), 10));
    // The JSON log is complete: it ends with the verdict, every line whole.
    std::string log = ReadFile(json);
    ASSERT_FALSE(log.empty());
    EXPECT_EQ(log.back(), '\n');
    EXPECT_THAT(log, HasSubstr("\"kind\":\"session-end\""));
    EXPECT_THAT(log, Not(HasSubstr("\"session\":\"s2\"")));  // no later session started
    EXPECT_THAT(log, HasSubstr("demo: stopped before all sessions were over"));
  }
}

TEST(DemoFaultTest, LogsOnAFullDiskCostTheLogsNotTheSessions) {
  ProcessResult r =
      RunProcess({"synctrace", "demo", "--scenario", "all", "--log", "/dev/full", "--json",
                  "/dev/full"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("synctrace: writing the text log /dev/full failed (No space left on device)"));
  EXPECT_THAT(r.err, HasSubstr("synctrace: writing the JSON log /dev/full failed (No space left on device)"));
  EXPECT_THAT(r.err, HasSubstr("synctrace demo: all 8 session(s) behaved as expected"));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 3) << "one line per log, one verdict: "
                                                             << r.err;
}

TEST(DemoFaultTest, TenDemosInARowAllBehave) {
  for (int i = 0; i < 10; ++i) {
    ProcessResult r = RunProcess({"synctrace", "demo", "--scenario", "all"});
    ASSERT_EQ(r.exit_code, 0) << "run " << i + 1 << ": " << r.err;
    ASSERT_EQ(r.err, "synctrace demo: all 8 session(s) behaved as expected\n");
  }
}

}  // namespace
}  // namespace synctrace
