// File: ui/list_view.h
//
// The message list's state, without a terminal: which stored events are rows
// (all, or those matching the `/` filter), the selected row, the scroll
// position, following the newest row, and the paused view (rows stop arriving
// on screen while the store keeps absorbing events). Rows are named by the
// store's ordinals, so eviction of old events never moves the selection.
//
// Example:
//   ListView view;
//   { EventStore::Reader r(store); view.Sync(r); }
//   view.MoveBy(-1);            // up one row; stops following
//   view.End();                 // last row; follows again
//   size_t top = view.Top(rows_on_screen);
#ifndef SYNCTRACE_UI_LIST_VIEW_H_
#define SYNCTRACE_UI_LIST_VIEW_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "ui/event_store.h"
#include "ui/list_filter.h"

namespace synctrace {

class ListView {
 public:
  // Brings the rows up to date with the store: new events (unless paused),
  // evicted ones, a changed filter. With a filter, at most scan_budget events
  // are examined per call (so a big store never holds its lock for long);
  // scanning() says whether more remain.
  void Sync(const EventStore::Reader& reader, size_t scan_budget = SIZE_MAX);
  bool scanning() const { return scanning_; }
  // Share of the store the filter has examined, 0..1.
  double scan_progress(const EventStore::Reader& reader) const;

  void SetFilter(ListFilter filter);
  const ListFilter& filter() const { return filter_; }

  size_t size() const;
  uint64_t OrdinalAt(size_t row) const;
  // Row of the selection (size() == 0: none).
  std::optional<size_t> selected_row() const;
  std::optional<uint64_t> selected_ordinal() const;

  void MoveBy(int64_t rows);   // stops following unless it lands on the last row
  void Home();
  void End();                  // last row, and follow again
  void Select(size_t row);
  bool SelectOrdinal(uint64_t ordinal);  // false when it is not a row
  bool following() const { return follow_; }
  void SetFollow(bool follow);

  // Space: freezes the rows at what is there now; again: resumes.
  void TogglePause(const EventStore::Reader& reader);
  bool paused() const { return paused_; }
  // Events that arrived since the pause (not yet rows).
  uint64_t held_back(const EventStore::Reader& reader) const;

  // First row to draw so that the selection is visible in `height` rows.
  size_t Top(size_t height);

  // Next (or previous) row after the selection for which pred(ordinal) holds,
  // wrapping around; nullopt when none.
  std::optional<size_t> Find(bool forward, const std::function<bool(uint64_t)>& pred) const;

 private:
  size_t IndexOf(uint64_t ordinal) const;  // first row with ordinal >= this

  ListFilter filter_;
  bool filter_changed_ = false;
  std::vector<uint64_t> matches_;  // rows when filtered
  uint64_t begin_ = 0;             // store's first ordinal
  uint64_t end_ = 0;               // one past the last ordinal considered
  bool scanning_ = false;
  bool follow_ = true;
  bool paused_ = false;
  uint64_t paused_end_ = 0;
  std::optional<uint64_t> selected_;
  uint64_t top_ = 0;               // ordinal of the first row drawn
};

}  // namespace synctrace

#endif  // SYNCTRACE_UI_LIST_VIEW_H_
