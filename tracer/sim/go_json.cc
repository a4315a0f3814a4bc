// Go encoding/json behaviour for the simulated runc peers; see go_json.h.
#include "tracer/sim/go_json.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace synctrace {
namespace sim {
namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 when invalid.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  unsigned char c = s[i];
  size_t need;
  uint32_t min;
  uint32_t cp;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) { need = 2; min = 0x80; cp = c & 0x1F; }
  else if ((c & 0xF0) == 0xE0) { need = 3; min = 0x800; cp = c & 0x0F; }
  else if ((c & 0xF8) == 0xF0) { need = 4; min = 0x10000; cp = c & 0x07; }
  else return 0;
  if (i + need > s.size()) return 0;
  for (size_t k = 1; k < need; ++k) {
    unsigned char d = s[i + k];
    if ((d & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (d & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return need;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Go's quoteChar: how the scanner names an offending byte in its errors.
std::string QuoteChar(unsigned char c) {
  if (c == '\'') return "'\\''";
  if (c == '"') return "'\"'";
  switch (c) {
    case '\n': return "'\\n'";
    case '\r': return "'\\r'";
    case '\t': return "'\\t'";
    case '\a': return "'\\a'";
    case '\b': return "'\\b'";
    case '\f': return "'\\f'";
    case '\v': return "'\\v'";
    case '\\': return "'\\\\'";
    default: break;
  }
  if (c < 0x20 || c == 0x7F) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "'\\x%02x'", c);
    return buf;
  }
  std::string out = "'";
  AppendUtf8(c, &out);  // Go converts the byte to a rune
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

  static int HexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  absl::Status Hex4(uint32_t* out) {
    *out = 0;
    for (int k = 0; k < 4; ++k) {
      if (pos_ >= in_.size()) return Error("");
      int h = HexValue(in_[pos_]);
      if (h < 0) return Error("in \\u hexadecimal character escape");
      *out = (*out << 4) | static_cast<uint32_t>(h);
      ++pos_;
    }
    return absl::OkStatus();
  }

  // Scans a string literal; decodes it into *out when out != nullptr.
  absl::Status String(std::string* out) {
    ++pos_;
    while (true) {
      if (pos_ >= in_.size()) return Error("");
      unsigned char c = in_[pos_];
      if (c == '"') { ++pos_; return absl::OkStatus(); }
      if (c < 0x20) return Error("in string literal");
      if (c == '\\') {
        ++pos_;
        if (pos_ >= in_.size()) return Error("");
        char e = in_[pos_];
        const char* simple = nullptr;
        switch (e) {
          case '"': simple = "\""; break;
          case '\\': simple = "\\"; break;
          case '/': simple = "/"; break;
          case 'b': simple = "\b"; break;
          case 'f': simple = "\f"; break;
          case 'n': simple = "\n"; break;
          case 'r': simple = "\r"; break;
          case 't': simple = "\t"; break;
          default: break;
        }
        if (simple != nullptr) {
          if (out) out->append(simple);
          ++pos_;
          continue;
        }
        if (e != 'u') return Error("in string escape code");
        ++pos_;
        uint32_t cp;
        if (absl::Status s = Hex4(&cp); !s.ok()) return s;
        if (cp >= 0xD800 && cp < 0xDC00 && pos_ + 1 < in_.size() && in_[pos_] == '\\' &&
            in_[pos_ + 1] == 'u') {
          size_t save = pos_;
          pos_ += 2;
          uint32_t lo;
          if (absl::Status s = Hex4(&lo); !s.ok()) return s;
          if (lo >= 0xDC00 && lo < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else {
            pos_ = save;  // lone high surrogate; the next escape stands alone
            cp = 0xFFFD;
          }
        } else if (cp >= 0xD800 && cp < 0xE000) {
          cp = 0xFFFD;
        }
        if (out) AppendUtf8(cp, out);
        continue;
      }
      size_t len = Utf8SequenceLength(in_, pos_);
      if (len == 0) {
        if (out) AppendUtf8(0xFFFD, out);
        ++pos_;
      } else {
        if (out) out->append(in_.substr(pos_, len));
        pos_ += len;
      }
    }
  }

  absl::Status Number() {
    if (in_[pos_] == '-') {
      ++pos_;
      if (pos_ >= in_.size()) return Error("");
      if (!(in_[pos_] >= '0' && in_[pos_] <= '9')) return Error("in numeric literal");
    }
    if (in_[pos_] == '0') {
      ++pos_;
    } else {
      while (pos_ < in_.size() && in_[pos_] >= '0' && in_[pos_] <= '9') ++pos_;
    }
    if (pos_ < in_.size() && in_[pos_] == '.') {
      ++pos_;
      if (pos_ >= in_.size()) return Error("");
      if (!(in_[pos_] >= '0' && in_[pos_] <= '9')) return Error("after decimal point in numeric literal");
      while (pos_ < in_.size() && in_[pos_] >= '0' && in_[pos_] <= '9') ++pos_;
    }
    if (pos_ < in_.size() && (in_[pos_] == 'e' || in_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < in_.size() && (in_[pos_] == '+' || in_[pos_] == '-')) ++pos_;
      if (pos_ >= in_.size()) return Error("");
      if (!(in_[pos_] >= '0' && in_[pos_] <= '9')) return Error("in exponent of numeric literal");
      while (pos_ < in_.size() && in_[pos_] >= '0' && in_[pos_] <= '9') ++pos_;
    }
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

// The last member whose key equals `name` ignoring ASCII case (Go's rule).
const Member* FindMember(const std::vector<Member>& members, std::string_view name) {
  const Member* found = nullptr;
  for (const Member& m : members) {
    if (absl::EqualsIgnoreCase(m.key, absl::string_view(name.data(), name.size()))) found = &m;
  }
  return found;
}

std::string DecodeString(std::string_view raw) {
  // raw is a valid string literal (already scanned); decode it.
  std::string out;
  out.reserve(raw.size());
  size_t i = 1;
  while (i + 1 < raw.size()) {
    unsigned char c = raw[i];
    if (c != '\\') {
      size_t len = Utf8SequenceLength(raw, i);
      if (len == 0) { AppendUtf8(0xFFFD, &out); ++i; } else { out.append(raw.substr(i, len)); i += len; }
      continue;
    }
    char e = raw[i + 1];
    i += 2;
    switch (e) {
      case 'b': out += '\b'; continue;
      case 'f': out += '\f'; continue;
      case 'n': out += '\n'; continue;
      case 'r': out += '\r'; continue;
      case 't': out += '\t'; continue;
      case 'u': break;
      default: out += e; continue;
    }
    auto hex4 = [&](size_t at) {
      uint32_t v = 0;
      for (size_t k = 0; k < 4; ++k) {
        char h = raw[at + k];
        v = (v << 4) | static_cast<uint32_t>(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
      }
      return v;
    };
    uint32_t cp = hex4(i);
    i += 4;
    if (cp >= 0xD800 && cp < 0xDC00 && i + 5 < raw.size() && raw[i] == '\\' && raw[i + 1] == 'u') {
      uint32_t lo = hex4(i + 2);
      if (lo >= 0xDC00 && lo < 0xE000) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        i += 6;
      } else {
        cp = 0xFFFD;
      }
    } else if (cp >= 0xD800 && cp < 0xE000) {
      cp = 0xFFFD;
    }
    AppendUtf8(cp, &out);
  }
  return out;
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
    size_t len = Utf8SequenceLength(s, i);
    if (len == 0) {
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
    if (kind == Kind::kLiteral && absl::StripAsciiWhitespace(
                                      absl::string_view(packet.data(), packet.size())) == "null") {
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
      bool integral = m->raw.find_first_of(".eE") == std::string_view::npos;
      errno = 0;
      long long v = integral ? std::strtoll(std::string(m->raw).c_str(), nullptr, 10) : 0;
      if (!integral || errno == ERANGE) {
        note(TypeError(*m, "syncT.flags", "libcontainer.syncFlags", true));
      } else {
        t.flags = v;
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
  if (kind != Kind::kNumber || arg.find_first_of(".eE") != std::string_view::npos) {
    std::string what(KindName(kind, arg));
    if (kind == Kind::kNumber) what = absl::StrCat("number ", std::string(arg));
    return absl::InvalidArgumentError(
        absl::StrCat("json: cannot unmarshal ", what, " into Go value of type int"));
  }
  return static_cast<int64_t>(std::strtoll(std::string(arg).c_str(), nullptr, 10));
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
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = s[i];
    if (c >= 0x80) {
      size_t len = Utf8SequenceLength(s, i);
      if (len == 0) {
        out += "\\x";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
        ++i;
      } else {
        out.append(s.substr(i, len));
        i += len;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\v': out += "\\v"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
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
