// File: tracer/trace.h
//
// The event pipeline between the relays (producers) and the sinks (text log,
// JSON log, TUI). Relays hand over raw packets, already forwarded and with
// their fds described; a dispatcher thread decodes them (one PacketDecoder per
// session and direction), pairs requests with replies (RequestPairer), numbers
// the events, and calls every sink in order.
//
// The hand-over never blocks: the queue between relays and the dispatcher is
// bounded; when it is full the packet's event is dropped, counted, and reported
// to the sinks as one EventKind::kEventsDropped event once the queue drains.
//
// Example:
//   int64_t start = MonotonicNowNs();
//   Trace trace({&text_sink, &json_sink}, start);
//   int s = trace.StartSession(info);                  // "s1"
//   trace.OnPacket(s, Direction::kChildToParent, std::move(packet), mono_ns);
//   trace.EndSession(s, "both directions closed");
//   trace.Close();                                     // drain, then sinks' Close()
#ifndef SYNCTRACE_TRACER_TRACE_H_
#define SYNCTRACE_TRACER_TRACE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "decoder/event.h"
#include "decoder/event_sink.h"
#include "decoder/wire_packet.h"

namespace synctrace {

// CLOCK_MONOTONIC now, in nanoseconds.
int64_t MonotonicNowNs();

class Trace {
 public:
  // Sinks must outlive the Trace. start_mono_ns is time zero (the same value
  // given to OpenOutputs). queue_capacity bounds undelivered items.
  Trace(std::vector<EventSink*> sinks, int64_t start_mono_ns, size_t queue_capacity = 1 << 14);
  ~Trace();  // Close()s if not yet closed.
  Trace(const Trace&) = delete;
  Trace& operator=(const Trace&) = delete;

  // Time zero of the trace (all "seconds since start" count from here).
  int64_t start_mono_ns() const { return start_mono_ns_; }

  // Thread-safe, never blocks. Returns the new session's number (1, 2, ...).
  int StartSession(SessionInfo info);
  // A packet that crossed in `direction`, forwarded already.
  void OnPacket(int session, Direction direction, WirePacket packet, int64_t mono_ns);
  // A line worth showing (an error, an EOF, an interposition result). session 0: global.
  void Note(int session, std::string text, std::vector<Anomaly> anomalies = {});
  // The session is over: flushes decoders (a missing fd packet), reports
  // unanswered requests, publishes kSessionEnd with `why`.
  void EndSession(int session, std::string why);

  // Drains the queue, then calls Close() on each sink. Idempotent.
  void Close();

  // Events dropped so far because the dispatcher fell behind.
  uint64_t dropped() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int64_t start_mono_ns_;
};

}  // namespace synctrace

#endif  // SYNCTRACE_TRACER_TRACE_H_
