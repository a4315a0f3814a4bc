// Every subcommand of the real binary with wrong, missing and extra arguments,
// and with bad files: one line on stderr that starts with "synctrace", nothing
// on stdout, exit 2 for a bad command line and 1 for a failure, never a crash,
// a sanitizer report or absl's "ERROR:" lines.
#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/run_process.h"

namespace synctrace {
namespace {

using testing_util::ProcessResult;
using testing_util::RunProcess;
using testing_util::TempDir;

struct BadCall {
  std::vector<std::string> args;  // after "synctrace"
  int exit_code;                  // 2 usage, 1 failure
  std::string says;               // a piece of the one stderr line
};

const BadCall kBadCalls[] = {
    {{"bogus"}, 2, "unknown command 'bogus'"},
    {{"--bogus"}, 2, "unknown command '--bogus'"},
    // demo
    {{"demo", "extra"}, 2, "demo takes no arguments"},
    {{"demo", "--scenario"}, 2, "--scenario needs a value"},
    {{"demo", "--scenario", "nope"}, 2, "unknown scenario 'nope'"},
    {{"demo", "--speed", "abc"}, 2, "--speed abc"},
    {{"demo", "--speed=-0.5"}, 2, "--speed must be 0 (no pauses) or more"},
    {{"demo", "--bogus"}, 2, "does not take --bogus"},
    {{"demo", "--parent-fd", "3"}, 2, "does not take --parent_fd"},
    {{"demo", "--log"}, 2, "--log needs a value"},
    {{"demo", "--log", "/nonexistent/dir/x.log"}, 1, "/nonexistent/dir/x.log"},
    {{"demo", "--json", "/nonexistent/dir/x.jsonl"}, 1, "/nonexistent/dir/x.jsonl"},
    // decode
    {{"decode", "--format", "xml"}, 2, "--format must be text or json"},
    {{"decode", "--format"}, 2, "--format needs a value"},
    {{"decode", "a", "b"}, 2, "at most one FILE"},
    {{"decode", "/nonexistent"}, 1, "cannot open /nonexistent"},
    {{"decode", "--scenario", "create"}, 2, "does not take --scenario"},
    // proxy
    {{"proxy"}, 2, "--parent-fd"},
    {{"proxy", "--parent-fd", "x", "--child-fd", "4"}, 2, "--parent_fd x"},
    {{"proxy", "--parent-fd", "3"}, 2, "fd 3"},
    {{"proxy", "--parent-fd", "100", "--child-fd", "101"}, 2, "fd 100 is not open"},
    {{"proxy", "--parent-fd", "1", "--child-fd", "2"}, 2, "--parent-fd 1"},
    {{"proxy", "--parent-fd", "3", "--child-fd", "4", "extra"}, 2, "takes no arguments"},
    {{"proxy", "--child-fd"}, 2, "--child_fd needs a value"},
    // replay
    {{"replay"}, 2, "replay takes one FILE.jsonl"},
    {{"replay", "a", "b"}, 2, "replay takes one FILE.jsonl"},
    {{"replay", "/nonexistent"}, 1, "cannot open /nonexistent"},
    {{"replay", "--speed", "2", "x"}, 2, "does not take --speed"},
    // exec
    {{"exec"}, 2, "exec needs a command"},
    {{"exec", "--"}, 2, "exec needs a command"},
    {{"exec", "--", "/nonexistent/cmd"}, 1, "cannot run /nonexistent/cmd"},
    {{"exec", "--bogus", "--", "true"}, 2, "does not take --bogus"},
    {{"exec", "--log"}, 2, "--log needs a value"},
    // runtime (every argument is runc's; only the runtime itself can be wrong)
    {{"runtime", "--runtime-path", "/nonexistent/runc", "run", "x"},
     1,
     "/nonexistent/runc: No such file or directory"},
    // the internal peer, run by hand
    {{"__sim-peer"}, 2, "internal command"},
    {{"__sim-peer", "a", "b"}, 2, "internal command"},
};

std::string Show(const std::vector<std::string>& args) {
  std::string s = "synctrace";
  for (const std::string& a : args) s += " " + a;
  return s;
}

void ExpectOneLineError(const ProcessResult& r, const std::string& call) {
  EXPECT_EQ(r.out, "") << call;
  ASSERT_FALSE(r.err.empty()) << call;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << call << ": more than one line:\n" << r.err;
  EXPECT_EQ(r.err.rfind("synctrace", 0), 0u) << call << ": " << r.err;
  for (const char* crash : {"Sanitizer", "runtime error", "terminate called", "ERROR:", "Abort"}) {
    EXPECT_EQ(r.err.find(crash), std::string::npos) << call << ": " << r.err;
  }
}

TEST(BadCommandLineTest, EveryBadCallIsOneLineAndTheRightExitCode) {
  for (const BadCall& c : kBadCalls) {
    std::vector<std::string> argv = {"synctrace"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    ProcessResult r = RunProcess(argv);
    std::string call = Show(c.args);
    EXPECT_EQ(r.exit_code, c.exit_code) << call << ": " << r.err;
    ExpectOneLineError(r, call);
    EXPECT_NE(r.err.find(c.says), std::string::npos) << call << ": expected '" << c.says
                                                      << "' in: " << r.err;
  }
}

TEST(BadCommandLineTest, NoCommandPrintsTheHelpOnStderrAndExitsTwo) {
  ProcessResult r = RunProcess({"synctrace"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("usage: synctrace <command>"), std::string::npos) << r.err;
  ProcessResult help = RunProcess({"synctrace", "help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("usage: synctrace <command>"), std::string::npos) << help.out;
}

TEST(BadCommandLineTest, BadFilesAreOneLineAndExitOne) {
  const std::string dir = TempDir();
  const std::string garbage = dir + "/garbage.jsonl";  // not a --json log at all
  {
    std::ofstream out(garbage, std::ios::binary);
    for (int i = 0; i < 50; ++i) out << "line " << i << " \x01\xff{\"kind\":\n";
  }
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"decode", dir},  // a directory
           {"replay", dir},
           {"replay", garbage},
       }) {
    ProcessResult r = RunProcess([&] {
      std::vector<std::string> argv = {"synctrace"};
      argv.insert(argv.end(), args.begin(), args.end());
      return argv;
    }());
    std::string call = Show(args);
    EXPECT_EQ(r.exit_code, 1) << call << ": " << r.err;
    ExpectOneLineError(r, call);
  }
}

}  // namespace
}  // namespace synctrace
