// File: decoder/sync_message.h
//
// One decoded sync message: runc's syncT. On the wire it is one JSON packet
//   {"type":"<syncType>","flags":<int>,"arg":<any JSON>}
// plus, only when flags has bit 0 (syncFlagHasFd), a second packet whose data is
// the file's name and which carries one fd by SCM_RIGHTS.
//
// String() reproduces runc's syncT.String() byte for byte:
//   type:procMountFd flags:0b1 arg:{"type":"open_tree"} file:/data (fd:9)
// `arg` is kept as the exact raw bytes of the arg value (never re-serialised, so
// Go's \u003c escapes stay as they came).
//
// A packet that is not a syncT at all (an fd packet nobody announced, an empty
// packet) becomes a message with is_raw_packet set; anomalies say why.
#ifndef SYNCTRACE_DECODER_SYNC_MESSAGE_H_
#define SYNCTRACE_DECODER_SYNC_MESSAGE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "decoder/anomaly.h"
#include "decoder/fd_description.h"
#include "decoder/sync_types.h"

namespace synctrace {

// The file that followed a flags:0b1 message.
struct AttachedFile {
  std::string name;     // the fd packet's data, byte for byte
  FdDescription fd;     // the fd it carried (fd == -1 when it carried none)
};

struct SyncMessage {
  std::string raw;                 // the JSON packet's bytes as received
  bool is_raw_packet = false;      // not a syncT (see anomalies)
  std::string type;                // decoded "type" ("" when missing/not a string)
  SyncTypeId type_id = SyncTypeId::kUnknown;
  int64_t flags = 0;
  bool has_arg = false;            // "arg" present and not null
  uint32_t arg_offset = 0;         // arg's raw bytes are raw.substr(offset, length)
  uint32_t arg_length = 0;
  std::optional<AttachedFile> file;
  std::vector<FdDescription> stray_fds;  // fds that arrived where none belong
  std::vector<Anomaly> anomalies;

  std::optional<std::string_view> arg() const {
    if (!has_arg) return std::nullopt;
    return std::string_view(raw).substr(arg_offset, arg_length);
  }

  // runc's syncT String(), byte for byte. For a raw packet: "raw:" followed by
  // the data with non-printable bytes escaped Go-style (%q without quotes).
  std::string String() const;
  // Appends String() to *out (no allocation when *out has room).
  void AppendString(std::string* out) const;

  // procError's initError message, when the arg is {"message": "..."}.
  std::optional<std::string> ErrorMessage() const;

  bool HasAnomaly(AnomalyCode code) const;
  void AddAnomaly(AnomalyCode code, std::string detail = {}) {
    anomalies.push_back(MakeAnomaly(code, std::move(detail)));
  }

  // Back to the default state, keeping allocated capacity (for reuse).
  void Clear();
};

// Go's json.Unmarshal(arg, &initError{}) as runc does for procError: true and
// the message when it succeeds (a missing or null "message" gives ""), else
// false and the reason in *problem. message may be null (only checking).
bool DecodeInitError(std::string_view arg, std::string* message, std::string* problem);

// Appends runc's " flags:0b<binary>" rendering of `flags` (strconv.FormatInt(f, 2)).
void AppendBinaryFlags(int64_t flags, std::string* out);

}  // namespace synctrace

#endif  // SYNCTRACE_DECODER_SYNC_MESSAGE_H_
