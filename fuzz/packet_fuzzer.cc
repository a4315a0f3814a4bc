// libFuzzer target: the fuzz input is ONE packet's bytes (no fds), decoded as
// the relay does (waiting for fd packets) and as `synctrace decode` does (not).
#include <cstddef>
#include <cstdint>
#include <string>

#include "decoder/packet_decoder.h"
#include "fuzz/fuzz_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace synctrace;
  for (bool expect_fd_packets : {true, false}) {
    PacketDecoderOptions options;
    options.expect_fd_packets = expect_fd_packets;
    PacketDecoder decoder(options);
    WirePacket packet;
    packet.data.assign(reinterpret_cast<const char*>(data), size);
    for (const SyncMessage& m : decoder.Feed(std::move(packet))) fuzz::CheckMessageAndFormats(m);
    for (const SyncMessage& m : decoder.Finish()) fuzz::CheckMessageAndFormats(m);
    fuzz::Check(!decoder.AwaitingFdPacket(), "nothing pending after Finish()");
  }
  return 0;
}
