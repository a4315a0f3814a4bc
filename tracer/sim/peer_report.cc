// A simulated peer's report; see peer_report.h.
#include "tracer/sim/peer_report.h"

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace synctrace {
namespace sim {
namespace {

// One "key value" line; the value C-escaped so it stays on one line.
void Line(std::string* out, const char* key, const std::string& value) {
  absl::StrAppend(out, key, " ", absl::CEscape(value), "\n");
}

std::string FileText(const ReceivedFile& f) {
  return absl::StrCat(f.via, "\t", f.name, "\t", f.fd, "\t", f.dev, "\t", f.ino, "\t", f.kind);
}

void DiffList(const char* what, const std::vector<std::string>& a,
              const std::vector<std::string>& b, std::vector<std::string>* out) {
  if (a == b) return;
  out->push_back(absl::StrCat(what, ": [", absl::StrJoin(a, " | "), "] vs [",
                              absl::StrJoin(b, " | "), "]"));
}

}  // namespace

std::string PeerReport::Serialize() const {
  std::string out;
  Line(&out, "side", side);
  for (const std::string& s : sent) Line(&out, "sent", s);
  for (const std::string& s : received) Line(&out, "received", s);
  for (const ReceivedFile& f : files) Line(&out, "file", FileText(f));
  for (const std::string& s : late) Line(&out, "late", s);
  Line(&out, "eof", saw_eof ? "1" : "0");
  Line(&out, "error", error);
  Line(&out, "notes", notes);
  Line(&out, "end", "");
  return out;
}

absl::StatusOr<PeerReport> PeerReport::Parse(const std::string& text) {
  PeerReport r;
  bool complete = false;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(line, absl::MaxSplits(' ', 1));
    std::string value;
    std::string error;
    if (!absl::CUnescape(kv.second, &value, &error)) {
      return absl::InvalidArgumentError(absl::StrCat("peer report: bad line '", line, "': ", error));
    }
    if (kv.first == "side") r.side = value;
    else if (kv.first == "sent") r.sent.push_back(value);
    else if (kv.first == "received") r.received.push_back(value);
    else if (kv.first == "late") r.late.push_back(value);
    else if (kv.first == "eof") r.saw_eof = value == "1";
    else if (kv.first == "error") r.error = value;
    else if (kv.first == "notes") r.notes = value;
    else if (kv.first == "end") complete = true;
    else if (kv.first == "file") {
      std::vector<std::string> parts = absl::StrSplit(value, '\t');
      ReceivedFile f;
      if (parts.size() != 6 || !absl::SimpleAtoi(parts[2], &f.fd) ||
          !absl::SimpleAtoi(parts[3], &f.dev) || !absl::SimpleAtoi(parts[4], &f.ino)) {
        return absl::InvalidArgumentError(absl::StrCat("peer report: bad file line '", line, "'"));
      }
      f.via = parts[0];
      f.name = parts[1];
      f.kind = parts[5];
      r.files.push_back(f);
    }
  }
  if (!complete) return absl::DataLossError("peer report: truncated (no end line)");
  return r;
}

std::string PeerReport::Describe() const {
  std::string out = absl::StrCat(side, " (", exit.empty() ? "?" : exit, ")");
  if (report_missing) absl::StrAppend(&out, " sent no report");
  for (const std::string& s : sent) absl::StrAppend(&out, "\n  sent     ", s);
  for (const std::string& s : received) absl::StrAppend(&out, "\n  received ", s);
  for (const ReceivedFile& f : files) {
    absl::StrAppend(&out, "\n  file     ", f.name, " (fd ", f.fd, ", ", f.kind, ", dev ", f.dev,
                    " ino ", f.ino, ") via ", f.via);
  }
  for (const std::string& s : late) absl::StrAppend(&out, "\n  late     ", s);
  absl::StrAppend(&out, "\n  eof      ", saw_eof ? "yes" : "no");
  absl::StrAppend(&out, "\n  error    ", error.empty() ? "(none)" : error);
  if (!notes.empty()) absl::StrAppend(&out, "\n  notes    ", notes);
  return out;
}

std::vector<std::string> DiffReports(const PeerReport& a, const PeerReport& b) {
  std::vector<std::string> out;
  if (a.side != b.side) out.push_back(absl::StrCat("side: ", a.side, " vs ", b.side));
  DiffList("sent", a.sent, b.sent, &out);
  DiffList("received", a.received, b.received, &out);
  DiffList("late", a.late, b.late, &out);
  if (!(a.files == b.files)) {
    std::vector<std::string> fa, fb;
    for (const ReceivedFile& f : a.files) fa.push_back(FileText(f));
    for (const ReceivedFile& f : b.files) fb.push_back(FileText(f));
    DiffList("files", fa, fb, &out);
  }
  if (a.saw_eof != b.saw_eof) out.push_back(absl::StrCat("saw EOF: ", a.saw_eof, " vs ", b.saw_eof));
  if (a.error != b.error) out.push_back(absl::StrCat("error: '", a.error, "' vs '", b.error, "'"));
  if (a.exit != b.exit) out.push_back(absl::StrCat("exit: ", a.exit, " vs ", b.exit));
  if (a.report_missing != b.report_missing) out.push_back("report missing on one side only");
  return out;
}

}  // namespace sim
}  // namespace synctrace
