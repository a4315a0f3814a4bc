// One session's forwarding; see relay.h.
//
// Threads: each direction is a Flow with its own thread: wait for the next
// packet (recv MSG_PEEK|MSG_TRUNC), read it whole, send it whole, then publish
// it. That is the fewest system calls per packet (the same count as a minimal
// poll() relay), and a destination that never reads blocks only its own flow:
// the sender then feels the backpressure it would feel without synctrace, and
// the opposite direction keeps going.
//
// Order: forward first, publish second -- yet a reply must never reach the
// Trace before its request, though the two flows run on two threads. So the
// send and the publish of one packet happen under one per-session lock
// (order_mu_): a reply can only be read after its request was sent, and its
// own send waits for that lock, which the request's flow releases only once
// the request is published. The send under the lock never blocks
// (MSG_DONTWAIT); when the destination is full the flow drops the lock and
// waits for room with poll(), so a peer that never reads still stalls only its
// own direction. Run()'s thread
// waits on an eventfd (Stop(), a flow ending) and watches each live flow's
// destination for POLLHUP: that peer is gone, so its flow ends even while the
// source is silent.
//
// A flow ends when its source reaches EOF, or its destination's peer can no
// longer receive (EPIPE, POLLHUP). Ending it mirrors that to both peers:
//   shutdown(source, SHUT_RD)   -> the sender's further writes fail (EPIPE)
//   shutdown(dest,   SHUT_WR)   -> the receiver reads EOF after the last packet
// These shutdowns also wake the flow's thread if it is blocked. When both flows
// are over, both sockets are closed and the session ends.
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
#include <mutex>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "decoder/absl_compat.h"
#include "tracer/describe_fd.h"
#include "tracer/packet_io.h"

namespace synctrace {
namespace {

struct Flow {
  Direction direction = Direction::kChildToParent;
  int source = -1;
  int dest = -1;
  const char* from = "";  // "child" / "parent": who sends in this direction
  const char* to = "";
  std::atomic<bool> done{false};
};

// Both flows of one session and what they share.
class FlowPair {
 public:
  FlowPair(int parent_fd, int child_fd, int session, Trace* trace, ForwardGate* gate,
           int wake_fd)
      : session_(session), trace_(trace), gate_(gate), wake_fd_(wake_fd) {
    Init(&flows_[0], Direction::kChildToParent, child_fd, parent_fd, "child", "parent");
    Init(&flows_[1], Direction::kParentToChild, parent_fd, child_fd, "parent", "child");
  }

  Flow& flow(int i) { return flows_[i]; }
  bool AllDone() const { return flows_[0].done && flows_[1].done; }

  // Forwards flow `i` until it ends (on its own thread).
  void Run(int i) {
    Flow& f = flows_[i];
    while (!f.done) {
      ReceivedPacket packet;
      ssize_t n = ReceivePacket(f.source, &packet, /*wait=*/true);
      if (f.done) return;  // ended from outside while we waited
      if (n == -ECONNRESET) {
        trace_->Note(session_, absl::StrCat(Av(DirectionName(f.direction)), ": the ", f.from,
                                            " reset the connection (closed with unread data)"));
        continue;
      }
      if (n < 0) {
        Fail(f, absl::StrCat("reading from the ", f.from, ": ", std::strerror(static_cast<int>(-n))));
        return;
      }
      if (n == 0 && !packet.had_control && ShutDownAndDrained(f.source)) {
        Finish(f, absl::StrCat("EOF from the ", f.from, "; passed on to the ", f.to));
        return;
      }
      int64_t mono_ns = MonotonicNowNs();
      if (gate_ != nullptr) Hold(f, &packet);
      ForwardThenPublish(f, std::move(packet), mono_ns);
    }
  }

  // Ends flow `f` once and mirrors it to both peers (see the top of this file).
  void Finish(Flow& f, const std::string& why) {
    if (f.done.exchange(true)) return;
    shutdown(f.source, SHUT_RD);
    shutdown(f.dest, SHUT_WR);
    trace_->Note(session_, absl::StrCat(Av(DirectionName(f.direction)), ": ", why));
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!result_.end_reason.empty()) absl::StrAppend(&result_.end_reason, "; ");
      absl::StrAppend(&result_.end_reason, Av(DirectionName(f.direction)), ": ", why);
    }
    uint64_t one = 1;
    (void)!write(wake_fd_, &one, sizeof(one));  // Run() re-checks what is left
  }

