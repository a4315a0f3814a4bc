// File: cli/commands.h
//
// The entry point of each subcommand, one per cli/<name>_command.cc. Each takes
// the positional arguments left after flag parsing and returns an exit code
// (cli/subcommand.h).
#ifndef SYNCTRACE_CLI_COMMANDS_H_
#define SYNCTRACE_CLI_COMMANDS_H_

#include <string>
#include <vector>

namespace synctrace {

// cli/proxy_command.cc: relay between two inherited sync sockets.
int RunProxy(const std::vector<std::string>& args);

// cli/decode_command.cc: decode packets given one per line (a file or stdin).
int RunDecode(const std::vector<std::string>& args);

// cli/exec_command.cc: run COMMAND (runc) and trace every runc init it starts.
int RunExec(const std::vector<std::string>& args);

// cli/runtime_command.cc: the drop-in runtime wrapper (all arguments are runc's).
int RunRuntime(const std::vector<std::string>& args);

// cli/replay_command.cc: show a saved JSON Lines log in the TUI (text when piped).
int RunReplay(const std::vector<std::string>& args);

// cli/demo_command.cc: simulated runc sessions through the relay (the README's first command).
int RunDemo(const std::vector<std::string>& args);

// cli/demo_command.cc: one simulated runc peer process (internal; started by demo).
int RunSimPeerCommand(const std::vector<std::string>& args);

}  // namespace synctrace

#endif  // SYNCTRACE_CLI_COMMANDS_H_
