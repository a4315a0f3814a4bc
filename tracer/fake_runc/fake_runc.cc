// File: tracer/fake_runc/fake_runc.cc
//
// A stand-in for runc, for testing `synctrace exec`: a multi-threaded parent
// that, like runc 1.2+, makes a SOCK_SEQPACKET|SOCK_CLOEXEC socketpair, vforks
// and execs itself as `init` with the child end at a chosen fd number and
// _LIBCONTAINER_SYNCPIPE / _LIBCONTAINER_INITTYPE set, and then both sides
// talk: procMountPlease/procMountFd (a real fd), procSeccomp (an fd number in
// the child that the parent takes with pidfd_getfd)/procSeccompDone,
// procReady/procRun, the parent's shutdown(SHUT_WR), EOF both ways. Each side
// prints what it experienced as one line per fact, so a run with and without
// synctrace can be compared. It can also fork an idmap-like helper that calls
// PTRACE_TRACEME (as runc's idmapped-mount helper does) and reports the result.
//
// With --scenario NAME (a simulator scenario: create, exec, mount-error,
// bad-peer, child-crash, all; tracer/sim/scenario.h) both sides run the
// simulator's conversations (tracer/sim/conversation.h) instead, one init per
// scenario session, over a fixture directory (--fixture DIR, else a fresh one),
// and each side prints its PeerReport, every line prefixed "<scenario> <side> ".
// --speed X paces both sides as `synctrace demo --speed X` does (default 0: no
// pauses; at 1 a person can follow it, and set a TUI breakpoint in time).
//
// --nsexec-stages models what runc's nsexec constructor does before Go starts
// in `runc init` (tracer/fake_runc/nsexec_stages.h): the parent also passes an
// init pipe (SOCK_STREAM pair, child end at sync fd + 1,
// _LIBCONTAINER_INITPIPE) and writes bootstrap data on it; the vforked init
// (stage-0, "runc:[0:PARENT]") clones stage-1 ("runc:[1:CHILD]") with
// CLONE_PARENT, which clones stage-2 ("runc:[2:INIT]") likewise; stage-0 writes
// {"stage1_pid":N,"stage2_pid":M} on the init pipe and exits, stage-1 exits, and
// stage-2 (a child of the runc parent, holding the inherited sync fd) talks.
// The parent reaps stage-0 and stage-1, takes the procSeccomp fd from stage-2
// and waits for stage-2 as the init. Its line "parent: nsexec pids stage-0 A
// stage-1 B stage-2 C" differs from run to run (the other lines do not).
//
// Usage:
//   fake_runc [--scenario NAME [--fixture DIR] [--speed X]] [--inits N] [--threads N] [--sync-fd N] [--init-type standard|setns]
//             [--old-runc | --nsexec-stages] [--idmap-helper] [--exit STATUS] [--wait-for-signal]
//             [run CONTAINER_ID]
// --wait-for-signal: after the conversations, print "parent: waiting for a
// signal" and pause() (default dispositions: a SIGTERM ends it).
// Exit status: STATUS (default 0) when every conversation went as expected, 3 otherwise.
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tracer/fake_runc/nsexec_stages.h"
#include "tracer/sim/conversation.h"
#include "tracer/sim/peer_report.h"
#include "tracer/sim/scenario.h"

extern char** environ;

