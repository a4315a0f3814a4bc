// File: decoder/event_sink.h
//
// An observer of trace events (mitmproxy's addon idea): the text log, the JSON
// log and the TUI each implement it. The tracer calls Consume() from its
// dispatcher thread, never from the forwarding path, so a slow sink delays only
// itself; if the dispatcher falls behind, the tracer drops events and reports
// the count with an EventKind::kEventsDropped event.
#ifndef SYNCTRACE_DECODER_EVENT_SINK_H_
#define SYNCTRACE_DECODER_EVENT_SINK_H_

#include "decoder/event.h"

namespace synctrace {

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void Consume(const TraceEvent& event) = 0;
  // The end of a batch of events (the tracer calls it at most ~1 ms after the
  // last Consume while traffic flows): a sink that buffers writes out here.
  virtual void Flush() {}
  // The trace is over (all sessions ended); flush what is buffered.
  virtual void Close() {}
};

}  // namespace synctrace

#endif  // SYNCTRACE_DECODER_EVENT_SINK_H_
