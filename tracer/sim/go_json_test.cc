#include "tracer/sim/go_json.h"

#include <string_view>
#include <utility>

#include "gtest/gtest.h"

namespace synctrace {
namespace sim {
namespace {

TEST(GoQuoteTest, EscapesLikeGoJsonMarshal) {
  EXPECT_EQ(GoQuote("a<b>&c"), "\"a\\u003cb\\u003e\\u0026c\"");
  EXPECT_EQ(GoQuote("q\"\\"), "\"q\\\"\\\\\"");
  EXPECT_EQ(GoQuote("\n\t\r\b\f\x01"), "\"\\n\\t\\r\\b\\f\\u0001\"");
  EXPECT_EQ(GoQuote("bad\xff"), "\"bad\\ufffd\"");
  EXPECT_EQ(GoQuote("\xE2\x80\xA8 \xC3\xA9"), "\"\\u2028 \xC3\xA9\"");
}

TEST(GoStrconvQuoteTest, QuotesLikePercentQ) {
  EXPECT_EQ(GoStrconvQuote("/data"), "\"/data\"");
  EXPECT_EQ(GoStrconvQuote("a\"b\n<&>"), "\"a\\\"b\\n<&>\"");
  EXPECT_EQ(GoStrconvQuote("\x01"), "\"\\x01\"");
}

TEST(ParseSyncTTest, ReadsTypeFlagsAndRawArg) {
  absl::StatusOr<SyncT> t =
      ParseSyncT(R"({"type":"procMountFd","flags":1,"arg":{"type":"open_tree"}})");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->type, "procMountFd");
  EXPECT_EQ(t->flags, 1);
  EXPECT_EQ(t->arg.value_or(""), R"({"type":"open_tree"})");
}

TEST(ParseSyncTTest, FollowsGoRules) {
  absl::StatusOr<SyncT> t = ParseSyncT(R"({"TYPE":"procRun","type":"procReady","extra":[1],"arg":null})");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->type, "procReady");  // case-insensitive, last wins
  EXPECT_FALSE(t->arg.has_value());  // null arg is no arg
}

TEST(ParseSyncTTest, GoErrorTexts) {
  EXPECT_EQ(ParseSyncT(R"({"type":"procReady","flags":0)").status().message(),
            "unexpected end of JSON input");
  EXPECT_EQ(ParseSyncT("{type}").status().message(),
            "invalid character 't' looking for beginning of object key string");
  EXPECT_EQ(ParseSyncT(R"({"type" 1})").status().message(), "invalid character '1' after object key");
  EXPECT_EQ(ParseSyncT(R"({"type":procReady})").status().message(),
            "invalid character 'p' looking for beginning of value");
  EXPECT_EQ(ParseSyncT(R"({"type":"a"} x)").status().message(),
            "invalid character 'x' after top-level value");
  EXPECT_EQ(ParseSyncT(R"({"type":7})").status().message(),
            "json: cannot unmarshal number into Go struct field syncT.type of type libcontainer.syncType");
  EXPECT_EQ(ParseSyncT(R"({"flags":1.5})").status().message(),
            "json: cannot unmarshal number 1.5 into Go struct field syncT.flags of type libcontainer.syncFlags");
  EXPECT_EQ(ParseSyncT("[]").status().message(),
            "json: cannot unmarshal array into Go value of type libcontainer.syncT");
  EXPECT_EQ(ParseSyncT("nul").status().message(), "unexpected end of JSON input");
  EXPECT_EQ(ParseSyncT("nulx").status().message(), "invalid character 'x' in literal null (expecting 'l')");
}

TEST(ParseSyncTTest, GoErrorTextsInsideLiterals) {
  const std::pair<std::string_view, const char*> kCases[] = {
      {R"({"type":"a\qb"})", "invalid character 'q' in string escape code"},
      {R"({"type":"\u12x4"})", "invalid character 'x' in \\u hexadecimal character escape"},
      {"{\"type\":\"a\x01\"}", "invalid character '\\x01' in string literal"},
      {R"({"type":"ab)", "unexpected end of JSON input"},
      {"\"\\", "unexpected end of JSON input"},
      {R"({"flags":-x})", "invalid character 'x' in numeric literal"},
      {R"({"flags":1.})", "invalid character '}' after decimal point in numeric literal"},
      {R"({"flags":1e+})", "invalid character '}' in exponent of numeric literal"},
      {"\xc3\xa9", "invalid character '\xc3\x83' looking for beginning of value"},
  };
  for (const auto& [packet, go_error] : kCases) {
    EXPECT_EQ(ParseSyncT(packet).status().message(), go_error) << packet;
  }
}

TEST(ParseSyncTTest, DecodesStringsLikeGo) {
  absl::StatusOr<SyncT> t = ParseSyncT(R"({"type":"a\u003c\ud83d\ude00\ud83dx\n","flags":-0})");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->type, "a<\xf0\x9f\x98\x80\xef\xbf\xbdx\n");
  EXPECT_EQ(t->flags, 0);
  EXPECT_EQ(ParseSyncT("{\"type\":\"a\xff\"}")->type, "a\xef\xbf\xbd");
  EXPECT_EQ(ParseSyncT(R"({"flags":9223372036854775808})").status().message(),
            "json: cannot unmarshal number 9223372036854775808 into Go struct field syncT.flags of "
            "type libcontainer.syncFlags");
}

// Where the peers used to approximate Go and now share decoder/go_json's rules.
TEST(ParseSyncTTest, GoCaseFoldingAndRanges) {
  EXPECT_EQ(ParseSyncT("{\"\xe2\x84\xaa\":1,\"type\":\"procReady\",\"flag\xc5\xbf\":3}")->flags, 3);
  EXPECT_EQ(ParseJsonInt(" 7 ").value(), 7);
  EXPECT_EQ(ParseJsonInt("9223372036854775808").status().message(),
            "json: cannot unmarshal number 9223372036854775808 into Go value of type int");
  EXPECT_EQ(GoStrconvQuote("a\xc2\xa0" "b\xff"), "\"a\\u00a0b\\xff\"");
  EXPECT_EQ(ParseSyncT("\x85").status().message(),
            "invalid character '\\u0085' looking for beginning of value");
}

TEST(ParseInitErrorTest, Message) {
  EXPECT_EQ(ParseInitErrorMessage(R"({"message":"a \u003c b"})").value(), "a < b");
  EXPECT_FALSE(ParseInitErrorMessage(R"({"message":1})").ok());
}

TEST(JsonFieldTest, Fields) {
  EXPECT_EQ(JsonStringField(R"({"source":"/x","flags":20480})", "source").value(), "/x");
  EXPECT_EQ(JsonRawField(R"({"source":"/x","flags":20480})", "flags").value(), "20480");
  EXPECT_FALSE(JsonRawField(R"({"source":"/x"})", "id_mapping").has_value());
  EXPECT_EQ(ParseJsonInt("7").value(), 7);
  EXPECT_FALSE(ParseJsonInt("\"7\"").ok());
}

}  // namespace
}  // namespace sim
}  // namespace synctrace
