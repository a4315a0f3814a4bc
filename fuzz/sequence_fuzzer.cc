// libFuzzer target: a run of packets in one direction (JSON packets, fd
// packets, anything), cut from the input by fuzz::PacketReader (a 3-byte
// header per packet: fd count, MSG_CTRUNC, length), through one PacketDecoder.
#include <cstddef>
#include <cstdint>

#include "decoder/packet_decoder.h"
#include "fuzz/fuzz_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace synctrace;
  PacketDecoder decoder;
  fuzz::PacketReader reader(data, size);
  WirePacket packet;
  size_t packets = 0, messages = 0;
  while (reader.Next(&packet)) {
    ++packets;
    for (const SyncMessage& m : decoder.Feed(packet)) {
      ++messages;
      fuzz::CheckMessageAndFormats(m);
    }
  }
  for (const SyncMessage& m : decoder.Finish()) {
    ++messages;
    fuzz::CheckMessageAndFormats(m);
  }
  // Nothing a peer sent is lost: every packet ends up in some message.
  fuzz::Check(messages <= packets && (packets == 0 || messages > 0), "packets become messages");
  return 0;
}
