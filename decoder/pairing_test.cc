// Request/reply pairing: latency, unexpected replies, overlap, leftovers.
#include "decoder/pairing.h"

#include "decoder/packet_decoder.h"
#include "decoder/test_util.h"
#include "gtest/gtest.h"

namespace synctrace {
namespace {

class PairingTest : public ::testing::Test {
 protected:
  TraceEvent Send(Direction direction, const std::string& type, int64_t mono_ns) {
    TraceEvent event;
    event.seq = ++seq_;
    event.mono_ns = mono_ns;
    event.session = 1;
    event.direction = direction;
    event.message = parser_.Parse(R"({"type":")" + type + R"(","arg":{"message":"x"}})");
    event.message.anomalies.clear();  // arg rules are not what is tested here
    answered_ = pairer_.OnMessage(&event);
    return event;
  }
  static constexpr Direction kUp = Direction::kChildToParent;
  static constexpr Direction kDown = Direction::kParentToChild;

  JsonPacketParser parser_;
  RequestPairer pairer_;
  uint64_t seq_ = 0;
  std::optional<uint64_t> answered_;
};

TEST_F(PairingTest, ReplyLinkedWithLatency) {
  TraceEvent request = Send(kUp, "procReady", 1000);
  EXPECT_FALSE(answered_.has_value());
  TraceEvent reply = Send(kDown, "procRun", 121000);
  EXPECT_EQ(answered_, request.seq);
  EXPECT_EQ(reply.pair_seq, request.seq);
  EXPECT_EQ(reply.latency_ns, 120000);
  EXPECT_EQ(AnomalyNames(reply.message), "");
  EXPECT_TRUE(pairer_.OnSessionEnd().empty());
}

TEST_F(PairingTest, ProcErrorAnswersAnyRequest) {
  TraceEvent request = Send(kUp, "procHooks", 0);
  TraceEvent reply = Send(kDown, "procError", 50);
  EXPECT_EQ(reply.pair_seq, request.seq);
  EXPECT_EQ(AnomalyNames(reply.message), "");
  // procError with nothing open is a plain notification.
  TraceEvent alone = Send(kUp, "procError", 60);
  EXPECT_EQ(AnomalyNames(alone.message), "");
}

TEST_F(PairingTest, UnexpectedReply) {
  TraceEvent reply = Send(kDown, "procRun", 0);
  EXPECT_EQ(AnomalyNames(reply.message), "unexpected-reply");
  Send(kUp, "procHooks", 10);
  TraceEvent wrong = Send(kDown, "procRun", 20);
  EXPECT_EQ(AnomalyNames(wrong.message), "unexpected-reply");
  EXPECT_NE(wrong.message.anomalies[0].detail.find("procHooks (seq 2)"), std::string::npos);
  EXPECT_EQ(wrong.pair_seq, 0u);
}

TEST_F(PairingTest, Overlap) {
  Send(kUp, "procMountPlease", 0);
  TraceEvent second = Send(kUp, "procReady", 10);
  EXPECT_EQ(AnomalyNames(second.message), "request-overlap");
  TraceEvent reply = Send(kDown, "procRun", 30);
  EXPECT_EQ(reply.pair_seq, second.seq);
  EXPECT_EQ(reply.latency_ns, 20);
}

TEST_F(PairingTest, UnansweredAtEnd) {
  Send(kUp, "procSeccomp", 0);
  std::vector<Anomaly> left = pairer_.OnSessionEnd();
  EXPECT_EQ(AnomalyNames(left), "unanswered-request");
  EXPECT_NE(left[0].detail.find("procSeccomp (seq 1)"), std::string::npos);
  EXPECT_TRUE(pairer_.OnSessionEnd().empty());
}

TEST_F(PairingTest, WrongSender) {
  TraceEvent event = Send(kDown, "procReady", 0);
  EXPECT_EQ(AnomalyNames(event.message), "wrong-sender");
  TraceEvent reply = Send(kUp, "procRun", 5);  // answers it, but from the wrong side
  EXPECT_EQ(AnomalyNames(reply.message), "wrong-sender");
  EXPECT_EQ(reply.pair_seq, event.seq);
}

TEST_F(PairingTest, ExecSession) {
  pairer_.SetExecSession(true);
  EXPECT_EQ(AnomalyNames(Send(kUp, "procHooks", 0).message), "not-allowed-in-exec");
  EXPECT_EQ(AnomalyNames(Send(kDown, "procHooksDone", 1).message), "not-allowed-in-exec");
  EXPECT_EQ(AnomalyNames(Send(kUp, "procReady", 2).message), "");
}

TEST_F(PairingTest, IgnoresRawPacketsAndOtherKinds) {
  TraceEvent raw;
  raw.message = parser_.Parse("not json");
  EXPECT_FALSE(pairer_.OnMessage(&raw).has_value());
  TraceEvent note;
  note.kind = EventKind::kNote;
  EXPECT_FALSE(pairer_.OnMessage(&note).has_value());
  EXPECT_EQ(AnomalyNames(raw.message), "invalid-json");
}

}  // namespace
}  // namespace synctrace
