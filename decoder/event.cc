// Direction and session names used by every output.
#include "decoder/event.h"

#include "absl/strings/str_cat.h"

namespace synctrace {

std::string_view DirectionName(Direction direction) {
  return direction == Direction::kChildToParent ? "child->parent" : "parent->child";
}

std::string SessionName(int session) { return absl::StrCat("s", session); }

}  // namespace synctrace
