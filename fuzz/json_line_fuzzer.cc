// libFuzzer target: one line of a --json log, as `synctrace replay` reads it
// (ParseJsonLogLine). A line it accepts must format again as one JSON line
// that it accepts too, with the same kind, session and message bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "decoder/json_format.h"
#include "fuzz/fuzz_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace synctrace;
  absl::StatusOr<TraceEvent> event =
      ParseJsonLogLine(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!event.ok()) {
    fuzz::Check(!event.status().message().empty(), "a refused line says why");
    return 0;
  }
  std::string again = JsonFormatter(0).Format(*event);
  fuzz::Check(again.find('\n') == again.size() - 1, "formats as one line");
  absl::StatusOr<TraceEvent> back = ParseJsonLogLine(again);
  fuzz::Check(back.ok(), "its own output parses");
  fuzz::Check(back->kind == event->kind && back->session == event->session, "kind and session kept");
  fuzz::Check(back->message.raw == event->message.raw, "message bytes kept");
  if (event->kind == EventKind::kMessage) fuzz::CheckMessageAndFormats(event->message);
  return 0;
}
