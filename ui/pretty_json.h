// File: ui/pretty_json.h
//
// Pretty-prints compact JSON (a sync message's arg) with two-space indents, for
// the TUI's detail pane. Strings are copied byte for byte (escapes kept as they
// came); input that is not JSON comes back as one line, unchanged.
//
// Example:
//   PrettyJsonLines(R"({"a":[1,2],"b":{}})")
//   // {  /    "a": [  /      1,  /      2  /    ],  /    "b": {}  /  }
#ifndef SYNCTRACE_UI_PRETTY_JSON_H_
#define SYNCTRACE_UI_PRETTY_JSON_H_

#include <string>
#include <string_view>
#include <vector>

namespace synctrace {

std::vector<std::string> PrettyJsonLines(std::string_view json);

}  // namespace synctrace

#endif  // SYNCTRACE_UI_PRETTY_JSON_H_
