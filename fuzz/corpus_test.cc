// Runs a fuzz target (linked in: LLVMFuzzerTestOneInput) over every file of the
// directories given on the command line: its seed corpus and the inputs that
// once crashed it (regressions/). Part of the normal and the asan suite, so a
// fixed crash stays fixed without clang or libFuzzer.
#include <dirent.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

std::vector<std::string> g_dirs;

std::vector<std::string> FilesIn(const std::string& dir) {
  std::vector<std::string> files;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* entry = readdir(d)) {
      if (entry->d_name[0] != '.') files.push_back(dir + "/" + entry->d_name);
    }
    closedir(d);
  }
  return files;
}

TEST(FuzzCorpusTest, EveryStoredInputRunsWithoutCrashing) {
  size_t inputs = 0;
  for (const std::string& dir : g_dirs) {
    for (const std::string& path : FilesIn(dir)) {
      std::ifstream in(path, std::ios::binary);
      ASSERT_TRUE(in) << "cannot read " << path;
      std::stringstream bytes;
      bytes << in.rdbuf();
      std::string input = bytes.str();
      SCOPED_TRACE(path);
      EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()),
                                       input.size()),
                0);
      ++inputs;
    }
  }
  // The first directory is the seed corpus; it must not be empty.
  ASSERT_FALSE(g_dirs.empty());
  EXPECT_GT(FilesIn(g_dirs[0]).size(), 3u) << g_dirs[0];
  EXPECT_GE(inputs, FilesIn(g_dirs[0]).size());
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i) g_dirs.push_back(argv[i]);
  return RUN_ALL_TESTS();
}
