// File: tests/real_runc/runc_bundle.h
//
// The real runc for end-to-end tests (Debian's runc, installed by
// tools/setup.sh): a bundle whose rootfs is the one static busybox binary and
// whose config.json is `runc spec`'s with the terminal off and our args; runc's
// command line with its state directory in TEST_TMPDIR; and a guard that
// force-deletes a container before and after a test.
//
// Example:
//   if (std::string missing = MissingPrerequisite(); !missing.empty()) FAIL() << missing;
//   std::string bundle = testing_util::TempDir() + "/hello";
//   ASSERT_EQ(MakeBundle(bundle, {"sh", "-c", "echo hi"}), "");
//   Container c("hello");
//   testing_util::ProcessResult r = testing_util::RunProcess(Runc({"run", "--bundle", bundle, c.id()}));
#ifndef SYNCTRACE_TESTS_REAL_RUNC_RUNC_BUNDLE_H_
#define SYNCTRACE_TESTS_REAL_RUNC_RUNC_BUNDLE_H_

#include <string>
#include <vector>

namespace synctrace {
namespace real_runc {

constexpr char kRunc[] = "/usr/sbin/runc";
constexpr char kBusybox[] = "/bin/busybox";

// "" when the tests can run (root, runc and busybox there); else one line
// saying what is missing and to run tools/setup.sh.
std::string MissingPrerequisite();

struct BundleOptions {
  // No pid namespace of its own. Needed to see a tracer in the container:
  // /proc/PID/status shows TracerPid 0 when the tracer is in no namespace the
  // reader can see, as synctrace (or strace) would be from a new one.
  bool host_pid_namespace = false;
};

// Writes DIR/rootfs (busybox and its applet links in /bin) and DIR/config.json
// running `args`, without a terminal. "" on success, else what went wrong.
std::string MakeBundle(const std::string& dir, const std::vector<std::string>& args,
                       BundleOptions options = {});

// runc's state directory for these tests (`runc --root`), in TEST_TMPDIR.
std::string RuncRoot();
// {kRunc, "--root", RuncRoot(), args...}
std::vector<std::string> Runc(const std::vector<std::string>& args);

// A container id unique to this test process, deleted (`runc delete -f`,
// outcome ignored) when made and when destroyed, so nothing is left behind.
class Container {
 public:
  explicit Container(const std::string& tag);
  ~Container();
  Container(const Container&) = delete;
  Container& operator=(const Container&) = delete;
  const std::string& id() const { return id_; }

 private:
  std::string id_;
};

// Asks runc (`state`) until the container's status is `status`, for at most
// `timeout_ms`. False when it never was, or the container is gone.
bool WaitForStatus(const std::string& id, const std::string& status, int timeout_ms);

}  // namespace real_runc
}  // namespace synctrace

#endif  // SYNCTRACE_TESTS_REAL_RUNC_RUNC_BUNDLE_H_
