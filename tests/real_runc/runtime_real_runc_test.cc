// End-to-end: `synctrace runtime` (the drop-in OCI runtime, docs/RUNTIME-WRAPPER.md)
// in front of the real runc 1.1. What its caller sees (stdout, stderr, exit
// status) must be runc's, byte for byte; what synctrace has to say goes into
// the log directory only.
#include <stdlib.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/run_process.h"
#include "tests/real_runc/runc_bundle.h"

namespace synctrace {
namespace real_runc {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;

const char kHello[] = "hello from the container\n";

// Replaces what follows each `marker` up to the next `end` with "X", unless it
// is `keep`.
std::string Mask(std::string text, const std::string& marker, char end,
                 const std::string& keep = "") {
  for (size_t at = text.find(marker); at != std::string::npos; at = text.find(marker, at + 1)) {
    size_t from = at + marker.size();
    size_t to = text.find(end, from);
    if (to == std::string::npos) break;
    if (text.compare(from, to - from, keep) != 0) text.replace(from, to - from, "X");
  }
  return text;
}

// What differs between two runc runs of the same thing: container ids,
// logrus's time="...", a live container's pid and its creation time.
std::string Stable(std::string text, const std::vector<std::string>& ids) {
  for (const std::string& id : ids) {
    for (size_t at; (at = text.find(id)) != std::string::npos;) text.replace(at, id.size(), "ID");
  }
  text = Mask(text, "time=\"", '"');
  text = Mask(text, "\"pid\": ", ',', "0");
  return Mask(text, "\"created\": \"", '"');
}

void ExpectSameAsRunc(const testing_util::ProcessResult& wrapped, const testing_util::ProcessResult& plain,
                      const std::vector<std::string>& ids, const std::string& what) {
  EXPECT_EQ(wrapped.exit_code, plain.exit_code) << what << ": " << wrapped.err;
  EXPECT_EQ(Stable(wrapped.out, ids), Stable(plain.out, ids)) << what;
  EXPECT_EQ(Stable(wrapped.err, ids), Stable(plain.err, ids)) << what;
}

// The log directory of a traced old-runc invocation: a .jsonl and a .log for
// `subcommand` of container `id`, each with the not-tracing note and no session.
void ExpectNotTracingLogs(const std::string& dir, const std::string& id,
                          const std::string& subcommand) {
  std::vector<std::string> files = testing_util::ListDir(dir);
  ASSERT_EQ(files.size(), 2u) << dir;
  EXPECT_THAT(files[0], EndsWith(".jsonl"));
  EXPECT_THAT(files[1], EndsWith(".log"));
  for (const std::string& file : files) {
    EXPECT_THAT(file, HasSubstr("-" + id + "-" + subcommand + "-"));
    std::string text = testing_util::ReadFile(dir + "/" + file);
    EXPECT_THAT(text, HasSubstr("not tracing runc init pid")) << file;
    EXPECT_THAT(text, HasSubstr("older than 1.2")) << file;
  }
  EXPECT_THAT(testing_util::ReadFile(dir + "/" + files[1]), Not(HasSubstr("session start")));
}

class RuntimeRealRuncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string missing = MissingPrerequisite(); !missing.empty()) FAIL() << missing;
    bundle_ = testing_util::TempDir() + "/wrapped";
    ASSERT_EQ(MakeBundle(bundle_, {"sh", "-c", "echo hello from the container; exit 7"}), "");
  }

  // `synctrace runtime` with its own flags, then runc's --root and `args`.
  static std::vector<std::string> Wrapper(const std::string& log_dir,
                                          const std::vector<std::string>& args) {
    std::vector<std::string> argv = Runc(args);
    argv.erase(argv.begin());
    argv.insert(argv.begin(),
                {"synctrace", "runtime", "--runtime-path", kRunc, "--log-dir", log_dir, "--"});
    return argv;
  }

  static std::string LogDir(const std::string& name) {
    return testing_util::TempDir() + "/logs-" + name + "-" + std::to_string(getpid());
  }

  std::string bundle_;
};

TEST_F(RuntimeRealRuncTest, RunIsRuncsAndOnlyTheLogDirectoryHearsOfTheOldRunc) {
  Container plain_container("run-plain");
  Container wrapped_container("run-wrapped");
  testing_util::ProcessResult plain = testing_util::RunProcess(Runc({"run", "--bundle", bundle_, plain_container.id()}));
  ASSERT_EQ(plain.exit_code, 7) << plain.err;
  ASSERT_EQ(plain.out, kHello);
  std::string dir = LogDir("run");
  testing_util::ProcessResult wrapped = testing_util::RunProcess(Wrapper(dir, {"run", "--bundle", bundle_, wrapped_container.id()}));
  EXPECT_EQ(wrapped.exit_code, plain.exit_code) << wrapped.err;
  EXPECT_EQ(wrapped.out, plain.out);
  EXPECT_EQ(wrapped.err, plain.err);
  ExpectNotTracingLogs(dir, wrapped_container.id(), "run");
}

