// A containerd of a test's own; see private_containerd.h.
#include "tests/containerd/private_containerd.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/run_process.h"

namespace synctrace {
namespace containerd_test {
namespace {

constexpr char kDirPrefix[] = "synctrace-containerd-";
constexpr char kOwnerFile[] = "/owner";          // the test process: Identity()
constexpr char kNamespaceFile[] = "/namespace";  // the containerd namespace
constexpr int kStartTimeoutMs = 20000;
constexpr int kKillTimeoutMs = 10000;

using Clock = std::chrono::steady_clock;

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  return out.good();
}

std::string Config(const std::string& dir) {
  std::ostringstream c;
  c << "version = 2\n"
    << "root = \"" << dir << "/root\"\n"
    << "state = \"" << dir << "/state\"\n"
    << "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n"
    << "[grpc]\n  address = \"" << dir << "/containerd.sock\"\n"
    << "[ttrpc]\n  address = \"" << dir << "/containerd.sock.ttrpc\"\n"
    << "[plugins]\n  [plugins.\"io.containerd.internal.v1.opt\"]\n    path = \"" << dir
    << "/opt\"\n";
  return c.str();
}

// Runs containerd in a child that dies with this process, output to `log`.
pid_t SpawnContainerd(const std::string& config, const std::string& log,
                      const std::vector<std::string>& env) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (fd < 0 || null < 0) _exit(127);
  dup2(null, 0);
  dup2(fd, 1);
  dup2(fd, 2);
  // A PATH like systemd's: Bazel's test PATH lacks /usr/sbin, where runc is.
  setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
  for (const std::string& e : env) putenv(const_cast<char*>(e.c_str()));
  execl(kContainerd, kContainerd, "--config", config.c_str(), static_cast<char*>(nullptr));
  _exit(127);
}

std::string ReadProcFile(pid_t pid, const char* name) {
  std::string text = testing_util::ReadFile("/proc/" + std::to_string(pid) + "/" + name);
  std::replace(text.begin(), text.end(), '\0', ' ');
  return text;
}

// "PID STARTTIME" of a live process, "" for a zombie or none: a pid can be
// reused, the pair cannot.
std::string Identity(pid_t pid) {
  std::string stat = ReadProcFile(pid, "stat");
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return "";
  std::istringstream fields(stat.substr(close + 1));
  std::vector<std::string> after_name;  // from field 3 (state) on
  for (std::string f; fields >> f;) after_name.push_back(f);
  if (after_name.size() < 20 || after_name[0] == "Z") return "";
  return std::to_string(pid) + " " + after_name[19];  // field 22: starttime
}

// A process started for this containerd: one naming its directory (containerd,
// its shims, the runtime and runc they run) or in its namespace's cgroups (the
// containers). Zombies are only waiting for their parent: not counted.
bool BelongsTo(pid_t pid, const std::string& dir, const std::string& ns) {
  if (Identity(pid).empty()) return false;
  return ReadProcFile(pid, "cmdline").find(dir + "/") != std::string::npos ||
         ReadProcFile(pid, "cgroup").find(":/" + ns + "/") != std::string::npos;
}

// SIGKILLs every process of this containerd until none is left (bounded).
void KillProcesses(const std::string& dir, const std::string& ns) {
  auto deadline = Clock::now() + std::chrono::milliseconds(kKillTimeoutMs);
  for (;;) {
    bool found = false;
    for (const std::string& name : testing_util::ListDir("/proc")) {
      pid_t pid = static_cast<pid_t>(std::atoi(name.c_str()));
      if (pid <= 0 || pid == getpid() || !BelongsTo(pid, dir, ns)) continue;
      kill(pid, SIGKILL);
      found = true;
    }
    if (!found || Clock::now() > deadline) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // let them die, then look again
  }
}

// `runc delete -f` for every container in the runc state under `dir`: kills
// the container's processes and removes its cgroups.
void DeleteRuncContainers(const std::string& dir) {
  std::string runc_root = dir + "/runc";
  for (const std::string& ns_dir : testing_util::ListDir(runc_root)) {
    std::string root = runc_root + "/" + ns_dir;
    for (const std::string& id : testing_util::ListDir(root)) {
      testing_util::RunProcess({kRunc, "--root", root, "delete", "-f", id});
    }
  }
}

// mountinfo escapes ' ', '\t', '\n' and '\\' as \ooo.
std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      out += static_cast<char>(std::strtol(s.substr(i + 1, 3).c_str(), nullptr, 8));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

void UnmountUnder(const std::string& dir) {
  std::vector<std::string> mounts;
  std::ifstream in("/proc/self/mountinfo");
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string id, parent, devices, root, mount_point;
    fields >> id >> parent >> devices >> root >> mount_point;
    mount_point = Unescape(mount_point);
    if (mount_point.rfind(dir + "/", 0) == 0) mounts.push_back(mount_point);
  }
  for (auto it = mounts.rbegin(); it != mounts.rend(); ++it) umount2(it->c_str(), MNT_DETACH);
}

// rmdir of a cgroup and its children (each empty of processes by now).
void RemoveCgroup(const std::string& path) {
  DIR* d = opendir(path.c_str());
  if (d == nullptr) return;
  std::vector<std::string> children;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (e->d_type == DT_DIR && name != "." && name != "..") children.push_back(name);
  }
  closedir(d);
  for (const std::string& child : children) RemoveCgroup(path + "/" + child);
  rmdir(path.c_str());
}

