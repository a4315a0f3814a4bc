// The protocol table (see the diagram in sync_types.h).
#include "decoder/sync_types.h"

namespace synctrace {

const std::vector<SyncTypeInfo>& SyncTypeTable() {
  using T = SyncTypeId;
  // {id, name, sender, is_request, expected_reply, arg, carries_file,
  //  allowed_in_exec, summary, may_carry_file}
  static const std::vector<SyncTypeInfo> kTable = {
      {T::kProcMountPlease, "procMountPlease", Sender::kChild, true, T::kProcMountFd,
       ArgRule::kRequired, false, false,
       "child asks the parent to open a mount source (arg: configs.Mount)", false},
      {T::kProcMountFd, "procMountFd", Sender::kParent, false, T::kUnknown,
       ArgRule::kOptional, true, false,
       "parent answers with the mount fd (flags:0b1, file named after the source)", true},
      {T::kProcSeccomp, "procSeccomp", Sender::kChild, true, T::kProcSeccompDone,
       ArgRule::kOptional, false, true,
       "child hands over its seccomp notify fd (arg: its number in the child)", true},
      {T::kProcSeccompDone, "procSeccompDone", Sender::kParent, false, T::kUnknown,
       ArgRule::kNone, false, true, "parent has taken the seccomp notify fd", false},
      {T::kProcHooks, "procHooks", Sender::kChild, true, T::kProcHooksDone, ArgRule::kNone,
       false, false, "child asks the parent to run prestart/createRuntime hooks", false},
      {T::kProcHooksDone, "procHooksDone", Sender::kParent, false, T::kUnknown,
       ArgRule::kNone, false, false, "parent has run the hooks", false},
      {T::kProcReady, "procReady", Sender::kChild, true, T::kProcRun, ArgRule::kNone, false,
       true, "child is ready to exec the user process", false},
      {T::kProcRun, "procRun", Sender::kParent, false, T::kUnknown, ArgRule::kNone, false,
       true, "parent lets the child exec the user process", false},
      {T::kProcError, "procError", Sender::kEither, false, T::kUnknown, ArgRule::kRequired,
       false, true, "the sender failed (arg: {\"message\": ...}) and stops", false},
  };
  return kTable;
}

const SyncTypeInfo* FindSyncType(std::string_view name) {
  // All names start with "proc": compare the length and the fifth byte before
  // the whole name.
  constexpr size_t kProbe = 4;
  if (name.size() <= kProbe) return nullptr;
  for (const SyncTypeInfo& info : SyncTypeTable()) {
    if (info.name.size() == name.size() && info.name[kProbe] == name[kProbe] &&
        info.name == name) {
      return &info;
    }
  }
  return nullptr;
}

const SyncTypeInfo* FindSyncType(SyncTypeId id) {
  for (const SyncTypeInfo& info : SyncTypeTable()) {
    if (info.id == id) return &info;
  }
  return nullptr;
}

bool IsLegalReply(SyncTypeId request, SyncTypeId reply) {
  const SyncTypeInfo* info = FindSyncType(request);
  if (info == nullptr || !info->is_request) return false;
  return reply == info->expected_reply || reply == SyncTypeId::kProcError;
}

}  // namespace synctrace
