// The runc parent's and runc init's sides of the sync conversation; see conversation.h.
#include "tracer/sim/conversation.h"

#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "tracer/sim/go_json.h"
#include "tracer/sim/sync_socket.h"

namespace synctrace {
namespace sim {
namespace {

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

constexpr int kMsBind = 0x1000;
constexpr int kMsRec = 0x4000;

absl::Status Err(std::string text) { return absl::UnknownError(std::move(text)); }
std::string Text(const absl::Status& s) { return std::string(s.message()); }

std::string FdLink(int fd) {
  char link[64];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  char target[512];
  ssize_t n = readlink(link, target, sizeof target - 1);
  return n < 0 ? std::string() : std::string(target, static_cast<size_t>(n));
}

ReceivedFile Describe(int fd, std::string via, std::string name, std::string kind) {
  ReceivedFile f;
  f.via = std::move(via);
  f.name = std::move(name);
  f.fd = fd;
  f.kind = std::move(kind);
  struct stat st;
  if (fstat(fd, &st) == 0) {
    f.dev = st.st_dev;
    f.ino = st.st_ino;
  }
  return f;
}

// How long a read may wait: the scenario's limit plus the longest pause the
// other side may take at this pace.
absl::Duration ReadTimeout(const Scenario& scenario, const Pacing& pacing) {
  if (pacing.speed <= 0) return scenario.read_timeout;
  return scenario.read_timeout + (kHooksPause + kStepPause) / pacing.speed;
}

// What both sides share: a SyncSocket that records into the report.
class Side {
 public:
  Side(int fd, const char* name, const Scenario& scenario, const Pacing& pacing,
       PeerReport* report)
      : sock_(fd, name, ReadTimeout(scenario, pacing)), s_(scenario), pacing_(pacing),
        r_(report) {}

 protected:
  absl::Status Write(const SimMessage& m) {
    absl::Status st = sock_.WriteSync(m);
    if (st.ok()) r_->sent.push_back(m.AsSent().String());
    return st;
  }

  SyncReadResult Read() {
    SyncReadResult r = sock_.ReadSync();
    if (r.eof) r_->saw_eof = true;
    if (r.message.has_value()) r_->received.push_back(r.message->String());
    return r;
  }

  static void CloseFile(SyncReadResult* r) {
    if (r->message.has_value() && r->message->has_file()) {
      close(r->message->file_fd);
      r->message->file_fd = -1;
    }
  }

  // After the conversation: read until EOF, keeping what still arrives.
  void DrainUntilEof() {
    std::vector<SimMessage> late;
    std::string error;
    bool eof = sock_.DrainUntilEof(&late, &error);
    for (SimMessage& m : late) {
      r_->late.push_back(m.String());
      if (m.has_file()) close(m.file_fd);
    }
    if (eof) {
      r_->saw_eof = true;
    } else {
      AddNote(absl::StrCat("waiting for EOF: ", error));
    }
  }

  void AddNote(const std::string& note) {
    if (!r_->notes.empty()) r_->notes += "; ";
    r_->notes += note;
  }

  SyncSocket sock_;
  const Scenario& s_;
  const Pacing& pacing_;
  PeerReport* r_;
};

class ChildSide : public Side {
 public:
  using Side::Side;

  ChildEnd Run() {
    bool crash = false;
    absl::Status err = Steps(&crash);
    if (crash) return ChildEnd::kCrash;
    if (!err.ok()) {
      r_->error = Text(err);
      std::string arg = r_->error.empty() ? "{}" : absl::StrCat("{\"message\":", GoQuote(r_->error), "}");
      if (absl::Status w = Write(SimMessage::Of("procError", arg)); !w.ok()) {
        AddNote(absl::StrCat("could not send procError: ", Text(w)));
      }
    }
    Finish();
    return err.ok() ? ChildEnd::kSuccess : ChildEnd::kFailed;
  }

 private:
  absl::Status Steps(bool* crash) {
    switch (s_.kind) {
      case ScenarioKind::kExec:
        return SyncReady();
      case ScenarioKind::kBadGarbageJson:
        if (absl::Status st = SyncHooks(); !st.ok()) return st;
        return GarbageInsteadOfReady();
      case ScenarioKind::kChildCrash:
        if (absl::Status st = Mounts(); !st.ok()) return st;
        pacing_.Pause(kStepPause);
        *crash = true;  // killed (think OOM) before asking for the hooks
        return absl::OkStatus();
      default:
        break;
    }
    if (absl::Status st = Mounts(); !st.ok()) return st;
    if (absl::Status st = SyncHooks(); !st.ok()) return st;
    if (absl::Status st = SyncReady(); !st.ok()) return st;
    if (s_.seccomp) return SyncSeccomp();
    return absl::OkStatus();
  }

