// End-to-end: `synctrace runtime` registered with a real containerd (1.6, with
// its runc v2 shim) the way docs/RUNTIME-WRAPPER.md says: the shim calls the
// synctrace-runc symlink (`ctr run --runc-binary`, the same option as CRI's
// BinaryName) and the wrapper takes SYNCTRACE_RUNC and SYNCTRACE_LOG_DIR from
// containerd's environment. What ctr shows (output, exit status) must be the
// same as with the plain runc; the log directory gets the traced calls.
//
// SYNCTRACE_RUNC is a script that records each call and execs the real runc,
// so the test sees every runc call that went through the wrapper.
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/containerd/private_containerd.h"
#include "tests/run_process.h"

namespace synctrace {
namespace containerd_test {
namespace {

using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::Each;
using ::testing::HasSubstr;
using testing_util::ProcessResult;
using testing_util::RunProcess;

constexpr char kImage[] = "synctrace.test/busybox:latest";
constexpr char kImageScript[] = "tests/containerd/make_busybox_image.sh";
constexpr char kPlainId[] = "st-plain";      // run with the plain runc
constexpr char kWrappedId[] = "st-wrapped";  // run through synctrace-runc

// Output with what differs between two runs of the same thing made equal:
// the container ids and logrus's time="...".
std::string Stable(std::string text, const std::vector<std::string>& ids) {
  for (const std::string& id : ids) {
    for (size_t at; (at = text.find(id)) != std::string::npos;) text.replace(at, id.size(), "ID");
  }
  const std::string time = "time=\"";
  for (size_t at = text.find(time); at != std::string::npos; at = text.find(time, at + 1)) {
    size_t end = text.find('"', at + time.size());
    if (end == std::string::npos) break;
    text.replace(at + time.size(), end - at - time.size(), "X");
  }
  return text;
}

void ExpectSame(const ProcessResult& wrapped, const ProcessResult& plain,
                const std::vector<std::string>& ids, const std::string& what) {
  EXPECT_EQ(wrapped.exit_code, plain.exit_code) << what << ": " << wrapped.err;
  EXPECT_EQ(Stable(wrapped.out, ids), Stable(plain.out, ids)) << what;
  EXPECT_EQ(Stable(wrapped.err, ids), Stable(plain.err, ids)) << what;
}

// One recorded runc call: its subcommand and the container it is about.
struct RuncCall {
  std::string subcommand;
  std::string container_id;
};

// The lines the recording runc wrote: its arguments, space-separated. runc's
// global flags before the subcommand (as the shim passes them) take a value.
std::vector<RuncCall> RecordedCalls(const std::string& path) {
  std::vector<RuncCall> calls;
  std::istringstream lines(testing_util::ReadFile(path));
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::vector<std::string> args;
    for (std::string w; words >> w;) args.push_back(w);
    RuncCall call;
    for (size_t i = 0; i < args.size(); ++i) {
      if (args[i].rfind("--", 0) == 0) {
        if (args[i].find('=') == std::string::npos) ++i;  // --root R, --log L, --log-format F
        continue;
      }
      call.subcommand = args[i];
      break;
    }
    // The container id is runc's last argument except for kill (id, signal).
    if (!args.empty()) {
      call.container_id = call.subcommand == "kill" && args.size() > 1 ? args[args.size() - 2]
                                                                        : args.back();
    }
    calls.push_back(call);
  }
  return calls;
}

std::vector<std::string> Subcommands(const std::vector<RuncCall>& calls) {
  std::vector<std::string> names;
  for (const RuncCall& c : calls) names.push_back(c.subcommand);
  return names;
}

std::vector<std::string> ContainerIds(const std::vector<RuncCall>& calls) {
  std::vector<std::string> ids;
  for (const RuncCall& c : calls) ids.push_back(c.container_id);
  return ids;
}

// The wrapper's files in `dir` for `id`'s traced `subcommand`: a .jsonl and a
// .log, each saying runc 1.1's init is not traced (it has no sync socket). (An
// empty pair here once showed a tracer race with runc 1.1's init, which
// re-executes itself from a memfd copy at once: fixed by ReadSettledEnviron.)
void ExpectLogsFor(const std::vector<std::string>& files, const std::string& dir,
                   const std::string& id, const std::string& subcommand) {
  std::vector<std::string> matching;
  for (const std::string& f : files) {
    if (f.find("-" + id + "-" + subcommand + "-") != std::string::npos) matching.push_back(f);
  }
  ASSERT_EQ(matching.size(), 2u) << subcommand << " in " << dir;
  EXPECT_THAT(matching[0], EndsWith(".jsonl"));
  EXPECT_THAT(matching[1], EndsWith(".log"));
  for (const std::string& file : matching) {
    std::string text = testing_util::ReadFile(dir + "/" + file);
    EXPECT_THAT(text, HasSubstr("not tracing runc init pid")) << file;
    EXPECT_THAT(text, HasSubstr("older than 1.2")) << file;
  }
}

class RuntimeContainerdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string missing = MissingPrerequisite(); !missing.empty()) FAIL() << missing;
    const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
    work_ = testing_util::TempDir() + "/" + test->name() + "-" + std::to_string(getpid());
    ASSERT_EQ(mkdir(work_.c_str(), 0700), 0) << work_;
    log_dir_ = work_ + "/synctrace-logs";
    calls_path_ = work_ + "/runc-calls";

