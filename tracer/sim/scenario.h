// File: tracer/sim/scenario.h
//
// The simulator's scenarios: what the simulated runc parent and runc init do
// in one session, selectable by name.
//   create       procMountPlease x3 (realistic configs.Mount args) -> procMountFd
//                with a real fd of the source (open_tree(OPEN_TREE_CLONE) for
//                id-mapped mounts where the kernel allows it, else O_PATH, as runc
//                1.2 does), procHooks -> (hooks) -> procHooksDone, procReady ->
//                procRun, procSeccomp (a real seccomp-notify fd number when the
//                kernel allows it) -> procSeccompDone, then EOF both ways.
//   exec         the setns flow: procReady -> procRun.
//   mount-error  the child's mount fails after procMountFd; it sends procError.
//   bad-peer     four sessions, one protocol violation each (unexpected reply
//                type, HasFd flag without the fd packet, garbage JSON, a reply
//                nobody asked for); each ends without a hang.
//   child-crash  the child is killed (SIGKILL) mid-conversation; the parent sees EOF.
//   all          each of the above in turn, as separate sessions.
// A Scenario is rebuilt from (name, fixture dir) in each peer process, so only
// those two strings cross an exec.
//
// Example:
//   SimFixture fixture = *SimFixture::Create();     // temp volumes + rootfs
//   absl::StatusOr<std::vector<Scenario>> s = ExpandScenario("all", fixture.dir());
#ifndef SYNCTRACE_TRACER_SIM_SCENARIO_H_
#define SYNCTRACE_TRACER_SIM_SCENARIO_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace synctrace {
namespace sim {

enum class ScenarioKind {
  kCreate,
  kExec,
  kMountError,
  kChildCrash,
  kBadUnexpectedReply,    // parent answers procHooks with procRun
  kBadMissingFdPacket,    // parent sends procMountFd flags:0b1 but no fd packet
  kBadGarbageJson,        // child sends a truncated JSON packet instead of procReady
  kBadUnsolicitedReply,   // parent sends procHooksDone before anything was asked
};

// One mount the child asks the parent for (runc's configs.Mount).
struct SimMount {
  std::string source;        // host path; exists in the fixture
  std::string destination;   // path in the container
  bool id_mapped = false;    // runc asks open_tree(OPEN_TREE_CLONE) only for these
  std::string data;          // mount data (e.g. an SELinux context="...")
  int flags = 0;             // MS_* (MS_BIND|MS_REC for binds)

  // configs.Mount as Go's json.Marshal writes it (field order and escapes).
  std::string ConfigJson() const;
};

struct Scenario {
  std::string name;          // "create", "bad-peer/garbage-json", ...
  std::string fixture_dir;   // where sources and the rootfs live
  ScenarioKind kind = ScenarioKind::kCreate;
  std::string init_type;     // "standard" (create/run) or "setns" (exec)
  std::vector<SimMount> mounts;
  bool seccomp = false;      // the child sends procSeccomp
  std::string rootfs;        // the child's rootfs (mount-error: a destination is missing)
  absl::Duration read_timeout = absl::Seconds(20);  // a peer gives up instead of hanging
};

// The names accepted by ExpandScenario, in `all` order, plus "all".
const std::vector<std::string>& ScenarioNames();
// "create, exec, mount-error, bad-peer, child-crash, all"
std::string ScenarioNameList();

// One name -> its sessions ("bad-peer" -> 4, "all" -> 8). The sub-names
// ("bad-peer/garbage-json") are accepted too. Unknown name: InvalidArgument.
absl::StatusOr<std::vector<Scenario>> ExpandScenario(const std::string& name,
                                                     const std::string& fixture_dir);

// A temp directory with the mount sources and the child's rootfs; removed on
// destruction.
class SimFixture {
 public:
  static absl::StatusOr<SimFixture> Create();
  SimFixture(SimFixture&& other) noexcept;
  SimFixture& operator=(SimFixture&&) = delete;
  ~SimFixture();
  const std::string& dir() const { return dir_; }

 private:
  explicit SimFixture(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
};

// How fast the peers go: at speed 1 a person can follow the conversation in
// the TUI; 0 means no pauses at all (tests, piped output).
struct Pacing {
  double speed = 0;
  // Sleeps `at_speed_1 / speed` (nothing at speed 0).
  void Pause(absl::Duration at_speed_1) const;
};

// Pauses used by the conversations, at speed 1.
inline constexpr absl::Duration kStepPause = absl::Milliseconds(450);
inline constexpr absl::Duration kHooksPause = absl::Milliseconds(1500);

}  // namespace sim
}  // namespace synctrace

#endif  // SYNCTRACE_TRACER_SIM_SCENARIO_H_
