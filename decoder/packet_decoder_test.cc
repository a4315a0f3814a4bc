// The per-direction state machine: a flags:0b1 message and its fd packet.
#include "decoder/packet_decoder.h"

#include "decoder/test_util.h"
#include "gtest/gtest.h"

namespace synctrace {
namespace {

WirePacket Packet(std::string data, std::vector<FdDescription> fds = {}, bool truncated = false) {
  return WirePacket{std::move(data), std::move(fds), truncated};
}

constexpr char kMountFd[] = R"({"type":"procMountFd","flags":1,"arg":{"type":"open_tree"}})";

TEST(PacketDecoder, PlainMessageCompletesAtOnce) {
  PacketDecoder decoder;
  std::vector<SyncMessage> out = decoder.Feed(Packet(R"({"type":"procReady","flags":0})"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].String(), "type:procReady");
  EXPECT_FALSE(decoder.AwaitingFdPacket());
  EXPECT_TRUE(decoder.Finish().empty());
}

TEST(PacketDecoder, FdPacketCompletesTheAnnouncedMessage) {
  PacketDecoder decoder;
  EXPECT_TRUE(decoder.Feed(Packet(kMountFd)).empty());
  EXPECT_TRUE(decoder.AwaitingFdPacket());
  std::vector<SyncMessage> out = decoder.Feed(Packet("/data", {Fd(9, "/data")}));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].String(), R"(type:procMountFd flags:0b1 arg:{"type":"open_tree"} file:/data (fd:9))");
  EXPECT_EQ(AnomalyNames(out[0]), "");
  EXPECT_EQ(out[0].file->fd.path, "/data");
  EXPECT_EQ(out[0].raw, kMountFd);
  EXPECT_FALSE(decoder.AwaitingFdPacket());
}

TEST(PacketDecoder, FileNameKeptByteForByte) {
  PacketDecoder decoder;
  decoder.Feed(Packet(kMountFd));
  std::string name("/odd\n\xff name", 11);
  std::vector<SyncMessage> out = decoder.Feed(Packet(name, {Fd(4)}));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].file->name, name);
}

TEST(PacketDecoder, JsonInsteadOfFdPacket) {
  PacketDecoder decoder;
  decoder.Feed(Packet(kMountFd));
  std::vector<SyncMessage> out = decoder.Feed(Packet(R"({"type":"procRun"})"));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(AnomalyNames(out[0]), "fd-packet-missing");
  EXPECT_FALSE(out[0].file.has_value());
  EXPECT_EQ(out[1].String(), "type:procRun");
  EXPECT_EQ(AnomalyNames(out[1]), "");
}

TEST(PacketDecoder, FdPacketWithoutFd) {
  PacketDecoder decoder;
  decoder.Feed(Packet(kMountFd));
  std::vector<SyncMessage> out = decoder.Feed(Packet("/data"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(AnomalyNames(out[0]), "fd-packet-no-fd");
  EXPECT_EQ(out[0].String(), R"(type:procMountFd flags:0b1 arg:{"type":"open_tree"} file:/data (fd:-1))");
}

TEST(PacketDecoder, FdPacketWithSeveralFds) {
  PacketDecoder decoder;
  decoder.Feed(Packet(kMountFd));
  std::vector<SyncMessage> out = decoder.Feed(Packet("/data", {Fd(9), Fd(10), Fd(11)}));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(AnomalyNames(out[0]), "fd-packet-many-fds");
  EXPECT_EQ(out[0].file->fd.fd, 9);
  ASSERT_EQ(out[0].stray_fds.size(), 2u);
  EXPECT_EQ(out[0].stray_fds[1].fd, 11);
}

TEST(PacketDecoder, ControlTruncated) {
  PacketDecoder decoder;
  decoder.Feed(Packet(kMountFd));
  std::vector<SyncMessage> out = decoder.Feed(Packet("/data", {}, /*truncated=*/true));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(AnomalyNames(out[0]), "control-truncated");
  out = decoder.Feed(Packet(R"({"type":"procReady"})", {}, true));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(AnomalyNames(out[0]), "control-truncated");
}

TEST(PacketDecoder, UnannouncedFdPacket) {
  PacketDecoder decoder;
  std::vector<SyncMessage> out = decoder.Feed(Packet("/data", {Fd(7)}));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].is_raw_packet);
  EXPECT_EQ(AnomalyNames(out[0]), "unannounced-fd-packet");
  EXPECT_EQ(out[0].String(), "raw:/data (fd:7)");
  ASSERT_EQ(out[0].stray_fds.size(), 1u);
}

TEST(PacketDecoder, FdsOnJsonPacket) {
  PacketDecoder decoder;
  std::vector<SyncMessage> out = decoder.Feed(Packet(R"({"type":"procReady"})", {Fd(5), Fd(6)}));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].String(), "type:procReady");
  EXPECT_EQ(AnomalyNames(out[0]), "fds-on-json-packet");
  EXPECT_EQ(out[0].stray_fds.size(), 2u);
}

TEST(PacketDecoder, EofBeforeFdPacket) {
  PacketDecoder decoder;
  decoder.Feed(Packet(kMountFd));
  std::vector<SyncMessage> out = decoder.Finish();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(AnomalyNames(out[0]), "eof-before-fd-packet");
  EXPECT_FALSE(decoder.AwaitingFdPacket());
}

TEST(PacketDecoder, WithoutFdPacketsFlagsOneIsComplete) {
  PacketDecoder decoder(PacketDecoderOptions{/*expect_fd_packets=*/false});
  std::vector<SyncMessage> out = decoder.Feed(Packet(kMountFd));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].String(), R"(type:procMountFd flags:0b1 arg:{"type":"open_tree"})");
  EXPECT_EQ(AnomalyNames(out[0]), "");
  EXPECT_TRUE(decoder.Finish().empty());
}

TEST(PacketDecoder, BadPacketsStillComeOut) {
  PacketDecoder decoder;
  for (const char* bad : {"", "not json", "[1]", "{\"type\":1}"}) {
    std::vector<SyncMessage> out = decoder.Feed(Packet(bad));
    ASSERT_EQ(out.size(), 1u) << bad;
    EXPECT_FALSE(out[0].anomalies.empty()) << bad;
    EXPECT_EQ(out[0].raw, bad);
  }
}

}  // namespace
}  // namespace synctrace
