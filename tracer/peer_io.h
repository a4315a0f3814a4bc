// File: tracer/peer_io.h
//
// Blocking, deadline-bounded packet I/O for code that plays a peer of the relay
// (tests, benchmarks): waits with poll() for at most `timeout_ms`, so a bug
// shows up as a failed call, never as a hung test.
//
// Example:
//   ASSERT_EQ(SendPacketWithin(fd, "hello", {}, 5000), 5);
//   ReceivedPacket p;
//   ASSERT_EQ(ReceivePacketWithin(fd, &p, 5000), 5);
//   EXPECT_TRUE(ReadsEofWithin(fd, 5000));
#ifndef SYNCTRACE_TRACER_PEER_IO_H_
#define SYNCTRACE_TRACER_PEER_IO_H_

#include <string_view>
#include <vector>

#include "tracer/packet_io.h"

namespace synctrace {

// SendPacket, waiting for room. -ETIMEDOUT when none came in time.
ssize_t SendPacketWithin(int fd, std::string_view data, const std::vector<UniqueFd>& fds,
                         int timeout_ms);

// ReceivePacket, waiting for a packet (or EOF). -ETIMEDOUT when none came.
ssize_t ReceivePacketWithin(int fd, ReceivedPacket* packet, int timeout_ms);

// True when `fd` reads EOF: 0 bytes, the peer shut down (POLLRDHUP), nothing queued.
bool ReadsEofWithin(int fd, int timeout_ms);

// Number of open fds of this process (entries of /proc/self/fd).
int CountOpenFds();

}  // namespace synctrace

#endif  // SYNCTRACE_TRACER_PEER_IO_H_
