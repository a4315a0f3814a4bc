// File: ui/detail_view.h
//
// The TUI's detail pane for one event, as lines of text with a style each:
// runc's String() line, the arg as indented JSON, the file and its fd
// description, the request or reply it pairs with, every anomaly explained in
// a sentence, and the raw packet(s) as hex and ASCII.
//
// Example:
//   EventStore::Reader r(store);
//   for (const DetailLine& l : DetailLines(r, ordinal, formatter)) Draw(l.style, l.text);
#ifndef SYNCTRACE_UI_DETAIL_VIEW_H_
#define SYNCTRACE_UI_DETAIL_VIEW_H_

#include <cstdint>
#include <string>
#include <vector>

#include "ui/event_store.h"
#include "ui/row_format.h"

namespace synctrace {

enum class LineStyle : uint8_t { kPlain, kHeading, kAnomaly, kDim };

struct DetailLine {
  LineStyle style;
  std::string text;
};

std::vector<DetailLine> DetailLines(const EventStore::Reader& reader, uint64_t ordinal,
                                    const RowFormatter& formatter);

}  // namespace synctrace

#endif  // SYNCTRACE_UI_DETAIL_VIEW_H_
