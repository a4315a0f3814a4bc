// File: ui/log_writer.h
//
// Writes log lines to an fd (a --log/--json file, or stdout) from the trace's
// dispatcher thread, whole lines, retrying short writes, EINTR and EAGAIN.
// The first failure (disk full, a reader that went away, ...) is reported once
// on stderr in one line; after that the writer drops everything it is given, so
// the relay keeps forwarding whatever happens to the log. A log file found
// removed (unlinked) when the writer closes it is reported in one line too.
//
// Example:
//   LogWriter out(fd, /*owns_fd=*/true, "the text log /tmp/run.log");
//   out.Write("0.000012 s1 child->parent type:procReady\n");
//   out.failed()  // true once a write failed
#ifndef SYNCTRACE_UI_LOG_WRITER_H_
#define SYNCTRACE_UI_LOG_WRITER_H_

#include <string>
#include <string_view>

namespace synctrace {

class LogWriter {
 public:
  // `what` names the destination for the error line ("the JSON log /x.jsonl").
  LogWriter(int fd, bool owns_fd, std::string what);
  ~LogWriter();
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  // Writes all of `bytes`; returns false (and drops them) once failed().
  bool Write(std::string_view bytes);
  bool failed() const { return failed_; }

 private:
  int fd_;
  bool owns_fd_;
  std::string what_;
  bool failed_ = false;
};

}  // namespace synctrace

#endif  // SYNCTRACE_UI_LOG_WRITER_H_
