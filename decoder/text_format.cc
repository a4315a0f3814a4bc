// The text log format (text_format.h).
#include "decoder/text_format.h"

#include "absl/strings/str_cat.h"
#include "decoder/absl_compat.h"
#include "decoder/go_json.h"

namespace synctrace {
namespace {

void AppendOneLine(std::string_view s, std::string* out) {
  if (HasControlCharacters(s)) {
    out->append(EscapeControlCharacters(s));
  } else {
    out->append(s.data(), s.size());
  }
}

std::string SessionStartDetails(const TraceEvent& event) {
  const SessionInfo& info = event.session_info;
  std::string out;
  auto add = [&out](std::string part) {
    absl::StrAppend(&out, out.empty() ? "" : ", ", part);
  };
  if (info.parent_pid != 0) add(absl::StrCat("parent pid ", info.parent_pid));
  if (info.child_pid != 0) add(absl::StrCat("child pid ", info.child_pid));
  if (!info.container_id.empty()) add(absl::StrCat("container ", info.container_id));
  if (!info.init_type.empty()) add(absl::StrCat("init ", info.init_type));
  if (!info.command_line.empty()) add(absl::StrCat("command ", info.command_line));
  // The Trace's own text restates the info ("session start: parent pid ..."):
  // only other text is added.
  if (!event.text.empty() && event.text.rfind("session start", 0) != 0) add(event.text);
  return out;
}

// The Trace labels its session-end text ("session end: both sides closed");
// the line has the label already.
std::string WithoutSessionEndLabel(const std::string& text) {
  constexpr std::string_view kLabel = "session end";
  if (text.rfind(kLabel, 0) != 0) return text;
  size_t at = kLabel.size();
  if (text.compare(at, 2, ": ") == 0) at += 2;
  return text.substr(at);
}

}  // namespace

std::string TextFormatter::Seconds(int64_t mono_ns) const {
  return FormatSeconds(mono_ns - start_mono_ns_);
}

void TextFormatter::Append(const TraceEvent& event, std::string* out) const {
  std::string time = Seconds(event.mono_ns);
  std::string session = event.session > 0 ? SessionName(event.session) : "";
  // "<time> <session> " (session left out for global events)
  std::string prefix = session.empty() ? absl::StrCat(time, " ") : absl::StrCat(time, " ", session, " ");
  std::string_view direction = DirectionName(event.direction);

  switch (event.kind) {
    case EventKind::kMessage: {
      absl::StrAppend(out, prefix, Av(direction), " ");
      size_t start = out->size();
      event.message.AppendString(out);
      if (HasControlCharacters(std::string_view(*out).substr(start))) {
        std::string line = EscapeControlCharacters(std::string_view(*out).substr(start));
        out->resize(start);
        out->append(line);
      }
      out->push_back('\n');
      prefix = absl::StrCat(prefix, Av(direction), " ");
      break;
    }
    case EventKind::kSessionStart: {
      absl::StrAppend(out, "# ", prefix, "session start");
      std::string details = SessionStartDetails(event);
      if (!details.empty()) absl::StrAppend(out, ": ");
      AppendOneLine(details, out);
      out->push_back('\n');
      break;
    }
    case EventKind::kSessionEnd:
      absl::StrAppend(out, "# ", prefix, "session end");
      if (std::string why = WithoutSessionEndLabel(event.text); !why.empty()) {
        absl::StrAppend(out, ": ");
        AppendOneLine(why, out);
      }
      out->push_back('\n');
      break;
    case EventKind::kNote:
      absl::StrAppend(out, "# ", prefix, "note: ");
      AppendOneLine(event.text, out);
      out->push_back('\n');
      break;
    case EventKind::kEventsDropped:
      absl::StrAppend(out, "# ", prefix, "dropped ", event.dropped, " events: ");
      AppendOneLine(event.text.empty() ? "the log fell behind" : event.text, out);
      out->push_back('\n');
      break;
  }
  for (const Anomaly& anomaly : event.anomalies()) {
    absl::StrAppend(out, "# ", prefix, "anomaly ", Av(AnomalyName(anomaly.code)), ": ",
                    anomaly.Explain(), "\n");
  }
}

std::string TextFormatter::Format(const TraceEvent& event) const {
  std::string out;
  Append(event, &out);
  return out;
}

}  // namespace synctrace
