// File: bench/exec_bench.cc
//
// Wall time of the fake runc's whole run (tracer/fake_runc: a multi-threaded
// parent, one vfork+exec'd init, a full sync conversation), side by side in one
// run: untraced, under `synctrace exec --log FILE`, and under
// `strace -f -o /dev/null`. The three are interleaved round by round so that
// machine noise hits them alike; prints the median and mean per run and the
// ratios to untraced (docs/BENCHMARKS.md, section "exec"). A fourth line,
// `synctrace exec -- /bin/true`, is synctrace's fixed cost (its own start with
// ~50 shared libraries, the ptrace set-up, the log) without any runc at all.
//
//   bazel run -c opt //bench:exec_bench -- [ROUNDS] [INITS]
#include <fcntl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

double NowMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

// Runs argv with stdout/stderr to /dev/null; returns wall ms, or -1 on failure.
double TimeRun(const std::vector<std::string>& argv) {
  double start = NowMs();
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    std::vector<char*> cargv;
    for (const std::string& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  double ms = NowMs() - start;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? ms : -1;
}

std::string Absolute(const char* path) {
  char* real = realpath(path, nullptr);
  std::string out = real != nullptr ? real : path;
  free(real);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = argc > 1 ? std::atoi(argv[1]) : 50;
  std::string inits = argc > 2 ? argv[2] : "1";
  std::string fake = Absolute("tracer/fake_runc/fake_runc");
  std::string synctrace = Absolute("synctrace");
  std::string log = "/tmp/synctrace-exec-bench.log";
  std::vector<std::string> command = {fake, "run", "bench", "--inits", inits};

  struct Variant {
    const char* name;
    std::vector<std::string> argv;
    std::vector<double> ms;
  };
  std::vector<Variant> variants = {{"untraced", command, {}},
                                   {"synctrace exec --log", {synctrace, "exec", "--log", log, "--"}, {}},
                                   {"strace -f -o /dev/null", {"/usr/bin/strace", "-f", "-o", "/dev/null"}, {}},
                                   {"synctrace exec -- /bin/true", {synctrace, "exec", "--log", log, "--", "/bin/true"}, {}}};
  for (size_t i = 1; i < 3; ++i) {
    variants[i].argv.insert(variants[i].argv.end(), command.begin(), command.end());
  }
  for (Variant& v : variants) TimeRun(v.argv);  // warm up caches
  for (int r = 0; r < rounds; ++r) {
    for (Variant& v : variants) {
      double ms = TimeRun(v.argv);
      if (ms < 0) {
        std::fprintf(stderr, "exec_bench: %s failed\n", v.name);
        return 1;
      }
      v.ms.push_back(ms);
    }
  }
  unlink(log.c_str());
  std::printf("fake runc run (%s init(s)), %d rounds, wall time per run:\n", inits.c_str(), rounds);
  double base = 0;
  for (Variant& v : variants) {
    std::sort(v.ms.begin(), v.ms.end());
    double median = v.ms[v.ms.size() / 2];
    double mean = 0;
    for (double m : v.ms) mean += m;
    mean /= static_cast<double>(v.ms.size());
    if (base == 0) base = median;
    std::printf("  %-24s median %7.2f ms  mean %7.2f ms  (%.2fx untraced)\n", v.name, median, mean,
                median / base);
  }
  return 0;
}
