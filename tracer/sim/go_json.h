// File: tracer/sim/go_json.h
//
// The two pieces of Go's encoding/json that the simulated runc peers need to
// behave like runc byte for byte:
//   - GoQuote: a string as json.Marshal writes it (HTML-safe: <, >, & become
//     \u003c, \u003e, \u0026; U+2028/2029 escaped; invalid UTF-8 -> \ufffd;
//     \b \f \n \r \t short escapes as Go 1.22+ writes them).
//   - ParseSyncT: json.Unmarshal of a packet into runc's syncT
//     {type, flags, arg}, with Go's rules (keys matched case-insensitively,
//     the last duplicate wins, unknown keys ignored) and Go's error texts
//     ("unexpected end of JSON input", "invalid character 'x' looking for
//     beginning of value", ...).
// The Go rules themselves (UTF-8, string scanning and unquoting, key folding,
// numbers, %q quoting) are decoder/go_json's; what is the peers' own is the
// reading of a whole packet the way json.Unmarshal does it, failing exactly
// where runc fails with Go's error texts, and json.Marshal's HTML-safe quoting.
//
// Example:
//   std::string s = GoQuote("a<b");            // "\"a\\u003cb\""
//   absl::StatusOr<SyncT> t = ParseSyncT(R"({"type":"procRun","flags":0})");
#ifndef SYNCTRACE_TRACER_SIM_GO_JSON_H_
#define SYNCTRACE_TRACER_SIM_GO_JSON_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace synctrace {
namespace sim {

// A JSON string literal (with quotes), escaped as Go's json.Marshal does.
std::string GoQuote(std::string_view s);

// runc's syncT as read from a JSON packet (the file comes separately).
struct SyncT {
  std::string type;
  int64_t flags = 0;
  std::optional<std::string> arg;  // raw JSON bytes of "arg"; nullopt when absent or null
};

// json.Unmarshal(packet, &syncT). The error text is Go's (without runc's
// "unmarshal sync failed: " prefix, which the caller adds).
absl::StatusOr<SyncT> ParseSyncT(std::string_view packet);

// json.Unmarshal of an initError arg ({"message": "..."}) -> the message.
absl::StatusOr<std::string> ParseInitErrorMessage(std::string_view arg);

// json.Unmarshal of a JSON integer (procSeccomp's fd number).
absl::StatusOr<int64_t> ParseJsonInt(std::string_view arg);

// The raw bytes of a top-level field of a JSON object (Go's case-insensitive,
// last-duplicate-wins match); nullopt when absent or not an object.
std::optional<std::string> JsonRawField(std::string_view object, std::string_view key);

// Go's strconv.Quote (fmt's %q): "a\"b", control bytes as \x1f, \n, \t.
std::string GoStrconvQuote(std::string_view s);

// The value of a top-level string field of a JSON object ("source" of a
// configs.Mount, "type" of a mountSource); nullopt when absent or not a string.
std::optional<std::string> JsonStringField(std::string_view object, std::string_view key);

}  // namespace sim
}  // namespace synctrace

#endif  // SYNCTRACE_TRACER_SIM_GO_JSON_H_
