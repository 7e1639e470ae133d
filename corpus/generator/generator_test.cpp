// Tests of citego-generate: the real binary's determinism, its command line, and what citego-index and xmllint make
// of its files; plus the sampling building blocks.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "corpus_generator.h"

namespace citego::generator {
namespace {

namespace fs = std::filesystem;

const std::string kGenerate = CITEGO_GENERATE_BINARY;
const std::string kIndex = CITEGO_INDEX_BINARY;
const std::string kSourceDir = CITEGO_SOURCE_DIR;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "citego-generator-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string quote(const std::string& arg) {
  std::string q = "'";
  for (const char c : arg) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

struct RunResult {
  int exit_code = -1;
  std::string err;
};

// Runs `program` with `args` through the shell, stdout discarded, stderr captured.
RunResult run(const std::string& program, const std::vector<std::string>& args) {
  TempDir tmp;
  std::string command = quote(program);
  for (const std::string& a : args) command += " " + quote(a);
  command += " </dev/null >/dev/null 2>" + quote(tmp / "err");
  const int status = std::system(command.c_str());
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.err = read_file(tmp / "err");
  return r;
}

bool have_word_lists() {
  for (const char* list : {"french", "spanish", "portuguese", "american-english"}) {
    if (!fs::exists(fs::path("/usr/share/dict") / list)) return false;
  }
  return true;
}

// Tests that generate need the Debian word lists (installed by .ci/deps).
class GeneratorCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_word_lists()) {
      GTEST_SKIP() << "needs /usr/share/dict/{french,spanish,portuguese,american-english}: "
                      "apt-get install wfrench wspanish wportuguese wamerican";
    }
  }
};

struct Counts {
  std::uint64_t documents = 0, organisations = 0, projects = 0, resources = 0;
  bool operator==(const Counts&) const = default;
};

// "<tool>: N documents (A organisations, B projects, C resources" from a summary line.
Counts parse_counts(const std::string& tool, const std::string& line) {
  const std::regex re(tool +
                      ": ([0-9]+) documents? \\(([0-9]+) organisations?, ([0-9]+) projects?, ([0-9]+) "
                      "resources?[;)]");
  std::smatch m;
  if (!std::regex_search(line, m, re)) {
    ADD_FAILURE() << "no document counts in: " << line;
    return {};
  }
  return {std::stoull(m[1]), std::stoull(m[2]), std::stoull(m[3]), std::stoull(m[4])};
}