  // readSyncFull: the next message, which must be `expected`.
  absl::StatusOr<SimMessage> ReadFull(const std::string& expected) {
    SyncReadResult r = Read();
    if (!r.error.empty()) {
      CloseFile(&r);
      return Err(r.error);
    }
    if (r.message->type != expected) {
      CloseFile(&r);
      return Err(absl::StrCat("unexpected synchronisation flag: got ", GoStrconvQuote(r.message->type),
                              ", expected ", GoStrconvQuote(expected)));
    }
    return *r.message;
  }

  // readSync: the next message must be `expected`, with no arg and no file.
  absl::Status ReadExpect(const std::string& expected) {
    absl::StatusOr<SimMessage> m = ReadFull(expected);
    if (!m.ok()) return m.status();
    if (m->has_file()) close(m->file_fd);
    if (m->arg.has_value()) {
      return Err(absl::StrCat("sync ", expected, " had unexpected argument passed: ",
                              GoStrconvQuote(*m->arg)));
    }
    if (m->has_file()) return Err(absl::StrCat("sync ", m->type, " had unexpected file passed"));
    return absl::OkStatus();
  }

  absl::Status Mounts() {
    for (const SimMount& m : s_.mounts) {
      pacing_.Pause(kStepPause);
      if (absl::Status st = RequestMount(m); !st.ok()) return st;
    }
    return absl::OkStatus();
  }

  // rootfs_linux.go: ask the host for a mount fd, check it, mount it.
  absl::Status RequestMount(const SimMount& m) {
    const std::string q = GoStrconvQuote(m.source);
    if (absl::Status st = Write(SimMessage::Of("procMountPlease", m.ConfigJson())); !st.ok()) {
      return Err(absl::StrCat("failed to request mountfd for ", q, ": ", Text(st)));
    }
    absl::StatusOr<SimMessage> reply = ReadFull("procMountFd");
    if (!reply.ok()) {
      return Err(absl::StrCat("mountfd request for ", q, " failed: ", Text(reply.status())));
    }
    if (!reply->has_file()) {
      return Err(absl::StrCat("mountfd request for ", q, ": response missing attached fd"));
    }
    int fd = reply->file_fd;
    if (reply->file_name != m.source) {
      close(fd);
      return Err(absl::StrCat("returned mountfd for ", q,
                              " doesn't match requested mount configuration: mountfd path is ",
                              GoStrconvQuote(reply->file_name)));
    }
    if (!reply->arg.has_value()) {
      close(fd);
      return Err(absl::StrCat("sync ", GoStrconvQuote(reply->type), " is missing an argument"));
    }
    std::optional<std::string> type = JsonStringField(*reply->arg, "type");
    r_->files.push_back(Describe(fd, reply->type, reply->file_name, type.value_or("?")));
    // "Mount" it: the destination must exist in the rootfs (runc would
    // move_mount/mount onto it; the simulator only resolves it).
    std::string target = s_.rootfs + m.destination;
    int dst = open(target.c_str(), O_PATH | O_CLOEXEC);
    int saved = errno;
    close(fd);
    if (dst < 0) {
      return Err(absl::StrCat("error mounting ", q, " to rootfs at ", GoStrconvQuote(m.destination),
                              ": open ", target, ": ", GoErrnoText(saved)));
    }
    close(dst);
    return absl::OkStatus();
  }

  absl::Status SyncHooks() {
    pacing_.Pause(kStepPause);
    if (absl::Status st = Write(SimMessage::Of("procHooks")); !st.ok()) return st;
    return ReadExpect("procHooksDone");
  }

  absl::Status SyncReady() {
    pacing_.Pause(kStepPause);
    absl::Status st = Write(SimMessage::Of("procReady"));
    if (st.ok()) st = ReadExpect("procRun");
    if (!st.ok()) return Err(absl::StrCat("sync ready: ", Text(st)));
    return absl::OkStatus();
  }

  // The bad child: a JSON packet cut short where procReady should be.
  absl::Status GarbageInsteadOfReady() {
    pacing_.Pause(kStepPause);
    const std::string garbage = "{\"type\":\"procReady\",\"flags\":0";
    if (absl::Status st = sock_.WriteRawPacket(garbage); !st.ok()) {
      return Err(absl::StrCat("sync ready: writing sync procReady: ", Text(st)));
    }
    r_->sent.push_back(absl::StrCat("raw:", garbage));
    if (absl::Status st = ReadExpect("procRun"); !st.ok()) {
      return Err(absl::StrCat("sync ready: ", Text(st)));
    }
    return absl::OkStatus();
  }

