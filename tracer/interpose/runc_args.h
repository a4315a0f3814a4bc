// File: tracer/interpose/runc_args.h
//
// Reads a runc command line (as given to runc, without parsing it the way runc
// would in full): which subcommand it runs (`create`, `run`, `exec`, ...) and
// the container id when it is on the line. Knows which of runc's global and
// subcommand flags take a value, so `runc --root /r exec -e A=1 c1 sh` gives
// subcommand "exec" and container id "c1".
//
// Example:
//   RuncArgs a = ParseRuncArgs({"runc", "--root", "/run/runc", "run", "-d", "c1"});
//   a.subcommand == "run";  a.container_id == "c1";
#ifndef SYNCTRACE_TRACER_INTERPOSE_RUNC_ARGS_H_
#define SYNCTRACE_TRACER_INTERPOSE_RUNC_ARGS_H_

#include <string>
#include <vector>

namespace synctrace {

struct RuncArgs {
  std::string subcommand;    // "" when none was found
  std::string container_id;  // "" when not on the line
};

// argv[0] is the program name.
RuncArgs ParseRuncArgs(const std::vector<std::string>& argv);

// True for the subcommands that start a `runc init` (create, run, exec).
bool StartsRuncInit(const RuncArgs& args);

}  // namespace synctrace

#endif  // SYNCTRACE_TRACER_INTERPOSE_RUNC_ARGS_H_
