// End-to-end tests of `synctrace exec` and `synctrace runtime` with the fake
// runc (tracer/fake_runc): real processes, real ptrace, real sockets. Each
// fake runc side prints what it experienced; a run under synctrace must print
// the same lines as a run without it.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/run_process.h"
#include "tracer/sim/scenario.h"

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const char kSynctrace[] = "synctrace";
const char kFakeRunc[] = "tracer/fake_runc/fake_runc";

using synctrace::testing_util::ProcessResult;
using synctrace::testing_util::ReadFile;
using synctrace::testing_util::RunProcess;
using synctrace::testing_util::TempDir;

std::string Absolute(const std::string& path) {
  char* real = realpath(path.c_str(), nullptr);
  std::string out = real != nullptr ? real : path;
  free(real);
  return out;
}

std::vector<std::string> SortedLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  return lines;
}

std::vector<std::string> Exec(const std::string& log, std::vector<std::string> command) {
  std::vector<std::string> argv = {kSynctrace, "exec", "--log", log, "--"};
  argv.insert(argv.end(), command.begin(), command.end());
  return argv;
}

std::string NewLogPath(const std::string& name) {
  std::string path = TempDir() + "/" + name + std::to_string(getpid()) + ".log";
  unlink(path.c_str());
  return path;
}

TEST(ExecTest, ConversationIsTheSameWithAndWithoutSynctraceAndEveryMessageIsLogged) {
  std::vector<std::string> command = {kFakeRunc, "run", "c1", "--idmap-helper"};
  ProcessResult plain = RunProcess(command);
  ASSERT_EQ(plain.exit_code, 0) << plain.out << plain.err;
  std::string log = NewLogPath("same");
  ProcessResult traced = RunProcess(Exec(log, command));
  ASSERT_EQ(traced.exit_code, 0) << traced.out << traced.err;

  EXPECT_EQ(SortedLines(traced.out), SortedLines(plain.out));
  EXPECT_EQ(traced.err, "");
  std::string text = ReadFile(log);
  for (const char* type : {"procMountPlease", "procMountFd", "procSeccomp ", "procSeccompDone",
                           "procReady", "procRun"}) {
    EXPECT_THAT(text, HasSubstr(std::string("type:") + type)) << text;
  }
  EXPECT_THAT(text, HasSubstr("file:/proc/self/exe"));
  EXPECT_THAT(text, HasSubstr("container c1"));
  EXPECT_THAT(text, HasSubstr("standard"));
  EXPECT_THAT(text, HasSubstr("procSeccomp: fd "));  // the child's fd was described
  EXPECT_THAT(text, HasSubstr("seccomp-stand-in"));
}

// The simulator's conversations (every scenario, misbehaving peers and a
// crashing child included), run by the fake runc's two processes: each peer's
// report is the same with and without synctrace, and every message is logged.
TEST(ExecTest, SimulatorScenariosGiveTheSamePeerReportsWithAndWithoutSynctrace) {
  absl::StatusOr<synctrace::sim::SimFixture> fixture = synctrace::sim::SimFixture::Create();
  ASSERT_TRUE(fixture.ok()) << fixture.status();
  std::vector<std::string> command = {kFakeRunc, "run", "sim", "--scenario", "all",
                                      "--fixture", fixture->dir()};
  ProcessResult plain = RunProcess(command);
  ASSERT_EQ(plain.exit_code, 0) << plain.out << plain.err;
  std::string log = NewLogPath("scenarios");
  ProcessResult traced = RunProcess(Exec(log, command));
  ASSERT_EQ(traced.exit_code, 0) << traced.out << traced.err;
  EXPECT_EQ(SortedLines(traced.out), SortedLines(plain.out));
  EXPECT_EQ(traced.err, "");
  std::string text = ReadFile(log);
  EXPECT_THAT(text, HasSubstr("s8 session start"));  // one session per scenario
  EXPECT_THAT(text, Not(HasSubstr("s9 ")));
  for (const char* expected : {"type:procMountFd flags:0b1 arg:{\"type\":\"open_tree\"}",
                               "type:procHooksDone", "type:procError", "seccomp notify"}) {
    EXPECT_THAT(text, HasSubstr(expected));
  }
  // Every message a peer sent appears in the log.
  std::istringstream lines(plain.out);
  for (std::string line; std::getline(lines, line);) {
    size_t at = line.find(" sent type:");
    if (at == std::string::npos) continue;
    std::string sent;
    ASSERT_TRUE(absl::CUnescape(line.substr(at + 6), &sent)) << line;  // reports are C-escaped
    // A passed fd's number is the holder's: the sender's in the report, synctrace's in the log.
    size_t fd_note = sent.rfind(" (fd:");
    if (fd_note != std::string::npos) sent.erase(fd_note);
    EXPECT_NE(text.find(sent), std::string::npos) << "not in the log: " << sent;
  }
}

