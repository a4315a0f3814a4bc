// Direction and session names used by every output.
#include "decoder/event.h"

#include <cinttypes>
#include <cstdio>

#include "absl/strings/str_cat.h"

namespace synctrace {

std::string_view DirectionName(Direction direction) {
  return direction == Direction::kChildToParent ? "child->parent" : "parent->child";
}

std::string SessionName(int session) { return absl::StrCat("s", session); }

std::string FormatSeconds(int64_t ns) {
  int64_t micros = ns / 1000;
  bool negative = micros < 0;
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(micros) : static_cast<uint64_t>(micros);
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%s%" PRIu64 ".%06" PRIu64, negative ? "-" : "",
                magnitude / 1000000, magnitude % 1000000);
  return buffer;
}

}  // namespace synctrace
