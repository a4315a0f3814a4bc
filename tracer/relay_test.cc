// Tests for the Relay with real socketpairs (and a real process for a killed
// peer): bytes, order, fds, half-close, EOF, backpressure, no fd leaks.
#include "tracer/relay.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tracer/peer_io.h"
#include "tracer/recording_sink.h"
#include "tracer/trace.h"

namespace synctrace {
namespace {

constexpr int kTimeoutMs = 20000;  // generous: a loaded 2-core machine

// A relay between two socketpairs; parent() and child() are the peers' ends.
class RelayHarness {
 public:
  explicit RelayHarness(ForwardGate* gate = nullptr) {
    int p[2], c[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, p), 0);
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, c), 0);
    parent_.reset(p[0]);
    child_.reset(c[0]);
    trace_ = std::make_unique<Trace>(std::vector<EventSink*>{&sink_}, MonotonicNowNs());
    int session = trace_->StartSession(SessionInfo{});
    relay_ = std::make_unique<Relay>(p[1], c[1], session, trace_.get(), gate);
    done_ = result_promise_.get_future();
    thread_ = std::thread([this] { result_promise_.set_value(relay_->Run()); });
  }
  ~RelayHarness() {
    if (thread_.joinable()) {
      relay_->Stop();
      thread_.join();
    }
  }

  int parent() const { return parent_.get(); }
  int child() const { return child_.get(); }
  UniqueFd& parent_end() { return parent_; }
  UniqueFd& child_end() { return child_; }
  Relay& relay() { return *relay_; }
  RecordingSink& sink() { return sink_; }

  // Waits for the session to end (failing, then stopping it, after the timeout)
  // and closes the trace.
  RelayResult Finish() {
    RelayResult result;
    if (done_.wait_for(std::chrono::milliseconds(kTimeoutMs)) != std::future_status::ready) {
      ADD_FAILURE() << "the relay did not end the session";
      relay_->Stop();
    }
    result = done_.get();
    thread_.join();
    trace_->Close();
    return result;
  }

 private:
  UniqueFd parent_, child_;
  RecordingSink sink_;
  std::unique_ptr<Trace> trace_;
  std::unique_ptr<Relay> relay_;
  std::promise<RelayResult> result_promise_;
  std::future<RelayResult> done_;
  std::thread thread_;
};

std::string Bytes(size_t size, uint32_t seed) {
  std::string s(size, '\0');
  std::mt19937 gen(seed);
  for (char& c : s) c = static_cast<char>(gen());
  return s;
}

std::vector<std::string> RandomPackets(uint32_t seed, int count) {
  std::mt19937 gen(seed);
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) {
    uint32_t pick = gen() % 100;
    size_t size = pick < 5 ? 0 : pick < 75 ? gen() % 300 : pick < 93 ? gen() % 65536
                                                                     : gen() % (450 * 1024);
    out.push_back(Bytes(size, gen()));
  }
  return out;
}

void SendAll(int fd, const std::vector<std::string>& packets) {
  for (const std::string& p : packets) {
    ASSERT_EQ(SendPacketWithin(fd, p, {}, kTimeoutMs), static_cast<ssize_t>(p.size()));
  }
}

std::vector<std::string> ReceiveN(int fd, size_t n) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) {
    ReceivedPacket p;
    ssize_t got = ReceivePacketWithin(fd, &p, kTimeoutMs);
    EXPECT_GE(got, 0) << "packet " << i;
    if (got < 0) break;
    out.push_back(std::move(p.data));
  }
  return out;
}

