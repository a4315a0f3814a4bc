// Golden tests: one JSON packet -> String() and anomalies, for every type in
// the protocol table, every example of the protocol notes, and each bad input.
#include <string>

#include "decoder/packet_decoder.h"
#include "decoder/test_util.h"
#include "gtest/gtest.h"

namespace synctrace {
namespace {

struct Golden {
  std::string packet;
  std::string string;     // expected String()
  std::string anomalies;  // expected AnomalyNames()
};

void ExpectGolden(const Golden& g) {
  JsonPacketParser parser;
  SyncMessage m = parser.Parse(g.packet);
  EXPECT_EQ(m.String(), g.string) << "packet: " << g.packet;
  EXPECT_EQ(AnomalyNames(m), g.anomalies) << "packet: " << g.packet;
  EXPECT_EQ(m.raw, g.packet);
  for (const Anomaly& a : m.anomalies) {
    EXPECT_EQ(a.Explain().find('\n'), std::string::npos) << a.Explain();
    EXPECT_FALSE(a.Explain().empty());
  }
}

TEST(JsonPacketParser, EveryTypeInTheTable) {
  const Golden goldens[] = {
      {R"({"type":"procError","flags":0,"arg":{"message":"boom"}})",
       R"(type:procError arg:{"message":"boom"})", ""},
      {R"({"type":"procReady","flags":0})", "type:procReady", ""},
      {R"({"type":"procRun","flags":0})", "type:procRun", ""},
      {R"({"type":"procHooks","flags":0})", "type:procHooks", ""},
      {R"({"type":"procHooksDone","flags":0})", "type:procHooksDone", ""},
      {R"({"type":"procMountPlease","flags":0,"arg":{"source":"/data","destination":"/mnt"}})",
       R"(type:procMountPlease arg:{"source":"/data","destination":"/mnt"})", ""},
      {R"({"type":"procMountFd","flags":1,"arg":{"type":"open_tree"}})",
       R"(type:procMountFd flags:0b1 arg:{"type":"open_tree"})", ""},
      {R"({"type":"procSeccomp","flags":0,"arg":7})", "type:procSeccomp arg:7", ""},
      {R"({"type":"procSeccompDone","flags":0})", "type:procSeccompDone", ""},
  };
  ASSERT_EQ(std::size(goldens), SyncTypeTable().size());
  for (const Golden& g : goldens) ExpectGolden(g);
  // Each golden's type is a distinct table entry.
  JsonPacketParser parser;
  for (size_t i = 0; i < std::size(goldens); ++i) {
    EXPECT_NE(parser.Parse(goldens[i].packet).type_id, SyncTypeId::kUnknown);
  }
}

TEST(JsonPacketParser, ProtocolNotesExamples) {
  const Golden goldens[] = {
      {R"({"type":"procReady"})", "type:procReady", ""},
      {R"({"type":"procMountPlease","flags":0,"arg":{"source":"/data","destination":"/mnt","device":"bind","flags":20480,"cleared_flags":0,"propagation_flags":[278528],"data":"","relabel":"","rec_attr":null,"extensions":0,"id_mapping":null}})",
       R"(type:procMountPlease arg:{"source":"/data","destination":"/mnt","device":"bind","flags":20480,"cleared_flags":0,"propagation_flags":[278528],"data":"","relabel":"","rec_attr":null,"extensions":0,"id_mapping":null})",
       ""},
      {R"({"type":"procMountFd","flags":1,"arg":{"type":"plain-open"}})",
       R"(type:procMountFd flags:0b1 arg:{"type":"plain-open"})", ""},
      {R"({"type":"procError","flags":0,"arg":{"message":"mount failed: permission denied"}})",
       R"(type:procError arg:{"message":"mount failed: permission denied"})", ""},
  };
  for (const Golden& g : goldens) ExpectGolden(g);
}

TEST(JsonPacketParser, GoEscapesAndWhitespaceKeptAsTheyCame) {
  ExpectGolden({R"({"type":"procError","flags":0,"arg":{"message":"a \u003cb\u003e \u0026 \"q\""}})",
                R"(type:procError arg:{"message":"a \u003cb\u003e \u0026 \"q\""})", ""});
  ExpectGolden({"{ \"type\" : \"procSeccomp\" , \"arg\" :  [ 1 , 2 ] \n}",
                "type:procSeccomp arg:[ 1 , 2 ]", ""});
  JsonPacketParser parser;
  SyncMessage m = parser.Parse(R"({"type":"procError","arg":{"message":"\u003cx\u003e \ud83d\ude00"}})");
  EXPECT_EQ(m.ErrorMessage().value_or("?"), "<x> \xF0\x9F\x98\x80");
}

