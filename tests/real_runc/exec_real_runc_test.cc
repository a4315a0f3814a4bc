// End-to-end: `synctrace exec` with the real runc 1.1 (Debian's), which has
// no sync socket. synctrace follows Go's vfork, sees the old runc, says so in
// one line and leaves runc and the container exactly as they were.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/run_process.h"
#include "tests/real_runc/runc_bundle.h"

namespace synctrace {
namespace real_runc {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

class ExecRealRuncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string missing = MissingPrerequisite(); !missing.empty()) FAIL() << missing;
  }

  // Runs the bundle's container with plain runc, then under `synctrace exec --log`.
  void RunBothWays(const std::string& name, const std::vector<std::string>& container_args,
                   BundleOptions options = {}) {
    std::string bundle = testing_util::TempDir() + "/" + name;
    ASSERT_EQ(MakeBundle(bundle, container_args, options), "");
    Container untraced(name + "-plain");
    Container traced(name + "-traced");
    plain_ = testing_util::RunProcess(Runc({"run", "--bundle", bundle, untraced.id()}));
    log_ = testing_util::TempDir() + "/" + name + ".log";
    std::vector<std::string> argv = {"synctrace", "exec", "--log", log_, "--"};
    for (const std::string& a : Runc({"run", "--bundle", bundle, traced.id()})) argv.push_back(a);
    traced_ = testing_util::RunProcess(argv);
  }

  testing_util::ProcessResult plain_;
  testing_util::ProcessResult traced_;
  std::string log_;
};

TEST_F(ExecRealRuncTest, OldRuncRunsUntouchedAndSaysOnceWhyItIsNotTraced) {
  ASSERT_NO_FATAL_FAILURE(
      RunBothWays("exit7", {"sh", "-c", "echo hello from the container; exit 7"}));
  ASSERT_EQ(plain_.exit_code, 7) << plain_.err;
  ASSERT_EQ(plain_.out, "hello from the container\n");
  ASSERT_EQ(plain_.err, "");

  EXPECT_EQ(traced_.exit_code, 7) << traced_.err;
  EXPECT_EQ(traced_.out, plain_.out);
  // stderr: runc's own (nothing) and synctrace's one line.
  ASSERT_THAT(traced_.err,
              MatchesRegex("synctrace: not tracing runc init pid [0-9]+ of pid [0-9]+: it has "
                           "_LIBCONTAINER_INITPIPE but no _LIBCONTAINER_SYNCPIPE, so this runc "
                           "is older than 1\\.2 [^\n]*\n"));
  // The log has the same line, once, and no session.
  std::string log = testing_util::ReadFile(log_);
  EXPECT_THAT(log, HasSubstr(traced_.err.substr(std::string("synctrace: ").size())));
  size_t first = log.find("not tracing");
  EXPECT_EQ(log.find("not tracing", first + 1), std::string::npos) << log;
  EXPECT_THAT(log, Not(HasSubstr("session start")));
}

// The container's processes are not traced, and see what they see without
// synctrace: the same fds, signal mask, ignored signals and capabilities. (In
// the host's pid namespace: from a new one, any tracer shows as TracerPid 0.)
TEST_F(ExecRealRuncTest, ContainerIsNotTracedAndSeesWhatItSeesWithoutSynctrace) {
  BundleOptions host_pids;
  host_pids.host_pid_namespace = true;
  ASSERT_NO_FATAL_FAILURE(RunBothWays(
      "untraced",
      {"sh", "-c",
       "grep TracerPid /proc/self/status; grep TracerPid /proc/$$/status; ls /proc/self/fd; "
       "grep -E '^(SigBlk|SigIgn|Cap[A-Za-z]+|NoNewPrivs|Seccomp):' /proc/self/status"},
      host_pids));
  ASSERT_EQ(plain_.exit_code, 0) << plain_.err;
  EXPECT_EQ(traced_.exit_code, 0) << traced_.err;
  // grep itself, then the container's init (sh, which runc init became).
  EXPECT_EQ(traced_.out.rfind("TracerPid:\t0\nTracerPid:\t0\n", 0), 0u) << traced_.out;
  EXPECT_THAT(traced_.out, HasSubstr("\nSigBlk:"));  // the rest did run
  EXPECT_EQ(traced_.out, plain_.out);
  EXPECT_THAT(traced_.err, HasSubstr("older than 1.2"));
}

}  // namespace
}  // namespace real_runc
}  // namespace synctrace
