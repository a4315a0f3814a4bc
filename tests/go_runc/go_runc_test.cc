// End-to-end test of `synctrace exec` against a real Go parent and child:
// tests/go_runc/go_runc.go (a Go stand-in for runc 1.2+ on its sync socket),
// built here with `go build`, run without and under the real synctrace. Go's
// runtime (many threads, its vfork in os/exec, its signals) is what real runc
// is; the C++ tracer/fake_runc is not.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "decoder/event.h"
#include "decoder/json_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/run_process.h"

namespace {

using ::testing::HasSubstr;

const char kSynctrace[] = "synctrace";
const char kGoSource[] = "tests/go_runc/go_runc.go";

using synctrace::testing_util::ProcessResult;
using synctrace::testing_util::ReadFile;
using synctrace::testing_util::RunProcess;
using synctrace::testing_util::SortedLines;
using synctrace::testing_util::TempDir;

// The go tool: on PATH, or where Debian's golang-go puts it.
std::string FindGo() {
  std::vector<std::string> dirs;
  std::istringstream path(std::getenv("PATH") != nullptr ? std::getenv("PATH") : "");
  for (std::string dir; std::getline(path, dir, ':');) dirs.push_back(dir);
  for (const char* dir : {"/usr/bin", "/usr/lib/go/bin", "/usr/local/go/bin"}) dirs.push_back(dir);
  for (const std::string& dir : dirs) {
    std::string go = dir + "/go";
    if (!dir.empty() && access(go.c_str(), X_OK) == 0) return go;
  }
  return "";
}

// Builds go_runc.go once into TEST_TMPDIR (its own GOCACHE, GOPATH and HOME
// there, std only, no cgo). Returns the binary's path, or "" with *error set.
std::string BuildGoRunc(std::string* error) {
  std::string go = FindGo();
  if (go.empty()) {
    *error = "go not found (PATH, /usr/bin, /usr/lib/go/bin): run tools/setup.sh";
    return "";
  }
  std::string root = TempDir() + "/go";
  for (const char* sub : {"", "/src", "/cache", "/gopath", "/home", "/tmp"}) mkdir((root + sub).c_str(), 0700);
  std::string source = root + "/src/go_runc.go";
  std::ofstream(source) << ReadFile(kGoSource);
  std::string binary = root + "/go_runc";
  auto start = std::chrono::steady_clock::now();
  ProcessResult build = RunProcess({go, "build", "-o", binary, source},
                       {"HOME=" + root + "/home", "GOCACHE=" + root + "/cache",
                        "GOPATH=" + root + "/gopath", "GOTMPDIR=" + root + "/tmp",
                        "GO111MODULE=off", "CGO_ENABLED=0", "GOFLAGS=-buildvcs=false"});
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("go build of %s: %.2f s\n", kGoSource, seconds);
  if (build.exit_code != 0) {
    *error = "go build of " + std::string(kGoSource) + " failed: " + build.out + build.err;
    return "";
  }
  return binary;
}

class GoRuncTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { binary_ = new std::string(BuildGoRunc(&build_error_)); }
  void SetUp() override { ASSERT_FALSE(binary_->empty()) << build_error_; }

  // go_runc's command line, with its mount source in a directory of the test's.
  std::vector<std::string> GoRunc(std::vector<std::string> flags) {
    std::vector<std::string> argv = {*binary_, "--dir", SourceDir()};
    argv.insert(argv.end(), flags.begin(), flags.end());
    return argv;
  }
  static std::string SourceDir() {
    std::string dir = TempDir() + "/mount source dir";
    mkdir(dir.c_str(), 0700);
    return dir;
  }
  static std::vector<std::string> Traced(const std::string& json_log, std::vector<std::string> command) {
    unlink(json_log.c_str());
    std::vector<std::string> argv = {kSynctrace, "exec", "--json", json_log, "--"};
    argv.insert(argv.end(), command.begin(), command.end());
    return argv;
  }

  static std::string* binary_;
  static std::string build_error_;
};

std::string* GoRuncTest::binary_ = nullptr;
std::string GoRuncTest::build_error_;

