// File: tests/run_process.h
//
// For end-to-end tests: run a program (usually the synctrace binary from the
// test's runfiles) with stdout and stderr captured into files, so neither is
// a terminal, and get both back with the exit code.
//
// Example:
//   ProcessResult r = RunProcess({"synctrace", "demo", "--scenario", "exec"});
//   EXPECT_EQ(r.exit_code, 0) << r.err;
//   RunningProcess p = StartProcess({"synctrace", "demo", "--speed", "1"});
//   kill(p.pid, SIGTERM);  ProcessResult r2 = p.Wait();
#ifndef SYNCTRACE_TESTS_RUN_PROCESS_H_
#define SYNCTRACE_TESTS_RUN_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace synctrace {
namespace testing_util {

struct ProcessResult {
  std::string out;
  std::string err;
  int exit_code = -1;  // -1 when killed by a signal
  std::string out_path;  // its stdout's file: a daemon it started may still write there
};

// A program started with StartProcess, still running (e.g. to signal it).
struct RunningProcess {
  pid_t pid = -1;
  std::string out_path;  // where its stdout and stderr go, readable meanwhile
  std::string err_path;
  ProcessResult Wait();  // reaps it and reads both files
};

// $TEST_TMPDIR, or /tmp outside Bazel.
std::string TempDir();
std::string ReadFile(const std::string& path);
// The names in `dir` (without "." and ".."), sorted; empty when it cannot be read.
std::vector<std::string> ListDir(const std::string& dir);
// The lines of `text` (without their '\n'), sorted: output compared regardless of order.
std::vector<std::string> SortedLines(const std::string& text);
// True when `text` (a screen, an output) contains `needle`.
bool Has(const std::string& text, const std::string& needle);
// The lines of `text` (a screen, an output) that contain `needle`, in order.
std::vector<std::string> LinesWith(const std::string& text, const std::string& needle);
// `env` entries ("NAME=value") are added to (or replace) the inherited environment.
RunningProcess StartProcess(const std::vector<std::string>& argv,
                            const std::vector<std::string>& env = {});
ProcessResult RunProcess(const std::vector<std::string>& argv,
                         const std::vector<std::string>& env = {});  // StartProcess + Wait

}  // namespace testing_util
}  // namespace synctrace

#endif  // SYNCTRACE_TESTS_RUN_PROCESS_H_