    char* self = realpath("synctrace", nullptr);
    ASSERT_NE(self, nullptr) << "no synctrace in the runfiles";
    wrapper_ = work_ + "/synctrace-runc";
    ASSERT_EQ(symlink(self, wrapper_.c_str()), 0);
    free(self);

    std::string recording_runc = work_ + "/recording-runc";
    std::ofstream script(recording_runc);
    script << "#!/bin/sh\necho \"$*\" >> '" << calls_path_ << "'\nexec " << kRunc << " \"$@\"\n";
    script.close();
    ASSERT_TRUE(script.good());
    ASSERT_EQ(chmod(recording_runc.c_str(), 0755), 0);

    std::string image = work_ + "/busybox-oci.tar";
    ProcessResult made = RunProcess({"/bin/bash", kImageScript, image});
    ASSERT_EQ(made.exit_code, 0) << made.err;

    ASSERT_EQ(containerd_.Start({"SYNCTRACE_RUNC=" + recording_runc,
                                 "SYNCTRACE_LOG_DIR=" + log_dir_}),
              "");
    ProcessResult imported = RunProcess(
        containerd_.Ctr({"images", "import", "--snapshotter", "native", "--all-platforms", image}));
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
  }

  void TearDown() override {
    if (HasFailure()) std::cerr << "containerd's log:\n" << containerd_.Log();
    containerd_.Stop();
  }

  // `ctr run RUN_ARGS... [flags] IMAGE ID COMMAND...` with `runtime` as the shim's runc.
  std::vector<std::string> CtrRun(const std::vector<std::string>& run_args,
                                  const std::string& runtime, const std::string& id,
                                  const std::vector<std::string>& command) const {
    std::vector<std::string> args = {"run"};
    args.insert(args.end(), run_args.begin(), run_args.end());
    std::vector<std::string> flags = containerd_.RunFlags(runtime);
    args.insert(args.end(), flags.begin(), flags.end());
    args.push_back(kImage);
    args.push_back(id);
    args.insert(args.end(), command.begin(), command.end());
    return containerd_.Ctr(args);
  }

  // Asks containerd (`ctr task ls`) until `id`'s task is STOPPED, for at most 10 s.
  bool WaitUntilStopped(const std::string& id) const {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
      std::istringstream lines(RunProcess(containerd_.Ctr({"task", "ls"})).out);
      for (std::string line; std::getline(lines, line);) {
        if (line.rfind(id + " ", 0) == 0 && line.find("STOPPED") != std::string::npos) return true;
      }
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // between polls
    }
  }

  // A long-running container: ctr run --detach, task exec, task kill, task
  // delete once stopped, container rm; each step's result.
  std::vector<ProcessResult> ExecKillDelete(const std::string& runtime, const std::string& id) {
    std::vector<ProcessResult> steps;
    steps.push_back(RunProcess(CtrRun({"--detach"}, runtime, id, {"sleep", "120"})));
    std::vector<std::string> exec = {"task", "exec"};
    std::vector<std::string> flags = containerd_.ExecFlags();
    exec.insert(exec.end(), flags.begin(), flags.end());
    exec.insert(exec.end(), {"--exec-id", "e1", id, "sh", "-c",
                             "echo in the exec; echo exec err >&2; exit 5"});
    steps.push_back(RunProcess(containerd_.Ctr(exec)));
    steps.push_back(RunProcess(containerd_.Ctr({"task", "kill", "--signal", "KILL", id})));
    if (!WaitUntilStopped(id)) ADD_FAILURE() << id << " never stopped";
    steps.push_back(RunProcess(containerd_.Ctr({"task", "delete", id})));
    steps.push_back(RunProcess(containerd_.Ctr({"container", "rm", id})));
    return steps;
  }

  PrivateContainerd containerd_;
  std::string work_;
  std::string log_dir_;
  std::string calls_path_;
  std::string wrapper_;
};

