// The detail pane's content; see ui/detail_view.h.
#include "ui/detail_view.h"

#include "absl/strings/str_cat.h"
#include "decoder/sync_types.h"
#include "ui/pretty_json.h"

namespace synctrace {
namespace {

class Lines {
 public:
  void Add(LineStyle style, std::string text) { out_.push_back({style, std::move(text)}); }
  void Heading(std::string text) {
    if (!out_.empty()) Add(LineStyle::kPlain, "");
    Add(LineStyle::kHeading, std::move(text));
  }
  void Hex(std::string_view data) {
    for (std::string& l : HexDumpLines(data)) Add(LineStyle::kDim, "  " + l);
  }
  std::vector<DetailLine> Take() { return std::move(out_); }

 private:
  std::vector<DetailLine> out_;
};

void AddPairing(const EventStore::Reader& reader, const StoreRecord& r, const TraceEvent& e,
                const RowFormatter& fmt, Lines* lines) {
  const SyncTypeInfo* info = FindSyncType(r.type_id);
  if (r.pair_seq == 0) {
    if (r.has(StoreRecord::kBitRequest)) {
      const SyncTypeInfo* reply = info ? FindSyncType(info->expected_reply) : nullptr;
      lines->Add(LineStyle::kAnomaly,
                 absl::StrCat("no reply yet (expects ", reply ? Av(reply->name) : "a reply", ")"));
    }
    return;
  }
  int64_t other = reader.FindSeq(r.pair_seq);
  std::string what = "(no longer stored)";
  if (other >= 0) {
    const StoreRecord& o = reader.record(static_cast<uint64_t>(other));
    TraceEvent oe = reader.Decode(static_cast<uint64_t>(other));
    what = absl::StrCat(Printable(oe.message.type), " at ", fmt.Time(o.mono_ns), " (",
                        Av(DirectionArrow(o.direction, fmt.unicode())), ")");
  }
  if (e.latency_ns >= 0) {
    lines->Add(LineStyle::kPlain, absl::StrCat("answers request #", r.pair_seq, ": ", what,
                                               ", latency ", FormatDuration(e.latency_ns)));
  } else {
    lines->Add(LineStyle::kPlain, absl::StrCat("answered by reply #", r.pair_seq, ": ", what));
  }
}

void AddFd(const char* label, const FdDescription& fd, Lines* lines) {
  lines->Add(LineStyle::kPlain, absl::StrCat(label, Printable(fd.Summary())));
}

}  // namespace

std::vector<DetailLine> DetailLines(const EventStore::Reader& reader, uint64_t ordinal,
                                    const RowFormatter& fmt) {
  Lines lines;
  const StoreRecord& r = reader.record(ordinal);
  TraceEvent e = reader.Decode(ordinal);
  std::string where = absl::StrCat("t=", fmt.Time(r.mono_ns), "  ",
                                   r.session ? SessionName(r.session) : "global");
  if (r.kind == RowKind::kMarker) {
    lines.Add(LineStyle::kHeading, absl::StrCat("marker \"", e.text, "\" at t=", fmt.Time(r.mono_ns)));
    return lines.Take();
  }
  if (r.kind != RowKind::kMessage) {
    lines.Add(LineStyle::kHeading, absl::StrCat("#", r.seq, "  ", where));
    if (!e.text.empty()) lines.Add(LineStyle::kPlain, Printable(e.text));
    const SessionInfo& s = e.session_info;
    if (s.parent_pid) lines.Add(LineStyle::kPlain, absl::StrCat("parent pid: ", s.parent_pid));
    if (s.child_pid) lines.Add(LineStyle::kPlain, absl::StrCat("child pid:  ", s.child_pid));
    if (!s.command_line.empty()) lines.Add(LineStyle::kPlain, "command: " + Printable(s.command_line));
    if (!s.container_id.empty()) lines.Add(LineStyle::kPlain, "container: " + Printable(s.container_id));
    if (!s.init_type.empty()) lines.Add(LineStyle::kPlain, "init type: " + Printable(s.init_type));
    if (r.kind == RowKind::kEventsDropped) {
      lines.Add(LineStyle::kAnomaly, absl::StrCat(e.dropped, " events were dropped before the view saw them"));
    }
  } else {
    const SyncMessage& m = e.message;
    lines.Add(LineStyle::kHeading, absl::StrCat("#", r.seq, "  ", where, "  ",
                                                Av(DirectionName(r.direction))));
    lines.Add(LineStyle::kPlain, Printable(m.String()));
    AddPairing(reader, r, e, fmt, &lines);
    if (std::optional<std::string_view> arg = m.arg()) {
      lines.Heading("arg:");
      for (std::string& l : PrettyJsonLines(*arg)) lines.Add(LineStyle::kPlain, "  " + Printable(l));
    }
    if (m.file) {
      lines.Heading("file: " + Printable(m.file->name));
      AddFd("  ", m.file->fd, &lines);
    }
    for (const FdDescription& fd : m.stray_fds) AddFd("stray fd: ", fd, &lines);
    if (const SyncTypeInfo* info = FindSyncType(m.type_id)) {
      lines.Add(LineStyle::kDim, absl::StrCat(Av(info->name), ": ", Av(info->summary)));
    }
  }
  if (!e.anomalies().empty()) {
    lines.Heading(absl::StrCat(e.anomalies().size(), " anomal", e.anomalies().size() == 1 ? "y:" : "ies:"));
    for (const Anomaly& a : e.anomalies()) {
      lines.Add(LineStyle::kAnomaly, absl::StrCat("! ", Av(AnomalyName(a.code)), ": ", Printable(a.Explain())));
    }
  }
  if (r.kind == RowKind::kMessage) {
    lines.Heading(absl::StrCat("raw packet (", e.message.raw.size(), " bytes):"));
    lines.Hex(e.message.raw);
    if (e.message.file) {
      lines.Heading(absl::StrCat("fd packet data (", e.message.file->name.size(), " bytes):"));
      lines.Hex(e.message.file->name);
    }
  }
  return lines.Take();
}

}  // namespace synctrace
