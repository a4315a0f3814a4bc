// Tests for packet_io: whole packets of any size, fds in the same packet.
#include "tracer/packet_io.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace synctrace {
namespace {

struct Pair {
  UniqueFd a, b;
};

Pair SeqpacketPair() {
  int fds[2];
  EXPECT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds), 0);
  return Pair{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

std::string Pattern(size_t size, unsigned seed) {
  std::string s(size, '\0');
  for (size_t i = 0; i < size; ++i) s[i] = static_cast<char>((i * 131 + seed) & 0xff);
  return s;
}

TEST(PacketIoTest, EmptyQueueIsEagain) {
  Pair p = SeqpacketPair();
  ReceivedPacket packet;
  EXPECT_EQ(ReceivePacket(p.b.get(), &packet), -EAGAIN);
}

TEST(PacketIoTest, PacketsOfManySizesArriveWholeAndInOrder) {
  Pair p = SeqpacketPair();
  const std::vector<size_t> sizes = {0, 1, 100, 4096, 65536, 200000, 400 * 1024};
  for (size_t i = 0; i < sizes.size(); ++i) {
    std::string data = Pattern(sizes[i], static_cast<unsigned>(i));
    // The largest exceeds the default send buffer: SendPacket must grow it.
    ASSERT_EQ(SendPacket(p.a.get(), data, {}), static_cast<ssize_t>(data.size()))
        << "size " << sizes[i];
    ReceivedPacket got;
    ASSERT_EQ(ReceivePacket(p.b.get(), &got), static_cast<ssize_t>(data.size()));
    EXPECT_EQ(got.data, data) << "size " << sizes[i];
    EXPECT_TRUE(got.fds.empty());
    EXPECT_FALSE(got.control_truncated);
    EXPECT_FALSE(got.had_control);
  }
}

TEST(PacketIoTest, FdsTravelWithTheirPacketAndAreCloexec) {
  Pair p = SeqpacketPair();
  int pipe_fds[2];
  ASSERT_EQ(pipe2(pipe_fds, O_CLOEXEC), 0);
  std::vector<UniqueFd> fds;
  fds.emplace_back(pipe_fds[0]);
  fds.emplace_back(pipe_fds[1]);
  fds.emplace_back(open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  ASSERT_EQ(SendPacket(p.a.get(), "/data", fds), 5);

  ReceivedPacket got;
  ASSERT_EQ(ReceivePacket(p.b.get(), &got), 5);
  EXPECT_EQ(got.data, "/data");
  ASSERT_EQ(got.fds.size(), 3u);
  EXPECT_TRUE(got.had_control);
  for (size_t i = 0; i < 3; ++i) {
    struct stat sent_st, got_st;
    ASSERT_EQ(fstat(fds[i].get(), &sent_st), 0);
    ASSERT_EQ(fstat(got.fds[i].get(), &got_st), 0);
    EXPECT_EQ(sent_st.st_dev, got_st.st_dev);
    EXPECT_EQ(sent_st.st_ino, got_st.st_ino);
    EXPECT_NE(got.fds[i].get(), fds[i].get());
    EXPECT_EQ(fcntl(got.fds[i].get(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  }
  // The received write end writes into the original pipe.
  ASSERT_EQ(write(got.fds[1].get(), "x", 1), 1);
  char c = 0;
  ASSERT_EQ(read(fds[0].get(), &c, 1), 1);
  EXPECT_EQ(c, 'x');
}

TEST(PacketIoTest, TheKernelMaximumOfFdsInOnePacket) {
  Pair p = SeqpacketPair();
  std::vector<UniqueFd> fds;
  for (int i = 0; i < kMaxFdsPerMessage; ++i) fds.emplace_back(dup(p.a.get()));
  ASSERT_EQ(SendPacket(p.a.get(), "", fds), 0);
  ReceivedPacket got;
  ASSERT_EQ(ReceivePacket(p.b.get(), &got), 0);
  EXPECT_EQ(got.fds.size(), static_cast<size_t>(kMaxFdsPerMessage));
  EXPECT_FALSE(got.control_truncated);
  EXPECT_TRUE(got.had_control);
}

// A receiver out of fd slots gets the packet with MSG_CTRUNC: reported, not hidden.
TEST(PacketIoTest, ControlDataCutByTheKernelIsReported) {
  Pair p = SeqpacketPair();
  std::vector<UniqueFd> fds;
  for (int i = 0; i < 3; ++i) fds.emplace_back(dup(p.a.get()));
  ASSERT_EQ(SendPacket(p.a.get(), "fds", fds), 3);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {  // no room for even one more fd in this process
    int highest = 0;
    for (int fd = 0; fd < 1024; ++fd) {
      if (fcntl(fd, F_GETFD) >= 0) highest = fd;
    }
    for (int fd = 0; fd < highest; ++fd) {
      if (fcntl(fd, F_GETFD) < 0) dup2(p.b.get(), fd);  // fill the holes
    }
    rlimit limit{static_cast<rlim_t>(highest + 1), static_cast<rlim_t>(highest + 1)};
    setrlimit(RLIMIT_NOFILE, &limit);
    ReceivedPacket got;
    ssize_t n = ReceivePacket(p.b.get(), &got);
    _exit(n == 3 && got.data == "fds" && got.control_truncated && got.fds.empty() ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "expected the packet whole, no fds, and control_truncated";
}

TEST(PacketIoTest, FullPeerQueueIsEagainNotABlock) {
  Pair p = SeqpacketPair();
  std::string data(60000, 'q');
  ssize_t r = 0;
  int sent = 0;
  while ((r = SendPacket(p.a.get(), data, {})) > 0) ++sent;
  EXPECT_EQ(r, -EAGAIN);
  EXPECT_GT(sent, 0);
  EXPECT_EQ(QueuedBytes(p.b.get()), static_cast<ssize_t>(sent) * 60000);
}

TEST(PacketIoTest, PeerGoneIsEpipe) {
  Pair p = SeqpacketPair();
  p.b.reset();
  EXPECT_EQ(SendPacket(p.a.get(), "x", {}), -EPIPE);
}

TEST(PacketIoTest, UniqueFdClosesAndReleases) {
  int raw;
  {
    UniqueFd fd(open("/", O_RDONLY | O_CLOEXEC));
    raw = fd.get();
    ASSERT_GE(raw, 0);
  }
  EXPECT_EQ(fcntl(raw, F_GETFD), -1);
  UniqueFd fd(open("/", O_RDONLY | O_CLOEXEC));
  int kept = fd.release();
  EXPECT_FALSE(fd.valid());
  EXPECT_GE(fcntl(kept, F_GETFD), 0);
  close(kept);
}

}  // namespace
}  // namespace synctrace
