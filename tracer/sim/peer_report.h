// File: tracer/sim/peer_report.h
//
// What one simulated runc peer experienced in a session, as it saw it from its
// own end of the sync socket: the messages it sent and received (runc's
// String() form), the files it received (name, st_dev/st_ino), whether it saw
// EOF, the error it ended with, and how its process ended. Tests compare the
// reports of a session through synctrace's relay with those of the same
// session connected directly: equal reports prove synctrace changed nothing.
//
// Example:
//   PeerReport r;  r.side = "child";  r.sent.push_back(m.String());
//   std::string wire = r.Serialize();            // child process -> launcher
//   absl::StatusOr<PeerReport> back = PeerReport::Parse(wire);
//   std::vector<std::string> diff = DiffReports(direct, relayed);  // empty: equal
#ifndef SYNCTRACE_TRACER_SIM_PEER_REPORT_H_
#define SYNCTRACE_TRACER_SIM_PEER_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace synctrace {
namespace sim {

struct ReceivedFile {
  std::string via;      // the message type that brought it ("procMountFd", "procSeccomp")
  std::string name;     // the fd packet's data (or "[pidfd_getfd]")
  int fd = -1;          // number in the receiving process
  uint64_t dev = 0;     // fstat st_dev / st_ino of the received fd
  uint64_t ino = 0;
  std::string kind;     // mountSource type ("open_tree", "plain-open") or "seccomp notify"

  bool operator==(const ReceivedFile& o) const {
    return via == o.via && name == o.name && fd == o.fd && dev == o.dev && ino == o.ino &&
           kind == o.kind;
  }
};

struct PeerReport {
  std::string side;                   // "parent" or "child"
  std::vector<std::string> sent;      // String() of each message written
  std::vector<std::string> received;  // String() of each message read
  std::vector<ReceivedFile> files;
  std::vector<std::string> late;      // read after the conversation ended
  bool saw_eof = false;
  std::string error;                  // the error it ended with; "" = success
  std::string notes;                  // e.g. "seccomp: stand-in fd (kernel refused a listener)"
  // Filled by the launcher:
  std::string exit;                   // "exit 0", "exit 255", "killed by SIGKILL"
  bool report_missing = false;        // the process ended without sending its report

  std::string Serialize() const;
  static absl::StatusOr<PeerReport> Parse(const std::string& text);
  // A few lines for humans (test failures, demo problems).
  std::string Describe() const;
};

// Differences between two reports of the same scenario; empty when equal.
std::vector<std::string> DiffReports(const PeerReport& a, const PeerReport& b);

}  // namespace sim
}  // namespace synctrace

#endif  // SYNCTRACE_TRACER_SIM_PEER_REPORT_H_
