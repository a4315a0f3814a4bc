// File: ui/breakpoints.h
//
// TUI breakpoints: a ForwardGate (tracer/relay.h) that holds a packet the user
// asked to stop at, before the relay forwards it. Off by default: with no
// breakpoint set and no step pending, BeforeForward returns at once (one atomic
// load), so nothing is ever held and forwarding is never slowed.
//
// A breakpoint is a message type ("procHooks") or "any anomaly" (one that can
// be seen before forwarding: in the packet itself -- invalid JSON, unknown
// type, stray fds, ... -- or a type sent by the side that never sends it).
// Continue() forwards what is held and goes on; Step() forwards the oldest held
// packet and holds the next message to arrive too. The fd packet that follows a
// flags:0b1 message (fds, data not JSON) is never held on its own: it belongs
// to the message before it.
// Shutdown() releases everything and disarms the gate for good (quitting).
//
// Example:
//   BreakpointGate gate;
//   gate.ToggleType("procHooks");
//   Relay relay(p, c, s, &trace, &gate);     // relay thread blocks on procHooks
//   gate.held()  -> {{s1, child->parent, "procHooks"}}
//   gate.Step();                             // forwards it, holds the next one
#ifndef SYNCTRACE_UI_BREAKPOINTS_H_
#define SYNCTRACE_UI_BREAKPOINTS_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "decoder/packet_decoder.h"
#include "tracer/relay.h"

namespace synctrace {

class BreakpointGate : public ForwardGate {
 public:
  struct Held {
    uint64_t id;
    int session;
    Direction direction;
    std::string what;  // the type, "(not JSON)", ...
    std::string why;   // "breakpoint on procHooks", "stepping", "anomaly: invalid-json"
  };

  BreakpointGate();
  ~BreakpointGate() override;

  // Adds the type, or removes it when set. Returns true when now set.
  bool ToggleType(const std::string& type);
  void SetOnAnomaly(bool on);
  void ClearAll();  // removes every breakpoint (held packets stay held)
  std::vector<std::string> types() const;
  bool on_anomaly() const;
  bool armed() const { return armed_.load(std::memory_order_acquire); }

  // Relay threads.
  void BeforeForward(int session, Direction direction, const WirePacket& packet) override;

  std::vector<Held> held() const;
  // Changes whenever something is held or released (for redrawing).
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  void Continue();
  void Step();
  void Shutdown();

 private:
  void UpdateArmedLocked();
  // Why this packet should be held ("" when not).
  std::string HoldReasonLocked(Direction direction, const WirePacket& packet, std::string* what);

  mutable std::mutex mu_;
  std::condition_variable released_;
  std::atomic<bool> armed_{false};
  std::atomic<uint64_t> generation_{0};
  std::set<std::string> types_;
  bool on_anomaly_ = false;
  bool step_pending_ = false;
  bool shut_down_ = false;
  std::deque<Held> held_;
  uint64_t next_id_ = 1;
  std::unique_ptr<JsonPacketParser> parser_;
};

}  // namespace synctrace

#endif  // SYNCTRACE_UI_BREAKPOINTS_H_
