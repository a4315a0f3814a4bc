// File: decoder/anomaly.h
//
// Named anomalies: everything synctrace noticed that runc's own reader would
// reject, or that breaks the protocol's rules. Each has a stable name (used in
// logs and filters) and a one-line explanation for the user.
//
// Example:
//   Anomaly a = MakeAnomaly(AnomalyCode::kInvalidJson, "expected ':' at byte 9");
//   AnomalyName(a.code)  // "invalid-json"
//   a.Explain()          // "packet is not valid JSON, runc's reader fails (unmarshal sync
//                        //  failed): expected ':' at byte 9"
#ifndef SYNCTRACE_DECODER_ANOMALY_H_
#define SYNCTRACE_DECODER_ANOMALY_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace synctrace {

enum class AnomalyCode : uint8_t {
  // One packet.
  kEmptyPacket,          // zero-length packet: runc's reader takes it for EOF
  kInvalidJson,          // not parseable JSON
  kNotObject,            // valid JSON but not an object
  kTrailingBytes,        // bytes after the JSON value
  kInvalidUtf8,          // invalid UTF-8 (Go replaces it with U+FFFD)
  kMissingType,          // no "type" key
  kTypeNotString,        // "type" is not a JSON string
  kUnknownType,          // "type" is not in the table
  kBadFlags,             // "flags" not an integer, negative, or too large
  kUnknownFlagBits,      // flags has bits other than syncFlagHasFd
  kDuplicateKey,         // a key appears twice (Go keeps the last)
  kKeyCase,              // key matched only case-insensitively (Go accepts it)
  kUnknownField,         // a key runc's syncT does not have (Go ignores it)
  kUnexpectedArg,        // arg on a type that takes none
  kMissingArg,           // no arg on a type that needs one
  kBadErrorPayload,      // procError arg is not {"message": string}
  // The fd packet that follows flags:0b1.
  kFdPacketMissing,      // flags announced a file but the next packet is JSON
  kUnannouncedFdPacket,  // an fd packet nobody announced
  kFdPacketNoFd,         // fd packet without SCM_RIGHTS
  kFdPacketManyFds,      // fd packet with more than one fd
  kControlTruncated,     // MSG_CTRUNC: control data was cut
  kFdsOnJsonPacket,      // SCM_RIGHTS on a JSON packet
  kEofBeforeFdPacket,    // stream ended while the announced fd packet was due
  // Conversation (request/reply pairing).
  kWrongSender,          // type sent by the side that never sends it
  kUnexpectedReply,      // a reply nobody asked for
  kRequestOverlap,       // a second request before the first was answered
  kUnansweredRequest,    // a request still unanswered at session end
  kNotAllowedInExec,     // a type that a setns (exec) conversation never has
  // Tracer.
  kEventsDropped,        // the observer fell behind; events were not shown
  // Added later (kept at the end so the values above do not move).
  kMissingFile,          // a type that needs a file (procMountFd) came without flags:0b1
  kUnexpectedFile,       // flags:0b1 on a type that takes no file
};

// Every code, in declaration order (for tests, legends and filters).
inline constexpr AnomalyCode kAllAnomalyCodes[] = {
    AnomalyCode::kEmptyPacket,       AnomalyCode::kInvalidJson,
    AnomalyCode::kNotObject,         AnomalyCode::kTrailingBytes,
    AnomalyCode::kInvalidUtf8,       AnomalyCode::kMissingType,
    AnomalyCode::kTypeNotString,     AnomalyCode::kUnknownType,
    AnomalyCode::kBadFlags,          AnomalyCode::kUnknownFlagBits,
    AnomalyCode::kDuplicateKey,      AnomalyCode::kKeyCase,
    AnomalyCode::kUnknownField,      AnomalyCode::kUnexpectedArg,
    AnomalyCode::kMissingArg,        AnomalyCode::kBadErrorPayload,
    AnomalyCode::kFdPacketMissing,   AnomalyCode::kUnannouncedFdPacket,
    AnomalyCode::kFdPacketNoFd,      AnomalyCode::kFdPacketManyFds,
    AnomalyCode::kControlTruncated,  AnomalyCode::kFdsOnJsonPacket,
    AnomalyCode::kEofBeforeFdPacket, AnomalyCode::kWrongSender,
    AnomalyCode::kUnexpectedReply,   AnomalyCode::kRequestOverlap,
    AnomalyCode::kUnansweredRequest, AnomalyCode::kNotAllowedInExec,
    AnomalyCode::kEventsDropped,     AnomalyCode::kMissingFile,
    AnomalyCode::kUnexpectedFile,
};

std::string_view AnomalyName(AnomalyCode code);

// The code named `name` ("invalid-json"); false when no code has that name.
bool AnomalyCodeFromName(std::string_view name, AnomalyCode* code);

// What the anomaly means, in a sentence (without the per-case detail).
std::string_view AnomalyMeaning(AnomalyCode code);

struct Anomaly {
  AnomalyCode code;
  std::string detail;  // the specifics of this case; may be empty

  // One line: "<meaning>: <detail>" (or just the meaning). Control characters
  // in the detail (it may quote peer data) are escaped, so it never breaks a line.
  std::string Explain() const;
};

inline Anomaly MakeAnomaly(AnomalyCode code, std::string detail = {}) {
  return Anomaly{code, std::move(detail)};
}

}  // namespace synctrace

#endif  // SYNCTRACE_DECODER_ANOMALY_H_
