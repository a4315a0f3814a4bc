// File: ui/curses_tui.h
//
// The ncursesw implementation of Tui (ui/tui.h): status bar, message list,
// detail pane, help line, `?` key list, `/` filter, breakpoints. Events are
// stored in an EventStore (ui/event_store.h) by Consume() on the pipeline
// thread; Run() owns the terminal on the main thread and redraws at most about
// 30 times a second, only when something changed.
//
// Example:
//   TuiOptions options;
//   options.start_mono_ns = start_ns;
//   std::unique_ptr<Tui> tui = MakeTerminalTui(options, &why_not);  // nullptr: use text
//   Relay relay(p, c, s, &trace, tui->gate());
//   return tui->Run([&] { return relay_running.load(); });
#ifndef SYNCTRACE_UI_CURSES_TUI_H_
#define SYNCTRACE_UI_CURSES_TUI_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "ui/tui.h"

namespace synctrace {

struct TuiOptions {
  int64_t start_mono_ns = 0;  // time zero for the time column
  std::string title = "live";  // shown in the status bar ("replay run.jsonl")
  bool live = true;            // false (replay): elapsed time is the log's span
  std::string initial_message;  // shown on the help line until the first key
  size_t max_events = 1000000;  // the store's bound
};

// Whether this process can run the TUI: stdout (and stdin, or /dev/tty) is a
// terminal, TERM is set and not "dumb", and the terminal can be initialised.
// When not, *why says so (for a debug line) and the caller uses text.
bool TerminalUsable(std::string* why);

// The TUI, or nullptr when !TerminalUsable().
std::unique_ptr<Tui> MakeTerminalTui(const TuiOptions& options, std::string* why_not = nullptr);

// For the benchmark (bench/tui_bench.cc): the same TUI on explicit terminal
// streams (e.g. /dev/null with LINES/COLUMNS set), drawing a frame on demand
// instead of running the key loop.
class TuiFrameDrawer {
 public:
  virtual ~TuiFrameDrawer() = default;
  virtual EventSink* sink() = 0;
  // Draws one full frame (list, detail, status) as Run() would.
  virtual void DrawFrame() = 0;
  // As if the user typed `/` text Enter (the next frame applies it).
  virtual void SetFilter(const std::string& text) = 0;
  // True while the filter still scans the store (a bit more each frame).
  virtual bool FilterScanning() const = 0;
};
std::unique_ptr<TuiFrameDrawer> OpenTuiFrameDrawer(const TuiOptions& options, FILE* out, FILE* in);

}  // namespace synctrace

#endif  // SYNCTRACE_UI_CURSES_TUI_H_
