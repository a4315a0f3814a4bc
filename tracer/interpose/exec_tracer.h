// File: tracer/interpose/exec_tracer.h
//
// `synctrace exec`'s engine: runs a command (runc) as a TracedCommand, and each
// time it vforks a `runc init`, swaps the sync socket (sync_socket_swap.h) and
// starts a session whose Relay runs on its own thread between the stolen
// parent end and synctrace's end of the socket now installed in the parent.
// Session metadata: the parent's command line, the container id when it is on
// it, _LIBCONTAINER_INITTYPE, both pids. Anything that keeps a runc init from
// being traced is reported in one line (report callback and a Trace note) and
// leaves runc running untraced.
//
// Run() returns once the command has exited and every session has ended (a
// session still open `drain` after the command exited is stopped: its sockets
// are closed, as the command's exit would have closed them).
//
// Example:
//   ExecTracer tracer(options, &trace);
//   if (absl::Status s = tracer.Start(); !s.ok()) ...;   // could not run it
//   int wait_status = tracer.Run();                       // the command's
#ifndef SYNCTRACE_TRACER_INTERPOSE_EXEC_TRACER_H_
#define SYNCTRACE_TRACER_INTERPOSE_EXEC_TRACER_H_

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "tracer/interpose/sync_socket_swap.h"
#include "tracer/interpose/traced_command.h"
#include "tracer/relay.h"
#include "tracer/trace.h"

namespace synctrace {

struct ExecTraceOptions {
  std::vector<std::string> argv;                       // the command
  std::function<void(const std::string&)> report;      // one-line messages (may be empty)
  ForwardGate* gate = nullptr;                         // e.g. the TUI's breakpoints
  SwapFault fault = SwapFault::kNone;                  // tests only
  absl::Duration drain = absl::Seconds(2);             // see Run()
};

class ExecTracer : public VforkHandler {
 public:
  ExecTracer(ExecTraceOptions options, Trace* trace);
  ~ExecTracer() override;

  // Starts the command (traced when ptrace allows). Call Start and Run on the
  // same thread.
  absl::Status Start();
  // Follows the command until it exits; then waits for the sessions. Returns
  // the command's wait status.
  int Run();

  pid_t command_pid() const { return command_ ? command_->pid() : -1; }
  // True until the command has exited and all sessions are over.
  bool running() const { return running_.load(); }
  int sessions_started() const { return sessions_started_.load(); }

  std::optional<int> OnVforkExit(pid_t tid, pid_t tgid, pid_t child) override;

 private:
  struct Session;
  void Report(const std::string& line);
  void WaitForSessions();

  ExecTraceOptions options_;
  Trace* trace_;
  std::unique_ptr<TracedCommand> command_;
  std::mutex mu_;
  std::condition_variable ended_;
  std::vector<std::unique_ptr<Session>> sessions_;  // guarded by mu_
  std::atomic<bool> running_{true};
  std::atomic<int> sessions_started_{0};
};

}  // namespace synctrace

#endif  // SYNCTRACE_TRACER_INTERPOSE_EXEC_TRACER_H_