TEST(ExecTest, NoChildIsTracedAndPtraceTracemeSucceeds) {
  std::string log = NewLogPath("untraced");
  ProcessResult traced = RunProcess(Exec(log, {kFakeRunc, "run", "c1", "--idmap-helper"}));
  ASSERT_EQ(traced.exit_code, 0) << traced.out << traced.err;
  EXPECT_THAT(traced.out, HasSubstr("init: TracerPid 0\n"));
  EXPECT_THAT(traced.out, HasSubstr("helper: PTRACE_TRACEME succeeded\n"));
  EXPECT_THAT(ReadFile(log), HasSubstr("s1 "));  // and it was interposed all the same
}

TEST(ExecTest, TwoInitsGiveTwoSessions) {
  std::string log = NewLogPath("two");
  ProcessResult traced = RunProcess(Exec(log, {kFakeRunc, "run", "c2", "--inits", "2"}));
  ASSERT_EQ(traced.exit_code, 0) << traced.out << traced.err;
  std::string text = ReadFile(log);
  EXPECT_THAT(text, HasSubstr("s1 session start"));
  EXPECT_THAT(text, HasSubstr("s2 session start"));
  EXPECT_THAT(text, HasSubstr("s2 parent->child type:procRun"));
  EXPECT_THAT(text, Not(HasSubstr("s3 ")));
}

TEST(ExecTest, SetnsInitTypeIsRecorded) {
  std::string log = NewLogPath("setns");
  ProcessResult traced = RunProcess(Exec(log, {kFakeRunc, "exec", "c3", "--init-type", "setns"}));
  ASSERT_EQ(traced.exit_code, 0) << traced.out << traced.err;
  std::string text = ReadFile(log);
  EXPECT_THAT(text, HasSubstr("setns"));
  EXPECT_THAT(text, HasSubstr("s1 parent->child type:procRun"));
}

// A failed interposition (before anything was touched, and inside the parent
// after pidfd_open) leaves the conversation intact and says so in one line.
TEST(ExecTest, FailedInterpositionLeavesTheConversationIntact) {
  std::vector<std::string> command = {kFakeRunc, "run", "c4"};
  ProcessResult plain = RunProcess(command);
  ASSERT_EQ(plain.exit_code, 0);
  for (const char* fault : {"swap-find", "swap-inject"}) {
    std::string log = NewLogPath(fault);
    ProcessResult traced = RunProcess(Exec(log, command), {std::string("SYNCTRACE_FAULT=") + fault});
    ASSERT_EQ(traced.exit_code, 0) << fault << traced.out << traced.err;
    EXPECT_EQ(SortedLines(traced.out), SortedLines(plain.out)) << fault;
    EXPECT_THAT(traced.err, HasSubstr("not tracing runc init pid")) << fault;
    EXPECT_EQ(std::count(traced.err.begin(), traced.err.end(), '\n'), 1) << traced.err;
    EXPECT_THAT(ReadFile(log), Not(HasSubstr("type:procReady"))) << fault;
  }
}

// Under `strace -f`, synctrace's child is already traced, so PTRACE_SEIZE is
// refused: one line, and the command runs untraced with its conversation intact.
TEST(ExecTest, RefusedPtraceRunsTheCommandUntraced) {
  std::vector<std::string> command = {kFakeRunc, "run", "c10"};
  ProcessResult plain = RunProcess(command);
  std::string log = NewLogPath("refused");
  std::vector<std::string> argv = {"/usr/bin/strace", "-f", "-o", "/dev/null"};
  // Under --config=asan, LeakSanitizer cannot run in a traced process (it
  // ends it with a fatal error, status 1): off for everything strace traces.
  const char* asan = std::getenv("ASAN_OPTIONS");
  argv.insert(argv.begin(), {"/usr/bin/env", std::string("ASAN_OPTIONS=") +
                                                 (asan != nullptr ? asan : "") +
                                                 ":detect_leaks=0"});
  std::vector<std::string> exec = Exec(log, command);
  argv.insert(argv.end(), exec.begin(), exec.end());
  ProcessResult traced = RunProcess(argv);
  ASSERT_EQ(traced.exit_code, 0) << traced.out << traced.err;
  // (strace itself traces the init, so only its TracerPid line differs.)
  auto without_tracer_pid = [](std::vector<std::string> lines) {
    lines.erase(std::remove_if(lines.begin(), lines.end(),
                               [](const std::string& l) { return l.rfind("init: TracerPid", 0) == 0; }),
                lines.end());
    return lines;
  };
  EXPECT_EQ(without_tracer_pid(SortedLines(traced.out)), without_tracer_pid(SortedLines(plain.out)));
  EXPECT_EQ(without_tracer_pid(SortedLines(traced.out)).size(), SortedLines(plain.out).size() - 1);
  EXPECT_THAT(traced.err, HasSubstr("running it untraced"));
  EXPECT_EQ(std::count(traced.err.begin(), traced.err.end(), '\n'), 1) << traced.err;
}

