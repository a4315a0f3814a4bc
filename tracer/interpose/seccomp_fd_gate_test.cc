#include "tracer/interpose/seccomp_fd_gate.h"

#include <sys/mman.h>
#include <sys/syscall.h>
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
    SeccompFdGate gate(&trace, getpid(), &inner);  // "the child" is this process
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

}  // namespace
}  // namespace synctrace