// ctr puts a container in the cgroup /<namespace>/<id>, in every hierarchy.
void RemoveCgroups(const std::string& ns) {
  RemoveCgroup("/sys/fs/cgroup/" + ns);
  for (const std::string& hierarchy : testing_util::ListDir("/sys/fs/cgroup")) {
    RemoveCgroup("/sys/fs/cgroup/" + hierarchy + "/" + ns);
  }
}

// A shim removes its socket (in /run/containerd/s/) when it exits, but not
// when killed; each task's bundle has the socket's address.
void RemoveShimSockets(const std::string& dir) {
  const std::string tasks = dir + "/state/io.containerd.runtime.v2.task";
  const std::string scheme = "unix://";
  for (const std::string& ns : testing_util::ListDir(tasks)) {
    for (const std::string& id : testing_util::ListDir(tasks + "/" + ns)) {
      std::string address = testing_util::ReadFile(tasks + "/" + ns + "/" + id + "/address");
      address.erase(address.find_last_not_of(" \n") + 1);
      if (address.rfind(scheme + "/run/containerd/s/", 0) == 0) {
        unlink(address.substr(scheme.size()).c_str());
      }
    }
  }
}

// Everything but the directory goes first: processes hold mounts and cgroups.
void TearDown(const std::string& dir, const std::string& ns) {
  DeleteRuncContainers(dir);
  KillProcesses(dir, ns);
  RemoveShimSockets(dir);
  UnmountUnder(dir);
  if (!ns.empty()) RemoveCgroups(ns);
  testing_util::RunProcess({"/bin/rm", "-rf", "--one-file-system", dir});
}

// Directories of test processes that died before cleaning up (a timeout, a crash).
void CleanUpAbandoned() {
  for (const std::string& name : testing_util::ListDir("/tmp")) {
    if (name.rfind(kDirPrefix, 0) != 0) continue;
    std::string dir = "/tmp/" + name;
    std::string owner = testing_util::ReadFile(dir + kOwnerFile);
    // No owner yet: another test is just making it.
    if (!owner.empty() && Identity(static_cast<pid_t>(std::atoi(owner.c_str()))) != owner) {
      TearDown(dir, testing_util::ReadFile(dir + kNamespaceFile));
    }
  }
}

}  // namespace

std::string MissingPrerequisite() {
  const char* setup = ": run tools/setup.sh (it installs Debian's containerd, runc and busybox-static)";
  for (const char* path : {kContainerd, kCtr, kShim, kRunc, "/bin/busybox"}) {
    if (access(path, X_OK) != 0) return std::string("no ") + path + setup;
  }
  if (geteuid() != 0) return "containerd needs root: run these tests as root (tools/test.sh is run so)";
  return "";
}

PrivateContainerd::~PrivateContainerd() { Stop(); }

std::string PrivateContainerd::Start(const std::vector<std::string>& env) {
  CleanUpAbandoned();
  char templ[64];
  std::snprintf(templ, sizeof templ, "/tmp/%sXXXXXX", kDirPrefix);
  if (mkdtemp(templ) == nullptr) return std::string("mkdtemp in /tmp: ") + std::strerror(errno);
  dir_ = templ;
  namespace_ = "synctrace-test-" + dir_.substr(dir_.size() - 6);
  if (!WriteFile(dir_ + kOwnerFile, Identity(getpid())) ||
      !WriteFile(dir_ + kNamespaceFile, namespace_) ||
      !WriteFile(dir_ + "/config.toml", Config(dir_))) {
    return "cannot write to " + dir_;
  }
  log_path_ = dir_ + "/containerd.log";
  pid_ = SpawnContainerd(dir_ + "/config.toml", log_path_, env);
  if (pid_ < 0) return std::string("fork: ") + std::strerror(errno);

  auto deadline = Clock::now() + std::chrono::milliseconds(kStartTimeoutMs);
  for (;;) {
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return "containerd exited at start:\n" + Log();
    }
    if (testing_util::RunProcess(Ctr({"version"})).exit_code == 0) return "";
    if (Clock::now() > deadline) return "containerd did not answer within 20 s:\n" + Log();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // between polls
  }
}

void PrivateContainerd::Stop() {
  if (dir_.empty()) return;
  if (pid_ > 0) {  // first, so that it starts nothing more
    kill(pid_, SIGKILL);
    while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }
  TearDown(dir_, namespace_);
  dir_.clear();
}

std::vector<std::string> PrivateContainerd::Ctr(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {kCtr, "--address", dir_ + "/containerd.sock", "--namespace",
                                   namespace_};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

std::vector<std::string> PrivateContainerd::RunFlags(const std::string& runtime) const {
  return {"--snapshotter", "native", "--runc-binary", runtime, "--runc-root", dir_ + "/runc",
          "--fifo-dir", dir_ + "/fifo"};
}

std::vector<std::string> PrivateContainerd::ExecFlags() const {
  return {"--fifo-dir", dir_ + "/fifo"};
}

std::string PrivateContainerd::Log() const { return testing_util::ReadFile(log_path_); }

}  // namespace containerd_test
}  // namespace synctrace
