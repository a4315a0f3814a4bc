// runc's sync socket I/O for the simulated peers; see sync_socket.h.
#include "tracer/sim/sync_socket.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tracer/sim/go_json.h"

namespace synctrace {
namespace sim {
namespace {

constexpr int64_t kSyncFlagHasFd = 1;
constexpr size_t kMaxNameLen = 4096;  // internal/cmsg MaxNameLen

// A msghdr over one data buffer with control room for exactly one fd
// (CMSG_SPACE(4), as internal/cmsg's oobSpace).
struct OneFdMessage {
  OneFdMessage(char* data, size_t size) {
    std::memset(control, 0, sizeof control);
    std::memset(&msg, 0, sizeof msg);
    iov.iov_base = data;
    iov.iov_len = size;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
  }
  OneFdMessage(const OneFdMessage&) = delete;
  OneFdMessage& operator=(const OneFdMessage&) = delete;
  struct iovec iov;
  alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))];
  struct msghdr msg;
};

std::string Binary(int64_t v) {
  if (v == 0) return "0";
  bool negative = v < 0;
  uint64_t u = negative ? static_cast<uint64_t>(-(v + 1)) + 1 : static_cast<uint64_t>(v);
  std::string out;
  while (u != 0) {
    out.insert(out.begin(), static_cast<char>('0' + (u & 1)));
    u >>= 1;
  }
  return negative ? "-" + out : out;
}

}  // namespace

std::string GoErrnoText(int err) {
  std::string text = std::strerror(err);
  if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') text[0] = static_cast<char>(text[0] - 'A' + 'a');
  return text;
}

SimMessage SimMessage::AsSent() const {
  SimMessage m = *this;
  m.flags &= ~kSyncFlagHasFd;
  if (m.has_file()) m.flags |= kSyncFlagHasFd;
  return m;
}

std::string SimMessage::String() const {
  std::string out = absl::StrCat("type:", type);
  if (flags != 0) absl::StrAppend(&out, " flags:0b", Binary(flags));
  if (arg.has_value()) absl::StrAppend(&out, " arg:", *arg);
  if (has_file()) absl::StrAppend(&out, " file:", file_name, " (fd:", file_fd, ")");
  return out;
}

SyncSocket::SyncSocket(int fd, std::string name, absl::Duration timeout)
    : fd_(fd), name_(std::move(name)), timeout_(timeout) {}

std::string SyncSocket::MarshalSyncT(const SimMessage& message) {
  std::string out = absl::StrCat("{\"type\":", GoQuote(message.type), ",\"flags\":", message.flags);
  if (message.arg.has_value()) absl::StrAppend(&out, ",\"arg\":", *message.arg);
  out += "}";
  return out;
}

absl::Status SyncSocket::WriteRawPacket(std::string_view bytes) {
  ssize_t n;
  do {
    n = write(fd_, bytes.data(), bytes.size());
  } while (n < 0 && errno == EINTR);
  if (n < 0) return absl::UnavailableError(absl::StrCat("write ", name_, ": ", GoErrnoText(errno)));
  if (static_cast<size_t>(n) != bytes.size()) {
    return absl::UnavailableError(absl::StrCat("write ", name_, ": short write"));
  }
  return absl::OkStatus();
}

absl::Status SyncSocket::WriteSync(const SimMessage& message) {
  SimMessage m = message.AsSent();
  if (absl::Status s = WriteRawPacket(MarshalSyncT(m)); !s.ok()) {
    return absl::UnavailableError(absl::StrCat("writing sync ", m.type, ": ", s.message()));
  }
  if (!m.has_file()) return absl::OkStatus();
  if (m.file_name.size() >= kMaxNameLen) {
    return absl::InvalidArgumentError(absl::StrCat("sending file after sync \"", m.type,
                                                   "\": sendfd: filename too long: ", m.file_name));
  }
  OneFdMessage buffers(const_cast<char*>(m.file_name.data()), m.file_name.size());
  struct msghdr& msg = buffers.msg;
  struct cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(cmsg), &m.file_fd, sizeof(int));
  ssize_t n;
  do {
    n = sendmsg(fd_, &msg, 0);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    return absl::UnavailableError(
        absl::StrCat("sending file after sync \"", m.type, "\": sendmsg: ", GoErrnoText(errno)));
  }
  return absl::OkStatus();
}

absl::Status SyncSocket::WaitReadable() {
  struct pollfd p = {fd_, POLLIN, 0};
  int timeout_ms = static_cast<int>(absl::ToInt64Milliseconds(timeout_));
  absl::Time deadline = absl::Now() + timeout_;
  while (true) {
    int r = poll(&p, 1, timeout_ms);
    if (r > 0) return absl::OkStatus();
    if (r == 0) {
      return absl::DeadlineExceededError(
          absl::StrCat("gave up after ", absl::FormatDuration(timeout_),
                       " waiting for the other side (a runc peer would hang here)"));
    }
    if (errno != EINTR) return absl::UnavailableError(absl::StrCat("poll: ", GoErrnoText(errno)));
    timeout_ms = static_cast<int>(std::max<int64_t>(0, absl::ToInt64Milliseconds(deadline - absl::Now())));
  }
}

