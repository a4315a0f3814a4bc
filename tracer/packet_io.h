// File: tracer/packet_io.h
//
// One SOCK_SEQPACKET packet in or out, with its SCM_RIGHTS fds, never truncated.
//
// ReceivePacket sizes the next packet with recv(MSG_PEEK|MSG_TRUNC), then reads
// it whole with recvmsg(MSG_CMSG_CLOEXEC) and a control buffer for the kernel's
// maximum of fds in one message (SCM_MAX_FD = 253). MSG_CTRUNC is reported.
// SendPacket writes the bytes and all fds in ONE sendmsg; when the packet is
// larger than the socket's send buffer allows, it raises SO_SNDBUF (or
// SO_SNDBUFFORCE) instead of failing. Both retry EINTR and return -errno on
// failure. They are non-blocking (-EAGAIN: try again when polled) unless
// `wait` is true: then the peek waits for a packet (or EOF), the send for room.
//
// Example:
//   ReceivedPacket p;
//   ssize_t n = ReceivePacket(from, &p);       // bytes, or -EAGAIN / -errno
//   if (n >= 0) n = SendPacket(to, p.data, p.fds);
//   // p.fds close themselves when p goes away
#ifndef SYNCTRACE_TRACER_PACKET_IO_H_
#define SYNCTRACE_TRACER_PACKET_IO_H_

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "tracer/unique_fd.h"

namespace synctrace {

// The kernel's limit of fds in one SCM_RIGHTS message (include/net/scm.h).
inline constexpr int kMaxFdsPerMessage = 253;

struct ReceivedPacket {
  std::string data;
  std::vector<UniqueFd> fds;       // synctrace's copies, CLOEXEC
  bool control_truncated = false;  // MSG_CTRUNC: the kernel dropped control data
  bool had_control = false;        // any control message arrived (tells a
                                   // 0-byte packet with fds from an EOF)
};

// Reads the next packet of `fd` into *packet (replacing its contents).
// Returns the packet's size (0 for an empty packet or EOF: the caller tells
// them apart), or -errno (-EAGAIN when nothing is queued).
ssize_t ReceivePacket(int fd, ReceivedPacket* packet, bool wait = false);

// Sends `data` with `fds` (may be empty) as one packet. Returns data.size() or
// -errno (-EAGAIN: the peer's queue is full; -EPIPE: the peer cannot receive).
ssize_t SendPacket(int fd, std::string_view data, const std::vector<UniqueFd>& fds,
                   bool wait = false);

// Bytes queued in `fd`'s receive queue (SIOCINQ; summed over all packets of a
// SOCK_SEQPACKET socket), or -errno.
ssize_t QueuedBytes(int fd);

// True when `fd`'s peer has shut down its sending side (POLLRDHUP/POLLHUP)
// and nothing is queued any more: a 0-byte read from it was EOF, not a
// 0-byte packet. Does not wait.
bool ShutDownAndDrained(int fd);

// Why `fd` cannot be one end of a sync socket ("fd 7 is not open", "fd 3 is a
// SOCK_STREAM socket, not SOCK_SEQPACKET", ...), or "" when it is an open
// AF_UNIX SOCK_SEQPACKET socket.
std::string SeqpacketSocketProblem(int fd);

}  // namespace synctrace

#endif  // SYNCTRACE_TRACER_PACKET_IO_H_
