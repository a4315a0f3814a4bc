// File: ui/row_format.h
//
// Turns stored events into the text a person reads in the TUI's list: one row
// per event (time, delta, session, direction arrow, type, latency for replies,
// flags, arg summary, file), plus the small formatting helpers the detail pane
// and status bar share (durations, byte counts, hex dump).
//
// Rows are plain ASCII apart from the direction arrows (when `unicode`), so
// they can be cut to any width.
//
// Example:
//   RowFormatter f(start_ns, /*unicode=*/true);
//   f.Row(record, event, prev_mono_ns)
//   // "  0.004211  +120us s1 C→P   procMountPlease  {"source":"/var/lib/data",...}"
#ifndef SYNCTRACE_UI_ROW_FORMAT_H_
#define SYNCTRACE_UI_ROW_FORMAT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "decoder/absl_compat.h"  // Av(): std::string_view -> absl::string_view for absl::StrCat
#include "decoder/event.h"
#include "ui/event_store.h"

namespace synctrace {

// "850ns", "12.3us", "1.23ms", "2.345s", "3m04s".
std::string FormatDuration(int64_t ns);
// "512 B", "3.2 KiB", "12.0 MiB".
std::string FormatBytes(uint64_t bytes);
// Replaces control and non-ASCII bytes with '.' (keeps the width = byte count).
std::string Printable(std::string_view s);
// "C→P" / "C←P" (or "C->P" / "C<-P" without unicode).
std::string_view DirectionArrow(Direction direction, bool unicode);
// Classic hex dump lines: "0000  7b 22 74 ...  {"t..."
std::vector<std::string> HexDumpLines(std::string_view data);

class RowFormatter {
 public:
  RowFormatter(int64_t start_mono_ns, bool unicode)
      : start_mono_ns_(start_mono_ns), unicode_(unicode) {}

  // prev_mono_ns: the previous row's time (for the delta), or -1.
  std::string Row(const StoreRecord& record, const TraceEvent& event, int64_t prev_mono_ns) const;
  // Seconds since the trace start, 6 decimals.
  std::string Time(int64_t mono_ns) const;
  int64_t start_mono_ns() const { return start_mono_ns_; }
  bool unicode() const { return unicode_; }

 private:
  int64_t start_mono_ns_;
  bool unicode_;
};

}  // namespace synctrace

#endif  // SYNCTRACE_UI_ROW_FORMAT_H_
