// File: ui/log_sinks.h
//
// The two log outputs, EventSinks that write every event to an fd as soon as
// it comes (one write per event, so `| grep` and `| tee` see it live):
//   TextLogSink  plain text lines (decoder/text_format.h)   --log, or stdout
//   JsonLogSink  JSON Lines (decoder/json_format.h)         --json
// A failed write is reported once on stderr and the sink then drops its output
// (ui/log_writer.h); the relay never notices.
//
// Example:
//   TextLogSink text(fd, /*owns_fd=*/true, "the text log run.log", start_mono_ns);
//   JsonLogSink json(STDOUT_FILENO, /*owns_fd=*/false, "the JSON log on stdout", start_mono_ns);
//   Trace trace({&text, &json}, start_mono_ns);
#ifndef SYNCTRACE_UI_LOG_SINKS_H_
#define SYNCTRACE_UI_LOG_SINKS_H_

#include <cstdint>
#include <string>
#include <utility>

#include "decoder/event_sink.h"
#include "decoder/json_format.h"
#include "decoder/text_format.h"
#include "ui/log_writer.h"

namespace synctrace {

// A sink formatting events with `Formatter` (TextFormatter or JsonFormatter).
template <typename Formatter>
class FormattedLogSink : public EventSink {
 public:
  FormattedLogSink(int fd, bool owns_fd, std::string what, int64_t start_mono_ns)
      : writer_(fd, owns_fd, std::move(what)), formatter_(start_mono_ns) {}

  void Consume(const TraceEvent& event) override {
    if (writer_.failed()) return;
    line_.clear();
    formatter_.Append(event, &line_);
    writer_.Write(line_);
  }
  bool failed() const { return writer_.failed(); }

 private:
  LogWriter writer_;
  Formatter formatter_;
  std::string line_;  // reused: no allocation per event once grown
};

using TextLogSink = FormattedLogSink<TextFormatter>;
using JsonLogSink = FormattedLogSink<JsonFormatter>;

}  // namespace synctrace

#endif  // SYNCTRACE_UI_LOG_SINKS_H_
