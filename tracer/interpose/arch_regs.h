// File: tracer/interpose/arch_regs.h
//
// The per-architecture part of injecting a system call into a stopped thread:
// reading and writing its general registers, rewinding the instruction pointer
// over the system-call instruction it just executed, loading a syscall number
// and arguments, and reading the result. x86_64 (syscall, rax/rdi/rsi/rdx/r10/
// r8/r9) and aarch64 (svc #0, x8/x0..x5) are implemented.
//
// Example (thread stopped at a syscall-exit-stop):
//   ArchRegs saved;  GetRegs(tid, &saved);
//   ArchRegs call = PrepareSyscall(saved, SYS_close, {fd});  // ip rewound
//   SetRegs(tid, call);  ... step through entry and exit ...
//   long result = SyscallResult(after);  SetRegs(tid, saved);
#ifndef SYNCTRACE_TRACER_INTERPOSE_ARCH_REGS_H_
#define SYNCTRACE_TRACER_INTERPOSE_ARCH_REGS_H_

#include <sys/types.h>
#include <sys/user.h>

#include <array>
#include <cstdint>

#include "absl/status/status.h"

#if defined(__aarch64__)
#include <asm/ptrace.h>
#endif

namespace synctrace {

#if defined(__x86_64__)
using ArchRegs = user_regs_struct;
#elif defined(__aarch64__)
using ArchRegs = user_pt_regs;
#else
#error "synctrace's syscall injection supports x86_64 and aarch64 only"
#endif

using SyscallArgs = std::array<uint64_t, 6>;

// Whether an injected system call is run with one PTRACE_SINGLESTEP over the
// system-call instruction (x86_64) rather than PTRACE_SYSCALL through its
// entry and exit stops (aarch64: see PrepareSyscall's note on x7).
#if defined(__x86_64__)
inline constexpr bool kInjectBySingleStep = true;
#else
inline constexpr bool kInjectBySingleStep = false;
#endif

absl::Status GetRegs(pid_t tid, ArchRegs* regs);
absl::Status SetRegs(pid_t tid, const ArchRegs& regs);

uint64_t InstructionPointer(const ArchRegs& regs);
// Size of the system-call instruction (2 on x86_64, 4 on aarch64).
uint64_t SyscallInstructionSize();
// True when the instruction at `address` in `tid` is the system-call instruction.
bool IsSyscallInstructionAt(pid_t tid, uint64_t address);
// `saved` with ip moved back over the system-call instruction, the syscall
// number and arguments loaded.
ArchRegs PrepareSyscall(const ArchRegs& saved, long number, const SyscallArgs& args);
// The return value in the registers at a syscall-exit-stop (-errno on error).
long SyscallResult(const ArchRegs& regs);

}  // namespace synctrace

#endif  // SYNCTRACE_TRACER_INTERPOSE_ARCH_REGS_H_
