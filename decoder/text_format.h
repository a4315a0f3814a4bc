// File: decoder/text_format.h
//
// The text log format (one line per event, '\n'-terminated):
//   <seconds since trace start, 6 decimals> <session> <direction> <String()>
//   0.004211 s1 child->parent type:procReady
// Every other line starts with '#', so `grep -v '^#'` leaves only messages:
//   # 0.004211 s1 child->parent anomaly invalid-json: packet is not valid JSON (...)
//   # 0.000000 s1 session start: parent pid 100, child pid 101
//   # 0.120000 s1 session end
//   # 0.300000 dropped 12 events: the log fell behind
// Message lines are exactly runc's String() after the prefix; request/reply
// pairing and latency are in the JSON log and the TUI. The one exception keeps
// a message on one line: control characters that a peer put into the type, the
// arg's whitespace or a file name are written as \n, \r, \t or \xNN (the JSON
// log has the exact bytes).
//   # 0.004211 s1 note: the child closed its end
//   # 0.004211 s1 child->parent anomaly unanswered-request: ...  (anomalies of
//     non-message events carry no direction: "# 0.004211 s1 anomaly ...")
#ifndef SYNCTRACE_DECODER_TEXT_FORMAT_H_
#define SYNCTRACE_DECODER_TEXT_FORMAT_H_

#include <cstdint>
#include <string>

#include "decoder/event.h"

namespace synctrace {

class TextFormatter {
 public:
  // start_mono_ns: CLOCK_MONOTONIC of the trace start (time zero).
  explicit TextFormatter(int64_t start_mono_ns) : start_mono_ns_(start_mono_ns) {}

  // Appends all lines for one event to *out: the message line (for kMessage),
  // then one '#' line per anomaly; or the '#' line(s) for other kinds.
  void Append(const TraceEvent& event, std::string* out) const;
  std::string Format(const TraceEvent& event) const;

  // "0.004211": seconds since start, 6 decimals (negative before start).
  std::string Seconds(int64_t mono_ns) const;

 private:
  int64_t start_mono_ns_;
};

}  // namespace synctrace

#endif  // SYNCTRACE_DECODER_TEXT_FORMAT_H_
