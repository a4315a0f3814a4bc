// The TUI's status bar text; see ui/status_line.h.
#include "ui/status_line.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "decoder/sync_types.h"
#include "ui/row_format.h"

namespace synctrace {
namespace {

std::string Sessions(const std::map<int, SessionSummary>& sessions) {
  if (sessions.empty()) return "no session yet";
  std::vector<std::string> parts;
  for (const auto& [n, s] : sessions) {
    std::string part = absl::StrCat(SessionName(n), " ", Av(SessionStateName(s.state)));
    if (s.parent_pid || s.child_pid) {
      absl::StrAppend(&part, " pid ", s.parent_pid ? absl::StrCat(s.parent_pid) : "?", "/",
                      s.child_pid ? absl::StrCat(s.child_pid) : "?");
    }
    parts.push_back(std::move(part));
  }
  if (parts.size() > 3) {  // many sessions: count them, name the newest
    size_t running = 0;
    for (const auto& [n, s] : sessions) running += s.state == SessionState::kRunning;
    return absl::StrCat(sessions.size(), " sessions (", running, " running), ", parts.back());
  }
  return absl::StrJoin(parts, ", ");
}

std::string ShortType(std::string_view name) {
  if (absl::StartsWith(absl::string_view(name.data(), name.size()), "proc")) name.remove_prefix(4);
  return std::string(name);
}

}  // namespace

std::vector<std::string> StatusLines(const EventStore::Reader& r, const StatusFigures& fig,
                                     int width) {
  const StoreStats& st = r.stats();
  std::string view = fig.paused ? absl::StrCat("PAUSED (+", fig.held_back, " new)")
                                : (fig.following ? "FOLLOW" : "SCROLL");
  std::string line1 = absl::StrCat(
      " synctrace ", fig.title, " | ", FormatDuration(std::max<int64_t>(0, fig.now_mono_ns - fig.start_mono_ns)),
      " | ", view, " | ", st.messages, " msgs (",
      Av(DirectionArrow(Direction::kChildToParent, fig.unicode)), " ", st.by_direction[0], ", ",
      Av(DirectionArrow(Direction::kParentToChild, fig.unicode)), " ", st.by_direction[1], ")");
  if (st.anomalies) absl::StrAppend(&line1, " | ", st.anomalies, " anomal", st.anomalies == 1 ? "y" : "ies");
  if (st.errors) absl::StrAppend(&line1, " | ", st.errors, " procError");
  if (st.missed) absl::StrAppend(&line1, " | MISSED ", st.missed, " events");
  absl::StrAppend(&line1, " | ", Sessions(r.sessions()));
  absl::StrAppend(&line1, " | ", FormatBytes(st.bytes), ", ", st.fds, " fds");
  if (st.evicted) absl::StrAppend(&line1, " | oldest ", st.evicted, " let go");

  std::vector<std::string> parts;
  std::vector<PendingRequest> pending = r.pending();
  if (pending.empty()) {
    parts.push_back("no request waiting");
  } else {
    std::vector<std::string> waits;
    for (const PendingRequest& p : pending) {
      const SyncTypeInfo* info = FindSyncType(p.type_id);
      waits.push_back(absl::StrCat(SessionName(p.session), " ", info ? Av(info->name) : "?", " ",
                                   FormatDuration(std::max<int64_t>(0, fig.now_mono_ns - p.since_mono_ns))));
    }
    parts.push_back("waiting: " + absl::StrJoin(waits, ", "));
  }
  if (!fig.filter.empty()) {
    parts.push_back(absl::StrCat("filter \"", fig.filter, "\" ", fig.rows, " rows",
                                 fig.scan_progress < 1.0
                                     ? absl::StrCat(" (scanning ", static_cast<int>(fig.scan_progress * 100), "%)")
                                     : ""));
  }
  std::vector<std::string> breaks = fig.breakpoints;
  if (fig.break_on_anomaly) breaks.push_back("anomaly");
  if (!breaks.empty()) parts.push_back("break: " + absl::StrJoin(breaks, ","));
  std::vector<std::string> types;
  for (const SyncTypeInfo& t : SyncTypeTable()) {
    int id = static_cast<int>(t.id);
    if (id >= StoreStats::kTypes) continue;
    uint64_t n = st.by_type[id][0] + st.by_type[id][1];
    if (n) types.push_back(absl::StrCat(ShortType(t.name), " ", n));
  }
  uint64_t unknown = st.by_type[0][0] + st.by_type[0][1];
  if (unknown) types.push_back(absl::StrCat("other ", unknown));
  if (!types.empty()) parts.push_back(absl::StrJoin(types, " "));
  std::string line2 = " " + absl::StrJoin(parts, " | ");
  (void)width;  // the caller cuts at the screen's width; the order keeps essentials first
  return {line1, line2};
}

}  // namespace synctrace
