// File: decoder/json_format.h
//
// The JSON Lines log format: one object per event, lossless, so a log can be
// replayed exactly (`synctrace replay`). A message looks like:
//   {"seq":3,"mono_ns":4211000,"t":0.004211,"time":"2026-11-30T02:23:17.123456Z",
//    "session":"s1","kind":"message","dir":"child->parent","type":"procMountPlease",
//    "flags":0,"arg":{...embedded as-is when valid JSON...},
//    "string":"type:procMountPlease arg:{...}",
//    "file":{"name":"/data","fd":9,"kind":"detached mount (open_tree)","path":"/data",
//            "dev":2049,"ino":1234,"open_flags":2097152},
//    "raw":"<base64 of the JSON packet>","file_raw":"<base64 of the fd packet data>",
//    "pair_seq":2,"latency_ns":120000,
//    "anomalies":[{"code":"invalid-json","text":"..."}]}
// When arg is not strict JSON (Go accepts invalid UTF-8 and lone surrogate
// escapes, strict readers do not) it is written as a string in "arg_raw" instead.
// Other kinds: {"seq":..,"kind":"session-start"|"session-end"|"note"|"events-dropped",
//   "session":"s1","text":"...","parent_pid":..,"child_pid":..,...}
// JsonLogReader (for replay) turns such lines back into events.
#ifndef SYNCTRACE_DECODER_JSON_FORMAT_H_
#define SYNCTRACE_DECODER_JSON_FORMAT_H_

#include <cstdint>
#include <istream>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "decoder/event.h"

namespace synctrace {

class JsonFormatter {
 public:
  explicit JsonFormatter(int64_t start_mono_ns) : start_mono_ns_(start_mono_ns) {}
  // Appends one line (with '\n') to *out.
  void Append(const TraceEvent& event, std::string* out) const;
  std::string Format(const TraceEvent& event) const;

 private:
  int64_t start_mono_ns_;
};

// Parses one JSON Lines line back into an event (for replay). The message is
// re-decoded from "raw"/"file_raw" so replay shows exactly what a live trace did.
absl::StatusOr<TraceEvent> ParseJsonLogLine(std::string_view line);

// Time zero of the trace that wrote a JSON Lines log, read from the start of
// `in` to its end: each line's "mono_ns" minus its "t" (seconds since the
// start, cut to microseconds) bounds it from above; the smallest bound is the
// best. A quick pass over the writer's field order, not a JSON parse. 0 when
// no line has them.
int64_t JsonLogTraceStart(std::istream& in);

// Appends `s` as a JSON string literal (with quotes), escaping as needed;
// invalid UTF-8 bytes become \ufffd.
void AppendJsonString(std::string_view s, std::string* out);

}  // namespace synctrace

#endif  // SYNCTRACE_DECODER_JSON_FORMAT_H_