TEST(JsonPacketParser, FlagsInBinary) {
  ExpectGolden({R"({"type":"procMountFd","flags":5,"arg":{"type":"open_tree"}})",
                R"(type:procMountFd flags:0b101 arg:{"type":"open_tree"})", "unknown-flag-bits"});
  ExpectGolden({R"({"type":"procRun","flags":2})", "type:procRun flags:0b10",
                "unknown-flag-bits"});
  ExpectGolden({R"({"type":"procRun","flags":-1})", "type:procRun flags:0b-1",
                "bad-flags,unexpected-file"});
}

TEST(JsonPacketParser, ArgNullIsAbsentAndTypeRulesApply) {
  ExpectGolden({R"({"type":"procReady","flags":0,"arg":null})", "type:procReady", ""});
  ExpectGolden({R"({"type":"procReady","arg":{"x":1}})", R"(type:procReady arg:{"x":1})",
                "unexpected-arg"});
  ExpectGolden({R"({"type":"procMountPlease","flags":0})", "type:procMountPlease",
                "missing-arg"});
  ExpectGolden({R"({"type":"procError","flags":0})", "type:procError", "missing-arg"});
  ExpectGolden({R"({"type":"procError","arg":"boom"})", R"(type:procError arg:"boom")",
                "bad-error-payload"});
  ExpectGolden({R"({"type":"procError","arg":{"message":5}})",
                R"(type:procError arg:{"message":5})", "bad-error-payload"});
  ExpectGolden({R"({"type":"procMountFd","flags":0,"arg":{"type":"open_tree"}})",
                R"(type:procMountFd arg:{"type":"open_tree"})", "missing-file"});
  ExpectGolden({R"({"type":"procSeccomp","flags":1})", "type:procSeccomp flags:0b1", ""});
}

TEST(JsonPacketParser, BadInputsAreNamed) {
  const Golden goldens[] = {
      {"", "raw:", "empty-packet"},
      {"{\"type\":", "raw:{\\\"type\\\":", "invalid-json"},
      {"hello", "raw:hello", "invalid-json"},
      {"   ", "raw:   ", "invalid-json"},
      {R"(["procReady"])", R"(raw:[\"procReady\"])", "not-object"},
      {"42", "raw:42", "not-object"},
      {"null", "raw:null", "not-object"},
      {R"({"flags":0})", "type:", "missing-type"},
      {R"({"type":null})", "type:", "missing-type"},
      {R"({"type":5})", "type:", "type-not-string"},
      {R"({"type":"procBogus"})", "type:procBogus", "unknown-type"},
      {R"({"type":"procReady","flags":"1"})", "type:procReady", "bad-flags"},
      {R"({"type":"procReady","flags":1.5})", "type:procReady", "bad-flags"},
      {R"({"type":"procReady","flags":1e0})", "type:procReady", "bad-flags"},
      {R"({"type":"procReady","flags":99999999999999999999})", "type:procReady", "bad-flags"},
      {R"({"type":"procReady","flags":-3})", "type:procReady flags:0b-11",
       "bad-flags,unexpected-file"},
      {R"({"type":"procRun","type":"procReady"})", "type:procReady", "duplicate-key"},
      {R"({"type":"procReady","TYPE":"procRun"})", "type:procRun", "key-case,duplicate-key"},
      {R"({"Type":"procReady","Flags":0})", "type:procReady", "key-case,key-case"},
      {"{\"type\":\"procReady\",\"flag\xC5\xBF\":1}", "type:procReady flags:0b1",
       "key-case,unexpected-file"},
      {R"({"type":"procReady","extra":[1,{"a":null}]})", "type:procReady", "unknown-field"},
      {R"({"type":"procReady"}xyz)", "type:procReady", "trailing-bytes"},
      {R"({"type":"procReady"} {"type":"procRun"})", "type:procReady", "trailing-bytes"},
      {R"({"type":"procReady"}"unterminated)", "type:procReady", "trailing-bytes"},
      {R"({"type":"procReady"}   )", "type:procReady", ""},
      {R"({"type":"procReady","arg":tru})", R"(raw:{\"type\":\"procReady\",\"arg\":tru})",
       "invalid-json"},
      {R"({"type":"procReady","arg":[1,2,]})", R"(raw:{\"type\":\"procReady\",\"arg\":[1,2,]})",
       "invalid-json"},
      {R"({"type":"procReady","arg":01})", R"(raw:{\"type\":\"procReady\",\"arg\":01})",
       "invalid-json"},
      {"{\"type\":\"procReady\",\"arg\":\"a\tb\"}", "raw:{\\\"type\\\":\\\"procReady\\\",\\\"arg\\\":\\\"a\\tb\\\"}",
       "invalid-json"},
      {R"({"type":"procReady","arg":"\x"})", R"(raw:{\"type\":\"procReady\",\"arg\":\"\\x\"})",
       "invalid-json"},
  };
  for (const Golden& g : goldens) ExpectGolden(g);
}

