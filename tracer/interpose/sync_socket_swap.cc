// The sync socket swap; see sync_socket_swap.h.
#include "tracer/interpose/sync_socket_swap.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tracer/interpose/remote_syscall.h"
#include "tracer/interpose/unix_peer.h"

namespace synctrace {
namespace {

constexpr char kSyncPipeVar[] = "_LIBCONTAINER_SYNCPIPE";
constexpr char kInitPipeVar[] = "_LIBCONTAINER_INITPIPE";

void CloseIfOpen(int* fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

SwapResult Failed(SwapResult r, const std::string& message) {
  CloseIfOpen(&r.relay_parent_fd);
  CloseIfOpen(&r.relay_child_fd);
  r.outcome = SwapOutcome::kFailed;
  r.message = message;
  return r;
}

// Where the parent keeps its end, and how that fd is flagged.
struct ParentEnd {
  int fd = -1;
  uint64_t inode = 0;
  int fdinfo_flags = 0;
  uint64_t child_inode = 0;  // its peer: the child's end
};

absl::StatusOr<ParentEnd> FindParentEnd(pid_t tgid, pid_t child, int child_fd) {
  absl::StatusOr<uint64_t> child_inode = SocketInode(child, child_fd);
  if (!child_inode.ok()) return child_inode.status();
  absl::StatusOr<UnixSocketInfo> info = QueryUnixSocket(*child_inode);
  if (!info.ok()) return info.status();
  if (info->type != SOCK_SEQPACKET) {
    return absl::FailedPreconditionError(
        absl::StrCat("the child's fd ", child_fd, " is not a SOCK_SEQPACKET socket"));
  }
  if (info->peer_inode == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("the child's fd ", child_fd, " is not connected to anything"));
  }
  absl::StatusOr<std::vector<int>> fds = FdsOfSocket(tgid, info->peer_inode);
  if (!fds.ok()) return fds.status();
  if (fds->size() != 1) {
    return absl::FailedPreconditionError(
        absl::StrCat("the parent holds its end (socket inode ", info->peer_inode, ") in ",
                     fds->size(), " fds, expected exactly 1"));
  }
  ParentEnd end;
  end.fd = fds->front();
  end.inode = info->peer_inode;
  end.child_inode = *child_inode;
  absl::StatusOr<int> flags = FdInfoFlags(tgid, end.fd);
  if (!flags.ok()) return flags.status();
  end.fdinfo_flags = *flags;
  if ((end.fdinfo_flags & O_NONBLOCK) && EpollWatchesInode(tgid, end.inode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("the parent's fd ", end.fd, " is watched by epoll; swapping it would "
                     "break the parent's poller"));
  }
  return end;
}

// A copy of `fd` of process `pid`, checked to be socket `inode`.
absl::StatusOr<int> StealFd(pid_t pid, int fd, uint64_t inode) {
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    return absl::UnavailableError(absl::StrCat("pidfd_open(", pid, "): ", std::strerror(errno)));
  }
  int copy = static_cast<int>(syscall(SYS_pidfd_getfd, pidfd, fd, 0));
  int err = errno;
  close(pidfd);
  if (copy < 0) {
    return absl::UnavailableError(
        absl::StrCat("pidfd_getfd of the parent's fd ", fd, ": ", std::strerror(err)));
  }
  struct stat st {};
  if (fstat(copy, &st) != 0 || st.st_ino != inode) {
    close(copy);
    return absl::AbortedError(absl::StrCat("the parent's fd ", fd, " changed while we looked"));
  }
  return copy;
}

// Injects into the stopped thread: the parent's fd `target_fd` becomes a
// duplicate of synctrace's fd `ours` (with O_CLOEXEC when `cloexec`).
absl::Status InstallInParent(RemoteSyscaller& remote, int ours, int target_fd, bool cloexec,
                             SwapFault fault) {
  absl::StatusOr<long> pidfd =
      remote.Call("pidfd_open(synctrace)", SYS_pidfd_open, {static_cast<uint64_t>(getpid()), 0});
  if (!pidfd.ok()) return pidfd.status();
  uint64_t source = fault == SwapFault::kInject ? static_cast<uint64_t>(-1)
                                                 : static_cast<uint64_t>(ours);
  absl::StatusOr<long> copy =
      remote.Call("pidfd_getfd(synctrace's socket)", SYS_pidfd_getfd,
                  {static_cast<uint64_t>(*pidfd), source, 0});
  absl::Status result = copy.status();
  if (copy.ok()) {
    absl::StatusOr<long> dup = remote.Call(
        "dup3", SYS_dup3,
        {static_cast<uint64_t>(*copy), static_cast<uint64_t>(target_fd),
         cloexec ? static_cast<uint64_t>(O_CLOEXEC) : 0});
    result = dup.status();
    (void)remote.Call("close", SYS_close, {static_cast<uint64_t>(*copy)});
  }
  if (!remote.death_status()) (void)remote.Call("close", SYS_close, {static_cast<uint64_t>(*pidfd)});
  return result;
}

}  // namespace

