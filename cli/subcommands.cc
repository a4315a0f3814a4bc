// The table of synctrace's subcommands. Each lives in its own cli/<name>_command.cc.
#include "cli/subcommand.h"
#include "cli/commands.h"
#include "cli/output_flags.h"

namespace synctrace {

const std::vector<Subcommand>& Subcommands() {
  static const std::vector<Subcommand> kTable = {
      // {name, usage, summary, accepted flags, run}
      {"demo", "demo [--scenario NAME] [--speed FACTOR] [--log F] [--json F]",
       "run simulated runc sessions through synctrace (no runc needed)",
       WithOutputFlags({"scenario", "speed"}), RunDemo},
      {"__sim-peer", "__sim-peer SIDE SCENARIO FIXTURE SPEED CHILD_PID",
       "internal: one simulated runc peer process, started by demo", {}, RunSimPeerCommand},
      {"decode", "decode [--format text|json] [FILE]",
       "decode JSON sync packets, one per line, from FILE or stdin (no fd packets: a flags:0b1 "
       "message shows no file)",
       {"format", "help"},
       RunDecode},
      {"proxy", "proxy --parent-fd N --child-fd M [--log F] [--json F]",
       "relay and trace between two inherited sync sockets",
       WithOutputFlags({"parent_fd", "child_fd"}), RunProxy},
      {"exec", "exec [--log F] [--json F] -- COMMAND [ARGS...]",
       "run COMMAND (runc) and trace each runc init's sync socket",
       WithOutputFlags({}), RunExec},
      {"runtime", "runtime [--runtime-path P] [--log-dir D] [--] RUNC_ARGS...",
       "drop-in OCI runtime: runc under exec, logs per invocation (or symlink synctrace-runc)",
       {}, RunRuntime, /*raw_args=*/true},
      {"replay", "replay FILE.jsonl",
       "show a saved --json log in the TUI (text lines when piped)", {}, RunReplay},
  };
  return kTable;
}

}  // namespace synctrace
