// File: decoder/go_json.h
//
// Small pieces of Go's encoding/json and strconv semantics that the decoder must
// reproduce exactly: how Go decodes UTF-8 (utf8.DecodeRune), unquotes a JSON
// string (invalid UTF-8 and lone surrogates become U+FFFD), matches keys
// (case-insensitively, with Go's simple case folding), which number literals it
// accepts, and how %q escapes raw bytes.
//
// Example:
//   std::string type;
//   AppendGoUnquoted(R"(proc\u0052eady)", &type);   // "procReady"
//   EqualFoldGo("FLAGS", "flags")                   // true
#ifndef SYNCTRACE_DECODER_GO_JSON_H_
#define SYNCTRACE_DECODER_GO_JSON_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace synctrace {

inline constexpr uint32_t kReplacementRune = 0xFFFD;

// Go's utf8.DecodeRune: the rune at s[0] and its length; an invalid or
// truncated sequence gives (U+FFFD, 1). s must not be empty.
uint32_t DecodeRune(std::string_view s, size_t* length);

// Appends `rune` as UTF-8.
void AppendRune(uint32_t rune, std::string* out);

// Where a string or number literal stops being valid JSON, and why, in the
// words of Go's scanner: at == s.size() means the input ended ("unexpected end
// of JSON input"); otherwise s[at] is the offending byte and go_context what Go
// says after "invalid character 'x' " (e.g. "in string escape code").
struct JsonSyntaxError {
  size_t at = 0;
  const char* go_context = "";
};

// Scans a JSON string whose opening quote is at s[start]. Returns the index of
// the closing quote, or npos when the string is malformed for Go's scanner
// (unterminated, a raw control character, a bad escape). Sets *has_escape.
size_t ScanJsonString(std::string_view s, size_t start, bool* has_escape);
// The same, and on npos *error says where and why.
size_t ScanJsonString(std::string_view s, size_t start, bool* has_escape, JsonSyntaxError* error);

// Unquotes the body of a JSON string (between the quotes, already scanned) as
// Go does: escapes decoded, invalid UTF-8 and lone surrogates become U+FFFD.
void AppendGoUnquoted(std::string_view body, std::string* out);

// Length of the JSON number literal at the start of s (0 when there is none,
// then *error says where and why when given). *is_integer: no fraction and no
// exponent.
size_t ScanJsonNumber(std::string_view s, bool* is_integer, JsonSyntaxError* error = nullptr);

// Go's scanner (encoding/json checkValid) on the JSON value starting at
// s[start] (no leading whitespace): returns the index just past the value, or
// npos with *error set. Nesting deeper than Go's limit (10000) is an error, as
// in Go. *stack is scratch space (reused between calls to avoid allocation).
size_t ScanJsonValue(std::string_view s, size_t start, std::string* stack, std::string* error);

// One member of a JSON object: the key's body (between its quotes) and the
// value's exact bytes.
struct JsonMember {
  std::string_view key_body;
  bool key_has_escape = false;
  std::string_view value;
};

// The members of the JSON object that is all of s (whitespace around it
// allowed), checked with Go's grammar. False (and *error) when s is not
// exactly one valid object.
bool ListObjectMembers(std::string_view s, std::vector<JsonMember>* members, std::string* stack,
                       std::string* error);

// Go's strconv.ParseInt(s, 10, 64) on an integer literal; false on overflow.
bool ParseInt64(std::string_view s, int64_t* value);

// Whether `key` (unescaped) matches the lower-case ASCII field name `name` under
// Go's simple case folding (so "ſ" U+017F matches 's' and "K" U+212A matches 'k').
bool EqualFoldGo(std::string_view key, std::string_view name);

// Go's strconv.Quote without the surrounding quotes: printable UTF-8 kept,
// \a\b\f\n\r\t\v, \" and \\ escaped, other bytes as \xNN, other
// non-printable runes as \uXXXX.
void AppendGoQuotedBody(std::string_view data, std::string* out);

// Copies s, writing control characters (< 0x20, 0x7f) as \n, \r, \t or \xNN,
// so that peer data never splits a log line. Returns s unchanged when clean.
std::string EscapeControlCharacters(std::string_view s);
bool HasControlCharacters(std::string_view s);

}  // namespace synctrace

#endif  // SYNCTRACE_DECODER_GO_JSON_H_
