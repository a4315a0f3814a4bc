// Decoder throughput over the shared benchmark packet mix: decode plus String(),
// in MB/s and ns per packet (one benchmark iteration = one packet).
//
//   bazel run -c opt //bench:decoder_bench [-- --packets=PATH]
//
// --packets defaults to $BUILD_WORKSPACE_DIRECTORY/../shared/bench/packets.jsonl
// (one JSON packet per line, exactly as runc writes them).
// Reference (shared/bench/README.md): runc's Go decoder, ~45 MB/s, ~2 us/packet.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "decoder/go_json.h"
#include "decoder/packet_decoder.h"
#include "simdjson.h"

namespace synctrace {
namespace {

std::vector<std::string>& Packets() {
  static std::vector<std::string> packets;
  return packets;
}

size_t TotalBytes() {
  size_t total = 0;
  for (const std::string& p : Packets()) total += p.size();
  return total;
}

void Report(benchmark::State& state) {
  size_t n = Packets().size();
  // Each iteration is one packet, cycling through the mix.
  double bytes_per_packet = static_cast<double>(TotalBytes()) / static_cast<double>(n);
  state.SetBytesProcessed(static_cast<int64_t>(bytes_per_packet * static_cast<double>(state.iterations())));
  state.SetItemsProcessed(state.iterations());
}

// The hot path: a reused parser, message and output string.
void BM_DecodeAndString(benchmark::State& state) {
  const std::vector<std::string>& packets = Packets();
  JsonPacketParser parser;
  SyncMessage message;
  std::string out;
  out.reserve(4096);
  size_t i = 0;
  for (auto _ : state) {
    parser.Parse(packets[i], &message);
    out.clear();
    message.AppendString(&out);
    benchmark::DoNotOptimize(out.data());
    if (++i == packets.size()) i = 0;
  }
  Report(state);
}
BENCHMARK(BM_DecodeAndString);

// One packet of the mix, repeated (the argument is its line number - 1): shows
// which types cost what.
void BM_DecodeOnePacket(benchmark::State& state) {
  const std::string& packet = Packets()[static_cast<size_t>(state.range(0)) % Packets().size()];
  JsonPacketParser parser;
  SyncMessage message;
  std::string out;
  for (auto _ : state) {
    parser.Parse(packet, &message);
    out.clear();
    message.AppendString(&out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(packet.size()) * state.iterations());
  state.SetLabel(message.type);
}
BENCHMARK(BM_DecodeOnePacket)->DenseRange(0, 7);

// Through the per-direction state machine (as the tracer uses it): each
// packet is copied into a WirePacket and each message returned in a vector.
void BM_PacketDecoderFeedAndString(benchmark::State& state) {
  const std::vector<std::string>& packets = Packets();
  PacketDecoder decoder(PacketDecoderOptions{/*expect_fd_packets=*/false});
  std::string out;
  size_t i = 0;
  for (auto _ : state) {
    for (SyncMessage& m : decoder.Feed(WirePacket{packets[i], {}, false})) {
      out.clear();
      m.AppendString(&out);
      benchmark::DoNotOptimize(out.data());
    }
    if (++i == packets.size()) i = 0;
  }
  Report(state);
}
BENCHMARK(BM_PacketDecoderFeedAndString);

// The floor under the decoder: simdjson alone iterating each packet's
// top-level fields (no validation, no String()), from a padded buffer.
void BM_SimdjsonOnDemandFloor(benchmark::State& state) {
  const std::vector<std::string>& packets = Packets();
  std::vector<simdjson::padded_string> padded;
  for (const std::string& p : packets) padded.emplace_back(p);
  simdjson::ondemand::parser parser;
  size_t i = 0;
  for (auto _ : state) {
    simdjson::ondemand::document doc;
    size_t fields = 0;
    if (parser.iterate(padded[i]).get(doc) == simdjson::SUCCESS) {
      simdjson::ondemand::object object;
      if (doc.get_object().get(object) == simdjson::SUCCESS) {
        for (auto field : object) {
          simdjson::ondemand::value value;
          if (field.value().get(value) == simdjson::SUCCESS) {
            benchmark::DoNotOptimize(value.raw_json_token());
          }
          ++fields;
        }
      }
    }
    benchmark::DoNotOptimize(fields);
    if (++i == packets.size()) i = 0;
  }
  Report(state);
}
BENCHMARK(BM_SimdjsonOnDemandFloor);

// For comparison: what a scanner of our own would cost for the same checks at
// the top level: simdjson's SIMD UTF-8 validation, then Go's grammar over the
// packet listing its members (go_json.h), no simdjson parse.
void BM_GoGrammarOnlyScan(benchmark::State& state) {
  const std::vector<std::string>& packets = Packets();
  std::vector<JsonMember> members;
  std::string stack, error;
  size_t i = 0;
  for (auto _ : state) {
    const std::string& p = packets[i];
    bool ok = simdjson::validate_utf8(p.data(), p.size()) &&
              ListObjectMembers(p, &members, &stack, &error);
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(members.data());
    if (++i == packets.size()) i = 0;
  }
  Report(state);
}
BENCHMARK(BM_GoGrammarOnlyScan);

std::string DefaultPacketsPath() {
  const char* workspace = std::getenv("BUILD_WORKSPACE_DIRECTORY");
  return std::string(workspace != nullptr ? workspace : ".") + "/../shared/bench/packets.jsonl";
}

bool LoadPackets(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "decoder_bench: cannot open packets file %s: %s\n", path.c_str(),
                 std::strerror(errno));
    return false;
  }
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) Packets().push_back(line);
  }
  if (Packets().empty()) {
    std::fprintf(stderr, "decoder_bench: %s holds no packets\n", path.c_str());
    return false;
  }
  std::printf("packets: %s (%zu packets, %zu bytes, %.1f bytes/packet)\n", path.c_str(),
              Packets().size(), TotalBytes(),
              static_cast<double>(TotalBytes()) / static_cast<double>(Packets().size()));
  return true;
}

}  // namespace
}  // namespace synctrace

int main(int argc, char** argv) {
  std::string path = synctrace::DefaultPacketsPath();
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--packets=", 10) == 0) {
      path = argv[i] + 10;
    } else {
      rest.push_back(argv[i]);
    }
  }
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  if (benchmark::ReportUnrecognizedArguments(rest_argc, rest.data())) return 2;
  if (!synctrace::LoadPackets(path)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
