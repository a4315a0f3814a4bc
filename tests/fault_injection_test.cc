// Fault injection through synctrace's relay with real peer processes (the
// simulator's runc parent and runc init): each side is SIGKILLed just before
// each packet of each scenario is forwarded, and many sessions run in a row.
// Every time the survivor must end by itself (EOF or runc's error, never its
// read timeout), the relay must end the session with one line, and the test
// process (which hosts the relay) must hold the same fds afterwards; memory is
// checked by LSan under --config=asan.
#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "decoder/event_sink.h"
#include "gtest/gtest.h"
#include "tracer/relay.h"
#include "tracer/sim/scenario.h"
#include "tracer/sim/session.h"
#include "tracer/trace.h"

namespace synctrace {
namespace sim {
namespace {

int CountOpenFds() {
  int n = 0;
  DIR* d = opendir("/proc/self/fd");
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] != '.') ++n;
  }
  closedir(d);
  return n - 1;  // the DIR's own fd
}

// Waits until `pid` is dead (a zombie: nobody reaps it until the relay is
// done, so its socket end is closed when this returns true).
bool WaitUntilDead(pid_t pid, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    std::ifstream stat(absl::StrCat("/proc/", pid, "/stat"));
    std::string line;
    if (!std::getline(stat, line)) return true;
    size_t paren = line.rfind(')');
    if (paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] == 'Z') return true;
    absl::SleepFor(absl::Milliseconds(1));
  }
  return false;
}

// Kills one side just before the relay forwards the packet number `at` (1-based,
// both directions counted), and makes sure it is dead before that packet moves.
class KillingGate : public ForwardGate {
 public:
  KillingGate(SessionCanceller* peers, bool kill_parent, int at)
      : peers_(peers), kill_parent_(kill_parent), at_(at) {}
  void BeforeForward(int, Direction, const WirePacket&) override {
    if (++seen_ != at_) return;
    pid_t pid = kill_parent_ ? peers_->parent_pid() : peers_->child_pid();
    if (pid <= 0) return;
    kill(pid, SIGKILL);
    killed_ = WaitUntilDead(pid, absl::Seconds(20));
  }
  bool killed() const { return killed_; }

 private:
  SessionCanceller* peers_;
  bool kill_parent_;
  int at_;
  int seen_ = 0;
  bool killed_ = false;
};

