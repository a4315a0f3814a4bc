// The real TUI in a real terminal: `synctrace replay` of a generated log, run
// under tmux; keys are sent and the screen is read as a person would see it.
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "tests/run_process.h"
#include "tests/tmux_session.h"

namespace synctrace {
namespace {

using testing_util::Has;
using testing_util::LinesWith;

std::string MakeLog(const std::string& name, int conversations, bool corrupt = false) {
  std::string path = TempPath(name);
  std::string cmd = RunfilePath("tests/tui_log_gen") + " " + path + " " +
                    std::to_string(conversations) + (corrupt ? " --corrupt" : "");
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  return path;
}

std::string Replay(const std::string& log) { return RunfilePath("synctrace") + " replay " + log; }

using testing_util::ReadFile;

TEST(TuiReplayTmuxTest, ShowsStatusRowsAndDetailOfTheSelectedMessage) {
  std::string log = MakeLog("two.jsonl", 2);
  TmuxSession tmux("rows");
  ASSERT_TRUE(tmux.Start(Replay(log), 150, 50));
  std::string screen;
  // The rows appear while the log loads; the "loaded" message comes after it.
  ASSERT_TRUE(tmux.WaitFor("loaded 22 events from", &screen)) << screen;
  EXPECT_TRUE(Has(screen, "procRun")) << screen;
  // Status bar: title, both sessions ended with their pids, message counts.
  EXPECT_TRUE(Has(screen, "synctrace replay")) << screen;
  EXPECT_TRUE(Has(screen, "s1 ended pid 4000/4001, s2 ended pid 4002/4003")) << screen;
  EXPECT_TRUE(Has(screen, "18 msgs (C\u2192P 10, C\u2190P 8)")) << screen;
  EXPECT_TRUE(Has(screen, "2 anomalies")) << screen;
  // One row per message, with the direction arrow and the reply's latency.
  std::vector<std::string> mount_fd = LinesWith(screen, "procMountFd");
  ASSERT_GE(mount_fd.size(), 2u) << screen;
  EXPECT_TRUE(Has(mount_fd[0], "C\u2190P")) << mount_fd[0];
  EXPECT_TRUE(Has(mount_fd[0], "lat 120.0us")) << mount_fd[0];
  EXPECT_TRUE(Has(mount_fd[0], "file:/var/lib/data")) << mount_fd[0];

  // Home, then down twice: procMountFd of s1 in the detail pane.
  tmux.SendKeys({"g", "j", "j"});
  ASSERT_TRUE(tmux.WaitFor("answers request #2: procMountPlease", &screen)) << screen;
  EXPECT_TRUE(Has(screen, "type:procMountFd flags:0b1 arg:{\"type\":\"open_tree\"} file:/var/lib/data (fd:9)"))
      << screen;
  EXPECT_TRUE(Has(screen, "\"type\": \"open_tree\"")) << screen;  // arg as indented JSON
  EXPECT_TRUE(Has(screen, "fd 9: detached mount (open_tree) /var/lib/data")) << screen;
  EXPECT_TRUE(Has(screen, "SCROLL")) << screen;  // no longer following
  // Into the detail pane and to its end: the raw packets in hex and ASCII.
  tmux.SendKeys({"Tab", "G"});
  ASSERT_TRUE(tmux.WaitFor("fd packet data (13 bytes):", &screen)) << screen;
  EXPECT_TRUE(Has(screen, "0000  2f 76 61 72 2f 6c 69 62  2f 64 61 74 61")) << screen;
  // End resumes following.
  tmux.SendKeys({"Escape"});
  ASSERT_TRUE(tmux.WaitFor("detail (Tab: focus)", &screen)) << screen;
  tmux.SendKeys({"End"});
  ASSERT_TRUE(tmux.WaitFor("FOLLOW", &screen)) << screen;
  tmux.SendKeys({"q"});
  EXPECT_TRUE(tmux.WaitUntil([&](const std::string&) { return tmux.Exited(); }));
}

TEST(TuiReplayTmuxTest, FilterShowsOnlyMatchingRowsAndErrorJump) {
  std::string log = MakeLog("filter.jsonl", 2);
  TmuxSession tmux("filter");
  ASSERT_TRUE(tmux.Start(Replay(log), 150, 50));
  std::string screen;
  ASSERT_TRUE(tmux.WaitFor("procRun", &screen)) << screen;
  tmux.SendKeys({"/"});
  ASSERT_TRUE(tmux.WaitFor("filter (", &screen)) << screen;
  tmux.SendText("type:hooks dir:p2c");
  tmux.SendKeys({"Enter"});
  ASSERT_TRUE(tmux.WaitFor("filter \"type:hooks dir:p2c\": 2 rows", &screen)) << screen;
  EXPECT_EQ(LinesWith(screen, "C\u2190P   procHooksDone").size(), 2u) << screen;
  EXPECT_TRUE(LinesWith(screen, "procMountPlease").empty()) << screen;
  EXPECT_TRUE(LinesWith(screen, "procReady").empty()) << screen;
  // Clear the filter, jump to the first error/anomaly from the top.
  tmux.SendKeys({"/", "C-u", "Enter"});
  ASSERT_TRUE(tmux.WaitFor("filter cleared", &screen)) << screen;
  tmux.SendKeys({"g", "e"});
  ASSERT_TRUE(tmux.WaitFor("! invalid-json: packet is not valid JSON", &screen)) << screen;
  EXPECT_TRUE(Has(screen, "raw:{\\\"type\\\":\\\"procReady\\\"")) << screen;  // runc-style String
}

TEST(TuiReplayTmuxTest, MarkerWriteAndHelp) {
  std::string log = MakeLog("mark.jsonl", 1);
  std::string out = TempPath("written.txt");
  TmuxSession tmux("mark");
  ASSERT_TRUE(tmux.Start(Replay(log), 120, 40));
  std::string screen;
  ASSERT_TRUE(tmux.WaitFor("procRun", &screen)) << screen;
  tmux.SendKeys({"m"});
  ASSERT_TRUE(tmux.WaitFor("---------------- mark 1 ----------------", &screen)) << screen;
  tmux.SendKeys({"w", "C-u"});
  tmux.SendText(out);
  tmux.SendKeys({"Enter"});
  ASSERT_TRUE(tmux.WaitFor("wrote 12 rows to ", &screen)) << screen;
  std::string written = ReadFile(out);
  EXPECT_TRUE(Has(written, "C<-P   procMountFd")) << written;
  EXPECT_TRUE(Has(written, "mark 1")) << written;
  tmux.SendKeys({"?"});
  ASSERT_TRUE(tmux.WaitFor("synctrace keys (any key closes this list)", &screen)) << screen;
  EXPECT_TRUE(Has(screen, "set/clear a breakpoint")) << screen;
  tmux.SendKeys({"x"});
  ASSERT_TRUE(tmux.WaitFor("q quit", &screen)) << screen;
}

TEST(TuiReplayTmuxTest, ResizeTo80x24KeepsTheEssentials) {
  std::string log = MakeLog("resize.jsonl", 3);
  TmuxSession tmux("resize");
  ASSERT_TRUE(tmux.Start(Replay(log), 160, 50));
  std::string screen;
  ASSERT_TRUE(tmux.WaitFor("procRun", &screen)) << screen;
  tmux.SendKeys({"x"});  // any key: the help line replaces the load report
  ASSERT_TRUE(tmux.WaitFor("q quit", &screen)) << screen;
  tmux.Resize(80, 24);
  ASSERT_TRUE(tmux.WaitUntil(
      [](const std::string& s) {
        std::istringstream in(s);
        int n = 0;
        for (std::string l; std::getline(in, l);) ++n;
        // Redrawn for the new size: status bar on top again, help line at the bottom.
        return n == 24 && s.rfind(" synctrace replay", 0) == 0 &&
               s.find("q quit") != std::string::npos;
      },
      &screen))
      << screen;
  std::istringstream in(screen);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 24u);
  EXPECT_TRUE(Has(lines[0], "synctrace replay")) << lines[0];
  EXPECT_TRUE(Has(lines[0], "FOLLOW")) << lines[0];
  EXPECT_TRUE(Has(lines[23], "q quit")) << lines[23];
  EXPECT_GE(LinesWith(screen, "C\u2192P").size(), 3u) << screen;  // rows still there
  EXPECT_FALSE(LinesWith(screen, "-- detail").empty()) << screen;
}

TEST(TuiReplayTmuxTest, CorruptLogLoadsWhatIsValidAndSaysWhichLinesWereBad) {
  std::string log = MakeLog("corrupt.jsonl", 2, /*corrupt=*/true);
  TmuxSession tmux("corrupt");
  ASSERT_TRUE(tmux.Start(Replay(log), 150, 40));
  std::string screen;
  ASSERT_TRUE(tmux.WaitFor("2 bad lines skipped (line 3, 22)", &screen)) << screen;
  EXPECT_TRUE(Has(screen, "loaded 20 events")) << screen;
  EXPECT_FALSE(LinesWith(screen, "procHooksDone").empty()) << screen;
}

TEST(TuiReplayTmuxTest, MonochromeAndDumbTerminal) {
  std::string log = MakeLog("mono.jsonl", 1);
  {
    TmuxSession tmux("mono");
    ASSERT_TRUE(tmux.Start(Replay(log), 120, 40, {"NO_COLOR=1"}));
    std::string screen;
    ASSERT_TRUE(tmux.WaitFor("procRun", &screen)) << screen;
    // The anomaly is marked in the row itself, not only by colour.
    std::vector<std::string> bad = LinesWith(screen, "[invalid-json]");
    ASSERT_EQ(bad.size(), 1u) << screen;
    EXPECT_TRUE(Has(bad[0], " ! ")) << bad[0];
  }
  {
    TmuxSession tmux("dumb");
    ASSERT_TRUE(tmux.Start("TERM=dumb " + Replay(log) + "; echo EXIT=$?", 120, 40));
    std::string screen;
    ASSERT_TRUE(tmux.WaitFor("EXIT=0", &screen)) << screen;
    EXPECT_TRUE(Has(screen, "s1 parent->child type:procMountFd flags:0b1")) << screen;
  }
}

TEST(ReplayCommandTest, PipedPrintsTextAndMissingFileIsOneLine) {
  std::string log = MakeLog("piped.jsonl", 1);
  std::string out = TempPath("piped.txt");
  std::string err = TempPath("piped.err");
  ASSERT_EQ(std::system((Replay(log) + " >" + out + " 2>" + err).c_str()), 0);
  std::string text = ReadFile(out);
  EXPECT_TRUE(Has(text, " s1 child->parent type:procMountPlease arg:{\"source\":\"/var/lib/data\"")) << text;
  EXPECT_TRUE(ReadFile(err).empty()) << ReadFile(err);

  int rc = std::system((Replay(TempPath("missing.jsonl")) + " >" + out + " 2>" + err).c_str());
  EXPECT_EQ(WEXITSTATUS(rc), 1);
  std::string e = ReadFile(err);
  EXPECT_EQ(e, "synctrace: replay: cannot open " + TempPath("missing.jsonl") +
                   ": No such file or directory\n");
}

TEST(ReplayCommandTest, PipedCorruptLogPrintsWhatIsValidAndNamesBadLines) {
  std::string log = MakeLog("piped-corrupt.jsonl", 2, /*corrupt=*/true);
  std::string out = TempPath("piped-corrupt.txt");
  std::string err = TempPath("piped-corrupt.err");
  ASSERT_EQ(std::system((Replay(log) + " >" + out + " 2>" + err).c_str()), 0);
  std::string text = ReadFile(out);
  EXPECT_TRUE(Has(text, " s2 parent->child type:procRun")) << text;
  std::string e = ReadFile(err);
  EXPECT_TRUE(Has(e, "corrupt.jsonl: line 3: ")) << e;
  EXPECT_TRUE(Has(e, "corrupt.jsonl: line 22: truncated (no newline at the end)")) << e;
  EXPECT_TRUE(Has(e, ": 2 bad lines skipped (line 3, 22)\n")) << e;
}

}  // namespace
}  // namespace synctrace
