// JsonObjectScanner: Go-compatible validation and field listing over simdjson
// On-Demand (json_object_scanner.h).
#include "decoder/json_object_scanner.h"

#include <cstring>

#include "decoder/go_json.h"
#include "simdjson.h"

namespace synctrace {
namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && IsJsonSpace(s.back())) s.remove_suffix(1);
  return s;
}
JsonKind KindOf(char first) {
  switch (first) {
    case '"': return JsonKind::kString;
    case '{': return JsonKind::kObject;
    case '[': return JsonKind::kArray;
    case 't': return JsonKind::kTrue;
    case 'f': return JsonKind::kFalse;
    case 'n': return JsonKind::kNull;
    default: return JsonKind::kNumber;
  }
}

// Replaces each byte Go would read as U+FFFD with '?' (same length).
void SanitizeUtf8(char* data, size_t size) {
  size_t i = 0;
  while (i < size) {
    if (static_cast<unsigned char>(data[i]) < 0x80) {
      ++i;
      continue;
    }
    size_t length;
    uint32_t rune = DecodeRune(std::string_view(data + i, size - i), &length);
    if (rune == kReplacementRune && length == 1) data[i] = '?';
    i += length;
  }
}

// The end of the first JSON value in s (brackets and strings matched, nothing
// validated), or npos.
size_t FirstValueEnd(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && IsJsonSpace(s[i])) ++i;
  if (i >= s.size() || (s[i] != '{' && s[i] != '[')) return std::string_view::npos;
  int depth = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '"') {
      for (++i; i < s.size() && s[i] != '"'; ++i) {
        if (s[i] == '\\') ++i;
      }
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    }
  }
  return std::string_view::npos;
}

}  // namespace

JsonKind KindOfJsonValue(std::string_view value) {
  return value.empty() ? JsonKind::kNull : KindOf(value[0]);
}

std::string_view JsonKindName(JsonKind kind) {
  switch (kind) {
    case JsonKind::kString: return "a string";
    case JsonKind::kNumber: return "a number";
    case JsonKind::kObject: return "an object";
    case JsonKind::kArray: return "an array";
    case JsonKind::kTrue:
    case JsonKind::kFalse: return "a boolean";
    case JsonKind::kNull: return "null";
  }
  return "a JSON value";
}

// simdjson finds the structure (stage 1 also rejects bad UTF-8, raw control
// characters in strings and unclosed strings) and walks the top-level object;
// each value is then checked with Go's grammar (ScanJsonValue), which also gives
// its exact end. Nested values are skipped by simdjson, not re-parsed.
struct JsonObjectScanner::Impl {
  od::parser parser;
  std::string padded;
  std::string_view text;  // the scanned bytes (padded buffer, maybe sanitized)
  std::string error;
  std::string stack;      // ScanJsonValue's scratch
  JsonScan scan;

  size_t Offset(const char* p) const { return static_cast<size_t>(p - text.data()); }

  error_code Fail(error_code code, std::string what) {
    error = std::move(what);
    return code;
  }

  // Checks the value at `start` with Go's grammar; sets *end just past it.
  error_code CheckValue(size_t start, size_t* end) {
    *end = ScanJsonValue(text, start, &stack, &error);
    return *end == std::string_view::npos ? simdjson::TAPE_ERROR : simdjson::SUCCESS;
  }

  error_code ScanFields(od::object object, std::vector<JsonField>* fields) {
    for (auto result : object) {
      od::field field;
      if (error_code e = std::move(result).get(field)) return e;
      JsonField out;
      size_t key_body = Offset(field.key().raw());
      size_t start = Offset(field.value().raw_json_token().data());
      size_t end;
      if (error_code e = CheckValue(start, &end)) return e;
      size_t after = end;
      while (after < text.size() && IsJsonSpace(text[after])) ++after;
      if (after >= text.size() || (text[after] != ',' && text[after] != '}')) {
        return Fail(simdjson::TAPE_ERROR, "invalid character after value at byte " +
                                              std::to_string(after));
      }
      // The key ends at the last '"' before the ':' that precedes the value.
      size_t close = start;
      while (close > key_body && IsJsonSpace(text[close - 1])) --close;
      if (close > key_body && text[close - 1] == ':') --close;
      while (close > key_body && IsJsonSpace(text[close - 1])) --close;
      bool has_escape;
      if (close <= key_body ||
          ScanJsonString(text, key_body - 1, &has_escape) != close - 1) {
        return Fail(simdjson::STRING_ERROR, "malformed key at byte " + std::to_string(key_body - 1));
      }
      out.key_offset = static_cast<uint32_t>(key_body);
      out.key_length = static_cast<uint32_t>(close - 1 - key_body);
      out.key_has_escape = has_escape;
      out.kind = KindOf(text[start]);
      out.value_offset = static_cast<uint32_t>(start);
      out.value_length = static_cast<uint32_t>(end - start);
      fields->push_back(out);
    }
    return simdjson::SUCCESS;
  }