absl::Status SyncSocket::ReadPacket(std::string* packet, bool* eof) {
  *eof = false;
  if (absl::Status s = WaitReadable(); !s.ok()) return s;
  ssize_t size;
  do {
    size = recvfrom(fd_, nullptr, 0, MSG_PEEK | MSG_TRUNC, nullptr, nullptr);
  } while (size < 0 && errno == EINTR);
  if (size < 0) {
    return absl::UnavailableError(
        absl::StrCat("fetch packet length from socket: recvfrom: ", GoErrnoText(errno)));
  }
  if (size == 0) {  // closed or shut down (or a 0-byte packet, which runc takes for EOF too)
    *eof = true;
    return absl::OkStatus();
  }
  packet->assign(static_cast<size_t>(size), '\0');
  ssize_t n;
  do {
    n = read(fd_, packet->data(), packet->size());
  } while (n < 0 && errno == EINTR);
  if (n < 0) return absl::UnavailableError(absl::StrCat("read ", name_, ": ", GoErrnoText(errno)));
  if (n != size) {
    return absl::DataLossError(absl::StrCat("packet read too short: expected ", size,
                                            " byte packet but only ", n, " bytes read"));
  }
  return absl::OkStatus();
}

absl::Status SyncSocket::RecvFile(SimMessage* into) {
  if (absl::Status s = WaitReadable(); !s.ok()) return s;
  std::string name(kMaxNameLen, '\0');
  OneFdMessage buffers(name.data(), name.size());
  struct msghdr& msg = buffers.msg;
  ssize_t n;
  do {
    n = recvmsg(fd_, &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return absl::UnavailableError(absl::StrCat("recvmsg: ", GoErrnoText(errno)));
  size_t oobn = msg.msg_controllen;
  // Collect every fd that arrived, so all are closed on error.
  std::vector<int> fds;
  int scms = 0;
  for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    ++scms;
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (size_t k = 0; k < count; ++k) {
        int fd;
        std::memcpy(&fd, CMSG_DATA(c) + k * sizeof(int), sizeof(int));
        fds.push_back(fd);
      }
    }
  }
  auto fail = [&fds](std::string text) {
    for (int fd : fds) close(fd);
    return absl::InvalidArgumentError(std::move(text));
  };
  if (static_cast<size_t>(n) >= kMaxNameLen || oobn != CMSG_SPACE(sizeof(int))) {
    return fail(absl::StrCat("recvfile: incorrect number of bytes read (n=", n, " oobn=", oobn, ")"));
  }
  if (scms != 1) return fail(absl::StrCat("recvfd: number of SCMs is not 1: ", scms));
  if (fds.size() != 1) return fail(absl::StrCat("recvfd: number of fds is not 1: ", fds.size()));
  name.resize(static_cast<size_t>(n));
  into->file_fd = fds[0];
  into->file_name = std::move(name);
  return absl::OkStatus();
}

SyncReadResult SyncSocket::ReadSync() {
  SyncReadResult result;
  std::string packet;
  bool eof = false;
  if (absl::Status s = ReadPacket(&packet, &eof); !s.ok()) {
    result.error = absl::StrCat("reading sync failed: ", s.message());
    return result;
  }
  if (eof) {
    result.eof = true;
    result.error = "EOF";
    return result;
  }
  absl::StatusOr<SyncT> parsed = ParseSyncT(packet);
  if (!parsed.ok()) {
    result.error = absl::StrCat("unmarshal sync failed: ", parsed.status().message());
    return result;
  }
  SimMessage m;
  m.type = parsed->type;
  m.flags = parsed->flags;
  m.arg = parsed->arg;
  if (m.type == "procError") {
    result.message = m;
    if (!m.arg.has_value()) {
      result.error = "procError missing error payload";
      return result;
    }
    absl::StatusOr<std::string> text = ParseInitErrorMessage(*m.arg);
    result.error = text.ok() ? *text
                             : absl::StrCat("unmarshal procError failed: ", text.status().message());
    return result;
  }
  if (m.flags & kSyncFlagHasFd) {
    if (absl::Status s = RecvFile(&m); !s.ok()) {
      result.message = m;
      result.error = absl::StrCat("receiving fd from sync ", m.type, " failed: ", s.message());
      return result;
    }
  }
  result.message = std::move(m);
  return result;
}

absl::Status SyncSocket::ShutdownWrite() {
  if (shutdown(fd_, SHUT_WR) != 0) {
    return absl::UnavailableError(
        absl::StrCat("shutdown ", name_, " (sync pipe): ", GoErrnoText(errno)));
  }
  return absl::OkStatus();
}

bool SyncSocket::DrainUntilEof(std::vector<SimMessage>* late, std::string* error) {
  for (int i = 0; i < 64; ++i) {
    SyncReadResult r = ReadSync();
    if (r.eof) return true;
    if (r.message.has_value()) late->push_back(*r.message);
    if (!r.message.has_value() && !r.error.empty()) {
      *error = r.error;
      return false;
    }
  }
  *error = "too many packets after the end of the conversation";
  return false;
}

}  // namespace sim
}  // namespace synctrace
