// File: tracer/recording_sink.h
//
// A test EventSink that keeps every event it is given (thread-safe), and can be
// told to block in Consume() to play an observer that fell behind.
//
// Example:
//   RecordingSink sink;
//   Trace trace({&sink}, MonotonicNowNs());
//   ... trace.Close();
//   sink.Count(EventKind::kMessage)
#ifndef SYNCTRACE_TRACER_RECORDING_SINK_H_
#define SYNCTRACE_TRACER_RECORDING_SINK_H_

#include <condition_variable>
#include <mutex>
#include <vector>

#include "decoder/event_sink.h"

namespace synctrace {

class RecordingSink : public EventSink {
 public:
  void Consume(const TraceEvent& event) override {
    std::unique_lock<std::mutex> lock(mu_);
    events_.push_back(event);
    consumed_.notify_all();
    released_.wait(lock, [this] { return !blocked_; });
  }
  void Close() override {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
  }

  // While blocked, Consume() takes its event and then waits for Release().
  void Block() {
    std::lock_guard<std::mutex> lock(mu_);
    blocked_ = true;
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    blocked_ = false;
    released_.notify_all();
  }
  // Waits until at least `n` events arrived.
  void WaitForEvents(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    consumed_.wait(lock, [&] { return events_.size() >= n; });
  }

  std::vector<TraceEvent> events() const {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }
  size_t Count(EventKind kind) const {
    std::lock_guard<std::mutex> lock(mu_);
    size_t n = 0;
    for (const TraceEvent& e : events_) n += e.kind == kind;
    return n;
  }
  bool closed() const {
    std::lock_guard<std::mutex> lock(mu_);
    return closed_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable consumed_, released_;
  std::vector<TraceEvent> events_;
  bool blocked_ = false;
  bool closed_ = false;
};

}  // namespace synctrace

#endif  // SYNCTRACE_TRACER_RECORDING_SINK_H_
