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

namespace synctrace {
namespace {

absl::Status ThreadError(pid_t tid, const std::string& what, int err) {
  return absl::UnavailableError(absl::StrCat(what, " in thread ", tid, ": ", std::strerror(err)));
}

// The op of the syscall-stop the thread is in (0 when not a syscall stop).
int SyscallStopOp(pid_t tid) {
  __ptrace_syscall_info info{};
  if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof info, &info) <= 0) {
    return 0;
  }
  return info.op;
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
  for (;;) {
    if (ptrace(PTRACE_SYSCALL, tid_, nullptr, nullptr) != 0) {
      return ThreadError(tid_, absl::StrCat("resuming for ", what), errno);
    }
    int status = 0;
    pid_t got;
    do {
      got = waitpid(tid_, &status, __WALL);
    } while (got < 0 && errno == EINTR);
    if (got < 0) return ThreadError(tid_, absl::StrCat("waiting during ", what), errno);
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
      death_status_ = status;
      return absl::AbortedError(absl::StrCat("thread ", tid_, " died during ", what));
    }
    if (!WIFSTOPPED(status)) continue;
    int sig = WSTOPSIG(status);
    if (sig == (SIGTRAP | 0x80)) {
      if (SyscallStopOp(tid_) == op) return absl::OkStatus();
      continue;
    }
    if (status >> 16 != 0) continue;  // an event stop (group-stop trap): resume
    held_signals_.push_back(sig);     // a signal: deliver it after we are done
  }
}

absl::Status RemoteSyscaller::StepOver(uint64_t insn, const char* what) {
  uint64_t after_insn = insn + SyscallInstructionSize();
  for (;;) {
    if (ptrace(PTRACE_SINGLESTEP, tid_, nullptr, nullptr) != 0) {
      return ThreadError(tid_, absl::StrCat("stepping for ", what), errno);
    }
    int status = 0;
    pid_t got;
    do {
      got = waitpid(tid_, &status, __WALL);
    } while (got < 0 && errno == EINTR);
    if (got < 0) return ThreadError(tid_, absl::StrCat("waiting during ", what), errno);
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
      death_status_ = status;
      return absl::AbortedError(absl::StrCat("thread ", tid_, " died during ", what));
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