TEST(RelayTest, RandomPacketSequencesArriveIdenticalAndInOrderBothWays) {
  const uint32_t seed = 20261130;
  const int count = 200;
  std::vector<std::string> to_child = RandomPackets(seed, count);
  std::vector<std::string> to_parent = RandomPackets(seed + 1, count);
  RelayHarness h;
  std::vector<std::string> got_child, got_parent;
  std::thread send_p([&] { SendAll(h.parent(), to_child); });
  std::thread send_c([&] { SendAll(h.child(), to_parent); });
  std::thread recv_c([&] { got_child = ReceiveN(h.child(), to_child.size()); });
  got_parent = ReceiveN(h.parent(), to_parent.size());
  send_p.join();
  send_c.join();
  recv_c.join();
  ASSERT_EQ(got_child.size(), to_child.size());
  ASSERT_EQ(got_parent.size(), to_parent.size());
  for (int i = 0; i < count; ++i) {
    EXPECT_TRUE(got_child[i] == to_child[i]) << "parent->child packet " << i << " (seed " << seed
                                             << ", " << to_child[i].size() << " bytes)";
    EXPECT_TRUE(got_parent[i] == to_parent[i]) << "child->parent packet " << i;
  }
  shutdown(h.parent(), SHUT_WR);
  shutdown(h.child(), SHUT_WR);
  EXPECT_TRUE(ReadsEofWithin(h.child(), kTimeoutMs));
  EXPECT_TRUE(ReadsEofWithin(h.parent(), kTimeoutMs));
  RelayResult r = h.Finish();
  EXPECT_TRUE(r.ok) << r.end_reason;
  EXPECT_EQ(r.packets[static_cast<int>(Direction::kParentToChild)], static_cast<uint64_t>(count));
  EXPECT_EQ(r.packets[static_cast<int>(Direction::kChildToParent)], static_cast<uint64_t>(count));
  EXPECT_EQ(h.sink().Count(EventKind::kSessionEnd), 1u);
}

TEST(RelayTest, ZeroLengthPacketIsForwardedAsOneNotAsEof) {
  RelayHarness h;
  ASSERT_EQ(SendPacketWithin(h.parent(), "", {}, kTimeoutMs), 0);
  ASSERT_EQ(SendPacketWithin(h.parent(), "after", {}, kTimeoutMs), 5);
  std::vector<std::string> got = ReceiveN(h.child(), 2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], "");
  EXPECT_EQ(got[1], "after");  // the relay did not take the empty packet for EOF
  shutdown(h.parent(), SHUT_WR);
  EXPECT_TRUE(ReadsEofWithin(h.child(), kTimeoutMs));
  h.child_end().reset();
  EXPECT_TRUE(h.Finish().ok);
}