std::vector<std::string> part_files(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST_F(GeneratorCli, SameSeedGivesIdenticalBytesAndAnotherSeedDifferentOnes) {
  TempDir tmp;
  const auto generate = [&](const std::string& dir, const std::string& seed) {
    const RunResult r = run(kGenerate, {"--docs", "400", "--files", "2", "--seed", seed, "--out", tmp / dir});
    EXPECT_EQ(r.exit_code, 0) << r.err;
  };
  generate("a", "7");
  generate("b", "7");
  generate("c", "8");
  ASSERT_EQ(part_files(tmp / "a"), (std::vector<std::string>{"part-0001.xml", "part-0002.xml"}));
  ASSERT_EQ(part_files(tmp / "b"), part_files(tmp / "a"));
  for (const std::string name : {"part-0001.xml", "part-0002.xml"}) {
    const std::string a = read_file(tmp / "a/" + name);
    EXPECT_GT(a.size(), 10000u);
    EXPECT_EQ(a, read_file(tmp / "b/" + name)) << name;
    EXPECT_NE(a, read_file(tmp / "c/" + name)) << name;
  }
}

TEST_F(GeneratorCli, IndexerAcceptsEveryDocumentItReports) {
  TempDir tmp;
  const RunResult gen = run(kGenerate, {"--docs", "2000", "--files", "3", "--out", tmp / "corpus"});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  EXPECT_EQ(part_files(tmp / "corpus"), (std::vector<std::string>{"part-0001.xml", "part-0002.xml", "part-0003.xml"}));
  const Counts generated = parse_counts("citego-generate", gen.err);
  EXPECT_EQ(generated, (Counts{2000, 200, 400, 1400}));

  const RunResult idx = run(kIndex, {"--db", tmp / "db", tmp / "corpus"});
  ASSERT_EQ(idx.exit_code, 0) << idx.err.substr(0, 4000);
  EXPECT_NE(idx.err.find("from 3 files"), std::string::npos) << idx.err;
  EXPECT_EQ(parse_counts("citego-index", idx.err), generated);
}

TEST_F(GeneratorCli, FilesValidateAgainstTheXsd) {
  if (std::system("command -v xmllint >/dev/null 2>&1") != 0) GTEST_SKIP() << "xmllint not installed (libxml2-utils)";
  TempDir tmp;
  ASSERT_EQ(run(kGenerate, {"--docs", "600", "--files", "2", "--seed", "3", "--out", tmp / "corpus"}).exit_code, 0);
  // Part 1 holds organisations and projects under a French root, part 2 projects and resources under an English one.
  const RunResult r = run("xmllint", {"--noout", "--schema", kSourceDir + "/schema/citego-export.xsd",
                                      tmp / "corpus/part-0001.xml", tmp / "corpus/part-0002.xml"});
  EXPECT_EQ(r.exit_code, 0) << r.err.substr(0, 4000);
}

TEST_F(GeneratorCli, TextLooksLikeTheSite) {
  TempDir tmp;
  const RunResult r = run(kGenerate, {"--docs", "1000", "--out", tmp / "corpus"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string xml = read_file(tmp / "corpus/part-0001.xml");
  EXPECT_TRUE(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
  EXPECT_NE(xml.find("<citego-export version=\"1\" xml:lang=\"fr\">\n  <organisation id=\"org-0000001\""),
            std::string::npos);
  EXPECT_TRUE(xml.ends_with("  </resource>\n</citego-export>\n"));
  for (const char* expected : {" xml:lang=\"en\">", " xml:lang=\"es\">", " xml:lang=\"pt\">", "<participant ref=\"org-",
                               "<link ref=\"prj-", "<year>", "l'", "d'", "é", "ñ", "ç", "https://example.org/"}) {
    EXPECT_NE(xml.find(expected), std::string::npos) << expected;
  }
  EXPECT_EQ(xml.find("<organisation id=\"org-0000101\""), std::string::npos);  // 10 % of 1000
  EXPECT_NE(xml.find("<resource id=\"res-0000700\""), std::string::npos);
  EXPECT_EQ(xml.find("<resource id=\"res-0000701\""), std::string::npos);
  EXPECT_EQ(xml.find("\t"), std::string::npos);
  // Languages: about 40/30/15/15 %.
  const std::regex re("; fr ([0-9]+), en ([0-9]+), es ([0-9]+), pt ([0-9]+)\\)");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.err, m, re)) << r.err;
  EXPECT_NEAR(std::stod(m[1]), 400, 60);
  EXPECT_NEAR(std::stod(m[2]), 300, 60);
  EXPECT_NEAR(std::stod(m[3]), 150, 45);
  EXPECT_NEAR(std::stod(m[4]), 150, 45);
}

TEST_F(GeneratorCli, FewerFilesRemoveTheStalePartsOfAnEarlierRun) {
  TempDir tmp;
  ASSERT_EQ(run(kGenerate, {"--docs", "50", "--files", "3", "--out", tmp / "corpus"}).exit_code, 0);
  const RunResult r = run(kGenerate, {"--docs", "50", "--files", "2", "--out", tmp / "corpus"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("removed 1 stale file"), std::string::npos) << r.err;
  EXPECT_EQ(part_files(tmp / "corpus"), (std::vector<std::string>{"part-0001.xml", "part-0002.xml"}));
}

TEST_F(GeneratorCli, SmallestCorpora) {
  TempDir tmp;
  for (const std::string docs : {"1", "3", "7"}) {
    const std::string dir = tmp / ("corpus-" + docs);
    const RunResult r = run(kGenerate, {"--docs", docs, "--out", dir});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const RunResult idx = run(kIndex, {"--db", dir + ".db", dir});
    EXPECT_EQ(idx.exit_code, 0) << idx.err;
    EXPECT_EQ(parse_counts("citego-index", idx.err), parse_counts("citego-generate", r.err));
  }
}

TEST(GeneratorUsage, BadCommandLinesExitWith2) {
  TempDir tmp;
  const std::vector<std::vector<std::string>> bad = {
      {"--docs", "0", "--out", tmp / "x"},
      {"--docs", "10"},
      {"--out", tmp / "x"},
      {"--docs", "-5", "--out", tmp / "x"},
      {"--docs", "1000001", "--out", tmp / "x"},
      {"--docs", "12abc", "--out", tmp / "x"},
      {"--docs", "5", "--files", "6", "--out", tmp / "x"},
      {"--docs", "5", "--files", "0", "--out", tmp / "x"},
      {"--docs", "5", "--seed", "-1", "--out", tmp / "x"},
      {"--docs", "5", "--out", tmp / "x", "--no-such-option"},
  };
  for (const auto& args : bad) {
    const RunResult r = run(kGenerate, args);
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    EXPECT_EQ(r.exit_code, 2) << joined << "\n" << r.err;
    EXPECT_NE(r.err.find("Try 'citego-generate --help'"), std::string::npos) << r.err;
  }
  EXPECT_FALSE(fs::exists(tmp / "x"));
  EXPECT_EQ(run(kGenerate, {"--help"}).exit_code, 0);
}

TEST(GeneratorUsage, MissingWordListIsARuntimeErrorNamingThePackage) {
  TempDir tmp;
  const RunResult r = run(kGenerate, {"--docs", "10", "--out", tmp / "x", "--words-dir", tmp / "nowhere"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(tmp / "nowhere/french"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("wfrench"), std::string::npos) << r.err;
}

// ---------------------------------------------------------------------------------------------------------------
// Building blocks

TEST(GeneratorSampling, ZipfFrequenciesFollowOneOverRank) {
  const ZipfSampler zipf(3);  // P = 6/11, 3/11, 2/11
  std::mt19937_64 rng(1);
  std::array<int, 3> seen{};
  constexpr int kDraws = 110000;
  for (int i = 0; i < kDraws; ++i) ++seen.at(zipf(rng));
  EXPECT_NEAR(seen[0], 60000, 1500);
  EXPECT_NEAR(seen[1], 30000, 1500);
  EXPECT_NEAR(seen[2], 20000, 1500);

  const ZipfSampler big(300000);
  std::size_t top = 0;
  for (int i = 0; i < kDraws; ++i) {
    const std::size_t k = big(rng);
    ASSERT_LT(k, 300000u);
    top += k == 0;
  }
  // 1 / H(300000) ≈ 7.5 %.
  EXPECT_NEAR(static_cast<double>(top) / kDraws, 0.0754, 0.004);
}

TEST(GeneratorSampling, UniformStaysInRangeAndIsReproducible) {
  std::mt19937_64 a(99), b(99);
  for (int i = 0; i < 10000; ++i) {
    const std::uint32_t x = uniform_below(a, 7);
    ASSERT_LT(x, 7u);
    ASSERT_EQ(x, uniform_below(b, 7));
    const double u = uniform_unit(a);
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    ASSERT_EQ(u, uniform_unit(b));
  }
}

TEST(GeneratorSampling, PlannedCountsAddUpAndProjectsHaveOrganisations) {
  for (std::uint64_t n : {1ull, 2ull, 3ull, 4ull, 5ull, 9ull, 10ull, 11ull, 1000ull, 999999ull, 1000000ull}) {
    const DocumentCounts c = plan_counts(n);
    EXPECT_EQ(c.organisations + c.projects + c.resources, n) << n;
    if (c.projects > 0) {
      EXPECT_GT(c.organisations, 0u) << n;
    }
  }
  const DocumentCounts c = plan_counts(1000000);
  EXPECT_EQ(c.organisations, 100000u);
  EXPECT_EQ(c.projects, 200000u);
  EXPECT_EQ(c.resources, 700000u);
}

}  // namespace
}  // namespace citego::generator
