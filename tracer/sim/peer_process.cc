// Simulated runc peers as processes; see peer_process.h.
#include "tracer/sim/peer_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tracer/sim/conversation.h"

namespace synctrace {
namespace sim {
namespace {

constexpr int kPeerSyncFd = 3;
constexpr int kPeerReportFd = 4;

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) return absl::StrCat("exit ", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    const char* abbrev = sigabbrev_np(sig);
    return absl::StrCat("killed by SIG", abbrev != nullptr ? abbrev : std::to_string(sig));
  }
  return absl::StrCat("wait status ", status);
}

void WriteAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

}  // namespace

absl::StatusOr<PeerProcess> StartPeer(const std::string& side, int sync_fd,
                                      const Scenario& scenario, const Pacing& pacing,
                                      pid_t child_pid) {
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("starting the simulated ", side,
                                            ": pipe: ", std::strerror(errno)));
  }
  // Everything the new process needs is prepared before fork().
  std::vector<std::string> args = {"/proc/self/exe", kSimPeerCommand, side, scenario.name,
                                   scenario.fixture_dir, absl::StrCat(pacing.speed),
                                   std::to_string(child_pid)};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) {
    int saved = errno;
    close(report[0]);
    close(report[1]);
    return absl::InternalError(absl::StrCat("starting the simulated ", side,
                                            ": fork: ", std::strerror(saved)));
  }
  if (pid == 0) {
    // Only async-signal-safe calls until exec. Park both fds high, then dup2
    // them onto 3 and 4 (dup2 clears FD_CLOEXEC on the copies).
    int sync_high = fcntl(sync_fd, F_DUPFD_CLOEXEC, 100);
    int report_high = fcntl(report[1], F_DUPFD_CLOEXEC, 100);
    if (sync_high < 0 || report_high < 0 || dup2(sync_high, kPeerSyncFd) < 0 ||
        dup2(report_high, kPeerReportFd) < 0) {
      _exit(127);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(report[1]);
  PeerProcess p;
  p.side = side;
  p.pid = pid;
  p.report_fd = report[0];
  return p;
}

PeerReport FinishPeer(PeerProcess* peer, absl::Duration deadline) {
  std::string text;
  absl::Time until = absl::Now() + deadline;
  bool killed = false;
  while (peer->report_fd >= 0) {
    struct pollfd p = {peer->report_fd, POLLIN, 0};
    int left = static_cast<int>(std::max<int64_t>(0, absl::ToInt64Milliseconds(until - absl::Now())));
    int r = poll(&p, 1, left);
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) {  // over the deadline: stop it
      kill(peer->pid, SIGKILL);
      killed = true;
      break;
    }
    char buf[4096];
    ssize_t n = read(peer->report_fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  if (peer->report_fd >= 0) close(peer->report_fd);
  peer->report_fd = -1;
  int status = 0;
  while (waitpid(peer->pid, &status, 0) < 0 && errno == EINTR) {
  }
  absl::StatusOr<PeerReport> parsed = PeerReport::Parse(text);
  PeerReport report;
  if (parsed.ok()) {
    report = *parsed;
  } else {
    report.side = peer->side;
    report.report_missing = true;
    report.notes = std::string(parsed.status().message());
  }
  report.exit = DescribeWaitStatus(status);
  if (killed) {
    report.notes += report.notes.empty() ? "" : "; ";
    report.notes += absl::StrCat("still running after ", absl::FormatDuration(deadline), "; killed");
  }
  return report;
}

int RunSimPeer(const std::vector<std::string>& args) {
  double speed = 0;
  int child_pid = 0;
  if (args.size() != 5 || (args[0] != "parent" && args[0] != "child") ||
      !absl::SimpleAtod(args[3], &speed) || !absl::SimpleAtoi(args[4], &child_pid)) {
    std::fprintf(stderr, "synctrace %s: internal command, started by `synctrace demo`\n",
                 kSimPeerCommand);
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);  // as in Go: a write to a closed socket is EPIPE, not death
  syscall(SYS_close_range, kPeerReportFd + 1, ~0U, 0);
  absl::StatusOr<std::vector<Scenario>> scenarios = ExpandScenario(args[1], args[2]);
  if (!scenarios.ok() || scenarios->size() != 1) {
    std::fprintf(stderr, "synctrace %s: unknown scenario '%s'\n", kSimPeerCommand, args[1].c_str());
    return 2;
  }
  const Scenario& scenario = scenarios->front();
  Pacing pacing{speed};
  PeerReport report;
  int status;
  if (args[0] == "child") {
    ChildEnd end = RunChildConversation(kPeerSyncFd, scenario, pacing, &report);
    WriteAll(kPeerReportFd, report.Serialize());
    if (end == ChildEnd::kCrash) {
      kill(getpid(), SIGKILL);
      pause();
    }
    status = ExitStatusFor(end);
  } else {
    ParentEnd end = RunParentConversation(kPeerSyncFd, scenario, pacing, child_pid, &report);
    WriteAll(kPeerReportFd, report.Serialize());
    status = ExitStatusFor(end);
  }
  return status;
}

void MaybeRunSimPeerAndExit(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], kSimPeerCommand) != 0) return;
  std::vector<std::string> args(argv + 2, argv + argc);
  std::exit(RunSimPeer(args));
}

}  // namespace sim
}  // namespace synctrace
