// Forwarding signals to the traced command; see signal_forwarding.h.
#include "cli/signal_forwarding.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>

namespace synctrace {
namespace {

constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
std::atomic<pid_t> g_target{0};

void Forward(int sig, siginfo_t* info, void*) {
  pid_t target = g_target.load();
  if (target <= 0) return;
  bool from_a_process = info->si_code == SI_USER || info->si_code == SI_QUEUE ||
                        info->si_code == SI_TKILL;
  if (from_a_process && info->si_pid != target) kill(target, sig);
}

}  // namespace

void ForwardSignalsTo(pid_t pid) {
  g_target = pid;
  struct sigaction action {};
  action.sa_sigaction = Forward;
  action.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&action.sa_mask);
  for (int sig : kForwarded) sigaction(sig, &action, nullptr);
}

void StopForwardingSignals() {
  for (int sig : kForwarded) signal(sig, SIG_DFL);
  g_target = 0;
}

int ExitLike(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (!WIFSIGNALED(wait_status)) return 1;
  int sig = WTERMSIG(wait_status);
  rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  signal(sig, SIG_DFL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  sigprocmask(SIG_UNBLOCK, &set, nullptr);
  raise(sig);
  return 128 + sig;
}

}  // namespace synctrace
