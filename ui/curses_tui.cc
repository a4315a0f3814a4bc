// The ncursesw TUI; see ui/curses_tui.h.
#include "ui/curses_tui.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cwchar>
#include <mutex>
#include <optional>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tracer/trace.h"
#include "ui/breakpoints.h"
#include "ui/detail_view.h"
#include "ui/event_store.h"
#include "ui/list_filter.h"
#include "ui/list_view.h"
#include "ui/row_format.h"
#include "ui/status_line.h"

#include <ncursesw/curses.h>

namespace synctrace {
namespace {

constexpr int64_t kFrameNs = 33000000;  // ~30 frames a second at most
constexpr int64_t kTickNs = 1000000000;  // clocks in the status bar move once a second
constexpr size_t kScanPerFrame = 20000;   // events a filter examines per frame (~12 ms at most)

constexpr char kHelpLine[] =
    "q quit  ? keys  / filter  n/N match  e error  b break  c/s go/step  f follow  "
    "spc pause  m mark  w write  Tab detail";

constexpr const char* kKeyList[] = {
    "Moving",
    "  Up/Down, k/j         previous / next row (in the detail pane: scroll)",
    "  PgUp/PgDn            a page up / down",
    "  Home/g, End/G        first / last row; End and G follow the newest again",
    "  Enter, Tab           switch between the list and the detail pane (Esc: back)",
    "  f                    follow the newest message",
    "  space                pause the view (traffic keeps flowing); again to resume",
    "Finding",
    "  /                    filter: type:procHooks dir:c2p|p2c s1 ! (anomalies) or any text;",
    "                       empty clears it",
    "  n / N                next / previous row of the list (wraps)",
    "  e / E                next / previous error or anomaly",
    "Marking and saving",
    "  m                    drop a marker line (\"now\") into the list",
    "  w                    write the current list to a file",
    "Breakpoints (off until you set one)",
    "  b                    set/clear a breakpoint: a type (procHooks), 'anomaly', or '-' for none",
    "  c                    forward what is held and continue",
    "  s                    forward the held message, hold the next one too",
    "Other",
    "  Ctrl-L               redraw        ?  this list (any key closes it)",
    "  q                    quit (asks while a session is still running: quitting ends it)",
};

enum Pair : short { kPairRequest = 1, kPairReply, kPairError, kPairAnomaly, kPairNote, kPairMarker, kPairBar, kPairHeld };

class CursesTui : public Tui {
 public:
  explicit CursesTui(const TuiOptions& options)
      : options_(options), store_(options.max_events), message_(options.initial_message) {}
  ~CursesTui() override { gate_.Shutdown(); }

  void Consume(const TraceEvent& event) override { store_.Add(event); }
  void Close() override { closed_.store(true); }
  ForwardGate* gate() override { return &gate_; }
  void SetMessage(const std::string& text) override {
    std::lock_guard<std::mutex> lock(message_mu_);
    pending_message_ = text;
  }
  int Run(std::function<bool()> traffic_running) override;

  // Takes the terminal on these streams (nullptr: stdout, and stdin or /dev/tty).
  bool InitTerminal(FILE* out = nullptr, FILE* in = nullptr);
  void EndTerminal();
  void Draw();
  void SetFilter(const std::string& text) { list_.SetFilter(ListFilter::Parse(text)); }
  bool FilterScanning() const { return list_.scanning(); }

 private:
  enum class Mode { kNormal, kPrompt, kConfirmQuit, kHelp };
  enum class PromptFor { kFilter, kBreak, kWrite };

