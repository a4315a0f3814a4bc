// Driving a traced thread from stop to stop; see ptrace_stops.h.
#include "tracer/interpose/ptrace_stops.h"

#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace synctrace {
namespace {

absl::Status ThreadError(pid_t tid, const std::string& what, int err) {
  return absl::UnavailableError(absl::StrCat(what, " in thread ", tid, ": ", std::strerror(err)));
}

}  // namespace

pid_t WaitForTask(pid_t pid, int* status) {
  pid_t got;
  do {
    got = waitpid(pid, status, __WALL);
  } while (got < 0 && errno == EINTR);
  return got;
}

int SyscallStopOp(pid_t tid) {
  __ptrace_syscall_info info{};
  if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof info, &info) <= 0) return 0;
  return info.op;
}

absl::Status ResumeAndWait(pid_t tid, int request, const std::string& what, int* status,
                           std::optional<int>* death) {
  if (ptrace(static_cast<__ptrace_request>(request), tid, nullptr, nullptr) != 0) {
    const char* verb = request == PTRACE_SINGLESTEP ? "stepping for " : "resuming for ";
    return ThreadError(tid, absl::StrCat(verb, what), errno);
  }
  if (WaitForTask(tid, status) < 0) {
    return ThreadError(tid, absl::StrCat("waiting during ", what), errno);
  }
  if (WIFEXITED(*status) || WIFSIGNALED(*status)) {
    *death = *status;
    return absl::AbortedError(absl::StrCat("thread ", tid, " died during ", what));
  }
  return absl::OkStatus();
}

absl::Status StepToSyscallStop(pid_t tid, int op, const std::string& what, std::vector<int>* held,
                               std::optional<int>* death) {
  for (;;) {
    int status = 0;
    if (absl::Status s = ResumeAndWait(tid, PTRACE_SYSCALL, what, &status, death); !s.ok()) {
      return s;
    }
    if (!WIFSTOPPED(status)) continue;
    int sig = WSTOPSIG(status);
    if (sig == (SIGTRAP | 0x80)) {
      if (SyscallStopOp(tid) == op) return absl::OkStatus();
      continue;
    }
    if (status >> 16 != 0) continue;  // an event stop (group-stop trap): resume
    held->push_back(sig);             // a signal: the caller delivers it when done
  }
}

}  // namespace synctrace
