// File: tracer/relay.h
//
// The relay: one session's forwarding loop between the parent's end and the
// child's end of a sync socket (both SOCK_SEQPACKET). Each packet is sized with
// MSG_PEEK|MSG_TRUNC, read whole with its SCM_RIGHTS fds (MSG_CMSG_CLOEXEC),
// written to the other side as one packet with the same bytes and the same fds,
// then its fds are described and it is handed to the Trace, and then
// synctrace's fd copies are closed. (Send and hand-over happen under one
// per-session lock, so a reply never reaches the Trace before its request,
// though the two directions are forwarded by two threads.) A half-close (shutdown SHUT_WR) or close on one
// side is passed on to the other; the session ends when both directions are done.
// Each direction runs on its own thread with blocking I/O (a peer that never
// reads stalls only the direction towards it); Run()'s thread watches for a
// peer that is gone and for Stop(). See relay.cc for the shutdown rules.
//
// Zero-length packets: runc's reader takes a 0-byte packet for EOF. The relay
// forwards a 0-byte packet as a 0-byte packet (so the receiver sees exactly what
// it would have), and treats a 0 read with the peer shut down (POLLRDHUP) as EOF.
//
// Example:
//   Relay relay(parent_fd, child_fd, session, &trace);  // takes ownership of both fds
//   RelayResult r = relay.Run();                        // returns when the session is over
#ifndef SYNCTRACE_TRACER_RELAY_H_
#define SYNCTRACE_TRACER_RELAY_H_

#include <atomic>
#include <cstdint>
#include <string>

#include "decoder/event.h"
#include "decoder/wire_packet.h"
#include "tracer/trace.h"

namespace synctrace {

// Optional hook consulted before each packet is forwarded (TUI breakpoints).
// Without a gate nothing is ever held. BeforeForward may block; the relay then
// holds that packet (and everything behind it in that direction).
class ForwardGate {
 public:
  virtual ~ForwardGate() = default;
  virtual void BeforeForward(int session, Direction direction, const WirePacket& packet) = 0;
};

struct RelayResult {
  uint64_t packets[2] = {0, 0};  // indexed by Direction
  uint64_t bytes[2] = {0, 0};
  uint64_t fds[2] = {0, 0};
  std::string end_reason;        // "both sides closed", "child died", ...
  bool ok = true;                // false: a forwarding error ended the session
};

class Relay {
 public:
  // Takes ownership of parent_fd and child_fd (closes them when done).
  Relay(int parent_fd, int child_fd, int session, Trace* trace, ForwardGate* gate = nullptr);
  ~Relay();
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  // Forwards until both directions are done; calls trace->EndSession().
  RelayResult Run();

  // From another thread: stop forwarding, close both ends (synctrace quitting).
  void Stop();

 private:
  int parent_fd_;
  int child_fd_;
  int session_;
  Trace* trace_;
  ForwardGate* gate_;
  int wake_fd_;  // eventfd: Stop() and finished directions wake Run()
  std::atomic<bool> stop_requested_{false};
};

}  // namespace synctrace

#endif  // SYNCTRACE_TRACER_RELAY_H_
