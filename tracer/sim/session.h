// File: tracer/sim/session.h
//
// One simulated runc session: starts the child (runc init) and the parent
// (runc create/exec) peer processes, joins them either directly (one
// socketpair, as runc does) or through synctrace's real Relay (two
// socketpairs, the relay in between, events into a Trace), collects both
// peers' reports and checks them against what the scenario expects.
//
// Example:
//   SessionResult r = RunSimSession(scenario, pacing, Connection::kThroughRelay, &trace);
//   for (const std::string& p : r.problems) Print(p);   // empty: behaved as expected
//   SessionResult d = RunSimSession(scenario, pacing, Connection::kDirect, nullptr);
//   DiffReports(r.child, d.child);                       // empty: synctrace changed nothing
#ifndef SYNCTRACE_TRACER_SIM_SESSION_H_
#define SYNCTRACE_TRACER_SIM_SESSION_H_

#include <sys/types.h>

#include <atomic>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "tracer/relay.h"
#include "tracer/sim/peer_report.h"
#include "tracer/sim/scenario.h"
#include "tracer/trace.h"

namespace synctrace {
namespace sim {

enum class Connection { kDirect, kThroughRelay };

// Lets another thread (or a signal handler: only atomics, Relay::Stop and
// kill) end the running session early, e.g. when the user quits the TUI.
// Later sessions given the same canceller do not start.
class SessionCanceller {
 public:
  void Cancel();
  bool cancelled() const { return cancelled_.load(); }
  // The running session's peers (0 when none, or once reaped).
  pid_t parent_pid() const { return parent_.load(); }
  pid_t child_pid() const { return child_.load(); }
  // Used by RunSimSession while a session runs.
  void Attach(Relay* relay, pid_t parent, pid_t child);
  void Detach();

 private:
  std::atomic<bool> cancelled_{false};
  std::atomic<Relay*> relay_{nullptr};
  std::atomic<pid_t> parent_{0};
  std::atomic<pid_t> child_{0};
};

struct SessionResult {
  Scenario scenario;
  int session = 0;              // the Trace's session number (relay only)
  PeerReport parent;
  PeerReport child;
  RelayResult relay;            // relay only
  std::vector<std::string> problems;  // expectations not met; empty = as expected
};

// Runs one session to its end. Through the relay, `trace` receives the events
// (and `gate` may hold packets); direct, both are unused and may be null.
// A peer still running after `deadline` (plus the pacing's pauses) is killed
// (and that is a problem).
// With a canceller, Cancel() stops the relay and kills both peers; the result
// then says "cancelled" among its problems.
SessionResult RunSimSession(const Scenario& scenario, const Pacing& pacing,
                            Connection connection, Trace* trace, ForwardGate* gate = nullptr,
                            absl::Duration deadline = absl::Seconds(60),
                            SessionCanceller* canceller = nullptr);

// What the scenario expects of each peer, checked: errors (runc's texts),
// EOF, files received (name == source, same st_dev/st_ino), exit statuses.
std::vector<std::string> CheckExpectations(const Scenario& scenario, const PeerReport& parent,
                                           const PeerReport& child);

// One line about how the session went, for the demo's output:
//   "s1 create: as expected: child got 3 mount fds, parent got the seccomp fd; both saw EOF"
//   "s4 exec: NOT as expected: child ended with exit 255, expected exit 0; ..."
std::string DescribeOutcome(const SessionResult& result);

// The error text each side is expected to end with ("" = success).
std::string ExpectedChildError(const Scenario& scenario);
std::string ExpectedParentError(const Scenario& scenario);

}  // namespace sim
}  // namespace synctrace

#endif  // SYNCTRACE_TRACER_SIM_SESSION_H_
