// The protocol table and the anomaly names.
#include "decoder/sync_types.h"

#include <set>

#include "decoder/anomaly.h"
#include "gtest/gtest.h"

namespace synctrace {
namespace {

TEST(SyncTypes, TableHasRuncTypesInOrderAndLooksUp) {
  std::set<std::string_view> names;
  for (const SyncTypeInfo& info : SyncTypeTable()) {
    names.insert(info.name);
    EXPECT_EQ(FindSyncType(info.name), &info);
    EXPECT_EQ(FindSyncType(info.id), &info);
    EXPECT_FALSE(info.summary.empty());
    if (info.is_request) {
      const SyncTypeInfo* reply = FindSyncType(info.expected_reply);
      ASSERT_NE(reply, nullptr) << info.name;
      EXPECT_FALSE(reply->is_request);
      EXPECT_NE(reply->sender, info.sender);
    }
  }
  EXPECT_EQ(names, (std::set<std::string_view>{
                       "procError", "procReady", "procRun", "procHooks", "procHooksDone",
                       "procMountPlease", "procMountFd", "procSeccomp", "procSeccompDone"}));
  EXPECT_EQ(FindSyncType("procready"), nullptr);
  EXPECT_EQ(FindSyncType(SyncTypeId::kUnknown), nullptr);
}

TEST(SyncTypes, LegalReplies) {
  EXPECT_TRUE(IsLegalReply(SyncTypeId::kProcReady, SyncTypeId::kProcRun));
  EXPECT_TRUE(IsLegalReply(SyncTypeId::kProcMountPlease, SyncTypeId::kProcMountFd));
  EXPECT_TRUE(IsLegalReply(SyncTypeId::kProcHooks, SyncTypeId::kProcError));
  EXPECT_FALSE(IsLegalReply(SyncTypeId::kProcHooks, SyncTypeId::kProcRun));
  EXPECT_FALSE(IsLegalReply(SyncTypeId::kProcRun, SyncTypeId::kProcReady));
  EXPECT_FALSE(FindSyncType("procHooks")->allowed_in_exec);
  EXPECT_TRUE(FindSyncType("procSeccomp")->allowed_in_exec);
}

TEST(Anomalies, NamesUniqueAndRoundTrip) {
  std::set<std::string_view> seen;
  for (AnomalyCode code : kAllAnomalyCodes) {
    std::string_view name = AnomalyName(code);
    EXPECT_TRUE(seen.insert(name).second) << name;
    AnomalyCode back;
    ASSERT_TRUE(AnomalyCodeFromName(name, &back)) << name;
    EXPECT_EQ(back, code);
    EXPECT_NE(AnomalyMeaning(code).find(' '), std::string_view::npos);
  }
  AnomalyCode code;
  EXPECT_FALSE(AnomalyCodeFromName("no-such-anomaly", &code));
}

TEST(Anomalies, ExplainIsOneLine) {
  Anomaly a = MakeAnomaly(AnomalyCode::kUnknownType, "\"proc\nX\"");
  EXPECT_EQ(a.Explain(), std::string(AnomalyMeaning(AnomalyCode::kUnknownType)) + ": \"proc\\nX\"");
  EXPECT_EQ(MakeAnomaly(AnomalyCode::kEmptyPacket).Explain(),
            std::string(AnomalyMeaning(AnomalyCode::kEmptyPacket)));
}

}  // namespace
}  // namespace synctrace
