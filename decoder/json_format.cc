// The JSON Lines log format and its reader (json_format.h).
#include "decoder/json_format.h"

#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "decoder/absl_compat.h"
#include "decoder/go_json.h"
#include "decoder/packet_decoder.h"
#include "simdjson.h"

namespace synctrace {
namespace {

constexpr char kTimeFormat[] = "%Y-%m-%d%ET%H:%M:%E6SZ";
constexpr char kHex[] = "0123456789abcdef";

std::string_view KindName(EventKind kind) {
  switch (kind) {
    case EventKind::kMessage: return "message";
    case EventKind::kSessionStart: return "session-start";
    case EventKind::kSessionEnd: return "session-end";
    case EventKind::kNote: return "note";
    case EventKind::kEventsDropped: return "events-dropped";
  }
  return "note";
}

bool KindFromName(std::string_view name, EventKind* kind) {
  for (EventKind k : {EventKind::kMessage, EventKind::kSessionStart, EventKind::kSessionEnd,
                      EventKind::kNote, EventKind::kEventsDropped}) {
    if (KindName(k) == name) {
      *kind = k;
      return true;
    }
  }
  return false;
}

// ,"key":
void Key(std::string_view key, std::string* out) {
  out->append(",\"");
  out->append(key.data(), key.size());
  out->append("\":");
}

void StringField(std::string_view key, std::string_view value, std::string* out) {
  Key(key, out);
  AppendJsonString(value, out);
}

void IntField(std::string_view key, int64_t value, std::string* out) {
  Key(key, out);
  absl::StrAppend(out, value);
}

void AppendFd(const FdDescription& fd, std::string* out, bool open_brace = true) {
  if (open_brace) out->append("{");
  absl::StrAppend(out, "\"fd\":", fd.fd);
  if (fd.described) {
    StringField("kind", fd.kind, out);
    StringField("path", fd.path, out);
    IntField("dev", static_cast<int64_t>(fd.dev), out);
    IntField("ino", static_cast<int64_t>(fd.ino), out);
    IntField("open_flags", fd.open_flags, out);
    out->append(",\"described\":true");
  }
  out->append("}");
}

// Whether every JSON reader takes `json` as it is: Go accepts invalid UTF-8 and
// lone surrogate escapes (\ud800) that strict readers such as simdjson reject;
// such an arg is written as the string "arg_raw" instead.
bool IsStrictJson(std::string_view json) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element element;
  return parser.parse(json.data(), json.size()).get(element) == simdjson::SUCCESS;
}

// The arg embedded as JSON: it was validated when decoded; whitespace between
// tokens is turned into spaces so the log stays one line per event.
void AppendEmbeddedArg(std::string_view arg, std::string* out) {
  size_t start = out->size();
  out->append(arg.data(), arg.size());
  for (size_t i = start; i < out->size(); ++i) {
    char& c = (*out)[i];
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
}

void AppendMessageFields(const TraceEvent& event, std::string* out) {
  const SyncMessage& m = event.message;
  StringField("dir", DirectionName(event.direction), out);
  if (m.is_raw_packet) {
    out->append(",\"raw_packet\":true");
  } else {
    StringField("type", m.type, out);
    IntField("flags", m.flags, out);
  }
  if (std::optional<std::string_view> arg = m.arg()) {
    if (IsStrictJson(*arg)) {
      Key("arg", out);
      AppendEmbeddedArg(*arg, out);
    } else {
      StringField("arg_raw", *arg, out);
    }
  }
  StringField("string", m.String(), out);
  if (m.file.has_value()) {
    Key("file", out);
    out->append("{\"name\":");
    AppendJsonString(m.file->name, out);
    out->push_back(',');
    AppendFd(m.file->fd, out, /*open_brace=*/false);
  }
  if (!m.stray_fds.empty()) {
    Key("stray_fds", out);
    out->push_back('[');
    for (size_t i = 0; i < m.stray_fds.size(); ++i) {
      if (i > 0) out->push_back(',');
      AppendFd(m.stray_fds[i], out);
    }
    out->push_back(']');
  }
  StringField("raw", absl::Base64Escape(m.raw), out);
  if (m.file.has_value()) StringField("file_raw", absl::Base64Escape(m.file->name), out);
  if (event.pair_seq != 0) IntField("pair_seq", static_cast<int64_t>(event.pair_seq), out);
  if (event.latency_ns >= 0) IntField("latency_ns", event.latency_ns, out);
}

void AppendSessionFields(const TraceEvent& event, std::string* out) {
  const SessionInfo& info = event.session_info;
  if (info.parent_pid != 0) IntField("parent_pid", info.parent_pid, out);
  if (info.child_pid != 0) IntField("child_pid", info.child_pid, out);
  if (!info.command_line.empty()) StringField("command_line", info.command_line, out);
  if (!info.container_id.empty()) StringField("container_id", info.container_id, out);
  if (!info.init_type.empty()) StringField("init_type", info.init_type, out);
}

// ---- Reading ----

namespace dom = simdjson::dom;

absl::Status Bad(std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("reading a JSON log line: ", Av(what)));
}

std::string GetString(dom::object object, const char* key) {
  std::string_view value;
  if (object[key].get(value) != simdjson::SUCCESS) return {};
  return std::string(value);
}

int64_t GetInt(dom::object object, const char* key, int64_t fallback) {
  int64_t value;
  if (object[key].get(value) != simdjson::SUCCESS) return fallback;
  return value;
}

bool GetBase64(dom::object object, const char* key, std::string* out) {
  std::string_view encoded;
  if (object[key].get(encoded) != simdjson::SUCCESS) return false;
  return absl::Base64Unescape(Av(encoded), out);
}

FdDescription ReadFd(dom::object object) {
  FdDescription fd;
  fd.fd = static_cast<int>(GetInt(object, "fd", -1));
  bool described = false;
  if (object["described"].get(described) == simdjson::SUCCESS && described) {
    fd.described = true;
    fd.kind = GetString(object, "kind");
    fd.path = GetString(object, "path");
    fd.dev = static_cast<uint64_t>(GetInt(object, "dev", 0));
    fd.ino = static_cast<uint64_t>(GetInt(object, "ino", 0));
    fd.open_flags = static_cast<int>(GetInt(object, "open_flags", 0));
  }
  return fd;
}

std::vector<Anomaly> ReadAnomalies(dom::object object) {
  std::vector<Anomaly> anomalies;
  dom::array list;
  if (object["anomalies"].get(list) != simdjson::SUCCESS) return anomalies;
  for (dom::element item : list) {
    dom::object a;
    if (item.get(a) != simdjson::SUCCESS) continue;
    AnomalyCode code;
    // A code this version does not know is left out rather than guessed.
    if (!AnomalyCodeFromName(GetString(a, "code"), &code)) continue;
    anomalies.push_back(MakeAnomaly(code, GetString(a, "detail")));
  }
  return anomalies;
}

absl::Status ReadMessage(dom::object object, TraceEvent* event) {
  std::string raw;
  if (!GetBase64(object, "raw", &raw)) return Bad("message without a valid \"raw\"");
  bool raw_packet = false;
  if (object["raw_packet"].get(raw_packet) != simdjson::SUCCESS) raw_packet = false;
  SyncMessage& m = event->message;
  if (raw_packet) {
    m.raw = std::move(raw);
    m.is_raw_packet = true;
  } else {
    thread_local JsonPacketParser parser;
    parser.Parse(raw, &m);
  }
  dom::object file;
  if (object["file"].get(file) == simdjson::SUCCESS) {
    AttachedFile attached;
    if (!GetBase64(object, "file_raw", &attached.name)) attached.name = GetString(file, "name");
    attached.fd = ReadFd(file);
    m.file = std::move(attached);
  }
  dom::array stray;
  if (object["stray_fds"].get(stray) == simdjson::SUCCESS) {
    for (dom::element item : stray) {
      dom::object fd;
      if (item.get(fd) == simdjson::SUCCESS) m.stray_fds.push_back(ReadFd(fd));
    }
  }
  std::string_view dir;
  if (object["dir"].get(dir) != simdjson::SUCCESS) return Bad("message without \"dir\"");
  if (dir == DirectionName(Direction::kChildToParent)) {
    event->direction = Direction::kChildToParent;
  } else if (dir == DirectionName(Direction::kParentToChild)) {
    event->direction = Direction::kParentToChild;
  } else {
    return Bad(absl::StrCat("unknown direction \"", Av(dir), "\""));
  }
  event->pair_seq = static_cast<uint64_t>(GetInt(object, "pair_seq", 0));
  event->latency_ns = GetInt(object, "latency_ns", -1);
  return absl::OkStatus();
}

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  size_t run = 0;  // start of the bytes not yet copied
  size_t i = 0;
  auto flush = [&](size_t upto) { out->append(s.data() + run, upto - run); };
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      size_t length;
      uint32_t rune = DecodeRune(s.substr(i), &length);
      if (!(rune == kReplacementRune && length == 1)) {
        i += length;
        continue;
      }
      flush(i);
      out->append("\\ufffd");
    } else {
      flush(i);
      switch (c) {
        case '"': out->append("\\\""); break;
        case '\\': out->append("\\\\"); break;
        case '\n': out->append("\\n"); break;
        case '\r': out->append("\\r"); break;
        case '\t': out->append("\\t"); break;
        default:
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
      }
    }
    run = ++i;
  }
  flush(s.size());
  out->push_back('"');
}

