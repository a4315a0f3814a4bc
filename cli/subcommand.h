// File: cli/subcommand.h
//
// synctrace's subcommands (`synctrace decode`, `proxy`, `demo`, ...): each one
// is a Subcommand entry in the table in cli/subcommands.cc, with the absl flags
// it accepts. RunCli() picks the entry from argv[1], parses flags (accepting
// --parent-fd as well as --parent_fd), rejects flags that belong to another
// subcommand, and calls it with the positional arguments.
//
// Exit codes: 0 success, 1 runtime failure, 2 bad command line.
#ifndef SYNCTRACE_CLI_SUBCOMMAND_H_
#define SYNCTRACE_CLI_SUBCOMMAND_H_

#include <string>
#include <string_view>
#include <vector>

namespace synctrace {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

struct Subcommand {
  std::string name;
  std::string usage;    // "decode [--format text|json] [FILE]"
  std::string summary;  // one line for `synctrace help`
  std::vector<std::string> flags;  // absl flag names it accepts
  // Positional arguments (after flags; everything after "--" included as is).
  int (*run)(const std::vector<std::string>& args);
  // true: no flag parsing at all; run() gets every argument after the command
  // name as is (the runtime wrapper, whose arguments are runc's).
  bool raw_args = false;
};

// The table of subcommands (cli/subcommands.cc).
const std::vector<Subcommand>& Subcommands();

// Prints "synctrace: <message>" to stderr and returns kExitUsage.
int UsageError(std::string_view message);

// Entry point used by main().
int RunCli(int argc, char** argv);

}  // namespace synctrace

#endif  // SYNCTRACE_CLI_SUBCOMMAND_H_
