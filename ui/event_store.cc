// The TUI's compact, bounded event store; see ui/event_store.h.
#include "ui/event_store.h"

#include <algorithm>
#include <cstring>

#include "decoder/sync_types.h"
#include "ui/event_blob.h"

namespace synctrace {

// Blobs live in chunks; an offset is (chunk number << 32) | offset in chunk.
struct EventStore::Arena {
  static constexpr size_t kChunkBytes = size_t{1} << 20;
  struct Chunk {
    std::unique_ptr<char[]> data;
    size_t size = 0;
    size_t used = 0;
  };
  std::deque<Chunk> chunks;
  uint64_t first_chunk = 0;  // number of chunks.front()
  size_t bytes = 0;          // allocated

  uint64_t Append(const std::string& blob) {
    if (chunks.empty() || chunks.back().size - chunks.back().used < blob.size()) {
      Chunk c;
      c.size = std::max(kChunkBytes, blob.size());
      c.data.reset(new char[c.size]);
      bytes += c.size;
      chunks.push_back(std::move(c));
    }
    Chunk& c = chunks.back();
    uint64_t offset = ((first_chunk + chunks.size() - 1) << 32) | c.used;
    std::memcpy(c.data.get() + c.used, blob.data(), blob.size());
    c.used += blob.size();
    return offset;
  }
  const char* At(uint64_t offset) const {
    return chunks[(offset >> 32) - first_chunk].data.get() + (offset & 0xffffffffu);
  }
  // Frees every chunk before the one holding `offset`.
  void ReleaseBefore(uint64_t offset) {
    while ((offset >> 32) > first_chunk && !chunks.empty()) {
      bytes -= chunks.front().size;
      chunks.pop_front();
      ++first_chunk;
    }
  }
};

std::string_view SessionStateName(SessionState state) {
  switch (state) {
    case SessionState::kRunning: return "running";
    case SessionState::kEnded: return "ended";
    case SessionState::kFailed: return "failed";
  }
  return "?";
}

EventStore::EventStore(size_t max_events, size_t max_blob_bytes)
    : max_events_(std::max<size_t>(max_events, 16)),
      max_blob_bytes_(std::max(max_blob_bytes, Arena::kChunkBytes * 4)),
      arena_(new Arena) {}

EventStore::~EventStore() = default;

uint64_t EventStore::generation() const { return generation_.load(std::memory_order_acquire); }

void EventStore::Add(const TraceEvent& event) {
  StoreRecord r{};
  r.seq = event.seq;
  r.mono_ns = event.mono_ns;
  r.pair_seq = event.pair_seq;
  r.latency_ns = event.latency_ns;
  r.session = static_cast<uint16_t>(event.session);
  r.kind = static_cast<RowKind>(event.kind);
  r.direction = event.direction;
  r.type_id = event.kind == EventKind::kMessage ? event.message.type_id : SyncTypeId::kUnknown;
  r.anomaly_count = static_cast<uint8_t>(std::min<size_t>(event.anomalies().size(), 255));
  std::lock_guard<std::mutex> lock(mu_);
  UpdateFiguresLocked(event, &r);
  scratch_.clear();
  PackEventBlob(event, &scratch_);
  AddLocked(r, scratch_);
}

void EventStore::AddMarker(int64_t mono_ns, std::string label) {
  TraceEvent e;
  e.mono_ns = mono_ns;
  e.text = std::move(label);
  StoreRecord r{};
  r.mono_ns = mono_ns;
  r.latency_ns = -1;
  r.kind = RowKind::kMarker;
  std::lock_guard<std::mutex> lock(mu_);
  r.seq = records_.empty() ? 0 : records_.back().seq;
  scratch_.clear();
  PackEventBlob(e, &scratch_);
  AddLocked(r, scratch_);
}

void EventStore::AddLocked(StoreRecord record, const std::string& blob) {
  record.blob = arena_->Append(blob);
  records_.push_back(record);
  EvictLocked();
  generation_.fetch_add(1, std::memory_order_release);
}

void EventStore::EvictLocked() {
  if (records_.size() <= max_events_ && arena_->bytes <= max_blob_bytes_) return;
  // Let go of a block at once, so eviction is rare and cheap.
  size_t drop = std::max<size_t>(max_events_ / 16, 1);
  if (records_.size() <= max_events_) {  // over the byte budget: drop a chunk's worth at least
    uint64_t first_chunk = records_.front().blob >> 32;
    size_t n = 0;
    while (n < records_.size() - 1 && (records_[n].blob >> 32) == first_chunk) ++n;
    drop = std::max<size_t>(n, 1);
  }
  drop = std::min(drop, records_.size() - 1);
  records_.erase(records_.begin(), records_.begin() + static_cast<std::ptrdiff_t>(drop));
  first_ordinal_ += drop;
  stats_.evicted += drop;
  arena_->ReleaseBefore(records_.front().blob);
}

void EventStore::UpdateFiguresLocked(const TraceEvent& e, StoreRecord* r) {
  if (stats_.first_mono_ns == 0) stats_.first_mono_ns = e.mono_ns;
  stats_.last_mono_ns = std::max(stats_.last_mono_ns, e.mono_ns);
  stats_.anomalies += e.anomalies().size();
  SessionSummary* session = nullptr;
  if (e.session > 0) {
    session = &sessions_[e.session];
    session->session = e.session;
    if (session->start_mono_ns == 0) session->start_mono_ns = e.mono_ns;
  }
  switch (e.kind) {
    case EventKind::kMessage: {
      const SyncMessage& m = e.message;
      ++stats_.messages;
      int dir = static_cast<int>(e.direction);
      ++stats_.by_direction[dir];
      int type = static_cast<int>(m.type_id);
      if (type < StoreStats::kTypes) ++stats_.by_type[type][dir];
      stats_.bytes += m.raw.size() + (m.file ? m.file->name.size() : 0);
      stats_.fds += m.stray_fds.size() + (m.file && m.file->fd.fd >= 0 ? 1 : 0);
      if (m.file) r->bits |= StoreRecord::kBitHasFile;
      if (m.is_raw_packet) r->bits |= StoreRecord::kBitRaw;
      if (m.type_id == SyncTypeId::kProcError) {
        r->bits |= StoreRecord::kBitError;
        ++stats_.errors;
        if (session) session->state = SessionState::kFailed;
      }
      const SyncTypeInfo* info = FindSyncType(m.type_id);
      if (info && info->is_request && !m.is_raw_packet) {
        r->bits |= StoreRecord::kBitRequest;
        pending_[{e.session, dir}] = PendingRequest{e.session, e.direction, e.seq, m.type_id,
                                                    e.mono_ns};
      }
      if (e.pair_seq != 0 && e.latency_ns >= 0) {  // a reply: link its request back
        for (auto it = pending_.begin(); it != pending_.end(); ++it) {
          if (it->second.seq == e.pair_seq) {
            pending_.erase(it);
            break;
          }
        }
        auto rec = std::lower_bound(
            records_.begin(), records_.end(), e.pair_seq,
            [](const StoreRecord& x, uint64_t seq) { return x.seq < seq; });
        for (; rec != records_.end() && rec->seq <= e.pair_seq; ++rec) {
          if (rec->seq == e.pair_seq && rec->kind == RowKind::kMessage) {
            rec->pair_seq = e.seq;
            break;
          }
        }
      }
      break;
    }
    case EventKind::kSessionStart:
      if (session) {
        session->parent_pid = e.session_info.parent_pid;
        session->child_pid = e.session_info.child_pid;
        session->state = SessionState::kRunning;
      }
      break;
    case EventKind::kSessionEnd:
      if (session) {
        if (e.session_info.parent_pid) session->parent_pid = e.session_info.parent_pid;
        if (e.session_info.child_pid) session->child_pid = e.session_info.child_pid;
        if (session->state == SessionState::kRunning) {
          session->state = e.anomalies().empty() ? SessionState::kEnded : SessionState::kFailed;
        }
        session->end_reason = e.text;
        if (session->state == SessionState::kFailed) r->bits |= StoreRecord::kBitError;
      }
      for (auto it = pending_.begin(); it != pending_.end();) {
        it = it->first.first == e.session ? pending_.erase(it) : std::next(it);
      }
      break;
    case EventKind::kNote:
      if (session && e.session_info.parent_pid) session->parent_pid = e.session_info.parent_pid;
      if (session && e.session_info.child_pid) session->child_pid = e.session_info.child_pid;
      break;
    case EventKind::kEventsDropped:
      stats_.missed += e.dropped;
      break;
  }
}

EventStore::Reader::Reader(const EventStore& store) : store_(store), lock_(store.mu_) {}

uint64_t EventStore::Reader::begin() const { return store_.first_ordinal_; }
uint64_t EventStore::Reader::end() const {
  return store_.first_ordinal_ + store_.records_.size();
}

const StoreRecord& EventStore::Reader::record(uint64_t ordinal) const {
  return store_.records_[ordinal - store_.first_ordinal_];
}

TraceEvent EventStore::Reader::Decode(uint64_t ordinal) const {
  const StoreRecord& r = record(ordinal);
  TraceEvent e;
  e.seq = r.seq;
  e.mono_ns = r.mono_ns;
  e.session = r.session;
  e.kind = r.kind == RowKind::kMarker ? EventKind::kNote : static_cast<EventKind>(r.kind);
  e.direction = r.direction;
  e.pair_seq = r.pair_seq;
  e.latency_ns = r.latency_ns;
  e.message.type_id = r.type_id;
  UnpackEventBlob(store_.arena_->At(r.blob), &e);
  return e;
}

int64_t EventStore::Reader::FindSeq(uint64_t seq) const {
  if (seq == 0) return -1;
  const auto& records = store_.records_;
  // Seqs never go down (a marker repeats the seq before it).
  auto it = std::lower_bound(records.begin(), records.end(), seq,
                             [](const StoreRecord& x, uint64_t s) { return x.seq < s; });
  for (; it != records.end() && (it->seq <= seq); ++it) {
    if (it->seq == seq && it->kind != RowKind::kMarker) return static_cast<int64_t>(store_.first_ordinal_ + (it - records.begin()));
  }
  return -1;
}

const StoreStats& EventStore::Reader::stats() const { return store_.stats_; }
const std::map<int, SessionSummary>& EventStore::Reader::sessions() const {
  return store_.sessions_;
}
std::vector<PendingRequest> EventStore::Reader::pending() const {
  std::vector<PendingRequest> out;
  for (const auto& [key, p] : store_.pending_) out.push_back(p);
  return out;
}
size_t EventStore::Reader::blob_bytes() const { return store_.arena_->bytes; }

}  // namespace synctrace
