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
#include <cctype>
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
using synctrace::testing_util::SortedLines;
using synctrace::testing_util::TempDir;

std::string Absolute(const std::string& path) {
  char* real = realpath(path.c_str(), nullptr);
  std::string out = real != nullptr ? real : path;
  free(real);
  return out;
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

// Every message a simulator peer reports it sent (report lines "... sent type:...")
// appears in the log.
void ExpectEverySentMessageLogged(const std::string& reports, const std::string& log_text) {
  std::istringstream lines(reports);
  for (std::string line; std::getline(lines, line);) {
    size_t at = line.find(" sent type:");
    if (at == std::string::npos) continue;
    std::string sent;
    ASSERT_TRUE(absl::CUnescape(line.substr(at + 6), &sent)) << line;  // reports are C-escaped
    // A passed fd's number is the holder's: the sender's in the report, synctrace's in the log.
    size_t fd_note = sent.rfind(" (fd:");
    if (fd_note != std::string::npos) sent.erase(fd_note);
    EXPECT_NE(log_text.find(sent), std::string::npos) << "not in the log: " << sent;
  }
}

// fake_runc --nsexec-stages prints "parent: nsexec pids stage-0 A stage-1 B
// stage-2 C", the one line that differs between runs: dropped for comparing.
std::vector<std::string> WithoutPidLines(std::vector<std::string> lines) {
  lines.erase(std::remove_if(lines.begin(), lines.end(),
                             [](const std::string& l) {
                               return l.find("parent: nsexec pids ") != std::string::npos;
                             }),
              lines.end());
  return lines;
}

// The stage-2 pids of those lines, in order.
std::vector<std::string> Stage2Pids(const std::string& out) {
  std::vector<std::string> pids;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    size_t at = line.find("parent: nsexec pids ");
    size_t stage2 = line.find(" stage-2 ");
    if (at != std::string::npos && stage2 != std::string::npos) pids.push_back(line.substr(stage2 + 9));
  }
  return pids;
}

// `command` run as is and under `synctrace exec --log`: both must exit 0, and
// the traced run must print the same lines (but the pid lines), nothing on stderr.
struct PlainAndTraced {
  ProcessResult plain, traced;
  std::string log_text;
};
void RunPlainAndTraced(const std::vector<std::string>& command, const std::string& log_name,
                       PlainAndTraced* runs) {
  runs->plain = RunProcess(command);
  ASSERT_EQ(runs->plain.exit_code, 0) << runs->plain.out << runs->plain.err;
  std::string log = NewLogPath(log_name);
  runs->traced = RunProcess(Exec(log, command));
  ASSERT_EQ(runs->traced.exit_code, 0) << runs->traced.out << runs->traced.err;
  EXPECT_EQ(WithoutPidLines(SortedLines(runs->traced.out)),
            WithoutPidLines(SortedLines(runs->plain.out)));
  EXPECT_EQ(runs->traced.err, "");
  runs->log_text = ReadFile(log);
}

// The log's "procSeccomp: fd ..." notes.
std::vector<std::string> SeccompNotes(const std::string& log_text) {
  std::vector<std::string> notes;
  std::istringstream lines(log_text);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("note: procSeccomp: fd ") != std::string::npos) notes.push_back(line);
  }
  return notes;
}

// Whether `line` says "pid <pid>" (not a longer number starting so).
bool NamesPid(const std::string& line, const std::string& pid) {
  std::string word = "pid " + pid;
  for (size_t at = line.find(word); at != std::string::npos; at = line.find(word, at + 1)) {
    size_t after = at + word.size();
    if (after == line.size() || !std::isdigit(static_cast<unsigned char>(line[after]))) return true;
  }
  return false;
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
  ExpectEverySentMessageLogged(plain.out, text);
}

// Like real runc's nsexec: the vforked init (stage-0) clones stage-1 and
// stage-2 with CLONE_PARENT and exits; stage-2, a child of the runc parent,
// talks on the inherited sync fd and holds procSeccomp's fd.
TEST(ExecTest, NsexecStagesConversationIsTheSameAndStage2TalksUntraced) {
  PlainAndTraced runs;
  ASSERT_NO_FATAL_FAILURE(
      RunPlainAndTraced({kFakeRunc, "run", "c11", "--nsexec-stages"}, "nsexec", &runs));
  for (const char* line : {"init: talking as runc:[2:INIT], a child of the runc parent\n",
                           "init: TracerPid 0\n", "parent: stage-0 exited with 0\n",
                           "parent: stage-1 (my child) exited with 0\n",
                           "parent: stage-2 is my child\n",
                           "parent: seccomp fd from stage-2 is /memfd:seccomp-stand-in",
                           "parent: EOF from the child\n", "parent: init exited with 0\n"}) {
    EXPECT_THAT(runs.traced.out, HasSubstr(line));
  }
  const std::string& text = runs.log_text;
  EXPECT_THAT(text, HasSubstr("s1 session start"));
  EXPECT_THAT(text, Not(HasSubstr("s2 ")));
  EXPECT_THAT(text, HasSubstr("container c11"));
  for (const char* type : {"procMountPlease", "procMountFd", "procSeccomp ", "procSeccompDone",
                           "procReady", "procRun"}) {
    EXPECT_THAT(text, HasSubstr(std::string("type:") + type)) << text;
  }
  EXPECT_THAT(text, HasSubstr("file:/proc/self/exe"));
}

