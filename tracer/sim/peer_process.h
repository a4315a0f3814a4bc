// File: tracer/sim/peer_process.h
//
// Runs a simulated runc peer as its own process: fork + exec of
// /proc/self/exe with the hidden subcommand `__sim-peer` (exec, so it is safe
// from a process that already runs threads). The peer gets its end of the sync
// socket as fd 3 and a report pipe as fd 4, closes everything else, runs its
// side of the conversation (conversation.h), writes its PeerReport to fd 4 and
// exits with runc's status (child-crash: it kills itself with SIGKILL after
// writing its report).
//
// Any binary that starts peers must route `argv[1] == "__sim-peer"` to
// RunSimPeer(): synctrace does it through its subcommand table; test binaries
// call MaybeRunSimPeerAndExit() first thing in main() (//tracer/sim:test_main).
//
// Example:
//   absl::StatusOr<PeerProcess> child = StartPeer("child", child_end, scenario, pacing, 0);
//   absl::StatusOr<PeerProcess> parent = StartPeer("parent", parent_end, scenario, pacing, child->pid);
//   PeerReport c = FinishPeer(&*child, absl::Seconds(60));
#ifndef SYNCTRACE_TRACER_SIM_PEER_PROCESS_H_
#define SYNCTRACE_TRACER_SIM_PEER_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tracer/sim/peer_report.h"
#include "tracer/sim/scenario.h"

namespace synctrace {
namespace sim {

inline constexpr char kSimPeerCommand[] = "__sim-peer";

struct PeerProcess {
  std::string side;     // "parent" or "child"
  pid_t pid = -1;
  int report_fd = -1;   // read end of the report pipe (CLOEXEC)
};

// Starts one peer on sync_fd (the caller keeps and later closes its copy).
// child_pid: the parent peer's pidfd_getfd target (0 for the child).
absl::StatusOr<PeerProcess> StartPeer(const std::string& side, int sync_fd,
                                      const Scenario& scenario, const Pacing& pacing,
                                      pid_t child_pid);

// Reads the peer's report and reaps it; a peer still running after `deadline`
// is killed (and the report says so).
PeerReport FinishPeer(PeerProcess* peer, absl::Duration deadline);

// The hidden subcommand: args = {side, scenario name, fixture dir, speed, child pid}.
int RunSimPeer(const std::vector<std::string>& args);

// For test mains: when argv[1] is "__sim-peer", runs the peer and exits.
void MaybeRunSimPeerAndExit(int argc, char** argv);

}  // namespace sim
}  // namespace synctrace

#endif  // SYNCTRACE_TRACER_SIM_PEER_PROCESS_H_
