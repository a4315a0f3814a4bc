// JsonObjectScanner: the flat-packet fast path lists exactly the fields the
// simdjson path lists. A trailing space keeps a packet off the fast path (the
// same object, scanned in full), so each packet is compared with itself + " ".
#include "decoder/json_object_scanner.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace synctrace {
namespace {

struct Listed {
  JsonScanStatus status;
  bool trailing_bytes;
  std::vector<std::string> fields;  // "key=value (kind)"
};

Listed ScanAndList(JsonObjectScanner& scanner, const std::string& json) {
  const JsonScan& scan = scanner.Scan(json);
  Listed listed{scan.status, scan.trailing_bytes, {}};
  for (const JsonField& field : scan.fields) {
    listed.fields.push_back(std::string(scanner.RawKey(field)) + "=" +
                            std::string(scanner.Value(field)) + " (" +
                            std::string(JsonKindName(field.kind)) + ")" +
                            (field.key_has_escape ? " escaped" : ""));
  }
  return listed;
}

TEST(JsonObjectScanner, FlatPacketsListTheSameFieldsOnBothPaths) {
  const std::vector<std::string> packets = {
      R"({"type":"procReady","flags":0})",
      R"({"type":"procSeccomp","flags":0,"arg":7})",
      R"({"flags":1,"type":"procMountFd","TYPE":"x","type":"procRun"})",
      R"({"type":"","flags":123456789012345678901234567890})",
      R"({"type":"a b/c:d{e}[f],g","arg":"h"})",
      R"({"_":0})",
  };
  JsonObjectScanner scanner;
  for (const std::string& packet : packets) {
    Listed fast = ScanAndList(scanner, packet);
    Listed full = ScanAndList(scanner, packet + " ");
    EXPECT_EQ(fast.status, JsonScanStatus::kObject) << packet;
    EXPECT_FALSE(fast.trailing_bytes) << packet;
    EXPECT_EQ(fast.status, full.status) << packet;
    EXPECT_EQ(fast.trailing_bytes, full.trailing_bytes) << packet;
    EXPECT_EQ(fast.fields, full.fields) << packet;
    EXPECT_FALSE(fast.fields.empty()) << packet;
  }
}

TEST(JsonObjectScanner, NearlyFlatPacketsAreJudgedAsBefore) {
  // Each leaves the fast path part-way; the full path gives Go's verdict.
  JsonObjectScanner scanner;
  EXPECT_EQ(scanner.Scan(R"({"type":"procRun","flags":01})").status, JsonScanStatus::kInvalid);
  EXPECT_EQ(scanner.Scan(R"({"type":"procRun""flags":0})").status, JsonScanStatus::kInvalid);
  EXPECT_EQ(scanner.Scan(R"({"type":"procRun",})").status, JsonScanStatus::kInvalid);
  EXPECT_EQ(scanner.Scan(R"({"type":"procRun","flags":-1})").status, JsonScanStatus::kObject);
  EXPECT_EQ(scanner.Scan(R"({"ty\u0070e":"procRun"})").fields.at(0).key_has_escape, true);
  EXPECT_EQ(scanner.Scan("{\"type\":\"proc\x01Run\"}").status, JsonScanStatus::kInvalid);
  const JsonScan& trailing = scanner.Scan(R"({"type":"procRun"}})");
  EXPECT_TRUE(trailing.trailing_bytes);
}

}  // namespace
}  // namespace synctrace