TEST_F(RuntimeContainerdTest, RunOutputAndExitStatusAreRuncsAndTheShimCallsTheWrapper) {
  const std::vector<std::string> command = {"sh", "-c", "echo hi; echo oops >&2; exit 3"};
  ProcessResult plain = RunProcess(CtrRun({"--rm"}, kRunc, kPlainId, command));
  ASSERT_EQ(plain.exit_code, 3) << plain.err;
  ASSERT_EQ(plain.out, "hi\n");
  ASSERT_EQ(plain.err, "oops\n");
  ASSERT_EQ(testing_util::ReadFile(calls_path_), "") << "the plain run went through the wrapper";

  ProcessResult wrapped = RunProcess(CtrRun({"--rm"}, wrapper_, kWrappedId, command));
  ExpectSame(wrapped, plain, {kPlainId, kWrappedId}, "ctr run --rm");

  // The shim called the wrapper for each step, and the wrapper called the runc
  // SYNCTRACE_RUNC names in containerd's environment.
  std::vector<RuncCall> calls = RecordedCalls(calls_path_);
  ASSERT_GE(calls.size(), 3u) << testing_util::ReadFile(calls_path_);
  std::vector<std::string> subcommands = Subcommands(calls);
  EXPECT_EQ(subcommands[0], "create");
  EXPECT_EQ(subcommands[1], "start");
  EXPECT_THAT(std::vector<std::string>(subcommands.begin() + 2, subcommands.end()),
              Each(std::string("delete")));  // containerd deletes twice: then with --force
  EXPECT_THAT(ContainerIds(calls), Each(std::string(kWrappedId)));
  EXPECT_THAT(testing_util::ReadFile(calls_path_),
              HasSubstr("--root " + containerd_.dir() + "/runc/"));

  // Only create starts a runc init: its files land in SYNCTRACE_LOG_DIR.
  std::vector<std::string> files = testing_util::ListDir(log_dir_);
  EXPECT_EQ(files.size(), 2u) << log_dir_;
  ExpectLogsFor(files, log_dir_, kWrappedId, "create");
}

TEST_F(RuntimeContainerdTest, ExecKillAndDeleteAreRuncs) {
  std::vector<ProcessResult> plain = ExecKillDelete(kRunc, kPlainId);
  ASSERT_EQ(plain[0].exit_code, 0) << plain[0].err;
  ASSERT_EQ(plain[1].exit_code, 5) << plain[1].err;
  ASSERT_EQ(plain[1].out, "in the exec\n");
  ASSERT_EQ(plain[1].err, "exec err\n");
  ASSERT_EQ(plain[2].exit_code, 0) << plain[2].err;
  ASSERT_THAT(plain[3].err, HasSubstr("exit code 137"));  // killed by SIGKILL
  ASSERT_EQ(plain[4].exit_code, 0) << plain[4].err;
  ASSERT_EQ(testing_util::ReadFile(calls_path_), "") << "the plain run went through the wrapper";

  std::vector<ProcessResult> wrapped = ExecKillDelete(wrapper_, kWrappedId);
  const char* names[] = {"run --detach", "task exec", "task kill", "task delete", "container rm"};
  for (size_t i = 0; i < plain.size(); ++i) {
    ExpectSame(wrapped[i], plain[i], {kPlainId, kWrappedId}, names[i]);
  }

  std::vector<RuncCall> calls = RecordedCalls(calls_path_);
  ASSERT_GE(calls.size(), 5u) << testing_util::ReadFile(calls_path_);
  std::vector<std::string> subcommands = Subcommands(calls);
  EXPECT_THAT(std::vector<std::string>(subcommands.begin(), subcommands.begin() + 5),
              ElementsAre("create", "start", "exec", "kill", "delete"));
  EXPECT_THAT(std::vector<std::string>(subcommands.begin() + 5, subcommands.end()),
              Each(std::string("delete")));
  EXPECT_THAT(ContainerIds(calls), Each(std::string(kWrappedId)));

  // create and exec start a runc init: traced, logged; kill and delete are not.
  std::vector<std::string> files = testing_util::ListDir(log_dir_);
  EXPECT_EQ(files.size(), 4u) << log_dir_;
  ExpectLogsFor(files, log_dir_, kWrappedId, "create");
  ExpectLogsFor(files, log_dir_, kWrappedId, "exec");
}

}  // namespace
}  // namespace containerd_test
}  // namespace synctrace