  void HandleKey(wint_t key, bool is_function_key);
  void HandleListKey(wint_t key, bool fkey);
  void HandleDetailKey(wint_t key, bool fkey);
  void HandlePromptKey(wint_t key, bool fkey);
  void StartPrompt(PromptFor what, std::string label, std::string initial);
  void FinishPrompt();
  void DrawStatus(int* y, const EventStore::Reader& r);
  void DrawList(int y, int height, const EventStore::Reader& r);
  void DrawDetail(int y, int height, const EventStore::Reader& r);
  void DrawBottom(int y);
  void DrawHelpScreen();
  void Put(int y, int x, std::string_view text, attr_t attr, int width, bool pad = true);
  attr_t RowAttr(const StoreRecord& record) const;
  void JumpNotable(bool forward);
  void WriteList(const std::string& path);
  int64_t ViewNow(const EventStore::Reader& r) const;

  TuiOptions options_;
  EventStore store_;
  BreakpointGate gate_;
  ListView list_;
  std::atomic<bool> closed_{false};
  std::function<bool()> traffic_running_;

  SCREEN* screen_ = nullptr;
  FILE* tty_in_ = nullptr;
  bool color_ = false;
  bool unicode_ = false;
  Mode mode_ = Mode::kNormal;
  bool detail_focus_ = false;
  int detail_scroll_ = 0;
  uint64_t detail_ordinal_ = UINT64_MAX;
  int list_height_ = 10;
  int detail_height_ = 5;
  PromptFor prompt_for_ = PromptFor::kFilter;
  std::string prompt_label_;
  std::string prompt_text_;
  std::string message_;
  std::mutex message_mu_;
  std::optional<std::string> pending_message_;  // from SetMessage(), any thread
  int markers_ = 0;
  bool filter_report_pending_ = false;  // say how many rows once the filter's scan is done
  bool quit_ = false;
};

bool CursesTui::InitTerminal(FILE* out, FILE* in) {
  std::setlocale(LC_ALL, "");
  unicode_ = MB_CUR_MAX > 1;
  if (in == nullptr && !isatty(STDIN_FILENO)) {
    tty_in_ = std::fopen("/dev/tty", "re");
    if (tty_in_ == nullptr) return false;
  }
  if (in == nullptr) in = tty_in_ ? tty_in_ : stdin;
  screen_ = newterm(nullptr, out ? out : stdout, in);
  if (screen_ == nullptr) return false;
  set_term(screen_);
  cbreak();
  noecho();
  nonl();
  keypad(stdscr, TRUE);
  nodelay(stdscr, TRUE);
  set_escdelay(25);
  curs_set(0);
  color_ = has_colors() && std::getenv("NO_COLOR") == nullptr;
  if (color_) {
    start_color();
    use_default_colors();
    init_pair(kPairRequest, COLOR_CYAN, -1);
    init_pair(kPairReply, COLOR_GREEN, -1);
    init_pair(kPairError, COLOR_RED, -1);
    init_pair(kPairAnomaly, COLOR_YELLOW, -1);
    init_pair(kPairNote, COLOR_BLUE, -1);
    init_pair(kPairMarker, COLOR_MAGENTA, -1);
    init_pair(kPairBar, COLOR_BLACK, COLOR_CYAN);
    init_pair(kPairHeld, COLOR_WHITE, COLOR_RED);
  }
  return true;
}

void CursesTui::EndTerminal() {
  if (screen_ == nullptr) return;
  endwin();
  delscreen(screen_);
  screen_ = nullptr;
  if (tty_in_) std::fclose(tty_in_);
  tty_in_ = nullptr;
}

int CursesTui::Run(std::function<bool()> traffic_running) {
  traffic_running_ = std::move(traffic_running);
  if (!InitTerminal()) {
    std::fprintf(stderr, "synctrace: starting the TUI: cannot initialise the terminal\n");
    gate_.Shutdown();
    return 1;
  }
  uint64_t drawn_store = UINT64_MAX, drawn_gate = UINT64_MAX;
  int64_t last_frame = 0;
  bool dirty = true;
  while (!quit_) {
    pollfd pfd{fileno(tty_in_ ? tty_in_ : stdin), POLLIN, 0};
    poll(&pfd, 1, static_cast<int>(kFrameNs / 1000000));
    wint_t key;
    int got;
    while ((got = wget_wch(stdscr, &key)) != ERR) {
      HandleKey(key, got == KEY_CODE_YES);
      dirty = true;
      if (quit_) break;
    }
    if (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)) quit_ = true;  // the terminal went away
    if (quit_) break;
    {
      std::lock_guard<std::mutex> lock(message_mu_);
      if (pending_message_) {
        message_ = std::move(*pending_message_);
        pending_message_.reset();
        dirty = true;
      }
    }
    int64_t now = MonotonicNowNs();
    if (store_.generation() != drawn_store || gate_.generation() != drawn_gate) dirty = true;
    if (now - last_frame >= kTickNs || list_.scanning()) dirty = true;
    if (dirty && now - last_frame >= kFrameNs) {
      drawn_store = store_.generation();
      drawn_gate = gate_.generation();
      Draw();
      last_frame = now;
      dirty = false;
    }
  }
  gate_.Shutdown();  // never hold a packet once nobody can release it
  EndTerminal();
  return 0;
}

void CursesTui::HandleKey(wint_t key, bool fkey) {
  if (fkey && key == KEY_RESIZE) return;  // the next Draw() lays out for the new size
  if (!fkey && key == 12) {  // Ctrl-L
    clearok(curscr, TRUE);
    return;
  }
  switch (mode_) {
    case Mode::kHelp:
      mode_ = Mode::kNormal;
      return;
    case Mode::kConfirmQuit:
      if (!fkey && (key == 'y' || key == 'Y' || key == 'q')) {
        quit_ = true;
      } else {
        message_ = "still tracing";
      }
      mode_ = Mode::kNormal;
      return;
    case Mode::kPrompt:
      HandlePromptKey(key, fkey);
      return;
    case Mode::kNormal:
      break;
  }
  message_.clear();
  if (!fkey) {
    switch (key) {
      case 'q':
        if (traffic_running_ && traffic_running_()) {
          mode_ = Mode::kConfirmQuit;
        } else {
          quit_ = true;
        }
        return;
      case '?': mode_ = Mode::kHelp; return;
      case '/': StartPrompt(PromptFor::kFilter, "filter (type:X dir:c2p|p2c s1 ! text; empty clears): ", list_.filter().text()); return;
      case 'b': {
        std::vector<std::string> set = gate_.types();
        if (gate_.on_anomaly()) set.push_back("anomaly");
        StartPrompt(PromptFor::kBreak,
                    absl::StrCat("break on type or 'anomaly' ('-' clears all; now: ",
                                 set.empty() ? "none" : absl::StrJoin(set, ","), "): "),
                    "");
        return;
      }
      case 'w': StartPrompt(PromptFor::kWrite, "write the list to: ", "synctrace-list.txt"); return;
      case 'c':
        message_ = gate_.held().empty() ? "nothing is held" : "continuing: held messages forwarded";
        gate_.Continue();
        return;
      case 's':
        message_ = gate_.held().empty() ? "step: the next message will be held"
                                        : "stepped: forwarded one, holding the next";
        gate_.Step();
        return;
      case 'f': list_.End(); detail_focus_ = false; return;
      case ' ': {
        EventStore::Reader r(store_);
        list_.TogglePause(r);
        message_ = list_.paused() ? "view paused; traffic keeps flowing (space resumes)" : "view resumed";
        return;
      }
      case 'm': {
        int64_t t;
        {
          EventStore::Reader r(store_);
          t = options_.live ? MonotonicNowNs() : r.stats().last_mono_ns;
        }
        store_.AddMarker(t, absl::StrCat("mark ", ++markers_));
        return;
      }
      case 'e': JumpNotable(true); return;
      case 'E': JumpNotable(false); return;
      case '\t': case '\r': case '\n':
        detail_focus_ = !detail_focus_;
        return;
      default: break;
    }
  }
  if (detail_focus_) {
    HandleDetailKey(key, fkey);
  } else {
    HandleListKey(key, fkey);
  }
}

void CursesTui::HandleListKey(wint_t key, bool fkey) {
  int page = std::max(1, list_height_ - 1);
  if (fkey) {
    switch (key) {
      case KEY_UP: list_.MoveBy(-1); break;
      case KEY_DOWN: list_.MoveBy(1); break;
      case KEY_PPAGE: list_.MoveBy(-page); break;
      case KEY_NPAGE: list_.MoveBy(page); break;
      case KEY_HOME: list_.Home(); break;
      case KEY_END: list_.End(); break;
      case KEY_ENTER: detail_focus_ = true; break;
      default: break;
    }
    return;
  }
  switch (key) {
    case 'k': list_.MoveBy(-1); break;
    case 'j': list_.MoveBy(1); break;
    case 'g': list_.Home(); break;
    case 'G': list_.End(); break;
    case 'n': if (auto row = list_.Find(true, [](uint64_t) { return true; })) list_.Select(*row); list_.SetFollow(false); break;
    case 'N': if (auto row = list_.Find(false, [](uint64_t) { return true; })) list_.Select(*row); list_.SetFollow(false); break;
    default: break;
  }
}

void CursesTui::HandleDetailKey(wint_t key, bool fkey) {
  int page = std::max(1, detail_height_ - 2);
  if (fkey) {
    switch (key) {
      case KEY_UP: --detail_scroll_; break;
      case KEY_DOWN: ++detail_scroll_; break;
      case KEY_PPAGE: detail_scroll_ -= page; break;
      case KEY_NPAGE: detail_scroll_ += page; break;
      case KEY_HOME: detail_scroll_ = 0; break;
      case KEY_END: detail_scroll_ = 1 << 30; break;
      case KEY_ENTER: detail_focus_ = false; break;
      default: break;
    }
  } else {
    switch (key) {
      case 'k': --detail_scroll_; break;
      case 'j': ++detail_scroll_; break;
      case 'g': detail_scroll_ = 0; break;
      case 'G': detail_scroll_ = 1 << 30; break;
      case 27: detail_focus_ = false; break;  // Esc
      case 'n': case 'N': detail_focus_ = false; HandleListKey(key, fkey); break;
      default: break;
    }
  }
  detail_scroll_ = std::max(0, detail_scroll_);
}

void CursesTui::StartPrompt(PromptFor what, std::string label, std::string initial) {
  mode_ = Mode::kPrompt;
  prompt_for_ = what;
  prompt_label_ = std::move(label);
  prompt_text_ = std::move(initial);
}

void CursesTui::HandlePromptKey(wint_t key, bool fkey) {
  if (fkey) {
    if (key == KEY_BACKSPACE && !prompt_text_.empty()) prompt_text_.pop_back();
    if (key == KEY_ENTER) FinishPrompt();
    return;
  }
  if (key == 27) {  // Esc: cancel
    mode_ = Mode::kNormal;
    return;
  }
  if (key == '\r' || key == '\n') {
    FinishPrompt();
  } else if (key == 127 || key == 8) {
    if (!prompt_text_.empty()) prompt_text_.pop_back();
  } else if (key == 21) {  // Ctrl-U
    prompt_text_.clear();
  } else if (key >= 0x20 && key < 0x7f) {
    prompt_text_.push_back(static_cast<char>(key));
  }
}

void CursesTui::FinishPrompt() {
  mode_ = Mode::kNormal;
  std::string text = prompt_text_;
  switch (prompt_for_) {
    case PromptFor::kFilter: {
      list_.SetFilter(ListFilter::Parse(text));
      list_.End();
      filter_report_pending_ = !list_.filter().empty();
      if (list_.filter().empty()) message_ = "filter cleared";
      return;
    }
    case PromptFor::kBreak: {
      std::string t(absl::StripAsciiWhitespace(text));
      if (t.empty()) return;
      if (t == "-") {
        gate_.ClearAll();
        message_ = "all breakpoints cleared";
      } else if (t == "anomaly" || t == "!") {
        bool on = !gate_.on_anomaly();
        gate_.SetOnAnomaly(on);
        message_ = on ? "breakpoint set on any anomaly" : "breakpoint on anomalies cleared";
      } else {
        bool on = gate_.ToggleType(t);
        message_ = absl::StrCat(on ? "breakpoint set on " : "breakpoint cleared on ", t,
                                on && !FindSyncType(t) ? " (not a known type)" : "");
      }
      return;
    }
    case PromptFor::kWrite:
      if (!text.empty()) WriteList(text);
      return;
  }
}

void CursesTui::WriteList(const std::string& path) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    message_ = absl::StrCat("writing the list to ", path, ": ", std::strerror(errno));
    return;
  }
  RowFormatter fmt(options_.start_mono_ns, /*unicode=*/false);
  std::string out;
  size_t rows = 0;
  {
    EventStore::Reader r(store_);
    list_.Sync(r);
    int64_t prev = -1;
    for (size_t i = 0; i < list_.size(); ++i) {
      uint64_t o = list_.OrdinalAt(i);
      const StoreRecord& rec = r.record(o);
      absl::StrAppend(&out, fmt.Row(rec, r.Decode(o), prev), "\n");
      prev = rec.mono_ns;
      ++rows;
    }
  }
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = write(fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  bool ok = done == out.size();
  int err = errno;
  close(fd);
  message_ = ok ? absl::StrCat("wrote ", rows, " rows to ", path)
                : absl::StrCat("writing the list to ", path, ": ", std::strerror(err));
}

