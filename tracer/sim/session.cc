// One simulated runc session, direct or through the relay; see session.h.
#include "tracer/sim/session.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "tracer/sim/go_json.h"
#include "tracer/sim/peer_process.h"

namespace synctrace {
namespace sim {
namespace {

bool ChildCrashes(const Scenario& s) { return s.kind == ScenarioKind::kChildCrash; }

// Mounts whose fd the child is expected to have received.
size_t ExpectedMountFds(const Scenario& s) {
  switch (s.kind) {
    case ScenarioKind::kCreate:
    case ScenarioKind::kMountError:
    case ScenarioKind::kChildCrash:
    case ScenarioKind::kBadUnexpectedReply:
      return s.mounts.size();
    default:
      return 0;
  }
}

void Expect(bool ok, std::vector<std::string>* problems, std::string what) {
  if (!ok) problems->push_back(std::move(what));
}

void ExpectText(const std::string& side, const std::string& expected, const std::string& got,
                std::vector<std::string>* problems) {
  if (expected == got) return;
  problems->push_back(absl::StrCat(side, " ended with error '", got, "', expected '",
                                   expected, "'"));
}

void CheckMountFiles(const Scenario& s, const PeerReport& parent, const PeerReport& child,
                     std::vector<std::string>* problems) {
  size_t want = ExpectedMountFds(s);
  if (child.files.size() != want) {
    problems->push_back(absl::StrCat("child received ", child.files.size(),
                                     " mount fds, expected ", want));
    return;
  }
  for (size_t i = 0; i < want; ++i) {
    const SimMount& m = s.mounts[i];
    const ReceivedFile& f = child.files[i];
    Expect(f.name == m.source, problems,
           absl::StrCat("child's mount fd ", i + 1, " is named '", f.name, "', expected '",
                        m.source, "'"));
    struct stat st;
    if (stat(m.source.c_str(), &st) != 0) {
      problems->push_back(absl::StrCat("cannot stat mount source ", m.source, ": ",
                                       std::strerror(errno)));
      continue;
    }
    Expect(f.dev == st.st_dev && f.ino == st.st_ino, problems,
           absl::StrCat("child's mount fd for ", m.source, " is dev ", f.dev, " ino ", f.ino,
                        ", the source is dev ", st.st_dev, " ino ", st.st_ino));
    // Without the privilege for open_tree the parent falls back to O_PATH (and says so).
    bool refused = parent.notes.find("open_tree refused") != std::string::npos;
    std::string kind = m.id_mapped ? "open_tree" : "plain-open";
    Expect(f.kind == kind || (m.id_mapped && f.kind == "plain-open" && refused), problems, absl::StrCat("child's mount fd for ", m.source, " is '", f.kind,
                                  "', expected '", kind, "'"));
  }
}

// "sim-bad-peer-unexpected-reply" for scenario "bad-peer/unexpected-reply".
std::string SimContainerId(const Scenario& s) {
  return absl::StrCat("sim-", absl::StrReplaceAll(s.name, {{"/", "-"}}));
}

std::string SimCommandLine(const Scenario& s) {
  return absl::StrCat("[simulated] runc ", s.init_type == "setns" ? "exec" : "create", " ",
                      SimContainerId(s));
}

}  // namespace

std::string ExpectedChildError(const Scenario& s) {
  const std::string source = s.mounts.empty() ? "" : GoStrconvQuote(s.mounts[0].source);
  switch (s.kind) {
    case ScenarioKind::kMountError:
      return absl::StrCat("error mounting ", source, " to rootfs at ",
                          GoStrconvQuote(s.mounts[0].destination), ": open ", s.rootfs,
                          s.mounts[0].destination, ": no such file or directory");
    case ScenarioKind::kBadUnexpectedReply:
      return "unexpected synchronisation flag: got \"procRun\", expected \"procHooksDone\"";
    case ScenarioKind::kBadMissingFdPacket:
      return absl::StrCat("mountfd request for ", source,
                          " failed: receiving fd from sync procMountFd failed: recvfile: "
                          "incorrect number of bytes read (n=0 oobn=0)");
    case ScenarioKind::kBadGarbageJson:
      return "sync ready: EOF";
    case ScenarioKind::kBadUnsolicitedReply:
      return absl::StrCat("mountfd request for ", source,
                          " failed: unexpected synchronisation flag: got \"procHooksDone\", "
                          "expected \"procMountFd\"");
    default:
      return "";
  }
}

std::string ExpectedParentError(const Scenario& s) {
  switch (s.kind) {
    case ScenarioKind::kCreate:
    case ScenarioKind::kExec:
      return "";
    case ScenarioKind::kChildCrash:
      return "error during container init: procReady not received";
    case ScenarioKind::kBadMissingFdPacket:
      return "bad peer: sent procMountFd flags:0b1 without its fd packet, then gave up";
    case ScenarioKind::kBadGarbageJson:
      return "error during container init: unmarshal sync failed: unexpected end of JSON input";
    default:
      return absl::StrCat("error during container init: ", ExpectedChildError(s));
  }
}

std::vector<std::string> CheckExpectations(const Scenario& s, const PeerReport& parent,
                                           const PeerReport& child) {
  std::vector<std::string> problems;
  for (const PeerReport* r : {&parent, &child}) {
    Expect(!r->report_missing, &problems,
           absl::StrCat("the ", r->side, " sent no report (", r->notes, ")"));
  }
  ExpectText("child", ExpectedChildError(s), child.error, &problems);
  ExpectText("parent", ExpectedParentError(s), parent.error, &problems);
  Expect(parent.saw_eof, &problems, "the parent never saw EOF");
  Expect(child.saw_eof || ChildCrashes(s), &problems, "the child never saw EOF");
  std::string child_exit = ChildCrashes(s) ? "killed by SIGKILL"
                           : ExpectedChildError(s).empty() ? "exit 0" : "exit 255";
  std::string parent_exit = ExpectedParentError(s).empty() ? "exit 0" : "exit 1";
  Expect(child.exit == child_exit, &problems,
         absl::StrCat("child ended with ", child.exit, ", expected ", child_exit));
  Expect(parent.exit == parent_exit, &problems,
         absl::StrCat("parent ended with ", parent.exit, ", expected ", parent_exit));
  CheckMountFiles(s, parent, child, &problems);
  if (s.seccomp) {
    bool stand_in = child.notes.find("stand-in") != std::string::npos;
    Expect(parent.files.size() == 1 && (stand_in || parent.files[0].kind == "seccomp notify"),
           &problems, "the parent did not grab the child's seccomp notify fd");
  }
  return problems;
}

std::string DescribeOutcome(const SessionResult& r) {
  std::string head = absl::StrCat(r.session > 0 ? absl::StrCat("s", r.session, " ") : "",
                                  r.scenario.name);
  if (!r.problems.empty()) {
    return absl::StrCat(head, ": NOT as expected: ", absl::StrJoin(r.problems, "; "));
  }
  std::string what;
  if (!r.child.files.empty()) absl::StrAppend(&what, "child got ", r.child.files.size(), " mount fd(s) named as asked");
  if (!r.parent.files.empty()) {
    absl::StrAppend(&what, what.empty() ? "" : ", ", "parent grabbed the child's ",
                    r.parent.files[0].kind, " fd");
  }
  auto ended = [](const PeerReport& p) {
    if (absl::StartsWith(p.exit, "killed")) return std::string("mid-conversation");
    return p.error.empty() ? std::string("ok") : absl::StrCat("'", p.error, "'");
  };
  if (r.child.error.empty() && r.parent.error.empty()) {
    absl::StrAppend(&what, what.empty() ? "" : "; ", "no errors");
  } else {
    absl::StrAppend(&what, what.empty() ? "" : "; ", "child ended ", ended(r.child), " (",
                    r.child.exit, "), parent ended ", ended(r.parent), " (", r.parent.exit, ")");
  }
  absl::StrAppend(&what, r.child.saw_eof ? "; both saw EOF" : "; the parent saw EOF");
  for (const PeerReport* p : {&r.parent, &r.child}) {
    if (!p->notes.empty()) absl::StrAppend(&what, " (", p->side, ": ", p->notes, ")");
  }
  return absl::StrCat(head, ": as expected: ", what);
}

void SessionCanceller::Cancel() {
  cancelled_ = true;
  if (Relay* relay = relay_.load()) relay->Stop();
  for (pid_t pid : {parent_.load(), child_.load()}) {
    if (pid > 0) kill(pid, SIGKILL);
  }
}

void SessionCanceller::Attach(Relay* relay, pid_t parent, pid_t child) {
  parent_ = parent;
  child_ = child;
  relay_ = relay;
  if (cancelled_.load()) Cancel();  // cancelled while we were starting
}

void SessionCanceller::Detach() {
  relay_ = nullptr;
  parent_ = 0;
  child_ = 0;
}

SessionResult RunSimSession(const Scenario& scenario, const Pacing& pacing,
                            Connection connection, Trace* trace, ForwardGate* gate,
                            absl::Duration deadline, SessionCanceller* canceller) {
  SessionResult result;
  result.scenario = scenario;
  // A paced session takes its pauses on top (create: about 7 s at speed 1).
  if (pacing.speed > 0) deadline += absl::Seconds(10) / pacing.speed;
  if (canceller != nullptr && canceller->cancelled()) {
    result.problems.push_back("cancelled before it started");
    return result;
  }
  const bool relay = connection == Connection::kThroughRelay;
  int parent_pair[2] = {-1, -1};  // [1]: the parent peer's end
  int child_pair[2] = {-1, -1};   // [0]: the child peer's end
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, parent_pair) != 0 ||
      (relay && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, child_pair) != 0)) {
    result.problems.push_back(absl::StrCat("simulator: socketpair: ", std::strerror(errno)));
    for (int fd : {parent_pair[0], parent_pair[1]}) {
      if (fd >= 0) close(fd);
    }
    return result;
  }
  if (!relay) {  // one pair, as runc makes it: fds[1] parent end, fds[0] child end
    child_pair[0] = parent_pair[0];
    parent_pair[0] = -1;
  }
  absl::StatusOr<PeerProcess> child = StartPeer("child", child_pair[0], scenario, pacing, 0);
  close(child_pair[0]);
  absl::StatusOr<PeerProcess> parent =
      child.ok() ? StartPeer("parent", parent_pair[1], scenario, pacing, child->pid)
                 : absl::StatusOr<PeerProcess>(child.status());
  close(parent_pair[1]);
  if (relay) {
    if (child.ok() && parent.ok()) {
      SessionInfo info;
      info.parent_pid = parent->pid;
      info.child_pid = child->pid;
      info.command_line = SimCommandLine(scenario);
      info.container_id = SimContainerId(scenario);
      info.init_type = scenario.init_type;
      result.session = trace->StartSession(info);
      Relay r(parent_pair[0], child_pair[1], result.session, trace, gate);  // owns both
      if (canceller != nullptr) canceller->Attach(&r, parent->pid, child->pid);
      result.relay = r.Run();
      if (canceller != nullptr) canceller->Detach();
    } else {
      close(parent_pair[0]);
      close(child_pair[1]);
    }
  }
  if (!child.ok() || !parent.ok()) {
    result.problems.push_back(std::string(child.ok() ? parent.status().message()
                                                     : child.status().message()));
    if (child.ok()) {
      kill(child->pid, SIGKILL);
      result.child = FinishPeer(&*child, deadline);
    }
    return result;
  }
  if (canceller != nullptr) canceller->Attach(nullptr, parent->pid, child->pid);
  result.child = FinishPeer(&*child, deadline);
  if (canceller != nullptr) canceller->Attach(nullptr, parent->pid, 0);  // child reaped
  result.parent = FinishPeer(&*parent, deadline);
  if (canceller != nullptr) canceller->Detach();
  if (canceller != nullptr && canceller->cancelled()) {
    result.problems.push_back("cancelled while running");
    return result;
  }
  result.problems = CheckExpectations(scenario, result.parent, result.child);
  return result;
}

}  // namespace sim
}  // namespace synctrace