TEST_F(GoRuncTest, BothSidesReportTheSameWithAndWithoutSynctrace) {
  ProcessResult plain = RunProcess(GoRunc({"--inits", "2"}));
  ASSERT_EQ(plain.exit_code, 0) << plain.out << plain.err;
  // What a complete conversation looks like (so that two empty reports cannot pass).
  for (const char* fact :
       {"init 1: the mount fd is the requested source (name, dev, ino) and reads \"go_runc mount source\\n\"",
        "parent 1: the child's seccomp fd holds \"seccomp stand-in of init 1\"",
        "init 2: EOF from the parent", "parent 2: EOF from the child",
        "parent 2: sync socket afterwards: seqpacket true, cloexec true, nonblocking false",
        "parent 2: init exited with 0"}) {
    EXPECT_THAT(plain.out, HasSubstr(std::string(fact) + "\n"));
  }
  ProcessResult traced = RunProcess(Traced(TempDir() + "/same.jsonl", GoRunc({"--inits", "2"})));
  ASSERT_EQ(traced.exit_code, 0) << traced.out << traced.err;
  EXPECT_EQ(SortedLines(traced.out), SortedLines(plain.out));
  EXPECT_EQ(traced.err, "");
}

TEST_F(GoRuncTest, JsonLogHasTwoSessionsWithEveryMessageDecodedInOrder) {
  std::string log = TempDir() + "/two.jsonl";
  ProcessResult traced = RunProcess(Traced(log, GoRunc({"--inits", "2"})));
  ASSERT_EQ(traced.exit_code, 0) << traced.out << traced.err;
  std::string source = SourceDir() + "/src<&>.txt";

  std::map<int, std::vector<synctrace::TraceEvent>> sessions;
  std::istringstream lines(ReadFile(log));
  for (std::string line; std::getline(lines, line);) {
    absl::StatusOr<synctrace::TraceEvent> event = synctrace::ParseJsonLogLine(line);
    ASSERT_TRUE(event.ok()) << event.status() << ": " << line;
    EXPECT_EQ(line.find("anomal"), std::string::npos) << line;
    EXPECT_TRUE(event->anomalies().empty()) << line;
    sessions[event->session].push_back(*event);
  }
  ASSERT_EQ(sessions.size(), 2u) << ReadFile(log);
  using synctrace::Direction;
  const std::vector<std::pair<Direction, std::string>> expected = {
      {Direction::kChildToParent, "procMountPlease"}, {Direction::kParentToChild, "procMountFd"},
      {Direction::kChildToParent, "procSeccomp"},     {Direction::kParentToChild, "procSeccompDone"},
      {Direction::kChildToParent, "procReady"},       {Direction::kParentToChild, "procRun"}};
  for (int session : {1, 2}) {
    SCOPED_TRACE("session s" + std::to_string(session));
    const std::vector<synctrace::TraceEvent>& events = sessions[session];
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.front().kind, synctrace::EventKind::kSessionStart);
    EXPECT_EQ(events.front().session_info.init_type, "standard");
    EXPECT_EQ(events.back().kind, synctrace::EventKind::kSessionEnd);
    std::vector<synctrace::TraceEvent> messages;
    std::copy_if(events.begin(), events.end(), std::back_inserter(messages),
                 [](const synctrace::TraceEvent& e) { return e.kind == synctrace::EventKind::kMessage; });
    ASSERT_EQ(messages.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ(messages[i].direction, expected[i].first) << i;
      EXPECT_EQ(messages[i].message.type, expected[i].second) << i;
      EXPECT_FALSE(messages[i].message.is_raw_packet) << i;
    }
    // Go's encoder escaped the source's <&> in the request, as runc's does.
    EXPECT_THAT(std::string(messages[0].message.arg().value_or("")),
                HasSubstr("\"source\":\"" + SourceDir() + "/src\\u003c\\u0026\\u003e.txt\""));
    const synctrace::SyncMessage& mount_fd = messages[1].message;
    EXPECT_EQ(mount_fd.flags, 1);
    EXPECT_EQ(std::string(mount_fd.arg().value_or("")), "{\"type\":\"plain-open\"}");
    ASSERT_TRUE(mount_fd.file.has_value());
    EXPECT_EQ(mount_fd.file->name, source);
    EXPECT_TRUE(mount_fd.file->fd.described);
    EXPECT_EQ(mount_fd.file->fd.kind, "regular file");
    EXPECT_EQ(mount_fd.file->fd.path, source);
    struct stat st {};
    ASSERT_EQ(stat(source.c_str(), &st), 0);
    EXPECT_EQ(mount_fd.file->fd.ino, st.st_ino);
    std::string seccomp_arg(messages[2].message.arg().value_or(""));
    EXPECT_FALSE(seccomp_arg.empty());
    EXPECT_EQ(seccomp_arg.find_first_not_of("0123456789"), std::string::npos) << seccomp_arg;
    // The fd it names was described in the child while it held it (a memfd).
    std::string seccomp_note = "procSeccomp: fd " + seccomp_arg + " in runc init pid " +
                               std::to_string(events.front().session_info.child_pid) + " is fd " +
                               seccomp_arg + ": regular file /memfd:go_runc seccomp stand-in (deleted)";
    EXPECT_TRUE(std::any_of(events.begin(), events.end(), [&](const synctrace::TraceEvent& e) {
      return e.kind == synctrace::EventKind::kNote && e.text.rfind(seccomp_note, 0) == 0;
    })) << "no note starting with: " << seccomp_note;
  }
}

