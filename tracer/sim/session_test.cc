// Every scenario, with the peers as real processes: through synctrace's relay
// and connected directly. Checks what each peer experienced, what synctrace
// reported, and that the peers' experience is the same both ways.
#include "tracer/sim/session.h"

#include <sys/stat.h>

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "decoder/event_sink.h"
#include "gtest/gtest.h"
#include "tracer/peer_io.h"
#include "tracer/recording_sink.h"
#include "tracer/sim/peer_report.h"
#include "tracer/sim/scenario.h"
#include "tracer/trace.h"

namespace synctrace {
namespace sim {
namespace {

std::vector<std::string> AllNames() {
  std::vector<std::string> names;
  for (const char* n : {"create", "exec", "mount-error", "bad-peer/unexpected-reply",
                        "bad-peer/missing-fd-packet", "bad-peer/garbage-json",
                        "bad-peer/unsolicited-reply", "child-crash"}) {
    names.push_back(n);
  }
  return names;
}

// "type:procMountFd flags:0b1 arg:{...} file:/x (fd:7)" -> without " (fd:7)":
// fd numbers differ between the peer's process and synctrace's.
std::string WithoutFdNumber(const std::string& s) {
  size_t at = s.rfind(" (fd:");
  return at == std::string::npos ? s : s.substr(0, at);
}

// The messages synctrace decoded in one direction of one session.
std::vector<const TraceEvent*> Messages(const std::vector<TraceEvent>& events, int session,
                                        Direction d) {
  std::vector<const TraceEvent*> out;
  for (const TraceEvent& e : events) {
    if (e.kind == EventKind::kMessage && e.session == session && e.direction == d) out.push_back(&e);
  }
  return out;
}

bool AnyAnomaly(const std::vector<TraceEvent>& events, int session, AnomalyCode code) {
  for (const TraceEvent& e : events) {
    if (e.session != session) continue;
    for (const Anomaly& a : e.anomalies()) {
      if (a.code == code) return true;
    }
  }
  return false;
}

class ScenarioTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    absl::StatusOr<SimFixture> f = SimFixture::Create();
    ASSERT_TRUE(f.ok()) << f.status();
    fixture_.emplace(std::move(*f));
    absl::StatusOr<std::vector<Scenario>> s = ExpandScenario(GetParam(), fixture_->dir());
    ASSERT_TRUE(s.ok()) << s.status();
    ASSERT_EQ(s->size(), 1u);
    scenario_ = s->front();
  }
  std::optional<SimFixture> fixture_;
  Scenario scenario_;
};

TEST_P(ScenarioTest, ThroughTheRelayPeersBehaveAsRuncAndSynctraceReportsIt) {
  RecordingSink sink;
  Trace trace({&sink}, MonotonicNowNs());
  int fds_before = CountOpenFds();
  SessionResult relayed = RunSimSession(scenario_, Pacing{}, Connection::kThroughRelay, &trace);
  EXPECT_EQ(CountOpenFds(), fds_before) << "the session leaked fds in synctrace's process";
  trace.Close();
  EXPECT_TRUE(relayed.problems.empty()) << absl::StrJoin(relayed.problems, "\n") << "\n"
                                        << relayed.parent.Describe() << "\n"
                                        << relayed.child.Describe();
  std::vector<TraceEvent> events = sink.events();
  ASSERT_GT(relayed.session, 0);

  // What synctrace decoded is what each peer sent, in order (fd numbers aside).
  std::vector<std::string> from_child, from_parent;
  for (const TraceEvent* e : Messages(events, relayed.session, Direction::kChildToParent)) {
    from_child.push_back(WithoutFdNumber(e->message.String()));
  }
  for (const TraceEvent* e : Messages(events, relayed.session, Direction::kParentToChild)) {
    from_parent.push_back(WithoutFdNumber(e->message.String()));
  }
  std::vector<std::string> child_sent, parent_sent;
  for (const std::string& s : relayed.child.sent) child_sent.push_back(WithoutFdNumber(s));
  for (const std::string& s : relayed.parent.sent) parent_sent.push_back(WithoutFdNumber(s));
  EXPECT_EQ(from_parent, parent_sent);
  if (scenario_.kind != ScenarioKind::kBadGarbageJson) {
    EXPECT_EQ(from_child, child_sent);
  }

  // Files: synctrace saw each mount fd with the source's name and inode.
  for (const TraceEvent* e : Messages(events, relayed.session, Direction::kParentToChild)) {
    if (e->message.type != "procMountFd" || !e->message.file.has_value()) continue;
    const AttachedFile& f = *e->message.file;
    struct stat st;
    ASSERT_EQ(stat(f.name.c_str(), &st), 0) << f.name;
    EXPECT_TRUE(absl::StartsWith(f.name, fixture_->dir())) << f.name;
    EXPECT_TRUE(f.fd.described);
    EXPECT_EQ(f.fd.ino, st.st_ino);
    EXPECT_EQ(f.fd.dev, st.st_dev);
  }

  // Pairing: every reply of a well-behaved conversation is paired.
  bool session_ended = false;
  for (const TraceEvent& e : events) {
    if (e.session != relayed.session) continue;
    if (e.kind == EventKind::kSessionEnd) session_ended = true;
    if (scenario_.kind == ScenarioKind::kCreate || scenario_.kind == ScenarioKind::kExec) {
      EXPECT_TRUE(e.anomalies().empty()) << e.message.String() << ": "
                                         << e.anomalies().front().Explain();
      if (e.kind == EventKind::kMessage && e.direction == Direction::kParentToChild) {
        EXPECT_NE(e.pair_seq, 0u) << e.message.String() << " is not paired";
        EXPECT_GE(e.latency_ns, 0);
      }
    }
  }
  EXPECT_TRUE(session_ended);

  switch (scenario_.kind) {
    case ScenarioKind::kCreate: {
      std::vector<const TraceEvent*> replies =
          Messages(events, relayed.session, Direction::kParentToChild);
      int mount_fds = 0;
      for (const TraceEvent* e : replies) mount_fds += e->message.type == "procMountFd";
      EXPECT_EQ(mount_fds, 3);
      break;
    }
    case ScenarioKind::kMountError: {
      std::vector<const TraceEvent*> sent = Messages(events, relayed.session, Direction::kChildToParent);
      ASSERT_FALSE(sent.empty());
      EXPECT_EQ(sent.back()->message.type, "procError");
      EXPECT_EQ(sent.back()->message.ErrorMessage().value_or(""), ExpectedChildError(scenario_));
      break;
    }
    case ScenarioKind::kBadGarbageJson:
      EXPECT_TRUE(AnyAnomaly(events, relayed.session, AnomalyCode::kInvalidJson));
      break;
    case ScenarioKind::kBadMissingFdPacket:
      EXPECT_TRUE(AnyAnomaly(events, relayed.session, AnomalyCode::kEofBeforeFdPacket));
      break;
    case ScenarioKind::kBadUnexpectedReply:
    case ScenarioKind::kBadUnsolicitedReply:
      EXPECT_TRUE(AnyAnomaly(events, relayed.session, AnomalyCode::kUnexpectedReply));
      break;
    default:
      break;
  }
}

TEST_P(ScenarioTest, DirectlyConnectedPeersExperienceTheSameAsThroughTheRelay) {
  SessionResult direct = RunSimSession(scenario_, Pacing{}, Connection::kDirect, nullptr);
  EXPECT_TRUE(direct.problems.empty()) << absl::StrJoin(direct.problems, "\n") << "\n"
                                       << direct.parent.Describe() << "\n"
                                       << direct.child.Describe();
  RecordingSink sink;
  Trace trace({&sink}, MonotonicNowNs());
  SessionResult relayed = RunSimSession(scenario_, Pacing{}, Connection::kThroughRelay, &trace);
  trace.Close();
  std::vector<std::string> child_diff = DiffReports(direct.child, relayed.child);
  std::vector<std::string> parent_diff = DiffReports(direct.parent, relayed.parent);
  EXPECT_TRUE(child_diff.empty()) << absl::StrJoin(child_diff, "\n");
  EXPECT_TRUE(parent_diff.empty()) << absl::StrJoin(parent_diff, "\n");
  // And the reports are not empty shells.
  EXPECT_FALSE(direct.child.sent.empty());
  EXPECT_FALSE(direct.parent.exit.empty());
}

INSTANTIATE_TEST_SUITE_P(AllScenarios, ScenarioTest, ::testing::ValuesIn(AllNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name;
                           for (char c : info.param) name += isalnum(c) ? c : '_';
                           return name;
                         });

TEST(ScenarioNamesTest, UnknownNameListsTheNames) {
  absl::StatusOr<std::vector<Scenario>> s = ExpandScenario("nope", "/tmp");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(),
            "unknown scenario 'nope' (scenarios: create, exec, mount-error, bad-peer, child-crash, all)");
  EXPECT_EQ(ExpandScenario("all", "/tmp")->size(), 8u);
  EXPECT_EQ(ExpandScenario("bad-peer", "/tmp")->size(), 4u);
}

}  // namespace
}  // namespace sim
}  // namespace synctrace

