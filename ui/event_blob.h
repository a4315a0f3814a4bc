// File: ui/event_blob.h
//
// Packs the parts of a TraceEvent that the TUI's fixed-size record does not
// hold (raw packet, type name, flags, arg position, file and fd description,
// stray fds, anomalies, text, session info) into a compact byte string, and
// unpacks them again. Varint lengths; no per-field allocation when packing.
//
// Example:
//   std::string blob;  PackEventBlob(event, &blob);
//   TraceEvent back;   UnpackEventBlob(blob.data(), &back);  // same message, text, ...
#ifndef SYNCTRACE_UI_EVENT_BLOB_H_
#define SYNCTRACE_UI_EVENT_BLOB_H_

#include <cstddef>
#include <string>

#include "decoder/event.h"

namespace synctrace {

// Appends the blob to *out (starting with its own length).
void PackEventBlob(const TraceEvent& event, std::string* out);
// Fills event->message (all but anomalies' order-independent bits), text,
// session_info and dropped from a blob written by PackEventBlob.
void UnpackEventBlob(const char* blob, TraceEvent* event);
// Total size in bytes of the blob at `blob`.
size_t EventBlobSize(const char* blob);

}  // namespace synctrace

#endif  // SYNCTRACE_UI_EVENT_BLOB_H_