void JsonFormatter::Append(const TraceEvent& event, std::string* out) const {
  absl::StrAppend(out, "{\"seq\":", event.seq);
  IntField("mono_ns", event.mono_ns, out);
  Key("t", out);
  out->append(FormatSeconds(event.mono_ns - start_mono_ns_));
  StringField("time", Sv(absl::FormatTime(kTimeFormat, event.wall, absl::UTCTimeZone())), out);
  if (event.session > 0) StringField("session", SessionName(event.session), out);
  StringField("kind", KindName(event.kind), out);
  switch (event.kind) {
    case EventKind::kMessage:
      AppendMessageFields(event, out);
      break;
    case EventKind::kSessionStart:
    case EventKind::kSessionEnd:
      AppendSessionFields(event, out);
      break;
    case EventKind::kEventsDropped:
      IntField("dropped", static_cast<int64_t>(event.dropped), out);
      break;
    case EventKind::kNote:
      break;
  }
  if (!event.text.empty()) StringField("text", event.text, out);
  if (!event.anomalies().empty()) {
    Key("anomalies", out);
    out->push_back('[');
    bool first = true;
    for (const Anomaly& a : event.anomalies()) {
      out->append(first ? "{\"code\":" : ",{\"code\":");
      first = false;
      AppendJsonString(AnomalyName(a.code), out);
      StringField("detail", a.detail, out);
      StringField("text", a.Explain(), out);
      out->push_back('}');
    }
    out->push_back(']');
  }
  out->append("}\n");
}