TEST(JsonPacketParser, MalformedTopLevelIsInvalidJson) {
  JsonPacketParser parser;
  for (const char* bad : {R"({"type":"procReady",})", R"({"type" "procReady"})",
                          R"({"type":"procReady" "flags":0})", R"({,"type":"procReady"})",
                          R"({"type":"procReady")", R"({"type":"procReady"])",
                          R"({"type":"procReady","flags":0 1})", R"({"type":"procReady","flags":})",
                          R"({type:"procReady"})", "{\"type\":\"procReady\",\"arg\":\"\x01\"}"}) {
    SyncMessage m = parser.Parse(bad);
    EXPECT_TRUE(m.is_raw_packet) << bad;
    EXPECT_EQ(AnomalyNames(m), "invalid-json") << bad;
    EXPECT_EQ(m.raw, bad);
  }
  EXPECT_EQ(AnomalyNames(parser.Parse("{}")), "missing-type");
  EXPECT_EQ(AnomalyNames(parser.Parse(" \t\r\n{\"type\" : \"procRun\" }\n")), "");
}

TEST(JsonPacketParser, InvalidUtf8IsAcceptedLikeGo) {
  // The arg keeps its raw bytes; the type string reads each bad byte as U+FFFD.
  JsonPacketParser parser;
  SyncMessage m = parser.Parse("{\"type\":\"procError\",\"arg\":{\"message\":\"bad \xff\xfe byte\"}}");
  EXPECT_EQ(m.String(), "type:procError arg:{\"message\":\"bad \xff\xfe byte\"}");
  EXPECT_EQ(AnomalyNames(m), "invalid-utf8");
  EXPECT_EQ(m.ErrorMessage().value_or("?"), "bad \xEF\xBF\xBD\xEF\xBF\xBD byte");

  SyncMessage t = parser.Parse("{\"type\":\"proc\xc0Ready\"}");
  EXPECT_EQ(t.type, "proc\xEF\xBF\xBDReady");
  EXPECT_EQ(AnomalyNames(t), "invalid-utf8,unknown-type");

  // Outside a string it is still invalid JSON.
  SyncMessage outside = parser.Parse("{\"type\":\"procReady\",\xff:1}");
  EXPECT_EQ(AnomalyNames(outside), "invalid-utf8,invalid-json");
  EXPECT_TRUE(outside.is_raw_packet);
  EXPECT_EQ(outside.String(), "raw:{\\\"type\\\":\\\"procReady\\\",\\xff:1}");
}

TEST(JsonPacketParser, EscapedKeysAndTypesAreUnquotedLikeGo) {
  ExpectGolden({R"({"\u0074ype":"proc\u0052eady"})", "type:procReady", ""});
  JsonPacketParser parser;
  // A lone surrogate is valid for Go's scanner and reads as U+FFFD.
  SyncMessage m = parser.Parse(R"({"type":"a\ud800b"})");
  EXPECT_EQ(m.type, "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(AnomalyNames(m), "unknown-type");
}

TEST(JsonPacketParser, OneMebibytePacket) {
  std::string big(1 << 20, 'x');
  std::string packet = R"({"type":"procError","arg":{"message":")";
  std::string message = big.substr(0, (1 << 20) - packet.size() - 3);
  packet += message;
  packet += "\"}}";
  ASSERT_EQ(packet.size(), size_t{1} << 20);
  JsonPacketParser parser;
  SyncMessage m = parser.Parse(packet);
  EXPECT_EQ(AnomalyNames(m), "");
  EXPECT_EQ(*m.arg(), packet.substr(26, packet.size() - 27));
  EXPECT_EQ(m.ErrorMessage().value_or("?"), message);

  // Deeply nested arrays: no crash, a named anomaly.
  std::string deep = R"({"type":"procSeccomp","arg":)" + std::string(100000, '[') +
                     std::string(100000, ']') + "}";
  EXPECT_EQ(AnomalyNames(parser.Parse(deep)), "invalid-json");
  // Go accepts up to 10000 levels; so do we.
  std::string nested = R"({"type":"procSeccomp","arg":)" + std::string(5000, '[') +
                       std::string(5000, ']') + "}";
  EXPECT_EQ(AnomalyNames(parser.Parse(nested)), "");
  // Garbage of the same size.
  std::string garbage(1 << 20, '\xff');
  SyncMessage g = parser.Parse(garbage);
  EXPECT_TRUE(g.is_raw_packet);
  EXPECT_EQ(AnomalyNames(g), "invalid-utf8,invalid-json");
}

TEST(JsonPacketParser, ReusedMessageIsReset) {
  JsonPacketParser parser;
  SyncMessage m;
  parser.Parse(R"({"type":"procBogus","flags":3,"arg":1})", &m);
  parser.Parse(R"({"type":"procReady"})", &m);
  EXPECT_EQ(m.String(), "type:procReady");
  EXPECT_EQ(AnomalyNames(m), "");
  EXPECT_EQ(m.type_id, SyncTypeId::kProcReady);
}

}  // namespace
}  // namespace synctrace
