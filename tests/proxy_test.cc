// End-to-end: the real `synctrace proxy` binary between two socketpairs, as a
// wrapper or test harness runs it. A runc-like conversation (with a mount fd)
// goes through unchanged and lands in --log and --json; the text goes to a
// piped stdout live; bad flags, fds and log paths fail before any traffic.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/run_process.h"
#include "tracer/peer_io.h"

namespace synctrace {
namespace {

using ::testing::HasSubstr;

constexpr int kTimeoutMs = 20000;
const char kSynctrace[] = "synctrace";  // runfiles path of //:synctrace

using testing_util::ReadFile;

std::string TempPath(const std::string& name) {
  return testing_util::TempDir() + "/" + std::to_string(getpid()) + "_" + name;
}

// Reads what is available on `fd` until `needle` shows up or the deadline.
std::string ReadUntil(int fd, const std::string& needle) {
  std::string out;
  while (out.find(needle) == std::string::npos) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, kTimeoutMs) != 1) break;
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// Two socketpairs: the test holds the peers' ends; the proxy gets the others
// as fds 3 (parent side) and 4 (child side).
struct Wiring {
  UniqueFd parent, child;          // the peers' ends
  UniqueFd relay_parent, relay_child;  // what the proxy inherits
  Wiring() {
    int p[2], c[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, p), 0);
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, c), 0);
    parent.reset(p[0]);
    relay_parent.reset(p[1]);
    child.reset(c[0]);
    relay_child.reset(c[1]);
  }
};

struct Proxy {
  pid_t pid = -1;
  UniqueFd out;  // its stdout (a pipe)
  UniqueFd err;  // its stderr (a pipe)

