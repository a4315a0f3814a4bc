// Go's UTF-8, unquoting, key folding, number and %q rules.
#include "decoder/go_json.h"

#include "gtest/gtest.h"

namespace synctrace {
namespace {

std::string Unquote(std::string_view body) {
  std::string out;
  AppendGoUnquoted(body, &out);
  return out;
}

std::string Quote(std::string_view data) {
  std::string out;
  AppendGoQuotedBody(data, &out);
  return out;
}

TEST(GoJson, DecodeRuneLikeGo) {
  size_t length;
  EXPECT_EQ(DecodeRune("\xe2\x82\xac", &length), 0x20ACu);
  EXPECT_EQ(length, 3u);
  EXPECT_EQ(DecodeRune("\xed\xa0\x80", &length), kReplacementRune);  // UTF-8 surrogate
  EXPECT_EQ(length, 1u);
  EXPECT_EQ(DecodeRune("\xc0\x80", &length), kReplacementRune);  // overlong
  EXPECT_EQ(DecodeRune("\xf0\x9f\x98", &length), kReplacementRune);  // truncated
  EXPECT_EQ(DecodeRune("\xf4\x90\x80\x80", &length), kReplacementRune);  // > U+10FFFF
}

TEST(GoJson, UnquoteLikeGo) {
  EXPECT_EQ(Unquote(R"(a\"b\\c\/d\n\t)"), "a\"b\\c/d\n\t");
  EXPECT_EQ(Unquote(R"(\u003c\u00e9)"), "<\xc3\xa9");
  EXPECT_EQ(Unquote(R"(\ud83d\ude00)"), "\xf0\x9f\x98\x80");
  EXPECT_EQ(Unquote(R"(\ud83dx)"), "\xef\xbf\xbdx");
  EXPECT_EQ(Unquote(R"(\ude00\ud83d\ude00)"), "\xef\xbf\xbd\xf0\x9f\x98\x80");
  EXPECT_EQ(Unquote("a\xff" "b"), "a\xef\xbf\xbd" "b");
}

TEST(GoJson, ScanJsonString) {
  bool escape;
  EXPECT_EQ(ScanJsonString(R"("abc")", 0, &escape), 4u);
  EXPECT_FALSE(escape);
  EXPECT_EQ(ScanJsonString(R"("a\"c")", 0, &escape), 5u);
  EXPECT_TRUE(escape);
  EXPECT_EQ(ScanJsonString(R"("a\qc")", 0, &escape), std::string_view::npos);
  EXPECT_EQ(ScanJsonString(R"("\u12")", 0, &escape), std::string_view::npos);
  EXPECT_EQ(ScanJsonString("\"a\x01\"", 0, &escape), std::string_view::npos);
  EXPECT_EQ(ScanJsonString("\"abc", 0, &escape), std::string_view::npos);
}

TEST(GoJson, Numbers) {
  bool integer;
  EXPECT_EQ(ScanJsonNumber("-12", &integer), 3u);
  EXPECT_TRUE(integer);
  EXPECT_EQ(ScanJsonNumber("1.5e+3", &integer), 6u);
  EXPECT_FALSE(integer);
  EXPECT_EQ(ScanJsonNumber("01", &integer), 1u);
  EXPECT_EQ(ScanJsonNumber("-", &integer), 0u);
  EXPECT_EQ(ScanJsonNumber("1.", &integer), 0u);
  int64_t v;
  EXPECT_TRUE(ParseInt64("9223372036854775807", &v));
  EXPECT_EQ(v, INT64_MAX);
  EXPECT_TRUE(ParseInt64("-9223372036854775808", &v));
  EXPECT_EQ(v, INT64_MIN);
  EXPECT_FALSE(ParseInt64("9223372036854775808", &v));
}

TEST(GoJson, SyntaxErrorsSayWhereAndWhyLikeGo) {
  bool escape, integer;
  JsonSyntaxError error;
  auto string_error = [&](std::string_view s) {
    error = JsonSyntaxError{};
    EXPECT_EQ(ScanJsonString(s, 0, &escape, &error), std::string_view::npos) << s;
    return std::make_pair(error.at, std::string(error.go_context));
  };
  using Where = std::pair<size_t, std::string>;
  EXPECT_EQ(string_error("\"a\x01\""), Where(2, "in string literal"));
  EXPECT_EQ(string_error(R"("a\qc")"), Where(3, "in string escape code"));
  EXPECT_EQ(string_error(R"("\u12x4")"), Where(5, "in \\u hexadecimal character escape"));
  EXPECT_EQ(string_error(R"("\u12)").first, 5u);
  EXPECT_EQ(string_error("\"abc").first, 4u);  // the input ended
  EXPECT_EQ(string_error("\"ab\\").first, 4u);
  auto number_error = [&](std::string_view s) {
    error = JsonSyntaxError{};
    EXPECT_EQ(ScanJsonNumber(s, &integer, &error), 0u) << s;
    return Where(error.at, error.go_context);
  };
  EXPECT_EQ(number_error("-x"), Where(1, "in numeric literal"));
  EXPECT_EQ(number_error("1.e"), Where(2, "after decimal point in numeric literal"));
  EXPECT_EQ(number_error("1e+"), Where(3, "in exponent of numeric literal"));
  EXPECT_EQ(number_error("x"), Where(0, "looking for beginning of value"));
}

TEST(GoJson, ScanJsonValueIsGoGrammar) {
  std::string stack, error;
  auto end = [&](std::string_view s) { return ScanJsonValue(s, 0, &stack, &error); };
  std::string_view valid = R"({"a":[1,-2.5e3,true,false,null,"x\u0041"],"b":{}} tail)";
  EXPECT_EQ(end(valid), valid.find(" tail"));
  EXPECT_EQ(end("[ ]"), 3u);
  EXPECT_EQ(end("7,"), 1u);
  for (std::string_view bad : {"[1,]", "{\"a\"}", "{\"a\":1,}", "[01]", "[tru]", "[1 2]", "{1:2}",
                               "[\"a\\x\"]", "[", "", "+1", "[.5]"}) {
    EXPECT_EQ(end(bad), std::string_view::npos) << bad;
    EXPECT_FALSE(error.empty());
  }
  std::string deep = std::string(10000, '[') + std::string(10000, ']');
  EXPECT_EQ(end(deep), deep.size());
  std::string too_deep = std::string(10001, '[') + std::string(10001, ']');
  EXPECT_EQ(end(too_deep), std::string_view::npos);
  EXPECT_NE(error.find("exceeded max depth"), std::string::npos);
}

TEST(GoJson, ListObjectMembers) {
  std::vector<JsonMember> members;
  std::string stack, error;
  ASSERT_TRUE(ListObjectMembers(R"( {"a" : [1, {"b":2}] , "\u0063":"x"} )", &members, &stack, &error))
      << error;
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[0].key_body, "a");
  EXPECT_EQ(members[0].value, R"([1, {"b":2}])");
  EXPECT_TRUE(members[1].key_has_escape);
  EXPECT_EQ(members[1].value, R"("x")");
  EXPECT_TRUE(ListObjectMembers("{}", &members, &stack, &error));
  EXPECT_TRUE(members.empty());
  EXPECT_FALSE(ListObjectMembers("[1]", &members, &stack, &error));
  EXPECT_EQ(error, "not an object");
  for (std::string_view bad : {"{", "{\"a\"}", "{\"a\":1,}", "{\"a\":1} x", "{,}", "[1,"}) {
    EXPECT_FALSE(ListObjectMembers(bad, &members, &stack, &error)) << bad;
    EXPECT_NE(error, "not an object") << bad;
  }
}

TEST(GoJson, LongStringsScannedInWords) {
  bool escape;
  std::string long_string = "\"" + std::string(100, 'a') + "\\n" + std::string(13, 'b') + "\"";
  EXPECT_EQ(ScanJsonString(long_string, 0, &escape), long_string.size() - 1);
  EXPECT_TRUE(escape);
  std::string with_control = "\"" + std::string(20, 'a') + "\x01" + std::string(20, 'a') + "\"";
  EXPECT_EQ(ScanJsonString(with_control, 0, &escape), std::string_view::npos);
  std::string high = "\"" + std::string(20, '\xc3') + "\"";  // bytes >= 0x80 are content
  EXPECT_EQ(ScanJsonString(high, 0, &escape), high.size() - 1);
}

TEST(GoJson, KeyFolding) {
  EXPECT_TRUE(EqualFoldGo("FLAGS", "flags"));
  EXPECT_TRUE(EqualFoldGo("flag\xc5\xbf", "flags"));  // U+017F long s
  EXPECT_TRUE(EqualFoldGo("\xe2\x84\xaa" "ey", "key"));  // U+212A Kelvin sign
  EXPECT_FALSE(EqualFoldGo("flag", "flags"));
  EXPECT_FALSE(EqualFoldGo("flagss", "flags"));
}

TEST(GoJson, QuoteLikeStrconv) {
  EXPECT_EQ(Quote("plain /path"), "plain /path");
  EXPECT_EQ(Quote("\a\b\f\n\r\t\v\x7f"), "\\a\\b\\f\\n\\r\\t\\v\\x7f");
  EXPECT_EQ(Quote("\xc2\x85 \xe2\x80\xa8 \xc3\xa9"), "\\u0085 \\u2028 \xc3\xa9");
  EXPECT_EQ(Quote("\xf3\xa0\x80\x81"), "\\U000e0001");
}

TEST(GoJson, ControlCharactersEscapedForOneLine) {
  EXPECT_FALSE(HasControlCharacters("ok line"));
  EXPECT_EQ(EscapeControlCharacters("a\nb\r\x01"), "a\\nb\\r\\x01");
}

}  // namespace
}  // namespace synctrace
