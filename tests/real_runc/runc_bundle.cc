// A busybox bundle and the real runc's command line; see runc_bundle.h.
#include "tests/real_runc/runc_bundle.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <thread>

#include "tests/run_process.h"

namespace synctrace {
namespace real_runc {
namespace {

// Busybox applets the tests' containers use, linked in the rootfs's /bin.
const char* const kApplets[] = {"sh", "echo", "cat", "grep", "ls", "true"};

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

bool WriteFile(const std::string& path, const std::string& text, mode_t mode) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  return out.good() && chmod(path.c_str(), mode) == 0;
}

std::string MakeDirs(const std::string& dir) {
  for (size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos != dir.size() && dir[pos] != '/') continue;
    std::string prefix = dir.substr(0, pos);
    if (mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
      return "making " + prefix + ": " + std::strerror(errno);
    }
  }
  return "";
}

std::string MakeRootfs(const std::string& rootfs) {
  for (const char* dir : {"/bin", "/usr/bin"}) {
    if (std::string error = MakeDirs(rootfs + dir); !error.empty()) return error;
  }
  std::string busybox = testing_util::ReadFile(kBusybox);
  if (busybox.empty()) return std::string("cannot read ") + kBusybox;
  if (!WriteFile(rootfs + "/usr/bin/busybox", busybox, 0755)) return "cannot copy busybox";
  for (const char* applet : kApplets) {
    std::string link = rootfs + "/bin/" + applet;
    unlink(link.c_str());
    if (symlink("/usr/bin/busybox", link.c_str()) != 0) {
      return "linking " + link + ": " + std::strerror(errno);
    }
  }
  return "";
}

// Removes `{ "type": "pid" },` from the namespaces; false when it is not there.
bool RemovePidNamespace(std::string* config) {
  size_t at = config->find("\"type\": \"pid\"");
  size_t open = at == std::string::npos ? at : config->rfind('{', at);
  size_t next = at == std::string::npos ? at : config->find('{', at);
  if (open == std::string::npos || next == std::string::npos) return false;
  config->erase(open, next - open);
  return true;
}

// `runc spec`'s config with "terminal": false and `args` as the process; "" when
// it does not look as expected.
std::string EditConfig(std::string config, const std::vector<std::string>& args,
                       BundleOptions options) {
  if (options.host_pid_namespace && !RemovePidNamespace(&config)) return "";
  const std::string terminal = "\"terminal\": true";
  size_t at = config.find(terminal);
  if (at == std::string::npos) return "";
  config.replace(at, terminal.size(), "\"terminal\": false");
  const std::string args_key = "\"args\": [";
  size_t open = config.find(args_key);
  size_t close = open == std::string::npos ? open : config.find(']', open);
  if (close == std::string::npos) return "";
  std::string list;
  for (const std::string& a : args) list += (list.empty() ? "" : ", ") + JsonString(a);
  config.replace(open, close + 1 - open, args_key + list + "]");
  return config;
}

}  // namespace

std::string MissingPrerequisite() {
  const char* setup = ": run tools/setup.sh (it installs Debian's runc and busybox-static)";
  if (access(kRunc, X_OK) != 0) return std::string("no runc at ") + kRunc + setup;
  if (access(kBusybox, X_OK) != 0) return std::string("no busybox at ") + kBusybox + setup;
  if (geteuid() != 0) return "runc needs root: run these tests as root (tools/test.sh is run so)";
  return "";
}

std::string MakeBundle(const std::string& dir, const std::vector<std::string>& args,
                       BundleOptions options) {
  if (std::string error = MakeRootfs(dir + "/rootfs"); !error.empty()) return error;
  std::string config_path = dir + "/config.json";
  unlink(config_path.c_str());  // runc spec refuses to overwrite it
  testing_util::ProcessResult spec = testing_util::RunProcess({kRunc, "spec", "--bundle", dir});
  if (spec.exit_code != 0) return "runc spec failed: " + spec.err;
  std::string config = EditConfig(testing_util::ReadFile(config_path), args, options);
  if (config.empty()) return "runc spec's config.json is not as expected: " + config_path;
  if (!WriteFile(config_path, config, 0644)) return "cannot write " + config_path;
  return "";
}

std::string RuncRoot() { return testing_util::TempDir() + "/runc-state"; }

std::vector<std::string> Runc(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {kRunc, "--root", RuncRoot()};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

Container::Container(const std::string& tag)
    : id_("synctrace-" + tag + "-" + std::to_string(getpid())) {
  testing_util::RunProcess(Runc({"delete", "-f", id_}));
}

Container::~Container() { testing_util::RunProcess(Runc({"delete", "-f", id_})); }

bool WaitForStatus(const std::string& id, const std::string& status, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  const std::string wanted = "\"status\": " + JsonString(status);
  for (;;) {
    testing_util::ProcessResult state = testing_util::RunProcess(Runc({"state", id}));
    if (state.exit_code != 0) return false;  // no such container (any more)
    if (state.out.find(wanted) != std::string::npos) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // between polls, not for sync
  }
}

}  // namespace real_runc
}  // namespace synctrace