  // Scans padded[0, size) into *scan.
  error_code ScanBuffer(size_t size, JsonScan* scan) {
    text = std::string_view(padded.data(), size);
    error.clear();
    scan->fields.clear();
    od::document doc;
    if (error_code e = parser.iterate(padded.data(), size, padded.size()).get(doc)) return e;
    od::json_type type;
    if (error_code e = doc.type().get(type)) return e;
    if (type != od::json_type::object) return ScanNonObject(doc, scan);
    od::object object;
    if (error_code e = doc.get_object().get(object)) return e;
    if (error_code e = ScanFields(object, &scan->fields)) return e;
    scan->status = JsonScanStatus::kObject;
    const char* next;
    if (doc.current_location().get(next) == simdjson::SUCCESS) {
      scan->trailing_bytes = true;
      scan->trailing_offset = Offset(next);
    }
    return simdjson::SUCCESS;
  }

  error_code ScanNonObject(od::document& doc, JsonScan* scan) {
    std::string_view token;
    if (error_code e = doc.raw_json_token().get(token)) return e;
    size_t start = Offset(token.data());
    size_t end;
    if (error_code e = CheckValue(start, &end)) return e;
    scan->root_kind = KindOf(text[start]);
    while (end < text.size() && IsJsonSpace(text[end])) ++end;
    if (end < text.size()) {
      scan->trailing_bytes = true;
      scan->trailing_offset = end;
    }
    scan->status = JsonScanStatus::kNotObject;
    return simdjson::SUCCESS;
  }

  void Load(std::string_view json) {
    size_t needed = json.size() + simdjson::SIMDJSON_PADDING;
    if (padded.size() < needed) padded.resize(needed);
    std::memcpy(padded.data(), json.data(), json.size());
    std::memset(padded.data() + json.size(), ' ', simdjson::SIMDJSON_PADDING);
  }
};

JsonObjectScanner::JsonObjectScanner() : impl_(std::make_unique<Impl>()) {
  // Go accepts nesting up to 10000 levels; simdjson's default stops at 1024.
  if (impl_->parser.allocate(4096, 10001) != simdjson::SUCCESS) {
    // Out of memory: simdjson allocates again (with its default depth) when used.
  }
}
JsonObjectScanner::~JsonObjectScanner() = default;

const JsonScan& JsonObjectScanner::Scan(std::string_view json) {
  input_ = json;
  JsonScan& scan = impl_->scan;
  scan.status = JsonScanStatus::kInvalid;
  scan.root_kind = JsonKind::kNull;
  scan.invalid_utf8 = false;
  scan.trailing_bytes = false;
  scan.trailing_offset = 0;
  scan.error.clear();

  impl_->Load(json);
  error_code e = impl_->ScanBuffer(json.size(), &scan);
  if (e != simdjson::SUCCESS && !simdjson::validate_utf8(json.data(), json.size())) {
    scan.invalid_utf8 = true;
    impl_->Load(json);
    SanitizeUtf8(impl_->padded.data(), json.size());
    e = impl_->ScanBuffer(json.size(), &scan);
  }
  if (e != simdjson::SUCCESS) {
    // simdjson rejects the whole buffer when what follows a complete object is
    // itself malformed; Go calls that "after top-level value" (trailing bytes).
    size_t end = FirstValueEnd(impl_->text);
    std::string why = impl_->error.empty() ? simdjson::error_message(e) : impl_->error;
    if (end != std::string_view::npos && TrimRight(impl_->text).size() > end &&
        impl_->ScanBuffer(end, &scan) == simdjson::SUCCESS) {
      scan.trailing_bytes = true;
      size_t next = end;
      while (next < json.size() && IsJsonSpace(json[next])) ++next;
      scan.trailing_offset = next;
      return scan;
    }
    scan.status = JsonScanStatus::kInvalid;
    scan.fields.clear();
    scan.error = std::move(why);
  }
  return scan;
}

std::string_view JsonObjectScanner::Key(const JsonField& field) {
  std::string_view body = input_.substr(field.key_offset, field.key_length);
  bool plain = !field.key_has_escape;
  for (size_t i = 0; plain && i < body.size(); ++i) {
    if (static_cast<unsigned char>(body[i]) >= 0x80) plain = false;
  }
  if (plain) return body;
  key_scratch_.clear();
  AppendGoUnquoted(body, &key_scratch_);
  return key_scratch_;
}

}  // namespace synctrace
