// File: cli/output_flags.h
//
// --log FILE and --json FILE, defined once for every subcommand that traces.
// Add kOutputFlagNames to a Subcommand's accepted flags and build its
// OutputOptions (ui/outputs.h) with OutputOptionsFromFlags().
//
// Example:
//   {"proxy", "proxy --parent-fd N --child-fd M [--log F] [--json F]", "...",
//    WithOutputFlags({"parent_fd", "child_fd"}), RunProxy},
//   absl::StatusOr<Outputs> out = OpenOutputs(OutputOptionsFromFlags(), start);
#ifndef SYNCTRACE_CLI_OUTPUT_FLAGS_H_
#define SYNCTRACE_CLI_OUTPUT_FLAGS_H_

#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "ui/outputs.h"

ABSL_DECLARE_FLAG(std::string, log);
ABSL_DECLARE_FLAG(std::string, json);

namespace synctrace {

// The output flags' names: {"log", "json"}.
const std::vector<std::string>& OutputFlagNames();

// `flags` followed by the output flags' names.
std::vector<std::string> WithOutputFlags(std::vector<std::string> flags);

// --log and --json as OutputOptions (allow_tui stays true).
OutputOptions OutputOptionsFromFlags();

}  // namespace synctrace

#endif  // SYNCTRACE_CLI_OUTPUT_FLAGS_H_
