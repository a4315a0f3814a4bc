// File: ui/event_store.h
//
// The TUI's model: every event of the trace in a compact, bounded store. Each
// event is a fixed 48-byte record (what the list needs to sort, filter by type,
// direction and session, and colour a row) plus a packed blob in a chunked byte
// arena (raw packet, file, fd description, anomalies, text). Row text is
// rendered on demand from Decode(); nothing keeps a string per row.
//
// The store also keeps the status bar's figures up to date as events arrive:
// counts by type and direction, bytes, fds, sessions (pids, running / ended /
// failed), requests waiting for their reply, anomalies, events the view missed.
//
// Bounded: beyond max_events (or max_bytes of blobs) the oldest events are
// evicted in blocks and counted (evicted()); ordinals keep counting, so an
// ordinal (0, 1, 2, ... since the start) names the same event forever.
//
// Thread-safety: Add() is called on the trace's dispatcher thread; readers take
// a Reader (which holds the store's lock) on the drawing thread. Hold a Reader
// only for the duration of a frame.
//
// Example:
//   EventStore store;
//   store.Add(event);                       // any thread
//   { EventStore::Reader r(store);          // draw thread
//     for (uint64_t o = r.begin(); o < r.end(); ++o) Draw(r.record(o), r.Decode(o)); }
#ifndef SYNCTRACE_UI_EVENT_STORE_H_
#define SYNCTRACE_UI_EVENT_STORE_H_

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "decoder/event.h"

namespace synctrace {

// What a row is. The first five mirror EventKind; kMarker is a user's "now" line.
enum class RowKind : uint8_t {
  kMessage,
  kSessionStart,
  kSessionEnd,
  kNote,
  kEventsDropped,
  kMarker,
};

// One stored event: 48 bytes.
struct StoreRecord {
  uint64_t seq;          // the trace's seq (a marker repeats the one before it)
  int64_t mono_ns;
  uint64_t pair_seq;     // request <-> reply link (0: none yet)
  int64_t latency_ns;    // replies: since the request; -1 otherwise
  uint64_t blob;         // offset of the packed rest in the arena
  uint16_t session;
  RowKind kind;
  Direction direction;
  SyncTypeId type_id;
  uint8_t anomaly_count; // saturates at 255
  uint8_t bits;          // kBit* below

  static constexpr uint8_t kBitHasFile = 1;
  static constexpr uint8_t kBitRaw = 2;
  static constexpr uint8_t kBitError = 4;    // procError, or a failed session end
  static constexpr uint8_t kBitRequest = 8;  // a type that expects a reply
  bool has(uint8_t bit) const { return (bits & bit) != 0; }
  bool notable() const { return anomaly_count > 0 || has(kBitError); }
};
static_assert(sizeof(StoreRecord) == 48, "keep the record compact");

enum class SessionState : uint8_t { kRunning, kEnded, kFailed };
std::string_view SessionStateName(SessionState state);

struct SessionSummary {
  int session = 0;
  pid_t parent_pid = 0;
  pid_t child_pid = 0;
  SessionState state = SessionState::kRunning;
  std::string end_reason;
  int64_t start_mono_ns = 0;
};

struct PendingRequest {
  int session = 0;
  Direction direction = Direction::kChildToParent;
  uint64_t seq = 0;
  SyncTypeId type_id = SyncTypeId::kUnknown;
  int64_t since_mono_ns = 0;
};

struct StoreStats {
  static constexpr int kTypes = 10;  // SyncTypeId values
  uint64_t messages = 0;
  uint64_t by_direction[2] = {0, 0};
  uint64_t by_type[kTypes][2] = {};
  uint64_t bytes = 0;                // packet data, both packets of a message
  uint64_t fds = 0;                  // fds that rode on packets
  uint64_t anomalies = 0;
  uint64_t errors = 0;               // procError messages
  uint64_t missed = 0;               // events the tracer dropped before we saw them
  uint64_t evicted = 0;              // oldest events let go to stay bounded
  int64_t first_mono_ns = 0;         // first event's time (0: none yet)
  int64_t last_mono_ns = 0;          // newest event's time
};

class EventStore {
 public:
  explicit EventStore(size_t max_events = 1000000, size_t max_blob_bytes = size_t{160} << 20);
  ~EventStore();
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  // Thread-safe.
  void Add(const TraceEvent& event);
  // A marker row ("now") with its label, at mono_ns.
  void AddMarker(int64_t mono_ns, std::string label);

  // Bumped by every Add(); lets the view know cheaply whether to redraw.
  uint64_t generation() const;

  // A locked view of the store.
  class Reader {
   public:
    explicit Reader(const EventStore& store);
    // Valid ordinals are [begin(), end()).
    uint64_t begin() const;
    uint64_t end() const;
    const StoreRecord& record(uint64_t ordinal) const;
    // The whole event back (for rows, detail, writing).
    TraceEvent Decode(uint64_t ordinal) const;
    // Ordinal of the event with this seq, or -1 when unknown / evicted.
    int64_t FindSeq(uint64_t seq) const;
    const StoreStats& stats() const;
    const std::map<int, SessionSummary>& sessions() const;
    std::vector<PendingRequest> pending() const;
    size_t blob_bytes() const;

   private:
    const EventStore& store_;
    std::lock_guard<std::mutex> lock_;
  };

 private:
  struct Arena;
  void AddLocked(StoreRecord record, const std::string& blob);
  void EvictLocked();
  void UpdateFiguresLocked(const TraceEvent& event, StoreRecord* record);

  const size_t max_events_;
  const size_t max_blob_bytes_;
  mutable std::mutex mu_;
  std::deque<StoreRecord> records_;
  uint64_t first_ordinal_ = 0;
  std::unique_ptr<Arena> arena_;
  StoreStats stats_;
  std::map<int, SessionSummary> sessions_;
  std::map<std::pair<int, int>, PendingRequest> pending_;  // (session, direction)
  std::atomic<uint64_t> generation_{0};
  std::string scratch_;
};

}  // namespace synctrace

#endif  // SYNCTRACE_UI_EVENT_STORE_H_