SwapFault SwapFaultFromEnvironment() {
  const char* value = std::getenv("SYNCTRACE_FAULT");
  if (value == nullptr) return SwapFault::kNone;
  if (std::strcmp(value, "swap-find") == 0) return SwapFault::kFind;
  if (std::strcmp(value, "swap-inject") == 0) return SwapFault::kInject;
  return SwapFault::kNone;
}

SwapResult SwapSyncSocket(pid_t tid, pid_t tgid, pid_t child, SwapFault fault) {
  SwapResult r;
  std::string who = absl::StrCat("runc init pid ", child, " of pid ", tgid);
  absl::StatusOr<ProcEnviron> environ = ReadSettledEnviron(child, 1000);
  if (!environ.ok()) {
    return Failed(std::move(r), absl::StrCat("not tracing child ", child, " of pid ", tgid, ": ",
                                             environ.status().message()));
  }
  r.child_environ = *environ;
  std::optional<std::string> sync_pipe = environ->Get(kSyncPipeVar);
  if (!sync_pipe) {
    if (environ->Get(kInitPipeVar)) {
      r.outcome = SwapOutcome::kOldRunc;
      r.message = absl::StrCat(
          "not tracing ", who, ": it has _LIBCONTAINER_INITPIPE but no _LIBCONTAINER_SYNCPIPE, "
          "so this runc is older than 1.2 and sends its sync messages over the init pipe, "
          "which synctrace does not relay");
      return r;
    }
    r.outcome = SwapOutcome::kNotRuncInit;
    return r;
  }
  if (!absl::SimpleAtoi(*sync_pipe, &r.child_fd_number) || r.child_fd_number < 0) {
    return Failed(std::move(r), absl::StrCat("not tracing ", who, ": bad _LIBCONTAINER_SYNCPIPE=",
                                             *sync_pipe));
  }
  absl::StatusOr<ParentEnd> end = FindParentEnd(tgid, child, r.child_fd_number);
  if (end.ok() && fault == SwapFault::kFind) {
    end = absl::InternalError("fault injected by SYNCTRACE_FAULT=swap-find");
  }
  if (!end.ok()) {
    return Failed(std::move(r), absl::StrCat("not tracing ", who,
                                             ": finding the parent's end: ", end.status().message()));
  }
  r.parent_fd_number = end->fd;
  r.child_end_inode = end->child_inode;

  absl::StatusOr<int> stolen = StealFd(tgid, end->fd, end->inode);
  if (!stolen.ok()) {
    return Failed(std::move(r), absl::StrCat("not tracing ", who, ": ", stolen.status().message()));
  }
  r.relay_child_fd = *stolen;

  int pair[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
    return Failed(std::move(r), absl::StrCat("not tracing ", who, ": socketpair: ",
                                             std::strerror(errno)));
  }
  r.relay_parent_fd = pair[0];
  int for_parent = pair[1];
  if (end->fdinfo_flags & O_NONBLOCK) fcntl(for_parent, F_SETFL, O_NONBLOCK);
  struct stat installed {};
  fstat(for_parent, &installed);

  // Let the parent take our fd even under Yama's ptrace_scope=1.
  prctl(PR_SET_PTRACER, tgid, 0, 0, 0);
  RemoteSyscaller remote(tid, tgid);
  absl::Status injected = remote.Begin();
  if (injected.ok()) {
    injected = InstallInParent(remote, for_parent, end->fd, (end->fdinfo_flags & O_CLOEXEC) != 0,
                               fault);
  }
  absl::Status restored = remote.Finish();
  prctl(PR_SET_PTRACER, 0, 0, 0, 0);
  close(for_parent);
  r.death_status = remote.death_status();
  if (!injected.ok() || !restored.ok()) {
    absl::Status why = injected.ok() ? restored : injected;
    return Failed(std::move(r), absl::StrCat("not tracing ", who, ": installing the relay's "
                                             "socket in the parent: ", why.message()));
  }
  absl::StatusOr<uint64_t> now = SocketInode(tgid, end->fd);
  if (!now.ok() || *now != installed.st_ino) {
    return Failed(std::move(r), absl::StrCat("not tracing ", who, ": the parent's fd ", end->fd,
                                             " does not hold the relay's socket after the swap"));
  }
  r.outcome = SwapOutcome::kSwapped;
  return r;
}

}  // namespace synctrace
