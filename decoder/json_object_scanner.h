// File: decoder/json_object_scanner.h
//
// Validates one packet as JSON the way Go's encoding/json scanner does and lists
// the top-level fields of the object with the byte ranges of their keys and
// values, so callers can keep exact raw bytes (never re-serialised). simdjson's
// On-Demand API (a reused parser and padded buffer) finds the structure: its
// stage 1 rejects bad UTF-8, raw control characters in strings and unclosed
// strings, and it walks the top-level object. Each value is then checked with
// Go's grammar (ScanJsonValue in go_json.h), because On-Demand skips what it is
// not asked about and Go rejects a malformed value anywhere. Scanning a typical
// packet allocates nothing.
//
// Go accepts invalid UTF-8 (it reads each bad byte as U+FFFD); simdjson does not,
// so such a packet is scanned through a same-length copy whose bad bytes are
// replaced, and `invalid_utf8` is set. Offsets always refer to the input.
//
// Example:
//   JsonObjectScanner scanner;
//   const JsonScan& scan = scanner.Scan(R"({"type":"procReady","flags":0})");
//   scan.status == JsonScanStatus::kObject;  scan.fields.size() == 2
//   scanner.Key(scan.fields[0])  // "type" (unquoted when it has escapes)
#ifndef SYNCTRACE_DECODER_JSON_OBJECT_SCANNER_H_
#define SYNCTRACE_DECODER_JSON_OBJECT_SCANNER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace synctrace {

enum class JsonKind : uint8_t { kString, kNumber, kObject, kArray, kTrue, kFalse, kNull };

// "a string", "a number", "an object", ... (for messages).
std::string_view JsonKindName(JsonKind kind);
// The kind of a valid JSON value, from its first byte.
JsonKind KindOfJsonValue(std::string_view value);

struct JsonField {
  uint32_t key_offset = 0;    // the key's body, between its quotes
  uint32_t key_length = 0;
  bool key_has_escape = false;
  JsonKind kind = JsonKind::kNull;
  uint32_t value_offset = 0;  // the value's exact bytes
  uint32_t value_length = 0;
};

enum class JsonScanStatus : uint8_t {
  kObject,     // a valid JSON object (fields listed)
  kNotObject,  // valid JSON, but not an object (root_kind says what)
  kInvalid,    // not valid JSON (error says why)
};

struct JsonScan {
  JsonScanStatus status = JsonScanStatus::kInvalid;
  JsonKind root_kind = JsonKind::kNull;
  bool invalid_utf8 = false;
  // Non-whitespace bytes after the first JSON value (Go rejects the packet);
  // the fields are those of that first value.
  bool trailing_bytes = false;
  size_t trailing_offset = 0;
  std::string error;          // kInvalid: what is wrong
  std::vector<JsonField> fields;
};

class JsonObjectScanner {
 public:
  JsonObjectScanner();
  ~JsonObjectScanner();
  JsonObjectScanner(const JsonObjectScanner&) = delete;
  JsonObjectScanner& operator=(const JsonObjectScanner&) = delete;

  // Scans `json`; the result stays valid until the next Scan().
  const JsonScan& Scan(std::string_view json);

  // A field's key as Go sees it (escapes decoded, bad UTF-8 as U+FFFD). Points
  // into the input when the key has no escapes, else into scratch space that
  // the next Key() call reuses.
  std::string_view Key(const JsonField& field);
  // The key's bytes as received (between its quotes, escapes not decoded).
  std::string_view RawKey(const JsonField& field) const {
    return input_.substr(field.key_offset, field.key_length);
  }
  std::string_view Value(const JsonField& field) const {
    return input_.substr(field.value_offset, field.value_length);
  }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string_view input_;
  std::string key_scratch_;
};

}  // namespace synctrace

#endif  // SYNCTRACE_DECODER_JSON_OBJECT_SCANNER_H_
