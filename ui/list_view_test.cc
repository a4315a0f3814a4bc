#include "ui/list_view.h"

#include "gtest/gtest.h"
#include "ui/test_events.h"

namespace synctrace {
namespace {

constexpr Direction kUp = Direction::kChildToParent;
constexpr Direction kDown = Direction::kParentToChild;

class ListViewTest : public ::testing::Test {
 protected:
  void AddPairs(int n) {
    for (int i = 0; i < n; ++i) {
      AddOne(kUp, "procReady");
      AddOne(kDown, "procRun");
    }
  }
  // The next event, at seq * 1 us (one statement each: the order in which a
  // call's arguments are evaluated is unspecified).
  void AddOne(Direction direction, const char* type) {
    ++seq_;
    store_.Add(TestMessage(seq_, direction, type, "", static_cast<int64_t>(seq_) * 1000));
  }
  void Sync() {
    EventStore::Reader r(store_);
    view_.Sync(r);
  }
  EventStore store_{/*max_events=*/64};
  ListView view_;
  uint64_t seq_ = 0;
};

TEST_F(ListViewTest, FollowsTheNewestUntilScrolledUp) {
  AddPairs(5);
  Sync();
  EXPECT_EQ(view_.size(), 10u);
  EXPECT_EQ(view_.selected_row(), 9u);
  view_.MoveBy(-3);
  EXPECT_FALSE(view_.following());
  AddPairs(1);
  Sync();
  EXPECT_EQ(view_.size(), 12u);
  EXPECT_EQ(view_.selected_row(), 6u);  // stays on the same message
  view_.End();
  AddPairs(1);
  Sync();
  EXPECT_TRUE(view_.following());
  EXPECT_EQ(view_.selected_row(), 13u);
}

TEST_F(ListViewTest, PauseFreezesRowsWhileTheStoreGrows) {
  AddPairs(2);
  Sync();
  {
    EventStore::Reader r(store_);
    view_.TogglePause(r);
  }
  AddPairs(3);
  Sync();
  EXPECT_EQ(view_.size(), 4u);
  {
    EventStore::Reader r(store_);
    EXPECT_EQ(view_.held_back(r), 6u);
    view_.TogglePause(r);
  }
  Sync();
  EXPECT_EQ(view_.size(), 10u);
}

TEST_F(ListViewTest, FilterKeepsOnlyMatchesAndFollowsNewOnes) {
  AddPairs(4);
  view_.SetFilter(ListFilter::Parse("dir:p2c"));
  Sync();
  ASSERT_EQ(view_.size(), 4u);
  for (size_t i = 0; i < view_.size(); ++i) {
    EventStore::Reader r(store_);
    EXPECT_EQ(r.record(view_.OrdinalAt(i)).direction, kDown);
  }
  AddPairs(1);
  Sync();
  EXPECT_EQ(view_.size(), 5u);
  view_.SetFilter(ListFilter::Parse(""));
  Sync();
  EXPECT_EQ(view_.size(), 10u);
}

TEST_F(ListViewTest, FilterScansABudgetPerSync) {
  AddPairs(10);
  view_.SetFilter(ListFilter::Parse("type:run"));
  EventStore::Reader r(store_);
  view_.Sync(r, /*scan_budget=*/8);
  EXPECT_TRUE(view_.scanning());
  EXPECT_EQ(view_.size(), 4u);  // 8 of 20 events examined: 4 procRun
  EXPECT_DOUBLE_EQ(view_.scan_progress(r), 0.4);
  view_.Sync(r, 8);
  view_.Sync(r, 8);
  EXPECT_FALSE(view_.scanning());
  EXPECT_EQ(view_.size(), 10u);
}

TEST_F(ListViewTest, SelectionSurvivesEviction) {
  AddPairs(20);  // 40 events, bound 64
  Sync();
  view_.Home();
  view_.MoveBy(30);
  uint64_t selected = *view_.selected_ordinal();
  AddPairs(20);  // evicts some of the oldest
  Sync();
  EventStore::Reader r(store_);
  ASSERT_GT(r.begin(), 0u);
  EXPECT_EQ(*view_.selected_ordinal(), selected);
}

TEST_F(ListViewTest, TopKeepsTheSelectionOnScreen) {
  AddPairs(20);
  Sync();
  EXPECT_EQ(view_.Top(10), 30u);  // following: the last 10 rows
  view_.Home();
  EXPECT_EQ(view_.Top(10), 0u);
  view_.MoveBy(15);
  EXPECT_EQ(view_.Top(10), 6u);
}

TEST_F(ListViewTest, FindWrapsAround) {
  AddPairs(3);
  Sync();
  view_.Home();
  EventStore::Reader r(store_);
  auto is_run = [&](uint64_t o) { return r.record(o).type_id == SyncTypeId::kProcRun; };
  EXPECT_EQ(view_.Find(true, is_run), 1u);
  EXPECT_EQ(view_.Find(false, is_run), 5u);
  EXPECT_EQ(view_.Find(true, [](uint64_t) { return false; }), std::nullopt);
}

}  // namespace
}  // namespace synctrace