namespace {

constexpr char kMountSource[] = "/proc/self/exe";

void Say(const std::string& line) {
  std::string out = line + "\n";
  (void)!write(STDOUT_FILENO, out.data(), out.size());
}

// Reads one packet, and into *passed_fd (when given) the fd that came with it
// or -1. False on EOF (or a 0-byte packet, as runc reads it) and on errors.
bool ReadPacket(int fd, std::string* data, int* passed_fd) {
  ssize_t size;
  do {
    size = recv(fd, nullptr, 0, MSG_PEEK | MSG_TRUNC);
  } while (size < 0 && errno == EINTR);
  if (size <= 0) return false;
  data->assign(static_cast<size_t>(size), '\0');
  iovec io{data->data(), data->size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
  msghdr msg{};
  msg.msg_iov = &io;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  do {
    n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n != size) return false;
  if (passed_fd != nullptr) {
    *passed_fd = -1;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    if (c != nullptr && c->cmsg_type == SCM_RIGHTS) std::memcpy(passed_fd, CMSG_DATA(c), sizeof(int));
  }
  return true;
}

bool WritePacket(int fd, const std::string& data, int pass_fd = -1) {
  iovec io{const_cast<char*>(data.data()), data.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &io;
  msg.msg_iovlen = 1;
  if (pass_fd >= 0) {
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
  }
  return sendmsg(fd, &msg, MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
}

std::string Sync(const std::string& type, const std::string& arg = "", int flags = 0) {
  std::string out = "{\"type\":\"" + type + "\",\"flags\":" + std::to_string(flags);
  if (!arg.empty()) out += ",\"arg\":" + arg;
  return out + "}";
}

bool Expect(int fd, const std::string& type, std::string* packet, const char* who) {
  if (!ReadPacket(fd, packet, nullptr)) {
    Say(std::string(who) + ": EOF or error while waiting for " + type);
    return false;
  }
  if (packet->find("\"type\":\"" + type + "\"") == std::string::npos) {
    Say(std::string(who) + ": unexpected synchronisation flag: got " + *packet + ", expected " +
        type);
    return false;
  }
  return true;
}

std::string TracerPidLine(const char* who) {
  FILE* f = std::fopen("/proc/self/status", "re");
  char line[256];
  std::string tracer = "?";
  while (f != nullptr && std::fgets(line, sizeof line, f)) {
    if (std::strncmp(line, "TracerPid:", 10) == 0) tracer = std::to_string(std::atoi(line + 10));
  }
  if (f != nullptr) std::fclose(f);
  return std::string(who) + ": TracerPid " + tracer;
}

bool SameFile(int a, const char* path) {
  struct stat sa {}, sb {};
  return fstat(a, &sa) == 0 && stat(path, &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

int RunScenarioInit(int fd, const char* name, const char* fixture);

// runc init's side.
int RunInit() {
  const char* var = std::getenv("_LIBCONTAINER_SYNCPIPE");
  if (var == nullptr) var = std::getenv("_LIBCONTAINER_INITPIPE");  // --old-runc
  if (var == nullptr) {
    Say("init: no sync pipe in the environment");
    return 1;
  }
  int fd = std::atoi(var);
  // Like runc's nsexec: with both pipes set, the stages run first and only
  // stage-2 comes back here; stage-0 and stage-1 end inside.
  std::string stage_line;
  if (std::getenv("_LIBCONTAINER_SYNCPIPE") != nullptr) {
    if (const char* init_pipe = std::getenv("_LIBCONTAINER_INITPIPE")) {
      absl::StatusOr<std::string> stage2 = fake_runc::RunNsexecStages(std::atoi(init_pipe));
      if (!stage2.ok()) {
        Say("init: nsexec stages failed: " + std::string(stage2.status().message()));
        return 1;
      }
      stage_line = *stage2;
    }
  }
  if (const char* scenario = std::getenv("FAKE_RUNC_SCENARIO")) {
    if (!stage_line.empty()) Say(std::string(scenario) + " child " + stage_line);
    return RunScenarioInit(fd, scenario, std::getenv("FAKE_RUNC_FIXTURE"));
  }
  const char* type = std::getenv("_LIBCONTAINER_INITTYPE");
  if (!stage_line.empty()) Say("init: " + stage_line);
  Say(TracerPidLine("init"));
  std::string packet;
  bool ok = true;
  if (type == nullptr || std::strcmp(type, "setns") != 0) {
    std::string mount = std::string("{\"source\":\"") + kMountSource +
                        "\",\"destination\":\"/mnt\",\"device\":\"bind\",\"flags\":20480}";
    ok = ok && WritePacket(fd, Sync("procMountPlease", mount));
    ok = ok && Expect(fd, "procMountFd", &packet, "init");
    int mount_fd = -1;
    std::string name;
    ok = ok && ReadPacket(fd, &name, &mount_fd);
    if (ok) {
      Say(std::string("init: mount fd named ") + name + (SameFile(mount_fd, kMountSource) ? " is the source" : " is NOT the source"));
      close(mount_fd);
    }
  }
  int stand_in = static_cast<int>(syscall(SYS_memfd_create, "seccomp-stand-in", MFD_CLOEXEC));
  ok = ok && WritePacket(fd, Sync("procSeccomp", std::to_string(stand_in)));
  ok = ok && Expect(fd, "procSeccompDone", &packet, "init");
  close(stand_in);
  ok = ok && WritePacket(fd, Sync("procReady"));
  ok = ok && Expect(fd, "procRun", &packet, "init");
  if (ok) Say("init: got procRun");
  ok = ok && !ReadPacket(fd, &packet, nullptr);
  Say(ok ? "init: EOF from the parent" : "init: conversation failed");
  close(fd);
  return ok ? 0 : 1;
}

// runc parent's side of one conversation with the child at `fd`; `child` (named
// `child_name` in the report) holds the procSeccomp fd.
bool RunParentSide(int fd, pid_t child, const std::string& child_name, bool setns) {
  std::string packet;
  bool ok = true;
  if (!setns) {
    ok = ok && Expect(fd, "procMountPlease", &packet, "parent");
    int mount_fd = open(kMountSource, O_PATH | O_CLOEXEC);
    ok = ok && WritePacket(fd, Sync("procMountFd", "{\"type\":\"plain-open\"}", 1));
    ok = ok && WritePacket(fd, kMountSource, mount_fd);
    if (mount_fd >= 0) close(mount_fd);
  }
  ok = ok && Expect(fd, "procSeccomp", &packet, "parent");
  if (ok) {
    size_t colon = packet.find("\"arg\":");
    int child_fd = colon == std::string::npos ? -1 : std::atoi(packet.c_str() + colon + 6);
    int pidfd = static_cast<int>(syscall(SYS_pidfd_open, child, 0));
    int copy = static_cast<int>(syscall(SYS_pidfd_getfd, pidfd, child_fd, 0));
    char link[256] = {};
    std::string path = "/proc/self/fd/" + std::to_string(copy);
    (void)!readlink(path.c_str(), link, sizeof link - 1);
    Say("parent: seccomp fd from " + child_name + " is " + link);
    if (copy >= 0) close(copy);
    if (pidfd >= 0) close(pidfd);
  }
  ok = ok && WritePacket(fd, Sync("procSeccompDone"));
  ok = ok && Expect(fd, "procReady", &packet, "parent");
  ok = ok && WritePacket(fd, Sync("procRun"));
  shutdown(fd, SHUT_WR);
  ok = ok && !ReadPacket(fd, &packet, nullptr);
  Say(ok ? "parent: EOF from the child" : "parent: conversation failed");
  return ok;
}

// Prints a PeerReport in one write, each line prefixed "<scenario> <side> ".
void PrintReport(const std::string& scenario, const synctrace::sim::PeerReport& report) {
  std::string out;
  std::string text = report.Serialize();
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out += scenario + " " + report.side + " " + text.substr(start, end - start) + "\n";
    start = end + 1;
  }
  (void)!write(STDOUT_FILENO, out.data(), out.size());
}

// How fast both sides of a scenario go (--speed; FAKE_RUNC_SPEED in the init).
synctrace::sim::Pacing scenario_pacing;

// runc init's side of a simulator scenario (FAKE_RUNC_SCENARIO / _FIXTURE / _SPEED).
int RunScenarioInit(int fd, const char* name, const char* fixture) {
  if (const char* speed = std::getenv("FAKE_RUNC_SPEED")) scenario_pacing.speed = std::atof(speed);
  absl::StatusOr<std::vector<synctrace::sim::Scenario>> scenarios =
      synctrace::sim::ExpandScenario(name, fixture);
  if (!scenarios.ok() || scenarios->size() != 1) {
    Say(std::string("init: bad scenario ") + name);
    return 1;
  }
  synctrace::sim::PeerReport report;
  report.side = "child";
  synctrace::sim::ChildEnd end =
      synctrace::sim::RunChildConversation(fd, scenarios->front(), scenario_pacing, &report);
  PrintReport(name, report);
  close(fd);
  if (end == synctrace::sim::ChildEnd::kCrash) raise(SIGKILL);
  return synctrace::sim::ExitStatusFor(end);
}

// Starts `self init` with its end of a fresh sync socketpair at fd `sync_fd`,
// vfork-style (the parent resumes once the child has exec'd), then talks.
// With nsexec_stages, the init pipe's child end goes to sync_fd + 1 and the
// conversation is with stage-2.
bool StartInit(const char* self, int sync_fd, const std::string& init_type, bool old_runc,
               bool nsexec_stages, const synctrace::sim::Scenario* scenario = nullptr) {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0) return false;
  std::optional<fake_runc::InitPipe> init_pipe;
  if (nsexec_stages) {
    std::string error;
    init_pipe = fake_runc::InitPipe::Create(sync_fd + 1, &error);
    // Both child ends above both target numbers, so placing one cannot clobber the other.
    int moved = fcntl(fds[0], F_DUPFD_CLOEXEC, sync_fd + 2);
    if (!init_pipe || moved < 0) {
      Say("parent: " + (error.empty() ? std::string("cannot move the sync socket's child end") : error));
      close(fds[0]);
      close(fds[1]);
      if (moved >= 0) close(moved);
      return false;
    }
    close(fds[0]);
    fds[0] = moved;
  }
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) env_strings.push_back(*e);
  env_strings.push_back(std::string(old_runc ? "_LIBCONTAINER_INITPIPE=" : "_LIBCONTAINER_SYNCPIPE=") +
                        std::to_string(sync_fd));
  if (init_pipe) env_strings.push_back(init_pipe->EnvVar());
  env_strings.push_back("_LIBCONTAINER_INITTYPE=" + init_type);
  if (scenario != nullptr) {
    env_strings.push_back("FAKE_RUNC_SCENARIO=" + scenario->name);
    env_strings.push_back("FAKE_RUNC_FIXTURE=" + scenario->fixture_dir);
    env_strings.push_back("FAKE_RUNC_SPEED=" + std::to_string(scenario_pacing.speed));
  }
  std::vector<char*> envp;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  char init_arg[] = "init";
  char* argv[] = {const_cast<char*>(self), init_arg, nullptr};
  int child_end = fds[0];

  pid_t child = vfork();
  if (child == 0) {
    if (child_end == sync_fd) {
      fcntl(sync_fd, F_SETFD, 0);
    } else if (dup2(child_end, sync_fd) < 0) {
      _exit(126);
    }
    if (init_pipe && !init_pipe->PlaceInChild()) _exit(126);
    execve(self, argv, envp.data());
    _exit(127);
  }
  close(fds[0]);
  if (init_pipe) init_pipe->CloseChildEnd();
  if (child < 0) {
    close(fds[1]);
    return false;
  }
  std::string prefix = scenario != nullptr ? scenario->name + " " : "";
  std::string child_name = "the child";
  if (init_pipe) {
    // runc: bootstrap data, wait for stage-0, read the pids, reap stage-1;
    // from then on the init is stage-2.
    fake_runc::StagePids pids = init_pipe->FollowStages(child);
    for (const std::string& line : pids.report) Say(prefix + "parent: " + line);
    if (pids.stage2 <= 0) {
      close(fds[1]);
      return false;
    }
    child = pids.stage2;
    child_name = "stage-2";
  }
  bool ok;
  if (scenario != nullptr) {
    synctrace::sim::PeerReport report;
    report.side = "parent";
    synctrace::sim::RunParentConversation(fds[1], *scenario, scenario_pacing, child,
                                          &report);
    PrintReport(scenario->name, report);
    ok = true;  // the reports say how it went; a scenario may fail on purpose
  } else {
    ok = RunParentSide(fds[1], child, child_name, init_type == "setns");
  }
  close(fds[1]);
  init_pipe.reset();
  int status = 0;
  waitpid(child, &status, 0);
  Say(prefix + "parent: init exited with " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)));
  return ok && (scenario != nullptr || (WIFEXITED(status) && WEXITSTATUS(status) == 0));
}

// Like runc's idmapped-mount helper: a forked child that calls PTRACE_TRACEME.
bool RunIdmapHelper() {
  pid_t child = fork();
  if (child == 0) {
    bool traceme = ptrace(PTRACE_TRACEME, 0, nullptr, nullptr) == 0;
    int err = errno;
    Say(std::string("helper: PTRACE_TRACEME ") + (traceme ? "succeeded" : std::string("failed: ") + std::strerror(err)));
    _exit(traceme ? 0 : 1);
  }
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

// Under --config=asan: this stand-in runs traced by synctrace (ptrace), where
// LeakSanitizer cannot work (it aborts the exit with a fatal error and status
// 1). Its leaks are not synctrace's; synctrace itself keeps LSan on.
#if defined(__SANITIZE_ADDRESS__)
extern "C" const char* __asan_default_options() { return "detect_leaks=0"; }
#endif

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "init") == 0) return RunInit();
  int inits = 1, threads = 3, sync_fd = 4, exit_status = 0;
  std::string init_type = "standard", scenario_name, fixture_dir;
  bool old_runc = false, nsexec_stages = false, idmap_helper = false, wait_for_signal = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--inits") inits = std::atoi(next());
    else if (a == "--threads") threads = std::atoi(next());
    else if (a == "--sync-fd") sync_fd = std::atoi(next());
    else if (a == "--init-type") init_type = next();
    else if (a == "--exit") exit_status = std::atoi(next());
    else if (a == "--old-runc") old_runc = true;
    else if (a == "--nsexec-stages") nsexec_stages = true;
    else if (a == "--idmap-helper") idmap_helper = true;
    else if (a == "--wait-for-signal") wait_for_signal = true;
    else if (a == "--scenario") scenario_name = next();
    else if (a == "--fixture") fixture_dir = next();
    else if (a == "--speed") scenario_pacing.speed = std::atof(next());
  }
  if (old_runc && nsexec_stages) {
    Say("parent: --nsexec-stages needs the sync socket of runc 1.2+, not --old-runc");
    return 2;
  }
  // Idle threads, so the parent is multi-threaded like Go's runtime.
  std::atomic<bool> done{false};
  std::vector<std::thread> idle;
  for (int t = 0; t < threads; ++t) {
    idle.emplace_back([&done] {
      while (!done.load()) usleep(1000);
    });
  }
  bool ok = true;
  if (idmap_helper) ok = RunIdmapHelper() && ok;
  if (!scenario_name.empty()) {
    std::optional<synctrace::sim::SimFixture> fixture;
    if (fixture_dir.empty()) {
      absl::StatusOr<synctrace::sim::SimFixture> made = synctrace::sim::SimFixture::Create();
      if (!made.ok()) return 3;
      fixture.emplace(std::move(*made));
      fixture_dir = fixture->dir();
    }
    absl::StatusOr<std::vector<synctrace::sim::Scenario>> scenarios =
        synctrace::sim::ExpandScenario(scenario_name, fixture_dir);
    if (!scenarios.ok()) {
      Say("parent: " + std::string(scenarios.status().message()));
      return 2;
    }
    for (const synctrace::sim::Scenario& s : *scenarios) {
      ok = StartInit("/proc/self/exe", sync_fd, s.init_type, old_runc, nsexec_stages, &s) && ok;
    }
    inits = 0;
  }
  for (int i = 0; i < inits; ++i) {
    ok = StartInit("/proc/self/exe", sync_fd, init_type, old_runc, nsexec_stages) && ok;
  }
  done = true;
  for (std::thread& t : idle) t.join();
  if (wait_for_signal) {
    Say("parent: waiting for a signal");
    for (;;) pause();
  }
  return ok ? exit_status : 3;
}
