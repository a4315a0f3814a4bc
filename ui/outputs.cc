// Opens the outputs a tracing subcommand asked for; see outputs.h.
#include "ui/outputs.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "ui/curses_tui.h"
#include "ui/log_sinks.h"
#include "ui/tui.h"

namespace synctrace {
namespace {

absl::StatusOr<int> OpenLogFile(const std::string& path, const char* flag) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::InvalidArgumentError(absl::StrCat("cannot open ", flag, " ", path,
                                                   " for appending: ", std::strerror(errno)));
  }
  return fd;
}

}  // namespace

std::vector<EventSink*> Outputs::sinks() const {
  std::vector<EventSink*> out;
  for (const std::unique_ptr<EventSink>& s : owned_) out.push_back(s.get());
  return out;
}

absl::StatusOr<Outputs> OpenOutputs(const OutputOptions& options, int64_t start_mono_ns) {
  // A log reader that goes away (`| head`) must be a write error, not a SIGPIPE
  // that kills synctrace and, with it, the relay between runc's processes.
  signal(SIGPIPE, SIG_IGN);
  Outputs outputs;
  if (!options.log_path.empty()) {
    absl::StatusOr<int> fd = OpenLogFile(options.log_path, "--log");
    if (!fd.ok()) return fd.status();
    outputs.owned_.push_back(std::make_unique<TextLogSink>(
        *fd, true, absl::StrCat("the text log ", options.log_path), start_mono_ns,
        LogFlush::kEachBatch));
  }
  if (!options.json_path.empty()) {
    absl::StatusOr<int> fd = OpenLogFile(options.json_path, "--json");
    if (!fd.ok()) return fd.status();  // the --log sink closes its file
    outputs.owned_.push_back(std::make_unique<JsonLogSink>(
        *fd, true, absl::StrCat("the JSON log ", options.json_path), start_mono_ns,
        LogFlush::kEachBatch));
  }
  if (!outputs.owned_.empty()) return outputs;

  if (options.allow_tui && isatty(STDOUT_FILENO)) {
    // nullptr when the terminal is not usable (TERM=dumb, ...): text on stdout.
    TuiOptions tui_options;
    tui_options.start_mono_ns = start_mono_ns;
    std::unique_ptr<Tui> tui = MakeTerminalTui(tui_options);
    if (tui != nullptr) {
      outputs.tui_ = tui.get();
      outputs.owned_.push_back(std::move(tui));
      return outputs;
    }
  }
  outputs.owned_.push_back(std::make_unique<TextLogSink>(
      STDOUT_FILENO, false, "the text log on stdout", start_mono_ns, LogFlush::kEachEvent));
  return outputs;
}

}  // namespace synctrace
