// Readers of /proc/PID/...; see proc_files.h.
#include "tracer/interpose/proc_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <algorithm>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace synctrace {
namespace {

absl::Status ProcError(const std::string& path, int err) {
  return absl::Status(err == ENOENT || err == ESRCH ? absl::StatusCode::kNotFound
                                                    : absl::StatusCode::kUnavailable,
                      absl::StrCat("reading ", path, ": ", std::strerror(err)));
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ProcError(path, errno);
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      close(fd);
      return ProcError(path, err);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

std::vector<std::string> SplitNul(const std::string& data) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < data.size()) {
    size_t end = data.find('\0', start);
    if (end == std::string::npos) end = data.size();
    out.push_back(data.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// The value of "Key:\t..." in a /proc status-like text, or nullopt.
std::optional<std::string> FieldOf(const std::string& text, absl::string_view key) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::ConsumePrefix(&line, key) && absl::ConsumePrefix(&line, ":")) {
      return std::string(absl::StripAsciiWhitespace(line));
    }
  }
  return std::nullopt;
}

pid_t StatusNumber(pid_t pid, absl::string_view key) {
  absl::StatusOr<std::string> text = ReadWholeFile(absl::StrCat("/proc/", pid, "/status"));
  if (!text.ok()) return -1;
  std::optional<std::string> value = FieldOf(*text, key);
  int number = -1;
  if (!value || !absl::SimpleAtoi(*value, &number)) return -1;
  return number;
}

// "socket:[1234]" -> 1234.
std::optional<uint64_t> ParseSocketTarget(absl::string_view target) {
  if (!absl::ConsumePrefix(&target, "socket:[") || !absl::ConsumeSuffix(&target, "]")) {
    return std::nullopt;
  }
  uint64_t inode = 0;
  if (!absl::SimpleAtoi(target, &inode)) return std::nullopt;
  return inode;
}

std::vector<int> OpenFdNumbers(pid_t pid) {
  std::vector<int> fds;
  std::string path = absl::StrCat("/proc/", pid, "/fd");
  DIR* dir = opendir(path.c_str());
  if (dir == nullptr) return fds;
  while (dirent* entry = readdir(dir)) {
    int fd = -1;
    if (absl::SimpleAtoi(entry->d_name, &fd)) fds.push_back(fd);
  }
  closedir(dir);
  std::sort(fds.begin(), fds.end());
  return fds;
}

}  // namespace

std::optional<std::string> ProcEnviron::Get(const std::string& key) const {
  std::string prefix = key + "=";
  for (const std::string& entry : entries) {
    if (entry.compare(0, prefix.size(), prefix) == 0) return entry.substr(prefix.size());
  }
  return std::nullopt;
}

absl::StatusOr<ProcEnviron> ReadEnviron(pid_t pid) {
  absl::StatusOr<std::string> data = ReadWholeFile(absl::StrCat("/proc/", pid, "/environ"));
  if (!data.ok()) return data.status();
  return ProcEnviron{SplitNul(*data)};
}

absl::StatusOr<std::vector<std::string>> ReadCmdline(pid_t pid) {
  absl::StatusOr<std::string> data = ReadWholeFile(absl::StrCat("/proc/", pid, "/cmdline"));
  if (!data.ok()) return data.status();
  return SplitNul(*data);
}

absl::StatusOr<std::string> FdTarget(pid_t pid, int fd) {
  std::string path = absl::StrCat("/proc/", pid, "/fd/", fd);
  char buf[4096];
  ssize_t n = readlink(path.c_str(), buf, sizeof buf);
  if (n < 0) return ProcError(path, errno);
  return std::string(buf, static_cast<size_t>(n));
}

absl::StatusOr<uint64_t> SocketInode(pid_t pid, int fd) {
  absl::StatusOr<std::string> target = FdTarget(pid, fd);
  if (!target.ok()) return target.status();
  std::optional<uint64_t> inode = ParseSocketTarget(*target);
  if (!inode) {
    return absl::FailedPreconditionError(
        absl::StrCat("fd ", fd, " of pid ", pid, " is not a socket (", *target, ")"));
  }
  return *inode;
}

