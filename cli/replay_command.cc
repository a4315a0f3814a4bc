// `synctrace replay FILE.jsonl`: opens a saved JSON Lines log (--json) in the
// TUI, or prints it as text lines when stdout is not a terminal. Lines that do
// not parse (a truncated last line, corruption) are skipped and reported by
// number; everything valid is shown.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/commands.h"
#include "cli/subcommand.h"
#include "decoder/json_format.h"
#include "decoder/text_format.h"
#include "ui/curses_tui.h"

namespace synctrace {
namespace {

struct LoadedLog {
  std::vector<TraceEvent> events;
  std::vector<size_t> bad_lines;  // 1-based
  int64_t start_mono_ns = 0;      // time zero of the trace that wrote it
};

// "t" (seconds since the trace start, cut to microseconds) next to "mono_ns"
// bounds time zero from above; the smallest bound over the lines is the best.
int64_t StartBoundFromLine(const std::string& line, int64_t mono_ns) {
  size_t at = line.find(",\"t\":");
  if (at == std::string::npos) return mono_ns;
  double t = std::strtod(line.c_str() + at + 5, nullptr);
  return mono_ns - static_cast<int64_t>(t * 1e9 + (t >= 0 ? 0.5 : -0.5));
}

void Load(std::istream& in, const std::string& path, LoadedLog* log) {
  std::string line;
  size_t number = 0;
  bool have_start = false;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line == "\r") continue;
    absl::StatusOr<TraceEvent> event = ParseJsonLogLine(line);
    if (!event.ok()) {
      bool last_unterminated = in.eof();
      std::fprintf(stderr, "synctrace: replay %s: line %zu: %s%s; skipped\n", path.c_str(), number,
                   last_unterminated ? "truncated (no newline at the end): " : "",
                   std::string(event.status().message()).c_str());
      log->bad_lines.push_back(number);
      continue;
    }
    int64_t bound = StartBoundFromLine(line, event->mono_ns);
    if (!have_start || bound < log->start_mono_ns) log->start_mono_ns = bound;
    have_start = true;
    log->events.push_back(*std::move(event));
  }
}

std::string BadLinesSummary(const LoadedLog& log) {
  if (log.bad_lines.empty()) return "";
  std::vector<size_t> shown(log.bad_lines.begin(),
                            log.bad_lines.begin() + std::min<size_t>(log.bad_lines.size(), 10));
  return absl::StrCat(log.bad_lines.size(), " bad line", log.bad_lines.size() == 1 ? "" : "s",
                      " skipped (line ", absl::StrJoin(shown, ", "),
                      log.bad_lines.size() > shown.size() ? ", ..." : "", ")");
}

int PrintText(const LoadedLog& log) {
  TextFormatter text(log.start_mono_ns);
  std::string out;
  for (const TraceEvent& e : log.events) {
    out.clear();
    text.Append(e, &out);
    if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size()) break;
  }
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    std::fprintf(stderr, "synctrace: replay: writing text to stdout: %s\n", std::strerror(errno));
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

int RunReplay(const std::vector<std::string>& args) {
  if (args.size() != 1) return UsageError("replay takes one FILE.jsonl (usage: synctrace replay FILE.jsonl)");
  const std::string& path = args[0];
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "synctrace: replay: cannot open %s: %s\n", path.c_str(), std::strerror(errno));
    return kExitFailure;
  }
  LoadedLog log;
  Load(in, path, &log);
  if (in.bad()) {
    std::fprintf(stderr, "synctrace: replay: reading %s: %s\n", path.c_str(), std::strerror(errno));
    return kExitFailure;
  }
  std::string summary = BadLinesSummary(log);
  if (log.events.empty() && !log.bad_lines.empty()) {
    std::fprintf(stderr, "synctrace: replay %s: no valid event in the log; %s\n", path.c_str(),
                 summary.c_str());
    return kExitFailure;
  }
  TuiOptions options;
  options.start_mono_ns = log.start_mono_ns;
  size_t slash = path.rfind('/');
  options.title = absl::StrCat("replay ", slash == std::string::npos ? path : path.substr(slash + 1));
  options.live = false;
  options.initial_message = absl::StrCat(summary, summary.empty() ? "" : "; ", "loaded ",
                                         log.events.size(), " events from ", path);
  std::unique_ptr<Tui> tui = MakeTerminalTui(options);
  if (tui == nullptr) {
    int rc = PrintText(log);
    if (!summary.empty()) std::fprintf(stderr, "synctrace: replay %s: %s\n", path.c_str(), summary.c_str());
    return rc;
  }
  for (const TraceEvent& e : log.events) tui->Consume(e);
  tui->Close();
  return tui->Run([] { return false; });
}

}  // namespace synctrace