void CursesTui::JumpNotable(bool forward) {
  EventStore::Reader r(store_);
  std::optional<size_t> row =
      list_.Find(forward, [&](uint64_t o) { return r.record(o).notable(); });
  if (row) {
    list_.Select(*row);
    list_.SetFollow(false);
  } else {
    message_ = "no errors or anomalies in the list";
  }
}

int64_t CursesTui::ViewNow(const EventStore::Reader& r) const {
  return options_.live ? MonotonicNowNs() : r.stats().last_mono_ns;
}

void CursesTui::Put(int y, int x, std::string_view text, attr_t attr, int width, bool pad) {
  if (width <= 0 || y < 0 || y >= LINES) return;
  attrset(attr);
  move(y, x);
  int used = 0;
  if (unicode_) {
    std::wstring w(text.size() + 1, L'\0');
    std::mbstate_t st{};
    std::string copy(text);  // mbsrtowcs wants a NUL-terminated string
    const char* src = copy.c_str();
    size_t n = std::mbsrtowcs(&w[0], &src, w.size(), &st);
    if (n != static_cast<size_t>(-1)) {
      int cols = std::min<int>(static_cast<int>(n), width);
      addnwstr(w.c_str(), cols);
      used = cols;
    } else {  // not valid UTF-8: show the bytes, escaped
      std::string plain = Printable(text);
      used = std::min<int>(static_cast<int>(plain.size()), width);
      addnstr(plain.data(), used);
    }
  } else {
    used = std::min<int>(static_cast<int>(text.size()), width);
    addnstr(text.data(), used);
  }
  if (pad) {
    for (int i = used; i < width; ++i) addch(' ');
  }
  attrset(A_NORMAL);
}

