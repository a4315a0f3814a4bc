// JsonPacketParser: one JSON packet -> SyncMessage, with Go's encoding/json
// semantics (see packet_decoder.h and go_json.h).
#include <array>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "decoder/absl_compat.h"
#include "decoder/go_json.h"
#include "decoder/json_object_scanner.h"
#include "decoder/packet_decoder.h"

namespace synctrace {
namespace {

enum Field { kTypeField, kFlagsField, kArgField, kNoField };
constexpr std::array<std::string_view, 3> kFieldNames = {"type", "flags", "arg"};

// The field whose name is exactly `key` (no folding), else kNoField.
inline Field ExactField(std::string_view key) {
  switch (key.size()) {
    case 3: return std::memcmp(key.data(), "arg", 3) == 0 ? kArgField : kNoField;
    case 4: return std::memcmp(key.data(), "type", 4) == 0 ? kTypeField : kNoField;
    case 5: return std::memcmp(key.data(), "flags", 5) == 0 ? kFlagsField : kNoField;
    default: return kNoField;
  }
}

// Whether a string body has neither a backslash nor a non-ASCII byte (then it
// is its own unquoted value).
inline bool IsPlainAscii(std::string_view body) {
  unsigned char any = 0;
  for (char c : body) {
    auto b = static_cast<unsigned char>(c);
    any |= static_cast<unsigned char>(b | (b == '\\' ? 0x80 : 0));
  }
  return any < 0x80;
}

std::string Quoted(std::string_view s) {
  std::string out = "\"";
  AppendGoQuotedBody(s, &out);
  out.push_back('"');
  return out;
}

}  // namespace

struct JsonPacketParser::Impl {
  JsonObjectScanner scanner;

  // Which syncT field a key sets (Go: exact match, else case-insensitive).
  Field MatchKey(const JsonField& field, SyncMessage* out) {
    if (!field.key_has_escape) {  // the common case: the raw bytes are exactly a name
      Field exact = ExactField(scanner.RawKey(field));
      if (exact != kNoField) return exact;
    }
    std::string_view key = scanner.Key(field);
    for (size_t f = 0; f < kFieldNames.size(); ++f) {
      if (key == kFieldNames[f]) return static_cast<Field>(f);
    }
    for (size_t f = 0; f < kFieldNames.size(); ++f) {
      if (EqualFoldGo(key, kFieldNames[f])) {
        out->AddAnomaly(AnomalyCode::kKeyCase,
                        absl::StrCat(Quoted(key), " taken as \"", Av(kFieldNames[f]), "\""));
        return static_cast<Field>(f);
      }
    }
    out->AddAnomaly(AnomalyCode::kUnknownField, Quoted(key));
    return kNoField;
  }

  void SetType(const JsonField& field, SyncMessage* out, bool* type_set) {
    if (field.kind == JsonKind::kNull) return;  // Go: null leaves a string as it was
    std::string_view value = scanner.Value(field);
    if (field.kind != JsonKind::kString) {
      out->AddAnomaly(AnomalyCode::kTypeNotString,
                      absl::StrCat("\"type\" is ", Av(JsonKindName(field.kind)), ": ",
                                   EscapeControlCharacters(value.substr(0, 64))));
      return;
    }
    std::string_view body = value.substr(1, value.size() - 2);
    if (IsPlainAscii(body)) {
      out->type.assign(body.data(), body.size());
    } else {
      out->type.clear();
      AppendGoUnquoted(body, &out->type);
    }
    *type_set = true;
  }

  void SetFlags(const JsonField& field, SyncMessage* out) {
    if (field.kind == JsonKind::kNull) return;  // Go: no-op
    std::string_view value = scanner.Value(field);
    auto shown = [value] { return EscapeControlCharacters(value.substr(0, 64)); };
    if (field.kind != JsonKind::kNumber) {
      out->AddAnomaly(AnomalyCode::kBadFlags,
                      absl::StrCat(Av(JsonKindName(field.kind)), " ", shown(),
                                   ", runc's reader fails (unmarshal sync failed)"));
      return;
    }
    bool is_integer;
    ScanJsonNumber(value, &is_integer);
    int64_t flags;
    if (!is_integer) {
      out->AddAnomaly(AnomalyCode::kBadFlags,
                      absl::StrCat(shown(), " is not an integer, runc's reader fails"));
    } else if (!ParseInt64(value, &flags)) {
      out->AddAnomaly(AnomalyCode::kBadFlags,
                      absl::StrCat(shown(), " does not fit in 64 bits, runc's reader fails"));
    } else {
      out->flags = flags;
    }
  }

