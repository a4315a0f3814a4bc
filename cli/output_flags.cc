// --log and --json, shared by the tracing subcommands; see output_flags.h.
#include "cli/output_flags.h"

#include "absl/flags/flag.h"

ABSL_FLAG(std::string, log, "",
          "append the trace as text lines to this file (created with mode 0600)");
ABSL_FLAG(std::string, json, "",
          "append the trace as JSON Lines to this file (created with mode 0600)");

namespace synctrace {

const std::vector<std::string>& OutputFlagNames() {
  static const std::vector<std::string> kNames = {"log", "json"};
  return kNames;
}

std::vector<std::string> WithOutputFlags(std::vector<std::string> flags) {
  flags.insert(flags.end(), OutputFlagNames().begin(), OutputFlagNames().end());
  return flags;
}

OutputOptions OutputOptionsFromFlags() {
  OutputOptions options;
  options.log_path = absl::GetFlag(FLAGS_log);
  options.json_path = absl::GetFlag(FLAGS_json);
  return options;
}

}  // namespace synctrace
