// File: bench/exec_bench.cc
//
// Wall time of the fake runc's whole run (tracer/fake_runc: a multi-threaded
// parent, one vfork+exec'd init, a full sync conversation), side by side in one
// run: untraced, under `synctrace exec --log FILE`, and under
// `strace -f -o /dev/null`. The three are interleaved round by round so that
// machine noise hits them alike; prints the median and mean per run and the
// ratios to untraced (docs/BENCHMARKS.md, section "exec"). A fourth line,
// `synctrace exec -- /bin/true`, is synctrace's fixed cost (its own start, the
// ptrace set-up, the log) without any runc at all. Then the same three ways
// for a real `runc run` (Debian's runc 1.1 and a busybox rootfs, when
// installed; run as root): that runc has no sync socket, so synctrace follows
// its Go runtime and leaves its init alone -- the fixed cost on a real runc.
//
//   bazel run -c opt //bench:exec_bench -- [ROUNDS] [INITS]
#include <fcntl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
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

struct Variant {
  const char* name;
  std::vector<std::string> argv;
  std::vector<double> ms;
};

// Runs every variant `rounds` times, interleaved round by round (after one
// warm-up run each), then prints median and mean and the ratio to the first.
// Each round starts with the next variant in turn: a run is affected by the
// one just before it (a real runc after strace's slow run was ~10% faster), so
// every variant follows every other equally often. `before_each` (may be
// empty) runs before every timed run, untimed.
bool TimeVariants(const std::string& title, int rounds, std::vector<Variant>* variants,
                  const std::function<void(Variant&, int)>& before_each) {
  for (Variant& v : *variants) {
    if (before_each) before_each(v, -1);
    TimeRun(v.argv);  // warm up caches
  }
  size_t count = variants->size();
  for (int r = 0; r < rounds; ++r) {
    for (size_t i = 0; i < count; ++i) {
      Variant& v = (*variants)[(i + static_cast<size_t>(r)) % count];
      if (before_each) before_each(v, r);
      double ms = TimeRun(v.argv);
      if (ms < 0) {
        std::fprintf(stderr, "exec_bench: %s failed\n", v.name);
        return false;
      }
      v.ms.push_back(ms);
    }
  }
  std::printf("%s, %d rounds, wall time per run:\n", title.c_str(), rounds);
  double base = 0;
  for (Variant& v : *variants) {
    std::sort(v.ms.begin(), v.ms.end());
    double median = v.ms[v.ms.size() / 2];
    double mean = 0;
    for (double m : v.ms) mean += m;
    mean /= static_cast<double>(v.ms.size());
    if (base == 0) base = median;
    std::printf("  %-27s median %7.2f ms  mean %7.2f ms  (%.2fx untraced)\n", v.name, median,
                mean, median / base);
  }
  return true;
}

// The first line of `command`'s output ("" when it fails).
std::string FirstLineOf(const std::string& command) {
  std::string line;
  if (FILE* p = popen(command.c_str(), "r")) {
    char buf[256];
    if (std::fgets(buf, sizeof buf, p) != nullptr) line = buf;
    pclose(p);
  }
  while (!line.empty() && line.back() == '\n') line.pop_back();
  return line;
}

// A bundle whose container runs `true` from a one-binary busybox rootfs;
// returns its directory ("" when something is missing).
std::string MakeBusyboxBundle() {
  char dir_template[] = "/tmp/synctrace-exec-bench.XXXXXX";
  if (mkdtemp(dir_template) == nullptr) return "";
  std::string dir = dir_template;
  std::string cmd = "set -e; cd " + dir +
                    "; mkdir -p rootfs/bin rootfs/usr/bin; cp /bin/busybox rootfs/usr/bin/;"
                    " ln -s /usr/bin/busybox rootfs/bin/true; ln -s /usr/bin/busybox rootfs/bin/sh;"
                    " runc spec --bundle .;"
                    " sed -i 's/\"terminal\": true/\"terminal\": false/; s/\"sh\"$/\"true\"/'"
                    " config.json";
  if (std::system(cmd.c_str()) != 0) return "";
  return dir;
}

// Debian's runc (1.1.x: no sync socket, so synctrace follows it and leaves its
// init alone: the fixed cost and the cost of following a Go runtime's threads).
void BenchRealRunc(int rounds, const std::string& synctrace, const std::string& log) {
  if (std::system("command -v runc >/dev/null && test -x /bin/busybox") != 0) {
    std::printf("\nreal runc: not installed (tools/setup.sh installs runc and busybox-static)\n");
    return;
  }
  std::string bundle = MakeBusyboxBundle();
  if (bundle.empty()) {
    std::fprintf(stderr, "exec_bench: could not make a runc bundle\n");
    return;
  }
  std::vector<std::string> run = {"/usr/sbin/runc", "run", "--bundle", bundle};
  std::vector<Variant> variants = {{"untraced", run, {}},
                                   {"synctrace exec --log", {synctrace, "exec", "--log", log, "--"}, {}},
                                   {"strace -f -o /dev/null", {"/usr/bin/strace", "-f", "-o", "/dev/null"}, {}}};
  for (size_t i = 1; i < variants.size(); ++i) {
    variants[i].argv.insert(variants[i].argv.end(), run.begin(), run.end());
  }
  for (Variant& v : variants) v.argv.push_back("");  // the container id, set per run
  int serial = 0;
  auto name_container = [&serial](Variant& v, int) {
    v.argv.back() = "synctrace-bench-" + std::to_string(getpid()) + "-" + std::to_string(serial++);
  };
  std::printf("\n");
  TimeVariants("real `runc run` of a container running `true` (" + FirstLineOf("runc --version") + ")",
               rounds, &variants, name_container);
  std::system(("rm -rf " + bundle).c_str());
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = argc > 1 ? std::atoi(argv[1]) : 50;
  std::string inits = argc > 2 ? argv[2] : "1";
  std::string fake = Absolute("tracer/fake_runc/fake_runc");
  std::string synctrace = Absolute("synctrace");
  std::string log = "/tmp/synctrace-exec-bench.log";
  std::vector<std::string> command = {fake, "run", "bench", "--inits", inits};

  std::vector<Variant> variants = {{"untraced", command, {}},
                                   {"synctrace exec --log", {synctrace, "exec", "--log", log, "--"}, {}},
                                   {"strace -f -o /dev/null", {"/usr/bin/strace", "-f", "-o", "/dev/null"}, {}},
                                   {"synctrace exec -- /bin/true", {synctrace, "exec", "--log", log, "--", "/bin/true"}, {}}};
  for (size_t i = 1; i < 3; ++i) {
    variants[i].argv.insert(variants[i].argv.end(), command.begin(), command.end());
  }
  if (!TimeVariants("fake runc run (" + inits + " init(s))", rounds, &variants, nullptr)) return 1;
  BenchRealRunc(rounds, synctrace, log);
  unlink(log.c_str());
  return 0;
}
