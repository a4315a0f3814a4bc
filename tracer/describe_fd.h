// File: tracer/describe_fd.h
//
// Says what a file descriptor is (decoder/fd_description.h) while it is still
// open: kind, path, device and inode, open flags. The relay describes each fd
// that rode on a packet right before closing its own copy.
//
// Kinds: "regular file", "directory", "pipe", "fifo", "socket", "char device",
// "block device", "symlink", "seccomp notify", "anon inode (<name>)", and
// "detached mount (open_tree)" for a mount cloned with open_tree(OPEN_TREE_CLONE)
// and not attached anywhere: its readlink says "/" (or a path inside the clone),
// so the test is its fdinfo mnt_id, which no line of the holder's mountinfo has.
// An O_PATH fd gets " (O_PATH)" after its kind.
//
// Example:
//   FdDescription d = DescribeFd(fd);             // one of our own fds
//   FdDescription c = DescribeProcessFd(pid, 7);  // fd 7 of process `pid`
//   d.Summary()  // "fd 9: detached mount (open_tree) / (dev 0:35 ino 2, O_RDONLY|O_PATH)"
#ifndef SYNCTRACE_TRACER_DESCRIBE_FD_H_
#define SYNCTRACE_TRACER_DESCRIBE_FD_H_

#include <sys/types.h>

#include "decoder/fd_description.h"

namespace synctrace {

// Describes `fd` of this process. described == false when it is not open.
FdDescription DescribeFd(int fd);

// Describes fd `fd` of process `pid` through /proc/PID/fd and /proc/PID/fdinfo
// (needs the right to ptrace-read that process). described == false when the
// process or the fd is gone or not ours to look at.
FdDescription DescribeProcessFd(pid_t pid, int fd);

}  // namespace synctrace

#endif  // SYNCTRACE_TRACER_DESCRIBE_FD_H_
