// The simulator's scenarios; see scenario.h.
#include "tracer/sim/scenario.h"

#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tracer/sim/go_json.h"

namespace synctrace {
namespace sim {
namespace {

constexpr int kMsRdonly = 0x1;
constexpr int kMsBind = 0x1000;
constexpr int kMsRec = 0x4000;
constexpr int kMsPrivate = 1 << 18;

struct Entry {
  const char* name;
  ScenarioKind kind;
};

// `all` order; "bad-peer" expands to the four bad-peer/* entries.
const Entry kEntries[] = {
    {"create", ScenarioKind::kCreate},
    {"exec", ScenarioKind::kExec},
    {"mount-error", ScenarioKind::kMountError},
    {"bad-peer/unexpected-reply", ScenarioKind::kBadUnexpectedReply},
    {"bad-peer/missing-fd-packet", ScenarioKind::kBadMissingFdPacket},
    {"bad-peer/garbage-json", ScenarioKind::kBadGarbageJson},
    {"bad-peer/unsolicited-reply", ScenarioKind::kBadUnsolicitedReply},
    {"child-crash", ScenarioKind::kChildCrash},
};

SimMount Volume(const std::string& fixture, const char* volume, const char* destination,
                bool id_mapped, int flags, std::string data = {}) {
  SimMount m;
  m.source = absl::StrCat(fixture, "/volumes/", volume);
  m.destination = destination;
  m.id_mapped = id_mapped;
  m.flags = flags;
  m.data = std::move(data);
  return m;
}

Scenario Build(const Entry& e, const std::string& fixture) {
  Scenario s;
  s.name = e.name;
  s.fixture_dir = fixture;
  s.kind = e.kind;
  s.init_type = e.kind == ScenarioKind::kExec ? "setns" : "standard";
  s.rootfs = absl::StrCat(fixture, "/rootfs");
  const SimMount data = Volume(fixture, "data", "/data", true, kMsBind | kMsRec);
  switch (e.kind) {
    case ScenarioKind::kCreate:
      s.mounts = {data,
                  Volume(fixture, "config", "/etc/app", false, kMsBind | kMsRec | kMsRdonly,
                         "context=\"system_u:object_r:container_file_t:s0:c12,c34\""),
                  Volume(fixture, "cache", "/var/cache/app", true, kMsBind | kMsRec)};
      s.seccomp = true;
      break;
    case ScenarioKind::kMountError:
      s.mounts = {Volume(fixture, "data", "/srv/www", true, kMsBind | kMsRec)};
      break;
    case ScenarioKind::kExec:
    case ScenarioKind::kBadGarbageJson:
      break;
    default:
      s.mounts = {data};
      break;
  }
  return s;
}

int RemoveEntry(const char* path, const struct stat*, int, struct FTW*) {
  return ::remove(path);
}

absl::Status MakeDir(const std::string& path) {
  if (mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
    return absl::InternalError(
        absl::StrCat("simulator fixture: mkdir ", path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace

std::string SimMount::ConfigJson() const {
  std::string out = absl::StrCat(
      "{\"source\":", GoQuote(source), ",\"destination\":", GoQuote(destination),
      ",\"device\":\"bind\",\"flags\":", flags, ",\"cleared_flags\":0,\"propagation_flags\":[",
      kMsPrivate | kMsRec, "],\"data\":", GoQuote(data),
      ",\"relabel\":\"\",\"rec_attr\":null,\"extensions\":0");
  if (id_mapped) {
    absl::StrAppend(&out,
                    ",\"id_mapping\":{\"recursive\":false,"
                    "\"uid_mappings\":[{\"container_id\":0,\"host_id\":100000,\"size\":65536}],"
                    "\"gid_mappings\":[{\"container_id\":0,\"host_id\":100000,\"size\":65536}]}");
  }
  out += "}";
  return out;
}

const std::vector<std::string>& ScenarioNames() {
  static const std::vector<std::string> kNames = {"create",   "exec",        "mount-error",
                                                  "bad-peer", "child-crash", "all"};
  return kNames;
}

std::string ScenarioNameList() { return absl::StrJoin(ScenarioNames(), ", "); }

absl::StatusOr<std::vector<Scenario>> ExpandScenario(const std::string& name,
                                                     const std::string& fixture_dir) {
  std::vector<Scenario> out;
  for (const Entry& e : kEntries) {
    std::string entry = e.name;
    bool match = name == "all" || entry == name ||
                 (name == "bad-peer" && entry.rfind("bad-peer/", 0) == 0);
    if (match) out.push_back(Build(e, fixture_dir));
  }
  if (out.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown scenario '", name, "' (scenarios: ", ScenarioNameList(), ")"));
  }
  return out;
}

absl::StatusOr<SimFixture> SimFixture::Create() {
  const char* tmp = getenv("TEST_TMPDIR");
  if (tmp == nullptr || *tmp == '\0') tmp = getenv("TMPDIR");
  if (tmp == nullptr || *tmp == '\0') tmp = "/tmp";
  std::string templ = absl::StrCat(tmp, "/synctrace-demo.XXXXXX");
  if (mkdtemp(templ.data()) == nullptr) {
    return absl::InternalError(
        absl::StrCat("simulator fixture: mkdtemp ", templ, ": ", std::strerror(errno)));
  }
  SimFixture fixture(templ);
  for (const char* sub : {"/volumes", "/volumes/data", "/volumes/config", "/volumes/cache",
                          "/rootfs", "/rootfs/data", "/rootfs/etc", "/rootfs/etc/app",
                          "/rootfs/var", "/rootfs/var/cache", "/rootfs/var/cache/app"}) {
    if (absl::Status s = MakeDir(templ + sub); !s.ok()) return s;
  }
  std::string note = templ + "/volumes/data/README";
  int fd = open(note.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd >= 0) {
    static const char kText[] = "a volume the simulated runc bind-mounts\n";
    (void)!write(fd, kText, sizeof kText - 1);
    close(fd);
  }
  return fixture;
}

SimFixture::SimFixture(SimFixture&& other) noexcept : dir_(std::move(other.dir_)) {
  other.dir_.clear();
}

SimFixture::~SimFixture() {
  if (!dir_.empty()) nftw(dir_.c_str(), RemoveEntry, 16, FTW_DEPTH | FTW_PHYS);
}

void Pacing::Pause(absl::Duration at_speed_1) const {
  if (speed <= 0) return;
  std::this_thread::sleep_for(absl::ToChronoMilliseconds(at_speed_1 / speed));
}

}  // namespace sim
}  // namespace synctrace
