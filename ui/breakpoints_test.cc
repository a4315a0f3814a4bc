#include "ui/breakpoints.h"

#include <chrono>
#include <future>
#include <thread>

#include "gtest/gtest.h"

namespace synctrace {
namespace {

constexpr Direction kUp = Direction::kChildToParent;

WirePacket Json(const std::string& type, int flags = 0) {
  WirePacket p;
  p.data = "{\"type\":\"" + type + "\",\"flags\":" + std::to_string(flags) + "}";
  return p;
}

// Waits (generously) until the gate holds `n` packets.
bool WaitHeld(const BreakpointGate& gate, size_t n) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (gate.held().size() == n) return true;
    std::this_thread::yield();
  }
  return false;
}

TEST(BreakpointGateTest, WithoutBreakpointsNothingIsHeld) {
  BreakpointGate gate;
  EXPECT_FALSE(gate.armed());
  for (int i = 0; i < 100; ++i) gate.BeforeForward(1, kUp, Json("procHooks"));
  EXPECT_TRUE(gate.held().empty());
}

TEST(BreakpointGateTest, HoldsAMatchingTypeUntilContinue) {
  BreakpointGate gate;
  EXPECT_TRUE(gate.ToggleType("procHooks"));
  gate.BeforeForward(1, kUp, Json("procReady"));  // not a match: returns
  auto forwarded = std::async(std::launch::async, [&] { gate.BeforeForward(1, kUp, Json("procHooks")); });
  ASSERT_TRUE(WaitHeld(gate, 1));
  EXPECT_EQ(forwarded.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  std::vector<BreakpointGate::Held> held = gate.held();
  EXPECT_EQ(held[0].what, "procHooks");
  EXPECT_EQ(held[0].why, "breakpoint on procHooks");
  EXPECT_EQ(held[0].session, 1);
  gate.Continue();
  forwarded.get();
  EXPECT_TRUE(gate.held().empty());
  EXPECT_FALSE(gate.ToggleType("procHooks"));  // toggled off
  EXPECT_FALSE(gate.armed());
}

TEST(BreakpointGateTest, StepForwardsOneAndHoldsTheNext) {
  BreakpointGate gate;
  gate.ToggleType("procReady");
  auto first = std::async(std::launch::async, [&] { gate.BeforeForward(1, kUp, Json("procReady")); });
  ASSERT_TRUE(WaitHeld(gate, 1));
  gate.Step();
  first.get();
  // The fd packet of a flags:0b1 message is never held on its own.
  WirePacket fd_packet;
  fd_packet.data = "/data";
  fd_packet.fds.push_back(FdDescription{});
  gate.BeforeForward(1, Direction::kParentToChild, fd_packet);
  auto second = std::async(std::launch::async, [&] { gate.BeforeForward(1, Direction::kParentToChild, Json("procRun")); });
  ASSERT_TRUE(WaitHeld(gate, 1));
  EXPECT_EQ(gate.held()[0].why, "stepping");
  EXPECT_EQ(gate.held()[0].what, "procRun");
  gate.Continue();
  second.get();
  gate.ToggleType("procReady");
  gate.BeforeForward(1, kUp, Json("procHooks"));  // no longer stepping
}

TEST(BreakpointGateTest, AnomalyBreakpointHoldsBadPackets) {
  BreakpointGate gate;
  gate.SetOnAnomaly(true);
  gate.BeforeForward(1, kUp, Json("procReady"));  // fine: passes
  WirePacket bad;
  bad.data = "{\"type\":";
  auto held = std::async(std::launch::async, [&] { gate.BeforeForward(1, kUp, bad); });
  ASSERT_TRUE(WaitHeld(gate, 1));
  EXPECT_NE(gate.held()[0].why.find("anomaly"), std::string::npos) << gate.held()[0].why;
  gate.Continue();
  held.get();
}

TEST(BreakpointGateTest, AnomalyBreakpointHoldsATypeFromTheWrongSide) {
  BreakpointGate gate;
  gate.SetOnAnomaly(true);
  gate.BeforeForward(1, Direction::kParentToChild, Json("procRun"));  // parent sends procRun: fine
  auto held = std::async(std::launch::async, [&] { gate.BeforeForward(1, kUp, Json("procRun")); });
  ASSERT_TRUE(WaitHeld(gate, 1));
  EXPECT_EQ(gate.held()[0].why, "anomaly: wrong-sender");
  gate.Continue();
  held.get();
}

TEST(BreakpointGateTest, ShutdownReleasesAndDisarms) {
  BreakpointGate gate;
  gate.ToggleType("procHooks");
  auto held = std::async(std::launch::async, [&] { gate.BeforeForward(1, kUp, Json("procHooks")); });
  ASSERT_TRUE(WaitHeld(gate, 1));
  gate.Shutdown();
  held.get();
  EXPECT_FALSE(gate.armed());
  gate.BeforeForward(1, kUp, Json("procHooks"));  // never blocks again
}

}  // namespace
}  // namespace synctrace