class SessionEndSink : public EventSink {
 public:
  void Consume(const TraceEvent& event) override {
    if (event.kind != EventKind::kSessionEnd) return;
    std::lock_guard<std::mutex> lock(mu_);
    ends_.push_back(event.text);
  }
  std::vector<std::string> ends() {
    std::lock_guard<std::mutex> lock(mu_);
    return ends_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> ends_;
};

std::vector<std::string> AllSessions() {
  return {"create", "exec", "mount-error", "bad-peer/unexpected-reply",
          "bad-peer/missing-fd-packet", "bad-peer/garbage-json", "bad-peer/unsolicited-reply",
          "child-crash"};
}

Scenario Load(const std::string& name, const SimFixture& fixture) {
  absl::StatusOr<std::vector<Scenario>> s = ExpandScenario(name, fixture.dir());
  EXPECT_TRUE(s.ok()) << s.status();
  Scenario scenario = s->front();
  // A survivor that hangs shows up as this timeout in its error.
  scenario.read_timeout = absl::Seconds(15);
  return scenario;
}

class KillEachSideAtEachStepTest : public ::testing::TestWithParam<std::string> {};

TEST_P(KillEachSideAtEachStepTest, TheSurvivorEndsByItselfAndSynctraceSaysWhyInOneLine) {
  absl::StatusOr<SimFixture> fixture = SimFixture::Create();
  ASSERT_TRUE(fixture.ok()) << fixture.status();
  Scenario scenario = Load(GetParam(), *fixture);
  const int fds_before = CountOpenFds();

  // Unharmed, to learn how many packets the session has and what it ends with.
  SessionEndSink sink;
  Trace trace({&sink}, MonotonicNowNs());
  SessionResult clean = RunSimSession(scenario, Pacing{}, Connection::kThroughRelay, &trace);
  const int packets = static_cast<int>(clean.relay.packets[0] + clean.relay.packets[1]);
  ASSERT_GT(packets, 0);
  const bool parent_times_out_anyway = absl::StrContains(clean.parent.error, "gave up after");
  const bool child_times_out_anyway = absl::StrContains(clean.child.error, "gave up after");
  // child-crash: the child kills itself whatever happens.
  const bool child_dies_anyway = absl::StrContains(clean.child.exit, "killed");

  int sessions = 1;
  for (bool kill_parent : {true, false}) {
    for (int at = 1; at <= packets; ++at) {
      SCOPED_TRACE(absl::StrCat(scenario.name, ": ", kill_parent ? "parent" : "child",
                                " killed before packet ", at, " of ", packets));
      SessionCanceller peers;
      KillingGate gate(&peers, kill_parent, at);
      absl::Time start = absl::Now();
      SessionResult r = RunSimSession(scenario, Pacing{}, Connection::kThroughRelay, &trace, &gate,
                                      absl::Seconds(60), &peers);
      ++sessions;
      const PeerReport& survivor = kill_parent ? r.child : r.parent;
      const PeerReport& victim = kill_parent ? r.parent : r.child;
      bool times_out_anyway = kill_parent ? child_times_out_anyway : parent_times_out_anyway;
      // The victim dies by our SIGKILL, unless it had just ended by itself (its
      // last packet may be the one we stopped at).
      const PeerReport& clean_victim = kill_parent ? clean.parent : clean.child;
      EXPECT_TRUE(victim.exit == "killed by SIGKILL" || victim.exit == clean_victim.exit)
          << victim.Describe();
      EXPECT_TRUE(gate.killed());
      EXPECT_FALSE(survivor.report_missing) << survivor.Describe();
      if (kill_parent && child_dies_anyway) continue;
      EXPECT_FALSE(absl::StrContains(survivor.exit, "killed")) << survivor.Describe();
      if (!times_out_anyway) {
        EXPECT_FALSE(absl::StrContains(survivor.error, "gave up after")) << survivor.Describe();
        EXPECT_LT(absl::Now() - start, absl::Seconds(12));
      }
      EXPECT_TRUE(survivor.saw_eof || !survivor.error.empty() || survivor.exit == "exit 0")
          << survivor.Describe();
      EXPECT_FALSE(r.relay.end_reason.empty());
      EXPECT_EQ(r.relay.end_reason.find('\n'), std::string::npos) << r.relay.end_reason;
    }
  }
  trace.Close();
  std::printf("%s: %d packets; %d sessions with a side killed\n", scenario.name.c_str(), packets,
              sessions - 1);
  std::vector<std::string> ends = sink.ends();
  ASSERT_EQ(ends.size(), static_cast<size_t>(sessions));
  for (const std::string& text : ends) {
    EXPECT_FALSE(text.empty());
    EXPECT_EQ(text.find('\n'), std::string::npos) << text;
  }
  EXPECT_EQ(CountOpenFds(), fds_before);
}

INSTANTIATE_TEST_SUITE_P(EveryScenario, KillEachSideAtEachStepTest,
                         ::testing::ValuesIn(AllSessions()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (c == '/' || c == '-') c = '_';
                           }
                           return name;
                         });

TEST(ManySessionsTest, FiftySessionsInARowLeaveNoFdAndLoseNoEvent) {
  absl::StatusOr<SimFixture> fixture = SimFixture::Create();
  ASSERT_TRUE(fixture.ok()) << fixture.status();
  Scenario scenario = Load("create", *fixture);
  const int fds_before = CountOpenFds();
  SessionEndSink sink;
  Trace trace({&sink}, MonotonicNowNs());
  for (int i = 0; i < 50; ++i) {
    SessionResult r = RunSimSession(scenario, Pacing{}, Connection::kThroughRelay, &trace);
    ASSERT_TRUE(r.problems.empty()) << "session " << i + 1 << ": " << r.problems.front();
    ASSERT_TRUE(r.relay.ok) << r.relay.end_reason;
  }
  trace.Close();
  EXPECT_EQ(trace.dropped(), 0u);
  EXPECT_EQ(sink.ends().size(), 50u);
  EXPECT_EQ(CountOpenFds(), fds_before);
}

}  // namespace
}  // namespace sim
}  // namespace synctrace
