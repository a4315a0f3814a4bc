// synctrace exec's engine; see exec_tracer.h.
#include "tracer/interpose/exec_tracer.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "tracer/interpose/proc_files.h"
#include "tracer/interpose/runc_args.h"
#include "tracer/interpose/seccomp_fd_gate.h"

namespace synctrace {

struct ExecTracer::Session {
  std::unique_ptr<SeccompFdGate> gate;
  std::unique_ptr<Relay> relay;
  std::thread thread;
  bool done = false;  // guarded by ExecTracer::mu_
};

ExecTracer::ExecTracer(ExecTraceOptions options, Trace* trace)
    : options_(std::move(options)), trace_(trace) {}

ExecTracer::~ExecTracer() {
  for (auto& s : sessions_) {
    s->relay->Stop();
    if (s->thread.joinable()) s->thread.join();
  }
}

void ExecTracer::Report(const std::string& line) {
  if (options_.report) options_.report(line);
  trace_->Note(0, line);
}

absl::Status ExecTracer::Start() {
  command_ = std::make_unique<TracedCommand>(options_.argv,
                                             [this](const std::string& l) { Report(l); });
  absl::StatusOr<pid_t> pid = command_->Start();
  if (!pid.ok()) {
    running_ = false;
    return pid.status();
  }
  return absl::OkStatus();
}

std::optional<int> ExecTracer::OnVforkExit(pid_t tid, pid_t tgid, pid_t child) {
  SwapResult swap = SwapSyncSocket(tid, tgid, child, options_.fault);
  switch (swap.outcome) {
    case SwapOutcome::kNotRuncInit:
      return swap.death_status;
    case SwapOutcome::kOldRunc:
    case SwapOutcome::kFailed:
      Report(swap.message);
      return swap.death_status;
    case SwapOutcome::kSwapped:
      break;
  }
  SessionInfo info;
  info.parent_pid = tgid;
  info.child_pid = child;
  absl::StatusOr<std::vector<std::string>> cmdline = ReadCmdline(tgid);
  if (cmdline.ok()) {
    info.command_line = JoinCommandLine(*cmdline);
    info.container_id = ParseRuncArgs(*cmdline).container_id;
  }
  info.init_type = swap.child_environ.Get("_LIBCONTAINER_INITTYPE").value_or("");
  int number = trace_->StartSession(info);
  trace_->Note(number, absl::StrCat("interposed: parent pid ", tgid, " fd ", swap.parent_fd_number,
                                    " <-> synctrace <-> runc init pid ", child, " fd ",
                                    swap.child_fd_number));
  sessions_started_++;

  auto session = std::make_unique<Session>();
  session->gate = std::make_unique<SeccompFdGate>(
      trace_, RuncInitEnd{tgid, child, swap.child_fd_number, swap.child_end_inode}, options_.gate);
  session->relay = std::make_unique<Relay>(swap.relay_parent_fd, swap.relay_child_fd, number,
                                           trace_, session->gate.get());
  Session* raw = session.get();
  std::lock_guard<std::mutex> lock(mu_);
  sessions_.push_back(std::move(session));
  raw->thread = std::thread([this, raw] {
    raw->relay->Run();
    std::lock_guard<std::mutex> done_lock(mu_);
    raw->done = true;
    ended_.notify_all();
  });
  return swap.death_status;
}

void ExecTracer::WaitForSessions() {
  std::unique_lock<std::mutex> lock(mu_);
  auto all_done = [this] {
    for (auto& s : sessions_) {
      if (!s->done) return false;
    }
    return true;
  };
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(absl::ToInt64Milliseconds(options_.drain));
  if (!ended_.wait_until(lock, deadline, all_done)) {
    for (auto& s : sessions_) {
      if (!s->done) s->relay->Stop();
    }
  }
  std::vector<std::thread> threads;
  for (auto& s : sessions_) threads.push_back(std::move(s->thread));
  lock.unlock();
  for (std::thread& t : threads) {
    if (t.joinable()) t.join();
  }
}

int ExecTracer::Run() {
  int status = command_->Follow(this);
  WaitForSessions();
  running_ = false;
  return status;
}

}  // namespace synctrace
