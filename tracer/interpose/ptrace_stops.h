// File: tracer/interpose/ptrace_stops.h
//
// Driving one traced thread from stop to stop: the pieces that following the
// command (traced_command) and injecting system calls (remote_syscall) share.
// A thread that dies meanwhile is reported through `death` with its wait
// status (already reaped, so the caller must treat it as that thread's exit).
//
// Example (thread at a syscall-entry-stop, step it to that call's exit):
//   std::vector<int> held;  std::optional<int> death;
//   absl::Status s = StepToSyscallStop(tid, PTRACE_SYSCALL_INFO_EXIT, "the vfork's exit",
//                                      &held, &death);
//   for (int sig : held) ...;  // signals that stopped it meanwhile, not delivered
#ifndef SYNCTRACE_TRACER_INTERPOSE_PTRACE_STOPS_H_
#define SYNCTRACE_TRACER_INTERPOSE_PTRACE_STOPS_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace synctrace {

// waitpid(pid, status, __WALL), retried on EINTR.
pid_t WaitForTask(pid_t pid, int* status);

// The op of the syscall-stop `tid` is in (PTRACE_SYSCALL_INFO_ENTRY / _EXIT),
// 0 when it is not in one.
int SyscallStopOp(pid_t tid);

// Resumes `tid` with `request` (PTRACE_SYSCALL, PTRACE_SINGLESTEP) and waits
// for its next stop (*status). Aborted, with *death set, when it died instead;
// Unavailable when ptrace or waitpid failed. `what` names the work in errors.
absl::Status ResumeAndWait(pid_t tid, int request, const std::string& what, int* status,
                           std::optional<int>* death);

// Resumes `tid` with PTRACE_SYSCALL until its next syscall-stop of kind `op`.
// Event stops are resumed; signals that stop it meanwhile are appended to
// *held, not delivered (the caller re-sends them when done).
absl::Status StepToSyscallStop(pid_t tid, int op, const std::string& what, std::vector<int>* held,
                               std::optional<int>* death);

}  // namespace synctrace

#endif  // SYNCTRACE_TRACER_INTERPOSE_PTRACE_STOPS_H_
