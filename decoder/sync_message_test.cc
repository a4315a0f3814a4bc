// SyncMessage::String() byte for byte against runc's syncT.String().
#include "decoder/sync_message.h"

#include "decoder/test_util.h"
#include "gtest/gtest.h"

namespace synctrace {
namespace {

SyncMessage Message(std::string raw, std::string type, int64_t flags, std::string_view arg) {
  SyncMessage m;
  m.raw = std::move(raw);
  m.type = std::move(type);
  m.flags = flags;
  size_t at = arg.empty() ? std::string::npos : m.raw.find(arg);
  if (at != std::string::npos) {
    m.has_arg = true;
    m.arg_offset = static_cast<uint32_t>(at);
    m.arg_length = static_cast<uint32_t>(arg.size());
  }
  return m;
}

TEST(SyncMessageString, FieldsOnlyWhenPresent) {
  EXPECT_EQ(Message("{}", "procReady", 0, "").String(), "type:procReady");
  EXPECT_EQ(Message("{}", "procRun", 5, "").String(), "type:procRun flags:0b101");
  EXPECT_EQ(Message("{}", "x", int64_t{1} << 40, "").String(),
            "type:x flags:0b10000000000000000000000000000000000000000");
  EXPECT_EQ(Message("{}", "x", -5, "").String(), "type:x flags:0b-101");
  EXPECT_EQ(Message("{}", "x", INT64_MIN, "").String(),
            "type:x flags:0b-1000000000000000000000000000000000000000000000000000000000000000");
}

TEST(SyncMessageString, ArgAsRawBytesWithGoEscapes) {
  std::string raw = R"({"type":"procError","arg":{"message":"\u003c\u003e\u0026"}})";
  SyncMessage m = Message(raw, "procError", 0, R"({"message":"\u003c\u003e\u0026"})");
  EXPECT_EQ(m.String(), R"(type:procError arg:{"message":"\u003c\u003e\u0026"})");
  std::string appended = "prefix ";
  m.AppendString(&appended);
  EXPECT_EQ(appended, "prefix " + m.String());
}

TEST(SyncMessageString, FileWithFdNumber) {
  SyncMessage m = Message(R"({"arg":{"type":"open_tree"}})", "procMountFd", 1,
                          R"({"type":"open_tree"})");
  m.file = AttachedFile{"/var/lib/data", Fd(9)};
  EXPECT_EQ(m.String(), R"(type:procMountFd flags:0b1 arg:{"type":"open_tree"} file:/var/lib/data (fd:9))");
}

TEST(SyncMessageString, RawPacketQuotedLikeGo) {
  SyncMessage m;
  m.is_raw_packet = true;
  m.raw = std::string("a\"b\\c\n\x01\xff\xe2\x82\xac", 11);
  EXPECT_EQ(m.String(), "raw:a\\\"b\\\\c\\n\\x01\\xff\xe2\x82\xac");
  m.stray_fds = {Fd(3), Fd(4)};
  EXPECT_EQ(m.String(), "raw:a\\\"b\\\\c\\n\\x01\\xff\xe2\x82\xac (fds:3,4)");
}

TEST(SyncMessageErrorMessage, DecodedLikeGo) {
  std::string raw = R"({"type":"procError","arg":{"MESSAGE":"x","message":"a\nb \u003c"}})";
  SyncMessage m = Message(raw, "procError", 0, R"({"MESSAGE":"x","message":"a\nb \u003c"})");
  m.type_id = SyncTypeId::kProcError;
  EXPECT_EQ(m.ErrorMessage().value_or("?"), "a\nb <");
  m.type_id = SyncTypeId::kProcReady;
  EXPECT_FALSE(m.ErrorMessage().has_value());

  std::string message, problem;
  EXPECT_TRUE(DecodeInitError(R"({"other":1})", &message, &problem));
  EXPECT_EQ(message, "");
  EXPECT_FALSE(DecodeInitError("[1]", &message, &problem));
  EXPECT_EQ(problem, "arg is an array, not an object");
  EXPECT_FALSE(DecodeInitError(R"({"message":true})", &message, &problem));
  EXPECT_EQ(problem, "\"message\" is a boolean, not a string");
}

}  // namespace
}  // namespace synctrace
