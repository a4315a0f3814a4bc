// Following a command under ptrace; see traced_command.h.
#include "tracer/interpose/traced_command.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "tracer/interpose/proc_files.h"
#include "tracer/interpose/ptrace_stops.h"

namespace synctrace {
namespace {

constexpr long kOptions = PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
                          PTRACE_O_TRACEEXEC | PTRACE_O_TRACESYSGOOD;

bool IsGroupStopSignal(int sig) {
  return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

}  // namespace

TracedCommand::TracedCommand(std::vector<std::string> argv,
                             std::function<void(const std::string&)> report)
    : argv_(std::move(argv)), report_(std::move(report)) {}

absl::StatusOr<pid_t> TracedCommand::Start() {
  if (argv_.empty()) return absl::InvalidArgumentError("no command to run");
  int go[2], err_pipe[2];
  if (pipe2(go, O_CLOEXEC) != 0) return absl::InternalError(std::strerror(errno));
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(go[0]);
    close(go[1]);
    return absl::InternalError(std::strerror(errno));
  }
  std::vector<char*> cargv;
  for (std::string& a : argv_) cargv.push_back(a.data());
  cargv.push_back(nullptr);

  pid_t pid = fork();
  if (pid < 0) {
    int e = errno;
    for (int fd : {go[0], go[1], err_pipe[0], err_pipe[1]}) close(fd);
    return absl::InternalError(absl::StrCat("fork: ", std::strerror(e)));
  }
  if (pid == 0) {
    // Wait until the tracer has seized us (or given up), then become the command.
    close(go[1]);
    char byte;
    while (read(go[0], &byte, 1) < 0 && errno == EINTR) {
    }
    execvp(cargv[0], cargv.data());
    int e = errno;
    (void)!write(err_pipe[1], &e, sizeof e);
    _exit(127);
  }
  pid_ = pid;
  close(go[0]);
  close(err_pipe[1]);
  if (ptrace(PTRACE_SEIZE, pid, nullptr, kOptions) == 0) {
    traced_ = true;
  } else {
    report_(absl::StrCat("cannot trace ", argv_[0], " (ptrace: ", std::strerror(errno),
                         "); running it untraced"));
  }
  close(go[1]);
  int exec_errno = 0;
  ssize_t n;
  do {
    n = read(err_pipe[0], &exec_errno, sizeof exec_errno);
  } while (n < 0 && errno == EINTR);
  close(err_pipe[0]);
  if (n == sizeof exec_errno) {
    int status;
    WaitForTask(pid, &status);
    return absl::NotFoundError(
        absl::StrCat("cannot run ", argv_[0], ": ", std::strerror(exec_errno)));
  }
  if (traced_) known_.insert(pid);
  return pid;
}

void TracedCommand::Resume(pid_t tid, int sig) {
  ptrace(PTRACE_CONT, tid, nullptr, sig);  // ESRCH: it died meanwhile; its exit comes later
}

bool TracedCommand::OnTaskGone(pid_t tid, int status) {
  known_.erase(tid);
  if (tid != pid_) return false;
  command_status_ = status;
  return true;
}

void TracedCommand::OnNewTask(pid_t tid) {
  if (TgidOf(tid) == tid) {
    // A new process (runc init, a hook, a helper): let it go before it runs.
    ptrace(PTRACE_DETACH, tid, nullptr, 0);
    if (expected_.erase(tid) == 0) detached_early_.insert(tid);
    return;
  }
  known_.insert(tid);  // one of the command's threads: keep following it
  Resume(tid, 0);
}

void TracedCommand::DetachNewChild(pid_t child) {
  if (detached_early_.erase(child) != 0) return;
  int status = 0;
  if (WaitForTask(child, &status) != child) return;
  if (WIFSTOPPED(status)) ptrace(PTRACE_DETACH, child, nullptr, 0);
}

bool TracedCommand::StepToSyscallExit(pid_t tid) {
  std::vector<int> held;
  std::optional<int> death;
  absl::Status at_exit =
      StepToSyscallStop(tid, PTRACE_SYSCALL_INFO_EXIT, "the vfork's exit", &held, &death);
  if (death) {
    OnTaskGone(tid, *death);
    return false;
  }
  for (int sig : held) syscall(SYS_tgkill, TgidOf(tid), tid, sig);
  return at_exit.ok();
}

void TracedCommand::OnEventStop(pid_t tid, int status, VforkHandler* handler) {
  int event = status >> 16;
  unsigned long message = 0;
  switch (event) {
    case PTRACE_EVENT_VFORK: {
      ptrace(PTRACE_GETEVENTMSG, tid, nullptr, &message);
      pid_t child = static_cast<pid_t>(message);
      pid_t tgid = TgidOf(tid);
      DetachNewChild(child);  // it must run (and exec) before the vfork returns
      if (!StepToSyscallExit(tid)) return;
      if (handler != nullptr && tgid > 0) {
        if (std::optional<int> died = handler->OnVforkExit(tid, tgid, child)) {
          OnTaskGone(tid, *died);
          return;
        }
      }
      Resume(tid, 0);
      return;
    }
    case PTRACE_EVENT_FORK:
    case PTRACE_EVENT_CLONE: {
      ptrace(PTRACE_GETEVENTMSG, tid, nullptr, &message);
      pid_t child = static_cast<pid_t>(message);
      if (detached_early_.erase(child) == 0 && !known_.count(child)) expected_.insert(child);
      Resume(tid, 0);
      return;
    }
    case PTRACE_EVENT_EXEC: {
      ptrace(PTRACE_GETEVENTMSG, tid, nullptr, &message);
      if (static_cast<pid_t>(message) != tid) known_.erase(static_cast<pid_t>(message));
      known_.insert(tid);
      Resume(tid, 0);
      return;
    }
    case PTRACE_EVENT_STOP:
      if (IsGroupStopSignal(WSTOPSIG(status))) {
        ptrace(PTRACE_LISTEN, tid, nullptr, nullptr);  // stay stopped until SIGCONT
      } else {
        Resume(tid, 0);
      }
      return;
    default:
      Resume(tid, 0);
  }
}

int TracedCommand::Follow(VforkHandler* handler) {
  int status = 0;
  if (!traced_) {
    WaitForTask(pid_, &status);
    return status;
  }
  while (!command_status_.has_value()) {
    pid_t tid = WaitForTask(-1, &status);
    if (tid < 0) {
      report_(absl::StrCat("lost track of ", argv_[0], " (wait: ", std::strerror(errno), ")"));
      return W_EXITCODE(1, 0);
    }
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
      OnTaskGone(tid, status);
      continue;
    }
    if (!WIFSTOPPED(status)) continue;
    if (!known_.count(tid)) {
      OnNewTask(tid);
      // A thread created by a clone event we have not seen yet is fine too:
      // the event only matters for processes.
      expected_.erase(tid);
      continue;
    }
    if (status >> 16 != 0) {
      OnEventStop(tid, status, handler);
      continue;
    }
    int sig = WSTOPSIG(status);
    Resume(tid, sig == (SIGTRAP | 0x80) ? 0 : sig);  // a signal: deliver it
  }
  return *command_status_;
}

}  // namespace synctrace
