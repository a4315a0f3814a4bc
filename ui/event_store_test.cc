#include "ui/event_store.h"

#include <thread>

#include "gtest/gtest.h"
#include "ui/test_events.h"

namespace synctrace {
namespace {

constexpr Direction kUp = Direction::kChildToParent;
constexpr Direction kDown = Direction::kParentToChild;

TEST(EventStoreTest, DecodeGivesBackTheWholeEvent) {
  EventStore store;
  TraceEvent e = TestMessage(7, kDown, "procMountFd", R"({"type":"open_tree"})", 5000);
  e.message.flags = 1;
  e.message.file = TestMountFile("/data");
  e.message.anomalies.push_back(MakeAnomaly(AnomalyCode::kUnknownField, "key \"x\""));
  e.pair_seq = 6;
  e.latency_ns = 1200;
  store.Add(e);

  EventStore::Reader r(store);
  ASSERT_EQ(r.end() - r.begin(), 1u);
  TraceEvent back = r.Decode(r.begin());
  EXPECT_EQ(back.seq, 7u);
  EXPECT_EQ(back.mono_ns, 5000);
  EXPECT_EQ(back.direction, kDown);
  EXPECT_EQ(back.message.type, "procMountFd");
  EXPECT_EQ(back.message.raw, e.message.raw);
  EXPECT_EQ(back.message.flags, 1);
  ASSERT_TRUE(back.message.arg().has_value());
  EXPECT_EQ(*back.message.arg(), R"({"type":"open_tree"})");
  ASSERT_TRUE(back.message.file.has_value());
  EXPECT_EQ(back.message.file->name, "/data");
  EXPECT_EQ(back.message.file->fd.fd, 9);
  EXPECT_EQ(back.message.file->fd.kind, "detached mount (open_tree)");
  EXPECT_EQ(back.message.file->fd.ino, 1234u);
  EXPECT_TRUE(back.message.file->fd.described);
  ASSERT_EQ(back.anomalies().size(), 1u);
  EXPECT_EQ(back.anomalies()[0].code, AnomalyCode::kUnknownField);
  EXPECT_EQ(back.anomalies()[0].detail, "key \"x\"");
  EXPECT_EQ(back.latency_ns, 1200);
  const StoreRecord& rec = r.record(r.begin());
  EXPECT_TRUE(rec.has(StoreRecord::kBitHasFile));
  EXPECT_EQ(rec.anomaly_count, 1);
}

TEST(EventStoreTest, UnknownTypeNameIsKept) {
  EventStore store;
  store.Add(TestMessage(1, kUp, "procBogus", "", 10));
  EventStore::Reader r(store);
  EXPECT_EQ(r.Decode(r.begin()).message.type, "procBogus");
  EXPECT_EQ(r.record(r.begin()).type_id, SyncTypeId::kUnknown);
}

TEST(EventStoreTest, CountsSessionsPairingAndPending) {
  EventStore store;
  store.Add(TestSessionEvent(1, EventKind::kSessionStart, 1, 100, 4000, 4001));
  TraceEvent req = TestMessage(2, kUp, "procHooks", "", 1000);
  store.Add(req);
  {
    EventStore::Reader r(store);
    std::vector<PendingRequest> p = r.pending();
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0].seq, 2u);
    EXPECT_EQ(p[0].type_id, SyncTypeId::kProcHooks);
    EXPECT_EQ(p[0].since_mono_ns, 1000);
    EXPECT_TRUE(r.record(r.begin() + 1).has(StoreRecord::kBitRequest));
  }
  TraceEvent reply = TestMessage(3, kDown, "procHooksDone", "", 3000);
  reply.pair_seq = 2;
  reply.latency_ns = 2000;
  store.Add(reply);
  TraceEvent err = TestMessage(4, kUp, "procError", R"({"message":"boom"})", 4000);
  store.Add(err);
  store.Add(TestDroppedEvent(5, 12));

