// Tests for the Trace pipeline: order, session events, and an observer that
// falls behind (events dropped and counted, never blocking the producer).
#include "tracer/trace.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tracer/recording_sink.h"

namespace synctrace {
namespace {

WirePacket Packet(std::string data) {
  WirePacket p;
  p.data = std::move(data);
  return p;
}

TEST(TraceTest, SessionEventsAndMessagesInOrderWithSequenceNumbers) {
  RecordingSink sink;
  Trace trace({&sink}, MonotonicNowNs());
  SessionInfo info;
  info.parent_pid = 100;
  info.child_pid = 101;
  int s = trace.StartSession(info);
  EXPECT_EQ(s, 1);
  trace.OnPacket(s, Direction::kChildToParent, Packet(R"({"type":"procReady","flags":0})"),
                 MonotonicNowNs());
  trace.OnPacket(s, Direction::kParentToChild, Packet(R"({"type":"procRun","flags":0})"),
                 MonotonicNowNs());
  trace.EndSession(s, "both sides closed");
  trace.Close();
  EXPECT_TRUE(sink.closed());
  std::vector<TraceEvent> events = sink.events();
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].kind, EventKind::kSessionStart);
  EXPECT_EQ(events[0].session_info.child_pid, 101);
  EXPECT_EQ(events[1].message.type, "procReady");
  EXPECT_EQ(events[2].message.type, "procRun");
  EXPECT_EQ(events[2].pair_seq, events[1].seq);  // the reply names its request
  EXPECT_GE(events[2].latency_ns, 0);
  EXPECT_EQ(events[3].kind, EventKind::kSessionEnd);
  for (size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i].seq, i + 1);
}

TEST(TraceTest, UnansweredRequestIsReportedAtSessionEnd) {
  RecordingSink sink;
  Trace trace({&sink}, MonotonicNowNs());
  int s = trace.StartSession(SessionInfo{});
  trace.OnPacket(s, Direction::kChildToParent, Packet(R"({"type":"procHooks","flags":0})"),
                 MonotonicNowNs());
  trace.EndSession(s, "");
  trace.Close();
  std::vector<TraceEvent> events = sink.events();
  ASSERT_FALSE(events.empty());
  const TraceEvent& end = events.back();
  ASSERT_EQ(end.kind, EventKind::kSessionEnd);
  ASSERT_EQ(end.anomalies().size(), 1u);
  EXPECT_EQ(end.anomalies()[0].code, AnomalyCode::kUnansweredRequest);
}

TEST(TraceTest, ABlockedObserverCostsDroppedEventsThatAreReported) {
  RecordingSink sink;
  Trace trace({&sink}, MonotonicNowNs(), /*queue_capacity=*/16);
  int s = trace.StartSession(SessionInfo{});
  sink.WaitForEvents(1);
  sink.Block();
  // The dispatcher is now stuck in Consume; the producer must never block.
  trace.OnPacket(s, Direction::kChildToParent, Packet(R"({"type":"procHooks","flags":0})"),
                 MonotonicNowNs());
  sink.WaitForEvents(2);  // ...stuck on this one now
  const int kPackets = 1000;
  for (int i = 0; i < kPackets; ++i) {
    trace.OnPacket(s, Direction::kChildToParent, Packet(R"({"type":"procReady","flags":0})"),
                   MonotonicNowNs());
  }
  EXPECT_EQ(trace.dropped(), static_cast<uint64_t>(kPackets - 16));
  sink.Release();
  trace.Close();
  uint64_t reported = 0;
  for (const TraceEvent& e : sink.events()) {
    if (e.kind == EventKind::kEventsDropped) {
      reported += e.dropped;
      ASSERT_EQ(e.anomalies().size(), 1u);
      EXPECT_EQ(e.anomalies()[0].code, AnomalyCode::kEventsDropped);
    }
  }
  EXPECT_EQ(reported, trace.dropped());
  EXPECT_EQ(sink.Count(EventKind::kMessage), 1u + 16u);
}

}  // namespace
}  // namespace synctrace
