// libFuzzer target: the fd packet that follows a flags:0b1 message. The first
// input byte chooses the announcing message and the fd packet's header (fd
// count, MSG_CTRUNC, described: see PacketReader in fuzz_checks.h); the rest
// is the fd packet's data (the file name, or anything else a peer sends).
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>

#include "decoder/packet_decoder.h"
#include "fuzz/fuzz_checks.h"

namespace {

const char* const kAnnouncements[] = {
    R"({"type":"procMountFd","flags":1,"arg":{"type":"open_tree"}})",
    R"({"type":"procMountFd","flags":1})",
    R"({"type":"procSeccomp","flags":1,"arg":7})",
    R"({"type":"procMountPlease","flags":3,"arg":{"source":"/data"}})",
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace synctrace;
  if (size < 1) return 0;
  uint8_t header = data[0];
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);

  PacketDecoder decoder;
  WirePacket announce;
  announce.data = kAnnouncements[(header >> 4) % std::size(kAnnouncements)];
  for (const SyncMessage& m : decoder.Feed(std::move(announce))) fuzz::CheckMessageAndFormats(m);
  fuzz::Check(decoder.AwaitingFdPacket(), "a flags:0b1 message waits for its fd packet");

  WirePacket fd_packet;
  fd_packet.data = std::string(rest);
  for (int i = 0; i < (header & 3); ++i) {
    fd_packet.fds.push_back(fuzz::FuzzFd(3 + i, header & 8, rest));
  }
  fd_packet.control_truncated = header & 4;
  for (const SyncMessage& m : decoder.Feed(std::move(fd_packet))) fuzz::CheckMessageAndFormats(m);
  for (const SyncMessage& m : decoder.Finish()) fuzz::CheckMessageAndFormats(m);
  fuzz::Check(!decoder.AwaitingFdPacket(), "nothing pending after Finish()");
  return 0;
}
