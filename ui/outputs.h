// File: ui/outputs.h
//
// Where a tracing subcommand's events go, from its flags:
//   --log FILE   text lines (decoder/text_format.h), file mode 0600, appended
//   --json FILE  JSON Lines (decoder/json_format.h), file mode 0600, appended
//   neither      text to stdout when stdout is not a terminal (flushed per event),
//                the TUI when it is (TERM=dumb or no terminal: text)
// Both files may be given at once. Opening happens before any traffic is
// touched, so an unwritable path is a one-line error and a non-zero exit.
//
// Example:
//   absl::StatusOr<Outputs> out = OpenOutputs(options, trace_start_ns);
//   if (!out.ok()) return UsageError(out.status().message());
//   Trace trace(out->sinks());
#ifndef SYNCTRACE_UI_OUTPUTS_H_
#define SYNCTRACE_UI_OUTPUTS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "decoder/event_sink.h"

namespace synctrace {

struct OutputOptions {
  std::string log_path;        // --log
  std::string json_path;       // --json
  bool allow_tui = true;       // false: never the TUI (e.g. the runtime wrapper)
};

class Tui;

class Outputs {
 public:
  std::vector<EventSink*> sinks() const;
  // The TUI among the sinks, or nullptr (see ui/tui.h for how to run it).
  Tui* tui() const { return tui_; }

 private:
  friend absl::StatusOr<Outputs> OpenOutputs(const OutputOptions&, int64_t);
  std::vector<std::unique_ptr<EventSink>> owned_;
  Tui* tui_ = nullptr;
};

absl::StatusOr<Outputs> OpenOutputs(const OutputOptions& options, int64_t start_mono_ns);

}  // namespace synctrace

#endif  // SYNCTRACE_UI_OUTPUTS_H_
