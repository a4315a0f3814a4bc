// Describing procSeccomp's fd in the child; see seccomp_fd_gate.h.
#include "tracer/interpose/seccomp_fd_gate.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tracer/describe_fd.h"
#include "tracer/interpose/proc_files.h"

namespace synctrace {

void SeccompFdGate::BeforeForward(int session, Direction direction, const WirePacket& packet) {
  if (inner_ != nullptr) inner_->BeforeForward(session, direction, packet);
  if (direction != Direction::kChildToParent || !packet.fds.empty()) return;
  if (packet.data.find("procSeccomp") == std::string::npos) return;  // cheap pre-check
  SyncMessage message = parser_.Parse(packet.data);
  if (message.type_id != SyncTypeId::kProcSeccomp) return;
  std::optional<std::string_view> arg = message.arg();
  int fd = -1;
  if (!arg || !absl::SimpleAtoi(absl::string_view(arg->data(), arg->size()), &fd) || fd < 0) {
    return;  // not an fd number (a procSeccomp carrying a file is described by the relay)
  }
  pid_t sender = Sender();
  FdDescription d = DescribeProcessFd(sender, fd);
  std::string what = d.described ? d.Summary()
                                 : std::string("could not be described (gone or not ours to see)");
  trace_->Note(session, absl::StrCat("procSeccomp: fd ", fd, " in runc init pid ", sender,
                                     " is ", what));
}

pid_t SeccompFdGate::Sender() const {
  std::vector<pid_t> candidates = ChildrenOf(init_.parent_tgid);
  candidates.push_back(init_.child_pid);
  pid_t holder = NewestHolderOfSocket(candidates, init_.sync_fd, init_.inode);
  return holder > 0 ? holder : init_.child_pid;
}

}  // namespace synctrace
