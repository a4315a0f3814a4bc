// File: ui/list_filter.h
//
// The TUI's `/` filter: space-separated terms, all of which must match.
//   type:procHooks   the message type contains this (case-insensitive)
//   dir:c2p|p2c      direction (also child, parent, child->parent, parent->child)
//   s1 or session:1  the session
//   !  or anomaly    rows with an anomaly or error
//   anything else    text in runc's String() line (type, flags, arg, file and
//                    fd), in a note's text, or in an anomaly's name or detail
//
// Example:
//   ListFilter f = ListFilter::Parse("type:mount dir:p2c /data");
//   f.Matches(record, event)
#ifndef SYNCTRACE_UI_LIST_FILTER_H_
#define SYNCTRACE_UI_LIST_FILTER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "decoder/event.h"
#include "ui/event_store.h"

namespace synctrace {

class ListFilter {
 public:
  static ListFilter Parse(std::string_view text);

  bool empty() const { return text_.empty(); }
  const std::string& text() const { return text_; }
  // True when Matches() needs the decoded event for this record
  // (text terms, or a type term on a type the table does not know).
  bool NeedsDecode(const StoreRecord& record) const;
  // Cheap check on the record alone (type of a known type, direction, session,
  // anomaly terms); Matches() is exact.
  bool MatchesRecord(const StoreRecord& record) const;
  bool Matches(const StoreRecord& record, const TraceEvent& event) const;

 private:
  std::string text_;
  std::vector<std::string> types_;  // lower case
  std::vector<uint32_t> type_ids_;  // per type term: bit i set when SyncTypeId i matches
  std::optional<Direction> direction_;
  std::optional<int> session_;
  bool notable_ = false;
  std::vector<std::string> words_;  // lower case
};

}  // namespace synctrace

#endif  // SYNCTRACE_UI_LIST_FILTER_H_