TEST_F(GoRuncTest, NoInitIsTracedWhateverItsSyncFd) {
  for (const char* sync_fd : {"3", "4", "9"}) {
    SCOPED_TRACE(std::string("--sync-fd ") + sync_fd);
    ProcessResult traced = RunProcess(Traced(TempDir() + "/tracerpid.jsonl", GoRunc({"--inits", "2", "--sync-fd", sync_fd})));
    ASSERT_EQ(traced.exit_code, 0) << traced.out << traced.err;
    EXPECT_THAT(traced.out, HasSubstr("init 1: TracerPid 0\n"));
    EXPECT_THAT(traced.out, HasSubstr("init 2: TracerPid 0\n"));
    EXPECT_THAT(traced.out, HasSubstr(std::string("init 2: sync socket at fd ") + sync_fd + "\n"));
    EXPECT_EQ(std::count(traced.out.begin(), traced.out.end(), '\n'), 2 * 14) << traced.out;
    std::string log = ReadFile(TempDir() + "/tracerpid.jsonl");
    EXPECT_THAT(log, HasSubstr("\"session\":\"s2\",\"kind\":\"session-end\""));
  }
}

// With a large environment the kernel takes a while to lay it out on the
// new stack after releasing the vfork parent; a runc init read too early
// seemed to have no _LIBCONTAINER_SYNCPIPE and went untraced, silently.
TEST_F(GoRuncTest, EveryInitIsTracedWithALargeEnvironment) {
  std::vector<std::string> padding;
  for (int i = 0; i < 4000; ++i) padding.push_back("GO_RUNC_PAD_" + std::to_string(i) + "=" + std::string(48, 'x'));
  std::string log = TempDir() + "/large-env.jsonl";
  ProcessResult traced = RunProcess(Traced(log, GoRunc({"--inits", "3"})), padding);
  ASSERT_EQ(traced.exit_code, 0) << traced.out << traced.err;
  EXPECT_EQ(traced.err, "");
  std::string text = ReadFile(log);
  for (const char* session : {"s1", "s2", "s3"}) {
    EXPECT_THAT(text, HasSubstr(std::string("\"session\":\"") + session + "\",\"kind\":\"session-start\""));
    EXPECT_THAT(text, HasSubstr(std::string("\"session\":\"") + session +
                                "\",\"kind\":\"message\",\"dir\":\"parent->child\",\"type\":\"procRun\""));
  }
}

TEST_F(GoRuncTest, ExitStatusPassesThrough) {
  ProcessResult plain = RunProcess(GoRunc({"--exit", "5"}));
  EXPECT_EQ(plain.exit_code, 5) << plain.out << plain.err;
  ProcessResult traced = RunProcess(Traced(TempDir() + "/exit.jsonl", GoRunc({"--exit", "5"})));
  EXPECT_EQ(traced.exit_code, 5) << traced.out << traced.err;
  EXPECT_THAT(traced.out, HasSubstr("parent 1: EOF from the child\n"));
}

}  // namespace
