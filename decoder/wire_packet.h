// File: decoder/wire_packet.h
//
// One SOCK_SEQPACKET packet as it crossed the sync socket: its bytes, the fds
// that rode on it (already described, since the tracer closes its copies right
// after forwarding), and whether the kernel cut the control data (MSG_CTRUNC).
// This is the decoder's input; it holds no open fd.
#ifndef SYNCTRACE_DECODER_WIRE_PACKET_H_
#define SYNCTRACE_DECODER_WIRE_PACKET_H_

#include <string>
#include <vector>

#include "decoder/fd_description.h"

namespace synctrace {

struct WirePacket {
  std::string data;
  std::vector<FdDescription> fds;
  bool control_truncated = false;
};

}  // namespace synctrace

#endif  // SYNCTRACE_DECODER_WIRE_PACKET_H_