attr_t CursesTui::RowAttr(const StoreRecord& r) const {
  attr_t a = A_NORMAL;
  if (r.has(StoreRecord::kBitError)) return color_ ? COLOR_PAIR(kPairError) | A_BOLD : A_BOLD;
  if (r.anomaly_count > 0) return color_ ? COLOR_PAIR(kPairAnomaly) | A_BOLD : A_BOLD;
  if (!color_) return r.kind == RowKind::kMarker ? A_UNDERLINE : a;
  switch (r.kind) {
    case RowKind::kMessage:
      if (r.has(StoreRecord::kBitRequest)) return COLOR_PAIR(kPairRequest);
      if (r.latency_ns >= 0) return COLOR_PAIR(kPairReply);
      return a;
    case RowKind::kMarker: return COLOR_PAIR(kPairMarker) | A_BOLD;
    case RowKind::kEventsDropped: return COLOR_PAIR(kPairAnomaly) | A_BOLD;
    default: return COLOR_PAIR(kPairNote);
  }
}

void CursesTui::Draw() {
  erase();
  if (mode_ == Mode::kHelp) {
    DrawHelpScreen();
    refresh();
    return;
  }
  int y = 0;
  {
    EventStore::Reader r(store_);
    list_.Sync(r, kScanPerFrame);
    DrawStatus(&y, r);
    int avail = LINES - y - 1;
    if (avail >= 8) {
      detail_height_ = std::max(4, avail * 2 / 5);
      if (detail_focus_) detail_height_ = std::max(detail_height_, avail * 3 / 5);
      list_height_ = avail - detail_height_;
    } else {
      detail_height_ = detail_focus_ ? avail : 0;
      list_height_ = detail_focus_ ? 0 : avail;
    }
    DrawList(y, list_height_, r);
    DrawDetail(y + list_height_, detail_height_, r);
  }
  DrawBottom(LINES - 1);
  refresh();
}