  EventStore::Reader r(store);
  EXPECT_TRUE(r.pending().empty());
  int64_t req_ordinal = r.FindSeq(2);
  ASSERT_GE(req_ordinal, 0);
  EXPECT_EQ(r.record(static_cast<uint64_t>(req_ordinal)).pair_seq, 3u);  // linked back
  const StoreStats& st = r.stats();
  EXPECT_EQ(st.messages, 3u);
  EXPECT_EQ(st.by_direction[0], 2u);
  EXPECT_EQ(st.by_direction[1], 1u);
  EXPECT_EQ(st.by_type[static_cast<int>(SyncTypeId::kProcHooks)][0], 1u);
  EXPECT_EQ(st.by_type[static_cast<int>(SyncTypeId::kProcHooksDone)][1], 1u);
  EXPECT_EQ(st.errors, 1u);
  EXPECT_EQ(st.missed, 12u);
  EXPECT_EQ(st.bytes, req.message.raw.size() + reply.message.raw.size() + err.message.raw.size());
  ASSERT_EQ(r.sessions().count(1), 1u);
  EXPECT_EQ(r.sessions().at(1).parent_pid, 4000);
  EXPECT_EQ(r.sessions().at(1).child_pid, 4001);
  EXPECT_EQ(r.sessions().at(1).state, SessionState::kFailed);  // procError seen
  EXPECT_TRUE(r.record(r.begin() + 3).has(StoreRecord::kBitError));
}

TEST(EventStoreTest, SessionEndClearsPendingAndEnds) {
  EventStore store;
  store.Add(TestSessionEvent(1, EventKind::kSessionStart, 2, 100, 1, 2));
  store.Add(TestMessage(2, kUp, "procReady", "", 200, 2));
  store.Add(TestSessionEvent(3, EventKind::kSessionEnd, 2, 300, 0, 0, "both sides closed"));
  EventStore::Reader r(store);
  EXPECT_TRUE(r.pending().empty());
  EXPECT_EQ(r.sessions().at(2).state, SessionState::kEnded);
  EXPECT_EQ(r.sessions().at(2).end_reason, "both sides closed");
}

TEST(EventStoreTest, StaysBoundedAndKeepsOrdinals) {
  EventStore store(/*max_events=*/1000);
  for (uint64_t i = 1; i <= 5000; ++i) {
    store.Add(TestMessage(i, i % 2 ? kUp : kDown, "procReady", "", static_cast<int64_t>(i)));
  }
  EventStore::Reader r(store);
  EXPECT_LE(r.end() - r.begin(), 1000u);
  EXPECT_EQ(r.end(), 5000u);
  EXPECT_EQ(r.stats().evicted, r.begin());
  EXPECT_EQ(r.Decode(r.end() - 1).seq, 5000u);
  EXPECT_EQ(r.Decode(r.begin()).seq, r.begin() + 1);
  EXPECT_EQ(r.FindSeq(1), -1);  // evicted
  EXPECT_EQ(r.FindSeq(4999), 4998);
  EXPECT_EQ(r.stats().messages, 5000u);  // figures count everything seen
}

TEST(EventStoreTest, ByteBudgetEvictsOldBlobs) {
  EventStore store(/*max_events=*/1000000, /*max_blob_bytes=*/4 << 20);
  std::string big_arg = "\"" + std::string(4000, 'x') + "\"";
  for (uint64_t i = 1; i <= 5000; ++i) store.Add(TestMessage(i, kUp, "procSeccomp", big_arg, 1));
  EventStore::Reader r(store);
  EXPECT_LE(r.blob_bytes(), size_t{5} << 20);
  EXPECT_GT(r.stats().evicted, 0u);
  EXPECT_EQ(*r.Decode(r.end() - 1).message.arg(), big_arg);
  EXPECT_EQ(*r.Decode(r.begin()).message.arg(), big_arg);
}

TEST(EventStoreTest, MarkersRepeatTheSeqBeforeThem) {
  EventStore store;
  store.Add(TestMessage(1, kUp, "procReady", "", 10));
  store.AddMarker(20, "mark 1");
  store.Add(TestMessage(2, kDown, "procRun", "", 30));
  EventStore::Reader r(store);
  EXPECT_EQ(r.record(1).kind, RowKind::kMarker);
  EXPECT_EQ(r.Decode(1).text, "mark 1");
  EXPECT_EQ(r.FindSeq(1), 0);
  EXPECT_EQ(r.FindSeq(2), 2);
}

TEST(EventStoreTest, ReadersSeeConsistentStoreWhileWriting) {
  EventStore store(/*max_events=*/10000);
  std::thread writer([&] {
    for (uint64_t i = 1; i <= 50000; ++i) store.Add(TestMessage(i, kUp, "procReady", "", 1));
  });
  uint64_t last_end = 0;
  while (last_end < 50000) {
    EventStore::Reader r(store);
    if (r.end() > r.begin()) {
      EXPECT_EQ(r.Decode(r.end() - 1).seq, r.end());
    }
    EXPECT_GE(r.end(), last_end);
    last_end = r.end();
  }
  writer.join();
}

}  // namespace
}  // namespace synctrace
