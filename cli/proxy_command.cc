// `synctrace proxy --parent-fd N --child-fd M [--log F] [--json F]`: relays one
// session between two inherited SOCK_SEQPACKET sockets (the parent's and the
// child's side of a runc sync socket), tracing it. Everything is checked before
// any traffic is touched; exit 0 when the session ended normally.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "cli/commands.h"
#include "cli/output_flags.h"
#include "cli/subcommand.h"
#include "tracer/packet_io.h"
#include "tracer/relay.h"
#include "tracer/trace.h"
#include "ui/outputs.h"
#include "ui/tui.h"

ABSL_FLAG(int, parent_fd, -1, "inherited fd: the socket connected to the runc parent's end");
ABSL_FLAG(int, child_fd, -1, "inherited fd: the socket connected to the child's (runc init) end");

namespace synctrace {
namespace {

Relay* g_relay = nullptr;  // for the signal handler: Stop() only writes an eventfd
volatile sig_atomic_t g_stop_signal = 0;  // the SIGINT/SIGTERM that stopped the session

void StopOnSignal(int signal_number) {
  g_stop_signal = signal_number;
  if (g_relay != nullptr) g_relay->Stop();
}

// "" when `fd` (given as --<flag>) can be relayed, else the usage error.
std::string CheckSocketFlag(const char* flag, int fd) {
  if (fd < 0) return absl::StrCat("proxy needs --", flag, " N (an inherited socket's fd)");
  std::string problem = SeqpacketSocketProblem(fd);
  if (problem.empty()) return "";
  return absl::StrCat("proxy: --", flag, " ", fd, ": ", problem,
                      " (expected one end of an AF_UNIX SOCK_SEQPACKET socket pair)");
}

}  // namespace

int RunProxy(const std::vector<std::string>& args) {
  if (!args.empty()) {
    return UsageError(absl::StrCat("proxy takes no arguments, got '", args[0], "'"));
  }
  int parent_fd = absl::GetFlag(FLAGS_parent_fd);
  int child_fd = absl::GetFlag(FLAGS_child_fd);
  for (const std::string& problem :
       {CheckSocketFlag("parent-fd", parent_fd), CheckSocketFlag("child-fd", child_fd)}) {
    if (!problem.empty()) return UsageError(problem);
  }
  if (parent_fd == child_fd) {
    return UsageError("proxy: --parent-fd and --child-fd must be two different sockets");
  }

  int64_t start = MonotonicNowNs();
  absl::StatusOr<Outputs> outputs = OpenOutputs(OutputOptionsFromFlags(), start);
  if (!outputs.ok()) {
    std::fprintf(stderr, "synctrace: proxy: %s\n", std::string(outputs.status().message()).c_str());
    return kExitFailure;
  }
  // Our copies must not leak into anything we (or a library) might spawn.
  fcntl(parent_fd, F_SETFD, FD_CLOEXEC);
  fcntl(child_fd, F_SETFD, FD_CLOEXEC);

  Trace trace(outputs->sinks(), start);
  int session = trace.StartSession(SessionInfo{});
  Tui* tui = outputs->tui();
  Relay relay(parent_fd, child_fd, session, &trace, tui != nullptr ? tui->gate() : nullptr);
  g_relay = &relay;
  signal(SIGINT, StopOnSignal);
  signal(SIGTERM, StopOnSignal);

  RelayResult result;
  if (tui == nullptr) {
    result = relay.Run();
  } else {
    std::atomic<bool> running{true};
    std::thread forwarding([&] {
      result = relay.Run();
      running = false;
    });
    int tui_rc = tui->Run([&] { return running.load(); });
    relay.Stop();  // the user quit: stop forwarding (no-op when it is over)
    forwarding.join();
    if (tui_rc != kExitOk) result.ok = false;
  }
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  g_relay = nullptr;
  trace.Close();
  if (g_stop_signal != 0) {
    std::fprintf(stderr,
                 "synctrace: proxy: stopped by %s mid-session; both sides were closed, so each "
                 "peer reads EOF (%llu packets forwarded)\n",
                 g_stop_signal == SIGINT ? "SIGINT" : "SIGTERM",
                 static_cast<unsigned long long>(result.packets[0] + result.packets[1]));
    return kExitFailure;
  }
  if (!result.ok) {
    std::fprintf(stderr, "synctrace: proxy: the session ended with an error: %s\n",
                 result.end_reason.c_str());
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace synctrace
