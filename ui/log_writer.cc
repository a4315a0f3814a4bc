// Whole-line writes to a log fd, failing once and loudly; see log_writer.h.
#include "ui/log_writer.h"

#include <errno.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace synctrace {

LogWriter::LogWriter(int fd, bool owns_fd, std::string what)
    : fd_(fd), owns_fd_(owns_fd), what_(std::move(what)) {}

LogWriter::~LogWriter() {
  if (!owns_fd_ || fd_ < 0) return;
  // A log file removed while we wrote it takes its lines with it: say so.
  struct stat st;
  if (!failed_ && fstat(fd_, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 0) {
    std::fprintf(stderr, "synctrace: %s was removed while synctrace was writing it; its lines are lost\n",
                 what_.c_str());
  }
  close(fd_);
}

bool LogWriter::Write(std::string_view bytes) {
  if (failed_) return false;
  while (!bytes.empty()) {
    ssize_t n = write(fd_, bytes.data(), bytes.size());
    if (n > 0) {
      bytes.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd_, POLLOUT, 0};  // a non-blocking stdout: wait here, off the relay
      poll(&p, 1, -1);
      continue;
    }
    failed_ = true;
    std::fprintf(stderr,
                 "synctrace: writing %s failed (%s); dropping further output there, "
                 "forwarding goes on\n",
                 what_.c_str(), n < 0 ? std::strerror(errno) : "wrote nothing");
    return false;
  }
  return true;
}

}  // namespace synctrace
