// The event pipeline: bounded hand-over queue, dispatcher thread, decoding,
// pairing, sinks; see trace.h.
//
// Wake-ups: a relay never waits for the dispatcher. While traffic flows the
// dispatcher collects what arrived every kBatchInterval (one timed wait, no
// signal from the relays); only when it has been idle for a whole interval
// does it sleep until the next item signals it. So a burst costs the
// forwarding path one notify, not one per packet.
#include "tracer/trace.h"

#include <time.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "decoder/packet_decoder.h"
#include "decoder/pairing.h"

namespace synctrace {

int64_t MonotonicNowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

namespace {

constexpr std::chrono::milliseconds kBatchInterval(1);

enum class ItemKind : uint8_t { kStart, kPacket, kNote, kEnd };

// What only the rare, non-packet items carry (kept out of line: a queued
// packet costs its bytes plus ~100 bytes, so a full queue stays small).
struct ItemExtra {
  SessionInfo info;                // kStart
  std::string text;                // kNote, kEnd
  std::vector<Anomaly> anomalies;  // kNote
};

// One thing a producer handed over, in the order it happened.
struct Item {
  explicit Item(ItemKind k) : kind(k) {
    if (k != ItemKind::kPacket) extra = std::make_unique<ItemExtra>();
  }
  ItemKind kind;
  Direction direction = Direction::kChildToParent;
  int session = 0;
  int64_t mono_ns = 0;
  WirePacket packet;                 // kPacket
  std::unique_ptr<ItemExtra> extra;  // every other kind
};

// What the dispatcher keeps per session.
struct SessionState {
  SessionInfo info;
  PacketDecoder decoders[2];         // indexed by Direction
  int64_t pending_mono_ns[2] = {0, 0};  // arrival of a message awaiting its fd packet
  RequestPairer pairer;
};

std::string DescribeSessionInfo(const SessionInfo& info) {
  std::string out;
  auto pid = [](pid_t p) { return p == 0 ? std::string("unknown") : absl::StrCat(p); };
  absl::StrAppend(&out, "parent pid ", pid(info.parent_pid), ", child pid ",
                  pid(info.child_pid));
  if (!info.init_type.empty()) absl::StrAppend(&out, ", ", info.init_type);
  if (!info.container_id.empty()) absl::StrAppend(&out, ", container ", info.container_id);
  return out;
}

}  // namespace

struct Trace::Impl {
  Impl(std::vector<EventSink*> s, size_t cap) : sinks(std::move(s)), capacity(cap) {}

  // --- shared with producers (under mu) ---
  std::mutex mu;
  std::condition_variable wake;
  std::vector<Item> queue;
  bool dispatcher_asleep = false;
  bool closing = false;
  bool closed = false;
  std::atomic<uint64_t> dropped_total{0};
  std::atomic<uint64_t> dropped_unreported{0};
  std::atomic<int> next_session{1};

  // --- dispatcher thread only ---
  std::vector<EventSink*> sinks;
  size_t capacity;
  std::map<int, SessionState> sessions;
  uint64_t next_seq = 1;
  std::thread dispatcher;

  // Queues `item`; packets are dropped (and counted) when the queue is full.
  void Push(Item item) {
    bool notify;
    {
      std::lock_guard<std::mutex> lock(mu);
      if (closing) return;
      if (item.kind == ItemKind::kPacket && queue.size() >= capacity) {
        dropped_total.fetch_add(1, std::memory_order_relaxed);
        dropped_unreported.fetch_add(1, std::memory_order_relaxed);
        return;
      }
      queue.push_back(std::move(item));
      notify = dispatcher_asleep;
      dispatcher_asleep = false;
    }
    if (notify) wake.notify_one();
  }