std::string JsonFormatter::Format(const TraceEvent& event) const {
  std::string out;
  Append(event, &out);
  return out;
}

absl::StatusOr<TraceEvent> ParseJsonLogLine(std::string_view line) {
  thread_local dom::parser parser;
  dom::element root;
  if (auto error = parser.parse(line.data(), line.size()).get(root)) {
    return Bad(absl::StrCat("not JSON (", simdjson::error_message(error), ")"));
  }
  dom::object object;
  if (root.get(object) != simdjson::SUCCESS) return Bad("not a JSON object");
  TraceEvent event;
  std::string_view kind;
  if (object["kind"].get(kind) != simdjson::SUCCESS || !KindFromName(kind, &event.kind)) {
    return Bad("missing or unknown \"kind\"");
  }
  event.seq = static_cast<uint64_t>(GetInt(object, "seq", 0));
  event.mono_ns = GetInt(object, "mono_ns", 0);
  std::string time = GetString(object, "time");
  std::string time_error;
  if (!time.empty() && !absl::ParseTime(kTimeFormat, time, absl::UTCTimeZone(), &event.wall,
                                        &time_error)) {
    return Bad(absl::StrCat("bad \"time\": ", time_error));
  }
  std::string session = GetString(object, "session");
  if (!session.empty()) {
    int64_t number = 0;
    if (session[0] != 's' || !ParseInt64(std::string_view(session).substr(1), &number) ||
        number <= 0 || number > INT32_MAX) {
      return Bad(absl::StrCat("bad \"session\" \"", session, "\""));
    }
    event.session = static_cast<int>(number);
  }
  event.text = GetString(object, "text");
  if (event.kind == EventKind::kMessage) {
    if (absl::Status status = ReadMessage(object, &event); !status.ok()) return status;
  }
  event.session_info.parent_pid = static_cast<pid_t>(GetInt(object, "parent_pid", 0));
  event.session_info.child_pid = static_cast<pid_t>(GetInt(object, "child_pid", 0));
  event.session_info.command_line = GetString(object, "command_line");
  event.session_info.container_id = GetString(object, "container_id");
  event.session_info.init_type = GetString(object, "init_type");
  event.dropped = static_cast<uint64_t>(GetInt(object, "dropped", 0));
  // The log's anomalies are the complete record (they include what pairing
  // and the fd-packet state machine added), so they replace the re-decoded ones.
  event.message.anomalies = ReadAnomalies(object);
  return event;
}

namespace {

// The number written right after `key` in `line` (0 when `key` is absent).
double NumberAfter(const std::string& line, const char* key) {
  size_t at = line.find(key);
  return at == std::string::npos ? 0 : std::strtod(line.c_str() + at + std::strlen(key), nullptr);
}

}  // namespace

int64_t JsonLogTraceStart(std::istream& in) {
  int64_t start = 0;
  bool have = false;
  for (std::string line; std::getline(in, line);) {
    if (line.find("\"mono_ns\":") == std::string::npos) continue;
    auto mono = static_cast<int64_t>(NumberAfter(line, "\"mono_ns\":"));
    double t = NumberAfter(line, ",\"t\":");
    int64_t bound = mono - static_cast<int64_t>(t * 1e9 + (t >= 0 ? 0.5 : -0.5));
    if (!have || bound < start) start = bound;
    have = true;
  }
  return start;
}

}  // namespace synctrace
