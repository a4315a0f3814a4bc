#include "tracer/sim/go_json.h"

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