  void Run() {
    std::vector<Item> batch;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mu);
        auto ready = [this] { return !queue.empty() || closing; };
        if (!ready()) {
          wake.wait_for(lock, kBatchInterval, ready);  // traffic: collect a batch
          if (!ready()) {                              // idle: sleep until signalled
            dispatcher_asleep = true;
            wake.wait(lock, ready);
          }
        }
        if (queue.empty() && closing) return;
        batch.swap(queue);
      }
      for (Item& item : batch) Dispatch(&item);
      batch.clear();
      ReportDropped();
      for (EventSink* sink : sinks) sink->Flush();
    }
  }

  void Publish(TraceEvent* event) {
    event->seq = next_seq++;
    if (event->wall == absl::Time()) {
      event->wall = absl::Now() - absl::Nanoseconds(MonotonicNowNs() - event->mono_ns);
    }
    for (EventSink* sink : sinks) sink->Consume(*event);
  }

  void ReportDropped() {
    uint64_t n = dropped_unreported.exchange(0, std::memory_order_relaxed);
    if (n == 0) return;
    TraceEvent e;
    e.kind = EventKind::kEventsDropped;
    e.mono_ns = MonotonicNowNs();
    e.dropped = n;
    e.text = absl::StrCat("dropped ", n, " events: the log fell behind");
    e.message.anomalies.push_back(
        MakeAnomaly(AnomalyCode::kEventsDropped, absl::StrCat(n, " events not shown")));
    Publish(&e);
  }

  void PublishMessage(int session, SessionState* state, Direction dir, int64_t mono_ns,
                      SyncMessage message) {
    TraceEvent e;
    e.kind = EventKind::kMessage;
    e.session = session;
    e.direction = dir;
    e.mono_ns = mono_ns;
    e.message = std::move(message);
    e.session_info = state->info;
    e.seq = next_seq;  // the pairer links by seq: give it the one Publish assigns
    state->pairer.OnMessage(&e);
    Publish(&e);
  }

  void Dispatch(Item* item) {
    SessionState& state = sessions[item->session];  // session 0: global notes
    switch (item->kind) {
      case ItemKind::kStart: {
        state.info = item->extra->info;
        state.pairer.SetExecSession(item->extra->info.init_type == "setns");
        TraceEvent e;
        e.kind = EventKind::kSessionStart;
        e.session = item->session;
        e.mono_ns = item->mono_ns;
        e.session_info = item->extra->info;
        e.text = absl::StrCat("session start: ", DescribeSessionInfo(item->extra->info));
        Publish(&e);
        return;
      }
      case ItemKind::kPacket: {
        int d = static_cast<int>(item->direction);
        bool was_awaiting = state.decoders[d].AwaitingFdPacket();
        int64_t first_mono = state.pending_mono_ns[d];
        std::vector<SyncMessage> done = state.decoders[d].Feed(std::move(item->packet));
        for (size_t i = 0; i < done.size(); ++i) {
          int64_t mono = (i == 0 && was_awaiting) ? first_mono : item->mono_ns;
          PublishMessage(item->session, &state, item->direction, mono, std::move(done[i]));
        }
        if (state.decoders[d].AwaitingFdPacket()) state.pending_mono_ns[d] = item->mono_ns;
        return;
      }
      case ItemKind::kNote: {
        TraceEvent e;
        e.kind = EventKind::kNote;
        e.session = item->session;
        e.mono_ns = item->mono_ns;
        e.text = std::move(item->extra->text);
        e.message.anomalies = std::move(item->extra->anomalies);
        Publish(&e);
        if (item->session == 0) sessions.erase(0);
        return;
      }
      case ItemKind::kEnd: {
        for (int d = 0; d < 2; ++d) {
          for (SyncMessage& m : state.decoders[d].Finish()) {
            PublishMessage(item->session, &state, static_cast<Direction>(d),
                           state.pending_mono_ns[d], std::move(m));
          }
        }
        TraceEvent e;
        e.kind = EventKind::kSessionEnd;
        e.session = item->session;
        e.mono_ns = item->mono_ns;
        e.session_info = state.info;
        e.text = item->extra->text.empty() ? "session end" : absl::StrCat("session end: ", item->extra->text);
        e.message.anomalies = state.pairer.OnSessionEnd();
        Publish(&e);
        sessions.erase(item->session);
        return;
      }
    }
  }
};

Trace::Trace(std::vector<EventSink*> sinks, int64_t start_mono_ns, size_t queue_capacity)
    : impl_(std::make_unique<Impl>(std::move(sinks), queue_capacity)),
      start_mono_ns_(start_mono_ns) {
  impl_->dispatcher = std::thread([this] { impl_->Run(); });
}

Trace::~Trace() { Close(); }

int Trace::StartSession(SessionInfo info) {
  int session = impl_->next_session.fetch_add(1);
  Item item(ItemKind::kStart);
  item.session = session;
  item.mono_ns = MonotonicNowNs();
  item.extra->info = std::move(info);
  impl_->Push(std::move(item));
  return session;
}

void Trace::OnPacket(int session, Direction direction, WirePacket packet, int64_t mono_ns) {
  Item item(ItemKind::kPacket);
  item.session = session;
  item.direction = direction;
  item.mono_ns = mono_ns;
  item.packet = std::move(packet);
  impl_->Push(std::move(item));
}

void Trace::Note(int session, std::string text, std::vector<Anomaly> anomalies) {
  Item item(ItemKind::kNote);
  item.session = session;
  item.mono_ns = MonotonicNowNs();
  item.extra->text = std::move(text);
  item.extra->anomalies = std::move(anomalies);
  impl_->Push(std::move(item));
}

void Trace::EndSession(int session, std::string why) {
  Item item(ItemKind::kEnd);
  item.session = session;
  item.mono_ns = MonotonicNowNs();
  item.extra->text = std::move(why);
  impl_->Push(std::move(item));
}

void Trace::Close() {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    if (impl_->closed) return;
    impl_->closed = true;
    impl_->closing = true;
  }
  impl_->wake.notify_one();
  impl_->dispatcher.join();
  impl_->ReportDropped();
  for (EventSink* sink : impl_->sinks) sink->Close();
}

uint64_t Trace::dropped() const {
  return impl_->dropped_total.load(std::memory_order_relaxed);
}

}  // namespace synctrace
