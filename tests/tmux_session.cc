// A detached tmux session as a real terminal for tests; see tests/tmux_session.h.
#include "tests/tmux_session.h"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "tests/run_process.h"

namespace synctrace {
namespace {

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace

std::string RunfilePath(const std::string& path) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  if (srcdir) return std::string(srcdir) + "/synctrace/" + path;
  return path;
}

std::string TempPath(const std::string& name) { return testing_util::TempDir() + "/" + name; }

bool SetTuiBreakpoint(TmuxSession* tmux, const std::string& type, std::string* screen) {
  if (!tmux->WaitFor("synctrace live", screen)) return false;
  tmux->SendKeys({"b"});
  if (!tmux->WaitFor("break on type or 'anomaly'", screen)) return false;
  tmux->SendText(type);
  tmux->SendKeys({"Enter"});
  return tmux->WaitFor("breakpoint set on " + type, screen);
}

// The socket lives in a fresh directory under /tmp: TEST_TMPDIR paths can
// exceed a unix socket's 108-byte limit, and pids repeat across sandboxes.
TmuxSession::TmuxSession(std::string name) : name_(std::move(name)) {
  char dir[] = "/tmp/synctrace-tmux-XXXXXX";
  if (mkdtemp(dir) != nullptr) dir_ = dir;
  socket_ = dir_ + "/sock";
}

TmuxSession::~TmuxSession() {
  Tmux("kill-server 2>/dev/null");
  unlink(socket_.c_str());
  unlink((dir_ + "/tmux.conf").c_str());
  rmdir(dir_.c_str());
}

std::string TmuxSession::Tmux(const std::string& args) {
  std::string cmd = "tmux -S " + Quote(socket_) + " " + args;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return "";
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

bool TmuxSession::Start(const std::string& command, int width, int height,
                        const std::vector<std::string>& env) {
  std::string full = "env TERM=tmux-256color LANG=C.UTF-8 LC_ALL=C.UTF-8";
  for (const std::string& e : env) full += " " + Quote(e);
  full += " sh -c " + Quote(command);
  // remain-on-exit from the start (a config file, read when the server starts):
  // a command that ends at once still leaves its pane to read.
  std::string conf = dir_ + "/tmux.conf";
  if (FILE* f = std::fopen(conf.c_str(), "w")) {
    std::fputs("set -g remain-on-exit on\n", f);
    std::fclose(f);
  }
  std::string error = Tmux("-f " + Quote(conf) + " new-session -d -s " + name_ + " -x " +
                           std::to_string(width) + " -y " +
                           std::to_string(height) + " " + Quote(full) + " 2>&1");
  if (!error.empty()) std::fprintf(stderr, "tmux new-session: %s\n", error.c_str());
  return Tmux("has-session -t " + name_ + " 2>/dev/null && echo yes").find("yes") != std::string::npos;
}

void TmuxSession::SendKeys(const std::vector<std::string>& keys) {
  std::string args = "send-keys -t " + name_;
  for (const std::string& k : keys) args += " " + Quote(k);
  Tmux(args);
}

void TmuxSession::SendText(const std::string& text) { Tmux("send-keys -l -t " + name_ + " " + Quote(text)); }

void TmuxSession::Resize(int width, int height) {
  Tmux("resize-window -t " + name_ + " -x " + std::to_string(width) + " -y " +
       std::to_string(height) + " 2>&1");
}

std::string TmuxSession::Screen() { return Tmux("capture-pane -p -t " + name_); }

bool TmuxSession::WaitUntil(const std::function<bool(const std::string&)>& pred,
                            std::string* screen, double seconds) {
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
  std::string s;
  do {
    s = Screen();
    if (pred(s)) {
      if (screen) *screen = s;
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30));  // poll interval, not a sync
  } while (std::chrono::steady_clock::now() < deadline);
  if (screen) *screen = s;
  return false;
}

bool TmuxSession::WaitFor(const std::string& text, std::string* screen, double seconds) {
  return WaitUntil([&](const std::string& s) { return s.find(text) != std::string::npos; }, screen,
                   seconds);
}

bool TmuxSession::Exited() {
  std::string dead = Tmux("display-message -p -t " + name_ + " '#{pane_dead}' 2>/dev/null");
  return dead.empty() || dead[0] == '1';
}

}  // namespace synctrace
