// Go encoding/json behaviour for the simulated runc peers; see go_json.h.
#include "tracer/sim/go_json.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "decoder/absl_compat.h"
#include "decoder/go_json.h"

namespace synctrace {
namespace sim {
namespace {

// Go's quoteChar: how the scanner names an offending byte in its errors (the
// byte as a rune, %q-quoted between single quotes).
std::string QuoteChar(unsigned char c) {
  if (c == '\'') return "'\\''";
  if (c == '"') return "'\"'";
  std::string rune;
  AppendRune(c, &rune);  // Go converts the byte to a rune
  std::string out = "'";
  AppendGoQuotedBody(rune, &out);
  out += "'";
  return out;
}

enum class Kind { kObject, kArray, kString, kNumber, kLiteral };

struct Member {
  std::string key;
  std::string_view raw;  // the value's bytes
  Kind kind;
};

// A strict JSON scanner with Go's syntax error texts. Parse() validates the
// whole input; the top-level object's members are collected.
class Scanner {
 public:
  explicit Scanner(std::string_view in) : in_(in) {}

  absl::Status Parse(Kind* top_kind, std::vector<Member>* top_members) {
    SkipSpace();
    top_members_ = top_members;
    absl::Status s = Value(0, top_kind);
    if (!s.ok()) return s;
    SkipSpace();
    if (pos_ < in_.size()) return Error("after top-level value");
    return absl::OkStatus();
  }

 private:
  absl::Status Error(std::string_view context) {
    if (pos_ >= in_.size()) return absl::InvalidArgumentError("unexpected end of JSON input");
    return absl::InvalidArgumentError(
        absl::StrCat("invalid character ", QuoteChar(in_[pos_]), " ", std::string(context)));
  }
  absl::Status ErrorAt(const JsonSyntaxError& error) {
    pos_ = error.at;
    return Error(error.go_context);
  }
  void SkipSpace() {
    while (pos_ < in_.size() &&
           (in_[pos_] == ' ' || in_[pos_] == '\t' || in_[pos_] == '\n' || in_[pos_] == '\r')) {
      ++pos_;
    }
  }

  absl::Status Value(int depth, Kind* kind) {
    if (depth > 10000) return absl::InvalidArgumentError("exceeded max depth");
    if (pos_ >= in_.size()) return Error("");
    char c = in_[pos_];
    if (c == '{') { *kind = Kind::kObject; return Object(depth); }
    if (c == '[') { *kind = Kind::kArray; return Array(depth); }
    if (c == '"') { *kind = Kind::kString; return String(nullptr); }
    if (c == '-' || (c >= '0' && c <= '9')) { *kind = Kind::kNumber; return Number(); }
    if (c == 't') { *kind = Kind::kLiteral; return Literal("true"); }
    if (c == 'f') { *kind = Kind::kLiteral; return Literal("false"); }
    if (c == 'n') { *kind = Kind::kLiteral; return Literal("null"); }
    return Error("looking for beginning of value");
  }

  absl::Status Object(int depth) {
    std::vector<Member>* collect = depth == 0 ? top_members_ : nullptr;
    ++pos_;
    SkipSpace();
    if (pos_ < in_.size() && in_[pos_] == '}') { ++pos_; return absl::OkStatus(); }
    while (true) {
      if (pos_ >= in_.size() || in_[pos_] != '"') return Error("looking for beginning of object key string");
      std::string key;
      if (absl::Status s = String(&key); !s.ok()) return s;
      SkipSpace();
      if (pos_ >= in_.size() || in_[pos_] != ':') return Error("after object key");
      ++pos_;
      SkipSpace();
      size_t start = pos_;
      Kind kind;
      if (absl::Status s = Value(depth + 1, &kind); !s.ok()) return s;
      if (collect != nullptr) collect->push_back({key, in_.substr(start, pos_ - start), kind});
      SkipSpace();
      if (pos_ < in_.size() && in_[pos_] == ',') { ++pos_; SkipSpace(); continue; }
      if (pos_ < in_.size() && in_[pos_] == '}') { ++pos_; return absl::OkStatus(); }
      return Error("after object key:value pair");
    }
  }

