// One session's forwarding loop; see relay.h.
//
// Each direction is a Flow: read from its source socket, send to its
// destination socket. A flow holds at most one packet the destination could not
// take yet (EAGAIN); while it does, it stops reading its source (so the sender
// feels backpressure as it would without synctrace) and polls the destination
// for POLLOUT. The other flow keeps going: a peer that never reads cannot stall
// the opposite direction.
//
// A flow ends when its source reaches EOF, or its destination's peer can no
// longer receive (EPIPE, POLLHUP). Ending it mirrors that to both peers:
//   shutdown(source, SHUT_RD)   -> the sender's further writes fail (EPIPE)
//   shutdown(dest,   SHUT_WR)   -> the receiver reads EOF after the last packet
// When both flows are over, both sockets are closed and the session ends.
//
// EOF versus a zero-length packet (both read as 0 bytes): a 0-byte read is EOF
// only when the source is shut down for reading (POLLRDHUP) and nothing else is
// queued (FIONREAD == 0) and no control data came with it; otherwise it was a
// 0-byte packet and is forwarded as one. The leftover ambiguity -- empty packets
// queued right before a shutdown -- reads as 0 bytes then EOF either way, so
// the receiver's view is the same.
#include "tracer/relay.h"

#include <errno.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "tracer/describe_fd.h"
#include "tracer/packet_io.h"

namespace synctrace {
namespace {

// Packets read from one source before polling again (fairness between flows).
constexpr int kReadBurst = 32;

struct Flow {
  Flow() = default;
  Flow(Direction d, int s, int t, const char* f, const char* o)
      : direction(d), source(s), dest(t), from(f), to(o) {}
  Direction direction = Direction::kChildToParent;
  int source = -1;
  int dest = -1;
  const char* from = "";  // "child" / "parent": who sends in this direction
  const char* to = "";
  bool done = false;
  std::optional<ReceivedPacket> pending;  // read, not yet accepted by dest
  int64_t pending_mono_ns = 0;
};

// DirectionName() for absl::StrCat (Debian's absl has its own string_view).
absl::string_view DirName(Direction d) {
  std::string_view name = DirectionName(d);
  return absl::string_view(name.data(), name.size());
}

bool IsEof(int fd) {
  pollfd p{fd, POLLRDHUP, 0};
  if (poll(&p, 1, 0) != 1 || (p.revents & (POLLRDHUP | POLLHUP)) == 0) return false;
  return QueuedBytes(fd) == 0;
}

}  // namespace

Relay::Relay(int parent_fd, int child_fd, int session, Trace* trace, ForwardGate* gate)
    : parent_fd_(parent_fd),
      child_fd_(child_fd),
      session_(session),
      trace_(trace),
      gate_(gate),
      wake_fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

Relay::~Relay() {
  if (parent_fd_ >= 0) close(parent_fd_);
  if (child_fd_ >= 0) close(child_fd_);
  if (wake_fd_ >= 0) close(wake_fd_);
}

void Relay::Stop() {
  uint64_t one = 1;
  if (wake_fd_ >= 0) (void)!write(wake_fd_, &one, sizeof(one));
}

namespace {

// The loop's state and steps; Relay::Run() drives it.
class FlowLoop {
 public:
  FlowLoop(int parent_fd, int child_fd, int session, Trace* trace, ForwardGate* gate)
      : session_(session), trace_(trace), gate_(gate) {
    flows_[0] = Flow{Direction::kChildToParent, child_fd, parent_fd, "child", "parent"};
    flows_[1] = Flow{Direction::kParentToChild, parent_fd, child_fd, "parent", "child"};
  }

  bool Done() const { return flows_[0].done && flows_[1].done; }
  RelayResult& result() { return result_; }
  Flow& flow(int i) { return flows_[i]; }

  // Fills the poll entry of socket `fd`, read by flow `reader`, written by `writer`.
  void FillPoll(pollfd* p, int fd, Flow& reader, Flow& writer) {
    p->fd = fd;
    p->events = 0;
    p->revents = 0;
    bool reading = !reader.done && !reader.pending;
    if (reading) p->events |= POLLIN | POLLRDHUP;
    if (!writer.done && writer.pending) p->events |= POLLOUT;
    // A live writer watches its destination even when idle, for POLLHUP.
    if (!reading && writer.done) p->fd = -1;
  }

  // One round after poll() reported `rev_parent` / `rev_child`.
  void Step(short rev_parent, short rev_child) {
    short rev_source[2] = {rev_child, rev_parent};
    short rev_dest[2] = {rev_parent, rev_child};
    for (int i = 0; i < 2; ++i) {
      Flow& f = flows_[i];
      if (f.done) continue;
      if (f.pending && (rev_dest[i] & (POLLOUT | POLLERR | POLLHUP))) TrySendPending(f);
      if (f.done) continue;
      if (!f.pending && (rev_source[i] & (POLLIN | POLLRDHUP | POLLHUP | POLLERR))) Read(f);
    }
    for (int i = 0; i < 2; ++i) {
      Flow& f = flows_[i];
      if (!f.done && (rev_dest[i] & POLLHUP)) {
        Finish(f, absl::StrCat("the ", f.to, " closed its end; ", f.from,
                               "'s further writes fail as they would without synctrace"));
      } else if ((rev_dest[i] & POLLERR) && (f.done || f.pending)) {
        ConsumeSocketError(f.dest, f.to);  // nobody reads it: clear it, no busy loop
      }
    }
  }

  // Both sockets are about to be closed (Stop, or a forwarding error).
  void Abandon(const std::string& why) {
    for (Flow& f : flows_) {
      if (!f.done) Finish(f, why);
    }
  }

