// `synctrace runtime [--runtime-path P] [--log-dir D] [--] RUNC_ARGS...`: a
// drop-in OCI runtime for docker, containerd or podman (docs/RUNTIME-WRAPPER.md).
// Also runs this way when synctrace is invoked through a symlink named
// synctrace-runc (or synctrace-runc-*, or synctrace-runtime), with all
// arguments being runc's.
//
// It runs the real runc (--runtime-path, else $SYNCTRACE_RUNC, else `runc` in
// PATH) with runc's own command line. For `create`, `run` and `exec` it does so
// under `synctrace exec` and writes that invocation's sessions as text and JSON
// Lines into the log directory (--log-dir, else $SYNCTRACE_LOG_DIR, else
// /var/log/synctrace):
//   <dir>/<UTC time>-<container id>-<subcommand>-<pid>.log and .jsonl
// Every other runc subcommand (state, kill, delete, ...) is exec'd directly.
// It never prompts and never writes to runc's stdout or stderr: its output and
// exit status are runc's. When the log directory cannot be written, runc runs
// untraced. The only line it ever prints is when runc itself cannot be run.
//
// runc's flags must reach runc untouched, so only the wrapper's own flags at
// the very front are read here (not by absl's parser).
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cli/commands.h"
#include "cli/signal_forwarding.h"
#include "cli/subcommand.h"
#include "tracer/interpose/exec_tracer.h"
#include "tracer/interpose/runc_args.h"
#include "tracer/trace.h"
#include "ui/outputs.h"

namespace synctrace {
namespace {

constexpr char kDefaultLogDir[] = "/var/log/synctrace";

struct RuntimeSettings {
  std::string runc = "runc";
  std::string log_dir = kDefaultLogDir;
  std::vector<std::string> runc_args;  // after argv[0]
};

const char* EnvOr(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

// Reads --runtime-path / --log-dir (either spelling, "=V" or " V") at the front.
RuntimeSettings ParseSettings(const std::vector<std::string>& args) {
  RuntimeSettings s;
  s.runc = EnvOr("SYNCTRACE_RUNC", "runc");
  s.log_dir = EnvOr("SYNCTRACE_LOG_DIR", kDefaultLogDir);
  size_t i = 0;
  for (; i < args.size(); ++i) {
    std::string arg = absl::StrReplaceAll(args[i], {{"_", "-"}});
    if (args[i] == "--") {
      ++i;
      break;
    }
    std::string* target = nullptr;
    std::string name;
    if (absl::StartsWith(arg, "--runtime-path")) {
      target = &s.runc;
      name = "--runtime-path";
    } else if (absl::StartsWith(arg, "--log-dir")) {
      target = &s.log_dir;
      name = "--log-dir";
    } else {
      break;
    }
    std::string rest = args[i].substr(name.size());
    if (rest.empty() && i + 1 < args.size()) {
      *target = args[++i];
    } else if (!rest.empty() && rest[0] == '=') {
      *target = rest.substr(1);
    } else {
      break;  // not ours after all (e.g. --log-dirx): leave it to runc
    }
  }
  s.runc_args.assign(args.begin() + static_cast<long>(i), args.end());
  return s;
}

std::vector<std::string> RuncArgv(const RuntimeSettings& s) {
  std::vector<std::string> argv = {s.runc};
  argv.insert(argv.end(), s.runc_args.begin(), s.runc_args.end());
  return argv;
}

// Replaces synctrace with runc. Returns only when runc cannot be run.
int ExecRunc(const std::vector<std::string>& argv) {
  std::vector<char*> cargv;
  for (const std::string& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  execvp(cargv[0], cargv.data());
  std::fprintf(stderr, "synctrace runtime: cannot run the runtime %s: %s\n", argv[0].c_str(),
               std::strerror(errno));
  return kExitFailure;
}

// mkdir -p with mode 0700 for what it creates.
bool MakeDirs(const std::string& dir) {
  for (size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos != dir.size() && dir[pos] != '/') continue;
    std::string prefix = dir.substr(0, pos);
    if (mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) return false;
  }
  return access(dir.c_str(), W_OK | X_OK) == 0;
}

// A file name part without '/' or spaces.
std::string Safe(std::string s) {
  for (char& c : s) {
    if (c == '/' || c == ' ' || c == '\0') c = '_';
  }
  return s.empty() ? "none" : s;
}

std::string LogBaseName(const RuncArgs& runc) {
  std::string time =
      absl::FormatTime("%Y%m%dT%H%M%E3SZ", absl::Now(), absl::UTCTimeZone());
  return absl::StrCat(time, "-", Safe(runc.container_id), "-", Safe(runc.subcommand), "-",
                      getpid());
}

}  // namespace

int RunRuntime(const std::vector<std::string>& args) {
  RuntimeSettings settings = ParseSettings(args);
  std::vector<std::string> argv = RuncArgv(settings);
  RuncArgs runc = ParseRuncArgs(argv);
  if (!StartsRuncInit(runc) || !MakeDirs(settings.log_dir)) return ExecRunc(argv);

  std::string base = absl::StrCat(settings.log_dir, "/", LogBaseName(runc));
  OutputOptions output_options;
  output_options.log_path = base + ".log";
  output_options.json_path = base + ".jsonl";
  output_options.allow_tui = false;
  int64_t start = MonotonicNowNs();
  absl::StatusOr<Outputs> outputs = OpenOutputs(output_options, start);
  if (!outputs.ok()) return ExecRunc(argv);

  int status;
  {
    Trace trace(outputs->sinks(), start);
    ExecTraceOptions options;
    options.argv = argv;  // reports go to the logs only (as notes)
    ExecTracer tracer(options, &trace);
    if (absl::Status started = tracer.Start(); !started.ok()) {
      trace.Close();
      std::fprintf(stderr, "synctrace runtime: %s\n", std::string(started.message()).c_str());
      return kExitFailure;
    }
    ForwardSignalsTo(tracer.command_pid());
    status = tracer.Run();
    StopForwardingSignals();
    trace.Close();
  }
  return ExitLike(status);
}

}  // namespace synctrace