absl::StatusOr<int> FdInfoFlags(pid_t pid, int fd) {
  std::string path = absl::StrCat("/proc/", pid, "/fdinfo/", fd);
  absl::StatusOr<std::string> text = ReadWholeFile(path);
  if (!text.ok()) return text.status();
  std::optional<std::string> value = FieldOf(*text, "flags");
  if (!value) return absl::DataLossError(absl::StrCat(path, " has no flags: line"));
  char* end = nullptr;
  long flags = std::strtol(value->c_str(), &end, 8);
  if (end == value->c_str()) return absl::DataLossError(absl::StrCat(path, ": bad flags"));
  return static_cast<int>(flags);
}

absl::StatusOr<std::vector<int>> FdsOfSocket(pid_t pid, uint64_t inode) {
  if (access(absl::StrCat("/proc/", pid, "/fd").c_str(), R_OK) != 0) {
    return ProcError(absl::StrCat("/proc/", pid, "/fd"), errno);
  }
  std::vector<int> found;
  for (int fd : OpenFdNumbers(pid)) {
    absl::StatusOr<std::string> target = FdTarget(pid, fd);
    if (!target.ok()) continue;  // closed meanwhile
    std::optional<uint64_t> ino = ParseSocketTarget(*target);
    if (ino && *ino == inode) found.push_back(fd);
  }
  return found;
}

bool EpollWatchesInode(pid_t pid, uint64_t inode) {
  std::string wanted = absl::StrCat("ino:", absl::Hex(inode));
  for (int fd : OpenFdNumbers(pid)) {
    absl::StatusOr<std::string> target = FdTarget(pid, fd);
    if (!target.ok() || *target != "anon_inode:[eventpoll]") continue;
    absl::StatusOr<std::string> info = ReadWholeFile(absl::StrCat("/proc/", pid, "/fdinfo/", fd));
    if (!info.ok()) continue;
    for (absl::string_view line : absl::StrSplit(*info, '\n')) {
      if (!absl::StartsWith(line, "tfd:")) continue;
      for (absl::string_view field : absl::StrSplit(line, ' ', absl::SkipEmpty())) {
        if (field == wanted) return true;
      }
    }
  }
  return false;
}

namespace {

// Where PID's environment is, from /proc/PID/stat: end_code (field 27),
// env_start and env_end (fields 50 and 51).
struct EnvironmentBounds {
  uint64_t end_code = 0;
  uint64_t env_start = 0;
  uint64_t env_end = 0;
  // env_end is 0 until the kernel lays out a new exec's stack, then equal to
  // env_start while it counts the strings, then their end; end_code is set
  // once all that is done.
  bool laid_out() const { return end_code != 0 && env_end != 0; }
  bool operator==(const EnvironmentBounds& o) const {
    return end_code == o.end_code && env_start == o.env_start && env_end == o.env_end;
  }
};

// The fields of /proc/PID/stat after the command name ([0] is field 3, the
// state); nullopt when PID is gone, a zombie, or its stat is unreadable.
std::optional<std::vector<std::string>> ReadStatFields(pid_t pid) {
  absl::StatusOr<std::string> stat = ReadWholeFile(absl::StrCat("/proc/", pid, "/stat"));
  if (!stat.ok()) return std::nullopt;
  size_t paren = stat->rfind(')');
  if (paren == std::string::npos || paren + 2 > stat->size()) return std::nullopt;
  std::vector<std::string> fields =
      absl::StrSplit(absl::string_view(*stat).substr(paren + 2), ' ', absl::SkipEmpty());
  if (fields.empty() || fields[0] == "Z" || fields[0] == "X") return std::nullopt;  // exited
  return fields;
}

// Field `number` (as man 5 proc counts them) of parsed stat fields, as a number.
bool StatNumber(const std::vector<std::string>& fields, size_t number, uint64_t* out) {
  return number >= 3 && fields.size() > number - 3 && absl::SimpleAtoi(fields[number - 3], out);
}

// nullopt when PID is gone (or a zombie) or its stat is unreadable.
std::optional<EnvironmentBounds> ReadEnvironmentBounds(pid_t pid) {
  std::optional<std::vector<std::string>> fields = ReadStatFields(pid);
  if (!fields) return std::nullopt;
  EnvironmentBounds b;
  if (!StatNumber(*fields, 27, &b.end_code) || !StatNumber(*fields, 50, &b.env_start) ||
      !StatNumber(*fields, 51, &b.env_end)) {
    return std::nullopt;
  }
  return b;
}

// Sleeps a little while polling (20 us steps, then 1 ms ones); false once
// `timeout_ms` has passed.
bool PollStep(int* waited_us, int timeout_ms) {
  if (*waited_us > timeout_ms * 1000) return false;
  int step_us = *waited_us < 1000 ? 20 : 1000;  // usually ready within microseconds
  usleep(static_cast<useconds_t>(step_us));
  *waited_us += step_us;
  return true;
}

}  // namespace

