// `synctrace exec [--log F] [--json F] -- COMMAND [ARGS...]`: runs COMMAND
// (normally `runc run|create|exec ...`) and traces the sync socket of every
// `runc init` it starts, by putting the relay between the unmodified runc
// parent and its child (tracer/interpose/exec_tracer.h). Exits with COMMAND's
// exit status; signals sent to synctrace reach COMMAND.
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli/commands.h"
#include "cli/output_flags.h"
#include "cli/signal_forwarding.h"
#include "cli/subcommand.h"
#include "tracer/interpose/exec_tracer.h"
#include "tracer/trace.h"
#include "ui/outputs.h"
#include "ui/tui.h"

namespace synctrace {
namespace {

void PrintLine(const std::string& line) {
  std::fprintf(stderr, "synctrace: %s\n", line.c_str());
}

// Starts and follows the command; returns its wait status, or -1 when it could not be run.
int TraceCommand(ExecTracer* tracer) {
  if (absl::Status started = tracer->Start(); !started.ok()) {
    PrintLine(absl::StrCat("exec: ", started.message()));
    return -1;
  }
  ForwardSignalsTo(tracer->command_pid());
  int status = tracer->Run();
  StopForwardingSignals();
  return status;
}

}  // namespace

int RunExec(const std::vector<std::string>& args) {
  if (args.empty()) {
    return UsageError("exec needs a command: synctrace exec [--log F] [--json F] -- COMMAND [ARGS...]");
  }
  int64_t start = MonotonicNowNs();
  absl::StatusOr<Outputs> outputs = OpenOutputs(OutputOptionsFromFlags(), start);
  if (!outputs.ok()) {
    PrintLine(absl::StrCat("exec: ", outputs.status().message()));
    return kExitFailure;
  }
  Trace trace(outputs->sinks(), start);
  Tui* tui = outputs->tui();

  ExecTraceOptions options;
  options.argv = args;
  if (tui == nullptr) options.report = PrintLine;  // the TUI shows them as notes
  options.gate = tui != nullptr ? tui->gate() : nullptr;
  options.fault = SwapFaultFromEnvironment();
  ExecTracer tracer(options, &trace);

  int status;
  if (tui == nullptr) {
    status = TraceCommand(&tracer);
  } else {
    // ptrace belongs to one thread: it follows the command; the TUI has this one.
    std::thread follower([&] { status = TraceCommand(&tracer); });
    tui->Run([&] { return tracer.running(); });
    follower.join();
  }
  trace.Close();
  if (status == -1) return kExitFailure;
  return ExitLike(status);
}

}  // namespace synctrace
