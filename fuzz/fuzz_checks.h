// File: fuzz/fuzz_checks.h
//
// What every decoder fuzz target checks about a decoded message, and a small
// reader that cuts the fuzz input into packets. A broken invariant prints one
// line and abort()s, which libFuzzer (and the corpus test) reports as a crash.
//
// Example:
//   for (const SyncMessage& m : decoder.Feed(packet)) CheckMessageAndFormats(m);
#ifndef SYNCTRACE_FUZZ_FUZZ_CHECKS_H_
#define SYNCTRACE_FUZZ_FUZZ_CHECKS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "decoder/sync_message.h"
#include "decoder/wire_packet.h"

namespace synctrace {
namespace fuzz {

// Prints "fuzz check failed: <what>" and aborts when `ok` is false.
void Check(bool ok, std::string_view what);

// The message's own invariants (arg inside raw, one-line anomaly texts,
// String() prefix), then both log formats: the text line has one line per
// anomaly more than one, the JSON line is one line and parses back
// (ParseJsonLogLine) into the same raw bytes and the same String().
void CheckMessageAndFormats(const SyncMessage& message);

// Reads the fuzz input as a run of packets. Each packet is a 3-byte header
//   byte 0: bits 0-1 fd count (0..3), bit 2 MSG_CTRUNC, bit 3 fds described
//   bytes 1-2: data length, little endian (cut to what is left)
// followed by its data. The fds get numbers 3, 4, ... and, when described,
// a path and kind taken from the packet's own data.
class PacketReader {
 public:
  PacketReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  // False when the input is used up.
  bool Next(WirePacket* packet);

 private:
  const uint8_t* data_;
  size_t size_;
  size_t at_ = 0;
};

// One fd as the relay would have described it (path/kind may be any bytes).
FdDescription FuzzFd(int number, bool described, std::string_view text);

}  // namespace fuzz
}  // namespace synctrace

#endif  // SYNCTRACE_FUZZ_FUZZ_CHECKS_H_
