// Reading a runc command line; see runc_args.h.
#include "tracer/interpose/runc_args.h"

#include <set>

namespace synctrace {
namespace {

// runc's flags that take a value (global ones and those of create/run/exec);
// everything else starting with '-' is a boolean.
const std::set<std::string>& FlagsWithValue() {
  static const std::set<std::string> kFlags = {
      // global
      "root", "log", "log-format", "criu", "rootless",
      // create / run
      "bundle", "b", "console-socket", "pidfd-socket", "pid-file", "preserve-fds",
      // exec
      "cwd", "env", "e", "user", "u", "additional-gids", "g", "process", "p", "process-label",
      "apparmor", "cap", "c", "cgroup",
  };
  return kFlags;
}

// "--name=value" -> false (value attached); "--name" -> true when it takes a value.
bool ConsumesNext(const std::string& arg) {
  if (arg.find('=') != std::string::npos) return false;
  size_t start = arg.find_first_not_of('-');
  if (start == std::string::npos) return false;
  return FlagsWithValue().count(arg.substr(start)) != 0;
}

}  // namespace

RuncArgs ParseRuncArgs(const std::vector<std::string>& argv) {
  RuncArgs out;
  bool flags_done = false;
  for (size_t i = 1; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (!flags_done && arg == "--") {
      flags_done = true;
      continue;
    }
    if (!flags_done && arg.size() > 1 && arg[0] == '-') {
      if (ConsumesNext(arg)) ++i;
      continue;
    }
    if (out.subcommand.empty()) {
      out.subcommand = arg;
      flags_done = false;  // the subcommand has flags of its own
      continue;
    }
    out.container_id = arg;
    break;
  }
  return out;
}

bool StartsRuncInit(const RuncArgs& args) {
  return args.subcommand == "create" || args.subcommand == "run" || args.subcommand == "exec";
}

}  // namespace synctrace
