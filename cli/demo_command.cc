// `synctrace demo [--scenario NAME] [--speed FACTOR] [--log F] [--json F]`:
// the README's first command. Runs simulated runc sessions (tracer/sim: a runc
// parent and a runc init as separate processes) through synctrace's real relay
// and shows them like any trace: the TUI on a terminal, text lines when piped,
// --log/--json files. Exit 0 when every session ended and each peer behaved as
// its scenario expects; each session's verdict is a note in the output.
//
// Also the hidden `__sim-peer` command: one simulated peer process (started by
// the demo itself, see tracer/sim/peer_process.h).
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "cli/commands.h"
#include "cli/output_flags.h"
#include "cli/subcommand.h"
#include "tracer/sim/peer_process.h"
#include "tracer/sim/scenario.h"
#include "tracer/sim/session.h"
#include "tracer/trace.h"
#include "ui/outputs.h"
#include "ui/tui.h"

ABSL_FLAG(std::string, scenario, "all",
          "demo: which simulated runc conversation(s) to run: create, exec, mount-error, "
          "bad-peer, child-crash or all");
ABSL_FLAG(double, speed, -1,
          "demo: pace factor (1 = paced for a person to follow, 2 = twice as fast, 0 = no "
          "pauses); default 1 on a terminal, 0 when stdout is not one");

namespace synctrace {
namespace {

sim::SessionCanceller* g_canceller = nullptr;  // for the signal handler

void CancelOnSignal(int) {
  if (g_canceller != nullptr) g_canceller->Cancel();
}

// Runs every session in turn; returns how many did not behave as expected.
int RunSessions(const std::vector<sim::Scenario>& scenarios, const sim::Pacing& pacing,
                Trace* trace, ForwardGate* gate, sim::SessionCanceller* canceller) {
  int failed = 0;
  for (const sim::Scenario& scenario : scenarios) {
    if (canceller->cancelled()) break;
    if (&scenario != &scenarios.front()) pacing.Pause(sim::kHooksPause);  // a breath between sessions
    sim::SessionResult result =
        sim::RunSimSession(scenario, pacing, sim::Connection::kThroughRelay, trace, gate,
                           absl::Seconds(60), canceller);
    if (canceller->cancelled()) break;
    if (!result.problems.empty()) ++failed;
    trace->Note(0, absl::StrCat("demo ", sim::DescribeOutcome(result)));
  }
  return failed;
}

}  // namespace

int RunDemo(const std::vector<std::string>& args) {
  if (!args.empty()) {
    return UsageError(absl::StrCat("demo takes no arguments, got '", args[0], "'"));
  }
  const std::string name = absl::GetFlag(FLAGS_scenario);
  if (!sim::ExpandScenario(name, "").ok()) {
    return UsageError(absl::StrCat("demo: unknown scenario '", name,
                                   "' (scenarios: ", sim::ScenarioNameList(), ")"));
  }
  double speed = absl::GetFlag(FLAGS_speed);
  if (!(speed >= 0) && speed != -1) {  // -1: the default; also rejects NaN
    return UsageError(absl::StrCat("demo: --speed must be 0 (no pauses) or more, got ", speed));
  }
  if (speed < 0) speed = isatty(STDOUT_FILENO) ? 1 : 0;
  sim::Pacing pacing{speed};

  absl::StatusOr<sim::SimFixture> fixture = sim::SimFixture::Create();
  if (!fixture.ok()) {
    std::fprintf(stderr, "synctrace: demo: %s\n", std::string(fixture.status().message()).c_str());
    return kExitFailure;
  }
  std::vector<sim::Scenario> scenarios = *sim::ExpandScenario(name, fixture->dir());

  int64_t start = MonotonicNowNs();
  absl::StatusOr<Outputs> outputs = OpenOutputs(OutputOptionsFromFlags(), start);
  if (!outputs.ok()) {
    std::fprintf(stderr, "synctrace: demo: %s\n", std::string(outputs.status().message()).c_str());
    return kExitFailure;
  }
  Trace trace(outputs->sinks(), start);
  trace.Note(0, absl::StrCat("demo: ", scenarios.size(), " simulated runc session(s) (scenario ",
                             name, "); runc parent and runc init are separate processes talking "
                             "through synctrace's relay"));

  sim::SessionCanceller canceller;
  g_canceller = &canceller;
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) signal(sig, CancelOnSignal);  // ends cleanly
  int failed = 0;
  Tui* tui = outputs->tui();
  if (tui == nullptr) {
    failed = RunSessions(scenarios, pacing, &trace, nullptr, &canceller);
  } else {
    std::atomic<bool> running{true};
    std::thread sessions([&] {
      failed = RunSessions(scenarios, pacing, &trace, tui->gate(), &canceller);
      running = false;
    });
    tui->Run([&] { return running.load(); });
    if (running.load()) canceller.Cancel();  // the user quit early: end the running session
    sessions.join();
  }
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) signal(sig, SIG_DFL);
  g_canceller = nullptr;
  int ran = static_cast<int>(scenarios.size());
  std::string verdict =
      canceller.cancelled()
          ? "demo: stopped before all sessions were over"
          : failed == 0 ? absl::StrCat("demo: all ", ran, " session(s) behaved as expected")
                        : absl::StrCat("demo: ", failed, " of ", ran,
                                       " session(s) did NOT behave as expected (see the notes above)");
  trace.Note(0, verdict);
  trace.Close();
  std::fprintf(stderr, "synctrace %s\n", verdict.c_str());
  return failed == 0 && !canceller.cancelled() ? kExitOk : kExitFailure;
}

int RunSimPeerCommand(const std::vector<std::string>& args) { return sim::RunSimPeer(args); }

}  // namespace synctrace
