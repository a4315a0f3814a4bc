// Describes an fd (own or another process's) from /proc; see describe_fd.h.
#include "tracer/describe_fd.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "decoder/absl_compat.h"
#include "tracer/unique_fd.h"

namespace synctrace {
namespace {

std::string ReadSmallFile(const std::string& path) {
  std::string out;
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return out;
  char buf[8192];
  for (;;) {
    ssize_t n = read(fd.get(), buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

std::string ReadLink(const std::string& path) {
  char buf[4096];
  ssize_t n = readlink(path.c_str(), buf, sizeof(buf));
  return n < 0 ? std::string() : std::string(buf, static_cast<size_t>(n));
}

// The value of "key:\t<value>" in a /proc fdinfo text, or "" when absent.
std::string_view FdinfoField(std::string_view fdinfo, std::string_view key) {
  size_t pos = 0;
  while (pos < fdinfo.size()) {
    size_t end = fdinfo.find('\n', pos);
    if (end == std::string_view::npos) end = fdinfo.size();
    std::string_view line = fdinfo.substr(pos, end - pos);
    if (line.size() > key.size() && line.compare(0, key.size(), key) == 0 &&
        line[key.size()] == ':') {
      std::string_view value = line.substr(key.size() + 1);
      while (!value.empty() && (value.front() == '\t' || value.front() == ' ')) {
        value.remove_prefix(1);
      }
      return value;
    }
    pos = end + 1;
  }
  return {};
}

// True when a line of `mountinfo` describes mount `mnt_id` (its first field).
bool MountinfoHas(std::string_view mountinfo, std::string_view mnt_id) {
  size_t pos = 0;
  while (pos < mountinfo.size()) {
    if (mountinfo.compare(pos, mnt_id.size(), mnt_id) == 0 &&
        pos + mnt_id.size() < mountinfo.size() && mountinfo[pos + mnt_id.size()] == ' ') {
      return true;
    }
    size_t end = mountinfo.find('\n', pos);
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return false;
}

std::string KindFromMode(mode_t mode, std::string_view link) {
  if (S_ISREG(mode)) return "regular file";
  if (S_ISDIR(mode)) return "directory";
  if (S_ISFIFO(mode)) return link.rfind("pipe:[", 0) == 0 ? "pipe" : "fifo";
  if (S_ISSOCK(mode)) return "socket";
  if (S_ISCHR(mode)) return "char device";
  if (S_ISBLK(mode)) return "block device";
  if (S_ISLNK(mode)) return "symlink";
  return "unknown";
}

// "anon_inode:[eventfd]" or "anon_inode:seccomp notify" -> the name inside.
std::string AnonInodeKind(std::string_view link) {
  std::string_view name = link.substr(std::string_view("anon_inode:").size());
  if (name.size() >= 2 && name.front() == '[' && name.back() == ']') {
    name = name.substr(1, name.size() - 2);
  }
  if (name == "seccomp notify") return "seccomp notify";
  return absl::StrCat("anon inode (", Av(name), ")");
}

// Everything but the stat and the flags, which differ for own and foreign fds.
void Describe(const std::string& proc_dir, int fd, const struct stat& st,
              FdDescription* d) {
  std::string fd_name = absl::StrCat(fd);
  d->path = ReadLink(absl::StrCat(proc_dir, "/fd/", fd_name));
  d->dev = st.st_dev;
  d->ino = st.st_ino;
  d->described = true;
  if (d->path.rfind("anon_inode:", 0) == 0) {
    d->kind = AnonInodeKind(d->path);
    return;
  }
  d->kind = KindFromMode(st.st_mode, d->path);
  // open_tree fds are always O_PATH; an open file on a kernel-internal mount
  // (a memfd) is missing from mountinfo too, but is no detached mount.
  if ((S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)) && (d->open_flags & O_PATH) != 0) {
    std::string fdinfo = ReadSmallFile(absl::StrCat(proc_dir, "/fdinfo/", fd_name));
    std::string_view mnt_id = FdinfoField(fdinfo, "mnt_id");
    if (!mnt_id.empty() &&
        !MountinfoHas(ReadSmallFile(absl::StrCat(proc_dir, "/mountinfo")), mnt_id)) {
      d->kind = "detached mount (open_tree)";
      return;
    }
  }
  if ((d->open_flags & O_PATH) != 0) d->kind += " (O_PATH)";
}

}  // namespace

FdDescription DescribeFd(int fd) {
  FdDescription d;
  d.fd = fd;
  struct stat st;
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fstat(fd, &st) != 0) return d;
  d.open_flags = flags;
  Describe("/proc/self", fd, st, &d);
  return d;
}

FdDescription DescribeProcessFd(pid_t pid, int fd) {
  FdDescription d;
  d.fd = fd;
  std::string proc_dir = absl::StrCat("/proc/", pid);
  struct stat st;
  if (stat(absl::StrCat(proc_dir, "/fd/", fd).c_str(), &st) != 0) return d;
  std::string fdinfo = ReadSmallFile(absl::StrCat(proc_dir, "/fdinfo/", fd));
  std::string_view flags = FdinfoField(fdinfo, "flags");
  if (!flags.empty()) {
    d.open_flags = static_cast<int>(std::strtol(std::string(flags).c_str(), nullptr, 8)) &
                   ~O_CLOEXEC;
  }
  Describe(proc_dir, fd, st, &d);
  return d;
}

}  // namespace synctrace