  absl::Status Array(int depth) {
    ++pos_;
    SkipSpace();
    if (pos_ < in_.size() && in_[pos_] == ']') { ++pos_; return absl::OkStatus(); }
    while (true) {
      Kind kind;
      if (absl::Status s = Value(depth + 1, &kind); !s.ok()) return s;
      SkipSpace();
      if (pos_ < in_.size() && in_[pos_] == ',') { ++pos_; SkipSpace(); continue; }
      if (pos_ < in_.size() && in_[pos_] == ']') { ++pos_; return absl::OkStatus(); }
      return Error("after array element");
    }
  }

  // Scans a string literal; decodes it into *out when out != nullptr.
  absl::Status String(std::string* out) {
    bool has_escape;
    JsonSyntaxError error;
    size_t close = ScanJsonString(in_, pos_, &has_escape, &error);
    if (close == std::string_view::npos) return ErrorAt(error);
    if (out != nullptr) AppendGoUnquoted(in_.substr(pos_ + 1, close - pos_ - 1), out);
    pos_ = close + 1;
    return absl::OkStatus();
  }

  absl::Status Number() {
    bool is_integer;
    JsonSyntaxError error;
    size_t length = ScanJsonNumber(in_.substr(pos_), &is_integer, &error);
    if (length == 0) {
      error.at += pos_;
      return ErrorAt(error);
    }
    pos_ += length;
    return absl::OkStatus();
  }

  absl::Status Literal(std::string_view word) {
    for (size_t k = 0; k < word.size(); ++k) {
      if (pos_ >= in_.size()) return Error("");
      if (in_[pos_] != word[k]) {
        return Error(absl::StrCat("in literal ", std::string(word), " (expecting '",
                                  std::string(1, word[k]), "')"));
      }
      ++pos_;
    }
    return absl::OkStatus();
  }

  std::string_view in_;
  size_t pos_ = 0;
  std::vector<Member>* top_members_ = nullptr;
};

std::string_view KindName(Kind kind, std::string_view raw) {
  switch (kind) {
    case Kind::kObject: return "object";
    case Kind::kArray: return "array";
    case Kind::kString: return "string";
    case Kind::kNumber: return "number";
    case Kind::kLiteral: return raw == "null" ? "null" : "bool";
  }
  return "value";
}

absl::Status ParseTop(std::string_view in, Kind* kind, std::vector<Member>* members) {
  Scanner scanner(in);
  return scanner.Parse(kind, members);
}

// The last member whose key matches `name` under Go's case folding.
const Member* FindMember(const std::vector<Member>& members, std::string_view name) {
  const Member* found = nullptr;
  for (const Member& m : members) {
    if (EqualFoldGo(m.key, name)) found = &m;
  }
  return found;
}

// The value of a string member (its raw bytes are a scanned string literal).
std::string DecodeString(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  AppendGoUnquoted(raw.substr(1, raw.size() - 2), &out);
  return out;
}

// A JSON number that Go stores in an int64: no fraction or exponent, in range.
bool JsonInteger(std::string_view raw, int64_t* value) {
  bool is_integer;
  return ScanJsonNumber(raw, &is_integer) == raw.size() && is_integer && ParseInt64(raw, value);
}

// Go names a number with its text only when it failed to convert to a number type.
absl::Status TypeError(const Member& m, std::string_view field, std::string_view go_type,
                       bool number_text = false) {
  std::string what(KindName(m.kind, m.raw));
  if (m.kind == Kind::kNumber && number_text) what = absl::StrCat("number ", std::string(m.raw));
  return absl::InvalidArgumentError(absl::StrCat("json: cannot unmarshal ", what,
                                                 " into Go struct field ", std::string(field),
                                                 " of type ", std::string(go_type)));
}

}  // namespace

std::string GoQuote(std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  out.reserve(s.size() + 2);
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = s[i];
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            out += "\\u00";
            out += kHex[c >> 4];
            out += kHex[c & 0xF];
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    size_t len;
    if (DecodeRune(s.substr(i), &len) == kReplacementRune && len == 1) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    std::string_view seq = s.substr(i, len);
    if (seq == "\xE2\x80\xA8") {
      out += "\\u2028";
    } else if (seq == "\xE2\x80\xA9") {
      out += "\\u2029";
    } else {
      out.append(seq);
    }
    i += len;
  }
  out += "\"";
  return out;
}

absl::StatusOr<SyncT> ParseSyncT(std::string_view packet) {
  Kind kind;
  std::vector<Member> members;
  if (absl::Status s = ParseTop(packet, &kind, &members); !s.ok()) return s;
  SyncT t;
  if (kind != Kind::kObject) {
    if (kind == Kind::kLiteral && absl::StripAsciiWhitespace(Av(packet)) == "null") {
      return t;  // json null leaves the struct untouched
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "json: cannot unmarshal ", std::string(KindName(kind, packet)),
        " into Go value of type libcontainer.syncT"));
  }
  absl::Status first_error = absl::OkStatus();
  auto note = [&first_error](absl::Status s) {
    if (first_error.ok()) first_error = std::move(s);
  };
  if (const Member* m = FindMember(members, "type")) {
    if (m->kind == Kind::kString) {
      t.type = DecodeString(m->raw);
    } else if (m->raw != "null") {
      note(TypeError(*m, "syncT.type", "libcontainer.syncType"));
    }
  }
  if (const Member* m = FindMember(members, "flags")) {
    if (m->kind == Kind::kNumber) {
      if (!JsonInteger(m->raw, &t.flags)) {
        note(TypeError(*m, "syncT.flags", "libcontainer.syncFlags", true));
      }
    } else if (m->raw != "null") {
      note(TypeError(*m, "syncT.flags", "libcontainer.syncFlags"));
    }
  }
  if (const Member* m = FindMember(members, "arg")) {
    if (m->raw != "null") t.arg = std::string(m->raw);
  }
  if (!first_error.ok()) return first_error;
  return t;
}

