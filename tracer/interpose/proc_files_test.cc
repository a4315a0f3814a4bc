// /proc readers and the sock_diag peer lookup, on this process's own sockets.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tracer/interpose/proc_files.h"
#include "tracer/interpose/unix_peer.h"

namespace synctrace {
namespace {

uint64_t InodeOf(int fd) {
  struct stat st {};
  fstat(fd, &st);
  return st.st_ino;
}

TEST(UnixPeerTest, FindsThePeerOfASeqpacketPairEnd) {
  int pair[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair), 0);
  absl::StatusOr<UnixSocketInfo> info = QueryUnixSocket(InodeOf(pair[0]));
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->type, SOCK_SEQPACKET);
  EXPECT_EQ(info->peer_inode, InodeOf(pair[1]));
  close(pair[0]);
  close(pair[1]);
}

TEST(UnixPeerTest, UnknownInodeIsNotFound) {
  int pair[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
  uint64_t gone = InodeOf(pair[0]);
  close(pair[0]);
  close(pair[1]);
  EXPECT_FALSE(QueryUnixSocket(gone).ok());
}

TEST(ProcFilesTest, FindsOurFdsOfASocketAndTheirCloexecFlag) {
  int pair[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, pair), 0);
  int dup_cloexec = fcntl(pair[1], F_DUPFD_CLOEXEC, 50);
  absl::StatusOr<std::vector<int>> fds = FdsOfSocket(getpid(), InodeOf(pair[1]));
  ASSERT_TRUE(fds.ok());
  EXPECT_EQ(*fds, (std::vector<int>{pair[1], dup_cloexec}));
  absl::StatusOr<uint64_t> ino = SocketInode(getpid(), pair[0]);
  ASSERT_TRUE(ino.ok());
  EXPECT_EQ(*ino, InodeOf(pair[0]));
  EXPECT_EQ(*FdInfoFlags(getpid(), pair[1]) & O_CLOEXEC, 0);
  EXPECT_NE(*FdInfoFlags(getpid(), dup_cloexec) & O_CLOEXEC, 0);
  int file = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  EXPECT_FALSE(SocketInode(getpid(), file).ok());  // not a socket
  for (int fd : {pair[0], pair[1], dup_cloexec, file}) close(fd);
}

TEST(ProcFilesTest, EnvironmentCmdlineAndStatus) {
  setenv("SYNCTRACE_PROC_FILES_TEST", "yes", 1);  // not in /proc (set after exec)
  EXPECT_TRUE(ReadSettledEnviron(getpid(), 100).ok());
  absl::StatusOr<ProcEnviron> env = ReadEnviron(getpid());
  ASSERT_TRUE(env.ok());
  EXPECT_FALSE(env->Get("SYNCTRACE_PROC_FILES_TEST").has_value());
  EXPECT_FALSE(env->entries.empty());
  absl::StatusOr<std::vector<std::string>> argv = ReadCmdline(getpid());
  ASSERT_TRUE(argv.ok());
  EXPECT_NE(argv->at(0).find("proc_files_test"), std::string::npos);
  EXPECT_EQ(TgidOf(getpid()), getpid());
  EXPECT_EQ(TracerPidOf(getpid()), 0);
  EXPECT_EQ(JoinCommandLine({"runc", "run", "c1"}), "runc run c1");
  EXPECT_FALSE(ReadEnviron(-5).ok());
}

// A vfork parent (posix_spawn is one) is released inside the child's execve,
// before the kernel has filled in the new stack's environment: env_end is
// first set to env_start and only moves to the end once every string is
// counted. With a large environment that takes long enough that a read made
// too early misses the last variable (where runc's _LIBCONTAINER_* go).
TEST(ProcFilesTest, ReadSettledEnvironWaitsUntilTheWholeEnvironmentIsThere) {
  std::vector<std::string> strings;
  for (int i = 0; i < 20000; ++i) strings.push_back("PAD_" + std::to_string(i) + "=" + std::string(40, 'x'));
  strings.push_back("LAST_VARIABLE=here");
  std::vector<char*> envp;
  for (std::string& s : strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  char sleep_path[] = "/bin/sleep", seconds[] = "30";
  char* argv[] = {sleep_path, seconds, nullptr};
  for (int trial = 0; trial < 10; ++trial) {
    pid_t child = -1;
    ASSERT_EQ(posix_spawn(&child, sleep_path, nullptr, nullptr, argv, envp.data()), 0);
    absl::StatusOr<ProcEnviron> env = ReadSettledEnviron(child, 5000);
    bool waited = env.ok();
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
    ASSERT_TRUE(waited) << "trial " << trial;
    ASSERT_TRUE(env.ok()) << env.status();
    EXPECT_EQ(env->Get("LAST_VARIABLE").value_or("(missing)"), "here")
        << "trial " << trial << ": read " << env->entries.size() << " of " << strings.size() << " variables";
  }
}

// A process that execs again at once -- runc 1.1's init re-executes itself
// from a sealed copy of runc -- can be caught between the two: the check that
// the environment is laid out passes for one exec, and the read (4 KiB at a
// time) ends in the next one, empty or cut short (and runc's _LIBCONTAINER_*
// variables come last). A chain of `env` re-executing itself with a large
// environment, read over and over while it runs: every read must be whole.
TEST(ProcFilesTest, ReadSettledEnvironIsWholeWhileTheProcessExecsAgain) {
  constexpr size_t kVariables = 5000;
  std::vector<std::string> strings;
  for (size_t i = 0; i < kVariables; ++i) strings.push_back("PAD_" + std::to_string(i) + "=" + std::string(40, 'x'));
  std::vector<char*> envp;
  for (std::string& s : strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args(100, "/usr/bin/env");
  args.push_back("/bin/sleep");
  args.push_back("30");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int reads = 0, broken = 0;
  for (int trial = 0; trial < 5; ++trial) {
    pid_t child = -1;
    ASSERT_EQ(posix_spawn(&child, argv[0], nullptr, nullptr, argv.data(), envp.data()), 0);
    for (int i = 0; i < 1000; ++i) {
      absl::StatusOr<ProcEnviron> env = ReadSettledEnviron(child, 5000);
      ASSERT_TRUE(env.ok()) << env.status();
      ++reads;
      if (env->entries.size() != kVariables) ++broken;
    }
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
  }
  EXPECT_EQ(broken, 0) << broken << " of " << reads << " reads were empty or cut short";
}

}  // namespace
}  // namespace synctrace
