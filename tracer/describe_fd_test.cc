// Tests for describe_fd: each kind of fd the sync socket may carry.
#include "tracer/describe_fd.h"

#include <fcntl.h>
#include <linux/filter.h>
#include <linux/mount.h>
#include <linux/seccomp.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "gtest/gtest.h"
#include "tracer/unique_fd.h"

namespace synctrace {
namespace {

TEST(DescribeFdTest, RegularFileWithPathInodeAndFlags) {
  char path[] = "/tmp/describe_fd_testXXXXXX";
  UniqueFd fd(mkostemp(path, O_CLOEXEC | O_APPEND));
  ASSERT_TRUE(fd.valid());
  struct stat st;
  ASSERT_EQ(fstat(fd.get(), &st), 0);
  FdDescription d = DescribeFd(fd.get());
  unlink(path);
  EXPECT_TRUE(d.described);
  EXPECT_EQ(d.fd, fd.get());
  EXPECT_EQ(d.kind, "regular file");
  EXPECT_EQ(d.path, path);
  EXPECT_EQ(d.dev, st.st_dev);
  EXPECT_EQ(d.ino, st.st_ino);
  EXPECT_EQ(d.open_flags & O_ACCMODE, O_RDWR);
  EXPECT_NE(d.open_flags & O_APPEND, 0);
}

TEST(DescribeFdTest, DirectoryAndOPath) {
  UniqueFd dir(open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  FdDescription d = DescribeFd(dir.get());
  EXPECT_EQ(d.kind, "directory");
  EXPECT_EQ(d.path, "/tmp");
  UniqueFd opath(open("/tmp", O_PATH | O_CLOEXEC));
  FdDescription p = DescribeFd(opath.get());
  EXPECT_EQ(p.kind, "directory (O_PATH)");
  EXPECT_NE(p.open_flags & O_PATH, 0);
}

TEST(DescribeFdTest, PipeSocketCharDeviceEventfd) {
  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  UniqueFd r(p[0]), w(p[1]);
  EXPECT_EQ(DescribeFd(r.get()).kind, "pipe");
  EXPECT_EQ(DescribeFd(w.get()).path.rfind("pipe:[", 0), 0u);
  int s[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, s), 0);
  UniqueFd s0(s[0]), s1(s[1]);
  EXPECT_EQ(DescribeFd(s0.get()).kind, "socket");
  UniqueFd null(open("/dev/null", O_WRONLY | O_CLOEXEC));
  EXPECT_EQ(DescribeFd(null.get()).kind, "char device");
  UniqueFd ev(eventfd(0, EFD_CLOEXEC));
  EXPECT_EQ(DescribeFd(ev.get()).kind, "anon inode (eventfd)");
}

TEST(DescribeFdTest, ClosedFdIsNotDescribed) {
  int fd = open("/", O_RDONLY | O_CLOEXEC);
  close(fd);
  FdDescription d = DescribeFd(fd);
  EXPECT_FALSE(d.described);
  EXPECT_EQ(d.fd, fd);
}

TEST(DescribeFdTest, DetachedMountFromOpenTreeCloneButNotPlainOpenTree) {
  UniqueFd clone(static_cast<int>(
      syscall(SYS_open_tree, AT_FDCWD, "/tmp", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)));
  ASSERT_TRUE(clone.valid()) << "open_tree(OPEN_TREE_CLONE) needs CAP_SYS_ADMIN: "
                             << strerror(errno);
  FdDescription d = DescribeFd(clone.get());
  EXPECT_EQ(d.kind, "detached mount (open_tree)");
  EXPECT_NE(d.open_flags & O_PATH, 0);

  UniqueFd attached(static_cast<int>(
      syscall(SYS_open_tree, AT_FDCWD, "/tmp", OPEN_TREE_CLOEXEC)));
  ASSERT_TRUE(attached.valid());
  EXPECT_EQ(DescribeFd(attached.get()).kind, "directory (O_PATH)");
}

// A memfd is a regular file on a kernel-internal mount, missing from
// mountinfo like a detached mount, but it is not O_PATH: not open_tree's.
TEST(DescribeFdTest, MemfdIsARegularFileNotADetachedMount) {
  UniqueFd memfd(static_cast<int>(syscall(SYS_memfd_create, "stand-in", MFD_CLOEXEC)));
  ASSERT_TRUE(memfd.valid()) << strerror(errno);
  EXPECT_EQ(DescribeFd(memfd.get()).kind, "regular file");
  FdDescription other = DescribeProcessFd(getpid(), memfd.get());
  EXPECT_EQ(other.kind, "regular file");
  EXPECT_EQ(other.path, "/memfd:stand-in (deleted)");
}

// A child installs a seccomp filter with a user notifier and keeps the notify
// fd open; we describe it through /proc/PID (as procSeccomp's fd is found).
TEST(DescribeFdTest, SeccompNotifyFdOfAnotherProcess) {
  int ready[2], release[2];
  ASSERT_EQ(pipe2(ready, O_CLOEXEC), 0);
  ASSERT_EQ(pipe2(release, O_CLOEXEC), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(release[1]);  // else our own copy keeps the read below from ever ending
    close(ready[0]);
    sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_uname, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    sock_fprog prog{sizeof(filter) / sizeof(filter[0]), filter};
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    int fd = static_cast<int>(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                                      SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog));
    (void)!write(ready[1], &fd, sizeof(fd));
    char c;
    (void)!read(release[0], &c, 1);
    _exit(0);
  }
  close(ready[1]);
  close(release[0]);
  int child_fd = -1;
  ASSERT_EQ(read(ready[0], &child_fd, sizeof(child_fd)), static_cast<ssize_t>(sizeof(int)));
  ASSERT_GE(child_fd, 0) << "seccomp listener could not be created";
  FdDescription d = DescribeProcessFd(pid, child_fd);
  FdDescription own_pipe = DescribeProcessFd(pid, release[0]);
  close(release[1]);
  close(ready[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(d.described);
  EXPECT_EQ(d.fd, child_fd);
  EXPECT_EQ(d.kind, "seccomp notify");
  EXPECT_EQ(d.open_flags & O_CLOEXEC, 0);  // fdinfo's O_CLOEXEC is an fd flag, dropped
  EXPECT_EQ(own_pipe.kind, "pipe");
  EXPECT_FALSE(DescribeProcessFd(pid, child_fd).described);  // the process is gone
}

}  // namespace
}  // namespace synctrace
