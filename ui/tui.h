// File: ui/tui.h
//
// The live ncursesw TUI: an EventSink that stores events in a compact model and
// draws list, detail and status panels at most ~30 times a second. The
// subcommand that traces runs its relays on other threads and gives the main
// thread to Run(), which reads keys until the user quits (asking first while a
// session is still running) or, when `exit_when_done`, until traffic is over.
//
// Breakpoints: gate() is a ForwardGate the relays consult; it holds a matching
// packet until the user continues. Without a breakpoint it never blocks.
//
// Example:
//   Tui* tui = outputs.tui();          // nullptr when output is not the TUI
//   Relay relay(p, c, s, &trace, tui ? tui->gate() : nullptr);
//   std::thread t([&] { relay.Run(); });
//   tui->Run([&] { return traffic_running.load(); });
#ifndef SYNCTRACE_UI_TUI_H_
#define SYNCTRACE_UI_TUI_H_

#include <functional>
#include <string>

#include "decoder/event_sink.h"

namespace synctrace {

class ForwardGate;

class Tui : public EventSink {
 public:
  // traffic_running: true while any session may still send; returns the exit
  // code (0 when the user quit normally).
  virtual int Run(std::function<bool()> traffic_running) = 0;
  virtual ForwardGate* gate() = 0;
  // A one-line message for the help line, shown until the next key (e.g. what
  // a replay loaded). Thread-safe.
  virtual void SetMessage(const std::string& /*text*/) {}
};

}  // namespace synctrace

#endif  // SYNCTRACE_UI_TUI_H_
