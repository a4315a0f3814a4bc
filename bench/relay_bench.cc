// relay_bench: what synctrace's relay costs, side by side in one run.
//
// Round trip of one 100-byte packet (a child request, a 100-byte parent reply)
// through four paths, interleaved in rounds so they share the machine's state:
//   direct     the two peers on one socketpair (no relay)
//   minimal    a minimal poll() relay written here: recv() then send(), the floor
//   synctrace  `synctrace proxy` (real process) with --log to a file
//   socat      `socat FD:3 FD:4` when installed (it cannot pass fds)
// Then messages per second one way (pipelined) through each relay, and the
// proxy's peak RSS (ru_maxrss) after 100k and after 1M messages (flat = no growth).
//
// Usage: bazel run -c opt //bench:relay_bench -- [--roundtrips N] [--messages N]
//            [--synctrace PATH] [--rounds N] [--log PATH (default: a file in /tmp)]
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

// Exactly 100 bytes each, as runc writes them.
const std::string kRequest =
    R"({"type":"procMountPlease","flags":0,"arg":{"source":"/var/lib/data1","destination":"/data"}})";
const std::string kReply =
    R"({"type":"procMountFd","flags":0,"arg":{"type":"open_tree","note":"bench reply, 100 bytes"}})";

double NowSec() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void Die(const char* what) {
  std::perror(what);
  std::exit(1);
}

void SeqpacketPair(int fds[2]) {
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0) Die("socketpair");
}

// The peer that answers every request with kReply (the "parent"). `other` is
// the bench's own end, closed in the replier so that it sees EOF at the end.
pid_t StartReplier(int fd, int other) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  close(other);
  char buf[65536];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) _exit(0);
    if (send(fd, kReply.data(), kReply.size(), MSG_NOSIGNAL) < 0) _exit(0);
  }
}

// The floor: a minimal poll() relay, no fds, no decoding, no logging.
[[noreturn]] void MinimalRelay(int a, int b) {
  pollfd p[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
  char buf[65536];
  for (;;) {
    if (poll(p, 2, -1) < 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (p[i].revents == 0) continue;
      ssize_t n = recv(p[i].fd, buf, sizeof(buf), 0);
      if (n <= 0) _exit(0);
      if (send(p[1 - i].fd, buf, static_cast<size_t>(n), MSG_NOSIGNAL) < 0) _exit(0);
    }
  }
}

struct Options {
  int roundtrips = 20000;  // per path, split over `rounds`
  int rounds = 5;
  int messages = 1000000;
  std::string synctrace = "synctrace";
  std::string log_path;  // default: a new file in /tmp, removed at the end
};

enum class Kind { kDirect, kMinimal, kSynctrace, kSocat };
const char* Name(Kind k) {
  switch (k) {
    case Kind::kDirect: return "direct socketpair";
    case Kind::kMinimal: return "minimal poll() relay";
    case Kind::kSynctrace: return "synctrace proxy --log";
    case Kind::kSocat: return "socat FD:3 FD:4";
  }
  return "";
}

// A path from `child` (the client end) to `parent` (the far end).
struct Path {
  int child = -1;
  int parent = -1;
  pid_t relay = -1;
};

// Starts a relay of kind `k` between two new socketpairs.
Path MakePath(Kind k, const Options& o, const std::string& log_path) {
  Path path;
  if (k == Kind::kDirect) {
    int s[2];
    SeqpacketPair(s);
    path.child = s[0];
    path.parent = s[1];
    return path;
  }
  int c[2], p[2];
  SeqpacketPair(c);
  SeqpacketPair(p);
  path.child = c[0];
  path.parent = p[0];
  pid_t pid = fork();
  if (pid < 0) Die("fork");
  if (pid == 0) {
    close(c[0]);
    close(p[0]);
    if (k == Kind::kMinimal) MinimalRelay(p[1], c[1]);
    int pp = fcntl(p[1], F_DUPFD, 10), cc = fcntl(c[1], F_DUPFD, 10);
    dup2(pp, 3);
    dup2(cc, 4);
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    if (k == Kind::kSynctrace) {
      execl(o.synctrace.c_str(), "synctrace", "proxy", "--parent-fd", "3", "--child-fd", "4",
            "--log", log_path.c_str(), static_cast<char*>(nullptr));
    } else {
      execlp("socat", "socat", "-b", "65536", "FD:3", "FD:4", static_cast<char*>(nullptr));
    }
    _exit(127);
  }
  close(c[1]);
  close(p[1]);
  path.relay = pid;
  return path;
}

// What the relay process used over its whole life (ru_maxrss, user + system CPU).
struct RelayUsage {
  long peak_rss_kib = 0;
  double cpu_sec = 0;
};

// Closes the ends and reaps the relay; returns what it used (zeros: no relay).
RelayUsage ClosePath(Path* path) {
  close(path->child);
  if (path->parent >= 0) close(path->parent);
  if (path->relay <= 0) return {};
  int status = 0;
  rusage ru{};
  wait4(path->relay, &status, 0, &ru);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "relay_bench: the relay exited with status %d\n", status);
  }
  auto sec = [](const timeval& tv) { return tv.tv_sec + tv.tv_usec * 1e-6; };
  return {ru.ru_maxrss, sec(ru.ru_utime) + sec(ru.ru_stime)};
}

