// File: tracer/unique_fd.h
//
// UniqueFd: owns one file descriptor and closes it when it goes out of scope,
// so no path through the relay (errors included) can leak an fd.
//
// Example:
//   UniqueFd fd(open(path, O_RDONLY | O_CLOEXEC));
//   if (!fd.valid()) return Error(...);
//   read(fd.get(), ...);           // closed at the end of the scope
//   int raw = fd.release();        // or hand it over
#ifndef SYNCTRACE_TRACER_UNIQUE_FD_H_
#define SYNCTRACE_TRACER_UNIQUE_FD_H_

#include <unistd.h>

#include <utility>

namespace synctrace {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

}  // namespace synctrace

#endif  // SYNCTRACE_TRACER_UNIQUE_FD_H_
