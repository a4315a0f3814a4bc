#include "tracer/sim/sync_socket.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "gtest/gtest.h"
#include "tracer/peer_io.h"

namespace synctrace {
namespace sim {
namespace {

class SyncSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds_), 0);
  }
  void TearDown() override {
    close(fds_[0]);
    close(fds_[1]);
  }
  std::string RecvPacket(int fd) {
    char buf[8192];
    ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    return n < 0 ? "<none>" : std::string(buf, static_cast<size_t>(n));
  }
  // Sends data with `count` copies of fd as SCM_RIGHTS (count 0: no control).
  void SendWithFds(int sock, const std::string& data, int fd, int count) {
    struct iovec iov = {const_cast<char*>(data.data()), data.size()};
    alignas(struct cmsghdr) char control[CMSG_SPACE(4 * sizeof(int))] = {};
    struct msghdr msg = {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    if (count > 0) {
      msg.msg_control = control;
      msg.msg_controllen = CMSG_SPACE(count * sizeof(int));
      struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN(count * sizeof(int));
      for (int k = 0; k < count; ++k) std::memcpy(CMSG_DATA(c) + k * sizeof(int), &fd, sizeof(int));
    }
    ASSERT_GE(sendmsg(sock, &msg, 0), 0);
  }
  int fds_[2];
};

TEST_F(SyncSocketTest, WritesOneCompactPacketPerMessage) {
  SyncSocket parent(fds_[1], "sync-p", absl::Seconds(5));
  ASSERT_TRUE(parent.WriteSync(SimMessage::Of("procError", R"({"message":"a\u003cb"})")).ok());
  EXPECT_EQ(RecvPacket(fds_[0]), R"({"type":"procError","flags":0,"arg":{"message":"a\u003cb"}})");
  ASSERT_TRUE(parent.WriteSync(SimMessage::Of("procRun")).ok());
  EXPECT_EQ(RecvPacket(fds_[0]), R"({"type":"procRun","flags":0})");
  EXPECT_EQ(RecvPacket(fds_[0]), "<none>");
}

TEST_F(SyncSocketTest, PassesAFileWithItsName) {
  SyncSocket parent(fds_[1], "sync-p", absl::Seconds(5));
  SyncSocket child(fds_[0], "sync", absl::Seconds(5));
  int file = open("/", O_PATH | O_CLOEXEC);
  ASSERT_GE(file, 0);
  SimMessage m = SimMessage::Of("procMountFd", R"({"type":"plain-open"})");
  m.file_fd = file;
  m.file_name = "/";
  ASSERT_TRUE(parent.WriteSync(m).ok());
  close(file);
  SyncReadResult r = child.ReadSync();
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_TRUE(r.message.has_value());
  EXPECT_EQ(r.message->flags, 1);
  EXPECT_EQ(r.message->file_name, "/");
  ASSERT_GE(r.message->file_fd, 0);
  EXPECT_EQ(fcntl(r.message->file_fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  struct stat a, b;
  ASSERT_EQ(fstat(r.message->file_fd, &a), 0);
  ASSERT_EQ(stat("/", &b), 0);
  EXPECT_EQ(a.st_ino, b.st_ino);
  EXPECT_EQ(r.message->String(),
            "type:procMountFd flags:0b1 arg:{\"type\":\"plain-open\"} file:/ (fd:" +
                std::to_string(r.message->file_fd) + ")");
  close(r.message->file_fd);
}

TEST_F(SyncSocketTest, RejectsTwoFdsAndClosesThem) {
  SyncSocket child(fds_[0], "sync", absl::Seconds(5));
  int file = open("/", O_PATH | O_CLOEXEC);
  int before = CountOpenFds();
  ASSERT_EQ(write(fds_[1], R"({"type":"procMountFd","flags":1,"arg":{}})", 41), 41);
  SendWithFds(fds_[1], "/", file, 2);
  SyncReadResult r = child.ReadSync();
  // Room for one fd is CMSG_SPACE(4), which holds two on 64-bit: runc sees both and refuses.
  EXPECT_EQ(r.error, "receiving fd from sync procMountFd failed: recvfd: number of fds is not 1: 2");
  EXPECT_EQ(CountOpenFds(), before);
  close(file);
}

TEST_F(SyncSocketTest, RejectsAnFdPacketWithoutFd) {
  SyncSocket child(fds_[0], "sync", absl::Seconds(5));
  ASSERT_EQ(write(fds_[1], R"({"type":"procMountFd","flags":1})", 32), 32);
  SendWithFds(fds_[1], "/data", -1, 0);
  SyncReadResult r = child.ReadSync();
  EXPECT_EQ(r.error,
            "receiving fd from sync procMountFd failed: recvfile: incorrect number of bytes read "
            "(n=5 oobn=0)");
}

TEST_F(SyncSocketTest, ProcErrorBecomesTheMessage) {
  SyncSocket parent(fds_[1], "sync-p", absl::Seconds(5));
  ASSERT_EQ(write(fds_[0], R"({"type":"procError","flags":0,"arg":{"message":"boom"}})", 55), 55);
  SyncReadResult r = parent.ReadSync();
  EXPECT_EQ(r.error, "boom");
  ASSERT_TRUE(r.message.has_value());
  EXPECT_EQ(r.message->type, "procError");
}

TEST_F(SyncSocketTest, ShutdownIsEofAndGarbageIsGoError) {
  SyncSocket parent(fds_[1], "sync-p", absl::Seconds(5));
  SyncSocket child(fds_[0], "sync", absl::Seconds(5));
  ASSERT_TRUE(child.WriteRawPacket("{\"type\":").ok());
  EXPECT_EQ(parent.ReadSync().error, "unmarshal sync failed: unexpected end of JSON input");
  ASSERT_TRUE(parent.ShutdownWrite().ok());
  SyncReadResult r = child.ReadSync();
  EXPECT_TRUE(r.eof);
  EXPECT_EQ(r.error, "EOF");
}

TEST_F(SyncSocketTest, GivesUpInsteadOfHanging) {
  SyncSocket child(fds_[0], "sync", absl::Milliseconds(50));
  SyncReadResult r = child.ReadSync();
  EXPECT_FALSE(r.eof);
  EXPECT_NE(r.error.find("gave up after"), std::string::npos) << r.error;
}

}  // namespace
}  // namespace sim
}  // namespace synctrace