void CursesTui::DrawStatus(int* y, const EventStore::Reader& r) {
  attr_t bar = color_ ? COLOR_PAIR(kPairBar) : A_REVERSE;
  StatusFigures fig;
  fig.title = options_.title;
  if (options_.live && closed_.load()) fig.title += " (trace over)";
  fig.now_mono_ns = ViewNow(r);
  fig.start_mono_ns = options_.live ? options_.start_mono_ns : r.stats().first_mono_ns;
  fig.unicode = unicode_;
  fig.following = list_.following();
  fig.paused = list_.paused();
  fig.held_back = list_.held_back(r);
  fig.filter = list_.filter().text();
  fig.rows = list_.size();
  fig.scan_progress = list_.scan_progress(r);
  if (filter_report_pending_ && !list_.scanning()) {
    filter_report_pending_ = false;
    message_ = absl::StrCat("filter \"", list_.filter().text(), "\": ", list_.size(), " rows");
  }
  fig.breakpoints = gate_.types();
  fig.break_on_anomaly = gate_.on_anomaly();
  std::vector<std::string> lines = StatusLines(r, fig, COLS);
  for (const std::string& line : lines) Put((*y)++, 0, line, bar, COLS);
  std::vector<BreakpointGate::Held> held = gate_.held();
  for (const BreakpointGate::Held& h : held) {
    attr_t a = color_ ? COLOR_PAIR(kPairHeld) | A_BOLD : A_REVERSE | A_BOLD;
    Put((*y)++, 0,
        absl::StrCat("HELD, not forwarded: ", SessionName(h.session), " ",
                     Av(DirectionArrow(h.direction, unicode_)), " ", Printable(h.what), " (", h.why,
                     ")  c: continue  s: step"),
        a, COLS);
    if (*y >= LINES / 3) break;
  }
}

