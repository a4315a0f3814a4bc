// File: decoder/pairing.h
//
// Request/reply pairing for one session, driven by the protocol table
// (decoder/sync_types.h): links each reply to the request it answers and
// measures the latency; flags a reply nobody asked for, a second request before
// the first was answered, a type sent by the wrong side, and requests still
// unanswered when the session ends.
//
// Example:
//   RequestPairer pairer;
//   pairer.OnMessage(&event);        // fills pair_seq/latency_ns, adds anomalies
//   pairer.PairedReplyFor(request.seq) ...
//   std::vector<Anomaly> left = pairer.OnSessionEnd();
#ifndef SYNCTRACE_DECODER_PAIRING_H_
#define SYNCTRACE_DECODER_PAIRING_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "decoder/event.h"

namespace synctrace {

class RequestPairer {
 public:
  // For a kMessage event: sets event->pair_seq and event->latency_ns on a reply,
  // appends conversation anomalies to event->message.anomalies. Returns the seq
  // of the request this event answers, if any (so a store can update the
  // request's own pair_seq).
  std::optional<uint64_t> OnMessage(TraceEvent* event);

  // The session ended: one kUnansweredRequest anomaly per open request.
  std::vector<Anomaly> OnSessionEnd();

  // Set when the session is a setns (runc exec) one: other types are anomalies.
  void SetExecSession(bool is_exec) { exec_session_ = is_exec; }

 private:
  struct Open {
    uint64_t seq;
    int64_t mono_ns;
    SyncTypeId type;
    Direction direction;
  };
  std::optional<Open> open_[2];  // one outstanding request per direction
  bool exec_session_ = false;
};

}  // namespace synctrace

#endif  // SYNCTRACE_DECODER_PAIRING_H_