TEST(RelayTest, FdsReferToTheSameOpenFiles) {
  int fds_before = CountOpenFds();
  {
    RelayHarness h;
    char path[] = "/tmp/relay_test_fileXXXXXX";
    UniqueFd file(mkostemp(path, O_CLOEXEC));
    ASSERT_TRUE(file.valid());
    unlink(path);
    ASSERT_EQ(write(file.get(), "abc", 3), 3);
    int pipe_fds[2];
    ASSERT_EQ(pipe2(pipe_fds, O_CLOEXEC), 0);
    UniqueFd pipe_r(pipe_fds[0]), pipe_w(pipe_fds[1]);
    UniqueFd dir(open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC));

    // runc's procMountFd: a JSON packet, then the name with one fd.
    std::vector<UniqueFd> mount_fd;
    mount_fd.emplace_back(dup(dir.get()));
    const std::string announce = R"({"type":"procMountFd","flags":1,"arg":{"type":"plain-open"}})";
    ASSERT_EQ(SendPacketWithin(h.parent(), announce, {}, kTimeoutMs),
              static_cast<ssize_t>(announce.size()));
    ASSERT_EQ(SendPacketWithin(h.parent(), "/tmp", mount_fd, kTimeoutMs), 4);
    mount_fd.clear();
    // Several fds on one packet.
    std::vector<UniqueFd> three;
    three.emplace_back(dup(file.get()));
    three.emplace_back(dup(pipe_w.get()));
    three.emplace_back(dup(dir.get()));
    ASSERT_EQ(SendPacketWithin(h.parent(), "three", three, kTimeoutMs), 5);
    three.clear();

    ReceivedPacket json, named, many;
    ASSERT_GT(ReceivePacketWithin(h.child(), &json, kTimeoutMs), 0);
    ASSERT_EQ(ReceivePacketWithin(h.child(), &named, kTimeoutMs), 4);
    ASSERT_EQ(named.fds.size(), 1u);
    ASSERT_EQ(ReceivePacketWithin(h.child(), &many, kTimeoutMs), 5);
    ASSERT_EQ(many.fds.size(), 3u);

    struct stat a, b;
    ASSERT_EQ(fstat(named.fds[0].get(), &a), 0);
    ASSERT_EQ(fstat(dir.get(), &b), 0);
    EXPECT_EQ(a.st_dev, b.st_dev);
    EXPECT_EQ(a.st_ino, b.st_ino);
    // The same open file description: the offset is shared.
    EXPECT_EQ(lseek(many.fds[0].get(), 0, SEEK_CUR), 3);
    ASSERT_EQ(write(many.fds[0].get(), "de", 2), 2);
    EXPECT_EQ(lseek(file.get(), 0, SEEK_CUR), 5);
    // A pipe written through the forwarded fd is read by the original reader.
    ASSERT_EQ(write(many.fds[1].get(), "hi", 2), 2);
    char buf[2];
    ASSERT_EQ(read(pipe_r.get(), buf, 2), 2);
    EXPECT_EQ(std::string(buf, 2), "hi");
    ASSERT_EQ(fstat(many.fds[2].get(), &a), 0);
    EXPECT_EQ(a.st_ino, b.st_ino);

    shutdown(h.parent(), SHUT_WR);
    h.child_end().reset();
    RelayResult r = h.Finish();
    EXPECT_TRUE(r.ok) << r.end_reason;
    EXPECT_EQ(r.fds[static_cast<int>(Direction::kParentToChild)], 4u);
    // The trace saw the message with its file described before the copy closed.
    bool found = false;
    for (const TraceEvent& e : h.sink().events()) {
      if (e.kind != EventKind::kMessage || e.message.type != "procMountFd") continue;
      found = true;
      ASSERT_TRUE(e.message.file.has_value());
      EXPECT_EQ(e.message.file->name, "/tmp");
      EXPECT_TRUE(e.message.file->fd.described);
      EXPECT_EQ(e.message.file->fd.kind, "directory");
      EXPECT_EQ(e.message.file->fd.ino, static_cast<uint64_t>(b.st_ino));
    }
    EXPECT_TRUE(found);
  }
  EXPECT_EQ(CountOpenFds(), fds_before);
}

TEST(RelayTest, ChildHalfCloseReachesParentWhileParentStillSends) {
  RelayHarness h;
  ASSERT_EQ(SendPacketWithin(h.child(), "last", {}, kTimeoutMs), 4);
  ASSERT_EQ(shutdown(h.child(), SHUT_WR), 0);
  std::vector<std::string> got = ReceiveN(h.parent(), 1);
  EXPECT_EQ(got, std::vector<std::string>{"last"});
  EXPECT_TRUE(ReadsEofWithin(h.parent(), kTimeoutMs));
  // The other direction is still open.
  ASSERT_EQ(SendPacketWithin(h.parent(), "procRun", {}, kTimeoutMs), 7);
  EXPECT_EQ(ReceiveN(h.child(), 1), std::vector<std::string>{"procRun"});
  ASSERT_EQ(shutdown(h.parent(), SHUT_WR), 0);
  EXPECT_TRUE(ReadsEofWithin(h.child(), kTimeoutMs));
  RelayResult r = h.Finish();
  EXPECT_TRUE(r.ok) << r.end_reason;
}

TEST(RelayTest, ParentHalfCloseReachesChildWhileChildStillSends) {
  RelayHarness h;
  ASSERT_EQ(shutdown(h.parent(), SHUT_WR), 0);  // what runc's parent does when done
  EXPECT_TRUE(ReadsEofWithin(h.child(), kTimeoutMs));
  ASSERT_EQ(SendPacketWithin(h.child(), "procError", {}, kTimeoutMs), 9);
  EXPECT_EQ(ReceiveN(h.parent(), 1), std::vector<std::string>{"procError"});
  h.child_end().reset();  // runc init exits
  EXPECT_TRUE(ReadsEofWithin(h.parent(), kTimeoutMs));
  RelayResult r = h.Finish();
  EXPECT_TRUE(r.ok) << r.end_reason;
}

