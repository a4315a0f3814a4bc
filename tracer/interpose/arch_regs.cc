// Register handling for syscall injection; see arch_regs.h.
#include "tracer/interpose/arch_regs.h"

#include <elf.h>
#include <sys/ptrace.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace synctrace {
namespace {

absl::Status PtraceError(const char* what, pid_t tid, int err) {
  return absl::UnavailableError(absl::StrCat(what, " of thread ", tid, ": ", std::strerror(err)));
}

}  // namespace

absl::Status GetRegs(pid_t tid, ArchRegs* regs) {
  iovec io{regs, sizeof *regs};
  if (ptrace(PTRACE_GETREGSET, tid, NT_PRSTATUS, &io) != 0) {
    return PtraceError("reading the registers", tid, errno);
  }
  return absl::OkStatus();
}

absl::Status SetRegs(pid_t tid, const ArchRegs& regs) {
  ArchRegs copy = regs;
  iovec io{&copy, sizeof copy};
  if (ptrace(PTRACE_SETREGSET, tid, NT_PRSTATUS, &io) != 0) {
    return PtraceError("writing the registers", tid, errno);
  }
  return absl::OkStatus();
}

#if defined(__x86_64__)

uint64_t InstructionPointer(const ArchRegs& regs) { return regs.rip; }

uint64_t SyscallInstructionSize() { return 2; }

// 0f 05: syscall (the low bytes of a little-endian word read there).
constexpr uint64_t kSyscallInstruction = 0x050f, kSyscallInstructionMask = 0xffff;

ArchRegs PrepareSyscall(const ArchRegs& saved, long number, const SyscallArgs& args) {
  ArchRegs regs = saved;
  regs.rip = saved.rip - SyscallInstructionSize();
  regs.rax = static_cast<uint64_t>(number);
  regs.orig_rax = static_cast<uint64_t>(number);
  regs.rdi = args[0];
  regs.rsi = args[1];
  regs.rdx = args[2];
  regs.r10 = args[3];
  regs.r8 = args[4];
  regs.r9 = args[5];
  return regs;
}

long SyscallResult(const ArchRegs& regs) { return static_cast<long>(regs.rax); }

#elif defined(__aarch64__)

uint64_t InstructionPointer(const ArchRegs& regs) { return regs.pc; }

uint64_t SyscallInstructionSize() { return 4; }

// svc #0
constexpr uint64_t kSyscallInstruction = 0xd4000001, kSyscallInstructionMask = 0xffffffff;

ArchRegs PrepareSyscall(const ArchRegs& saved, long number, const SyscallArgs& args) {
  // x7 is the kernel's syscall-stop entry/exit marker: writes to it at a
  // syscall stop are ignored and the real value comes back on resume. So the
  // saved x7 is the marker, not the program's value, and restoring it is only
  // harmless at a syscall stop: hence injection by PTRACE_SYSCALL here
  // (kInjectBySingleStep is false), which ends every call at its exit stop.
  ArchRegs regs = saved;
  regs.pc = saved.pc - SyscallInstructionSize();
  regs.regs[8] = static_cast<uint64_t>(number);
  for (size_t i = 0; i < args.size(); ++i) regs.regs[i] = args[i];
  return regs;
}

long SyscallResult(const ArchRegs& regs) { return static_cast<long>(regs.regs[0]); }

#endif

bool IsSyscallInstructionAt(pid_t tid, uint64_t address) {
  errno = 0;
  long word = ptrace(PTRACE_PEEKTEXT, tid, address, nullptr);
  if (errno != 0) return false;
  return (static_cast<uint64_t>(word) & kSyscallInstructionMask) == kSyscallInstruction;
}

}  // namespace synctrace
