// File: tracer/interpose/unix_peer.h
//
// Which AF_UNIX socket is connected to which: asks the kernel through
// NETLINK_SOCK_DIAG (unix_diag, UDIAG_SHOW_PEER) for the peer of a socket
// inode. This is how the interposition finds the runc parent's own end of the
// sync socketpair from the child's end, without guessing from fd numbers.
//
// Example:
//   absl::StatusOr<UnixSocketInfo> info = QueryUnixSocket(child_end_inode);
//   if (info.ok() && info->type == SOCK_SEQPACKET) parent_inode = info->peer_inode;
#ifndef SYNCTRACE_TRACER_INTERPOSE_UNIX_PEER_H_
#define SYNCTRACE_TRACER_INTERPOSE_UNIX_PEER_H_

#include <cstdint>

#include "absl/status/statusor.h"

namespace synctrace {

struct UnixSocketInfo {
  uint64_t inode = 0;
  int type = 0;             // SOCK_STREAM, SOCK_SEQPACKET, ...
  uint64_t peer_inode = 0;  // 0: not connected
};

// Looks up the AF_UNIX socket with this inode in synctrace's network namespace.
absl::StatusOr<UnixSocketInfo> QueryUnixSocket(uint64_t inode);

}  // namespace synctrace

#endif  // SYNCTRACE_TRACER_INTERPOSE_UNIX_PEER_H_
