#include "tracer/interpose/seccomp_fd_gate.h"

#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <fcntl.h>
#include <unistd.h>

#include <mutex>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace synctrace {
namespace {

class NoteSink : public EventSink {
 public:
  void Consume(const TraceEvent& event) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (event.kind == EventKind::kNote) notes_.push_back(event.text);
  }
  std::vector<std::string> notes() {
    std::lock_guard<std::mutex> lock(mu_);
    return notes_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> notes_;
};

WirePacket Packet(const std::string& data, int fds = 0) {
  WirePacket p;
  p.data = data;
  p.fds.resize(static_cast<size_t>(fds));
  return p;
}

// Counts the packets it was shown (the inner gate, e.g. the TUI's).
class CountingGate : public ForwardGate {
 public:
  void BeforeForward(int, Direction, const WirePacket&) override { ++seen; }
  int seen = 0;
};

TEST(SeccompFdGateTest, DescribesTheChildsFdNamedByProcSeccompOnly) {
  int memfd = static_cast<int>(syscall(SYS_memfd_create, "notify-stand-in", MFD_CLOEXEC));
  ASSERT_GE(memfd, 0);
  NoteSink sink;
  std::vector<std::string> notes;
  {
    Trace trace({&sink}, MonotonicNowNs());
    CountingGate inner;
    // "The child" is this process; nobody holds a sync socket: it is the one described.
    SeccompFdGate gate(&trace, RuncInitEnd{getppid(), getpid(), -1, 0}, &inner);
    std::string seccomp = "{\"type\":\"procSeccomp\",\"flags\":0,\"arg\":" + std::to_string(memfd) + "}";
    gate.BeforeForward(1, Direction::kChildToParent, Packet(seccomp));
    gate.BeforeForward(1, Direction::kParentToChild, Packet(seccomp));      // wrong direction
    gate.BeforeForward(1, Direction::kChildToParent, Packet(seccomp, 1));   // carries a file
    gate.BeforeForward(1, Direction::kChildToParent, Packet("{\"type\":\"procReady\",\"flags\":0}"));
    gate.BeforeForward(1, Direction::kChildToParent,
                       Packet("{\"type\":\"procSeccompDone\",\"flags\":0}"));
    EXPECT_EQ(inner.seen, 5);
    trace.Close();
    notes = sink.notes();
  }
  close(memfd);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("procSeccomp: fd " + std::to_string(memfd)), std::string::npos) << notes[0];
  EXPECT_NE(notes[0].find("notify-stand-in"), std::string::npos) << notes[0];
}

// runc init as real runc runs it: the vforked process (stage 0) clones with
// CLONE_PARENT, and the clone -- a child of the runc parent, holding the sync
// socket's child end at the same fd -- is the one that sends procSeccomp and
// holds the fd it names. Here this test process is the runc parent; stage 0
// stays alive holding the socket and a decoy at the same fd number, so only
// "the newest holder" picks the right process.
TEST(SeccompFdGateTest, DescribesTheFdInTheCloneThatHoldsTheChildEnd) {
  constexpr int kNotifyFd = 60;
  int sync_pair[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync_pair), 0);
  int ready[2];
  ASSERT_EQ(pipe2(ready, O_CLOEXEC), 0);
  struct stat child_end {};
  ASSERT_EQ(fstat(sync_pair[1], &child_end), 0);

  pid_t stage0 = fork();
  if (stage0 == 0) {
    int decoy = static_cast<int>(syscall(SYS_memfd_create, "stage0-decoy", 0));
    dup2(decoy, kNotifyFd);
    long stage2 = syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
    if (stage2 == 0) {
      int notify = static_cast<int>(syscall(SYS_memfd_create, "stage2-notify", 0));
      dup2(notify, kNotifyFd);
      pid_t me = getpid();
      (void)!write(ready[1], &me, sizeof me);
      for (;;) pause();
    }
    for (;;) pause();
  }
  close(ready[1]);
  pid_t stage2 = -1;
  ASSERT_EQ(read(ready[0], &stage2, sizeof stage2), static_cast<ssize_t>(sizeof stage2));
  close(ready[0]);
  close(sync_pair[1]);  // as the runc parent does once init has started

  NoteSink sink;
  std::vector<std::string> notes;
  {
    Trace trace({&sink}, MonotonicNowNs());
    SeccompFdGate gate(&trace, RuncInitEnd{getpid(), stage0, sync_pair[1], child_end.st_ino});
    std::string seccomp = "{\"type\":\"procSeccomp\",\"flags\":0,\"arg\":" + std::to_string(kNotifyFd) + "}";
    gate.BeforeForward(1, Direction::kChildToParent, Packet(seccomp));
    trace.Close();
    notes = sink.notes();
  }
  for (pid_t pid : {stage0, stage2}) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);  // both are our children (CLONE_PARENT)
  }
  close(sync_pair[0]);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("in runc init pid " + std::to_string(stage2) + " "), std::string::npos)
      << notes[0];
  EXPECT_NE(notes[0].find("stage2-notify"), std::string::npos) << notes[0];
}

}  // namespace
}  // namespace synctrace