void CursesTui::DrawList(int y, int height, const EventStore::Reader& r) {
  if (height <= 0) return;
  RowFormatter fmt(options_.start_mono_ns, unicode_);
  if (list_.size() == 0) {
    Put(y, 0, list_.filter().empty() ? "(waiting for messages)" : "(no rows match the filter)",
        A_DIM, COLS);
    return;
  }
  size_t top = list_.Top(static_cast<size_t>(height));
  std::optional<size_t> sel = list_.selected_row();
  for (int i = 0; i < height && top + i < list_.size(); ++i) {
    uint64_t o = list_.OrdinalAt(top + i);
    const StoreRecord& rec = r.record(o);
    int64_t prev = o > r.begin() ? r.record(o - 1).mono_ns : -1;
    attr_t a = RowAttr(rec);
    if (sel && *sel == top + i) a |= detail_focus_ ? A_UNDERLINE : A_REVERSE;
    Put(y + i, 0, fmt.Row(rec, r.Decode(o), prev), a, COLS);
  }
}

void CursesTui::DrawDetail(int y, int height, const EventStore::Reader& r) {
  if (height <= 0) return;
  std::optional<uint64_t> sel = list_.selected_ordinal();
  if (sel != detail_ordinal_) {
    detail_ordinal_ = sel.value_or(UINT64_MAX);
    detail_scroll_ = 0;
  }
  std::string title = detail_focus_ ? "detail (Up/Down scroll, Tab/Esc: back to the list)"
                                    : "detail (Tab: focus)";
  Put(y, 0, absl::StrCat("-- ", title, " ", std::string(COLS, '-')), A_BOLD, COLS);
  if (!sel) return;
  std::vector<DetailLine> lines = DetailLines(r, *sel, RowFormatter(options_.start_mono_ns, unicode_));
  int body = height - 1;
  detail_scroll_ = std::min(detail_scroll_, std::max(0, static_cast<int>(lines.size()) - body));
  for (int i = 0; i < body && detail_scroll_ + i < static_cast<int>(lines.size()); ++i) {
    const DetailLine& l = lines[detail_scroll_ + i];
    attr_t a = A_NORMAL;
    if (l.style == LineStyle::kHeading) a = A_BOLD;
    if (l.style == LineStyle::kAnomaly) a = color_ ? COLOR_PAIR(kPairError) | A_BOLD : A_BOLD;
    if (l.style == LineStyle::kDim) a = A_DIM;
    Put(y + 1 + i, 0, l.text, a, COLS);
  }
}

