// Syscall injection into a stopped thread; see remote_syscall.h.
#include "tracer/interpose/remote_syscall.h"

#include <signal.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "tracer/interpose/ptrace_stops.h"

namespace synctrace {
namespace {

absl::Status ThreadError(pid_t tid, const std::string& what, int err) {
  return absl::UnavailableError(absl::StrCat(what, " in thread ", tid, ": ", std::strerror(err)));
}

}  // namespace

absl::Status RemoteSyscaller::Begin() {
  if (absl::Status s = GetRegs(tid_, &saved_); !s.ok()) return s;
  uint64_t insn = InstructionPointer(saved_) - SyscallInstructionSize();
  if (!IsSyscallInstructionAt(tid_, insn)) {
    return absl::FailedPreconditionError(
        absl::StrCat("thread ", tid_, " is not right after a system-call instruction"));
  }
  saved_ok_ = true;
  return absl::OkStatus();
}

absl::Status RemoteSyscaller::StepTo(int op, const char* what) {
  return StepToSyscallStop(tid_, op, what, &held_signals_, &death_status_);
}

absl::Status RemoteSyscaller::StepOver(uint64_t insn, const char* what) {
  uint64_t after_insn = insn + SyscallInstructionSize();
  for (;;) {
    int status = 0;
    if (absl::Status s = ResumeAndWait(tid_, PTRACE_SINGLESTEP, what, &status, &death_status_);
        !s.ok()) {
      return s;
    }
    if (!WIFSTOPPED(status)) continue;
    if (status >> 16 != 0) continue;  // an event stop (group-stop trap): step again
    int sig = WSTOPSIG(status);
    ArchRegs now{};
    if (absl::Status s = GetRegs(tid_, &now); !s.ok()) return s;
    uint64_t ip = InstructionPointer(now);
    if (sig == SIGTRAP && ip == after_insn) return absl::OkStatus();  // the step's trap
    if (ip != insn) {
      // Only the system-call instruction may ever run; anything else means
      // the step went somewhere we did not send it.
      return absl::InternalError(absl::StrCat("thread ", tid_, " stopped at an unexpected "
                                              "address while stepping for ", what));
    }
    // A signal that arrived before the instruction ran: deliver it after we are done.
    held_signals_.push_back(sig);
  }
}

absl::StatusOr<long> RemoteSyscaller::Call(const char* what, long number,
                                           const SyscallArgs& args) {
  if (!saved_ok_) return absl::FailedPreconditionError("RemoteSyscaller::Begin() did not succeed");
  ArchRegs call = PrepareSyscall(saved_, number, args);
  if (absl::Status s = SetRegs(tid_, call); !s.ok()) return s;
  if (kInjectBySingleStep) {
    if (absl::Status s = StepOver(InstructionPointer(call), what); !s.ok()) return s;
  } else {
    if (absl::Status s = StepTo(PTRACE_SYSCALL_INFO_ENTRY, what); !s.ok()) return s;
    if (absl::Status s = StepTo(PTRACE_SYSCALL_INFO_EXIT, what); !s.ok()) return s;
  }
  ArchRegs after{};
  if (absl::Status s = GetRegs(tid_, &after); !s.ok()) return s;
  long result = SyscallResult(after);
  if (result < 0 && result > -4096) {
    return ThreadError(tid_, absl::StrCat("injected ", what), static_cast<int>(-result));
  }
  return result;
}

absl::Status RemoteSyscaller::Finish() {
  if (death_status_.has_value() || !saved_ok_) return absl::OkStatus();
  absl::Status restored = SetRegs(tid_, saved_);
  for (int sig : held_signals_) syscall(SYS_tgkill, tgid_, tid_, sig);
  held_signals_.clear();
  saved_ok_ = false;
  return restored;
}

}  // namespace synctrace