TEST_F(RuntimeRealRuncTest, FailingCallIsRuncs) {
  Container plain_container("fail-plain");
  Container wrapped_container("fail-wrapped");
  std::string nowhere = testing_util::TempDir() + "/no-such-bundle";
  testing_util::ProcessResult plain = testing_util::RunProcess(Runc({"run", "--bundle", nowhere, plain_container.id()}));
  ASSERT_NE(plain.exit_code, 0);
  ASSERT_THAT(plain.err, HasSubstr("no-such-bundle"));
  testing_util::ProcessResult wrapped =
      testing_util::RunProcess(Wrapper(LogDir("fail"), {"run", "--bundle", nowhere, wrapped_container.id()}));
  ExpectSameAsRunc(wrapped, plain, {plain_container.id(), wrapped_container.id()}, "run");
}

TEST_F(RuntimeRealRuncTest, VersionIsRuncsAndLogsNothing) {
  testing_util::ProcessResult plain = testing_util::RunProcess(Runc({"--version"}));
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  ASSERT_THAT(plain.out, HasSubstr("runc version"));
  std::string dir = LogDir("version");
  testing_util::ProcessResult wrapped = testing_util::RunProcess(Wrapper(dir, {"--version"}));
  EXPECT_EQ(wrapped.exit_code, 0);
  EXPECT_EQ(wrapped.out, plain.out);
  EXPECT_EQ(wrapped.err, plain.err);
  EXPECT_EQ(access(dir.c_str(), F_OK), -1) << "made a log directory for --version";
}

// What docker and containerd do: create, start, state, delete. The wrapper is
// called as containerd's shim calls it: through a synctrace-runc symlink,
// configured by the environment.
struct Lifecycle {
  std::vector<testing_util::ProcessResult> steps;  // create, state, start, state once stopped, delete, state
  std::string container_output;
};

template <typename RuncCall>
Lifecycle CreateStartStateDelete(const std::string& bundle, const std::string& id,
                                 RuncCall runc) {
  Lifecycle life;
  life.steps.push_back(runc({"create", "--bundle", bundle, id}));
  life.steps.push_back(runc({"state", id}));
  life.steps.push_back(runc({"start", id}));
  if (!WaitForStatus(id, "stopped", 10000)) ADD_FAILURE() << id << " never stopped";
  life.steps.push_back(runc({"state", id}));
  life.steps.push_back(runc({"delete", id}));
  life.steps.push_back(runc({"state", id}));
  // The container wrote to the stdout it got from `runc create`.
  life.container_output = testing_util::ReadFile(life.steps[0].out_path);
  return life;
}

TEST_F(RuntimeRealRuncTest, CreateStartStateDeleteAreRuncs) {
  Container plain_container("life-plain");
  Container wrapped_container("life-wrapped");
  Lifecycle plain = CreateStartStateDelete(bundle_, plain_container.id(),
                                           [](const std::vector<std::string>& args) {
                                             return testing_util::RunProcess(Runc(args));
                                           });
  ASSERT_EQ(plain.steps[0].exit_code, 0) << plain.steps[0].err;
  ASSERT_THAT(plain.steps[1].out, HasSubstr("\"status\": \"created\""));
  ASSERT_THAT(plain.steps[3].out, HasSubstr("\"status\": \"stopped\""));
  ASSERT_EQ(plain.steps[4].exit_code, 0) << plain.steps[4].err;
  ASSERT_NE(plain.steps[5].exit_code, 0);  // deleted
  ASSERT_EQ(plain.container_output, kHello);

  char* self = realpath("synctrace", nullptr);
  ASSERT_NE(self, nullptr);
  std::string link = testing_util::TempDir() + "/synctrace-runc";
  unlink(link.c_str());
  ASSERT_EQ(symlink(self, link.c_str()), 0);
  free(self);
  std::string dir = LogDir("lifecycle");
  std::vector<std::string> env = {std::string("SYNCTRACE_RUNC=") + kRunc,
                                  "SYNCTRACE_LOG_DIR=" + dir};
  Lifecycle wrapped = CreateStartStateDelete(
      bundle_, wrapped_container.id(), [&](const std::vector<std::string>& args) {
        std::vector<std::string> argv = Runc(args);
        argv[0] = link;
        return testing_util::RunProcess(argv, env);
      });

  const char* names[] = {"create", "state (created)", "start", "state (stopped)", "delete",
                         "state (deleted)"};
  std::vector<std::string> ids = {plain_container.id(), wrapped_container.id()};
  for (size_t i = 0; i < plain.steps.size(); ++i) {
    ExpectSameAsRunc(wrapped.steps[i], plain.steps[i], ids, names[i]);
  }
  EXPECT_EQ(wrapped.container_output, plain.container_output);
  ExpectNotTracingLogs(dir, wrapped_container.id(), "create");  // and nothing for the others
}

}  // namespace
}  // namespace real_runc
}  // namespace synctrace