absl::StatusOr<ProcEnviron> ReadSettledEnviron(pid_t pid, int timeout_ms) {
  std::string path = absl::StrCat("/proc/", pid, "/environ");
  for (int waited_us = 0;;) {
    std::optional<EnvironmentBounds> before = ReadEnvironmentBounds(pid);
    if (!before) return absl::NotFoundError(absl::StrCat("process ", pid, " is gone"));
    if (before->laid_out()) {
      absl::StatusOr<std::string> data = ReadWholeFile(path);
      if (!data.ok()) return data.status();
      std::optional<EnvironmentBounds> after = ReadEnvironmentBounds(pid);
      if (!after) return absl::NotFoundError(absl::StrCat("process ", pid, " is gone"));
      // Whole, and from one exec: the same bounds around the read, and every
      // byte between them (an exec in the middle gives less, or nothing).
      if (*after == *before && data->size() == before->env_end - before->env_start) {
        return ProcEnviron{SplitNul(*data)};
      }
    }
    if (!PollStep(&waited_us, timeout_ms)) {
      return absl::DeadlineExceededError("its environment never appeared in /proc");
    }
  }
}

std::vector<pid_t> ChildrenOf(pid_t tgid) {
  std::vector<pid_t> children;
  std::string tasks = absl::StrCat("/proc/", tgid, "/task");
  DIR* dir = opendir(tasks.c_str());
  if (dir == nullptr) return children;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    absl::StatusOr<std::string> list =
        ReadWholeFile(absl::StrCat(tasks, "/", entry->d_name, "/children"));
    if (!list.ok()) continue;
    for (absl::string_view word : absl::StrSplit(*list, ' ', absl::SkipWhitespace())) {
      pid_t pid = 0;
      if (absl::SimpleAtoi(word, &pid)) children.push_back(pid);
    }
  }
  closedir(dir);
  return children;
}

pid_t NewestHolderOfSocket(const std::vector<pid_t>& candidates, int fd, uint64_t inode) {
  pid_t newest = -1;
  uint64_t newest_start = 0;
  for (pid_t pid : candidates) {
    absl::StatusOr<uint64_t> held = SocketInode(pid, fd);
    if (!held.ok() || *held != inode) continue;
    std::optional<std::vector<std::string>> fields = ReadStatFields(pid);
    uint64_t start = 0;  // field 22: start time, in clock ticks since boot
    if (!fields || !StatNumber(*fields, 22, &start)) continue;
    if (newest < 0 || start > newest_start || (start == newest_start && pid > newest)) {
      newest = pid;
      newest_start = start;
    }
  }
  return newest;
}

pid_t TracerPidOf(pid_t pid) { return StatusNumber(pid, "TracerPid"); }

pid_t TgidOf(pid_t pid) { return StatusNumber(pid, "Tgid"); }

std::string JoinCommandLine(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& arg : argv) {
    if (!out.empty()) out += ' ';
    out += arg;
  }
  return out;
}

}  // namespace synctrace
