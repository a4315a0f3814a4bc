// TracedCommand + SwapSyncSocket against the fake runc (tracer/fake_runc):
// each runc init is handed over untraced, at the vfork's exit, and the swap
// leaves the sockets connected as the relay needs them.
#include "tracer/interpose/traced_command.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tracer/interpose/proc_files.h"
#include "tracer/interpose/sync_socket_swap.h"
#include "tracer/interpose/unix_peer.h"
#include "tracer/relay.h"
#include "tracer/trace.h"

namespace synctrace {
namespace {

const char kFakeRunc[] = "tracer/fake_runc/fake_runc";

uint64_t InodeOf(int fd) {
  struct stat st {};
  fstat(fd, &st);
  return st.st_ino;
}

// Swaps each runc init's socket, checks the plumbing, and relays.
class CheckingHandler : public VforkHandler {
 public:
  explicit CheckingHandler(Trace* trace) : trace_(trace) {}
  ~CheckingHandler() override {
    for (auto& t : threads_) t.join();
  }

  std::optional<int> OnVforkExit(pid_t tid, pid_t tgid, pid_t child) override {
    ++calls;
    EXPECT_EQ(TracerPidOf(child), 0) << "runc init must run untraced";
    EXPECT_EQ(TgidOf(tid), tgid);
    SwapResult r = SwapSyncSocket(tid, tgid, child, SwapFault::kNone);
    EXPECT_EQ(r.outcome, SwapOutcome::kSwapped) << r.message;
    if (r.outcome != SwapOutcome::kSwapped) return r.death_status;
    ++swapped;
    // The stolen end is the child's peer; the parent's fd now is our peer.
    EXPECT_EQ(QueryUnixSocket(InodeOf(r.relay_child_fd))->peer_inode,
              *SocketInode(child, r.child_fd_number));
    EXPECT_EQ(QueryUnixSocket(*SocketInode(tgid, r.parent_fd_number))->peer_inode,
              InodeOf(r.relay_parent_fd));
    EXPECT_NE(*FdInfoFlags(tgid, r.parent_fd_number) & O_CLOEXEC, 0);  // SOCK_CLOEXEC kept
    EXPECT_EQ(r.child_environ.Get("_LIBCONTAINER_INITTYPE"), "standard");
    int session = trace_->StartSession(SessionInfo{});
    auto relay = std::make_shared<Relay>(r.relay_parent_fd, r.relay_child_fd, session, trace_);
    threads_.emplace_back([relay] { relay->Run(); });
    return r.death_status;
  }

  int calls = 0;
  int swapped = 0;

 private:
  Trace* trace_;
  std::vector<std::thread> threads_;
};

TEST(TracedCommandTest, HandsEachRuncInitOverAtTheVforkExitAndPassesTheExitStatus) {
  std::vector<std::string> lines;
  Trace trace({}, MonotonicNowNs());
  int status = 0;
  {
    CheckingHandler handler(&trace);
    TracedCommand command({kFakeRunc, "run", "c1", "--inits", "2", "--idmap-helper", "--exit", "4"},
                          [&](const std::string& l) { lines.push_back(l); });
    ASSERT_TRUE(command.Start().ok());
    EXPECT_TRUE(command.traced());
    status = command.Follow(&handler);
    EXPECT_EQ(handler.calls, 2);  // the two inits; the helper is a fork, not a vfork
    EXPECT_EQ(handler.swapped, 2);
  }
  trace.Close();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 4);  // 3 would mean a conversation failed
  EXPECT_TRUE(lines.empty());
}

TEST(TracedCommandTest, ACommandThatCannotRunIsAnError) {
  TracedCommand command({"/nonexistent/runc"}, [](const std::string&) {});
  absl::StatusOr<pid_t> pid = command.Start();
  ASSERT_FALSE(pid.ok());
  EXPECT_NE(std::string(pid.status().message()).find("No such file"), std::string::npos);
}

}  // namespace
}  // namespace synctrace
