// `synctrace replay FILE.jsonl`: opens a saved JSON Lines log (--json) in the
// TUI, or prints it as text lines when stdout is not a terminal. Lines that do
// not parse (a truncated last line, corruption) are skipped and reported by
// number; everything valid is shown. Events stream straight into the TUI's
// bounded store (or to stdout), so a huge log never sits in memory twice; the
// TUI comes up at once and fills while a loader thread reads.
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>
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

struct LoadReport {
  size_t events = 0;
  std::vector<size_t> bad_lines;     // 1-based
  std::vector<std::string> errors;   // one line each, for stderr
  bool read_error = false;
};

void Load(std::istream& in, const std::string& path,
          const std::function<void(const TraceEvent&)>& deliver, LoadReport* report,
          const std::atomic<bool>* stop = nullptr) {
  std::string line;
  size_t number = 0;
  while ((stop == nullptr || !stop->load()) && std::getline(in, line)) {
    ++number;
    if (line.empty() || line == "\r") continue;
    absl::StatusOr<TraceEvent> event = ParseJsonLogLine(line);
    if (!event.ok()) {
      report->bad_lines.push_back(number);
      report->errors.push_back(absl::StrCat(
          "synctrace: replay ", path, ": line ", number, ": ",
          in.eof() ? "truncated (no newline at the end): " : "", event.status().message(),
          "; skipped"));
      continue;
    }
    ++report->events;
    deliver(*event);
  }
  report->read_error = in.bad();
}

std::string BadLinesSummary(const LoadReport& report) {
  if (report.bad_lines.empty()) return "";
  size_t shown = std::min<size_t>(report.bad_lines.size(), 10);
  return absl::StrCat(report.bad_lines.size(), " bad line", report.bad_lines.size() == 1 ? "" : "s",
                      " skipped (line ",
                      absl::StrJoin(report.bad_lines.begin(), report.bad_lines.begin() + shown, ", "),
                      report.bad_lines.size() > shown ? ", ..." : "", ")");
}

void PrintErrors(const LoadReport& report) {
  for (const std::string& e : report.errors) std::fprintf(stderr, "%s\n", e.c_str());
}

// Summary of the bad lines on stderr (after the TUI has given the terminal back).
void ReportBadLines(const std::string& path, const LoadReport& report) {
  std::string summary = BadLinesSummary(report);
  if (report.events == 0 && !report.bad_lines.empty()) {
    // Not one valid line: not a --json log at all, so one line, not one per line.
    std::fprintf(stderr, "synctrace: replay %s: no valid event in the log (%s)\n", path.c_str(),
                 summary.c_str());
    return;
  }
  PrintErrors(report);
  if (!summary.empty()) std::fprintf(stderr, "synctrace: replay %s: %s\n", path.c_str(), summary.c_str());
}

// The TUI comes up at once; a loader thread fills it. q quits at once (nothing is live).
int ReplayInTui(std::istream& in, const std::string& path, Tui* tui) {
  LoadReport report;
  tui->SetMessage(absl::StrCat("loading ", path, " ..."));
  std::atomic<bool> stop{false};
  std::thread loader([&] {
    Load(in, path, [&](const TraceEvent& e) { tui->Consume(e); }, &report, &stop);
    tui->Close();
    std::string summary = BadLinesSummary(report);
    if (report.read_error) {
      tui->SetMessage(absl::StrCat("reading ", path, " failed: ", std::strerror(errno)));
    } else if (report.events == 0 && !summary.empty()) {
      tui->SetMessage(absl::StrCat("no valid event in ", path, "; ", summary));
    } else {
      tui->SetMessage(absl::StrCat(summary, summary.empty() ? "" : "; ", "loaded ", report.events,
                                   " events from ", path));
    }
  });
  int rc = tui->Run([] { return false; });
  stop = true;
  loader.join();
  ReportBadLines(path, report);
  if (report.read_error || (report.events == 0 && !report.bad_lines.empty())) return kExitFailure;
  return rc;
}

int ReplayAsText(std::istream& in, const std::string& path, int64_t start) {
  LoadReport report;
  TextFormatter text(start);
  std::string out;
  bool write_failed = false;
  Load(in, path,
       [&](const TraceEvent& e) {
         out.clear();
         text.Append(e, &out);
         if (!write_failed && std::fwrite(out.data(), 1, out.size(), stdout) != out.size()) {
           write_failed = true;
         }
       },
       &report);
  ReportBadLines(path, report);
  if (report.read_error) {
    std::fprintf(stderr, "synctrace: replay: reading %s: %s\n", path.c_str(), std::strerror(errno));
    return kExitFailure;
  }
  if (report.events == 0 && !report.bad_lines.empty()) return kExitFailure;
  if (std::fflush(stdout) != 0 || write_failed) {
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
  int64_t start = JsonLogTraceStart(in);
  in.clear();
  in.seekg(0);

  TuiOptions options;
  options.start_mono_ns = start;
  size_t slash = path.rfind('/');
  options.title = absl::StrCat("replay ", slash == std::string::npos ? path : path.substr(slash + 1));
  options.live = false;
  std::unique_ptr<Tui> tui = MakeTerminalTui(options);
  return tui ? ReplayInTui(in, path, tui.get()) : ReplayAsText(in, path, start);
}

}  // namespace synctrace
