// Nothing a peer sends may crash the decoder or make it throw: mutated and
// random packets, with and without fds, through the whole state machine and
// both output formats. (Run under --config=asan as well.)
#include <random>

#include "decoder/json_format.h"
#include "decoder/packet_decoder.h"
#include "decoder/test_util.h"
#include "decoder/text_format.h"
#include "gtest/gtest.h"

namespace synctrace {
namespace {

const char* const kSeeds[] = {
    R"({"type":"procReady","flags":0})",
    R"({"type":"procMountPlease","flags":0,"arg":{"source":"/data","destination":"/mnt","flags":20480,"propagation_flags":[278528],"rec_attr":null,"id_mapping":{"recursive":false}}})",
    R"({"type":"procMountFd","flags":1,"arg":{"type":"open_tree"}})",
    R"({"type":"procSeccomp","flags":0,"arg":7})",
    R"({"type":"procError","flags":0,"arg":{"message":"a \u003cb\u003e \"q\" \ud83d\ude00"}})",
};

std::string Mutate(std::string packet, std::mt19937& rng) {
  const char kInteresting[] = "{}[]\",:\\u0123456789-+.eEtrufalsn \t\n\x00\x1f\x7f\x80\xbf\xc0\xed\xf4\xff";
  int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits && !packet.empty(); ++e) {
    size_t at = rng() % packet.size();
    char c = kInteresting[rng() % (sizeof kInteresting - 1)];
    switch (rng() % 4) {
      case 0: packet[at] = c; break;
      case 1: packet.insert(packet.begin() + static_cast<std::ptrdiff_t>(at), c); break;
      case 2: packet.erase(at, 1 + rng() % 3); break;
      default: packet.resize(at); break;
    }
  }
  return packet;
}

void CheckInvariants(const SyncMessage& m) {
  if (m.has_arg) {
    ASSERT_LE(static_cast<size_t>(m.arg_offset) + m.arg_length, m.raw.size());
  }
  for (const Anomaly& a : m.anomalies) {
    std::string text = a.Explain();
    ASSERT_EQ(text.find('\n'), std::string::npos) << text;
  }
  std::string s = m.String();
  if (m.is_raw_packet) ASSERT_EQ(s.rfind("raw:", 0), 0u);
  else ASSERT_EQ(s.rfind("type:", 0), 0u);
}

TEST(Robustness, MutatedAndRandomPacketsNeverCrash) {
  std::mt19937 rng(20261130);
  PacketDecoder decoder;
  TextFormatter text(0);
  JsonFormatter json(0);
  size_t messages = 0, flagged = 0;
  for (int round = 0; round < 20000; ++round) {
    WirePacket packet;
    if (round % 10 == 9) {
      packet.data.resize(rng() % 64);
      for (char& c : packet.data) c = static_cast<char>(rng());
    } else {
      packet.data = Mutate(kSeeds[rng() % std::size(kSeeds)], rng);
    }
    if (rng() % 8 == 0) {
      for (int n = static_cast<int>(rng() % 3); n >= 0; --n) packet.fds.push_back(Fd(3 + n));
    }
    packet.control_truncated = rng() % 50 == 0;
    for (const SyncMessage& m : decoder.Feed(std::move(packet))) {
      ++messages;
      if (!m.anomalies.empty()) ++flagged;
      CheckInvariants(m);
      TraceEvent event;
      event.message = m;
      std::string line = text.Format(event);
      // One message line plus one '#' line per anomaly.
      ASSERT_EQ(static_cast<size_t>(std::count(line.begin(), line.end(), '\n')),
                1 + m.anomalies.size()) << line;
      std::string json_line = json.Format(event);
      ASSERT_EQ(json_line.find('\n'), json_line.size() - 1);
      absl::StatusOr<TraceEvent> back = ParseJsonLogLine(json_line);
      ASSERT_TRUE(back.ok()) << back.status() << " " << json_line;
      ASSERT_EQ(back->message.raw, m.raw);
      ASSERT_EQ(back->message.String(), m.String());
    }
  }
  for (const SyncMessage& m : decoder.Finish()) CheckInvariants(m);
  EXPECT_GT(messages, 15000u);
  EXPECT_GT(flagged, 5000u);  // most mutations are caught
  EXPECT_LT(flagged, messages);  // and some survive as valid messages
}

}  // namespace
}  // namespace synctrace
