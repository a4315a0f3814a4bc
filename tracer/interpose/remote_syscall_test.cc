// Syscall injection into a real child stopped at a syscall-exit-stop: results,
// errors, side effects, and every register restored.
#include "tracer/interpose/remote_syscall.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "gtest/gtest.h"
#include "tracer/interpose/proc_files.h"

namespace synctrace {
namespace {

// A child that makes system calls forever, seized and stopped at a syscall exit.
class StoppedChild {
 public:
  StoppedChild() {
    pid_ = fork();
    if (pid_ == 0) {
      for (;;) syscall(SYS_getppid);
    }
    EXPECT_EQ(ptrace(PTRACE_SEIZE, pid_, nullptr, PTRACE_O_TRACESYSGOOD), 0);
    EXPECT_EQ(ptrace(PTRACE_INTERRUPT, pid_, nullptr, nullptr), 0);
    int status = 0;
    EXPECT_EQ(waitpid(pid_, &status, __WALL), pid_);
    for (;;) {  // step to an exit stop
      EXPECT_EQ(ptrace(PTRACE_SYSCALL, pid_, nullptr, nullptr), 0);
      EXPECT_EQ(waitpid(pid_, &status, __WALL), pid_);
      __ptrace_syscall_info info{};
      if (WSTOPSIG(status) == (SIGTRAP | 0x80) &&
          ptrace(PTRACE_GET_SYSCALL_INFO, pid_, sizeof info, &info) > 0 &&
          info.op == PTRACE_SYSCALL_INFO_EXIT) {
        break;
      }
    }
  }
  ~StoppedChild() {
    kill(pid_, SIGKILL);
    int status;
    waitpid(pid_, &status, __WALL);
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_;
};

TEST(RemoteSyscallTest, RunsCallsInTheChildAndRestoresEveryRegister) {
  StoppedChild child;
  ArchRegs before{};
  ASSERT_TRUE(GetRegs(child.pid(), &before).ok());

  RemoteSyscaller remote(child.pid(), child.pid());
  ASSERT_TRUE(remote.Begin().ok());
  absl::StatusOr<long> pid = remote.Call("getpid", SYS_getpid, {});
  ASSERT_TRUE(pid.ok()) << pid.status();
  EXPECT_EQ(*pid, child.pid());
  absl::StatusOr<long> dup = remote.Call("dup3", SYS_dup3, {0, 77, O_CLOEXEC});
  ASSERT_TRUE(dup.ok()) << dup.status();
  EXPECT_EQ(*dup, 77);
  EXPECT_NE(*FdInfoFlags(child.pid(), 77) & O_CLOEXEC, 0);
  absl::StatusOr<long> bad = remote.Call("close", SYS_close, {12345});
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(std::string(bad.status().message()).find("Bad file descriptor"), std::string::npos);
  ASSERT_TRUE(remote.Call("close", SYS_close, {77}).ok());
  EXPECT_FALSE(FdTarget(child.pid(), 77).ok());
  ASSERT_TRUE(remote.Finish().ok());

  ArchRegs after{};
  ASSERT_TRUE(GetRegs(child.pid(), &after).ok());
  EXPECT_EQ(std::memcmp(&before, &after, sizeof before), 0);
  // It still runs normally afterwards.
  EXPECT_EQ(ptrace(PTRACE_CONT, child.pid(), nullptr, 0), 0);
}

TEST(RemoteSyscallTest, SignalsArrivingMeanwhileAreDeliveredAfterwards) {
  StoppedChild child;
  RemoteSyscaller remote(child.pid(), child.pid());
  ASSERT_TRUE(remote.Begin().ok());
  kill(child.pid(), SIGUSR1);  // pending while we drive the thread
  ASSERT_TRUE(remote.Call("getpid", SYS_getpid, {}).ok());
  ASSERT_TRUE(remote.Finish().ok());
  // Resumed, the child now gets SIGUSR1 (a signal-delivery-stop).
  ASSERT_EQ(ptrace(PTRACE_CONT, child.pid(), nullptr, 0), 0);
  int status = 0;
  ASSERT_EQ(waitpid(child.pid(), &status, __WALL), child.pid());
  ASSERT_TRUE(WIFSTOPPED(status));
  EXPECT_EQ(WSTOPSIG(status), SIGUSR1);
}

TEST(RemoteSyscallTest, BeginRefusesAThreadNotRightAfterASyscallInstruction) {
  StoppedChild child;
  ArchRegs regs{};
  ASSERT_TRUE(GetRegs(child.pid(), &regs).ok());
  ArchRegs moved = regs;
#if defined(__x86_64__)
  moved.rip += 1;
#elif defined(__aarch64__)
  moved.pc += 4;
#endif
  ASSERT_TRUE(SetRegs(child.pid(), moved).ok());
  RemoteSyscaller remote(child.pid(), child.pid());
  EXPECT_FALSE(remote.Begin().ok());
  EXPECT_TRUE(remote.Finish().ok());  // nothing to undo
  ArchRegs after{};
  ASSERT_TRUE(GetRegs(child.pid(), &after).ok());
  EXPECT_EQ(InstructionPointer(after), InstructionPointer(moved));
}

}  // namespace
}  // namespace synctrace
