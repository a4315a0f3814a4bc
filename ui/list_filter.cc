// The TUI's list filter; see ui/list_filter.h.
#include "ui/list_filter.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "decoder/sync_types.h"

namespace synctrace {
namespace {

std::optional<Direction> ParseDirection(const std::string& v) {
  if (v == "c2p" || v == "child" || v == "child->parent" || v == "c->p" || v == "up") {
    return Direction::kChildToParent;
  }
  if (v == "p2c" || v == "parent" || v == "parent->child" || v == "p->c" || v == "down") {
    return Direction::kParentToChild;
  }
  return std::nullopt;
}

std::optional<int> ParseSession(std::string v) {
  if (!v.empty() && v[0] == 's') v = v.substr(1);
  int n;
  if (!v.empty() && absl::SimpleAtoi(v, &n) && n > 0) return n;
  return std::nullopt;
}

bool ContainsLower(std::string_view haystack, const std::string& lower_needle) {
  auto same = [](char a, char b) { return absl::ascii_tolower(static_cast<unsigned char>(a)) == b; };
  return std::search(haystack.begin(), haystack.end(), lower_needle.begin(), lower_needle.end(),
                     same) != haystack.end();
}

}  // namespace

ListFilter ListFilter::Parse(std::string_view text) {
  ListFilter f;
  f.text_ = std::string(absl::StripAsciiWhitespace(absl::string_view(text.data(), text.size())));
  for (absl::string_view piece : absl::StrSplit(f.text_, ' ', absl::SkipEmpty())) {
    std::string term = absl::AsciiStrToLower(piece);
    std::string value;
    size_t colon = term.find(':');
    std::string key = colon == std::string::npos ? "" : term.substr(0, colon);
    if (colon != std::string::npos) value = term.substr(colon + 1);
    if (key == "type" || key == "t") {
      f.types_.push_back(value);
      uint32_t ids = 0;
      for (const SyncTypeInfo& t : SyncTypeTable()) {
        if (ContainsLower(t.name, value)) ids |= 1u << static_cast<int>(t.id);
      }
      f.type_ids_.push_back(ids);
    } else if ((key == "dir" || key == "d") && ParseDirection(value)) {
      f.direction_ = ParseDirection(value);
    } else if (key == "session" && ParseSession(value)) {
      f.session_ = ParseSession(value);
    } else if (key.empty() && term.size() > 1 && term[0] == 's' && ParseSession(term)) {
      f.session_ = ParseSession(term);
    } else if (key.empty() && ParseDirection(term) && term != "child" && term != "parent") {
      f.direction_ = ParseDirection(term);
    } else if (term == "!" || term == "anomaly" || term == "error") {
      f.notable_ = true;
    } else {
      f.words_.push_back(term);
    }
  }
  return f;
}

bool ListFilter::MatchesRecord(const StoreRecord& r) const {
  if (direction_ && (r.kind != RowKind::kMessage || r.direction != *direction_)) return false;
  if (session_ && r.session != *session_) return false;
  if (notable_ && !r.notable()) return false;
  if (!types_.empty() && r.kind != RowKind::kMessage) return false;
  if (r.type_id != SyncTypeId::kUnknown) {
    for (uint32_t ids : type_ids_) {
      if (!(ids & (1u << static_cast<int>(r.type_id)))) return false;
    }
  }
  return true;
}

bool ListFilter::NeedsDecode(const StoreRecord& r) const {
  return !words_.empty() || (!types_.empty() && r.type_id == SyncTypeId::kUnknown);
}

bool ListFilter::Matches(const StoreRecord& r, const TraceEvent& e) const {
  if (!MatchesRecord(r)) return false;
  if (r.type_id == SyncTypeId::kUnknown) {  // known types were checked on the record
    for (const std::string& t : types_) {
      if (!ContainsLower(e.message.type, t)) return false;
    }
  }
  if (words_.empty()) return true;
  std::string line = r.kind == RowKind::kMessage ? e.message.String() : e.text;
  for (const Anomaly& a : e.anomalies()) {
    line.append(" ").append(AnomalyName(a.code)).append(" ").append(a.detail);
  }
  for (const std::string& w : words_) {
    if (!ContainsLower(line, w)) return false;
  }
  return true;
}

}  // namespace synctrace
