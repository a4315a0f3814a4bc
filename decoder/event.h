// File: decoder/event.h
//
// The trace event: what the tracer publishes and every output (text log, JSON
// log, TUI) consumes. One event per decoded message, plus session start/end,
// notes (errors, interposition results) and "events dropped" reports.
//
// Example:
//   TraceEvent e;  e.kind = EventKind::kMessage;  e.session = 1;
//   e.direction = Direction::kChildToParent;  e.message = decoded;
#ifndef SYNCTRACE_DECODER_EVENT_H_
#define SYNCTRACE_DECODER_EVENT_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "decoder/sync_message.h"

namespace synctrace {

enum class Direction : uint8_t { kChildToParent, kParentToChild };

// "child->parent" or "parent->child".
std::string_view DirectionName(Direction direction);
// The side that sent in this direction.
inline Sender SenderOf(Direction d) {
  return d == Direction::kChildToParent ? Sender::kChild : Sender::kParent;
}

enum class EventKind : uint8_t {
  kMessage,        // a decoded message (or raw packet)
  kSessionStart,   // a parent/child conversation begins
  kSessionEnd,     // both directions done
  kNote,           // anything else worth a line: errors, interposition, EOFs
  kEventsDropped,  // an observer fell behind: `dropped` events it never saw
};

// What is known about one conversation (runc parent <-> runc init).
struct SessionInfo {
  pid_t parent_pid = 0;       // 0 when unknown
  pid_t child_pid = 0;
  std::string command_line;   // the runc command line, when known
  std::string container_id;   // when on the command line
  std::string init_type;      // _LIBCONTAINER_INITTYPE: "standard" or "setns"
};

struct TraceEvent {
  uint64_t seq = 0;           // 1, 2, ... across the whole trace
  int64_t mono_ns = 0;        // CLOCK_MONOTONIC when the (first) packet arrived
  absl::Time wall;            // wall clock at the same moment
  int session = 0;            // 1 for "s1"
  EventKind kind = EventKind::kMessage;
  Direction direction = Direction::kChildToParent;
  SyncMessage message;        // kMessage; for other kinds only `anomalies` is used
  // Request/reply pairing (filled by RequestPairer):
  uint64_t pair_seq = 0;      // a reply: its request's seq; a request: its reply's (0: none)
  int64_t latency_ns = -1;    // a reply: time since its request
  std::string text;           // kSessionStart/kSessionEnd/kNote: what happened
  SessionInfo session_info;   // kSessionStart/kSessionEnd
  uint64_t dropped = 0;       // kEventsDropped

  const std::vector<Anomaly>& anomalies() const { return message.anomalies; }
};

// "s1", "s2", ...
std::string SessionName(int session);

// Nanoseconds as seconds with 6 decimals ("0.004211", "-0.000001"), truncated
// to the microsecond: the time column of both log formats.
std::string FormatSeconds(int64_t ns);

}  // namespace synctrace

#endif  // SYNCTRACE_DECODER_EVENT_H_
