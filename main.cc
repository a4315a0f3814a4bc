// synctrace: a tracing proxy for runc's parent <-> child sync socket.
// `synctrace help` lists the subcommands; see README.md.
#include "cli/subcommand.h"

int main(int argc, char** argv) { return synctrace::RunCli(argc, argv); }
