// File: tracer/sim/sync_socket.h
//
// runc's end of the sync socket, as the simulated peers speak it (runc 1.2+
// libcontainer/sync.go, sync_unix.go, internal/cmsg):
//   write: the JSON packet in ONE write(2) ({"type":..,"flags":..,"arg":..},
//          compact, Go-escaped), flags bit 0 set iff a file follows; then the
//          file packet by sendmsg(2): data = the file's name, one SCM_RIGHTS fd.
//   read:  recvfrom(NULL, 0, MSG_PEEK|MSG_TRUNC) learns the size (0 = EOF),
//          then exactly that many bytes are read; procError becomes the
//          initError's message; flags bit 0 -> RecvFile: recvmsg with a
//          4096-byte name buffer and room for exactly one fd, MSG_CMSG_CLOEXEC,
//          anything but one SCM_RIGHTS with one fd is rejected (fds closed).
// Error texts are runc's/Go's ("unmarshal sync failed: ...", "recvfd: number
// of fds is not 1: 2", "writing sync procRun: write sync-p: broken pipe").
// Unlike runc, every read gives up after `timeout` so a simulated peer never
// hangs on a broken counterpart.
//
// Example:
//   SyncSocket sock(fd, "sync-p", absl::Seconds(30));
//   sock.WriteSync(SimMessage::Of("procRun"));
//   SyncReadResult r = sock.ReadSync();
//   if (r.eof) ...; else if (!r.error.empty()) ...; else Use(*r.message);
#ifndef SYNCTRACE_TRACER_SIM_SYNC_SOCKET_H_
#define SYNCTRACE_TRACER_SIM_SYNC_SOCKET_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace synctrace {
namespace sim {

// runc's syncT together with its file (an fd this process holds, or -1).
struct SimMessage {
  std::string type;
  int64_t flags = 0;
  std::optional<std::string> arg;  // raw JSON bytes
  int file_fd = -1;                // fd in this process (sender: the fd to send)
  std::string file_name;           // os.File name: the name sent/received

  static SimMessage Of(std::string type, std::optional<std::string> arg = std::nullopt) {
    SimMessage m;
    m.type = std::move(type);
    m.arg = std::move(arg);
    return m;
  }
  bool has_file() const { return file_fd >= 0; }
  // The message as WriteSync sends it: flags bit 0 set iff it has a file.
  SimMessage AsSent() const;
  // runc's syncT.String(): "type:procMountFd flags:0b1 arg:{...} file:/data (fd:9)".
  std::string String() const;
};

struct SyncReadResult {
  bool eof = false;                    // the other side closed or shut down
  std::optional<SimMessage> message;   // what was read (also with procError / fd errors)
  std::string error;                   // Go's error text; "" when fine (and not EOF)
};

// Go's text for an errno ("broken pipe", "no such file or directory").
std::string GoErrnoText(int err);

class SyncSocket {
 public:
  // Does not take ownership of fd. `name` is the os.File name runc gives this
  // end ("sync-p" in the parent, "sync" in runc init); it appears in errors.
  SyncSocket(int fd, std::string name, absl::Duration timeout);

  int fd() const { return fd_; }

  // doWriteSync: sets flags bit 0 iff message.has_file(), writes the JSON
  // packet in one write(), then the file packet. Error text as runc's.
  absl::Status WriteSync(const SimMessage& message);
  // The JSON packet exactly as WriteSync would write it (flags as given).
  static std::string MarshalSyncT(const SimMessage& message);

  // For deliberately broken peers: one write() of arbitrary bytes.
  absl::Status WriteRawPacket(std::string_view bytes);

  // doReadSync.
  SyncReadResult ReadSync();

  // shutdown(fd, SHUT_WR), as the runc parent does when its loop ends.
  absl::Status ShutdownWrite();

  // Waits until EOF, collecting whatever still arrives (runc's parent waits for
  // the child to exit; a child that is done waits for the parent's shutdown).
  // Returns false on timeout or read error (described in *error).
  bool DrainUntilEof(std::vector<SimMessage>* late, std::string* error);

 private:
  // ReadPacket: kEof with empty data on EOF.
  absl::Status ReadPacket(std::string* packet, bool* eof);
  absl::Status RecvFile(SimMessage* into);
  absl::Status WaitReadable();

  int fd_;
  std::string name_;
  absl::Duration timeout_;
};

}  // namespace sim
}  // namespace synctrace

#endif  // SYNCTRACE_TRACER_SIM_SYNC_SOCKET_H_
