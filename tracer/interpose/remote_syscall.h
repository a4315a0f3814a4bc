// File: tracer/interpose/remote_syscall.h
//
// Runs system calls inside another process, reptyr style: its thread is
// stopped at a syscall-exit-stop, so the instruction before its instruction
// pointer is a system-call instruction. For each call the registers are loaded
// (ip rewound over that instruction), the thread runs just that instruction,
// and the result is read. On x86_64 it runs it with one PTRACE_SINGLESTEP (the
// kernel reports the step right after the system call returns: one stop per
// call); on aarch64 it steps with PTRACE_SYSCALL through the call's entry and
// exit (two stops), because there the last stop must be a syscall stop for
// x7 to be restored (see arch_regs.cc). Finish() puts
// every register back as it was. Signals that arrive meanwhile are held back
// and re-sent to the thread (tgkill) after the registers are restored, so the
// program sees them as it would have, just a moment later.
//
// Example:
//   RemoteSyscaller remote(tid, tgid);
//   if (!remote.Begin().ok()) ...;                       // thread untouched
//   absl::StatusOr<long> fd = remote.Call(SYS_pidfd_open, {me, 0});
//   absl::Status done = remote.Finish();                 // always call it
#ifndef SYNCTRACE_TRACER_INTERPOSE_REMOTE_SYSCALL_H_
#define SYNCTRACE_TRACER_INTERPOSE_REMOTE_SYSCALL_H_

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "tracer/interpose/arch_regs.h"

namespace synctrace {

class RemoteSyscaller {
 public:
  RemoteSyscaller(pid_t tid, pid_t tgid) : tid_(tid), tgid_(tgid) {}

  // Saves the registers; checks that a system-call instruction precedes ip.
  absl::Status Begin();
  // Runs one system call; a negative kernel result becomes an error status
  // naming the call (`what`) and errno.
  absl::StatusOr<long> Call(const char* what, long number, const SyscallArgs& args);
  // Restores every register and re-sends held signals. Safe to call after a
  // failed Begin() or Call() (does nothing once the thread is gone).
  absl::Status Finish();

  // Set when the thread died while we drove it: its wait status (already
  // reaped by us, so the caller must treat it as that thread's exit).
  std::optional<int> death_status() const { return death_status_; }

 private:
  // Resumes with PTRACE_SYSCALL until the next syscall-stop of kind `op`
  // (PTRACE_SYSCALL_INFO_ENTRY or _EXIT).
  absl::Status StepTo(int op, const char* what);
  // Runs the system-call instruction at `insn` with PTRACE_SINGLESTEP, until
  // the step's SIGTRAP right after it (x86_64).
  absl::Status StepOver(uint64_t insn, const char* what);

  pid_t tid_;
  pid_t tgid_;
  bool saved_ok_ = false;
  ArchRegs saved_{};
  std::vector<int> held_signals_;
  std::optional<int> death_status_;
};

}  // namespace synctrace

#endif  // SYNCTRACE_TRACER_INTERPOSE_REMOTE_SYSCALL_H_