struct RoundTrip {
  double us = 0;          // mean wall time of one round trip
  double relay_cpu_us = 0;  // the relay's CPU (user + system) per round trip, start-up included
};

// Mean round trip over `n` request/reply exchanges.
RoundTrip RoundTripUs(Kind k, int n, const Options& o, const std::string& log_path) {
  Path path = MakePath(k, o, log_path);
  pid_t replier = StartReplier(path.parent, path.child);
  close(path.parent);
  path.parent = -1;
  char buf[65536];
  for (int i = 0; i < 200; ++i) {  // warm-up (and wait for the relay to start)
    send(path.child, kRequest.data(), kRequest.size(), 0);
    recv(path.child, buf, sizeof(buf), 0);
  }
  double start = NowSec();
  for (int i = 0; i < n; ++i) {
    if (send(path.child, kRequest.data(), kRequest.size(), 0) < 0) Die("send");
    if (recv(path.child, buf, sizeof(buf), 0) != static_cast<ssize_t>(kReply.size())) {
      Die("recv reply");
    }
  }
  RoundTrip rt;
  rt.us = (NowSec() - start) * 1e6 / n;
  rt.relay_cpu_us = ClosePath(&path).cpu_sec * 1e6 / (n + 200);
  waitpid(replier, nullptr, 0);
  return rt;
}

struct Throughput {
  double per_sec = 0;
  long peak_rss_kib = 0;
  double cpu_us_per_message = 0;  // the relay's user + system CPU
  long dropped = 0;  // events the log reported as dropped ("# ... dropped N events")
};

// Sums the "dropped N events" reports in a text log.
long DroppedInLog(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return 0;
  long total = 0;
  char line[4096];
  while (std::fgets(line, sizeof(line), f) != nullptr) {
    if (line[0] != '#') continue;
    const char* at = std::strstr(line, " dropped ");
    if (at != nullptr) total += std::atol(at + 9);
  }
  std::fclose(f);
  return total;
}

