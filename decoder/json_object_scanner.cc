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

// simdjson's default; Go allows 10000, a difference only absurd packets reach.
constexpr int kMaxDepth = 1000;

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && IsJsonSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Go's scanner on one scalar token (trailing whitespace trimmed): its kind and
// length, or false when it is not a complete JSON scalar.
bool ScanScalar(std::string_view text, size_t start, std::string_view token, JsonKind* kind,
                size_t* length) {
  token = TrimRight(token);
  if (token.empty()) return false;
  switch (token[0]) {
    case '"': {
      bool has_escape;
      size_t close = ScanJsonString(text, start, &has_escape);
      if (close == std::string_view::npos || close - start + 1 != token.size()) return false;
      *kind = JsonKind::kString;
      *length = token.size();
      return true;
    }
    case 't':
      *kind = JsonKind::kTrue;
      *length = 4;
      return token == "true";
    case 'f':
      *kind = JsonKind::kFalse;
      *length = 5;
      return token == "false";
    case 'n':
      *kind = JsonKind::kNull;
      *length = 4;
      return token == "null";
    default: {
      bool is_integer;
      *kind = JsonKind::kNumber;
      *length = ScanJsonNumber(token, &is_integer);
      return *length != 0 && *length == token.size();
    }
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

struct JsonObjectScanner::Impl {
  od::parser parser;
  std::string padded;
  std::string_view text;  // the scanned bytes (padded buffer, maybe sanitized)
  std::string error;
  JsonScan scan;

  size_t Offset(const char* p) const { return static_cast<size_t>(p - text.data()); }

  error_code Fail(error_code code, std::string what) {
    error = std::move(what);
    return code;
  }

  // Validates one value completely (On-Demand only checks what is visited).
  // Sets *kind and [*start, *end).
  error_code Walk(od::value value, int depth, JsonKind* kind, size_t* start, size_t* end) {
    od::json_type type;
    if (error_code e = value.type().get(type)) return e;
    std::string_view token = value.raw_json_token();
    *start = Offset(token.data());
    if (type == od::json_type::object || type == od::json_type::array) {
      if (depth >= kMaxDepth) {
        return Fail(simdjson::DEPTH_ERROR, "nested deeper than synctrace checks (1000 levels)");
      }
      if (type == od::json_type::object) {
        *kind = JsonKind::kObject;
        od::object object;
        if (error_code e = value.get_object().get(object)) return e;
        if (error_code e = WalkFields(object, depth + 1, nullptr)) return e;
      } else {
        *kind = JsonKind::kArray;
        od::array array;
        if (error_code e = value.get_array().get(array)) return e;
        if (error_code e = WalkElements(array, depth + 1)) return e;
      }
      const char* next;
      if (error_code e = value.current_location().get(next)) return e;
      *end = TrimRight(text.substr(0, Offset(next))).size();
      return simdjson::SUCCESS;
    }
    size_t length;
    if (!ScanScalar(text, *start, token, kind, &length)) {
      return Fail(simdjson::TAPE_ERROR,
                  "malformed value at byte " + std::to_string(*start));
    }
    *end = *start + length;
    return simdjson::SUCCESS;
  }

  // Walks every field; records them in *fields when given.
  error_code WalkFields(od::object object, int depth, std::vector<JsonField>* fields) {
    for (auto result : object) {
      od::field field;
      if (error_code e = std::move(result).get(field)) return e;
      JsonField out;
      size_t key_body = Offset(field.key().raw());
      bool has_escape;
      size_t close = ScanJsonString(text, key_body - 1, &has_escape);
      if (close == std::string_view::npos) {
        return Fail(simdjson::STRING_ERROR, "malformed key at byte " + std::to_string(key_body - 1));
      }
      size_t start, end;
      if (error_code e = Walk(field.value(), depth, &out.kind, &start, &end)) return e;
      if (fields == nullptr) continue;
      out.key_offset = static_cast<uint32_t>(key_body);
      out.key_length = static_cast<uint32_t>(close - key_body);
      out.key_has_escape = has_escape;
      out.value_offset = static_cast<uint32_t>(start);
      out.value_length = static_cast<uint32_t>(end - start);
      fields->push_back(out);
    }
    return simdjson::SUCCESS;
  }

  error_code WalkElements(od::array array, int depth) {
    for (auto result : array) {
      od::value element;
      if (error_code e = std::move(result).get(element)) return e;
      JsonKind kind;
      size_t start, end;
      if (error_code e = Walk(element, depth, &kind, &start, &end)) return e;
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
    if (type != od::json_type::object) return ScanNonObject(doc, type, scan);
    od::object object;
    if (error_code e = doc.get_object().get(object)) return e;
    if (error_code e = WalkFields(object, 1, &scan->fields)) return e;
    scan->status = JsonScanStatus::kObject;
    MarkTrailing(doc, scan);
    return simdjson::SUCCESS;
  }

  error_code ScanNonObject(od::document& doc, od::json_type type, JsonScan* scan) {
    if (type == od::json_type::array) {
      od::array array;
      if (error_code e = doc.get_array().get(array)) return e;
      if (error_code e = WalkElements(array, 1)) return e;
      scan->root_kind = JsonKind::kArray;
    } else {
      std::string_view token;
      if (error_code e = doc.raw_json_token().get(token)) return e;
      size_t start = Offset(token.data());
      size_t length;
      if (!ScanScalar(text, start, token, &scan->root_kind, &length)) {
        return Fail(simdjson::TAPE_ERROR, "malformed value at byte " + std::to_string(start));
      }
      // A scalar root is one token; anything after it is another token.
      std::string_view rest = text.substr(start + length);
      while (!rest.empty() && IsJsonSpace(rest.front())) rest.remove_prefix(1);
      if (!rest.empty()) {
        scan->trailing_bytes = true;
        scan->trailing_offset = text.size() - rest.size();
      }
      scan->status = JsonScanStatus::kNotObject;
      return simdjson::SUCCESS;
    }
    scan->status = JsonScanStatus::kNotObject;
    MarkTrailing(doc, scan);
    return simdjson::SUCCESS;
  }

  // After the root value: any token left is trailing bytes.
  void MarkTrailing(od::document& doc, JsonScan* scan) {
    const char* next;
    if (doc.current_location().get(next) == simdjson::SUCCESS) {
      scan->trailing_bytes = true;
      scan->trailing_offset = Offset(next);
    }
  }

  void Load(std::string_view json) {
    size_t needed = json.size() + simdjson::SIMDJSON_PADDING;
    if (padded.size() < needed) padded.resize(needed);
    std::memcpy(padded.data(), json.data(), json.size());
    std::memset(padded.data() + json.size(), ' ', simdjson::SIMDJSON_PADDING);
  }
};

JsonObjectScanner::JsonObjectScanner() : impl_(std::make_unique<Impl>()) {}
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
