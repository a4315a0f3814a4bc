// tui_log_gen: writes a JSON Lines log (the --json format) of runc-like sync
// conversations through the real Trace pipeline (decoding, pairing), for the
// TUI/replay end-to-end tests and the TUI benchmark.
//
//   tui_log_gen OUT.jsonl [CONVERSATIONS] [--corrupt]
//
// Each conversation: session start; procMountPlease / procMountFd (with the
// mount fd); procSeccomp / procSeccompDone; procHooks / procHooksDone; an
// invalid JSON packet; procReady / procRun; session end. --corrupt replaces
// line 3 with garbage and cuts the last line in half (no newline).
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "decoder/json_format.h"
#include "tracer/trace.h"

namespace synctrace {
namespace {

class StringSink : public EventSink {
 public:
  explicit StringSink(int64_t start) : formatter_(start) {}
  void Consume(const TraceEvent& event) override { formatter_.Append(event, &out_); }
  const std::string& out() const { return out_; }

 private:
  JsonFormatter formatter_;
  std::string out_;
};

WirePacket Json(std::string data) {
  WirePacket p;
  p.data = std::move(data);
  return p;
}

WirePacket FdPacket(const std::string& name, int fd) {
  WirePacket p;
  p.data = name;
  FdDescription d;
  d.fd = fd;
  d.kind = "detached mount (open_tree)";
  d.path = name;
  d.dev = 2049;
  d.ino = 1234;
  d.described = true;
  p.fds.push_back(d);
  return p;
}

void Conversation(Trace* trace, int n, int64_t* t) {
  SessionInfo info;
  info.parent_pid = 4000 + 2 * n;
  info.child_pid = 4001 + 2 * n;
  info.init_type = "standard";
  int s = trace->StartSession(info);
  auto up = [&](WirePacket p) { trace->OnPacket(s, Direction::kChildToParent, std::move(p), *t += 150000); };
  auto down = [&](WirePacket p) { trace->OnPacket(s, Direction::kParentToChild, std::move(p), *t += 120000); };
  up(Json(R"({"type":"procMountPlease","flags":0,"arg":{"source":"/var/lib/data","destination":"/data","device":"bind","flags":20480}})"));
  down(Json(R"({"type":"procMountFd","flags":1,"arg":{"type":"open_tree"}})"));
  down(FdPacket("/var/lib/data", 9));
  up(Json(R"({"type":"procSeccomp","flags":0,"arg":7})"));
  down(Json(R"({"type":"procSeccompDone","flags":0})"));
  up(Json(R"({"type":"procHooks","flags":0})"));
  down(Json(R"({"type":"procHooksDone","flags":0})"));
  up(Json(R"({"type":"procReady","flags":0,"garbage)"));
  up(Json(R"({"type":"procReady","flags":0})"));
  down(Json(R"({"type":"procRun","flags":0})"));
  trace->EndSession(s, "both sides closed");
}

}  // namespace
}  // namespace synctrace

int main(int argc, char** argv) {
  using namespace synctrace;
  if (argc < 2) {
    std::fprintf(stderr, "usage: tui_log_gen OUT.jsonl [CONVERSATIONS] [--corrupt]\n");
    return 2;
  }
  int conversations = 1;
  bool corrupt = false;
  for (int i = 2; i < argc; ++i) {
    if (std::string(argv[i]) == "--corrupt") {
      corrupt = true;
    } else {
      conversations = std::atoi(argv[i]);
    }
  }
  int64_t start = MonotonicNowNs();
  StringSink sink(start);
  {
    Trace trace({&sink}, start, size_t{1} << 22);
    int64_t t = start;
    for (int n = 0; n < conversations; ++n) Conversation(&trace, n, &t);
    trace.Close();
  }
  std::string out = sink.out();
  if (corrupt) {
    std::istringstream in(out);
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    if (lines.size() >= 4) lines[2] = "{\"seq\":3,\"kind\":\"mess";
    out.clear();
    for (size_t i = 0; i + 1 < lines.size(); ++i) out += lines[i] + "\n";
    if (!lines.empty()) out += lines.back().substr(0, lines.back().size() / 2);
  }
  std::ofstream f(argv[1], std::ios::binary | std::ios::trunc);
  f << out;
  return f.good() ? 0 : 1;
}