  void CheckAgainstTable(bool type_set, bool type_was_null, SyncMessage* out) {
    if (!type_set) {
      if (!out->HasAnomaly(AnomalyCode::kTypeNotString)) {
        out->AddAnomaly(AnomalyCode::kMissingType, type_was_null ? "\"type\" is null" : "");
      }
    }
    const SyncTypeInfo* info = FindSyncType(out->type);
    if (info == nullptr) {
      if (type_set) out->AddAnomaly(AnomalyCode::kUnknownType, Quoted(out->type));
    } else {
      out->type_id = info->id;
    }
    if (out->flags < 0) {
      out->AddAnomaly(AnomalyCode::kBadFlags,
                      absl::StrCat(out->flags, " is negative (runc reads bit 0 all the same)"));
    } else if ((out->flags & ~kKnownSyncFlags) != 0) {
      std::string bits;  // " flags:0b100"
      AppendBinaryFlags(out->flags & ~kKnownSyncFlags, &bits);
      out->AddAnomaly(AnomalyCode::kUnknownFlagBits,
                      absl::StrCat("unknown bits ", bits.substr(bits.find("0b"))));
    }
    if (info == nullptr) return;
    bool has_fd = (out->flags & kSyncFlagHasFd) != 0;
    if (info->carries_file && !has_fd) {
      out->AddAnomaly(AnomalyCode::kMissingFile,
                      absl::StrCat(Av(info->name), " without flags:0b1, so no file follows"));
    }
    if (!info->carries_file && !info->may_carry_file && has_fd) {
      out->AddAnomaly(AnomalyCode::kUnexpectedFile, std::string(info->name));
    }
    if (info->arg == ArgRule::kNone && out->has_arg) {
      out->AddAnomaly(AnomalyCode::kUnexpectedArg, std::string(info->name));
    }
    if (info->arg == ArgRule::kRequired && !out->has_arg) {
      out->AddAnomaly(AnomalyCode::kMissingArg,
                      info->id == SyncTypeId::kProcError
                          ? std::string("runc fails: procError missing error payload")
                          : std::string(info->name));
    }
    if (info->id == SyncTypeId::kProcError && out->has_arg) {
      std::string problem;
      if (!DecodeInitError(*out->arg(), /*message=*/nullptr, &problem)) {
        out->AddAnomaly(AnomalyCode::kBadErrorPayload, problem);
      }
    }
  }

  void Parse(std::string_view packet, SyncMessage* out) {
    out->Clear();
    out->raw.assign(packet.data(), packet.size());
    if (packet.empty()) {
      out->is_raw_packet = true;
      out->AddAnomaly(AnomalyCode::kEmptyPacket);
      return;
    }
    const JsonScan& scan = scanner.Scan(out->raw);
    if (scan.invalid_utf8) out->AddAnomaly(AnomalyCode::kInvalidUtf8);
    if (scan.status == JsonScanStatus::kInvalid) {
      out->is_raw_packet = true;
      out->AddAnomaly(AnomalyCode::kInvalidJson, scan.error);
      return;
    }
    if (scan.status == JsonScanStatus::kNotObject) {
      out->is_raw_packet = true;
      out->AddAnomaly(AnomalyCode::kNotObject,
                      absl::StrCat("it is ", Av(JsonKindName(scan.root_kind))));
      return;
    }
    if (scan.trailing_bytes) {
      out->AddAnomaly(AnomalyCode::kTrailingBytes,
                      absl::StrCat(packet.size() - scan.trailing_offset,
                                   " byte(s) after the object, from byte ", scan.trailing_offset));
    }
    bool seen[3] = {false, false, false};
    bool type_set = false, type_was_null = false;
    for (const JsonField& field : scan.fields) {
      Field f = MatchKey(field, out);
      if (f == kNoField) continue;
      if (seen[f]) {
        out->AddAnomaly(AnomalyCode::kDuplicateKey,
                        absl::StrCat("\"", Av(kFieldNames[f]), "\" more than once"));
      }
      seen[f] = true;
      switch (f) {
        case kTypeField:
          type_was_null = field.kind == JsonKind::kNull;
          SetType(field, out, &type_set);
          break;
        case kFlagsField:
          SetFlags(field, out);
          break;
        case kArgField:  // Go: *json.RawMessage; null sets it back to nil
          out->has_arg = field.kind != JsonKind::kNull;
          out->arg_offset = field.value_offset;
          out->arg_length = out->has_arg ? field.value_length : 0;
          break;
        case kNoField:
          break;
      }
    }
    CheckAgainstTable(type_set, type_was_null, out);
  }
};

JsonPacketParser::JsonPacketParser() : impl_(std::make_unique<Impl>()) {}
JsonPacketParser::~JsonPacketParser() = default;

SyncMessage JsonPacketParser::Parse(std::string_view packet) {
  SyncMessage message;
  impl_->Parse(packet, &message);
  return message;
}

void JsonPacketParser::Parse(std::string_view packet, SyncMessage* out) {
  impl_->Parse(packet, out);
}

}  // namespace synctrace