TEST(ExecTest, OldRuncIsNotTracedAndSaysWhy) {
  std::string log = NewLogPath("old");
  ProcessResult traced = RunProcess(Exec(log, {kFakeRunc, "run", "c5", "--old-runc"}));
  ASSERT_EQ(traced.exit_code, 0) << traced.out << traced.err;
  EXPECT_THAT(traced.out, HasSubstr("parent: EOF from the child"));
  EXPECT_THAT(traced.err, HasSubstr("older than 1.2"));
}

TEST(ExecTest, ExitStatusPassesThrough) {
  std::string log = NewLogPath("status");
  ProcessResult traced = RunProcess(Exec(log, {kFakeRunc, "run", "c6", "--exit", "7"}));
  EXPECT_EQ(traced.exit_code, 7) << traced.err;
  ProcessResult missing = RunProcess(Exec(log, {"/nonexistent/runc"}));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("cannot run /nonexistent/runc"));
}

TEST(ExecTest, SigtermReachesTheCommandAndItsDeathPassesThrough) {
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  std::string log = NewLogPath("signal");
  std::vector<std::string> argv = Exec(log, {kFakeRunc, "run", "c7", "--wait-for-signal"});
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    std::vector<char*> cargv;
    for (const std::string& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  close(out[1]);
  std::string seen;
  char buf[256];
  ssize_t n;
  while (seen.find("waiting for a signal") == std::string::npos &&
         (n = read(out[0], buf, sizeof buf)) > 0) {
    seen.append(buf, static_cast<size_t>(n));
  }
  ASSERT_THAT(seen, HasSubstr("waiting for a signal"));
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  close(out[0]);
  ASSERT_TRUE(WIFSIGNALED(status)) << status;
  EXPECT_EQ(WTERMSIG(status), SIGTERM);
}

TEST(RuntimeTest, WrapperOutputAndStatusAreRuncsAndLogsGoToTheDirectory) {
  std::string dir = TempDir() + "/runtime-logs" + std::to_string(getpid());
  std::vector<std::string> runc_args = {"run", "c8", "--exit", "5"};
  std::vector<std::string> plain_argv = {kFakeRunc};
  plain_argv.insert(plain_argv.end(), runc_args.begin(), runc_args.end());
  ProcessResult plain = RunProcess(plain_argv);
  std::vector<std::string> argv = {kSynctrace, "runtime", "--runtime-path",
                                   Absolute(kFakeRunc), "--log-dir", dir};
  argv.insert(argv.end(), runc_args.begin(), runc_args.end());
  ProcessResult wrapped = RunProcess(argv);
  EXPECT_EQ(wrapped.exit_code, 5);
  EXPECT_EQ(SortedLines(wrapped.out), SortedLines(plain.out));
  EXPECT_EQ(wrapped.err, plain.err);

  std::string listing = RunProcess({"/bin/ls", dir}).out;
  std::vector<std::string> files = SortedLines(listing);
  ASSERT_EQ(files.size(), 2u) << listing;
  EXPECT_THAT(files[0], HasSubstr("-c8-run-"));
  EXPECT_THAT(files[0], ::testing::EndsWith(".jsonl"));
  EXPECT_THAT(files[1], ::testing::EndsWith(".log"));
  EXPECT_THAT(ReadFile(dir + "/" + files[1]), HasSubstr("type:procRun"));
  EXPECT_THAT(ReadFile(dir + "/" + files[0]), HasSubstr("procRun"));
}

TEST(RuntimeTest, SymlinkNameAndEnvironmentWorkAndOtherSubcommandsAreNotLogged) {
  std::string dir = TempDir() + "/runtime-env" + std::to_string(getpid());
  std::string link = TempDir() + "/synctrace-runc";
  unlink(link.c_str());
  ASSERT_EQ(symlink(Absolute(kSynctrace).c_str(), link.c_str()), 0);
  std::vector<std::string> env = {"SYNCTRACE_RUNC=" + Absolute(kFakeRunc),
                                  "SYNCTRACE_LOG_DIR=" + dir};
  ProcessResult state = RunProcess({link, "--root", "/r", "state", "c9", "--exit", "3"}, env);
  EXPECT_EQ(state.exit_code, 3);  // runc ran (exec'd directly)
  EXPECT_EQ(access(dir.c_str(), F_OK), -1);  // no log for `state`
  ProcessResult run = RunProcess({link, "--root", "/r", "create", "c9"}, env);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  EXPECT_EQ(SortedLines(RunProcess({"/bin/ls", dir}).out).size(), 2u);

  // Another name is plain synctrace, not the wrapper.
  std::string other = TempDir() + "/synctrace-static";
  unlink(other.c_str());
  ASSERT_EQ(symlink(Absolute(kSynctrace).c_str(), other.c_str()), 0);
  ProcessResult help = RunProcess({other, "help"}, env);
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("runtime"));
}

}  // namespace
