// File: decoder/fd_description.h
//
// What a passed file descriptor is: recorded by the tracer before it closes its
// copy (see tracer/describe_fd.h), carried in events, shown by every output.
//
// Example:
//   FdDescription d{.fd = 9, .kind = "detached mount (open_tree)", .path = "/data"};
//   d.Summary()  // "fd 9: detached mount (open_tree) /data"
#ifndef SYNCTRACE_DECODER_FD_DESCRIPTION_H_
#define SYNCTRACE_DECODER_FD_DESCRIPTION_H_

#include <cstdint>
#include <string>

namespace synctrace {

struct FdDescription {
  int fd = -1;              // number in the process that held it when seen
  std::string kind;         // "regular file", "directory", "pipe", "socket",
                            // "seccomp notify", "detached mount (open_tree)", ...
  std::string path;         // readlink of /proc/<pid>/fd/<fd>
  uint64_t dev = 0;         // st_dev
  uint64_t ino = 0;         // st_ino
  int open_flags = 0;       // F_GETFL (includes O_PATH when so opened)
  bool described = false;   // false: only the number is known

  // One line, e.g. "fd 9: regular file /data (dev 8:1 ino 1234, O_RDONLY)".
  std::string Summary() const;
};

}  // namespace synctrace

#endif  // SYNCTRACE_DECODER_FD_DESCRIPTION_H_
