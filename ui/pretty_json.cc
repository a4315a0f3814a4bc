// Pretty-prints compact JSON; see ui/pretty_json.h.
#include "ui/pretty_json.h"

namespace synctrace {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Index just past the string literal starting at json[i] == '"' (or npos).
size_t SkipString(std::string_view json, size_t i) {
  for (++i; i < json.size(); ++i) {
    if (json[i] == '\\') {
      ++i;
    } else if (json[i] == '"') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

// Index of the next non-space byte at or after i.
size_t SkipSpace(std::string_view json, size_t i) {
  while (i < json.size() && IsSpace(json[i])) ++i;
  return i;
}

}  // namespace

std::vector<std::string> PrettyJsonLines(std::string_view json) {
  std::vector<std::string> lines(1);
  int depth = 0;
  auto new_line = [&] { lines.emplace_back(static_cast<size_t>(depth) * 2, ' '); };
  for (size_t i = SkipSpace(json, 0); i < json.size(); i = SkipSpace(json, i)) {
    char c = json[i];
    if (c == '"') {
      size_t end = SkipString(json, i);
      if (end == std::string_view::npos) return {std::string(json)};
      lines.back().append(json.substr(i, end - i));
      i = end;
    } else if (c == '{' || c == '[') {
      char close = c == '{' ? '}' : ']';
      size_t next = SkipSpace(json, i + 1);
      lines.back().push_back(c);
      if (next < json.size() && json[next] == close) {  // empty: {} or []
        lines.back().push_back(close);
        i = next + 1;
        continue;
      }
      ++depth;
      new_line();
      ++i;
    } else if (c == '}' || c == ']') {
      if (--depth < 0) return {std::string(json)};
      new_line();
      lines.back().push_back(c);
      ++i;
    } else if (c == ',') {
      lines.back().push_back(',');
      new_line();
      ++i;
    } else if (c == ':') {
      lines.back().append(": ");
      ++i;
    } else {  // number, true, false, null (or garbage: kept as is)
      size_t start = i;
      while (i < json.size() && !IsSpace(json[i]) && json[i] != ',' && json[i] != '}' &&
             json[i] != ']' && json[i] != ':' && json[i] != '"') {
        ++i;
      }
      lines.back().append(json.substr(start, i - start));
    }
  }
  if (depth != 0) return {std::string(json)};
  return lines;
}

}  // namespace synctrace
