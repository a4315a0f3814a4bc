// The table of synctrace's subcommands. Each lives in its own cli/<name>_command.cc.
#include "cli/subcommand.h"
#include "cli/commands.h"

namespace synctrace {

const std::vector<Subcommand>& Subcommands() {
  static const std::vector<Subcommand> kTable = {
      // {name, usage, summary, accepted flags, run}
  };
  return kTable;
}

}  // namespace synctrace
