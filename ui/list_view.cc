// The message list's state; see ui/list_view.h.
#include "ui/list_view.h"

#include <algorithm>

namespace synctrace {

void ListView::SetFilter(ListFilter filter) {
  filter_ = std::move(filter);
  filter_changed_ = true;
}

void ListView::Sync(const EventStore::Reader& reader, size_t scan_budget) {
  uint64_t end = paused_ ? std::min(paused_end_, reader.end()) : reader.end();
  begin_ = reader.begin();
  if (filter_changed_) {
    matches_.clear();
    end_ = begin_;
    filter_changed_ = false;
  }
  if (!filter_.empty()) {
    matches_.erase(matches_.begin(),
                   std::lower_bound(matches_.begin(), matches_.end(), begin_));
    uint64_t from = std::max(end_, begin_);
    uint64_t stop = end - from > scan_budget ? from + scan_budget : end;
    scanning_ = stop < end;
    end = stop;
    for (uint64_t o = from; o < end; ++o) {
      const StoreRecord& r = reader.record(o);
      if (!filter_.MatchesRecord(r)) continue;
      if (filter_.NeedsDecode(r)) {
        if (!filter_.Matches(r, reader.Decode(o))) continue;
      }
      matches_.push_back(o);
    }
  } else {
    scanning_ = false;
  }
  end_ = std::max(end, begin_);
  if (size() == 0) {
    selected_.reset();
    return;
  }
  if (follow_ || !selected_) {
    selected_ = OrdinalAt(size() - 1);
  } else {
    selected_ = OrdinalAt(std::min(IndexOf(*selected_), size() - 1));
  }
}

double ListView::scan_progress(const EventStore::Reader& reader) const {
  uint64_t total = reader.end() - reader.begin();
  if (!scanning_ || total == 0) return 1.0;
  return static_cast<double>(end_ - begin_) / static_cast<double>(total);
}

size_t ListView::size() const {
  return filter_.empty() ? static_cast<size_t>(end_ - begin_) : matches_.size();
}

uint64_t ListView::OrdinalAt(size_t row) const {
  return filter_.empty() ? begin_ + row : matches_[row];
}

size_t ListView::IndexOf(uint64_t ordinal) const {
  if (filter_.empty()) return ordinal < begin_ ? 0 : static_cast<size_t>(ordinal - begin_);
  return static_cast<size_t>(std::lower_bound(matches_.begin(), matches_.end(), ordinal) -
                             matches_.begin());
}

std::optional<size_t> ListView::selected_row() const {
  if (!selected_ || size() == 0) return std::nullopt;
  return std::min(IndexOf(*selected_), size() - 1);
}

std::optional<uint64_t> ListView::selected_ordinal() const {
  std::optional<size_t> row = selected_row();
  if (!row) return std::nullopt;
  return OrdinalAt(*row);
}

void ListView::Select(size_t row) {
  if (size() == 0) return;
  row = std::min(row, size() - 1);
  selected_ = OrdinalAt(row);
  follow_ = row == size() - 1 && follow_;
}

void ListView::MoveBy(int64_t rows) {
  if (size() == 0) return;
  int64_t row = static_cast<int64_t>(selected_row().value_or(0)) + rows;
  row = std::clamp<int64_t>(row, 0, static_cast<int64_t>(size()) - 1);
  selected_ = OrdinalAt(static_cast<size_t>(row));
  if (rows < 0) follow_ = false;
}

void ListView::Home() {
  follow_ = false;
  if (size() > 0) selected_ = OrdinalAt(0);
}

void ListView::End() {
  follow_ = true;
  if (size() > 0) selected_ = OrdinalAt(size() - 1);
}

bool ListView::SelectOrdinal(uint64_t ordinal) {
  size_t row = IndexOf(ordinal);
  if (row >= size() || OrdinalAt(row) != ordinal) return false;
  selected_ = ordinal;
  follow_ = false;
  return true;
}

void ListView::SetFollow(bool follow) {
  if (follow) {
    End();
  } else {
    follow_ = false;
  }
}

void ListView::TogglePause(const EventStore::Reader& reader) {
  paused_ = !paused_;
  paused_end_ = reader.end();
}

uint64_t ListView::held_back(const EventStore::Reader& reader) const {
  return paused_ && reader.end() > paused_end_ ? reader.end() - paused_end_ : 0;
}

size_t ListView::Top(size_t height) {
  if (size() == 0 || height == 0) return 0;
  size_t sel = selected_row().value_or(0);
  size_t top = std::min(IndexOf(top_), size() - 1);
  if (sel < top) top = sel;
  if (sel >= top + height) top = sel + 1 - height;
  // Fill the screen when there are rows enough.
  if (size() >= height && top > size() - height) top = size() - height;
  top_ = OrdinalAt(top);
  return top;
}

std::optional<size_t> ListView::Find(bool forward,
                                     const std::function<bool(uint64_t)>& pred) const {
  size_t n = size();
  if (n == 0) return std::nullopt;
  size_t start = selected_row().value_or(0);
  for (size_t i = 1; i <= n; ++i) {
    size_t row = forward ? (start + i) % n : (start + n - i) % n;
    if (pred(OrdinalAt(row))) return row;
  }
  return std::nullopt;
}

}  // namespace synctrace
