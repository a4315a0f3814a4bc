#include "fuzz/fuzz_checks.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "absl/status/statusor.h"
#include "decoder/event.h"
#include "decoder/json_format.h"
#include "decoder/text_format.h"

namespace synctrace {
namespace fuzz {

void Check(bool ok, std::string_view what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz check failed: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

void CheckMessageAndFormats(const SyncMessage& m) {
  if (m.has_arg) {
    Check(static_cast<size_t>(m.arg_offset) + m.arg_length <= m.raw.size(), "arg inside raw");
  }
  for (const Anomaly& a : m.anomalies) {
    Check(a.Explain().find('\n') == std::string::npos, "anomaly text is one line");
  }
  std::string s = m.String();
  Check(s.rfind(m.is_raw_packet ? "raw:" : "type:", 0) == 0, "String() prefix");

  TraceEvent event;
  event.seq = 1;
  event.session = 1;
  event.message = m;
  std::string line = TextFormatter(0).Format(event);
  Check(static_cast<size_t>(std::count(line.begin(), line.end(), '\n')) ==
            1 + m.anomalies.size(),
        "text format: one line plus one per anomaly");
  std::string json_line = JsonFormatter(0).Format(event);
  Check(!json_line.empty() && json_line.find('\n') == json_line.size() - 1,
        "JSON format: exactly one line");
  absl::StatusOr<TraceEvent> back = ParseJsonLogLine(json_line);
  Check(back.ok(), "JSON line parses back");
  Check(back->message.raw == m.raw, "JSON round trip keeps raw bytes");
  Check(back->message.String() == s, "JSON round trip keeps String()");
}

FdDescription FuzzFd(int number, bool described, std::string_view text) {
  FdDescription fd;
  fd.fd = number;
  if (described) {
    fd.described = true;
    fd.kind = number % 2 ? "detached mount (open_tree)" : std::string(text.substr(0, 8));
    fd.path = std::string(text);
    fd.dev = static_cast<uint64_t>(number) << 20 | text.size();
    fd.ino = text.size() * 7919u;
    fd.open_flags = static_cast<int>(text.size());
  }
  return fd;
}

bool PacketReader::Next(WirePacket* packet) {
  if (at_ + 3 > size_) return false;
  uint8_t header = data_[at_];
  size_t length = data_[at_ + 1] | static_cast<size_t>(data_[at_ + 2]) << 8;
  at_ += 3;
  length = std::min(length, size_ - at_);
  packet->data.assign(reinterpret_cast<const char*>(data_ + at_), length);
  at_ += length;
  packet->fds.clear();
  for (int i = 0; i < (header & 3); ++i) {
    packet->fds.push_back(FuzzFd(3 + i, header & 8, packet->data));
  }
  packet->control_truncated = header & 4;
  return true;
}

}  // namespace fuzz
}  // namespace synctrace
