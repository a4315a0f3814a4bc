// File: tests/run_process.h
//
// For end-to-end tests: run a program (usually the synctrace binary from the
// test's runfiles) with stdout and stderr captured into files, so neither is
// a terminal, and get both back with the exit code.
//
// Example:
//   ProcessResult r = RunProcess({"synctrace", "demo", "--scenario", "exec"});
//   EXPECT_EQ(r.exit_code, 0) << r.err;
#ifndef SYNCTRACE_TESTS_RUN_PROCESS_H_
#define SYNCTRACE_TESTS_RUN_PROCESS_H_

#include <string>
#include <vector>

namespace synctrace {
namespace testing_util {

struct ProcessResult {
  std::string out;
  std::string err;
  int exit_code = -1;  // -1 when killed by a signal
};

// $TEST_TMPDIR, or /tmp outside Bazel.
std::string TempDir();
std::string ReadFile(const std::string& path);
ProcessResult RunProcess(const std::vector<std::string>& argv);

}  // namespace testing_util
}  // namespace synctrace

#endif  // SYNCTRACE_TESTS_RUN_PROCESS_H_
