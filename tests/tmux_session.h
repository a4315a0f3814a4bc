// File: tests/tmux_session.h
//
// A real terminal for end-to-end TUI tests: runs a command in a detached tmux
// session of a fixed size (its own tmux server, socket under TEST_TMPDIR),
// sends keys, and reads the screen the way a person sees it (capture-pane).
// Waiting is by polling the screen with a generous deadline, never by sleeping
// a fixed time.
//
// Example:
//   TmuxSession tmux("tui");
//   ASSERT_TRUE(tmux.Start("./synctrace replay log.jsonl", 120, 40));
//   ASSERT_TRUE(tmux.WaitFor("procMountPlease"));
//   tmux.SendKeys({"/", "type:procRun", "Enter"});
//   std::string screen = tmux.Screen();
#ifndef SYNCTRACE_TESTS_TMUX_SESSION_H_
#define SYNCTRACE_TESTS_TMUX_SESSION_H_

#include <functional>
#include <string>
#include <vector>

namespace synctrace {

class TmuxSession {
 public:
  explicit TmuxSession(std::string name);
  ~TmuxSession();  // kills the session and its server

  // Runs `command` (through sh) in a width x height terminal, TERM=xterm-256color,
  // a UTF-8 locale. Extra environment as "NAME=value" entries.
  bool Start(const std::string& command, int width, int height,
             const std::vector<std::string>& env = {});
  // tmux key names ("Enter", "Up", "PageDown", "C-l") or literal text.
  void SendKeys(const std::vector<std::string>& keys);
  void SendText(const std::string& text);  // literally, no key-name lookup
  void Resize(int width, int height);
  std::string Screen();  // the visible screen, one line per row
  // Polls the screen until pred holds or `seconds` pass; returns the last screen in *screen.
  bool WaitUntil(const std::function<bool(const std::string&)>& pred, std::string* screen = nullptr,
                 double seconds = 20);
  bool WaitFor(const std::string& text, std::string* screen = nullptr, double seconds = 20);
  // True once the command has exited (the pane is dead or gone).
  bool Exited();

 private:
  std::string Tmux(const std::string& args);  // runs tmux -S <socket> args, returns stdout

  std::string name_;
  std::string dir_;
  std::string socket_;
};

// Path of a data dependency inside the test's runfiles ("synctrace", "tests/x").
std::string RunfilePath(const std::string& path);
// A fresh path under TEST_TMPDIR.
std::string TempPath(const std::string& name);

// In synctrace's TUI: waits for the live status bar, then sets a breakpoint on
// message type `type` with the `b` key, as a person would. False (the last
// screen in *screen) when a step did not show up.
bool SetTuiBreakpoint(TmuxSession* tmux, const std::string& type, std::string* screen);

}  // namespace synctrace

#endif  // SYNCTRACE_TESTS_TMUX_SESSION_H_
