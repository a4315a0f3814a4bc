// Running a program to its end with captured output; see captured_run.h.
#include "tests/real_runc/captured_run.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace synctrace {
namespace real_runc {

std::string TestTempDir() {
  const char* dir = std::getenv("TEST_TMPDIR");
  return dir != nullptr ? dir : "/tmp";
}

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Captured RunCaptured(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  static int runs = 0;
  std::string base = TestTempDir() + "/captured" + std::to_string(getpid()) + "_" +
                     std::to_string(runs++);
  Captured r;
  r.out_path = base + ".out";
  std::string err_path = base + ".err";
  std::vector<char*> cargv;
  for (const std::string& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(open(r.out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600), 1);
    dup2(open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600), 2);
    for (const std::string& e : env) putenv(const_cast<char*>(e.c_str()));
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.out = ReadWholeFile(r.out_path);
  r.err = ReadWholeFile(err_path);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace real_runc
}  // namespace synctrace
