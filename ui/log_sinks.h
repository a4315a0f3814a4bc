// File: ui/log_sinks.h
//
// The two log outputs, EventSinks that write events to an fd:
//   TextLogSink  plain text lines (decoder/text_format.h)   --log, or stdout
//   JsonLogSink  JSON Lines (decoder/json_format.h)         --json
// kEachEvent writes every event at once (stdout: `| grep` and `| tee` see each
// line live); kEachBatch gathers a batch's lines and writes them in one go at
// Flush() (the tracer's batches are at most ~1 ms apart), or at 64 KiB.
// A failed write is reported once on stderr and the sink then drops its output
// (ui/log_writer.h); the relay never notices.
//
// Example:
//   TextLogSink text(fd, /*owns_fd=*/true, "the text log run.log", start_mono_ns,
//                    LogFlush::kEachBatch);
//   JsonLogSink json(STDOUT_FILENO, /*owns_fd=*/false, "the JSON log on stdout",
//                    start_mono_ns, LogFlush::kEachEvent);
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

enum class LogFlush { kEachEvent, kEachBatch };

// A sink formatting events with `Formatter` (TextFormatter or JsonFormatter).
template <typename Formatter>
class FormattedLogSink : public EventSink {
 public:
  FormattedLogSink(int fd, bool owns_fd, std::string what, int64_t start_mono_ns,
                   LogFlush flush)
      : writer_(fd, owns_fd, std::move(what)), formatter_(start_mono_ns), flush_(flush) {}
  ~FormattedLogSink() override { Flush(); }

  void Consume(const TraceEvent& event) override {
    if (writer_.failed()) return;
    formatter_.Append(event, &pending_);
    if (flush_ == LogFlush::kEachEvent || pending_.size() >= kMaxPending) Flush();
  }
  void Flush() override {
    if (pending_.empty()) return;
    writer_.Write(pending_);
    pending_.clear();  // keeps its capacity: no allocation per event once grown
  }
  void Close() override { Flush(); }
  bool failed() const { return writer_.failed(); }

 private:
  static constexpr size_t kMaxPending = 64 * 1024;
  LogWriter writer_;
  Formatter formatter_;
  LogFlush flush_;
  std::string pending_;  // formatted, not yet written
};

using TextLogSink = FormattedLogSink<TextFormatter>;
using JsonLogSink = FormattedLogSink<JsonFormatter>;

}  // namespace synctrace

#endif  // SYNCTRACE_UI_LOG_SINKS_H_