// `n` requests one way, pipelined; a thread reads them at the far end.
Throughput OneWay(Kind k, int n, const Options& o, const std::string& log_path) {
  if (o.log_path.empty()) unlink(log_path.c_str());  // count this run's drops only
  Path path = MakePath(k, o, log_path);
  int got = 0;
  std::thread reader([&] {
    char buf[65536];
    while (got < n && recv(path.parent, buf, sizeof(buf), 0) > 0) ++got;
  });
  double start = NowSec();
  for (int i = 0; i < n; ++i) {
    if (send(path.child, kRequest.data(), kRequest.size(), 0) < 0) Die("send");
  }
  reader.join();
  double secs = NowSec() - start;
  if (got != n) std::fprintf(stderr, "relay_bench: %d of %d messages arrived\n", got, n);
  Throughput t;
  t.per_sec = n / secs;
  RelayUsage usage = ClosePath(&path);
  t.peak_rss_kib = usage.peak_rss_kib;
  t.cpu_us_per_message = usage.cpu_sec * 1e6 / n;
  if (k == Kind::kSynctrace) t.dropped = DroppedInLog(log_path);
  return t;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--roundtrips") o.roundtrips = std::atoi(argv[i + 1]);
    else if (flag == "--rounds") o.rounds = std::atoi(argv[i + 1]);
    else if (flag == "--messages") o.messages = std::atoi(argv[i + 1]);
    else if (flag == "--synctrace") o.synctrace = argv[i + 1];
    else if (flag == "--log") o.log_path = argv[i + 1];
    else {
      std::fprintf(stderr, "relay_bench: unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (access(o.synctrace.c_str(), X_OK) != 0) {
    std::fprintf(stderr, "relay_bench: no synctrace binary at %s (--synctrace PATH)\n",
                 o.synctrace.c_str());
    return 2;
  }
  bool have_socat = std::system("command -v socat >/dev/null 2>&1") == 0;
  std::string log_path = o.log_path.empty()
                             ? "/tmp/relay_bench." + std::to_string(getpid()) + ".log"
                             : o.log_path;

  std::vector<Kind> kinds = {Kind::kDirect, Kind::kMinimal, Kind::kSynctrace};
  if (have_socat) kinds.push_back(Kind::kSocat);
  std::vector<std::vector<double>> rounds(kinds.size());
  std::vector<std::vector<double>> cpu(kinds.size());
  int per_round = std::max(1, o.roundtrips / o.rounds);
  for (int r = 0; r < o.rounds; ++r) {
    for (size_t i = 0; i < kinds.size(); ++i) {
      RoundTrip rt = RoundTripUs(kinds[i], per_round, o, log_path);
      rounds[i].push_back(rt.us);
      cpu[i].push_back(rt.relay_cpu_us);
    }
  }
  std::printf("Round trip of one 100-byte packet (median of %d rounds x %d round trips)\n",
              o.rounds, per_round);
  double minimal = Median(rounds[1]);
  double minimal_cpu = Median(cpu[1]);
  for (size_t i = 0; i < kinds.size(); ++i) {
    double us = Median(rounds[i]);
    std::printf("  %-24s %8.2f us   %5.2fx direct   %5.2fx minimal relay", Name(kinds[i]), us,
                us / Median(rounds[0]), us / minimal);
    if (i > 0) {
      double c = Median(cpu[i]);
      std::printf("   relay CPU %6.2f us/round trip (%4.2fx)", c, c / minimal_cpu);
    }
    std::printf("\n");
  }
  if (!have_socat) std::printf("  (socat not installed: skipped)\n");

  std::printf("\nOne way, pipelined, %d messages of 100 bytes\n", o.messages);
  for (size_t i = 1; i < kinds.size(); ++i) {
    Throughput t = OneWay(kinds[i], o.messages, o, log_path);
    std::printf("  %-24s %10.0f messages/s   CPU %5.2f us/message   peak RSS %6ld KiB",
                Name(kinds[i]), t.per_sec, t.cpu_us_per_message, t.peak_rss_kib);
    if (kinds[i] == Kind::kSynctrace) {
      std::printf("   logged %ld, dropped %ld", o.messages - t.dropped,
                  t.dropped);
    }
    std::printf("\n");
  }
  Throughput small = OneWay(Kind::kSynctrace, o.messages / 10, o, log_path);
  Throughput big = OneWay(Kind::kSynctrace, o.messages, o, log_path);
  std::printf("\nsynctrace proxy peak RSS: %ld KiB after %d messages, %ld KiB after %d\n",
              small.peak_rss_kib, o.messages / 10, big.peak_rss_kib, o.messages);
  if (o.log_path.empty()) unlink(log_path.c_str());
  return 0;
}
