// tui_bench: the TUI's costs with a million events stored (docs/BENCHMARKS.md "TUI").
//
//   bazel run -c opt //bench:tui_bench -- [EVENTS] [PACKETS.jsonl]
//
// Events are built from the benchmark packet mix (/work/shared/bench/packets.jsonl):
// requests and replies in the directions runc sends them, replies paired with
// latencies, procMountFd with its file and fd description. Prints, side by side:
//   - events/s a bare EventStore absorbs, and events/s the TUI absorbs while
//     drawing at ~30 frames/s on another thread (the real arrangement);
//   - frame time (list + detail + status) with all EVENTS stored, drawn by
//     ncursesw into a 200x50 terminal on /dev/null;
//   - a `/` filter typed with everything stored: time until all rows are found
//     (frames scan a slice each, drawn back to back here) and the longest frame;
//   - peak RSS with EVENTS stored.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "decoder/packet_decoder.h"
#include "decoder/sync_types.h"
#include "ui/curses_tui.h"
#include "ui/event_store.h"
#include "ui/test_events.h"

namespace synctrace {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

long PeakRssKiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

std::vector<TraceEvent> Templates(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string l; std::getline(in, l);) {
    if (!l.empty()) lines.push_back(l);
  }
  if (lines.empty()) {
    std::fprintf(stderr, "tui_bench: no packets in %s; using a built-in pair\n", path.c_str());
    lines = {R"({"type":"procReady","flags":0})", R"({"type":"procRun","flags":0})"};
  }
  JsonPacketParser parser;
  std::vector<TraceEvent> out;
  for (const std::string& l : lines) {
    TraceEvent e;
    e.kind = EventKind::kMessage;
    e.session = 1;
    e.message = parser.Parse(l);
    const SyncTypeInfo* info = FindSyncType(e.message.type_id);
    e.direction = info && info->sender == Sender::kParent ? Direction::kParentToChild
                                                          : Direction::kChildToParent;
    if (info && !info->is_request && e.message.type_id != SyncTypeId::kProcError) e.latency_ns = 150000;
    if (e.message.type_id == SyncTypeId::kProcMountFd) {
      e.message.file = TestMountFile("/var/lib/data");
    }
    out.push_back(std::move(e));
  }
  return out;
}

// Event i of the stream: template i % n, numbered and timed.
void Fill(const std::vector<TraceEvent>& templates, uint64_t i, TraceEvent* e) {
  *e = templates[i % templates.size()];
  e->seq = i + 1;
  e->mono_ns = static_cast<int64_t>(i) * 1000;
  if (e->latency_ns >= 0) e->pair_seq = i;  // the event before: its request
}

double AbsorbBare(const std::vector<TraceEvent>& templates, uint64_t n) {
  EventStore store(n);
  TraceEvent e;
  auto t0 = Clock::now();
  for (uint64_t i = 0; i < n; ++i) {
    Fill(templates, i, &e);
    store.Add(e);
  }
  return n / Seconds(Clock::now() - t0);
}

}  // namespace
}  // namespace synctrace

int main(int argc, char** argv) {
  using namespace synctrace;
  uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  std::string packets = argc > 2 ? argv[2] : "/work/shared/bench/packets.jsonl";
  std::vector<TraceEvent> templates = Templates(packets);

  setenv("TERM", "xterm-256color", 1);
  setenv("LINES", "50", 1);
  setenv("COLUMNS", "200", 1);
  setenv("LANG", "C.UTF-8", 1);
  FILE* out = std::fopen("/dev/null", "we");
  FILE* in = std::fopen("/dev/null", "re");
  TuiOptions options;
  options.max_events = n;
  long rss_before = PeakRssKiB();
  std::unique_ptr<TuiFrameDrawer> tui = OpenTuiFrameDrawer(options, out, in);
  if (!tui) {
    std::fprintf(stderr, "tui_bench: cannot open a terminal on /dev/null\n");
    return 1;
  }

  // 1. The TUI absorbing events on a producer thread while drawing at ~30 fps.
  std::atomic<bool> done{false};
  auto t0 = Clock::now();
  std::thread producer([&] {
    TraceEvent e;
    for (uint64_t i = 0; i < n; ++i) {
      Fill(templates, i, &e);
      tui->sink()->Consume(e);
    }
    done = true;
  });
  int frames_under_load = 0;
  double load_frame_s = 0;
  while (!done) {
    auto f0 = Clock::now();
    tui->DrawFrame();
    load_frame_s += Seconds(Clock::now() - f0);
    ++frames_under_load;
    std::this_thread::sleep_until(f0 + std::chrono::milliseconds(33));
  }
  producer.join();
  double absorb_with_ui = n / Seconds(Clock::now() - t0);

  // 2. Frame time with everything stored.
  std::vector<double> frames;
  for (int i = 0; i < 200; ++i) {
    auto f0 = Clock::now();
    tui->DrawFrame();
    frames.push_back(Seconds(Clock::now() - f0) * 1e3);
  }
  std::sort(frames.begin(), frames.end());
  double mean = 0;
  for (double f : frames) mean += f;
  mean /= frames.size();
  // 3. A filter typed with everything stored: frames scan the store a slice at
  // a time; how long until all rows are found, and the longest frame meanwhile.
  struct FilterFigures {
    std::string filter;
    double total_ms = 0;
    double longest_frame_ms = 0;
    int frames = 0;
  };
  std::vector<FilterFigures> filters;
  for (const char* f : {"dir:p2c", "type:procMountFd", "open_tree"}) {
    FilterFigures fig{f};
    tui->SetFilter(f);
    auto start = Clock::now();
    do {
      auto f0 = Clock::now();
      tui->DrawFrame();
      fig.longest_frame_ms = std::max(fig.longest_frame_ms, Seconds(Clock::now() - f0) * 1e3);
      ++fig.frames;
    } while (tui->FilterScanning());
    fig.total_ms = Seconds(Clock::now() - start) * 1e3;
    filters.push_back(fig);
  }
  long rss_peak = PeakRssKiB();
  tui.reset();

  // 4. The bare store, for comparison.
  double absorb_bare = AbsorbBare(templates, n);

  std::printf("tui_bench: %llu events from %zu-packet mix (%s)\n",
              static_cast<unsigned long long>(n), templates.size(), packets.c_str());
  std::printf("absorb, bare EventStore:            %12.0f events/s\n", absorb_bare);
  std::printf("absorb, TUI drawing at ~30 fps:     %12.0f events/s (%.2fx of bare; %d frames, mean %.2f ms)\n",
              absorb_with_ui, absorb_with_ui / absorb_bare, frames_under_load,
              frames_under_load ? load_frame_s * 1e3 / frames_under_load : 0.0);
  std::printf("frame (list+detail+status, 200x50), %llu stored: mean %.3f ms, p50 %.3f ms, p99 %.3f ms\n",
              static_cast<unsigned long long>(n), mean, frames[frames.size() / 2],
              frames[frames.size() * 99 / 100]);
  for (const FilterFigures& f : filters) {
    std::printf("filter %-18s over %llu stored: all rows in %.0f ms (%d frames, longest %.1f ms)\n",
                ("\"" + f.filter + "\"").c_str(), static_cast<unsigned long long>(n), f.total_ms,
                f.frames, f.longest_frame_ms);
  }
  std::printf("peak RSS with %llu events stored:   %.1f MiB (%.1f MiB before the TUI)\n",
              static_cast<unsigned long long>(n), rss_peak / 1024.0, rss_before / 1024.0);
  return 0;
}
