// Tests for the text and JSON log sinks: exact formatter output, one write per
// event, and a failing destination reported once and then left alone.
#include "ui/log_sinks.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "gtest/gtest.h"

namespace synctrace {
namespace {

TraceEvent Note(const std::string& text) {
  TraceEvent e;
  e.kind = EventKind::kNote;
  e.seq = 7;
  e.session = 1;
  e.mono_ns = 1500000;
  e.text = text;
  return e;
}

std::string ReadAll(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

TEST(LogSinksTest, TextSinkWritesTheFormatterLinesAsEventsCome) {
  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  TextLogSink sink(p[1], /*owns_fd=*/true, "the text log (test pipe)", 1000000,
                   LogFlush::kEachEvent);
  TextFormatter formatter(1000000);
  sink.Consume(Note("first"));
  std::string expected = formatter.Format(Note("first"));
  ASSERT_FALSE(expected.empty());
  std::string got(expected.size(), '\0');
  // Readable right away: nothing waits for a flush.
  ASSERT_EQ(read(p[0], got.data(), got.size()), static_cast<ssize_t>(expected.size()));
  EXPECT_EQ(got, expected);
  EXPECT_FALSE(sink.failed());
  close(p[0]);
}

TEST(LogSinksTest, JsonSinkWritesJsonLines) {
  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  {
    JsonLogSink sink(p[1], /*owns_fd=*/true, "the JSON log (test pipe)", 0,
                     LogFlush::kEachBatch);
    sink.Consume(Note("a"));
    sink.Consume(Note("b"));
    pollfd poll_read{p[0], POLLIN, 0};
    EXPECT_EQ(poll(&poll_read, 1, 0), 0) << "a batching sink wrote before Flush()";
    sink.Flush();
    EXPECT_EQ(poll(&poll_read, 1, 0), 1) << "Flush() wrote nothing";
  }  // owns_fd: closed here, so ReadAll ends
  JsonFormatter formatter(0);
  EXPECT_EQ(ReadAll(p[0]), formatter.Format(Note("a")) + formatter.Format(Note("b")));
  close(p[0]);
}

TEST(LogSinksTest, AFullDiskIsReportedOnceThenOutputIsDropped) {
  int fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  TextLogSink sink(fd, /*owns_fd=*/true, "the text log /dev/full", 0, LogFlush::kEachEvent);
  testing::internal::CaptureStderr();
  sink.Consume(Note("one"));
  sink.Consume(Note("two"));
  sink.Consume(Note("three"));
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_TRUE(sink.failed());
  EXPECT_NE(err.find("the text log /dev/full"), std::string::npos) << err;
  EXPECT_NE(err.find("No space left on device"), std::string::npos) << err;
  EXPECT_EQ(err.find('\n'), err.size() - 1) << "one line only: " << err;
}

TEST(LogSinksTest, ALogFileRemovedWhileWritingIsReportedOnceAtClose) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string path = std::string(tmp != nullptr ? tmp : "/tmp") + "/removed.log";
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  testing::internal::CaptureStderr();
  {
    TextLogSink sink(fd, /*owns_fd=*/true, "the text log " + path, 0, LogFlush::kEachEvent);
    sink.Consume(Note("one"));
    ASSERT_EQ(unlink(path.c_str()), 0);
    sink.Consume(Note("two"));  // still succeeds: the inode lives on
    EXPECT_FALSE(sink.failed());
  }
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("the text log " + path + " was removed"), std::string::npos) << err;
  EXPECT_EQ(err.find('\n'), err.size() - 1) << "one line only: " << err;
}

TEST(LogSinksTest, AReaderThatWentAwayIsAnErrorNotADeath) {
  signal(SIGPIPE, SIG_IGN);  // as OpenOutputs does
  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  close(p[0]);
  JsonLogSink sink(p[1], /*owns_fd=*/true, "the JSON log on stdout", 0, LogFlush::kEachEvent);
  testing::internal::CaptureStderr();
  sink.Consume(Note("x"));
  sink.Consume(Note("y"));
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_TRUE(sink.failed());
  EXPECT_NE(err.find("Broken pipe"), std::string::npos) << err;
  EXPECT_EQ(err.find('\n'), err.size() - 1) << err;
}

}  // namespace
}  // namespace synctrace