  // A seccomp-notify listener fd: an allow-everything filter installed with
  // SECCOMP_FILTER_FLAG_NEW_LISTENER; a stand-in eventfd if the kernel refuses.
  int MakeSeccompFd() {
    prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);  // Yama: let the parent grab it
    struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    struct sock_fprog prog = {1, &allow};
    long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
    if (fd >= 0) {
      fcntl(static_cast<int>(fd), F_SETFD, FD_CLOEXEC);
      return static_cast<int>(fd);
    }
    AddNote(absl::StrCat("seccomp: kernel refused a notify listener (", GoErrnoText(errno),
                         "); sent a stand-in eventfd number"));
    return eventfd(0, EFD_CLOEXEC);
  }

  // syncParentSeccomp: the parent grabs the fd with pidfd_getfd.
  absl::Status SyncSeccomp() {
    pacing_.Pause(kStepPause);
    int fd = MakeSeccompFd();
    absl::Status st = Write(SimMessage::Of("procSeccomp", std::to_string(fd)));
    if (st.ok()) st = ReadExpect("procSeccompDone");
    close(fd);
    return st;
  }

  void Finish() {
    if (absl::Status st = sock_.ShutdownWrite(); !st.ok()) AddNote(Text(st));
    DrainUntilEof();
  }
};

class ParentSide : public Side {
 public:
  ParentSide(int fd, const Scenario& scenario, const Pacing& pacing, pid_t child_pid,
             PeerReport* report)
      : Side(fd, "sync-p", scenario, pacing, report), child_pid_(child_pid) {}

  ParentEnd Run() {
    absl::Status ierr;
    if (s_.kind == ScenarioKind::kBadUnsolicitedReply) ierr = Write(SimMessage::Of("procHooksDone"));
    while (ierr.ok() && !gave_up_ && !panic_) {  // parseSync
      SyncReadResult r = Read();
      if (r.eof) break;
      if (!r.error.empty()) {
        CloseFile(&r);
        ierr = Err(r.error);
        break;
      }
      ierr = Handle(*r.message);
      CloseFile(&r);
    }
    if (panic_) {  // a Go panic: no shutdown, the process dies (exit 2)
      r_->error = Text(ierr);
      return ParentEnd::kPanic;
    }
    absl::Status shut = sock_.ShutdownWrite();
    if (!shut.ok() && ierr.ok()) ierr = shut;
    if (!seen_ready_ && ierr.ok()) ierr = Err("procReady not received");
    if (!ierr.ok()) {
      r_->error = gave_up_ || s_.init_type == "setns"
                      ? Text(ierr)
                      : absl::StrCat("error during container init: ", Text(ierr));
    }
    DrainUntilEof();
    return ierr.ok() ? ParentEnd::kSuccess : ParentEnd::kFailed;
  }

 private:
  absl::Status Handle(const SimMessage& m) {
    const bool setns = s_.init_type == "setns";
    if (m.type == "procReady") {
      seen_ready_ = true;
      pacing_.Pause(kStepPause);
      return Write(SimMessage::Of("procRun"));
    }
    if (m.type == "procSeccomp") return Seccomp(m);
    if (m.type == "procHooks" || m.type == "procMountPlease") {
      if (setns) {
        panic_ = true;
        return Err(absl::StrCat("panic: unexpected ", m.type, " in setns"));
      }
      return m.type == "procHooks" ? Hooks() : MountPlease(m);
    }
    return Err("invalid JSON payload from child");
  }

  absl::Status Hooks() {
    pacing_.Pause(kHooksPause);  // prestart and createRuntime hooks run here
    if (s_.kind == ScenarioKind::kBadUnexpectedReply) return Write(SimMessage::Of("procRun"));
    return Write(SimMessage::Of("procHooksDone"));
  }

