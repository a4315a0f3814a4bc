// File: ui/test_events.h
//
// Synthetic TraceEvents for the TUI's unit tests and benchmark (no decoder or
// relay needed): messages shaped like runc's, with raw bytes, arg position,
// files, anomalies, pairing.
//
// Example:
//   TraceEvent e = TestMessage(1, Direction::kChildToParent, "procReady", "", 1000);
#ifndef SYNCTRACE_UI_TEST_EVENTS_H_
#define SYNCTRACE_UI_TEST_EVENTS_H_

#include <cstdint>
#include <string>

#include "decoder/event.h"
#include "decoder/sync_types.h"

namespace synctrace {

// A message of `type` with `arg` (raw JSON; "" for none), at mono_ns.
inline TraceEvent TestMessage(uint64_t seq, Direction direction, const std::string& type,
                              const std::string& arg, int64_t mono_ns, int session = 1) {
  TraceEvent e;
  e.seq = seq;
  e.mono_ns = mono_ns;
  e.session = session;
  e.kind = EventKind::kMessage;
  e.direction = direction;
  SyncMessage& m = e.message;
  m.type = type;
  const SyncTypeInfo* info = FindSyncType(type);
  m.type_id = info ? info->id : SyncTypeId::kUnknown;
  m.raw = "{\"type\":\"" + type + "\",\"flags\":0";
  if (!arg.empty()) {
    m.raw += ",\"arg\":";
    m.has_arg = true;
    m.arg_offset = static_cast<uint32_t>(m.raw.size());
    m.arg_length = static_cast<uint32_t>(arg.size());
    m.raw += arg;
  }
  m.raw += "}";
  return e;
}

// A mount fd as procMountFd carries it: named `name`, fd 9, an open_tree mount.
inline AttachedFile TestMountFile(const std::string& name) {
  AttachedFile f;
  f.name = name;
  f.fd.fd = 9;
  f.fd.kind = "detached mount (open_tree)";
  f.fd.path = name;
  f.fd.dev = 2049;
  f.fd.ino = 1234;
  f.fd.described = true;
  return f;
}

inline TraceEvent TestSessionEvent(uint64_t seq, EventKind kind, int session, int64_t mono_ns,
                                   pid_t parent, pid_t child, const std::string& text = "") {
  TraceEvent e;
  e.seq = seq;
  e.mono_ns = mono_ns;
  e.session = session;
  e.kind = kind;
  e.text = text;
  e.session_info.parent_pid = parent;
  e.session_info.child_pid = child;
  return e;
}

inline TraceEvent TestDroppedEvent(uint64_t seq, uint64_t dropped) {
  TraceEvent e;
  e.seq = seq;
  e.kind = EventKind::kEventsDropped;
  e.dropped = dropped;
  return e;
}

}  // namespace synctrace

#endif  // SYNCTRACE_UI_TEST_EVENTS_H_
