// File: tracer/sim/conversation.h
//
// The two sides of a runc sync conversation, callable on an already-connected
// sync socket fd (SOCK_SEQPACKET), so any launcher can use them: the
// simulator's peer processes (peer_process.h), or a fake runc that starts its
// own threads.
//
// Child (runc init, libcontainer/init_linux.go, rootfs_linux.go):
//   for each mount: procMountPlease(configs.Mount) -> read procMountFd + fd,
//   check the fd's name == the mount's source byte for byte, "mount" it (fstat);
//   procHooks -> read procHooksDone; procReady -> read procRun; procSeccomp(fd
//   number) -> read procSeccompDone. On failure: procError {"message": err}
//   with runc's error text, exit status 255 (runc's). When done the child
//   shuts down its write side and waits for the parent's EOF before closing
//   (runc just closes; the packets are the same, and the report can then prove
//   the parent's shutdown reached it).
// Parent (runc create/exec, libcontainer/process_linux.go parseSync):
//   answers until EOF: procMountPlease -> open_tree(OPEN_TREE_CLONE) fd for
//   id-mapped mounts (O_PATH when the kernel refuses, or for plain binds, as
//   runc does) sent as procMountFd {"type":"open_tree"|"plain-open"} named with
//   the source; procSeccomp -> pidfd_getfd of the child's fd, procSeccompDone;
//   procHooks -> run hooks (a pause) -> procHooksDone; procReady -> procRun;
//   procError -> the child's error; then shutdown(SHUT_WR), "error during
//   container init: ..." on failure, exit 1. Afterwards it reads until EOF
//   (runc waits for the child) and keeps what still arrived in report.late.
// The bad-peer scenarios make one side break the protocol on purpose.
// Side effects to know when calling these from a process of your own: the child
// installs an allow-everything seccomp filter on the calling thread (to get a
// real notify fd) and allows any process to pidfd_getfd from it (Yama's
// PR_SET_PTRACER); the parent needs ptrace access to child_pid for that.
//
// Example (inside a process that owns one end):
//   PeerReport report;
//   ChildEnd end = RunChildConversation(sync_fd, scenario, pacing, &report);
//   if (end == ChildEnd::kCrash) { SendReport(report); raise(SIGKILL); }
//   int status = ExitStatusFor(end);
#ifndef SYNCTRACE_TRACER_SIM_CONVERSATION_H_
#define SYNCTRACE_TRACER_SIM_CONVERSATION_H_

#include <sys/types.h>

#include "tracer/sim/peer_report.h"
#include "tracer/sim/scenario.h"

namespace synctrace {
namespace sim {

enum class ChildEnd {
  kSuccess,  // runc init would exec the container process now (exit 0 here)
  kFailed,   // procError sent (or not deliverable); runc init exits 255
  kCrash,    // child-crash: the caller must now die by SIGKILL (after sending its report)
};

enum class ParentEnd {
  kSuccess,  // exit 0
  kFailed,   // runc exits 1
  kPanic,    // setns parent got procHooks/procMountPlease: runc panics (exit 2)
};

// Runs runc init's side on sync_fd (not closed here). Records into *report.
ChildEnd RunChildConversation(int sync_fd, const Scenario& scenario, const Pacing& pacing,
                              PeerReport* report);

// Runs the runc parent's side on sync_fd (not closed here). child_pid is used
// for pidfd_getfd (procSeccomp); 0 when unknown (procSeccomp then fails as
// runc's would). Records into *report.
ParentEnd RunParentConversation(int sync_fd, const Scenario& scenario, const Pacing& pacing,
                                pid_t child_pid, PeerReport* report);

int ExitStatusFor(ChildEnd end);
int ExitStatusFor(ParentEnd end);

}  // namespace sim
}  // namespace synctrace

#endif  // SYNCTRACE_TRACER_SIM_CONVERSATION_H_
