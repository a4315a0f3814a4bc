#include "tracer/interpose/runc_args.h"

#include "gtest/gtest.h"

namespace synctrace {
namespace {

TEST(RuncArgsTest, FindsSubcommandAndContainerIdPastFlagsWithValues) {
  RuncArgs a = ParseRuncArgs({"runc", "--root", "/run/runc", "--log", "/l.json", "--debug",
                              "exec", "-e", "A=1", "--user=0:0", "-t", "c1", "sh", "-c", "x"});
  EXPECT_EQ(a.subcommand, "exec");
  EXPECT_EQ(a.container_id, "c1");
  EXPECT_TRUE(StartsRuncInit(a));
}

TEST(RuncArgsTest, RunAndCreateWithBundleAndPidFile) {
  RuncArgs run = ParseRuncArgs({"runc", "run", "-d", "--bundle", "/b", "--pid-file", "/p", "web"});
  EXPECT_EQ(run.subcommand, "run");
  EXPECT_EQ(run.container_id, "web");
  RuncArgs create = ParseRuncArgs({"/usr/bin/runc", "--systemd-cgroup", "create", "-b=/b", "db"});
  EXPECT_EQ(create.subcommand, "create");
  EXPECT_EQ(create.container_id, "db");
}

TEST(RuncArgsTest, OtherSubcommandsAndMissingIds) {
  RuncArgs state = ParseRuncArgs({"runc", "--root", "/r", "state", "c9"});
  EXPECT_EQ(state.subcommand, "state");
  EXPECT_EQ(state.container_id, "c9");
  EXPECT_FALSE(StartsRuncInit(state));
  RuncArgs none = ParseRuncArgs({"runc", "--version"});
  EXPECT_EQ(none.subcommand, "");
  EXPECT_EQ(none.container_id, "");
  RuncArgs no_id = ParseRuncArgs({"runc", "run", "--bundle", "/b"});
  EXPECT_EQ(no_id.container_id, "");
}

}  // namespace
}  // namespace synctrace
