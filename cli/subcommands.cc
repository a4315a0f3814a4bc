// The table of synctrace's subcommands. Each lives in its own cli/<name>_command.cc.
#include "cli/subcommand.h"
#include "cli/commands.h"
#include "cli/output_flags.h"

namespace synctrace {

const std::vector<Subcommand>& Subcommands() {
  static const std::vector<Subcommand> kTable = {
      // {name, usage, summary, accepted flags, run}
      {"decode", "decode [--format text|json] [FILE]",
       "decode JSON sync packets, one per line, from FILE or stdin (no fd packets: a flags:0b1 "
       "message shows no file)",
       {"format", "help"},
       RunDecode},
      {"proxy", "proxy --parent-fd N --child-fd M [--log F] [--json F]",
       "relay and trace between two inherited sync sockets",
       WithOutputFlags({"parent_fd", "child_fd"}), RunProxy},
  };
  return kTable;
}

}  // namespace synctrace