absl::StatusOr<std::string> ParseInitErrorMessage(std::string_view arg) {
  Kind kind;
  std::vector<Member> members;
  if (absl::Status s = ParseTop(arg, &kind, &members); !s.ok()) return s;
  if (kind != Kind::kObject) {
    if (arg == "null") return std::string();
    return absl::InvalidArgumentError(absl::StrCat("json: cannot unmarshal ",
                                                   std::string(KindName(kind, arg)),
                                                   " into Go value of type libcontainer.initError"));
  }
  std::string message;
  if (const Member* m = FindMember(members, "message")) {
    if (m->kind == Kind::kString) {
      message = DecodeString(m->raw);
    } else if (m->raw != "null") {
      return TypeError(*m, "initError.message", "string");
    }
  }
  return message;
}

absl::StatusOr<int64_t> ParseJsonInt(std::string_view arg) {
  Kind kind;
  std::vector<Member> members;
  if (absl::Status s = ParseTop(arg, &kind, &members); !s.ok()) return s;
  int64_t value = 0;
  absl::string_view number = absl::StripAsciiWhitespace(Av(arg));
  if (kind != Kind::kNumber || !JsonInteger(Sv(number), &value)) {
    std::string what(KindName(kind, arg));
    if (kind == Kind::kNumber) what = absl::StrCat("number ", std::string(arg));
    return absl::InvalidArgumentError(
        absl::StrCat("json: cannot unmarshal ", what, " into Go value of type int"));
  }
  return value;
}

std::optional<std::string> JsonRawField(std::string_view object, std::string_view key) {
  Kind kind;
  std::vector<Member> members;
  if (!ParseTop(object, &kind, &members).ok() || kind != Kind::kObject) return std::nullopt;
  const Member* m = FindMember(members, key);
  if (m == nullptr) return std::nullopt;
  return std::string(m->raw);
}

std::string GoStrconvQuote(std::string_view s) {
  std::string out = "\"";
  AppendGoQuotedBody(s, &out);
  out += "\"";
  return out;
}

std::optional<std::string> JsonStringField(std::string_view object, std::string_view key) {
  Kind kind;
  std::vector<Member> members;
  if (!ParseTop(object, &kind, &members).ok() || kind != Kind::kObject) return std::nullopt;
  const Member* m = FindMember(members, key);
  if (m == nullptr || m->kind != Kind::kString) return std::nullopt;
  return DecodeString(m->raw);
}

}  // namespace sim
}  // namespace synctrace
