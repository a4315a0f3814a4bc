// runc's nsexec stages, modelled for the fake runc; see nsexec_stages.h.
#include "tracer/fake_runc/nsexec_stages.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include "absl/status/status.h"

namespace fake_runc {
namespace {

// Stands for runc's netlink bootstrap message; stage-0 waits for it, so the
// vforked init holds still until the parent has resumed and written it.
constexpr char kBootstrap[] = "fake-runc nsexec bootstrap data\n";

std::string ErrnoText(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

std::string ExitText(int status) {
  return std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

bool WriteAll(int fd, const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = send(fd, p, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool ReadAll(int fd, void* data, size_t size) {
  char* p = static_cast<char*>(data);
  while (size > 0) {
    ssize_t n = read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// clone(CLONE_PARENT|SIGCHLD) as runc's clone_parent does: fork-like (no
// CLONE_VM), the new process's parent is the caller's parent.
pid_t CloneParent() {
  return static_cast<pid_t>(syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0));
}

void SetName(const char* name) { prctl(PR_SET_NAME, name, 0, 0, 0); }

std::string OwnName() {
  char name[17] = {};
  prctl(PR_GET_NAME, name, 0, 0, 0);
  return name;
}

pid_t ParentOf(pid_t pid) {
  std::string path = "/proc/" + std::to_string(pid) + "/stat";
  FILE* f = std::fopen(path.c_str(), "re");
  if (f == nullptr) return -1;
  char buf[512] = {};
  size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  buf[n] = '\0';
  const char* after_comm = std::strrchr(buf, ')');  // comm may hold spaces and parens
  int ppid = -1;
  if (after_comm == nullptr || std::sscanf(after_comm + 1, " %*c %d", &ppid) != 1) return -1;
  return ppid;
}

}  // namespace

std::optional<InitPipe> InitPipe::Create(int child_fd_number, std::string* error) {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    *error = ErrnoText("cannot make the init pipe: socketpair");
    return std::nullopt;
  }
  // Above its own number, so placing the sync socket there cannot clobber it.
  int child_end = fcntl(fds[0], F_DUPFD_CLOEXEC, child_fd_number + 1);
  close(fds[0]);
  if (child_end < 0) {
    *error = ErrnoText("cannot move the init pipe's child end: fcntl(F_DUPFD_CLOEXEC)");
    close(fds[1]);
    return std::nullopt;
  }
  return InitPipe(fds[1], child_end, child_fd_number);
}

InitPipe::InitPipe(InitPipe&& other) noexcept
    : parent_end_(other.parent_end_),
      child_end_(other.child_end_),
      child_fd_number_(other.child_fd_number_) {
  other.parent_end_ = -1;
  other.child_end_ = -1;
}

InitPipe& InitPipe::operator=(InitPipe&& other) noexcept {
  std::swap(parent_end_, other.parent_end_);
  std::swap(child_end_, other.child_end_);
  std::swap(child_fd_number_, other.child_fd_number_);
  return *this;
}

InitPipe::~InitPipe() {
  if (parent_end_ >= 0) close(parent_end_);
  CloseChildEnd();
}

std::string InitPipe::EnvVar() const {
  return "_LIBCONTAINER_INITPIPE=" + std::to_string(child_fd_number_);
}

bool InitPipe::PlaceInChild() const { return dup2(child_end_, child_fd_number_) >= 0; }

void InitPipe::CloseChildEnd() {
  if (child_end_ >= 0) close(child_end_);
  child_end_ = -1;
}

StagePids InitPipe::FollowStages(pid_t stage0) {
  StagePids pids;
  // As runc's parent: bootstrap data, wait for stage-0, then read the pids.
  if (!WriteAll(parent_end_, kBootstrap, sizeof kBootstrap - 1)) {
    pids.report.push_back(ErrnoText("cannot write bootstrap data on the init pipe"));
  }
  int status = 0;
  if (waitpid(stage0, &status, 0) != stage0) {
    pids.report.push_back(ErrnoText("cannot wait for stage-0"));
    return pids;
  }
  pids.report.push_back("stage-0 exited with " + ExitText(status));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return pids;  // runc gives up here too
  std::string json;
  char c;
  while (json.size() < 256 && json.find('}') == std::string::npos && ReadAll(parent_end_, &c, 1)) {
    json += c;
  }
  int stage1 = -1, stage2 = -1;
  if (std::sscanf(json.c_str(), "{\"stage1_pid\":%d,\"stage2_pid\":%d}", &stage1, &stage2) != 2 ||
      stage1 <= 0 || stage2 <= 0) {
    pids.report.push_back("no stage pids on the init pipe (read \"" + json + "\")");
    return pids;
  }
  pids.report.push_back("nsexec pids stage-0 " + std::to_string(stage0) + " stage-1 " +
                        std::to_string(stage1) + " stage-2 " + std::to_string(stage2));
  if (waitpid(stage1, &status, 0) == stage1) {
    pids.report.push_back("stage-1 (my child) exited with " + ExitText(status));
  } else {
    pids.report.push_back(ErrnoText("stage-1 could not be reaped as my child"));
  }
  pids.report.push_back(ParentOf(stage2) == getpid() ? "stage-2 is my child"
                                                      : "stage-2 is NOT my child");
  pids.stage1 = stage1;
  pids.stage2 = stage2;
  return pids;
}

absl::StatusOr<std::string> RunNsexecStages(int init_pipe_fd) {
  char bootstrap[sizeof kBootstrap - 1];
  if (!ReadAll(init_pipe_fd, bootstrap, sizeof bootstrap) ||
      std::memcmp(bootstrap, kBootstrap, sizeof bootstrap) != 0) {
    return absl::FailedPreconditionError("stage-0: no bootstrap data on the init pipe");
  }
  pid_t runc_parent = getppid();
  SetName("runc:[0:PARENT]");
  int channel[2];  // stage-1 -> stage-0: stage-2's pid
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, channel) != 0) {
    return absl::InternalError(ErrnoText("stage-0: socketpair"));
  }
  pid_t stage1 = CloneParent();
  if (stage1 < 0) {
    return absl::InternalError(ErrnoText("stage-0: clone(CLONE_PARENT) of stage-1"));
  }
  if (stage1 > 0) {  // stage-0: relay the pids to the runc parent, then go
    close(channel[1]);
    pid_t stage2 = -1;
    bool got = ReadAll(channel[0], &stage2, sizeof stage2) && stage2 > 0;
    std::string json = "{\"stage1_pid\":" + std::to_string(stage1) +
                       ",\"stage2_pid\":" + std::to_string(stage2) + "}";
    bool sent = got && WriteAll(init_pipe_fd, json.data(), json.size());
    _exit(sent ? 0 : 1);
  }
  SetName("runc:[1:CHILD]");
  close(channel[0]);
  pid_t stage2 = CloneParent();
  if (stage2 != 0) {  // stage-1: tell stage-0 and go (a failed clone sends -1)
    bool sent = WriteAll(channel[1], &stage2, sizeof stage2);
    _exit(sent && stage2 > 0 ? 0 : 1);
  }
  SetName("runc:[2:INIT]");
  close(channel[1]);
  std::string line = "talking as " + OwnName();
  if (getppid() == runc_parent) return line + ", a child of the runc parent";
  return line + ", NOT a child of the runc parent (parent pid " + std::to_string(getppid()) + ")";
}

}  // namespace fake_runc
