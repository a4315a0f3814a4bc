// Anomaly names and meanings: one table, in AnomalyCode order.
#include "decoder/anomaly.h"

#include <iterator>

#include "absl/strings/str_cat.h"
#include "decoder/absl_compat.h"
#include "decoder/go_json.h"

namespace synctrace {
namespace {

struct AnomalyText {
  AnomalyCode code;
  std::string_view name;
  std::string_view meaning;
};

constexpr AnomalyText kTexts[] = {
    {AnomalyCode::kEmptyPacket, "empty-packet",
     "empty packet, which runc's reader takes for the end of the stream"},
    {AnomalyCode::kInvalidJson, "invalid-json",
     "packet is not valid JSON, runc's reader fails (unmarshal sync failed)"},
    {AnomalyCode::kNotObject, "not-object",
     "packet is JSON but not an object, so it is no syncT (unmarshal sync failed)"},
    {AnomalyCode::kTrailingBytes, "trailing-bytes",
     "bytes follow the JSON object, runc's reader fails (invalid character after top-level "
     "value)"},
    {AnomalyCode::kInvalidUtf8, "invalid-utf8",
     "packet holds invalid UTF-8; Go reads each bad byte in a string as U+FFFD"},
    {AnomalyCode::kMissingType, "missing-type",
     "no \"type\" string, runc sees an empty type (unexpected synchronisation flag)"},
    {AnomalyCode::kTypeNotString, "type-not-string",
     "\"type\" is not a JSON string, runc's reader fails (unmarshal sync failed)"},
    {AnomalyCode::kUnknownType, "unknown-type",
     "type is not one runc knows (unexpected synchronisation flag)"},
    {AnomalyCode::kBadFlags, "bad-flags",
     "\"flags\" is not a non-negative integer that fits in 64 bits"},
    {AnomalyCode::kUnknownFlagBits, "unknown-flag-bits",
     "flags has bits other than 0b1 (syncFlagHasFd), which runc never sets"},
    {AnomalyCode::kDuplicateKey, "duplicate-key",
     "a key appears more than once; Go keeps the last value"},
    {AnomalyCode::kKeyCase, "key-case",
     "a key matches a syncT field only case-insensitively; Go accepts it, runc never writes it"},
    {AnomalyCode::kUnknownField, "unknown-field",
     "a key that syncT does not have; Go ignores it"},
    {AnomalyCode::kUnexpectedArg, "unexpected-arg",
     "arg on a type that takes none (runc: sync had unexpected argument passed)"},
    {AnomalyCode::kMissingArg, "missing-arg", "no arg on a type that needs one"},
    {AnomalyCode::kBadErrorPayload, "bad-error-payload",
     "procError's arg is not {\"message\": string}, runc fails (unmarshal procError failed)"},
    {AnomalyCode::kFdPacketMissing, "fd-packet-missing",
     "flags:0b1 announced a file but the next packet is a JSON message, not the fd packet"},
    {AnomalyCode::kUnannouncedFdPacket, "unannounced-fd-packet",
     "a packet carrying fds that no flags:0b1 message announced"},
    {AnomalyCode::kFdPacketNoFd, "fd-packet-no-fd",
     "the fd packet carries no fd, runc fails (receiving fd from sync failed)"},
    {AnomalyCode::kFdPacketManyFds, "fd-packet-many-fds",
     "the fd packet carries more than one fd; runc rejects anything but exactly one"},
    {AnomalyCode::kControlTruncated, "control-truncated",
     "the kernel cut the control data (MSG_CTRUNC), fds were lost"},
    {AnomalyCode::kFdsOnJsonPacket, "fds-on-json-packet",
     "fds rode on a JSON packet, where runc never sends any"},
    {AnomalyCode::kEofBeforeFdPacket, "eof-before-fd-packet",
     "the stream ended while the announced fd packet was due"},
    {AnomalyCode::kWrongSender, "wrong-sender",
     "this type is sent by the other side in runc's protocol"},
    {AnomalyCode::kUnexpectedReply, "unexpected-reply",
     "a reply to no open request (unexpected synchronisation flag)"},
    {AnomalyCode::kRequestOverlap, "request-overlap",
     "a new request while the previous one is still unanswered"},
    {AnomalyCode::kUnansweredRequest, "unanswered-request",
     "a request never answered before the session ended"},
    {AnomalyCode::kNotAllowedInExec, "not-allowed-in-exec",
     "a type that a runc exec (setns) conversation never has"},
    {AnomalyCode::kEventsDropped, "events-dropped",
     "the output fell behind and events were dropped (traffic was still forwarded)"},
    {AnomalyCode::kMissingFile, "missing-file",
     "this type needs a file (flags:0b1) but came without one (response missing attached fd)"},
    {AnomalyCode::kUnexpectedFile, "unexpected-file",
     "flags:0b1 on a type that takes no file (runc: sync had unexpected file passed)"},
};

static_assert(std::size(kTexts) == std::size(kAllAnomalyCodes), "one text per code");

const AnomalyText* FindText(AnomalyCode code) {
  auto index = static_cast<size_t>(code);
  if (index < std::size(kTexts) && kTexts[index].code == code) return &kTexts[index];
  return nullptr;
}

}  // namespace

std::string_view AnomalyName(AnomalyCode code) {
  const AnomalyText* text = FindText(code);
  return text == nullptr ? "unknown-anomaly" : text->name;
}

std::string_view AnomalyMeaning(AnomalyCode code) {
  const AnomalyText* text = FindText(code);
  return text == nullptr ? "an anomaly this version does not know" : text->meaning;
}

bool AnomalyCodeFromName(std::string_view name, AnomalyCode* code) {
  for (const AnomalyText& text : kTexts) {
    if (text.name == name) {
      *code = text.code;
      return true;
    }
  }
  return false;
}

std::string Anomaly::Explain() const {
  std::string_view meaning = AnomalyMeaning(code);
  std::string out(meaning.data(), meaning.size());
  if (!detail.empty()) absl::StrAppend(&out, ": ", EscapeControlCharacters(detail));
  return out;
}

}  // namespace synctrace
