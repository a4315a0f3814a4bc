// File: tracer/interpose/seccomp_fd_gate.h
//
// procSeccomp's arg is an fd number inside runc init (the parent fetches it
// with pidfd_getfd; it never rides the socket). This ForwardGate looks at each
// child->parent packet just before the relay forwards it; for a procSeccomp it
// describes that fd from the child's /proc/PID/fd and fdinfo while the child
// still holds it, and publishes one note in the session, e.g.
//   "procSeccomp: fd 7 in runc init pid 1234 is fd 7: seccomp notify ..."
// Any inner gate (the TUI's breakpoints) is consulted first.
//
// Example:
//   SeccompFdGate gate(&trace, child_pid, tui ? tui->gate() : nullptr);
//   Relay relay(parent_fd, child_fd, session, &trace, &gate);
#ifndef SYNCTRACE_TRACER_INTERPOSE_SECCOMP_FD_GATE_H_
#define SYNCTRACE_TRACER_INTERPOSE_SECCOMP_FD_GATE_H_

#include <sys/types.h>

#include "decoder/packet_decoder.h"
#include "tracer/relay.h"
#include "tracer/trace.h"

namespace synctrace {

class SeccompFdGate : public ForwardGate {
 public:
  SeccompFdGate(Trace* trace, pid_t child_pid, ForwardGate* inner = nullptr)
      : trace_(trace), child_pid_(child_pid), inner_(inner) {}

  void BeforeForward(int session, Direction direction, const WirePacket& packet) override;

 private:
  Trace* trace_;
  pid_t child_pid_;
  ForwardGate* inner_;
  JsonPacketParser parser_;  // one relay thread calls us
};

}  // namespace synctrace

#endif  // SYNCTRACE_TRACER_INTERPOSE_SECCOMP_FD_GATE_H_