TEST(RelayTest, KilledChildProcessGivesTheParentEofAndEpipe) {
  int c[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, c), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {  // the "child": says one thing, then hangs until killed
    close(c[1]);
    static const char kMsg[] = "procReady";
    send(c[0], kMsg, sizeof(kMsg) - 1, 0);
    for (;;) pause();
  }
  close(c[0]);
  int p[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, p), 0);
  UniqueFd parent(p[0]);
  RecordingSink sink;
  Trace trace({&sink}, MonotonicNowNs());
  Relay relay(p[1], c[1], trace.StartSession(SessionInfo{}), &trace);
  std::promise<RelayResult> promise;
  std::future<RelayResult> done = promise.get_future();
  std::thread t([&] { promise.set_value(relay.Run()); });

  EXPECT_EQ(ReceiveN(parent.get(), 1), std::vector<std::string>{"procReady"});
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(ReadsEofWithin(parent.get(), kTimeoutMs));
  bool ended = done.wait_for(std::chrono::milliseconds(kTimeoutMs)) == std::future_status::ready;
  EXPECT_TRUE(ended) << "the relay hung after the child died";
  if (!ended) relay.Stop();
  t.join();
  EXPECT_EQ(SendPacket(parent.get(), "procRun", {}), -EPIPE);
  trace.Close();
  EXPECT_EQ(sink.Count(EventKind::kSessionEnd), 1u);
}

TEST(RelayTest, APeerThatNeverReadsDoesNotStallTheOtherDirection) {
  RelayHarness h;
  // The child never reads: fill everything between parent and child.
  std::string chunk(4096, 'p');
  int sent_to_child = 0;
  for (;;) {
    ssize_t n = SendPacket(h.parent(), chunk, {});
    if (n == -EAGAIN) break;
    ASSERT_EQ(n, 4096);
    ++sent_to_child;
    ASSERT_LT(sent_to_child, 1000000) << "the parent's writes never blocked";
  }
  // The child's packets still reach the parent.
  std::vector<std::string> to_parent = RandomPackets(7, 500);
  std::thread sender([&] { SendAll(h.child(), to_parent); });
  std::vector<std::string> got = ReceiveN(h.parent(), to_parent.size());
  sender.join();
  EXPECT_TRUE(got == to_parent);
  // Nothing the parent wrote was lost: the child finally reads it all.
  shutdown(h.parent(), SHUT_WR);
  int received = 0;
  for (;;) {
    ReceivedPacket p;
    ssize_t n = ReceivePacketWithin(h.child(), &p, kTimeoutMs);
    ASSERT_GE(n, 0);
    if (n == 0) break;  // EOF (the parent sent no empty packet)
    EXPECT_EQ(p.data, chunk);
    ++received;
  }
  EXPECT_EQ(received, sent_to_child);
  h.child_end().reset();
  EXPECT_TRUE(h.Finish().ok);
}

TEST(RelayTest, StopFromAnotherThreadEndsTheSessionForBothPeers) {
  RelayHarness h;
  h.relay().Stop();
  EXPECT_TRUE(ReadsEofWithin(h.parent(), kTimeoutMs));
  EXPECT_TRUE(ReadsEofWithin(h.child(), kTimeoutMs));
  RelayResult r = h.Finish();
  EXPECT_EQ(r.end_reason, "stopped by synctrace");
}

TEST(RelayTest, ABlockedObserverNeverSlowsForwardingAndLossIsReported) {
  RecordingSink sink;
  Trace trace({&sink}, MonotonicNowNs(), /*queue_capacity=*/64);
  int p[2], c[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, p), 0);
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, c), 0);
  UniqueFd parent(p[0]), child(c[0]);
  int session = trace.StartSession(SessionInfo{});
  sink.WaitForEvents(1);
  sink.Block();  // the observer hangs from here on
  Relay relay(p[1], c[1], session, &trace);
  std::thread t([&] { relay.Run(); });
  const int kPackets = 3000;
  std::thread sender([&] {
    for (int i = 0; i < kPackets; ++i) {
      ASSERT_EQ(SendPacketWithin(child.get(), R"({"type":"procReady","flags":0})", {}, kTimeoutMs), 30);
    }
  });
  std::vector<std::string> got = ReceiveN(parent.get(), kPackets);
  sender.join();
  EXPECT_EQ(got.size(), static_cast<size_t>(kPackets));
  parent.reset();
  child.reset();
  t.join();
  EXPECT_GT(trace.dropped(), 0u);
  sink.Release();
  trace.Close();
  uint64_t reported = 0;
  for (const TraceEvent& e : sink.events()) {
    if (e.kind == EventKind::kEventsDropped) reported += e.dropped;
  }
  EXPECT_EQ(reported, trace.dropped());
  EXPECT_EQ(sink.Count(EventKind::kMessage) + reported, static_cast<uint64_t>(kPackets));
}