void CursesTui::DrawBottom(int y) {
  if (mode_ == Mode::kPrompt) {
    Put(y, 0, prompt_label_ + prompt_text_ + "_", A_BOLD, COLS);
  } else if (mode_ == Mode::kConfirmQuit) {
    Put(y, 0, "A session is still running; quitting stops the relay and ends it. Quit? (y/n)",
        color_ ? COLOR_PAIR(kPairHeld) | A_BOLD : A_REVERSE, COLS);
  } else if (!message_.empty()) {
    Put(y, 0, message_, A_BOLD, COLS);
  } else {
    Put(y, 0, kHelpLine, A_DIM, COLS);
  }
}

void CursesTui::DrawHelpScreen() {
  int y = 0;
  Put(y++, 0, "synctrace keys (any key closes this list)", A_REVERSE, COLS);
  for (const char* line : kKeyList) {
    if (y >= LINES - 1) break;
    Put(y++, 0, line, line[0] == ' ' ? A_NORMAL : A_BOLD, COLS);
  }
  for (const SyncTypeInfo& t : SyncTypeTable()) {
    if (y >= LINES - 1) break;
    Put(y++, 0, absl::StrCat("  ", Av(t.name), ": ", Av(t.summary)), A_DIM, COLS);
  }
}

}  // namespace

namespace {

class FrameDrawer : public TuiFrameDrawer {
 public:
  explicit FrameDrawer(const TuiOptions& options) : tui_(options) {}
  ~FrameDrawer() override { tui_.EndTerminal(); }
  bool Open(FILE* out, FILE* in) { return tui_.InitTerminal(out, in); }
  EventSink* sink() override { return &tui_; }
  void DrawFrame() override { tui_.Draw(); }
  void SetFilter(const std::string& text) override { tui_.SetFilter(text); }
  bool FilterScanning() const override { return tui_.FilterScanning(); }

 private:
  CursesTui tui_;
};

}  // namespace

std::unique_ptr<TuiFrameDrawer> OpenTuiFrameDrawer(const TuiOptions& options, FILE* out, FILE* in) {
  auto drawer = std::make_unique<FrameDrawer>(options);
  if (!drawer->Open(out, in)) return nullptr;
  return drawer;
}

std::unique_ptr<Tui> MakeTerminalTui(const TuiOptions& options, std::string* why_not) {
  std::string why;
  if (!TerminalUsable(&why)) {
    if (why_not) *why_not = why;
    return nullptr;
  }
  return std::make_unique<CursesTui>(options);
}

}  // namespace synctrace
