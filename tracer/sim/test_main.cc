// main() for tests that start simulated runc peers: the peers are this same
// binary re-executed with `__sim-peer` (see peer_process.h).
#include "gtest/gtest.h"
#include "tracer/sim/peer_process.h"

int main(int argc, char** argv) {
  synctrace::sim::MaybeRunSimPeerAndExit(argc, argv);
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
