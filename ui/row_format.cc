// Row and figure formatting for the TUI; see ui/row_format.h.
#include "ui/row_format.h"

#include <cinttypes>
#include <cstdio>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace synctrace {
namespace {

constexpr int kTypeWidth = 16;

std::string Flags(int64_t flags) {
  if (flags == 0) return "";
  if (flags < 0) return absl::StrCat("flags:", flags);
  std::string bits;
  for (uint64_t v = static_cast<uint64_t>(flags); v != 0; v >>= 1) bits.insert(bits.begin(), '0' + (v & 1));
  return "0b" + bits;
}

std::string NonMessageText(const StoreRecord& r, const TraceEvent& e) {
  switch (r.kind) {
    case RowKind::kSessionStart: {
      if (!e.text.empty()) return e.text;
      std::string s = "session start";
      if (e.session_info.parent_pid) absl::StrAppend(&s, ": parent pid ", e.session_info.parent_pid);
      if (e.session_info.child_pid) absl::StrAppend(&s, ", child pid ", e.session_info.child_pid);
      return s;
    }
    case RowKind::kSessionEnd:
      if (absl::StartsWith(e.text, "session end")) return e.text;
      return e.text.empty() ? "session end" : absl::StrCat("session end: ", e.text);
    case RowKind::kEventsDropped:
      if (!e.text.empty()) return e.text;
      return absl::StrCat("missed ", e.dropped, " events (synctrace fell behind)");
    case RowKind::kMarker:
      return absl::StrCat("---------------- ", e.text, " ----------------");
    case RowKind::kNote:
    case RowKind::kMessage:
      break;
  }
  return e.text;
}

}  // namespace

std::string FormatDuration(int64_t ns) {
  if (ns < 0) return "-" + FormatDuration(-ns);
  if (ns < 1000) return absl::StrCat(ns, "ns");
  if (ns < 1000000) return absl::StrFormat("%.1fus", ns / 1e3);
  if (ns < 1000000000) return absl::StrFormat("%.2fms", ns / 1e6);
  if (ns < int64_t{60} * 1000000000) return absl::StrFormat("%.3fs", ns / 1e9);
  int64_t s = ns / 1000000000;
  if (s < 3600) return absl::StrFormat("%dm%02ds", s / 60, s % 60);
  return absl::StrFormat("%dh%02dm", s / 3600, (s / 60) % 60);
}

std::string FormatBytes(uint64_t bytes) {
  if (bytes < 1024) return absl::StrCat(bytes, " B");
  if (bytes < (uint64_t{1} << 20)) return absl::StrFormat("%.1f KiB", bytes / 1024.0);
  if (bytes < (uint64_t{1} << 30)) return absl::StrFormat("%.1f MiB", bytes / 1048576.0);
  return absl::StrFormat("%.2f GiB", bytes / 1073741824.0);
}

std::string Printable(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) c = '.';
  }
  return out;
}

std::string_view DirectionArrow(Direction direction, bool unicode) {
  if (direction == Direction::kChildToParent) return unicode ? "C\u2192P" : "C->P";
  return unicode ? "C\u2190P" : "C<-P";
}

std::vector<std::string> HexDumpLines(std::string_view data) {
  std::vector<std::string> lines;
  for (size_t off = 0; off < data.size(); off += 16) {
    std::string line = absl::StrFormat("%04x  ", off);
    std::string ascii;
    for (size_t i = 0; i < 16; ++i) {
      if (off + i < data.size()) {
        unsigned char c = static_cast<unsigned char>(data[off + i]);
        absl::StrAppendFormat(&line, "%02x ", c);
        ascii.push_back(c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '.');
      } else {
        line.append("   ");
      }
      if (i == 7) line.push_back(' ');
    }
    absl::StrAppend(&line, " ", ascii);
    lines.push_back(std::move(line));
  }
  if (lines.empty()) lines.push_back("(empty packet: 0 bytes)");
  return lines;
}

std::string RowFormatter::Time(int64_t mono_ns) const {
  int64_t ns = mono_ns - start_mono_ns_;
  return absl::StrFormat("%s%" PRId64 ".%06" PRId64, ns < 0 ? "-" : "", (ns < 0 ? -ns : ns) / 1000000000,
                         ((ns < 0 ? -ns : ns) % 1000000000) / 1000);
}

std::string RowFormatter::Row(const StoreRecord& r, const TraceEvent& e,
                              int64_t prev_mono_ns) const {
  // Time since the row above: "+1.2ms", or "-181.4us" when this event happened
  // before it (a message is stamped when it arrived, its notes when written).
  int64_t since = r.mono_ns - prev_mono_ns;
  std::string delta = prev_mono_ns < 0 ? ""
                      : since < 0     ? FormatDuration(since)
                                      : absl::StrCat("+", FormatDuration(since));
  std::string row = absl::StrFormat("%10s %9s %-3s ", Time(r.mono_ns), delta,
                                    r.session ? SessionName(r.session) : "--");
  if (r.kind != RowKind::kMessage) {
    absl::StrAppend(&row, r.kind == RowKind::kMarker ? "    " : " #  ",
                    r.notable() ? "! " : "  ", Printable(NonMessageText(r, e)));
    for (const Anomaly& a : e.anomalies()) absl::StrAppend(&row, " [", Av(AnomalyName(a.code)), "]");
    return row;
  }
  const SyncMessage& m = e.message;
  std::string type = m.is_raw_packet ? "(raw packet)" : (m.type.empty() ? "(no type)" : m.type);
  absl::StrAppend(&row, Av(DirectionArrow(r.direction, unicode_)), r.notable() ? " ! " : "   ");
  absl::StrAppend(&row, absl::StrFormat("%-*s", kTypeWidth, Printable(type)));
  if (r.latency_ns >= 0) absl::StrAppend(&row, " lat ", FormatDuration(r.latency_ns));
  std::string flags = Flags(m.flags);
  if (!flags.empty()) absl::StrAppend(&row, " ", flags);
  if (std::optional<std::string_view> arg = m.arg()) {
    absl::StrAppend(&row, " ", Printable(*arg));
  } else if (m.is_raw_packet) {
    absl::StrAppend(&row, " ", Printable(m.raw.substr(0, 64)));
  }
  if (m.file) absl::StrAppend(&row, " file:", Printable(m.file->name));
  for (const Anomaly& a : m.anomalies) absl::StrAppend(&row, " [", Av(AnomalyName(a.code)), "]");
  return row;
}

}  // namespace synctrace
