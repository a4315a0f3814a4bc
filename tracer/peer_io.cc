// Deadline-bounded packet I/O for peers in tests and benchmarks; see peer_io.h.
#include "tracer/peer_io.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <time.h>

namespace synctrace {
namespace {

int64_t NowMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// Waits for `events` until `deadline_ms`; false on timeout.
bool WaitFor(int fd, short events, int64_t deadline_ms) {
  for (;;) {
    int64_t left = deadline_ms - NowMs();
    if (left < 0) return false;
    pollfd p{fd, events, 0};
    int n = poll(&p, 1, static_cast<int>(left));
    if (n > 0) return true;
    if (n == 0) return false;
    if (errno != EINTR) return true;  // let the I/O call report it
  }
}

}  // namespace

ssize_t SendPacketWithin(int fd, std::string_view data, const std::vector<UniqueFd>& fds,
                         int timeout_ms) {
  int64_t deadline = NowMs() + timeout_ms;
  for (;;) {
    ssize_t n = SendPacket(fd, data, fds);
    if (n != -EAGAIN) return n;
    if (!WaitFor(fd, POLLOUT, deadline)) return -ETIMEDOUT;
  }
}

ssize_t ReceivePacketWithin(int fd, ReceivedPacket* packet, int timeout_ms) {
  int64_t deadline = NowMs() + timeout_ms;
  for (;;) {
    ssize_t n = ReceivePacket(fd, packet);
    if (n != -EAGAIN) return n;
    if (!WaitFor(fd, POLLIN | POLLRDHUP, deadline)) return -ETIMEDOUT;
  }
}

bool ReadsEofWithin(int fd, int timeout_ms) {
  ReceivedPacket packet;
  if (ReceivePacketWithin(fd, &packet, timeout_ms) != 0 || packet.had_control) return false;
  return ShutDownAndDrained(fd);
}

int CountOpenFds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  int count = 0;
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] != '.') ++count;
  }
  closedir(dir);
  return count - 1;  // the directory's own fd
}

}  // namespace synctrace
