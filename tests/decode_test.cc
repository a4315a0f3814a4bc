// `synctrace decode` end to end: the real binary on a packets file, on stdin,
// in both formats, and its errors (missing file: exit 1; bad usage: exit 2).
#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/run_process.h"

namespace {

using ::testing::HasSubstr;
using synctrace::testing_util::ProcessResult;
using synctrace::testing_util::RunProcess;
using synctrace::testing_util::TempDir;

std::string WritePackets(const std::string& name, const std::string& content) {
  std::string path = TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

const char kPackets[] =
    "{\"type\":\"procMountPlease\",\"flags\":0,\"arg\":{\"source\":\"/data\"}}\n"
    "{\"type\":\"procMountFd\",\"flags\":1,\"arg\":{\"type\":\"open_tree\"}}\n"
    "\n"
    "{\"type\":\"procError\",\"flags\":0,\"arg\":{\"message\":\"\\u003cx\\u003e\"}}\r\n"
    "not json\n"
    "{\"type\":\"procReady\",\"flags\":0}";  // no newline at the end

TEST(DecodeTest, TextFromFile) {
  ProcessResult r = RunProcess({"synctrace", "decode", WritePackets("p.jsonl", kPackets)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out,
            "0.000000 s1 child->parent type:procMountPlease arg:{\"source\":\"/data\"}\n"
            "0.000000 s1 parent->child type:procMountFd flags:0b1 arg:{\"type\":\"open_tree\"}\n"
            "0.000000 s1 child->parent type:procError arg:{\"message\":\"\\u003cx\\u003e\"}\n"
            "0.000000 s1 child->parent raw:not json\n"
            "# 0.000000 s1 child->parent anomaly invalid-json: packet is not valid JSON, runc's "
            "reader fails (unmarshal sync failed): invalid literal at byte 0\n"
            "0.000000 s1 child->parent type:procReady\n");
}

TEST(DecodeTest, JsonFromStdin) {
  std::string path = WritePackets("stdin.jsonl", kPackets);
  ProcessResult r =
      RunProcess({"/bin/sh", "-c", "exec ./synctrace decode --format json < '" + path + "'"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines;
  std::string line;
  for (std::istringstream in(r.out); std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 5u) << r.out;
  EXPECT_THAT(lines[1], HasSubstr("\"type\":\"procMountFd\",\"flags\":1,\"arg\":{\"type\":\"open_tree\"}"));
  EXPECT_THAT(lines[1], ::testing::Not(HasSubstr("anomalies")));
  EXPECT_THAT(lines[3], HasSubstr("\"raw_packet\":true"));
  EXPECT_THAT(lines[3], HasSubstr("\"code\":\"invalid-json\""));
  EXPECT_THAT(lines[4], HasSubstr("\"seq\":5"));
}

TEST(DecodeTest, MissingFileIsOneLineAndExitOne) {
  ProcessResult r = RunProcess({"synctrace", "decode", TempDir() + "/no-such-file"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr("decode: cannot open"));
  EXPECT_THAT(r.err, HasSubstr("No such file or directory"));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST(DecodeTest, BadUsageExitsTwo) {
  ProcessResult format = RunProcess({"synctrace", "decode", "--format", "yaml"});
  EXPECT_EQ(format.exit_code, 2);
  EXPECT_THAT(format.err, HasSubstr("--format must be text or json"));
  ProcessResult two = RunProcess({"synctrace", "decode", "a", "b"});
  EXPECT_EQ(two.exit_code, 2);
  EXPECT_THAT(two.err, HasSubstr("at most one FILE"));
}

}  // namespace
