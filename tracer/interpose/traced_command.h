// File: tracer/interpose/traced_command.h
//
// Runs a command (normally `runc run|create|exec ...`) under ptrace and follows
// only that process and its threads, and only at fork, vfork, clone and exec
// events (PTRACE_SEIZE with TRACEFORK|TRACEVFORK|TRACECLONE|TRACEEXEC; never
// syscall tracing, except for a single step to a vfork's exit). Every child
// process it forks is detached at its first stop, before it runs an
// instruction, so `runc init`, hooks and helpers run untraced (a helper may
// PTRACE_TRACEME). After each vfork, once the child has exec'd, the forking
// thread is stepped to the vfork's syscall exit and handed to a VforkHandler
// (the sync socket swap) while it is stopped there.
//
// All calls must come from one thread (ptrace requests are per tracer thread).
//
// Example:
//   TracedCommand command({"runc", "run", "c1"}, report_line);
//   absl::StatusOr<pid_t> pid = command.Start();   // error: could not run it
//   int wait_status = command.Follow(&handler);    // until the command exits
#ifndef SYNCTRACE_TRACER_INTERPOSE_TRACED_COMMAND_H_
#define SYNCTRACE_TRACER_INTERPOSE_TRACED_COMMAND_H_

#include <sys/types.h>

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace synctrace {

class VforkHandler {
 public:
  virtual ~VforkHandler() = default;
  // Thread `tid` of process `tgid` is stopped at the exit of the vfork that
  // made `child` (exec'd, untraced). Returns the thread's wait status if the
  // handler reaped it (it died meanwhile), else nullopt.
  virtual std::optional<int> OnVforkExit(pid_t tid, pid_t tgid, pid_t child) = 0;
};

class TracedCommand {
 public:
  // report: receives one-line messages (ptrace refused, ...).
  TracedCommand(std::vector<std::string> argv, std::function<void(const std::string&)> report);

  // Forks and execs argv, seized before it execs. When ptrace is refused the
  // command runs untraced (reported in one line). Error: fork or exec failed.
  absl::StatusOr<pid_t> Start();
  // Services ptrace stops until the command exits; returns its wait status.
  int Follow(VforkHandler* handler);

  pid_t pid() const { return pid_; }
  bool traced() const { return traced_; }

 private:
  void OnNewTask(pid_t tid);
  void OnEventStop(pid_t tid, int status, VforkHandler* handler);
  // Steps `tid` from a vfork event stop to the vfork's syscall exit.
  bool StepToSyscallExit(pid_t tid);
  // Waits for `child`'s first stop (if not seen yet) and detaches it.
  void DetachNewChild(pid_t child);
  void Resume(pid_t tid, int sig);
  // A reaped tid; returns true when it was the command itself.
  bool OnTaskGone(pid_t tid, int status);

  std::vector<std::string> argv_;
  std::function<void(const std::string&)> report_;
  pid_t pid_ = -1;
  bool traced_ = false;
  std::set<pid_t> known_;         // traced tasks (the command's threads) seen so far
  // New processes are matched between their first stop and their parent's
  // fork event, whichever comes first:
  std::set<pid_t> detached_early_;  // first stop seen (and detached) before the event
  std::set<pid_t> expected_;        // fork event seen, first stop not yet
  std::optional<int> command_status_;
};

}  // namespace synctrace

#endif  // SYNCTRACE_TRACER_INTERPOSE_TRACED_COMMAND_H_
