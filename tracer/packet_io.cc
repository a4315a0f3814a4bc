// One SOCK_SEQPACKET packet in or out with its fds; see packet_io.h.
#include "tracer/packet_io.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cstring>

namespace synctrace {
namespace {

constexpr size_t kControlBytes = CMSG_SPACE(sizeof(int) * kMaxFdsPerMessage);

// Headroom the kernel needs besides the packet itself (skb overhead).
constexpr size_t kSendBufferHeadroom = 64 * 1024;

union ControlBuffer {
  char bytes[kControlBytes];
  cmsghdr align;
};

void TakeFds(msghdr* msg, ReceivedPacket* packet) {
  for (cmsghdr* c = CMSG_FIRSTHDR(msg); c != nullptr; c = CMSG_NXTHDR(msg, c)) {
    packet->had_control = true;
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    const unsigned char* data = CMSG_DATA(c);
    for (size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, data + i * sizeof(int), sizeof(int));
      packet->fds.emplace_back(fd);
    }
  }
}

// Makes the send buffer large enough for one packet of `size` bytes.
// Returns false when even SO_SNDBUFFORCE could not (no CAP_NET_ADMIN).
bool GrowSendBuffer(int fd, size_t size) {
  int current = 0;
  socklen_t len = sizeof(current);
  if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &current, &len) != 0) return false;
  size_t wanted = size + kSendBufferHeadroom;
  if (static_cast<size_t>(current) >= wanted) return false;  // not the buffer's fault
  int value = static_cast<int>(wanted / 2 + 1);  // the kernel doubles the value
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &value, sizeof(value));
  len = sizeof(current);
  getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &current, &len);
  if (static_cast<size_t>(current) >= wanted) return true;
  // Capped by net.core.wmem_max: force it (needs CAP_NET_ADMIN).
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &value, sizeof(value)) != 0) return false;
  len = sizeof(current);
  getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &current, &len);
  return static_cast<size_t>(current) >= wanted;
}

}  // namespace

ssize_t ReceivePacket(int fd, ReceivedPacket* packet, bool wait) {
  packet->data.clear();
  packet->fds.clear();
  packet->control_truncated = false;
  packet->had_control = false;

  ssize_t size;
  do {
    size = recv(fd, nullptr, 0, MSG_PEEK | MSG_TRUNC | (wait ? 0 : MSG_DONTWAIT));
  } while (size < 0 && errno == EINTR);
  if (size < 0) return -errno;
  packet->data.resize(static_cast<size_t>(size));

  ControlBuffer control;
  iovec iov{packet->data.data(), packet->data.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.bytes;
  msg.msg_controllen = sizeof(control.bytes);
  ssize_t got;
  do {
    got = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);  // it is queued already
  } while (got < 0 && errno == EINTR);
  if (got < 0) return -errno;
  TakeFds(&msg, packet);
  packet->control_truncated = (msg.msg_flags & MSG_CTRUNC) != 0;
  // Only this thread reads the socket, so the packet cannot have changed
  // between the peek and the read; guard anyway rather than truncate silently.
  if ((msg.msg_flags & MSG_TRUNC) != 0 || got != size) return -EMSGSIZE;
  return got;
}

ssize_t SendPacket(int fd, std::string_view data, const std::vector<UniqueFd>& fds,
                   bool wait) {
  ControlBuffer control;
  iovec iov{const_cast<char*>(data.data()), data.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (!fds.empty()) {
    if (fds.size() > static_cast<size_t>(kMaxFdsPerMessage)) return -EINVAL;
    msg.msg_control = control.bytes;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
    unsigned char* out = CMSG_DATA(c);
    for (size_t i = 0; i < fds.size(); ++i) {
      int raw = fds[i].get();
      std::memcpy(out + i * sizeof(int), &raw, sizeof(int));
    }
  }
  bool grew = false;
  for (;;) {
    ssize_t sent = sendmsg(fd, &msg, MSG_NOSIGNAL | (wait ? 0 : MSG_DONTWAIT));
    if (sent >= 0) return sent;
    int err = errno;
    if (err == EINTR) continue;
    if (err == EMSGSIZE && !grew && GrowSendBuffer(fd, data.size())) {
      grew = true;
      continue;
    }
    return -err;
  }
}

std::string SeqpacketSocketProblem(int fd) {
  std::string name = "fd " + std::to_string(fd);
  if (fd < 0 || fcntl(fd, F_GETFD) < 0) return name + " is not open";
  int type = 0;
  socklen_t len = sizeof(type);
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0) {
    return errno == ENOTSOCK ? name + " is not a socket" : name + ": " + std::strerror(errno);
  }
  if (type != SOCK_SEQPACKET) {
    const char* kind = type == SOCK_STREAM ? "SOCK_STREAM" : type == SOCK_DGRAM ? "SOCK_DGRAM"
                                                                              : "non-seqpacket";
    return name + " is a " + kind + " socket, not SOCK_SEQPACKET";
  }
  sockaddr_storage addr{};
  len = sizeof(addr);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0 &&
      addr.ss_family != AF_UNIX) {
    return name + " is not an AF_UNIX socket";
  }
  return "";
}

ssize_t QueuedBytes(int fd) {
  int bytes = 0;
  if (ioctl(fd, FIONREAD, &bytes) != 0) return -errno;
  return bytes;
}

bool ShutDownAndDrained(int fd) {
  pollfd p{fd, POLLRDHUP, 0};
  if (poll(&p, 1, 0) != 1 || (p.revents & (POLLRDHUP | POLLHUP)) == 0) return false;
  return QueuedBytes(fd) == 0;
}

}  // namespace synctrace
