// File: tracer/fake_runc/nsexec_stages.h
//
// The fake runc's model of runc's nsexec constructor (libcontainer/nsenter),
// which runs in `runc init` before Go starts, for --nsexec-stages:
//   parent                         vforked init = stage-0 "runc:[0:PARENT]"
//   InitPipe::Create, vfork+exec   RunNsexecStages(init pipe fd):
//   FollowStages: bootstrap data ->  reads it, clone(CLONE_PARENT) stage-1
//                                    "runc:[1:CHILD]", which clones stage-2
//                                    "runc:[2:INIT]" likewise and sends its pid
//   reaps stage-0, reads            <- stage-0 writes {"stage1_pid":N,"stage2_pid":M}
//   the pids, reaps stage-1            and exits; stage-1 exits
//   talks to stage-2, waits for it   stage-2 returns from RunNsexecStages and talks
// Because of CLONE_PARENT, stage-1 and stage-2 are children of the runc parent.
//
// Example (parent):
//   std::optional<InitPipe> pipe = InitPipe::Create(5, &error);  // child end at fd 5
//   env.push_back(pipe->EnvVar());
//   vfork: pipe->PlaceInChild(); execve(...);
//   pipe->CloseChildEnd();
//   StagePids pids = pipe->FollowStages(vforked_pid);   // pids.stage2: the init now
// Example (init):
//   absl::StatusOr<std::string> line = RunNsexecStages(init_pipe_fd);  // in stage-2 only
#ifndef SYNCTRACE_TRACER_FAKE_RUNC_NSEXEC_STAGES_H_
#define SYNCTRACE_TRACER_FAKE_RUNC_NSEXEC_STAGES_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace fake_runc {

// What the parent learnt from the stages; report lines are the same from run
// to run except the one starting "nsexec pids ".
struct StagePids {
  pid_t stage1 = -1;
  pid_t stage2 = -1;  // -1: the stages failed (report says how)
  std::vector<std::string> report;
};

// The runc parent's SOCK_STREAM init pipe (_LIBCONTAINER_INITPIPE).
class InitPipe {
 public:
  // A CLOEXEC socketpair whose child end is held above `child_fd_number` until
  // PlaceInChild puts it there. nullopt (and *error) on failure.
  static std::optional<InitPipe> Create(int child_fd_number, std::string* error);
  InitPipe(InitPipe&& other) noexcept;
  InitPipe& operator=(InitPipe&& other) noexcept;
  InitPipe(const InitPipe&) = delete;
  ~InitPipe();

  std::string EnvVar() const;  // "_LIBCONTAINER_INITPIPE=<child_fd_number>"
  // In the vforked child before execve (system calls only): the child end at its number.
  bool PlaceInChild() const;
  void CloseChildEnd();
  // After the vfork: bootstrap data, stage-0 reaped, pids read, stage-1 reaped.
  StagePids FollowStages(pid_t stage0);

 private:
  InitPipe(int parent_end, int child_end, int child_fd_number)
      : parent_end_(parent_end), child_end_(child_end), child_fd_number_(child_fd_number) {}
  int parent_end_;
  int child_end_;
  int child_fd_number_;
};

// In `runc init` (single-threaded): runs stage-0 and stage-1, which end inside
// (_exit), and returns in stage-2 only, with its report line ("talking as
// runc:[2:INIT], a child of the runc parent"). An error comes back in stage-0
// when the stages could not be set up.
absl::StatusOr<std::string> RunNsexecStages(int init_pipe_fd);

}  // namespace fake_runc

#endif  // SYNCTRACE_TRACER_FAKE_RUNC_NSEXEC_STAGES_H_
