// The text and JSON Lines formats; JSON round trip through ParseJsonLogLine.
#include "absl/time/time.h"
#include "decoder/json_format.h"
#include "decoder/packet_decoder.h"
#include "decoder/test_util.h"
#include "decoder/text_format.h"
#include "gtest/gtest.h"
#include "simdjson.h"

namespace synctrace {
namespace {

constexpr int64_t kStart = 5'000'000'000;

TraceEvent MessageEvent(const std::string& packet, Direction direction, int64_t after_ns) {
  TraceEvent event;
  event.seq = 3;
  event.mono_ns = kStart + after_ns;
  event.wall = absl::FromUnixMicros(1796005397123456);
  event.session = 1;
  event.direction = direction;
  JsonPacketParser parser;
  event.message = parser.Parse(packet);
  return event;
}

TEST(TextFormat, MessageLine) {
  TextFormatter text(kStart);
  TraceEvent e = MessageEvent(R"({"type":"procReady","flags":0})", Direction::kChildToParent, 4211000);
  EXPECT_EQ(text.Format(e), "0.004211 s1 child->parent type:procReady\n");
  EXPECT_EQ(text.Seconds(kStart - 1500), "-0.000001");
  EXPECT_EQ(text.Seconds(kStart + 12'345'678'901), "12.345678");
}

TEST(TextFormat, AnomaliesAndOtherLinesStartWithHash) {
  TextFormatter text(kStart);
  TraceEvent e = MessageEvent("{\"type\":\"proc\\nX\",\"arg\":{\n}}", Direction::kParentToChild, 0);
  std::string out = text.Format(e);
  EXPECT_EQ(out,
            "0.000000 s1 parent->child type:proc\\nX arg:{\\n}\n"
            "# 0.000000 s1 parent->child anomaly unknown-type: " +
                e.message.anomalies[0].Explain() + "\n");

  TraceEvent start;
  start.kind = EventKind::kSessionStart;
  start.session = 2;
  start.mono_ns = kStart;
  start.session_info.parent_pid = 100;
  start.session_info.child_pid = 101;
  EXPECT_EQ(text.Format(start), "# 0.000000 s2 session start: parent pid 100, child pid 101\n");

  TraceEvent end;
  end.kind = EventKind::kSessionEnd;
  end.session = 2;
  end.mono_ns = kStart + 120'000'000;
  end.message.AddAnomaly(AnomalyCode::kUnansweredRequest, "procReady (seq 4) sent child->parent");
  EXPECT_EQ(text.Format(end),
            "# 0.120000 s2 session end\n"
            "# 0.120000 s2 anomaly unanswered-request: " + end.anomalies()[0].Explain() + "\n");

  // The Trace's texts carry their label already; the line does not repeat it.
  start.text = "session start: parent pid 100, child pid 101";
  EXPECT_EQ(text.Format(start), "# 0.000000 s2 session start: parent pid 100, child pid 101\n");
  end.message.anomalies.clear();
  end.text = "session end: stopped by synctrace";
  EXPECT_EQ(text.Format(end), "# 0.120000 s2 session end: stopped by synctrace\n");
  end.text = "session end";
  EXPECT_EQ(text.Format(end), "# 0.120000 s2 session end\n");

  TraceEvent dropped;
  dropped.kind = EventKind::kEventsDropped;
  dropped.mono_ns = kStart + 300'000'000;
  dropped.dropped = 12;
  EXPECT_EQ(text.Format(dropped), "# 0.300000 dropped 12 events: the log fell behind\n");

  TraceEvent note;
  note.kind = EventKind::kNote;
  note.session = 1;
  note.mono_ns = kStart;
  note.text = "child closed\nits end";
  EXPECT_EQ(text.Format(note), "# 0.000000 s1 note: child closed\\nits end\n");
}

TEST(JsonFormat, StringsEscaped) {
  std::string out;
  AppendJsonString(std::string("a\"\\\n\x01\xff\xc3\xa9", 8), &out);
  EXPECT_EQ(out, "\"a\\\"\\\\\\n\\u0001\\ufffd\xc3\xa9\"");
}

TEST(JsonFormat, MessageLineIsValidJsonWithEmbeddedArg) {
  JsonFormatter json(kStart);
  TraceEvent e = MessageEvent(R"({"type":"procMountFd","flags":1,"arg":{"type":"open_tree"}})",
                              Direction::kParentToChild, 4211000);
  e.message.file = AttachedFile{"/data", Fd(9, "/data")};
  e.pair_seq = 2;
  e.latency_ns = 120000;
  std::string line = json.Format(e);
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_NE(line.find(R"("t":0.004211,"time":"2026-11-30T02:23:17.123456Z","session":"s1")"),
            std::string::npos) << line;
  EXPECT_NE(line.find(R"("arg":{"type":"open_tree"})"), std::string::npos) << line;
  EXPECT_NE(line.find(R"("file":{"name":"/data","fd":9,"kind":"directory")"), std::string::npos)
      << line;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(line).get(root), simdjson::SUCCESS) << line;
  std::string_view string;
  ASSERT_EQ(root["string"].get(string), simdjson::SUCCESS);
  EXPECT_EQ(string, R"(type:procMountFd flags:0b1 arg:{"type":"open_tree"} file:/data (fd:9))");
}

void ExpectRoundTrip(const TraceEvent& e) {
  JsonFormatter json(kStart);
  std::string line = json.Format(e);
  absl::StatusOr<TraceEvent> back = ParseJsonLogLine(line.substr(0, line.size() - 1));
  ASSERT_TRUE(back.ok()) << back.status() << " for " << line;
  EXPECT_EQ(json.Format(*back), line);
  EXPECT_EQ(back->seq, e.seq);
  EXPECT_EQ(back->kind, e.kind);
  EXPECT_EQ(back->session, e.session);
  EXPECT_EQ(back->wall, e.wall);
  EXPECT_EQ(back->message.raw, e.message.raw);
  EXPECT_EQ(back->message.String(), e.message.String());
  EXPECT_EQ(AnomalyNames(back->message), AnomalyNames(e.message));
}

TEST(JsonFormat, RoundTripThroughParseJsonLogLine) {
  TraceEvent plain = MessageEvent(R"({"type":"procReady"})", Direction::kChildToParent, 10);
  ExpectRoundTrip(plain);

  TraceEvent with_file = MessageEvent(R"({"type":"procMountFd","flags":1,"arg":{"type":"open_tree"}})",
                                      Direction::kParentToChild, 20);
  with_file.message.file = AttachedFile{std::string("/da\xfft\na", 8), Fd(9, "/data")};
  with_file.message.stray_fds = {Fd(10), Fd(11, "/x")};
  with_file.message.AddAnomaly(AnomalyCode::kFdPacketManyFds, "3 fds: 9, 10, 11");
  with_file.pair_seq = 2;
  with_file.latency_ns = 777;
  ExpectRoundTrip(with_file);

  TraceEvent bad_utf8 = MessageEvent("{\"type\":\"procError\",\"arg\":{\"message\":\"\xff\"}}",
                                     Direction::kChildToParent, 30);
  ExpectRoundTrip(bad_utf8);
  EXPECT_NE(JsonFormatter(kStart).Format(bad_utf8).find("\"arg_raw\":"), std::string::npos);

  TraceEvent raw = MessageEvent("", Direction::kChildToParent, 40);
  raw.message.Clear();
  raw.message.raw = "/data";
  raw.message.is_raw_packet = true;
  raw.message.stray_fds = {Fd(7)};
  raw.message.AddAnomaly(AnomalyCode::kUnannouncedFdPacket, "fds 7");
  ExpectRoundTrip(raw);

  TraceEvent invalid = MessageEvent("{oops", Direction::kChildToParent, 50);
  ExpectRoundTrip(invalid);

  TraceEvent start;
  start.kind = EventKind::kSessionStart;
  start.seq = 1;
  start.session = 4;
  start.mono_ns = kStart;
  start.session_info = SessionInfo{100, 101, "runc run -d c1", "c1", "standard"};
  start.text = "interposed";
  ExpectRoundTrip(start);

  TraceEvent dropped;
  dropped.kind = EventKind::kEventsDropped;
  dropped.seq = 9;
  dropped.dropped = 12;
  ExpectRoundTrip(dropped);
}

TEST(JsonFormat, ParseRejectsBadLines) {
  EXPECT_FALSE(ParseJsonLogLine("not json").ok());
  EXPECT_FALSE(ParseJsonLogLine("[]").ok());
  EXPECT_FALSE(ParseJsonLogLine(R"({"kind":"bogus"})").ok());
  EXPECT_FALSE(ParseJsonLogLine(R"({"kind":"message","dir":"child->parent"})").ok());
  EXPECT_FALSE(ParseJsonLogLine(R"({"kind":"message","raw":"e30=","dir":"up"})").ok());
  EXPECT_FALSE(ParseJsonLogLine(R"({"kind":"note","session":"x1"})").ok());
  EXPECT_TRUE(ParseJsonLogLine(R"({"kind":"note","session":"s1","text":"hi"})").ok());
}

}  // namespace
}  // namespace synctrace
