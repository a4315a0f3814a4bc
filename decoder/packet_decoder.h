// File: decoder/packet_decoder.h
//
// Turns the packets of ONE direction of a sync socket into messages, exactly as
// runc's reader pairs them: a JSON packet with flags bit 0 waits for the next
// packet, which must be the fd packet (name as data, one SCM_RIGHTS fd).
//
//   state kIdle --JSON, flags&1--> kAwaitingFd --fd packet--> message done
//        ^  |                          |
//        |  +--JSON, no flag: message done
//        +---- next JSON instead of the fd packet: kFdPacketMissing, both decoded
//
// In kAwaitingFd the next packet with fds (or MSG_CTRUNC) is the fd packet. One
// without fds is the fd packet too (kFdPacketNoFd) unless it parses as a JSON
// object with a "type" (then kFdPacketMissing). In kIdle a packet with fds is an
// unannounced fd packet (a raw packet), or, when it is a JSON message, that
// message with kFdsOnJsonPacket and the fds in stray_fds.
//
// Never throws, never crashes: every malformed input becomes a message (or a raw
// packet) with named anomalies.
//
// Example:
//   PacketDecoder decoder;
//   for (SyncMessage& m : decoder.Feed(packet)) Print(m.String());
//   for (SyncMessage& m : decoder.Finish()) ...;  // at end of stream
#ifndef SYNCTRACE_DECODER_PACKET_DECODER_H_
#define SYNCTRACE_DECODER_PACKET_DECODER_H_

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "decoder/sync_message.h"
#include "decoder/wire_packet.h"

namespace synctrace {

// Decodes one JSON packet (no fd pairing). Fills type, flags, arg and the
// per-packet anomalies. Reusable parser state lives in JsonPacketParser.
class JsonPacketParser {
 public:
  JsonPacketParser();
  ~JsonPacketParser();
  JsonPacketParser(const JsonPacketParser&) = delete;
  JsonPacketParser& operator=(const JsonPacketParser&) = delete;

  SyncMessage Parse(std::string_view packet);
  // The same, reusing *out's storage (no allocation once it has grown).
  void Parse(std::string_view packet, SyncMessage* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct PacketDecoderOptions {
  // false: packets come without their fd packets (e.g. `synctrace decode` reads
  // JSON lines), so a flags:0b1 message is complete as it is: no file, and no
  // fd-packet anomaly.
  bool expect_fd_packets = true;
};

class PacketDecoder {
 public:
  PacketDecoder() = default;
  explicit PacketDecoder(PacketDecoderOptions options) : options_(options) {}

  // Feeds one packet; returns the messages it completes (zero, one or two).
  std::vector<SyncMessage> Feed(WirePacket packet);
  // End of stream: returns a message still waiting for its fd packet, flagged.
  std::vector<SyncMessage> Finish();
  // True while a flags:0b1 message waits for its fd packet.
  bool AwaitingFdPacket() const { return pending_.has_value(); }

 private:
  void CompleteWithFdPacket(WirePacket& packet, std::vector<SyncMessage>* out);
  // `message` is packet.data already parsed.
  void DecodeIdle(WirePacket& packet, SyncMessage message, std::vector<SyncMessage>* out);

  PacketDecoderOptions options_;
  JsonPacketParser parser_;
  std::optional<SyncMessage> pending_;
};

}  // namespace synctrace

#endif  // SYNCTRACE_DECODER_PACKET_DECODER_H_
