// RequestPairer: links replies to requests using the protocol table (pairing.h).
#include "decoder/pairing.h"

#include "absl/strings/str_cat.h"
#include "decoder/absl_compat.h"

namespace synctrace {
namespace {

int Index(Direction d) { return d == Direction::kChildToParent ? 0 : 1; }
Direction Opposite(Direction d) {
  return d == Direction::kChildToParent ? Direction::kParentToChild : Direction::kChildToParent;
}
std::string_view SenderName(Sender s) {
  switch (s) {
    case Sender::kChild: return "the child (runc init)";
    case Sender::kParent: return "the parent (runc)";
    case Sender::kEither: return "either side";
  }
  return "?";
}

// A type that only ever answers a request (procRun, procMountFd, ...).
bool IsReplyType(SyncTypeId id) {
  for (const SyncTypeInfo& info : SyncTypeTable()) {
    if (info.is_request && info.expected_reply == id) return true;
  }
  return false;
}

std::string Describe(SyncTypeId type, uint64_t seq) {
  const SyncTypeInfo* info = FindSyncType(type);
  return absl::StrCat(info ? Av(info->name) : "request", " (seq ", seq, ")");
}

}  // namespace

std::optional<uint64_t> RequestPairer::OnMessage(TraceEvent* event) {
  if (event->kind != EventKind::kMessage || event->message.is_raw_packet) return std::nullopt;
  SyncMessage& m = event->message;
  const SyncTypeInfo* info = FindSyncType(m.type_id);
  if (info == nullptr) return std::nullopt;

  if (info->sender != Sender::kEither && info->sender != SenderOf(event->direction)) {
    m.AddAnomaly(AnomalyCode::kWrongSender,
                 absl::StrCat(Av(info->name), " is sent by ", Av(SenderName(info->sender)),
                              ", seen ", Av(DirectionName(event->direction))));
  }
  if (exec_session_ && !info->allowed_in_exec) {
    m.AddAnomaly(AnomalyCode::kNotAllowedInExec, std::string(info->name));
  }

  // A reply answers the open request of the other direction.
  std::optional<Open>& other = open_[Index(Opposite(event->direction))];
  if (other.has_value() && IsLegalReply(other->type, info->id)) {
    uint64_t request_seq = other->seq;
    event->pair_seq = request_seq;
    event->latency_ns = event->mono_ns - other->mono_ns;
    other.reset();
    return request_seq;
  }
  if (IsReplyType(info->id)) {
    std::string why = other.has_value()
                          ? absl::StrCat("open request is ", Describe(other->type, other->seq))
                          : std::string("no request is open");
    m.AddAnomaly(AnomalyCode::kUnexpectedReply, absl::StrCat(Av(info->name), ": ", why));
    return std::nullopt;
  }

  if (info->is_request) {
    std::optional<Open>& mine = open_[Index(event->direction)];
    if (mine.has_value()) {
      m.AddAnomaly(AnomalyCode::kRequestOverlap,
                   absl::StrCat(Describe(mine->type, mine->seq), " is still unanswered"));
    }
    mine = Open{event->seq, event->mono_ns, info->id, event->direction};
  }
  return std::nullopt;
}

std::vector<Anomaly> RequestPairer::OnSessionEnd() {
  std::vector<Anomaly> left;
  for (std::optional<Open>& open : open_) {
    if (!open.has_value()) continue;
    left.push_back(MakeAnomaly(
        AnomalyCode::kUnansweredRequest,
        absl::StrCat(Describe(open->type, open->seq), " sent ",
                     Av(DirectionName(open->direction)))));
    open.reset();
  }
  return left;
}

}  // namespace synctrace