namespace synctrace {
namespace sim {
namespace {

// Calls a function on the first message event (from the dispatcher thread).
class FirstMessageSink : public EventSink {
 public:
  explicit FirstMessageSink(std::function<void()> on_first) : on_first_(std::move(on_first)) {}
  void Consume(const TraceEvent& event) override {
    if (event.kind == EventKind::kMessage && !fired_.exchange(true)) on_first_();
  }

 private:
  std::function<void()> on_first_;
  std::atomic<bool> fired_{false};
};

TEST(SessionCancelTest, CancelEndsARunningPacedSessionAtOnce) {
  absl::StatusOr<SimFixture> fixture = SimFixture::Create();
  ASSERT_TRUE(fixture.ok());
  Scenario create = ExpandScenario("create", fixture->dir())->front();
  SessionCanceller canceller;
  FirstMessageSink sink([&canceller] { canceller.Cancel(); });
  Trace trace({&sink}, MonotonicNowNs());
  absl::Time start = absl::Now();
  // At speed 0.5 this conversation takes about 12 s; cancelled after its first message
  // (about 1 s in), it must end far sooner.
  SessionResult r = RunSimSession(create, Pacing{0.5}, Connection::kThroughRelay, &trace, nullptr,
                                  absl::Seconds(60), &canceller);
  trace.Close();
  EXPECT_LT(absl::Now() - start, absl::Seconds(7));
  ASSERT_EQ(r.problems.size(), 1u) << absl::StrJoin(r.problems, "\n");
  EXPECT_EQ(r.problems[0], "cancelled while running");
  EXPECT_EQ(r.child.exit, "killed by SIGKILL");
  EXPECT_EQ(r.parent.exit, "killed by SIGKILL");
  // A later session with the same canceller does not start.
  SessionResult later = RunSimSession(create, Pacing{}, Connection::kDirect, nullptr, nullptr,
                                      absl::Seconds(60), &canceller);
  EXPECT_EQ(later.problems, std::vector<std::string>{"cancelled before it started"});
}

}  // namespace
}  // namespace sim
}  // namespace synctrace
