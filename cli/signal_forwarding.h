// File: cli/signal_forwarding.h
//
// Makes the signals sent to synctrace reach the command it runs (`exec`,
// `runtime`) as they would without synctrace, and ends synctrace the way the
// command ended.
//
// Forwarded: SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, when sent to
// synctrace by a process (kill, sigqueue, tgkill). A terminal's Ctrl-C or
// Ctrl-\ is not forwarded: it already reaches the command directly, which is in
// the same foreground process group, and it must not arrive twice.
//
// Example:
//   ForwardSignalsTo(command_pid);
//   int status = tracer.Run();
//   StopForwardingSignals();
//   return ExitLike(status);
#ifndef SYNCTRACE_CLI_SIGNAL_FORWARDING_H_
#define SYNCTRACE_CLI_SIGNAL_FORWARDING_H_

#include <sys/types.h>

namespace synctrace {

void ForwardSignalsTo(pid_t pid);
// Restores the default dispositions of the forwarded signals.
void StopForwardingSignals();

// The exit code for a command's wait status: its exit code; when a signal
// killed it, synctrace kills itself with the same signal (without a core
// dump) so its own parent sees the same status; 128+signal if that fails.
int ExitLike(int wait_status);

}  // namespace synctrace

#endif  // SYNCTRACE_CLI_SIGNAL_FORWARDING_H_
