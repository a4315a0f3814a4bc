// `synctrace demo`, the README's first command, end to end: the real binary,
// piped (so text lines at full speed), its simulated runc peers as real
// processes talking through the relay.
#include <unistd.h>

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/run_process.h"

namespace {

using ::testing::HasSubstr;

using synctrace::testing_util::LinesWith;
using synctrace::testing_util::ProcessResult;
using synctrace::testing_util::ReadFile;
using synctrace::testing_util::TempDir;

// synctrace with stdout and stderr into files (not a terminal).
ProcessResult RunSynctrace(std::vector<std::string> args) {
  args.insert(args.begin(), "synctrace");
  return synctrace::testing_util::RunProcess(args);
}

TEST(DemoTest, AllScenariosPipedExitZeroWithEveryConversationShown) {
  ProcessResult r = RunSynctrace({"demo", "--scenario", "all"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.err, "synctrace demo: all 8 session(s) behaved as expected\n");

  // Eight sessions, each with a verdict note saying it went as expected.
  EXPECT_EQ(LinesWith(r.out, "session start:").size(), 8u) << r.out;
  EXPECT_EQ(LinesWith(r.out, ": as expected:").size(), 8u) << r.out;
  EXPECT_TRUE(LinesWith(r.out, "NOT as expected").empty()) << r.out;
  for (const char* name : {"create", "exec", "mount-error", "bad-peer/unexpected-reply",
                           "bad-peer/missing-fd-packet", "bad-peer/garbage-json",
                           "bad-peer/unsolicited-reply", "child-crash"}) {
    EXPECT_EQ(LinesWith(r.out, std::string(" ") + name + ": as expected").size(), 1u) << name;
  }

  // The create conversation, in runc's String() form.
  EXPECT_EQ(LinesWith(r.out, "s1 child->parent type:procMountPlease arg:{\"source\":").size(), 3u);
  EXPECT_EQ(LinesWith(r.out, "s1 parent->child type:procMountFd flags:0b1 arg:{\"type\":\"open_tree\"} file:").size(), 2u);
  EXPECT_EQ(LinesWith(r.out, "s1 parent->child type:procMountFd flags:0b1 arg:{\"type\":\"plain-open\"} file:").size(), 1u);
  for (const char* line : {" s1 child->parent type:procHooks", " s1 parent->child type:procHooksDone",
                           " s1 child->parent type:procReady", " s1 parent->child type:procRun",
                           " s1 parent->child type:procSeccompDone", " s2 child->parent type:procReady",
                           " s2 parent->child type:procRun"}) {
    EXPECT_FALSE(LinesWith(r.out, line).empty()) << line;
  }
  EXPECT_EQ(LinesWith(r.out, "s1 child->parent type:procSeccomp arg:").size(), 1u);

  // The failures and violations are shown as such.
  EXPECT_EQ(LinesWith(r.out, "s3 child->parent type:procError arg:{\"message\":\"error mounting").size(), 1u);
  EXPECT_EQ(LinesWith(r.out, "anomaly unexpected-reply").size(), 2u) << r.out;
  EXPECT_EQ(LinesWith(r.out, "anomaly eof-before-fd-packet").size(), 1u) << r.out;
  EXPECT_EQ(LinesWith(r.out, "anomaly invalid-json").size(), 1u) << r.out;
  EXPECT_THAT(r.out, HasSubstr("demo s8 child-crash: as expected"));
  EXPECT_THAT(r.out, HasSubstr("parent ended 'error during container init: procReady not received'"));
  EXPECT_THAT(r.out, HasSubstr("demo: all 8 session(s) behaved as expected"));
}

TEST(DemoTest, LogAndJsonFilesGetTheSession) {
  std::string log = TempDir() + "/demo-exec.log", json = TempDir() + "/demo-exec.jsonl";
  unlink(log.c_str());
  unlink(json.c_str());
  ProcessResult r = RunSynctrace({"demo", "--scenario", "exec", "--log", log, "--json", json});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::string text = ReadFile(log);
  EXPECT_EQ(LinesWith(text, "s1 child->parent type:procReady").size(), 1u) << text;
  EXPECT_EQ(LinesWith(text, "s1 parent->child type:procRun").size(), 1u) << text;
  std::string lines = ReadFile(json);
  EXPECT_EQ(LinesWith(lines, "\"type\":\"procRun\"").size(), 1u) << lines;
}

TEST(DemoTest, NegativeSpeedIsAOneLineUsageError) {
  ProcessResult r = RunSynctrace({"demo", "--speed", "-2"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "synctrace: demo: --speed must be 0 (no pauses) or more, got -2\n");
}

TEST(DemoTest, UnknownScenarioIsAOneLineUsageError) {
  ProcessResult r = RunSynctrace({"demo", "--scenario", "nope"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "synctrace: demo: unknown scenario 'nope' (scenarios: create, exec, mount-error, "
            "bad-peer, child-crash, all)\n");
  EXPECT_EQ(r.out, "");
}

}  // namespace