class RecordingGate : public ForwardGate {
 public:
  void BeforeForward(int, Direction direction, const WirePacket& packet) override {
    seen.push_back(std::string(DirectionName(direction)) + " " + packet.data);
  }
  std::vector<std::string> seen;  // only the relay thread writes it
};

TEST(RelayTest, TheGateSeesEachPacketBeforeItIsForwarded) {
  RecordingGate gate;
  RelayHarness h(&gate);
  ASSERT_EQ(SendPacketWithin(h.child(), "procReady", {}, kTimeoutMs), 9);
  EXPECT_EQ(ReceiveN(h.parent(), 1), std::vector<std::string>{"procReady"});
  shutdown(h.parent(), SHUT_WR);
  h.child_end().reset();
  h.Finish();
  EXPECT_EQ(gate.seen, std::vector<std::string>{"child->parent procReady"});
}

// Regression: the two directions are forwarded by two threads; a reply sent
// the instant its request arrived once reached the Trace before the request
// (the log then showed "a reply to no open request"). Ping-pong with an
// instant answer, many times: every request must be traced before its reply.
TEST(RelayTest, ARequestIsTracedBeforeItsInstantReply) {
  constexpr int kRounds = 3000;
  RelayHarness h;
  std::thread answering_parent([&] {
    for (int i = 0; i < kRounds; ++i) {
      ReceivedPacket request;
      if (ReceivePacketWithin(h.parent(), &request, kTimeoutMs) <= 0) return;
      std::string reply = "reply " + request.data.substr(std::string("request ").size());
      if (SendPacketWithin(h.parent(), reply, {}, kTimeoutMs) < 0) return;
    }
  });
  for (int i = 0; i < kRounds; ++i) {
    ASSERT_GT(SendPacketWithin(h.child(), "request " + std::to_string(i), {}, kTimeoutMs), 0);
    ReceivedPacket reply;
    ASSERT_GT(ReceivePacketWithin(h.child(), &reply, kTimeoutMs), 0);
    ASSERT_EQ(reply.data, "reply " + std::to_string(i));
  }
  answering_parent.join();
  h.parent_end().reset();
  h.child_end().reset();
  h.Finish();
  int expected = 0;  // round whose request comes next
  bool awaiting_reply = false;
  for (const TraceEvent& e : h.sink().events()) {
    if (e.kind != EventKind::kMessage) continue;
    const std::string& data = e.message.raw;
    if (!awaiting_reply) {
      ASSERT_EQ(data, "request " + std::to_string(expected)) << "a reply was traced first";
    } else {
      ASSERT_EQ(data, "reply " + std::to_string(expected));
      ++expected;
    }
    awaiting_reply = !awaiting_reply;
  }
  EXPECT_EQ(expected, kRounds);
}

TEST(RelayTest, NoFdLeftOpenAfterManySessions) {
  int before = CountOpenFds();
  for (int i = 0; i < 40; ++i) {
    RelayHarness h;
    std::vector<UniqueFd> fd;
    fd.emplace_back(open("/", O_RDONLY | O_CLOEXEC));
    ASSERT_EQ(SendPacketWithin(h.child(), "x", fd, kTimeoutMs), 1);
    ReceivedPacket p;
    ASSERT_EQ(ReceivePacketWithin(h.parent(), &p, kTimeoutMs), 1);
    ASSERT_EQ(p.fds.size(), 1u);
    h.parent_end().reset();
    h.child_end().reset();
    EXPECT_TRUE(h.Finish().ok);
  }
  EXPECT_EQ(CountOpenFds(), before);
}

}  // namespace
}  // namespace synctrace