  absl::Status MountPlease(const SimMessage& m) {
    const std::string q = GoStrconvQuote(m.type);
    if (!m.arg.has_value()) return Err(absl::StrCat("sync ", q, " is missing an argument"));
    std::optional<std::string> source = JsonStringField(*m.arg, "source");
    std::optional<std::string> flags_raw = JsonRawField(*m.arg, "flags");
    std::optional<std::string> id_mapping = JsonRawField(*m.arg, "id_mapping");
    if (!source.has_value()) {
      return Err(absl::StrCat("sync ", q, " passed invalid mount arg: no source"));
    }
    int64_t flags = 0;
    if (flags_raw.has_value()) {
      absl::StatusOr<int64_t> f = ParseJsonInt(*flags_raw);
      if (!f.ok()) return Err(absl::StrCat("sync ", q, " passed invalid mount arg: ", Text(f.status())));
      flags = *f;
    }
    pacing_.Pause(kStepPause);
    if (s_.kind == ScenarioKind::kBadMissingFdPacket) return AnnounceFileButSendNone();
    if ((flags & kMsBind) == 0) {
      return Err("failed to fulfil mount request: new mount api: only bind-mounts are supported");
    }
    bool id_mapped = id_mapping.has_value() && *id_mapping != "null";
    std::string type = "plain-open";
    int fd = -1;
    if (id_mapped) {
      unsigned int tree_flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;
      if ((flags & kMsRec) != 0) tree_flags |= AT_RECURSIVE;
      fd = static_cast<int>(syscall(SYS_open_tree, AT_FDCWD, source->c_str(), tree_flags));
      if (fd >= 0) {
        type = "open_tree";
      } else if (errno == ENOENT) {
        return Err(absl::StrCat("failed to fulfil mount request: open_tree(OPEN_TREE_CLONE) ",
                                *source, ": ", GoErrnoText(errno)));
      } else {
        AddNote(absl::StrCat("open_tree refused (", GoErrnoText(errno), "); O_PATH instead"));
      }
    }
    if (fd < 0) {
      fd = open(source->c_str(), O_PATH | O_CLOEXEC);
      if (fd < 0) {
        return Err(absl::StrCat("failed to fulfil mount request: open ", *source, ": ",
                                GoErrnoText(errno)));
      }
    }
    SimMessage reply = SimMessage::Of("procMountFd", absl::StrCat("{\"type\":", GoQuote(type), "}"));
    reply.file_fd = fd;
    reply.file_name = *source;
    absl::Status st = Write(reply);
    close(fd);
    return st;
  }

  // The bad parent: flags:0b1 announces a file, no fd packet follows, and it
  // gives up (shuts down) so the child's recvmsg sees EOF instead of hanging.
  absl::Status AnnounceFileButSendNone() {
    SimMessage m = SimMessage::Of("procMountFd", "{\"type\":\"open_tree\"}");
    m.flags = 1;
    if (absl::Status st = sock_.WriteRawPacket(SyncSocket::MarshalSyncT(m)); !st.ok()) return st;
    r_->sent.push_back(m.String());
    gave_up_ = true;
    return Err("bad peer: sent procMountFd flags:0b1 without its fd packet, then gave up");
  }

  absl::Status Seccomp(const SimMessage& m) {
    const std::string q = GoStrconvQuote(m.type);
    if (!m.arg.has_value()) return Err(absl::StrCat("sync ", q, " is missing an argument"));
    absl::StatusOr<int64_t> src_fd = ParseJsonInt(*m.arg);
    if (!src_fd.ok()) {
      return Err(absl::StrCat("sync ", q, " passed invalid fd arg: ", Text(src_fd.status())));
    }
    int pidfd = static_cast<int>(syscall(SYS_pidfd_open, child_pid_, 0));
    if (pidfd < 0) {
      return Err(absl::StrCat("sync ", q, " get fd ", *src_fd, " from child failed: pidfd_open: ",
                              GoErrnoText(errno)));
    }
    int fd = static_cast<int>(syscall(SYS_pidfd_getfd, pidfd, static_cast<int>(*src_fd), 0));
    int saved = errno;
    close(pidfd);
    if (fd < 0) {
      return Err(absl::StrCat("sync ", q, " get fd ", *src_fd, " from child failed: pidfd_getfd: ",
                              GoErrnoText(saved)));
    }
    std::string link = FdLink(fd);
    std::string kind = link == "anon_inode:seccomp notify" ? "seccomp notify" : link;
    r_->files.push_back(Describe(fd, m.type, "[pidfd_getfd]", kind));
    pacing_.Pause(kStepPause);
    absl::Status st = Write(SimMessage::Of("procSeccompDone"));
    close(fd);  // runc hands it to the seccomp agent here; the simulator has none
    return st;
  }

  pid_t child_pid_;
  bool seen_ready_ = false;
  bool gave_up_ = false;
  bool panic_ = false;
};

}  // namespace

ChildEnd RunChildConversation(int sync_fd, const Scenario& scenario, const Pacing& pacing,
                              PeerReport* report) {
  report->side = "child";
  ChildSide child(sync_fd, "sync", scenario, pacing, report);
  return child.Run();
}

ParentEnd RunParentConversation(int sync_fd, const Scenario& scenario, const Pacing& pacing,
                                pid_t child_pid, PeerReport* report) {
  report->side = "parent";
  ParentSide parent(sync_fd, scenario, pacing, child_pid, report);
  return parent.Run();
}

int ExitStatusFor(ChildEnd end) {
  return end == ChildEnd::kSuccess ? 0 : 255;
}

int ExitStatusFor(ParentEnd end) {
  switch (end) {
    case ParentEnd::kSuccess: return 0;
    case ParentEnd::kFailed: return 1;
    case ParentEnd::kPanic: return 2;
  }
  return 1;
}

}  // namespace sim
}  // namespace synctrace