  void Fail(Flow& f, const std::string& why) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      result_.ok = false;
    }
    Finish(f, why);
  }

  // A socket error nobody reads (its reading flow is over): clear it, note it.
  void ConsumeSocketError(int fd, const char* side) {
    int err = 0;
    socklen_t len = sizeof(err);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err != 0) {
      trace_->Note(session_, absl::StrCat("the ", side, "'s socket reported: ",
                                          std::strerror(err)));
    }
  }

  RelayResult TakeResult() {
    std::lock_guard<std::mutex> lock(mu_);
    for (int d = 0; d < 2; ++d) {
      result_.packets[d] = packets_[d];
      result_.bytes[d] = bytes_[d];
      result_.fds[d] = fds_[d];
    }
    return std::move(result_);
  }

 private:
  static void Init(Flow* f, Direction d, int source, int dest, const char* from,
                   const char* to) {
    f->direction = d;
    f->source = source;
    f->dest = dest;
    f->from = from;
    f->to = to;
  }

  // The gate sees the packet's bytes and fd numbers before it is forwarded.
  // The bytes are lent to the gate's view and taken back (no copy per packet).
  void Hold(Flow& f, ReceivedPacket* packet) {
    WirePacket view;
    view.data = std::move(packet->data);
    for (const UniqueFd& fd : packet->fds) {
      FdDescription d;
      d.fd = fd.get();
      view.fds.push_back(std::move(d));
    }
    view.control_truncated = packet->control_truncated;
    gate_->BeforeForward(session_, f.direction, view);
    packet->data = std::move(view.data);
  }

  // Sends the packet, then (still under order_mu_, see the top of this file)
  // describes its fds -- synctrace's copies, still open -- and hands it to the
  // Trace; then closes the copies.
  void ForwardThenPublish(Flow& f, ReceivedPacket packet, int64_t mono_ns) {
    std::unique_lock<std::mutex> lock(order_mu_);
    ssize_t sent;
    while ((sent = SendPacket(f.dest, packet.data, packet.fds, /*wait=*/false)) == -EAGAIN) {
      lock.unlock();
      pollfd p{f.dest, POLLOUT, 0};
      poll(&p, 1, /*timeout_ms=*/100);  // re-checks `done`: Finish() may end the flow
      if (f.done) return;
      lock.lock();
    }
    if (sent >= 0) Publish(f, &packet, mono_ns);
    lock.unlock();
    Delivered(f, std::move(packet), sent);
  }

  void Publish(Flow& f, ReceivedPacket* packet, int64_t mono_ns) {
    WirePacket wire;
    wire.control_truncated = packet->control_truncated;
    for (const UniqueFd& fd : packet->fds) wire.fds.push_back(DescribeFd(fd.get()));
    int d = static_cast<int>(f.direction);
    packets_[d] += 1;
    bytes_[d] += packet->data.size();
    fds_[d] += packet->fds.size();
    wire.data = std::move(packet->data);
    trace_->OnPacket(session_, f.direction, std::move(wire), mono_ns);
  }

  // The send returned `sent`: close synctrace's fd copies, and end the flow if
  // the destination could not take it.
  void Delivered(Flow& f, ReceivedPacket packet, ssize_t sent) {
    packet.fds.clear();  // closes synctrace's copies
    if (sent >= 0) return;
    int err = static_cast<int>(-sent);
    if (err == EPIPE || err == ECONNRESET || err == ENOTCONN) {
      Finish(f, absl::StrCat("the ", f.to, " can no longer receive; this packet and later "
                             "ones from the ", f.from, " were not delivered"));
    } else {
      Fail(f, absl::StrCat("sending to the ", f.to, ": ", std::strerror(err)));
    }
  }

  int session_;
  Trace* trace_;
  ForwardGate* gate_;
  int wake_fd_;
  Flow flows_[2];
  uint64_t packets_[2] = {0, 0};  // each written only by its flow's thread
  uint64_t bytes_[2] = {0, 0};
  uint64_t fds_[2] = {0, 0};
  std::mutex order_mu_;  // one packet's send + publish (see the top of this file)
  std::mutex mu_;
  RelayResult result_;
};

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

void Relay::Stop() {  // async-signal-safe: an atomic store and a write
  stop_requested_.store(true);
  uint64_t one = 1;
  if (wake_fd_ >= 0) (void)!write(wake_fd_, &one, sizeof(one));
}

RelayResult Relay::Run() {
  FlowPair flows(parent_fd_, child_fd_, session_, trace_, gate_, wake_fd_);
  std::thread threads[2] = {std::thread([&] { flows.Run(0); }),
                            std::thread([&] { flows.Run(1); })};
  bool stopped = false;
  while (!flows.AllDone()) {
    pollfd p[3] = {{wake_fd_, POLLIN, 0}};
    int watched[3] = {-1, -1, -1};  // flow index per poll entry
    int n = 1;
    for (int i = 0; i < 2; ++i) {
      if (flows.flow(i).done) continue;
      p[n] = pollfd{flows.flow(i).dest, 0, 0};  // POLLHUP/POLLERR come unasked
      watched[n++] = i;
    }
    if (poll(p, static_cast<nfds_t>(n), -1) < 0) {
      if (errno == EINTR) continue;
      for (int i = 0; i < 2; ++i) {
        flows.Fail(flows.flow(i), absl::StrCat("waiting: ", std::strerror(errno)));
      }
      break;
    }
    if (p[0].revents & POLLIN) {
      uint64_t count;
      (void)!read(wake_fd_, &count, sizeof(count));
      if (stop_requested_.load() && !stopped) {
        stopped = true;
        for (int i = 0; i < 2; ++i) flows.Finish(flows.flow(i), "synctrace is stopping");
      }
    }
    for (int k = 1; k < n; ++k) {
      Flow& f = flows.flow(watched[k]);
      if (p[k].revents & POLLHUP) {
        flows.Finish(f, absl::StrCat("the ", f.to, " closed its end; the ", f.from,
                                     "'s further writes fail as they would without synctrace"));
      } else if (p[k].revents & POLLERR) {
        flows.ConsumeSocketError(f.dest, f.to);
      }
    }
  }
  for (std::thread& t : threads) t.join();
  close(parent_fd_);
  close(child_fd_);
  parent_fd_ = child_fd_ = -1;
  RelayResult result = flows.TakeResult();
  if (stopped) result.end_reason = "stopped by synctrace";
  trace_->EndSession(session_, result.end_reason);
  return result;
}

}  // namespace synctrace
