// File: tests/containerd/private_containerd.h
//
// A containerd of a test's own (Debian's containerd 1.6, installed by
// tools/setup.sh): its root, state, socket, config, runc state and I/O fifos
// all in a fresh /tmp/synctrace-containerd-XXXXXX (short: a unix socket path
// is at most 107 bytes), a containerd namespace of its own, the CRI plugin off.
// Containers are made with the `native` snapshotter (plain copies, no overlay
// mounts) and the runc v2 shim. Everything it started is killed and removed
// when it is destroyed, also after a failed test; one abandoned by a test
// process that died (timeout, crash) is cleaned up by the next one.
//
// Example:
//   if (std::string missing = MissingPrerequisite(); !missing.empty()) FAIL() << missing;
//   PrivateContainerd containerd;
//   ASSERT_EQ(containerd.Start({"SYNCTRACE_LOG_DIR=/tmp/x"}), "");
//   RunProcess(containerd.Ctr({"images", "import", "--snapshotter", "native", tar}));
//   RunProcess(containerd.Ctr({"run", "--rm", ...containerd.RunFlags("/usr/sbin/runc"), image, id, "true"}));
#ifndef SYNCTRACE_TESTS_CONTAINERD_PRIVATE_CONTAINERD_H_
#define SYNCTRACE_TESTS_CONTAINERD_PRIVATE_CONTAINERD_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace synctrace {
namespace containerd_test {

constexpr char kContainerd[] = "/usr/bin/containerd";
constexpr char kCtr[] = "/usr/bin/ctr";
constexpr char kShim[] = "/usr/bin/containerd-shim-runc-v2";
constexpr char kRunc[] = "/usr/sbin/runc";

// "" when the tests can run (root; containerd, its runc shim, ctr, runc and
// busybox there); else one line saying what is missing and to run tools/setup.sh.
std::string MissingPrerequisite();

class PrivateContainerd {
 public:
  PrivateContainerd() = default;
  ~PrivateContainerd();  // Stop()
  PrivateContainerd(const PrivateContainerd&) = delete;
  PrivateContainerd& operator=(const PrivateContainerd&) = delete;

  // Makes the directory, starts containerd with `env` ("NAME=value") added to
  // its environment (the runc shim and so the runtime inherit it), and waits
  // until it answers. "" on success, else what went wrong (with its log).
  std::string Start(const std::vector<std::string>& env);
  // Kills containerd, its shims and containers, unmounts and removes all it
  // made. Idempotent.
  void Stop();

  const std::string& dir() const { return dir_; }
  // {kCtr, "--address", socket, "--namespace", namespace, args...}
  std::vector<std::string> Ctr(const std::vector<std::string>& args) const;
  // `ctr run` flags: the native snapshotter, runc state and fifos in dir(),
  // and `runtime` as the runc binary the shim calls.
  std::vector<std::string> RunFlags(const std::string& runtime) const;
  // `ctr task exec` flags: fifos in dir().
  std::vector<std::string> ExecFlags() const;
  // containerd's own output so far, for failure messages.
  std::string Log() const;

 private:
  std::string dir_;
  std::string namespace_;
  pid_t pid_ = -1;
  std::string log_path_;
};

}  // namespace containerd_test
}  // namespace synctrace

#endif  // SYNCTRACE_TESTS_CONTAINERD_PRIVATE_CONTAINERD_H_
