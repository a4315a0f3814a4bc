// File: decoder/test_util.h
//
// Helpers shared by the decoder's tests.
//
// Example:
//   EXPECT_EQ(AnomalyNames(message), "invalid-json,trailing-bytes");
#ifndef SYNCTRACE_DECODER_TEST_UTIL_H_
#define SYNCTRACE_DECODER_TEST_UTIL_H_

#include <string>

#include "decoder/sync_message.h"

namespace synctrace {

// The message's anomaly names, comma-separated, in order.
inline std::string AnomalyNames(const std::vector<Anomaly>& anomalies) {
  std::string out;
  for (const Anomaly& a : anomalies) {
    if (!out.empty()) out += ",";
    out += std::string(AnomalyName(a.code));
  }
  return out;
}
inline std::string AnomalyNames(const SyncMessage& m) { return AnomalyNames(m.anomalies); }

inline FdDescription Fd(int number, std::string path = {}) {
  FdDescription fd;
  fd.fd = number;
  if (!path.empty()) {
    fd.described = true;
    fd.kind = "directory";
    fd.path = std::move(path);
    fd.dev = 2049;
    fd.ino = 1234;
  }
  return fd;
}

}  // namespace synctrace

#endif  // SYNCTRACE_DECODER_TEST_UTIL_H_
