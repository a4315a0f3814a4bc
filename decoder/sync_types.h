// File: decoder/sync_types.h
//
// The one table of runc's sync message types: who sends each, what reply it
// expects, which replies are legal, and whether it carries an arg. The decoder,
// the request/reply pairing and the TUI legend all read this table.
//
// The conversation, as runc 1.2+ speaks it over the "sync" SOCK_SEQPACKET pair:
//
//        [  child: runc init  ] <-> [  parent: runc create/run/exec  ]
//
//        procMountPlease  -->  [open(2) or open_tree(2) the mount source]
//          arg: configs.Mount
//                         <--  procMountFd   flags:0b1, file: the mount fd
//        procSeccomp      -->  [pidfd_getfd the notify fd, or take the file]
//          arg: fd number in the child
//                         <--  procSeccompDone
//        procHooks        -->  [run prestart/createRuntime hooks]
//                         <--  procHooksDone
//        procReady        -->  [final setup]
//                         <--  procRun      (child then execs the user process)
//        procError        <->  arg {"message": ...}; sent by whichever side failed
//
// Example:
//   const SyncTypeInfo* info = FindSyncType("procReady");
//   info->expected_reply  // "procRun"
#ifndef SYNCTRACE_DECODER_SYNC_TYPES_H_
#define SYNCTRACE_DECODER_SYNC_TYPES_H_

#include <cstdint>
#include <string_view>
#include <vector>

namespace synctrace {

enum class SyncTypeId : uint8_t {
  kUnknown = 0,
  kProcError,
  kProcReady,
  kProcRun,
  kProcHooks,
  kProcHooksDone,
  kProcMountPlease,
  kProcMountFd,
  kProcSeccomp,
  kProcSeccompDone,
};

// Which end of the sync socket sends a message type.
enum class Sender : uint8_t { kChild, kParent, kEither };

// Whether a message type carries an `arg`.
enum class ArgRule : uint8_t { kNone, kRequired, kOptional };

struct SyncTypeInfo {
  SyncTypeId id;
  std::string_view name;            // wire name, e.g. "procMountPlease"
  Sender sender;
  bool is_request;                  // expects a reply from the other side
  SyncTypeId expected_reply;        // kUnknown when none
  ArgRule arg;
  bool carries_file;                // normally sent with flags:0b1 and an fd
  bool allowed_in_exec;             // legal in a setns (runc exec) conversation
  std::string_view summary;         // one line for the TUI legend
  bool may_carry_file = false;      // a file is legal (procSeccomp may bring one)
};

// The table, in protocol order.
const std::vector<SyncTypeInfo>& SyncTypeTable();

// Looks up a type by its wire name; nullptr when unknown.
const SyncTypeInfo* FindSyncType(std::string_view name);

// Looks up a type by id; nullptr for kUnknown.
const SyncTypeInfo* FindSyncType(SyncTypeId id);

// True when `reply` is a legal answer to `request`: its expected reply, or
// procError (which either side may send instead of the expected reply).
bool IsLegalReply(SyncTypeId request, SyncTypeId reply);

// syncFlagHasFd: a second packet carrying the file follows the JSON packet.
inline constexpr int64_t kSyncFlagHasFd = 1;
inline constexpr int64_t kKnownSyncFlags = kSyncFlagHasFd;

}  // namespace synctrace

#endif  // SYNCTRACE_DECODER_SYNC_TYPES_H_
