// Row text, filter, detail pane and status bar, without a terminal.
#include "gtest/gtest.h"
#include "absl/strings/match.h"
#include "ui/detail_view.h"
#include "ui/list_filter.h"
#include "ui/row_format.h"
#include "ui/status_line.h"
#include "ui/test_events.h"

namespace synctrace {
namespace {

constexpr Direction kUp = Direction::kChildToParent;
constexpr Direction kDown = Direction::kParentToChild;

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string Join(const std::vector<DetailLine>& lines) {
  std::string out;
  for (const DetailLine& l : lines) out += l.text + "\n";
  return out;
}

TraceEvent MountFd(uint64_t seq, int64_t mono_ns) {
  TraceEvent e = TestMessage(seq, kDown, "procMountFd", R"({"type":"open_tree"})", mono_ns);
  e.message.flags = 1;
  e.message.raw = R"({"type":"procMountFd","flags":1,"arg":{"type":"open_tree"}})";
  e.message.arg_offset = static_cast<uint32_t>(e.message.raw.find("{\"type\":\"open"));
  e.message.file = TestMountFile("/data");
  return e;
}

TEST(RowFormatTest, MessageRowShowsTheEssentials) {
  EventStore store;
  store.Add(TestMessage(1, kUp, "procMountPlease", R"({"source":"/data"})", 1004211000));
  TraceEvent reply = MountFd(2, 1004331000);
  reply.pair_seq = 1;
  reply.latency_ns = 120000;
  store.Add(reply);
  EventStore::Reader r(store);
  RowFormatter fmt(1000000000, /*unicode=*/false);
  std::string req = fmt.Row(r.record(0), r.Decode(0), -1);
  EXPECT_TRUE(absl::StartsWith(req, "  0.004211")) << req;
  EXPECT_TRUE(Has(req, "s1  C->P")) << req;
  EXPECT_TRUE(Has(req, "procMountPlease")) << req;
  EXPECT_TRUE(Has(req, R"({"source":"/data"})")) << req;
  std::string rep = fmt.Row(r.record(1), r.Decode(1), r.record(0).mono_ns);
  EXPECT_TRUE(Has(rep, "+120.0us")) << rep;
  EXPECT_TRUE(Has(rep, "C<-P")) << rep;
  EXPECT_TRUE(Has(rep, "lat 120.0us")) << rep;
  EXPECT_TRUE(Has(rep, "0b1")) << rep;
  EXPECT_TRUE(Has(rep, "file:/data")) << rep;
}

TEST(RowFormatTest, AnEventStampedBeforeTheRowAboveShowsANegativeDelta) {
  EventStore store;
  store.Add(TestMessage(1, kUp, "procSeccomp", "3", 1000200000));
  EventStore::Reader r(store);
  RowFormatter fmt(1000000000, /*unicode=*/false);
  std::string row = fmt.Row(r.record(0), r.Decode(0), 1000381400);
  EXPECT_TRUE(Has(row, " -181.4us ")) << row;
  EXPECT_FALSE(Has(row, "+-")) << row;
}

TEST(RowFormatTest, AnomaliesAreMarkedWithoutColour) {
  EventStore store;
  TraceEvent e = TestMessage(1, kUp, "procBogus", "", 10);
  e.message.anomalies.push_back(MakeAnomaly(AnomalyCode::kUnknownType, "procBogus"));
  store.Add(e);
  EventStore::Reader r(store);
  std::string row = RowFormatter(0, false).Row(r.record(0), r.Decode(0), -1);
  EXPECT_TRUE(Has(row, " ! ")) << row;
  EXPECT_TRUE(Has(row, "[unknown-type]")) << row;
}

TEST(RowFormatTest, FormatsDurationsBytesAndHex) {
  EXPECT_EQ(FormatDuration(850), "850ns");
  EXPECT_EQ(FormatDuration(12300), "12.3us");
  EXPECT_EQ(FormatDuration(1230000), "1.23ms");
  EXPECT_EQ(FormatDuration(2345000000), "2.345s");
  EXPECT_EQ(FormatBytes(512), "512 B");
  EXPECT_EQ(FormatBytes(3277), "3.2 KiB");
  std::vector<std::string> hex = HexDumpLines("{\"type\":\"procReady\"}\n");
  ASSERT_EQ(hex.size(), 2u);
  EXPECT_EQ(hex[0], "0000  7b 22 74 79 70 65 22 3a  22 70 72 6f 63 52 65 61  {\"type\":\"procRea");
  EXPECT_TRUE(absl::StartsWith(hex[1], "0010  64 79 22 7d 0a")) << hex[1];
  EXPECT_TRUE(absl::EndsWith(hex[1], " dy\"}.")) << hex[1];
}

TEST(ListFilterTest, MatchesTypeDirectionSessionAnomalyAndText) {
  EventStore store;
  store.Add(TestMessage(1, kUp, "procHooks", "", 10, 1));
  store.Add(MountFd(2, 20));
  TraceEvent bad = TestMessage(3, kUp, "procReady", "", 30, 2);
  bad.message.anomalies.push_back(MakeAnomaly(AnomalyCode::kRequestOverlap));
  store.Add(bad);
  EventStore::Reader r(store);
  auto matches = [&](const std::string& filter) {
    ListFilter f = ListFilter::Parse(filter);
    std::vector<uint64_t> out;
    for (uint64_t o = r.begin(); o < r.end(); ++o) {
      TraceEvent e = r.Decode(o);
      if (f.Matches(r.record(o), e)) out.push_back(e.seq);
    }
    return out;
  };
  EXPECT_EQ(matches("type:hooks"), std::vector<uint64_t>({1}));
  EXPECT_EQ(matches("dir:p2c"), std::vector<uint64_t>({2}));
  EXPECT_EQ(matches("c2p"), std::vector<uint64_t>({1, 3}));
  EXPECT_EQ(matches("s2"), std::vector<uint64_t>({3}));
  EXPECT_EQ(matches("session:1 type:proc"), std::vector<uint64_t>({1, 2}));
  EXPECT_EQ(matches("!"), std::vector<uint64_t>({3}));
  EXPECT_EQ(matches("OPEN_TREE"), std::vector<uint64_t>({2}));  // text, any case
  EXPECT_EQ(matches("(fd:9)"), std::vector<uint64_t>({2}));     // in runc's String() line
  EXPECT_EQ(matches("overlap"), std::vector<uint64_t>({3}));    // an anomaly's name
  EXPECT_TRUE(matches("nothing-like-this").empty());
}

TEST(DetailViewTest, ShowsStringArgFdPairingAnomaliesAndHex) {
  EventStore store;
  store.Add(TestMessage(1, kUp, "procMountPlease", R"({"source":"/data","flags":[1,2]})", 1000));
  TraceEvent reply = MountFd(2, 2000);
  reply.pair_seq = 1;
  reply.latency_ns = 1000;
  reply.message.anomalies.push_back(MakeAnomaly(AnomalyCode::kUnknownField, "key \"x\""));
  store.Add(reply);
  EventStore::Reader r(store);
  RowFormatter fmt(0, false);
  std::string req = Join(DetailLines(r, 0, fmt));
  EXPECT_TRUE(Has(req, "answered by reply #2: procMountFd")) << req;
  EXPECT_TRUE(Has(req, "arg:\n  {\n    \"source\": \"/data\",\n    \"flags\": [\n      1,\n")) << req;
  std::string rep = Join(DetailLines(r, 1, fmt));
  EXPECT_TRUE(Has(rep, "type:procMountFd flags:0b1 arg:{\"type\":\"open_tree\"} file:/data (fd:9)"))
      << rep;
  EXPECT_TRUE(Has(rep, "answers request #1: procMountPlease")) << rep;
  EXPECT_TRUE(Has(rep, "latency 1.0us")) << rep;
  EXPECT_TRUE(Has(rep, "file: /data\n  fd 9")) << rep;
  EXPECT_TRUE(Has(rep, "! unknown-field: ")) << rep;
  EXPECT_TRUE(Has(rep, MakeAnomaly(AnomalyCode::kUnknownField, "key \"x\"").Explain())) << rep;
  EXPECT_TRUE(Has(rep, "raw packet (59 bytes):\n  0000  7b 22 74 79 70 65")) << rep;
  EXPECT_TRUE(Has(rep, "fd packet data (5 bytes):\n  0000  2f 64 61 74 61")) << rep;
}

TEST(DetailViewTest, UnansweredRequestSaysWhatItExpects) {
  EventStore store;
  store.Add(TestMessage(1, kUp, "procReady", "", 10));
  EventStore::Reader r(store);
  std::string d = Join(DetailLines(r, 0, RowFormatter(0, false)));
  EXPECT_TRUE(Has(d, "no reply yet (expects procRun)")) << d;
}

TEST(StatusLineTest, ShowsSessionsCountsPendingAndView) {
  EventStore store;
  store.Add(TestSessionEvent(1, EventKind::kSessionStart, 1, 0, 4000, 4001));
  store.Add(TestMessage(2, kUp, "procHooks", "", 1000000));
  store.Add(TestDroppedEvent(3, 7));
  EventStore::Reader r(store);
  StatusFigures fig;
  fig.title = "live";
  fig.now_mono_ns = 1500000000;
  fig.start_mono_ns = 0;
  fig.breakpoints = {"procReady"};
  std::vector<std::string> lines = StatusLines(r, fig, 80);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(Has(lines[0], "1.500s | FOLLOW | 1 msgs (C->P 1, C<-P 0) | MISSED 7 events | "
                            "s1 running pid 4000/4001 | 30 B, 0 fds"))
      << lines[0];
  EXPECT_TRUE(Has(lines[0], "MISSED 7 events")) << lines[0];
  EXPECT_TRUE(Has(lines[1], "waiting: s1 procHooks 1.499s")) << lines[1];
  EXPECT_TRUE(Has(lines[1], "break: procReady")) << lines[1];
  EXPECT_TRUE(Has(lines[1], "Hooks 1")) << lines[1];
  fig.paused = true;
  fig.held_back = 3;
  EXPECT_TRUE(Has(StatusLines(r, fig, 80)[0], "PAUSED (+3 new)"));
}

}  // namespace
}  // namespace synctrace
