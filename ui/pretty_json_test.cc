#include "ui/pretty_json.h"

#include "gtest/gtest.h"

namespace synctrace {
namespace {

TEST(PrettyJsonTest, IndentsObjectsAndArrays) {
  std::vector<std::string> lines = PrettyJsonLines(R"({"a":[1,2],"b":{},"c":"x,{y}"})");
  std::vector<std::string> want = {"{",      "  \"a\": [", "    1,", "    2",
                                   "  ],",   "  \"b\": {},", "  \"c\": \"x,{y}\"", "}"};
  EXPECT_EQ(lines, want);
}

TEST(PrettyJsonTest, KeepsEscapesAsTheyCame) {
  std::vector<std::string> lines = PrettyJsonLines(R"({"m":"a\"b\u003c"})");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1], R"(  "m": "a\"b\u003c")");
}

TEST(PrettyJsonTest, ScalarsAndGarbageStayOneLine) {
  EXPECT_EQ(PrettyJsonLines("42"), std::vector<std::string>{"42"});
  EXPECT_EQ(PrettyJsonLines("{\"a\":1"), std::vector<std::string>{"{\"a\":1"});
  EXPECT_EQ(PrettyJsonLines("\"open"), std::vector<std::string>{"\"open"});
}

}  // namespace
}  // namespace synctrace
