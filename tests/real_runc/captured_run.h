// File: tests/real_runc/captured_run.h
//
// Runs a program (synctrace, runc) to its end with stdout and stderr in files
// (neither is a terminal) and returns both with its exit status. The stdout
// file's path is kept: a container started by `runc create` keeps writing there
// after runc has exited. (//tests:run_process does the same but is private to
// //tests.)
//
// Example:
//   Captured r = RunCaptured({"/usr/sbin/runc", "--version"});
//   EXPECT_EQ(r.exit_code, 0) << r.err;
//   std::string later = ReadWholeFile(r.out_path);
#ifndef SYNCTRACE_TESTS_REAL_RUNC_CAPTURED_RUN_H_
#define SYNCTRACE_TESTS_REAL_RUNC_CAPTURED_RUN_H_

#include <string>
#include <vector>

namespace synctrace {
namespace real_runc {

struct Captured {
  std::string out;
  std::string err;
  int exit_code = -1;  // -1 when it died of a signal
  std::string out_path;
};

// $TEST_TMPDIR, or /tmp outside Bazel.
std::string TestTempDir();
std::string ReadWholeFile(const std::string& path);
// `env` entries ("NAME=value") are added to (or replace) the inherited environment.
Captured RunCaptured(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});

}  // namespace real_runc
}  // namespace synctrace

#endif  // SYNCTRACE_TESTS_REAL_RUNC_CAPTURED_RUN_H_
