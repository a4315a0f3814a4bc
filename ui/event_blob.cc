// Packs/unpacks the variable part of a TraceEvent; see ui/event_blob.h.
#include "ui/event_blob.h"

#include <cstdint>
#include <cstring>

namespace synctrace {
namespace {

class Packer {
 public:
  explicit Packer(std::string* out) : out_(out) {}
  void Uint(uint64_t v) {
    while (v >= 0x80) {
      out_->push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_->push_back(static_cast<char>(v));
  }
  void Int(int64_t v) { Uint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }
  void Bytes(const std::string& s) {
    Uint(s.size());
    out_->append(s);
  }
  void Fd(const FdDescription& d) {
    Int(d.fd);
    Bytes(d.kind);
    Bytes(d.path);
    Uint(d.dev);
    Uint(d.ino);
    Int(d.open_flags);
    Uint(d.described ? 1 : 0);
  }

 private:
  std::string* out_;
};

class Unpacker {
 public:
  explicit Unpacker(const char* p) : p_(reinterpret_cast<const unsigned char*>(p)) {}
  uint64_t Uint() {
    uint64_t v = 0;
    int shift = 0;
    while (*p_ & 0x80) {
      v |= static_cast<uint64_t>(*p_++ & 0x7f) << shift;
      shift += 7;
    }
    v |= static_cast<uint64_t>(*p_++) << shift;
    return v;
  }
  int64_t Int() {
    uint64_t u = Uint();
    return static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1);
  }
  std::string Bytes() {
    size_t n = Uint();
    std::string s(reinterpret_cast<const char*>(p_), n);
    p_ += n;
    return s;
  }
  FdDescription Fd() {
    FdDescription d;
    d.fd = static_cast<int>(Int());
    d.kind = Bytes();
    d.path = Bytes();
    d.dev = Uint();
    d.ino = Uint();
    d.open_flags = static_cast<int>(Int());
    d.described = Uint() != 0;
    return d;
  }
  const unsigned char* position() const { return p_; }

 private:
  const unsigned char* p_;
};

constexpr size_t kLengthBytes = 4;  // fixed-width total length header

}  // namespace

void PackEventBlob(const TraceEvent& event, std::string* out) {
  size_t start = out->size();
  out->append(kLengthBytes, '\0');
  Packer p(out);
  const SyncMessage& m = event.message;
  p.Bytes(m.raw);
  // The type name only when the table cannot give it back.
  uint8_t has_type_name = m.type_id == SyncTypeId::kUnknown ? 1 : 0;
  p.Uint(has_type_name | (m.is_raw_packet ? 2 : 0) | (m.has_arg ? 4 : 0) |
         (m.file.has_value() ? 8 : 0));
  if (has_type_name) p.Bytes(m.type);
  p.Int(m.flags);
  if (m.has_arg) {
    p.Uint(m.arg_offset);
    p.Uint(m.arg_length);
  }
  if (m.file.has_value()) {
    p.Bytes(m.file->name);
    p.Fd(m.file->fd);
  }
  p.Uint(m.stray_fds.size());
  for (const FdDescription& d : m.stray_fds) p.Fd(d);
  p.Uint(m.anomalies.size());
  for (const Anomaly& a : m.anomalies) {
    p.Uint(static_cast<uint64_t>(a.code));
    p.Bytes(a.detail);
  }
  p.Bytes(event.text);
  bool has_info = event.kind == EventKind::kSessionStart || event.kind == EventKind::kSessionEnd;
  p.Uint(has_info ? 1 : 0);
  if (has_info) {
    const SessionInfo& s = event.session_info;
    p.Int(s.parent_pid);
    p.Int(s.child_pid);
    p.Bytes(s.command_line);
    p.Bytes(s.container_id);
    p.Bytes(s.init_type);
  }
  p.Uint(event.dropped);
  uint32_t total = static_cast<uint32_t>(out->size() - start);
  std::memcpy(&(*out)[start], &total, kLengthBytes);
}

size_t EventBlobSize(const char* blob) {
  uint32_t total;
  std::memcpy(&total, blob, kLengthBytes);
  return total;
}

void UnpackEventBlob(const char* blob, TraceEvent* event) {
  Unpacker u(blob + kLengthBytes);
  SyncMessage& m = event->message;
  m.raw = u.Bytes();
  uint64_t bits = u.Uint();
  if (bits & 1) {
    m.type = u.Bytes();
  } else if (const SyncTypeInfo* info = FindSyncType(m.type_id)) {
    m.type = std::string(info->name);
  }
  m.is_raw_packet = (bits & 2) != 0;
  m.has_arg = (bits & 4) != 0;
  m.flags = u.Int();
  if (m.has_arg) {
    m.arg_offset = static_cast<uint32_t>(u.Uint());
    m.arg_length = static_cast<uint32_t>(u.Uint());
  }
  if (bits & 8) {
    AttachedFile f;
    f.name = u.Bytes();
    f.fd = u.Fd();
    m.file = std::move(f);
  }
  m.stray_fds.resize(u.Uint());
  for (FdDescription& d : m.stray_fds) d = u.Fd();
  m.anomalies.resize(u.Uint());
  for (Anomaly& a : m.anomalies) {
    a.code = static_cast<AnomalyCode>(u.Uint());
    a.detail = u.Bytes();
  }
  event->text = u.Bytes();
  if (u.Uint() != 0) {
    SessionInfo& s = event->session_info;
    s.parent_pid = static_cast<pid_t>(u.Int());
    s.child_pid = static_cast<pid_t>(u.Int());
    s.command_line = u.Bytes();
    s.container_id = u.Bytes();
    s.init_type = u.Bytes();
  }
  event->dropped = u.Uint();
}

}  // namespace synctrace
