// PacketDecoder: the per-direction state machine pairing a flags:0b1 message
// with the fd packet that follows it (packet_decoder.h).
#include "decoder/packet_decoder.h"

#include "absl/strings/str_cat.h"

namespace synctrace {
namespace {

bool IsSyncMessage(const SyncMessage& m) {
  return !m.is_raw_packet && !m.HasAnomaly(AnomalyCode::kMissingType) &&
         !m.HasAnomaly(AnomalyCode::kTypeNotString);
}

std::string FdList(const std::vector<FdDescription>& fds) {
  std::string out;
  for (const FdDescription& fd : fds) absl::StrAppend(&out, out.empty() ? "" : ", ", fd.fd);
  return out;
}

}  // namespace

std::vector<SyncMessage> PacketDecoder::Feed(WirePacket packet) {
  std::vector<SyncMessage> out;
  if (pending_.has_value()) {
    if (!packet.fds.empty() || packet.control_truncated) {
      CompleteWithFdPacket(packet, &out);
      return out;
    }
    SyncMessage next = parser_.Parse(packet.data);
    if (!IsSyncMessage(next)) {
      CompleteWithFdPacket(packet, &out);
      return out;
    }
    pending_->AddAnomaly(AnomalyCode::kFdPacketMissing,
                         absl::StrCat("next packet was ", next.type));
    out.push_back(std::move(*pending_));
    pending_.reset();
    DecodeIdle(packet, std::move(next), &out);
    return out;
  }
  DecodeIdle(packet, parser_.Parse(packet.data), &out);
  return out;
}

void PacketDecoder::DecodeIdle(WirePacket& packet, SyncMessage message,
                               std::vector<SyncMessage>* out) {
  if (!packet.fds.empty() && !IsSyncMessage(message)) {
    message.Clear();
    message.raw = std::move(packet.data);
    message.is_raw_packet = true;
    message.AddAnomaly(AnomalyCode::kUnannouncedFdPacket,
                       absl::StrCat("fds ", FdList(packet.fds)));
    message.stray_fds = std::move(packet.fds);
  } else if (!packet.fds.empty()) {
    message.AddAnomaly(AnomalyCode::kFdsOnJsonPacket, absl::StrCat("fds ", FdList(packet.fds)));
    message.stray_fds = std::move(packet.fds);
  }
  if (packet.control_truncated) message.AddAnomaly(AnomalyCode::kControlTruncated);
  if (options_.expect_fd_packets && !message.is_raw_packet &&
      (message.flags & kSyncFlagHasFd) != 0) {
    pending_ = std::move(message);
    return;
  }
  out->push_back(std::move(message));
}

void PacketDecoder::CompleteWithFdPacket(WirePacket& packet, std::vector<SyncMessage>* out) {
  SyncMessage message = std::move(*pending_);
  pending_.reset();
  AttachedFile file;
  file.name = std::move(packet.data);
  if (!packet.fds.empty()) {
    file.fd = packet.fds.front();
    if (packet.fds.size() > 1) {
      message.AddAnomaly(AnomalyCode::kFdPacketManyFds,
                         absl::StrCat(packet.fds.size(), " fds: ", FdList(packet.fds)));
      message.stray_fds.assign(packet.fds.begin() + 1, packet.fds.end());
    }
  } else if (!packet.control_truncated) {
    message.AddAnomaly(AnomalyCode::kFdPacketNoFd);
  }
  if (packet.control_truncated) {
    message.AddAnomaly(AnomalyCode::kControlTruncated, "on the fd packet");
  }
  message.file = std::move(file);
  out->push_back(std::move(message));
}

std::vector<SyncMessage> PacketDecoder::Finish() {
  std::vector<SyncMessage> out;
  if (pending_.has_value()) {
    pending_->AddAnomaly(AnomalyCode::kEofBeforeFdPacket);
    out.push_back(std::move(*pending_));
    pending_.reset();
  }
  return out;
}

}  // namespace synctrace
