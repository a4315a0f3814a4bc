// File: tracer/interpose/sync_socket_swap.h
//
// The swap: puts synctrace between a runc parent and the `runc init` it just
// started. Called while the parent's forking thread is stopped at the exit of
// its vfork (so the child has exec'd and waits for bootstrap data the parent
// has not sent yet). It
//   1. reads _LIBCONTAINER_SYNCPIPE=N from /proc/CHILD/environ (absent: not a
//      runc init; _LIBCONTAINER_INITPIPE without it: a runc older than 1.2),
//   2. finds the parent's own end: the socket in the parent's fd table whose
//      peer (sock_diag UNIX_DIAG_PEER) is the child's fd N (never by fd number),
//   3. takes a copy of that end with pidfd_getfd (it stays connected to the
//      child, with anything the child already queued),
//   4. injects pidfd_open(synctrace) + pidfd_getfd + dup3 + close into the
//      stopped thread, so the parent's fd number now holds a fresh socket whose
//      peer is synctrace (same close-on-exec flag, same O_NONBLOCK), and
//      restores every register.
// On any failure the parent is left exactly as it was (temporaries closed in
// both processes) and the result says, in one line, what failed.
//
// Example:
//   SwapResult r = SwapSyncSocket(tid, tgid, child_pid, SwapFault::kNone);
//   if (r.outcome == SwapOutcome::kSwapped)
//     Relay(r.relay_parent_fd, r.relay_child_fd, session, &trace).Run();
#ifndef SYNCTRACE_TRACER_INTERPOSE_SYNC_SOCKET_SWAP_H_
#define SYNCTRACE_TRACER_INTERPOSE_SYNC_SOCKET_SWAP_H_

#include <sys/types.h>

#include <optional>
#include <string>

#include "tracer/interpose/proc_files.h"

namespace synctrace {

// Deliberate failures for tests (SYNCTRACE_FAULT=swap-find|swap-inject).
enum class SwapFault {
  kNone,
  kFind,    // fail after reading the child, before touching anything
  kInject,  // the injected pidfd_getfd gets a bad fd: fails inside the parent
};
// Reads SYNCTRACE_FAULT from the environment.
SwapFault SwapFaultFromEnvironment();

enum class SwapOutcome {
  kSwapped,      // relay_parent_fd / relay_child_fd are ready for a Relay
  kNotRuncInit,  // no _LIBCONTAINER_SYNCPIPE and no _LIBCONTAINER_INITPIPE
  kOldRunc,      // _LIBCONTAINER_INITPIPE but no _LIBCONTAINER_SYNCPIPE (runc < 1.2)
  kFailed,       // message says why; the parent was left as it was
};

struct SwapResult {
  SwapOutcome outcome = SwapOutcome::kFailed;
  std::string message;          // one line for kOldRunc / kFailed
  int relay_parent_fd = -1;     // synctrace's end, peer of the parent's new fd
  int relay_child_fd = -1;      // the parent's original end (stolen), peer of the child
  int parent_fd_number = -1;    // the fd number swapped in the parent
  int child_fd_number = -1;     // _LIBCONTAINER_SYNCPIPE
  uint64_t child_end_inode = 0;  // the child's end: whoever holds it talks as runc init
  ProcEnviron child_environ;
  std::optional<int> death_status;  // the thread died meanwhile (reaped: its wait status)
};

// tid: the parent thread stopped at its vfork's syscall-exit-stop; tgid: its
// process; child: the vforked child (already exec'd, untraced).
SwapResult SwapSyncSocket(pid_t tid, pid_t tgid, pid_t child, SwapFault fault);

}  // namespace synctrace

#endif  // SYNCTRACE_TRACER_INTERPOSE_SYNC_SOCKET_SWAP_H_
