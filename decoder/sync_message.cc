// SyncMessage: runc's syncT String() byte for byte, and procError's payload.
#include "decoder/sync_message.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "decoder/absl_compat.h"
#include "decoder/go_json.h"
#include "decoder/json_object_scanner.h"

namespace synctrace {
namespace {

bool IsAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

}  // namespace

void AppendBinaryFlags(int64_t flags, std::string* out) {
  uint64_t magnitude = flags < 0 ? 0 - static_cast<uint64_t>(flags) : static_cast<uint64_t>(flags);
  char digits[65];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + (magnitude & 1));
    magnitude >>= 1;
  } while (magnitude != 0);
  out->append(" flags:0b");
  if (flags < 0) out->push_back('-');
  while (n > 0) out->push_back(digits[--n]);
}

void SyncMessage::AppendString(std::string* out) const {
  if (is_raw_packet) {
    out->append("raw:");
    AppendGoQuotedBody(raw, out);
    if (!stray_fds.empty()) {
      out->append(stray_fds.size() == 1 ? " (fd:" : " (fds:");
      for (size_t i = 0; i < stray_fds.size(); ++i) {
        if (i > 0) out->push_back(',');
        absl::StrAppend(out, stray_fds[i].fd);
      }
      out->push_back(')');
    }
    return;
  }
  out->append("type:");
  out->append(type);
  if (flags != 0) AppendBinaryFlags(flags, out);
  if (has_arg) {
    out->append(" arg:");
    out->append(raw, arg_offset, arg_length);
  }
  if (file.has_value()) {
    out->append(" file:");
    out->append(file->name);
    absl::StrAppend(out, " (fd:", file->fd.fd, ")");
  }
}

std::string SyncMessage::String() const {
  std::string out;
  out.reserve(raw.size() + 32 + (file ? file->name.size() : 0));
  AppendString(&out);
  return out;
}

std::optional<std::string> SyncMessage::ErrorMessage() const {
  if (type_id != SyncTypeId::kProcError || !has_arg) return std::nullopt;
  std::string message, problem;
  if (!DecodeInitError(*arg(), &message, &problem)) return std::nullopt;
  return message;
}

bool SyncMessage::HasAnomaly(AnomalyCode code) const {
  for (const Anomaly& a : anomalies) {
    if (a.code == code) return true;
  }
  return false;
}

void SyncMessage::Clear() {
  raw.clear();
  is_raw_packet = false;
  type.clear();
  type_id = SyncTypeId::kUnknown;
  flags = 0;
  has_arg = false;
  arg_offset = 0;
  arg_length = 0;
  file.reset();
  stray_fds.clear();
  anomalies.clear();
}

bool DecodeInitError(std::string_view arg, std::string* message, std::string* problem) {
  thread_local std::vector<JsonMember> members;
  thread_local std::string stack, error;
  if (message != nullptr) message->clear();
  if (!ListObjectMembers(arg, &members, &stack, &error)) {
    std::string_view trimmed = arg.substr(std::min(arg.find_first_not_of(" \t\r\n"), arg.size()));
    if (trimmed == "null") return true;  // Go: no-op
    if (error == "not an object") {
      *problem = absl::StrCat("arg is ", Av(JsonKindName(KindOfJsonValue(trimmed))), ", not an object");
    } else {
      *problem = absl::StrCat("arg is not valid JSON (", error, ")");
    }
    return false;
  }
  bool ok = true;
  std::string key;
  for (const JsonMember& member : members) {
    std::string_view name = member.key_body;
    if (member.key_has_escape || !IsAscii(name)) {
      key.clear();
      AppendGoUnquoted(member.key_body, &key);
      name = key;
    }
    if (name != "message" && !EqualFoldGo(name, "message")) continue;  // exact match first
    JsonKind kind = KindOfJsonValue(member.value);
    if (kind == JsonKind::kNull) continue;  // Go: no-op
    if (kind != JsonKind::kString) {
      *problem = absl::StrCat("\"message\" is ", Av(JsonKindName(kind)), ", not a string");
      ok = false;  // Go reports the error after decoding the rest
      continue;
    }
    if (message == nullptr) continue;  // only checking
    message->clear();
    AppendGoUnquoted(member.value.substr(1, member.value.size() - 2), message);
  }
  return ok;
}

}  // namespace synctrace
