// sock_diag lookup of a unix socket's peer; see unix_peer.h.
#include "tracer/interpose/unix_peer.h"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace synctrace {
namespace {

absl::Status DiagError(uint64_t inode, const char* what, int err) {
  return absl::UnavailableError(absl::StrCat("asking sock_diag about unix socket inode ", inode,
                                             ": ", what, ": ", std::strerror(err)));
}

// Parses one SOCK_DIAG_BY_FAMILY answer.
absl::StatusOr<UnixSocketInfo> ParseAnswer(uint64_t inode, const char* buf, ssize_t len) {
  auto* header = reinterpret_cast<const nlmsghdr*>(buf);
  for (; NLMSG_OK(header, static_cast<unsigned>(len)); header = NLMSG_NEXT(header, len)) {
    if (header->nlmsg_type == NLMSG_ERROR) {
      auto* err = static_cast<const nlmsgerr*>(NLMSG_DATA(header));
      int code = err->error < 0 ? -err->error : err->error;
      if (code == ENOENT) {
        return absl::NotFoundError(
            absl::StrCat("no unix socket with inode ", inode, " in this network namespace"));
      }
      return DiagError(inode, "kernel answered", code);
    }
    if (header->nlmsg_type != SOCK_DIAG_BY_FAMILY) continue;
    auto* msg = static_cast<const unix_diag_msg*>(NLMSG_DATA(header));
    if (msg->udiag_ino != inode) continue;
    UnixSocketInfo info;
    info.inode = msg->udiag_ino;
    info.type = msg->udiag_type;
    int attr_len = static_cast<int>(header->nlmsg_len - NLMSG_LENGTH(sizeof(*msg)));
    auto* attr = reinterpret_cast<const rtattr*>(msg + 1);
    for (; RTA_OK(attr, attr_len); attr = RTA_NEXT(attr, attr_len)) {
      if (attr->rta_type == UNIX_DIAG_PEER && RTA_PAYLOAD(attr) >= sizeof(uint32_t)) {
        uint32_t peer = 0;
        std::memcpy(&peer, RTA_DATA(attr), sizeof peer);
        info.peer_inode = peer;
      }
    }
    return info;
  }
  return absl::DataLossError(absl::StrCat("sock_diag gave no answer for unix socket inode ", inode));
}

}  // namespace

absl::StatusOr<UnixSocketInfo> QueryUnixSocket(uint64_t inode) {
  int sock = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (sock < 0) return DiagError(inode, "opening a NETLINK_SOCK_DIAG socket", errno);

  struct {
    nlmsghdr header;
    unix_diag_req request;
  } query;
  std::memset(&query, 0, sizeof query);
  query.header.nlmsg_len = sizeof query;
  query.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  query.header.nlmsg_flags = NLM_F_REQUEST;
  query.request.sdiag_family = AF_UNIX;
  query.request.udiag_states = ~0u;
  query.request.udiag_ino = static_cast<uint32_t>(inode);
  query.request.udiag_show = UDIAG_SHOW_PEER;
  query.request.udiag_cookie[0] = INET_DIAG_NOCOOKIE;
  query.request.udiag_cookie[1] = INET_DIAG_NOCOOKIE;

  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (sendto(sock, &query, sizeof query, 0, reinterpret_cast<sockaddr*>(&kernel),
             sizeof kernel) < 0) {
    int err = errno;
    close(sock);
    return DiagError(inode, "sending the query", err);
  }
  alignas(nlmsghdr) char buf[8192];
  ssize_t len;
  do {
    len = recv(sock, buf, sizeof buf, 0);
  } while (len < 0 && errno == EINTR);
  int err = errno;
  close(sock);
  if (len < 0) return DiagError(inode, "reading the answer", err);
  return ParseAnswer(inode, buf, len);
}

}  // namespace synctrace