// The simulator's scenarios through the stages: same peer reports, every
// message logged, and procSeccomp's fd described where it is: in stage-2 (the
// vforked stage-0 is long gone by then), as a seccomp notify fd.
TEST(ExecTest, NsexecStagesScenariosGiveTheSameReportsAndTheSeccompFdIsDescribedInStage2) {
  absl::StatusOr<synctrace::sim::SimFixture> fixture = synctrace::sim::SimFixture::Create();
  ASSERT_TRUE(fixture.ok()) << fixture.status();
  PlainAndTraced runs;
  ASSERT_NO_FATAL_FAILURE(RunPlainAndTraced({kFakeRunc, "run", "sim", "--scenario", "all",
                                             "--fixture", fixture->dir(), "--nsexec-stages"},
                                            "nsexec-scenarios", &runs));
  EXPECT_THAT(runs.traced.out,
              HasSubstr("create child talking as runc:[2:INIT], a child of the runc parent\n"));
  const std::string& text = runs.log_text;
  EXPECT_THAT(text, HasSubstr("s8 session start"));  // one session per scenario
  EXPECT_THAT(text, Not(HasSubstr("s9 ")));
  ExpectEverySentMessageLogged(runs.plain.out, text);

  std::vector<std::string> stage2 = Stage2Pids(runs.traced.out);
  ASSERT_EQ(stage2.size(), 8u) << runs.traced.out;
  std::vector<std::string> notes = SeccompNotes(text);
  ASSERT_FALSE(notes.empty()) << text;  // the create scenario sends procSeccomp
  for (const std::string& note : notes) {
    EXPECT_THAT(note, HasSubstr("seccomp notify"));
    EXPECT_TRUE(std::any_of(stage2.begin(), stage2.end(),
                            [&](const std::string& pid) { return NamesPid(note, pid); }))
        << note << " names no stage-2 pid of " << runs.traced.out;
  }
}

TEST(ExecTest, NsexecStagesTwoInitsGiveTwoSessions) {
  std::string log = NewLogPath("nsexec-two");
  ProcessResult traced =
      RunProcess(Exec(log, {kFakeRunc, "run", "c12", "--inits", "2", "--nsexec-stages"}));
  ASSERT_EQ(traced.exit_code, 0) << traced.out << traced.err;
  std::vector<std::string> lines = SortedLines(traced.out);
  EXPECT_EQ(std::count(lines.begin(), lines.end(),
                       "init: talking as runc:[2:INIT], a child of the runc parent"), 2)
      << traced.out;
  EXPECT_EQ(std::count(lines.begin(), lines.end(), "parent: init exited with 0"), 2) << traced.out;
  EXPECT_EQ(std::count(lines.begin(), lines.end(), "parent: EOF from the child"), 2) << traced.out;
  std::string text = ReadFile(log);
  EXPECT_THAT(text, HasSubstr("s1 session start"));
  EXPECT_THAT(text, HasSubstr("s2 session start"));
  EXPECT_THAT(text, HasSubstr("s1 parent->child type:procRun"));
  EXPECT_THAT(text, HasSubstr("s2 parent->child type:procRun"));
  EXPECT_THAT(text, Not(HasSubstr("s3 ")));
  // Each session's procSeccomp fd is described in its own stage-2.
  std::vector<std::string> stage2 = Stage2Pids(traced.out);
  std::vector<std::string> notes = SeccompNotes(text);
  ASSERT_EQ(stage2.size(), 2u) << traced.out;
  ASSERT_EQ(notes.size(), 2u) << text;
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_THAT(notes[i], HasSubstr(" s" + std::to_string(i + 1) + " note: "));
    EXPECT_THAT(notes[i], HasSubstr("seccomp-stand-in"));
    EXPECT_TRUE(NamesPid(notes[i], stage2[i])) << notes[i] << " is not in stage-2 pid " << stage2[i];
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
