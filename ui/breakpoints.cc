// TUI breakpoints as a ForwardGate; see ui/breakpoints.h.
#include "ui/breakpoints.h"

#include "absl/strings/str_cat.h"
#include "decoder/sync_types.h"
#include "ui/row_format.h"

namespace synctrace {

BreakpointGate::BreakpointGate() : parser_(new JsonPacketParser) {}

BreakpointGate::~BreakpointGate() { Shutdown(); }

void BreakpointGate::UpdateArmedLocked() {
  armed_.store(!shut_down_ && (!types_.empty() || on_anomaly_ || step_pending_),
               std::memory_order_release);
}

bool BreakpointGate::ToggleType(const std::string& type) {
  std::lock_guard<std::mutex> lock(mu_);
  bool now_set = types_.insert(type).second;
  if (!now_set) types_.erase(type);
  UpdateArmedLocked();
  return now_set;
}

void BreakpointGate::SetOnAnomaly(bool on) {
  std::lock_guard<std::mutex> lock(mu_);
  on_anomaly_ = on;
  UpdateArmedLocked();
}

void BreakpointGate::ClearAll() {
  std::lock_guard<std::mutex> lock(mu_);
  types_.clear();
  on_anomaly_ = false;
  step_pending_ = false;
  UpdateArmedLocked();
}

std::vector<std::string> BreakpointGate::types() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {types_.begin(), types_.end()};
}

bool BreakpointGate::on_anomaly() const {
  std::lock_guard<std::mutex> lock(mu_);
  return on_anomaly_;
}

std::string BreakpointGate::HoldReasonLocked(Direction direction, const WirePacket& packet,
                                             std::string* what) {
  bool json_like = !packet.data.empty() && packet.data[0] == '{';
  if (!packet.fds.empty() && !json_like) return "";  // the fd packet of the message before
  SyncMessage m = parser_->Parse(packet.data);
  *what = m.type.empty() ? (json_like ? "(no type)" : "(not JSON)") : m.type;
  if (step_pending_) return "stepping";
  if (types_.count(m.type)) return absl::StrCat("breakpoint on ", m.type);
  if (on_anomaly_) {
    if (!m.anomalies.empty()) {
      return absl::StrCat("anomaly: ", Av(AnomalyName(m.anomalies.front().code)));
    }
    if (!packet.fds.empty() && !(m.flags & kSyncFlagHasFd)) return "anomaly: fds on a JSON packet";
    if (packet.control_truncated) return "anomaly: control data truncated";
    const SyncTypeInfo* info = FindSyncType(m.type_id);
    if (info && info->sender != Sender::kEither && info->sender != SenderOf(direction)) {
      return absl::StrCat("anomaly: ", Av(AnomalyName(AnomalyCode::kWrongSender)));
    }
  }
  return "";
}

void BreakpointGate::BeforeForward(int session, Direction direction, const WirePacket& packet) {
  if (!armed()) return;
  std::unique_lock<std::mutex> lock(mu_);
  if (shut_down_) return;
  std::string what;
  std::string why = HoldReasonLocked(direction, packet, &what);
  if (why.empty()) return;
  step_pending_ = false;
  UpdateArmedLocked();
  uint64_t id = next_id_++;
  held_.push_back(Held{id, session, direction, what, why});
  generation_.fetch_add(1, std::memory_order_release);
  released_.wait(lock, [&] {
    if (shut_down_) return true;
    for (const Held& h : held_) {
      if (h.id == id) return false;
    }
    return true;
  });
}

std::vector<BreakpointGate::Held> BreakpointGate::held() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {held_.begin(), held_.end()};
}

void BreakpointGate::Continue() {
  std::lock_guard<std::mutex> lock(mu_);
  held_.clear();
  step_pending_ = false;
  UpdateArmedLocked();
  generation_.fetch_add(1, std::memory_order_release);
  released_.notify_all();
}

void BreakpointGate::Step() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!held_.empty()) held_.pop_front();
  // Hold the next message too, unless one is already waiting to be the next.
  step_pending_ = held_.empty();
  UpdateArmedLocked();
  generation_.fetch_add(1, std::memory_order_release);
  released_.notify_all();
}

void BreakpointGate::Shutdown() {
  std::lock_guard<std::mutex> lock(mu_);
  shut_down_ = true;
  held_.clear();
  UpdateArmedLocked();
  generation_.fetch_add(1, std::memory_order_release);
  released_.notify_all();
}

}  // namespace synctrace
