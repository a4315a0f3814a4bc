// Dispatches argv to a subcommand; see cli/subcommand.h.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "cli/subcommand.h"

namespace synctrace {
namespace {

void PrintHelp(FILE* out) {
  std::fprintf(out,
               "synctrace: trace runc's parent <-> child sync socket\n\n"
               "usage: synctrace <command> [flags] [args]\n\ncommands:\n");
  for (const Subcommand& s : Subcommands()) {
    if (s.name.rfind("__", 0) == 0) continue;  // internal commands
    std::fprintf(out, "  %-44s %s\n", s.usage.c_str(), s.summary.c_str());
  }
  std::fprintf(out, "\n'synctrace <command> --help' lists a command's flags.\n");
}

const Subcommand* FindSubcommand(std::string_view name) {
  for (const Subcommand& s : Subcommands()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

// absl flag names use '_'; accept the documented '--parent-fd' spelling too.
std::string NormalizeFlagSpelling(const std::string& arg) {
  if (arg.size() < 3 || arg.compare(0, 2, "--") != 0) return arg;
  size_t end = arg.find('=');
  std::string name = arg.substr(2, end == std::string::npos ? std::string::npos : end - 2);
  std::string rest = end == std::string::npos ? "" : arg.substr(end);
  return absl::StrCat("--", absl::StrReplaceAll(name, {{"-", "_"}}), rest);
}

bool IsAccepted(const Subcommand& s, const std::string& flag_name) {
  for (const std::string& f : s.flags) {
    if (f == flag_name) return true;
  }
  return false;
}

// Flags of other subcommands are defined too (absl flags are global); refuse them.
int CheckFlagsBelong(const Subcommand& s, const std::vector<std::string>& argv) {
  for (const std::string& arg : argv) {
    if (arg == "--") break;
    if (arg.size() < 3 || arg.compare(0, 2, "--") != 0) continue;
    size_t end = arg.find('=');
    std::string name = arg.substr(2, end == std::string::npos ? std::string::npos : end - 2);
    if (name.rfind("no", 0) == 0 && absl::FindCommandLineFlag(name) == nullptr) {
      name = name.substr(2);  // --noflag form of a bool flag
    }
    if (!IsAccepted(s, name)) {
      return UsageError(absl::StrCat("'", s.name, "' does not take --", name,
                                     " (usage: synctrace ", s.usage, ")"));
    }
  }
  return kExitOk;
}

// absl's own parser reports a missing or malformed flag value as "ERROR: ..."
// with exit status 1; check the values first so that they are usage errors
// (status 2) that name the command, like every other bad command line.
int CheckFlagValues(const Subcommand& s, const std::vector<std::string>& argv) {
  for (size_t i = 1; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg == "--") break;
    if (arg.size() < 3 || arg.compare(0, 2, "--") != 0) continue;
    size_t end = arg.find('=');
    std::string name = arg.substr(2, end == std::string::npos ? std::string::npos : end - 2);
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr) continue;  // --noflag and absl's built-in flags: absl checks them
    std::string value;
    if (end != std::string::npos) {
      value = arg.substr(end + 1);
    } else if (flag->IsOfType<bool>()) {
      continue;
    } else if (i + 1 < argv.size()) {
      value = argv[++i];
    } else {
      return UsageError(absl::StrCat(s.name, ": --", name, " needs a value (usage: synctrace ",
                                     s.usage, ")"));
    }
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return UsageError(absl::StrCat(s.name, ": --", name, " ", value, ": ", error));
    }
  }
  return kExitOk;
}

// `synctrace <command> --help`: the usage line, the summary and each flag the
// command takes, with absl's help text and default.
void PrintSubcommandHelp(const Subcommand& s) {
  std::printf("usage: synctrace %s\n%s\n", s.usage.c_str(), s.summary.c_str());
  if (s.flags.empty()) return;
  std::printf("\nflags:\n");
  for (const std::string& name : s.flags) {
    const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr) continue;
    std::string spelled = absl::StrReplaceAll(name, {{"_", "-"}});
    std::string default_value = flag->DefaultValue();
    std::printf("  --%-16s %s%s\n", spelled.c_str(), flag->Help().c_str(),
                default_value.empty() ? ""
                                      : absl::StrCat(" (default: ", default_value, ")").c_str());
  }
}

bool AsksForHelp(int argc, char** argv) {
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") return false;
    if (arg == "--help" || arg == "-h" || arg == "-help") return true;
  }
  return false;
}

}  // namespace

int UsageError(std::string_view message) {
  std::fprintf(stderr, "synctrace: %.*s\n", static_cast<int>(message.size()), message.data());
  return kExitUsage;
}

int RunCli(int argc, char** argv) {
  // Invoked through a symlink named synctrace-runc (or synctrace-runc-*, or
  // synctrace-runtime): the runtime wrapper, and every argument is runc's
  // (docs/RUNTIME-WRAPPER.md).
  std::string program = argc > 0 ? argv[0] : "synctrace";
  program = program.substr(program.find_last_of('/') + 1);
  if (program == "synctrace-runc" || program.rfind("synctrace-runc-", 0) == 0 ||
      program == "synctrace-runtime") {
    if (const Subcommand* runtime = FindSubcommand("runtime")) {
      return runtime->run(std::vector<std::string>(argv + 1, argv + argc));
    }
  }
  if (argc < 2) {
    PrintHelp(stderr);
    return kExitUsage;
  }
  std::string command = argv[1];
  if (command == "help" || command == "--help" || command == "-h") {
    PrintHelp(stdout);
    return kExitOk;
  }
  const Subcommand* sub = FindSubcommand(command);
  if (sub == nullptr) {
    return UsageError(absl::StrCat("unknown command '", command,
                                   "'; 'synctrace help' lists the commands"));
  }
  if (sub->raw_args) return sub->run(std::vector<std::string>(argv + 2, argv + argc));
  if (AsksForHelp(argc, argv)) {
    PrintSubcommandHelp(*sub);
    return kExitOk;
  }
  absl::SetProgramUsageMessage(absl::StrCat("usage: synctrace ", sub->usage, "\n", sub->summary));

  std::vector<std::string> args;
  args.push_back(absl::StrCat("synctrace ", command));
  bool after_dashes = false;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") after_dashes = true;
    args.push_back(after_dashes ? arg : NormalizeFlagSpelling(arg));
  }
  if (int rc = CheckFlagsBelong(*sub, args); rc != kExitOk) return rc;
  if (int rc = CheckFlagValues(*sub, args); rc != kExitOk) return rc;

  std::vector<char*> cargv;
  for (std::string& a : args) cargv.push_back(a.data());
  // Exits with status 1 and a one-line message on an unknown or malformed flag.
  std::vector<char*> rest = absl::ParseCommandLine(static_cast<int>(cargv.size()), cargv.data());
  std::vector<std::string> positional(rest.begin() + 1, rest.end());
  return sub->run(positional);
}

}  // namespace synctrace
