// File: decoder/absl_compat.h
//
// Debian's Abseil has its own absl::string_view, which absl::StrCat does not
// accept as std::string_view. Av() converts at the boundary without copying.
//
// Example:
//   std::string_view name = info->name;
//   absl::StrCat("type ", Av(name));
#ifndef SYNCTRACE_DECODER_ABSL_COMPAT_H_
#define SYNCTRACE_DECODER_ABSL_COMPAT_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace synctrace {

inline absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }
inline std::string_view Sv(absl::string_view s) { return std::string_view(s.data(), s.size()); }

}  // namespace synctrace

#endif  // SYNCTRACE_DECODER_ABSL_COMPAT_H_
