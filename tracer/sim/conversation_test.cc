// The conversation functions on an already-connected socketpair, in one
// process (two threads), as a fake runc would call them.
#include "tracer/sim/conversation.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <thread>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tracer/sim/scenario.h"

namespace synctrace {
namespace sim {
namespace {

TEST(ConversationTest, GoEscapedMountArgAndByteExactFileNameOnAConnectedPair) {
  absl::StatusOr<SimFixture> fixture = SimFixture::Create();
  ASSERT_TRUE(fixture.ok()) << fixture.status();
  // A source whose name Go's encoder escapes in JSON but the fd packet carries raw.
  std::string source = fixture->dir() + "/volumes/a&b<c>";
  ASSERT_EQ(mkdir(source.c_str(), 0755), 0);
  Scenario s = ExpandScenario("exec", fixture->dir())->front();
  s.name = "custom";
  s.init_type = "standard";
  s.kind = ScenarioKind::kCreate;
  SimMount m;
  m.source = source;
  m.destination = "/data";
  m.flags = 0x1000 | 0x4000;  // MS_BIND|MS_REC
  s.mounts = {m};
  s.seccomp = false;

  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds), 0);
  PeerReport parent, child;
  ParentEnd parent_end;
  std::thread parent_thread(
      [&] { parent_end = RunParentConversation(fds[1], s, Pacing{}, getpid(), &parent); });
  ChildEnd child_end = RunChildConversation(fds[0], s, Pacing{}, &child);
  parent_thread.join();
  close(fds[0]);
  close(fds[1]);

  EXPECT_EQ(child_end, ChildEnd::kSuccess) << child.Describe();
  EXPECT_EQ(parent_end, ParentEnd::kSuccess) << parent.Describe();
  ASSERT_FALSE(child.sent.empty());
  EXPECT_TRUE(absl::StrContains(child.sent[0], "/volumes/a\\u0026b\\u003cc\\u003e\"")) << child.sent[0];
  ASSERT_EQ(child.files.size(), 1u);
  EXPECT_EQ(child.files[0].name, source);  // the fd packet's data is the raw name
  EXPECT_EQ(child.files[0].kind, "plain-open");  // not id-mapped: O_PATH, as runc does
  struct stat st;
  ASSERT_EQ(stat(source.c_str(), &st), 0);
  EXPECT_EQ(child.files[0].ino, st.st_ino);
  EXPECT_TRUE(child.saw_eof);
  EXPECT_TRUE(parent.saw_eof);
  EXPECT_EQ(child.received.back(), "type:procRun");
}

}  // namespace
}  // namespace sim
}  // namespace synctrace
