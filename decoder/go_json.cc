// Go's encoding/json and strconv rules, reproduced for the decoder (go_json.h).
#include "decoder/go_json.h"

#include <cstring>

namespace synctrace {
namespace {

constexpr char kHex[] = "0123456789abcdef";

bool InRange(unsigned char c, unsigned char lo, unsigned char hi) { return c >= lo && c <= hi; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Go's getu4: the value of "\uXXXX" at the start of s, or -1.
int ReadU4(std::string_view s) {
  if (s.size() < 6 || s[0] != '\\' || s[1] != 'u') return -1;
  int value = 0;
  for (size_t i = 2; i < 6; ++i) {
    int h = HexValue(s[i]);
    if (h < 0) return -1;
    value = value * 16 + h;
  }
  return value;
}

bool IsSurrogate(uint32_t r) { return r >= 0xD800 && r < 0xE000; }

// An approximation of Go's unicode.IsPrint for runes >= 0x80: the spaces,
// format characters, private use and non-characters that Go escapes.
bool IsPrintNonAscii(uint32_t r) {
  if (r < 0xA0 || r == 0xA0 || r == 0xAD) return false;
  if (r == 0x1680 || (r >= 0x2000 && r <= 0x200F) || (r >= 0x2028 && r <= 0x202F)) return false;
  if ((r >= 0x205F && r <= 0x206F) || r == 0x3000 || r == 0xFEFF) return false;
  if ((r >= 0xE000 && r <= 0xF8FF) || (r >= 0xFFF9 && r <= 0xFFFB)) return false;
  if ((r & 0xFFFE) == 0xFFFE || (r >= 0xE0000 && r <= 0xE007F) || r >= 0xF0000) return false;
  return true;
}

void AppendHexByte(unsigned char c, std::string* out) {
  out->append("\\x");
  out->push_back(kHex[c >> 4]);
  out->push_back(kHex[c & 15]);
}

}  // namespace

uint32_t DecodeRune(std::string_view s, size_t* length) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size();
  *length = 1;
  unsigned char c0 = p[0];
  if (c0 < 0x80) return c0;
  auto cont = [&](size_t i) { return i < n && InRange(p[i], 0x80, 0xBF); };
  if (InRange(c0, 0xC2, 0xDF)) {
    if (!cont(1)) return kReplacementRune;
    *length = 2;
    return ((c0 & 0x1Fu) << 6) | (p[1] & 0x3Fu);
  }
  if (InRange(c0, 0xE0, 0xEF)) {
    unsigned char lo = c0 == 0xE0 ? 0xA0 : 0x80;
    unsigned char hi = c0 == 0xED ? 0x9F : 0xBF;
    if (n < 2 || !InRange(p[1], lo, hi) || !cont(2)) return kReplacementRune;
    *length = 3;
    return ((c0 & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
  }
  if (InRange(c0, 0xF0, 0xF4)) {
    unsigned char lo = c0 == 0xF0 ? 0x90 : 0x80;
    unsigned char hi = c0 == 0xF4 ? 0x8F : 0xBF;
    if (n < 2 || !InRange(p[1], lo, hi) || !cont(2) || !cont(3)) return kReplacementRune;
    *length = 4;
    return ((c0 & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) |
           (p[3] & 0x3Fu);
  }
  return kReplacementRune;
}

void AppendRune(uint32_t r, std::string* out) {
  if (r > 0x10FFFF || IsSurrogate(r)) r = kReplacementRune;
  if (r < 0x80) {
    out->push_back(static_cast<char>(r));
  } else if (r < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (r >> 6)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else if (r < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (r >> 12)));
    out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (r >> 18)));
    out->push_back(static_cast<char>(0x80 | ((r >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  }
}

namespace {

// Bytes that end a run of plain string content: '"', '\\' and controls.
struct StringStops {
  bool stop[256] = {};
  constexpr StringStops() {
    for (int c = 0; c < 0x20; ++c) stop[c] = true;
    stop[static_cast<unsigned char>('"')] = true;
    stop[static_cast<unsigned char>('\\')] = true;
  }
};
constexpr StringStops kStringStops;

constexpr bool IsLittleEndian() { return __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__; }

// Where the four hex digits after "\u" at s[u] stop being valid.
size_t BadHexAt(std::string_view s, size_t u) {
  size_t k = u + 1;
  while (k < s.size() && k < u + 5 && HexValue(s[k]) >= 0) ++k;
  return k;
}

// ScanJsonString with `malformed(at, go_context)` called (and returned) on
// malformed input; a template so the plain scan compiles to no error
// bookkeeping at all.
template <typename Malformed>
inline __attribute__((always_inline)) size_t ScanJsonStringWith(std::string_view s, size_t start, bool* has_escape, Malformed malformed) {
  *has_escape = false;
  if (start >= s.size() || s[start] != '"') {
    return malformed(start, "looking for beginning of value");
  }
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size();
  for (size_t i = start + 1; i < n; ++i) {
    // Eight bytes at a time while none is '"', '\\' or a control character.
    // The lowest flagged byte of the masks is exact (a borrow only carries
    // upwards from a flagged byte), so it gives the first stop directly, and
    // whether it is the closing quote without reading it again.
    constexpr uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
    while (IsLittleEndian() && i + 8 <= n) {
      uint64_t x;
      std::memcpy(&x, p + i, 8);
      uint64_t quote = x ^ (kOnes * '"'), backslash = x ^ (kOnes * '\\');
      uint64_t quotes = ((quote - kOnes) & ~quote) & kHighs;
      uint64_t stops = (quotes | ((backslash - kOnes) & ~backslash) | ((x - kOnes * 0x20) & ~x)) &
                       kHighs;
      if (stops != 0) {
        i += static_cast<size_t>(__builtin_ctzll(stops)) / 8;
        if ((quotes & stops & (0 - stops)) != 0) return i;
        break;
      }
      i += 8;
    }
    while (i < n && !kStringStops.stop[p[i]]) ++i;
    if (i >= n) break;
    unsigned char c = p[i];
    if (c == '"') return i;
    if (c < 0x20) return malformed(i, "in string literal");
    *has_escape = true;  // a backslash
    if (++i >= n) break;
    switch (s[i]) {
      case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
        break;
      case 'u':
        if (ReadU4(s.substr(i - 1)) < 0) {
          return malformed(BadHexAt(s, i), "in \\u hexadecimal character escape");
        }
        i += 4;
        break;
      default:
        return malformed(i, "in string escape code");
    }
  }
  return malformed(n, "");
}

// ScanJsonString without error details, inlined into the grammar scan below.
inline __attribute__((always_inline)) size_t ScanPlainJsonString(std::string_view s, size_t start,
                                                                 bool* has_escape) {
  return ScanJsonStringWith(s, start, has_escape,
                            [](size_t, const char*) { return std::string_view::npos; });
}

}  // namespace

size_t ScanJsonString(std::string_view s, size_t start, bool* has_escape) {
  return ScanPlainJsonString(s, start, has_escape);
}

size_t ScanJsonString(std::string_view s, size_t start, bool* has_escape, JsonSyntaxError* error) {
  return ScanJsonStringWith(s, start, has_escape, [error](size_t at, const char* go_context) {
    *error = JsonSyntaxError{at, go_context};
    return std::string_view::npos;
  });
}

void AppendGoUnquoted(std::string_view body, std::string* out) {
  size_t i = 0;
  while (i < body.size()) {
    auto c = static_cast<unsigned char>(body[i]);
    if (c == '\\' && i + 1 < body.size()) {
      char e = body[i + 1];
      if (e == 'u') {
        int r = ReadU4(body.substr(i));
        if (r < 0) {  // not scanned as valid; keep the bytes
          out->push_back('\\');
          ++i;
          continue;
        }
        i += 6;
        uint32_t rune = static_cast<uint32_t>(r);
        if (IsSurrogate(rune)) {
          int r2 = ReadU4(body.substr(i));
          if (rune < 0xDC00 && r2 >= 0xDC00 && r2 < 0xE000) {
            rune = 0x10000 + ((rune - 0xD800) << 10) + (static_cast<uint32_t>(r2) - 0xDC00);
            i += 6;
          } else {
            rune = kReplacementRune;
          }
        }
        AppendRune(rune, out);
        continue;
      }
      char decoded = e;
      switch (e) {
        case 'b': decoded = '\b'; break;
        case 'f': decoded = '\f'; break;
        case 'n': decoded = '\n'; break;
        case 'r': decoded = '\r'; break;
        case 't': decoded = '\t'; break;
        default: break;  // '"', '\\', '/'
      }
      out->push_back(decoded);
      i += 2;
      continue;
    }
    if (c < 0x80) {
      out->push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    size_t length;
    uint32_t rune = DecodeRune(body.substr(i), &length);
    if (rune == kReplacementRune && length == 1) {
      AppendRune(kReplacementRune, out);
    } else {
      out->append(body.data() + i, length);
    }
    i += length;
  }
}

size_t ScanJsonNumber(std::string_view s, bool* is_integer, JsonSyntaxError* error) {
  *is_integer = true;
  size_t i = 0;
  auto digit = [&](size_t k) { return k < s.size() && s[k] >= '0' && s[k] <= '9'; };
  auto fail = [&](const char* go_context) {
    if (error != nullptr) *error = JsonSyntaxError{i, go_context};
    return size_t{0};
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (!digit(i)) return fail(i == 0 ? "looking for beginning of value" : "in numeric literal");
  if (s[i] == '0') {
    ++i;
  } else {
    while (digit(i)) ++i;
  }
  if (i < s.size() && s[i] == '.') {
    *is_integer = false;
    if (!digit(++i)) return fail("after decimal point in numeric literal");
    while (digit(i)) ++i;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    *is_integer = false;
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digit(i)) return fail("in exponent of numeric literal");
    while (digit(i)) ++i;
  }
  return i;
}

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t Fail(std::string* error, const char* what, size_t at) {
  *error = std::string(what) + " at byte " + std::to_string(at);
  return std::string_view::npos;
}

size_t SkipSpace(std::string_view s, size_t i) {
  while (i < s.size() && IsSpace(s[i])) ++i;
  return i;
}

// The object key at s[i] and the ':' after it: fills *key and returns the
// index past both and the spaces after them; npos (and *error) when either is
// malformed.
inline __attribute__((always_inline)) size_t ScanObjectKey(std::string_view s, size_t i,
                                                           JsonMember* key, std::string* error) {
  size_t close = ScanPlainJsonString(s, i, &key->key_has_escape);
  if (close == std::string_view::npos) return Fail(error, "invalid object key", i);
  key->key_body = s.substr(i + 1, close - i - 1);
  i = SkipSpace(s, close + 1);
  if (i >= s.size() || s[i] != ':') return Fail(error, "missing ':' after object key", i);
  return SkipSpace(s, i + 1);
}

}  // namespace

size_t ScanJsonValue(std::string_view s, size_t start, std::string* stack, std::string* error) {
  constexpr size_t kMaxDepth = 10000;  // Go's maxNestingDepth
  stack->clear();
  size_t i = start;
  JsonMember key;
  auto skip_space = [&] { i = SkipSpace(s, i); };
  for (;;) {
    // A value is expected at s[i].
    if (i >= s.size()) return Fail(error, "unexpected end of JSON input", i);
    switch (s[i]) {
      case '{':
      case '[': {
        if (stack->size() >= kMaxDepth) return Fail(error, "exceeded max depth", i);
        char open = s[i++];
        stack->push_back(open);
        skip_space();
        if (i < s.size() && s[i] == (open == '{' ? '}' : ']')) {
          ++i;
          stack->pop_back();
          break;
        }
        if (open == '{' && (i = ScanObjectKey(s, i, &key, error)) == std::string_view::npos) {
          return i;
        }
        continue;
      }
      case '"': {
        bool has_escape;
        size_t close = ScanPlainJsonString(s, i, &has_escape);
        if (close == std::string_view::npos) return Fail(error, "invalid string", i);
        i = close + 1;
        break;
      }
      case 't':
      case 'f':
      case 'n': {
        std::string_view word = s[i] == 't' ? "true" : s[i] == 'f' ? "false" : "null";
        if (s.compare(i, word.size(), word) != 0) return Fail(error, "invalid literal", i);
        i += word.size();
        break;
      }
      default: {
        bool is_integer;
        size_t length = ScanJsonNumber(s.substr(i), &is_integer);
        if (length == 0) return Fail(error, "invalid character looking for beginning of value", i);
        i += length;
        break;
      }
    }
    // After a value: close containers or move to the next element.
    for (;;) {
      if (stack->empty()) return i;
      skip_space();
      if (i >= s.size()) return Fail(error, "unexpected end of JSON input", i);
      char c = s[i];
      char top = stack->back();
      if (c == (top == '{' ? '}' : ']')) {
        ++i;
        stack->pop_back();
        continue;
      }
      if (c != ',') return Fail(error, "invalid character after value", i);
      ++i;
      skip_space();
      if (top == '{' && (i = ScanObjectKey(s, i, &key, error)) == std::string_view::npos) {
        return i;
      }
      break;
    }
  }
}

bool ListObjectMembers(std::string_view s, std::vector<JsonMember>* members, std::string* stack,
                       std::string* error) {
  members->clear();
  size_t i = 0;
  auto skip_space = [&] { i = SkipSpace(s, i); };
  skip_space();
  if (i >= s.size() || s[i] != '{') {
    // Not an object; say whether it is valid JSON at all.
    if (ScanJsonValue(s, i, stack, error) != std::string_view::npos) *error = "not an object";
    return false;
  }
  ++i;
  skip_space();
  bool empty_object = i < s.size() && s[i] == '}';
  if (empty_object) ++i;
  while (!empty_object) {
    JsonMember member;
    i = ScanObjectKey(s, i, &member, error);
    if (i == std::string_view::npos) return false;
    size_t value_end = ScanJsonValue(s, i, stack, error);
    if (value_end == std::string_view::npos) return false;
    member.value = s.substr(i, value_end - i);
    members->push_back(member);
    i = value_end;
    skip_space();
    if (i < s.size() && s[i] == ',') {
      ++i;
      skip_space();
      continue;
    }
    if (i < s.size() && s[i] == '}') {
      ++i;
      break;
    }
    Fail(error, "invalid character after object value", i);
    return false;
  }
  skip_space();
  if (i != s.size()) {
    Fail(error, "invalid character after top-level value", i);
    return false;
  }
  return true;
}

bool ParseInt64(std::string_view s, int64_t* value) {
  bool negative = !s.empty() && s[0] == '-';
  size_t i = negative ? 1 : 0;
  if (i >= s.size()) return false;
  uint64_t limit = negative ? (uint64_t{1} << 63) : (uint64_t{1} << 63) - 1;
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (v > (limit - d) / 10) return false;
    v = v * 10 + d;
  }
  *value = negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  return true;
}

bool EqualFoldGo(std::string_view key, std::string_view name) {
  size_t i = 0;
  for (char want : name) {
    if (i >= key.size()) return false;
    size_t length;
    uint32_t r = DecodeRune(key.substr(i), &length);
    i += length;
    if (r >= 'A' && r <= 'Z') r += 'a' - 'A';
    if (r == 0x017F) r = 's';  // LATIN SMALL LETTER LONG S folds to s
    if (r == 0x212A) r = 'k';  // KELVIN SIGN folds to k
    if (r != static_cast<unsigned char>(want)) return false;
  }
  return i == key.size();
}

void AppendGoQuotedBody(std::string_view data, std::string* out) {
  size_t i = 0;
  while (i < data.size()) {
    size_t length;
    uint32_t r = DecodeRune(data.substr(i), &length);
    if (r == kReplacementRune && length == 1) {
      AppendHexByte(static_cast<unsigned char>(data[i]), out);
    } else if (r == '"' || r == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(r));
    } else if (r >= 0x20 && r < 0x7F) {
      out->push_back(static_cast<char>(r));
    } else if (r >= 0x80 && IsPrintNonAscii(r)) {
      out->append(data.data() + i, length);
    } else {
      switch (r) {
        case '\a': out->append("\\a"); break;
        case '\b': out->append("\\b"); break;
        case '\f': out->append("\\f"); break;
        case '\n': out->append("\\n"); break;
        case '\r': out->append("\\r"); break;
        case '\t': out->append("\\t"); break;
        case '\v': out->append("\\v"); break;
        default:
          if (r < 0x80) {
            AppendHexByte(static_cast<unsigned char>(r), out);
          } else if (r < 0x10000) {
            out->append("\\u");
            for (int shift = 12; shift >= 0; shift -= 4) out->push_back(kHex[(r >> shift) & 15]);
          } else {
            out->append("\\U");
            for (int shift = 28; shift >= 0; shift -= 4) out->push_back(kHex[(r >> shift) & 15]);
          }
      }
    }
    i += length;
  }
}

bool HasControlCharacters(std::string_view s) {
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) return true;
  }
  return false;
}

std::string EscapeControlCharacters(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '\n') {
      out.append("\\n");
    } else if (c == '\r') {
      out.append("\\r");
    } else if (c == '\t') {
      out.append("\\t");
    } else if (c < 0x20 || c == 0x7F) {
      AppendHexByte(c, &out);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

}  // namespace synctrace
