// File: tracer/interpose/seccomp_fd_gate.h
//
// procSeccomp's arg is an fd number inside runc init (the parent fetches it
// with pidfd_getfd; it never rides the socket). This ForwardGate looks at each
// child->parent packet just before the relay forwards it; for a procSeccomp it
// describes that fd from /proc/PID/fd and fdinfo of the process that sent it,
// while it still holds it, and publishes one note in the session, e.g.
//   "procSeccomp: fd 7 in runc init pid 1234 is fd 7: seccomp notify ..."
// That process is not the one runc vforked: runc init's C constructor (nsexec)
// clones twice with CLONE_PARENT, and the Go part runs in the last clone
// (`runc:[2:INIT]`), a child of the runc parent, with the sync socket
// inherited at the same fd number. So the sender is the newest of the vforked
// child and the runc parent's children that holds the child's end there.
// Any inner gate (the TUI's breakpoints) is consulted first.
//
// Example:
//   SeccompFdGate gate(&trace, {parent_tgid, child_pid, sync_fd, child_end_inode},
//                      tui ? tui->gate() : nullptr);
//   Relay relay(parent_fd, child_fd, session, &trace, &gate);
#ifndef SYNCTRACE_TRACER_INTERPOSE_SECCOMP_FD_GATE_H_
#define SYNCTRACE_TRACER_INTERPOSE_SECCOMP_FD_GATE_H_

#include <sys/types.h>

#include <cstdint>

#include "decoder/packet_decoder.h"
#include "tracer/relay.h"
#include "tracer/trace.h"

namespace synctrace {

// Where runc init's end of the sync socket is: who may hold it, at which fd.
struct RuncInitEnd {
  pid_t parent_tgid = 0;  // the runc parent (its children are candidates)
  pid_t child_pid = 0;    // the process it vforked (stage 0)
  int sync_fd = -1;       // _LIBCONTAINER_SYNCPIPE
  uint64_t inode = 0;     // the child's end of the socket
};

class SeccompFdGate : public ForwardGate {
 public:
  SeccompFdGate(Trace* trace, RuncInitEnd init, ForwardGate* inner = nullptr)
      : trace_(trace), init_(init), inner_(inner) {}

  void BeforeForward(int session, Direction direction, const WirePacket& packet) override;

 private:
  // The process now holding runc init's end (the vforked child if none is found).
  pid_t Sender() const;

  Trace* trace_;
  RuncInitEnd init_;
  ForwardGate* inner_;
  JsonPacketParser parser_;  // one relay thread calls us
};

}  // namespace synctrace

#endif  // SYNCTRACE_TRACER_INTERPOSE_SECCOMP_FD_GATE_H_
