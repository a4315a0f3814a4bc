// Tests for OpenOutputs: files 0600 appended, clear errors, stdout fallback.
#include "ui/outputs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "decoder/text_format.h"
#include "gtest/gtest.h"

namespace synctrace {
namespace {

std::string TempDir() {
  char dir[] = "/tmp/outputs_testXXXXXX";
  EXPECT_NE(mkdtemp(dir), nullptr);
  return dir;
}

std::string FileText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TraceEvent Note(const std::string& text) {
  TraceEvent e;
  e.kind = EventKind::kNote;
  e.session = 1;
  e.text = text;
  return e;
}

TEST(OutputsTest, LogAndJsonFilesAreCreated0600AndAppended) {
  std::string dir = TempDir();
  OutputOptions options;
  options.log_path = dir + "/run.log";
  options.json_path = dir + "/run.jsonl";
  { std::ofstream(options.log_path) << "earlier line\n"; }
  chmod(options.log_path.c_str(), 0600);
  {
    absl::StatusOr<Outputs> out = OpenOutputs(options, 0);
    ASSERT_TRUE(out.ok()) << out.status();
    ASSERT_EQ(out->sinks().size(), 2u);
    EXPECT_EQ(out->tui(), nullptr);
    for (EventSink* s : out->sinks()) s->Consume(Note("hello"));
  }
  std::string log = FileText(options.log_path);
  EXPECT_EQ(log, "earlier line\n" + TextFormatter(0).Format(Note("hello")));
  EXPECT_NE(FileText(options.json_path).find("\"text\":\"hello\""), std::string::npos);
  struct stat st;
  ASSERT_EQ(stat(options.json_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(OutputsTest, AnUnwritablePathIsAClearError) {
  OutputOptions options;
  options.json_path = "/nonexistent-dir/trace.jsonl";
  absl::StatusOr<Outputs> out = OpenOutputs(options, 0);
  ASSERT_FALSE(out.ok());
  std::string message(out.status().message());
  EXPECT_NE(message.find("--json /nonexistent-dir/trace.jsonl"), std::string::npos) << message;
  EXPECT_NE(message.find("No such file or directory"), std::string::npos) << message;
}

TEST(OutputsTest, NeitherFlagAndNoTerminalMeansTextOnStdout) {
  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  int saved = dup(STDOUT_FILENO);
  ASSERT_EQ(dup2(p[1], STDOUT_FILENO), STDOUT_FILENO);
  close(p[1]);
  {
    absl::StatusOr<Outputs> out = OpenOutputs(OutputOptions{}, 0);
    ASSERT_TRUE(out.ok());
    ASSERT_EQ(out->sinks().size(), 1u);
    EXPECT_EQ(out->tui(), nullptr);
    out->sinks()[0]->Consume(Note("to stdout"));
  }
  dup2(saved, STDOUT_FILENO);
  close(saved);
  std::string expected = TextFormatter(0).Format(Note("to stdout"));
  std::string got(expected.size(), '\0');
  ASSERT_EQ(read(p[0], got.data(), got.size()), static_cast<ssize_t>(got.size()));
  EXPECT_EQ(got, expected);
  close(p[0]);
}

}  // namespace
}  // namespace synctrace
