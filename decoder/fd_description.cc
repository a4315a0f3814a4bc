// FdDescription::Summary(): one line about a passed fd.
#include "decoder/fd_description.h"

#include <fcntl.h>
#include <sys/sysmacros.h>

#include "absl/strings/str_cat.h"

namespace synctrace {
namespace {

std::string AccessModeName(int open_flags) {
  std::string mode;
  switch (open_flags & O_ACCMODE) {
    case O_RDONLY: mode = "O_RDONLY"; break;
    case O_WRONLY: mode = "O_WRONLY"; break;
    default: mode = "O_RDWR"; break;
  }
  if (open_flags & O_PATH) mode = "O_PATH";
  return mode;
}

}  // namespace

std::string FdDescription::Summary() const {
  std::string out = absl::StrCat("fd ", fd);
  if (!described) return out;
  absl::StrAppend(&out, ":");
  if (!kind.empty()) absl::StrAppend(&out, " ", kind);
  if (!path.empty()) absl::StrAppend(&out, " ", path);
  absl::StrAppend(&out, " (dev ", major(dev), ":", minor(dev), " ino ", ino, ", ",
                  AccessModeName(open_flags), ")");
  return out;
}

}  // namespace synctrace
