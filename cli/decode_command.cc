// `synctrace decode [--format text|json] [FILE]`: decodes sync packets given
// one per line (a file, or stdin when FILE is absent or "-") and prints them in
// the standard text or JSON Lines format. Handy for what someone pasted from a
// runc --debug log or a JSON log's "raw" field.
//
// A line cannot carry an fd packet, so a flags:0b1 message is complete as it is
// (no file, no missing-fd anomaly). Time is 0.000000, the session s1, and the
// direction comes from the protocol table's sender of the type (procError,
// unknown types and lines that are not a syncT count as child->parent).
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cli/commands.h"
#include "cli/subcommand.h"
#include "decoder/json_format.h"
#include "decoder/packet_decoder.h"
#include "decoder/text_format.h"

ABSL_FLAG(std::string, format, "text",
          "output format: text (runc's String format, one line per message, '#' lines for "
          "anomalies) or json (JSON Lines, lossless). Input: one JSON packet per non-empty "
          "line; fd packets cannot be given, so a flags:0b1 message is shown without a file "
          "and without a missing-fd anomaly");

namespace synctrace {
namespace {

Direction DirectionOfType(const SyncMessage& m) {
  const SyncTypeInfo* info = FindSyncType(m.type_id);
  if (info != nullptr && info->sender == Sender::kParent) return Direction::kParentToChild;
  return Direction::kChildToParent;
}

class LineDecoder {
 public:
  explicit LineDecoder(bool json)
      : json_(json), decoder_(PacketDecoderOptions{/*expect_fd_packets=*/false}),
        text_(0), json_format_(0), wall_(absl::Now()) {}

  void Decode(std::string line, std::string* out) {
    if (!line.empty() && line.back() == '\r') line.pop_back();  // pasted CRLF text
    if (line.empty()) return;
    for (SyncMessage& message : decoder_.Feed(WirePacket{std::move(line), {}, false})) {
      TraceEvent event;
      event.seq = ++seq_;
      event.wall = wall_;
      event.session = 1;
      event.direction = DirectionOfType(message);
      event.message = std::move(message);
      if (json_) {
        json_format_.Append(event, out);
      } else {
        text_.Append(event, out);
      }
    }
  }

 private:
  bool json_;
  PacketDecoder decoder_;
  TextFormatter text_;
  JsonFormatter json_format_;
  absl::Time wall_;
  uint64_t seq_ = 0;
};

}  // namespace

int RunDecode(const std::vector<std::string>& args) {
  std::string format = absl::GetFlag(FLAGS_format);
  if (format != "text" && format != "json") {
    return UsageError(absl::StrCat("decode: --format must be text or json, not '", format, "'"));
  }
  if (args.size() > 1) {
    return UsageError("decode takes at most one FILE (usage: synctrace decode [--format "
                      "text|json] [FILE])");
  }
  std::ifstream file;
  std::istream* in = &std::cin;
  std::string path = args.empty() ? "-" : args[0];
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) {
      std::fprintf(stderr, "synctrace: decode: cannot open %s: %s\n", path.c_str(),
                   std::strerror(errno));
      return kExitFailure;
    }
    in = &file;
  }
  LineDecoder decoder(format == "json");
  std::string line, out;
  while (std::getline(*in, line)) {
    out.clear();
    decoder.Decode(std::move(line), &out);
    if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size()) {
      std::fprintf(stderr, "synctrace: decode: writing to stdout: %s\n", std::strerror(errno));
      return kExitFailure;
    }
  }
  if (in->bad()) {
    std::fprintf(stderr, "synctrace: decode: reading %s failed\n",
                 path == "-" ? "stdin" : path.c_str());
    return kExitFailure;
  }
  if (std::fflush(stdout) != 0) {
    std::fprintf(stderr, "synctrace: decode: writing to stdout: %s\n", std::strerror(errno));
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace synctrace
