// File: tracer/interpose/proc_files.h
//
// Small readers of /proc/PID/... used by the interposition: a process's
// environment and command line, what one of its fds is (socket inode, fdinfo
// flags), and which of its fds hold a given socket. All reads are one-shot and
// may fail when the process is gone; errors say which file could not be read.
//
// Example:
//   absl::StatusOr<ProcEnviron> env = ReadEnviron(child_pid);
//   std::optional<std::string> n = env->Get("_LIBCONTAINER_SYNCPIPE");
//   absl::StatusOr<uint64_t> ino = SocketInode(child_pid, 5);
#ifndef SYNCTRACE_TRACER_INTERPOSE_PROC_FILES_H_
#define SYNCTRACE_TRACER_INTERPOSE_PROC_FILES_H_

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace synctrace {

// NUL-separated KEY=VALUE entries of /proc/PID/environ.
struct ProcEnviron {
  std::vector<std::string> entries;
  std::optional<std::string> Get(const std::string& key) const;
};

absl::StatusOr<ProcEnviron> ReadEnviron(pid_t pid);
// argv of /proc/PID/cmdline.
absl::StatusOr<std::vector<std::string>> ReadCmdline(pid_t pid);
// readlink /proc/PID/fd/FD, e.g. "socket:[1234]" or "anon_inode:seccomp notify".
absl::StatusOr<std::string> FdTarget(pid_t pid, int fd);
// The inode of the socket at PID's fd FD (error when it is not a socket).
absl::StatusOr<uint64_t> SocketInode(pid_t pid, int fd);
// The "flags:" field of /proc/PID/fdinfo/FD (octal; includes O_CLOEXEC).
absl::StatusOr<int> FdInfoFlags(pid_t pid, int fd);
// The fds of PID whose target is "socket:[INODE]", in increasing order.
absl::StatusOr<std::vector<int>> FdsOfSocket(pid_t pid, uint64_t inode);
// True when one of PID's epoll fds watches an fd whose inode is INODE
// (from the "tfd: ... ino:" lines of the epoll fds' fdinfo).
bool EpollWatchesInode(pid_t pid, uint64_t inode);
// PID's environment (ReadEnviron), once it is in place and read whole. A
// vfork parent is released while the kernel is still setting up the child's
// new stack: env_end (field 51 of /proc/PID/stat) is 0 until then, then equal
// to env_start while the kernel counts the strings; end_code (field 27) is set
// once that is done, so the read waits for both. And PID may exec again while
// we read it (runc 1.1's init re-executes itself at once), which cuts the read
// short or empties it: it counts only when the bounds in /proc/PID/stat are
// the same before and after it and it has every byte between them; otherwise
// it is made again. An error when PID is gone or no whole read was possible
// within `timeout_ms`.
absl::StatusOr<ProcEnviron> ReadSettledEnviron(pid_t pid, int timeout_ms);
// The children of every thread of TGID (/proc/TGID/task/*/children): among
// them the processes runc init's stages clone with CLONE_PARENT. Empty when
// unreadable.
std::vector<pid_t> ChildrenOf(pid_t tgid);
// Of `candidates`, the most recently started one whose fd FD is socket INODE;
// -1 when none is (gone, zombie, or holding something else there).
pid_t NewestHolderOfSocket(const std::vector<pid_t>& candidates, int fd, uint64_t inode);
// The TracerPid of /proc/PID/status (0: untraced), or -1 when unreadable.
pid_t TracerPidOf(pid_t pid);
// The Tgid of /proc/PID/status, or -1 when unreadable.
pid_t TgidOf(pid_t pid);
// The command line as one string: arguments joined by spaces.
std::string JoinCommandLine(const std::vector<std::string>& argv);

}  // namespace synctrace

#endif  // SYNCTRACE_TRACER_INTERPOSE_PROC_FILES_H_