 private:
  void Read(Flow& f) {
    for (int burst = 0; burst < kReadBurst && !f.done && !f.pending; ++burst) {
      ReceivedPacket packet;
      ssize_t n = ReceivePacket(f.source, &packet);
      if (n == -EAGAIN) return;
      if (n == -ECONNRESET) {
        trace_->Note(session_, absl::StrCat(DirName(f.direction),
                                            ": the ", f.from, " reset the connection "
                                            "(it closed with unread data)"));
        continue;
      }
      if (n < 0) {
        Fail(f, absl::StrCat("reading from the ", f.from, ": ", std::strerror(static_cast<int>(-n))));
        return;
      }
      if (n == 0 && !packet.had_control && IsEof(f.source)) {
        Finish(f, absl::StrCat("EOF from the ", f.from, "; passed on to the ", f.to));
        return;
      }
      Forward(f, std::move(packet), MonotonicNowNs());
    }
  }

  void Forward(Flow& f, ReceivedPacket packet, int64_t mono_ns) {
    if (gate_ != nullptr) {
      WirePacket view;
      view.data = packet.data;
      for (const UniqueFd& fd : packet.fds) {
        FdDescription d;
        d.fd = fd.get();
        view.fds.push_back(std::move(d));
      }
      view.control_truncated = packet.control_truncated;
      gate_->BeforeForward(session_, f.direction, view);
    }
    ssize_t sent = SendPacket(f.dest, packet.data, packet.fds);
    if (sent == -EAGAIN) {
      f.pending = std::move(packet);
      f.pending_mono_ns = mono_ns;
      return;
    }
    Delivered(f, std::move(packet), mono_ns, sent);
  }

  void TrySendPending(Flow& f) {
    ssize_t sent = SendPacket(f.dest, f.pending->data, f.pending->fds);
    if (sent == -EAGAIN) return;
    ReceivedPacket packet = std::move(*f.pending);
    f.pending.reset();
    Delivered(f, std::move(packet), f.pending_mono_ns, sent);
  }

  // The send returned `sent`: publish the packet, or end the flow on failure.
  void Delivered(Flow& f, ReceivedPacket packet, int64_t mono_ns, ssize_t sent) {
    WirePacket wire;
    wire.control_truncated = packet.control_truncated;
    for (UniqueFd& fd : packet.fds) wire.fds.push_back(DescribeFd(fd.get()));
    packet.fds.clear();  // closes synctrace's copies
    wire.data = std::move(packet.data);
    if (sent < 0) {
      int err = static_cast<int>(-sent);
      trace_->OnPacket(session_, f.direction, std::move(wire), mono_ns);
      if (err == EPIPE || err == ECONNRESET || err == ENOTCONN) {
        Finish(f, absl::StrCat("the ", f.to, " can no longer receive; this packet and later "
                               "ones from the ", f.from, " were not delivered"));
      } else {
        Fail(f, absl::StrCat("sending to the ", f.to, ": ", std::strerror(err)));
      }
      return;
    }
    int d = static_cast<int>(f.direction);
    result_.packets[d] += 1;
    result_.bytes[d] += wire.data.size();
    result_.fds[d] += wire.fds.size();
    trace_->OnPacket(session_, f.direction, std::move(wire), mono_ns);
  }

  // Ends flow `f` and mirrors it to both peers (see the top of this file).
  void Finish(Flow& f, const std::string& why) {
    f.done = true;
    f.pending.reset();
    shutdown(f.source, SHUT_RD);
    shutdown(f.dest, SHUT_WR);
    trace_->Note(session_, absl::StrCat(DirName(f.direction), ": ", why));
    if (!result_.end_reason.empty()) absl::StrAppend(&result_.end_reason, "; ");
    absl::StrAppend(&result_.end_reason, DirName(f.direction), " ", why);
  }

  void Fail(Flow& f, const std::string& why) {
    result_.ok = false;
    Finish(f, why);
  }

  void ConsumeSocketError(int fd, const char* side) {
    int err = 0;
    socklen_t len = sizeof(err);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err != 0) {
      trace_->Note(session_, absl::StrCat("the ", side, "'s socket reported: ",
                                          std::strerror(err)));
    }
  }

  int session_;
  Trace* trace_;
  ForwardGate* gate_;
  Flow flows_[2];
  RelayResult result_;
};

}  // namespace

RelayResult Relay::Run() {
  FlowLoop loop(parent_fd_, child_fd_, session_, trace_, gate_);
  bool stopped = false;
  while (!loop.Done()) {
    pollfd p[3];
    // parent_fd: read by child<-parent flow [1], written by flow [0]; and vice versa.
    loop.FillPoll(&p[0], parent_fd_, loop.flow(1), loop.flow(0));
    loop.FillPoll(&p[1], child_fd_, loop.flow(0), loop.flow(1));
    p[2] = pollfd{wake_fd_, POLLIN, 0};
    int n = poll(p, 3, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      loop.Abandon(absl::StrCat("waiting for traffic: ", std::strerror(errno)));
      loop.result().ok = false;
      break;
    }
    if (p[2].revents & POLLIN) {
      stopped = true;
      loop.Abandon("synctrace is stopping");
      break;
    }
    loop.Step(p[0].revents, p[1].revents);
  }
  close(parent_fd_);
  close(child_fd_);
  parent_fd_ = child_fd_ = -1;
  RelayResult result = std::move(loop.result());
  if (stopped) result.end_reason = "stopped by synctrace";
  trace_->EndSession(session_, result.end_reason);
  return result;
}

}  // namespace synctrace