  int Wait() {
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
};

// Starts `synctrace proxy ARGS` with fd3 and fd4 inherited as 3 and 4.
Proxy StartProxy(const std::vector<std::string>& args, int fd3, int fd4) {
  int out[2], err[2];
  EXPECT_EQ(pipe2(out, O_CLOEXEC), 0);
  EXPECT_EQ(pipe2(err, O_CLOEXEC), 0);
  std::vector<std::string> argv = {kSynctrace, "proxy"};
  argv.insert(argv.end(), args.begin(), args.end());
  pid_t pid = fork();
  if (pid == 0) {
    // Move the inherited ends out of the way first, then into place.
    int a = fcntl(fd3, F_DUPFD, 10), b = fcntl(fd4, F_DUPFD, 10);
    dup2(out[1], 1);
    dup2(err[1], 2);
    dup2(a, 3);
    dup2(b, 4);
    std::vector<char*> cargv;
    for (std::string& s : argv) cargv.push_back(s.data());
    cargv.push_back(nullptr);
    execv(kSynctrace, cargv.data());
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  Proxy proxy;
  proxy.pid = pid;
  proxy.out.reset(out[0]);
  proxy.err.reset(err[0]);
  return proxy;
}

std::string ReadRest(int fd) {
  std::string s;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) s.append(buf, static_cast<size_t>(n));
  return s;
}

void Send(int fd, const std::string& data, std::vector<UniqueFd> fds = {}) {
  ASSERT_EQ(SendPacketWithin(fd, data, fds, kTimeoutMs), static_cast<ssize_t>(data.size()));
}

ReceivedPacket Receive(int fd) {
  ReceivedPacket p;
  EXPECT_GE(ReceivePacketWithin(fd, &p, kTimeoutMs), 0);
  return p;
}

TEST(ProxyTest, ARuncConversationGoesThroughUnchangedIntoBothLogs) {
  std::string log = TempPath("run.log"), json = TempPath("run.jsonl");
  Wiring w;
  Proxy proxy = StartProxy({"--parent-fd", "3", "--child-fd", "4", "--log", log, "--json", json},
                           w.relay_parent.get(), w.relay_child.get());
  w.relay_parent.reset();
  w.relay_child.reset();

  const std::string please = R"({"type":"procMountPlease","flags":0,"arg":{"source":"/tmp","destination":"/mnt"}})";
  const std::string mount_fd = R"({"type":"procMountFd","flags":1,"arg":{"type":"plain-open"}})";
  Send(w.child.get(), please);
  EXPECT_EQ(Receive(w.parent.get()).data, please);
  UniqueFd dir(open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  std::vector<UniqueFd> fds;
  fds.emplace_back(dup(dir.get()));
  Send(w.parent.get(), mount_fd);
  Send(w.parent.get(), "/tmp", std::move(fds));
  EXPECT_EQ(Receive(w.child.get()).data, mount_fd);
  ReceivedPacket named = Receive(w.child.get());
  EXPECT_EQ(named.data, "/tmp");
  ASSERT_EQ(named.fds.size(), 1u);
  struct stat a, b;
  ASSERT_EQ(fstat(named.fds[0].get(), &a), 0);
  ASSERT_EQ(fstat(dir.get(), &b), 0);
  EXPECT_EQ(a.st_ino, b.st_ino);
  Send(w.child.get(), R"({"type":"procReady","flags":0})");
  EXPECT_EQ(Receive(w.parent.get()).data, R"({"type":"procReady","flags":0})");
  Send(w.parent.get(), R"({"type":"procRun","flags":0})");
  EXPECT_EQ(Receive(w.child.get()).data, R"({"type":"procRun","flags":0})");
  shutdown(w.parent.get(), SHUT_WR);
  EXPECT_TRUE(ReadsEofWithin(w.child.get(), kTimeoutMs));
  w.child.reset();
  EXPECT_TRUE(ReadsEofWithin(w.parent.get(), kTimeoutMs));
  EXPECT_EQ(proxy.Wait(), 0) << ReadRest(proxy.err.get());

  std::string text = ReadFile(log);
  EXPECT_THAT(text, HasSubstr("child->parent type:procMountPlease arg:{\"source\":\"/tmp\""));
  EXPECT_THAT(text, HasSubstr("parent->child type:procMountFd flags:0b1 arg:{\"type\":\"plain-open\"} file:/tmp (fd:"));
  EXPECT_THAT(text, HasSubstr("child->parent type:procReady\n"));
  EXPECT_THAT(text, HasSubstr("parent->child type:procRun\n"));
  std::string jsonl = ReadFile(json);
  EXPECT_THAT(jsonl, HasSubstr("\"type\":\"procRun\""));
  EXPECT_THAT(jsonl, HasSubstr("\"kind\":\"directory\""));
  struct stat st;
  ASSERT_EQ(stat(log.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(ReadRest(proxy.out.get()), "");  // with --log, nothing on stdout
}

TEST(ProxyTest, WithoutLogFlagsTextGoesToAPipedStdoutLive) {
  Wiring w;
  Proxy proxy = StartProxy({"--parent-fd=3", "--child-fd=4"}, w.relay_parent.get(),
                           w.relay_child.get());
  w.relay_parent.reset();
  w.relay_child.reset();
  Send(w.child.get(), R"({"type":"procHooks","flags":0})");
  Receive(w.parent.get());
  // The line is there while the session still runs: flushed per event.
  EXPECT_THAT(ReadUntil(proxy.out.get(), "type:procHooks\n"),
              HasSubstr("child->parent type:procHooks\n"));
  w.parent.reset();
  w.child.reset();
  EXPECT_EQ(proxy.Wait(), 0);
}

// Runs the proxy with `args` on fds 3/4 = (a, b); expects `code`, one stderr
// line containing `message`, and the packet queued at `untouched` still there.
void ExpectRefused(const std::vector<std::string>& args, int a, int b, int code,
                   const std::string& message, int untouched) {
  Proxy proxy = StartProxy(args, a, b);
  EXPECT_EQ(proxy.Wait(), code);
  std::string err = ReadRest(proxy.err.get());
  EXPECT_THAT(err, HasSubstr(message));
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_EQ(QueuedBytes(untouched), 5) << "the proxy touched the traffic";
}

TEST(ProxyTest, BadFdsAndPathsFailBeforeAnyTraffic) {
  Wiring w;
  Send(w.parent.get(), "early");  // waits in the proxy's parent-side socket
  int pipe_fds[2];
  ASSERT_EQ(pipe2(pipe_fds, O_CLOEXEC), 0);
  UniqueFd pr(pipe_fds[0]), pw(pipe_fds[1]);
  int s[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s), 0);
  UniqueFd s0(s[0]), s1(s[1]);
  int rp = w.relay_parent.get(), rc = w.relay_child.get();

  ExpectRefused({"--parent-fd", "3", "--child-fd", "9"}, rp, rc, 2, "fd 9 is not open", rp);
  ExpectRefused({"--parent-fd", "3", "--child-fd", "4"}, rp, pr.get(), 2,
                "--child-fd 4: fd 4 is not a socket", rp);
  ExpectRefused({"--parent-fd", "3", "--child-fd", "4"}, rp, s0.get(), 2,
                "is a SOCK_STREAM socket, not SOCK_SEQPACKET", rp);
  ExpectRefused({"--child-fd", "4"}, rp, rc, 2, "proxy needs --parent-fd", rp);
  ExpectRefused({"--parent-fd", "3", "--child-fd", "4", "--log", "/nonexistent-dir/x.log"}, rp,
                rc, 1, "cannot open --log /nonexistent-dir/x.log", rp);
  ExpectRefused({"--parent-fd", "3", "--child-fd", "4", "--bogus"}, rp, rc, 2, "bogus", rp);
}

// Starts `synctrace proxy --parent-fd 3 --child-fd 4 ARGS` on `w`'s relay ends
// (which the test then closes: only the proxy holds them).
Proxy StartWiredProxy(Wiring& w, std::vector<std::string> args) {
  args.insert(args.begin(), {"--parent-fd", "3", "--child-fd", "4"});
  Proxy proxy = StartProxy(args, w.relay_parent.get(), w.relay_child.get());
  w.relay_parent.reset();
  w.relay_child.reset();
  return proxy;
}

// SIGTERM or SIGINT to synctrace mid-session: both peers read EOF at once (as
// if the other side had died), the log ends with the session's end, and
// synctrace says what happened in one line and exits 1.
TEST(ProxySignalTest, SigtermOrSigintMidSessionGivesBothPeersEofAndOneLine) {
  for (int sig : {SIGTERM, SIGINT}) {
    const std::string name = sig == SIGTERM ? "SIGTERM" : "SIGINT";
    SCOPED_TRACE(name);
    std::string log = TempPath(name + ".log");
    Wiring w;
    Proxy proxy = StartWiredProxy(w, {"--log", log});
    Send(w.child.get(), R"({"type":"procHooks","flags":0})");
    EXPECT_EQ(Receive(w.parent.get()).data, R"({"type":"procHooks","flags":0})");
    ASSERT_EQ(kill(proxy.pid, sig), 0);
    EXPECT_TRUE(ReadsEofWithin(w.parent.get(), kTimeoutMs));
    EXPECT_TRUE(ReadsEofWithin(w.child.get(), kTimeoutMs));
    EXPECT_EQ(proxy.Wait(), 1);
    std::string err = ReadRest(proxy.err.get());
    EXPECT_THAT(err, HasSubstr("stopped by " + name + " mid-session"));
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
    std::string text = ReadFile(log);
    EXPECT_THAT(text, HasSubstr("child->parent type:procHooks\n"));
    EXPECT_THAT(text, HasSubstr("session end: stopped by synctrace"));
  }
}

// The parent closes, the child reads EOF and closes: the proxy exits 0 with
// exactly one stderr line, which contains `says`.
void ExpectEndsNormallyWithOneLine(Wiring& w, Proxy& proxy, const std::string& says) {
  w.parent.reset();
  EXPECT_TRUE(ReadsEofWithin(w.child.get(), kTimeoutMs));
  w.child.reset();
  EXPECT_EQ(proxy.Wait(), 0);
  std::string err = ReadRest(proxy.err.get());
  EXPECT_THAT(err, HasSubstr(says));
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
}

// A --log file removed while the session runs: forwarding is untouched, and
// synctrace says at the end, in one line, that those lines are lost.
TEST(ProxyLogFaultTest, LogRemovedWhileWritingIsReportedAndForwardingGoesOn) {
  std::string log = TempPath("removed.log");
  Wiring w;
  Proxy proxy = StartWiredProxy(w, {"--log", log});
  Send(w.child.get(), R"({"type":"procReady","flags":0})");
  EXPECT_EQ(Receive(w.parent.get()).data, R"({"type":"procReady","flags":0})");
  ASSERT_EQ(unlink(log.c_str()), 0);
  Send(w.parent.get(), R"({"type":"procRun","flags":0})");
  EXPECT_EQ(Receive(w.child.get()).data, R"({"type":"procRun","flags":0})");
  ExpectEndsNormallyWithOneLine(w, proxy, log + " was removed while synctrace was writing it");
}

// --log on a full disk: the conversation goes through unchanged, the failure
// is one line, and the session still ends normally.
TEST(ProxyLogFaultTest, LogOnAFullDiskIsOneLineAndForwardingGoesOn) {
  Wiring w;
  Proxy proxy = StartWiredProxy(w, {"--log", "/dev/full"});
  for (int i = 0; i < 20; ++i) {
    Send(w.child.get(), R"({"type":"procReady","flags":0})");
    EXPECT_EQ(Receive(w.parent.get()).data, R"({"type":"procReady","flags":0})");
  }
  ExpectEndsNormallyWithOneLine(w, proxy, "/dev/full failed (No space left on device)");
}

}  // namespace
}  // namespace synctrace
