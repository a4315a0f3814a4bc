// File: ui/status_line.h
//
// The TUI's status bar as text (two lines), built from the store's figures:
//   line 1: title, elapsed time, FOLLOW/SCROLL/PAUSED, sessions with pids and
//           state, message counts by direction, bytes, fds, anomalies, missed
//   line 2: requests waiting for a reply and for how long, counts by type,
//           breakpoints, the filter
// The most important figures come first so an 80-column terminal keeps them.
//
// Example:
//   StatusFigures fig;  fig.title = "live";  fig.now_mono_ns = now;  ...
//   for (std::string& line : StatusLines(reader, fig, COLS)) Draw(line);
#ifndef SYNCTRACE_UI_STATUS_LINE_H_
#define SYNCTRACE_UI_STATUS_LINE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "ui/event_store.h"

namespace synctrace {

struct StatusFigures {
  std::string title;
  int64_t now_mono_ns = 0;    // "now" for ages and elapsed time
  int64_t start_mono_ns = 0;
  bool unicode = false;
  bool following = true;
  bool paused = false;
  uint64_t held_back = 0;     // events that arrived while paused
  std::string filter;
  size_t rows = 0;
  double scan_progress = 1.0;  // < 1 while the filter is still scanning the store
  std::vector<std::string> breakpoints;
  bool break_on_anomaly = false;
};

std::vector<std::string> StatusLines(const EventStore::Reader& reader, const StatusFigures& fig,
                                     int width);

}  // namespace synctrace

#endif  // SYNCTRACE_UI_STATUS_LINE_H_
