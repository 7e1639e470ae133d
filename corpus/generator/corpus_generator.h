// citego-generate's engine: a deterministic generator of large, realistic CITEGO exports (corpus/README.md).
//
// The same options give byte-identical files on every run and every machine with the same word lists: all
// randomness comes from std::mt19937_64's raw output (its sequence is fixed by the C++ standard) mapped by hand, never
// from the <random> distributions, whose output is implementation-defined.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace citego::generator {

inline constexpr std::uint64_t kMaxDocuments = 1'000'000;
inline constexpr unsigned kMaxFiles = 9999;  // part-0001.xml … part-9999.xml: names sort in id order

// The values of --format-version: version 1 (organisations, projects, resources: today's benchmark corpus, kept
// byte-identical) and version 2 (v2-spec.md: plus a thesaurus of persons, descriptors and places, dossiers, fiches).
inline constexpr unsigned kFormatVersion1 = 1;
inline constexpr unsigned kFormatVersion2 = 2;

struct GeneratorOptions {
  std::uint64_t documents = 0;    // 1 … kMaxDocuments
  std::filesystem::path out_dir;  // created if missing
  std::uint64_t seed = 42;
  unsigned files = 1;  // 1 … min(documents, kMaxFiles)
  std::filesystem::path words_dir = "/usr/share/dict";
  unsigned format_version = kFormatVersion2;  // kFormatVersion1 or kFormatVersion2
};

// How many documents of each kind a run of `documents` writes.
struct DocumentCounts {
  std::uint64_t organisations = 0;
  std::uint64_t projects = 0;
  std::uint64_t resources = 0;
  std::uint64_t dossiers = 0;  // version 2 only
  std::uint64_t fiches = 0;    // version 2 only
  std::uint64_t total() const { return organisations + projects + resources + dossiers + fiches; }
};
// Version 1: about 10 % organisations, 20 % projects, the rest resources, with at least one organisation whenever
// there is a project (a project needs a participant).
DocumentCounts plan_counts(std::uint64_t documents);
// Version 2: the organisations and projects of version 1, about 5 % resources, and the rest fiches and dossiers, one
// dossier per 25 fiches (rounded: none when fewer than 13 documents remain), so that the fiches cut into one group of
// 12 to 37 per dossier (corpus_layout.h), and every dossier holds 5 to 40 of them.
DocumentCounts plan_counts_v2(std::uint64_t documents);

// The thesaurus of a version 2 run (thesaurus.xml): a fixed place hierarchy and descriptor set, and one person per
// 20 fiches (rounded up).
inline constexpr std::string_view kThesaurusFile = "thesaurus.xml";
inline constexpr std::uint64_t kDescriptors = 2000;
std::uint64_t plan_persons(std::uint64_t fiches);

struct GeneratorSummary {
  unsigned format_version = 0;
  DocumentCounts counts;
  std::array<std::uint64_t, 4> documents_by_lang{};  // in schema::kLangs order: fr, en, es, pt
  // Version 2: the entries of thesaurus.xml.
  std::uint64_t persons = 0;
  std::uint64_t descriptors = 0;
  std::uint64_t places = 0;
  unsigned files = 0;  // part files (thesaurus.xml not counted)
  std::uint64_t bytes = 0;
  double seconds = 0;
  // part-NNNN.xml left by an earlier run with more files; thesaurus.xml left by a version 2 run, in version 1
  std::vector<std::string> removed_stale_files;
};

// A failure at run time: a missing or unusable word list, an unwritable output directory, a write error.
class GeneratorError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws std::invalid_argument when the options are out of range (a usage error), GeneratorError otherwise.
GeneratorSummary generate_corpus(const GeneratorOptions& options);

// ---------------------------------------------------------------------------------------------------------------
// Building blocks, exposed for tests. All of them are deterministic functions of the generator's raw output.

// Uniform integer in [0, n), n ≤ 2^32, by multiply-shift of the high 32 bits.
std::uint32_t uniform_below(std::mt19937_64& rng, std::uint32_t n);
// Uniform double in [0, 1) from the high 53 bits.
double uniform_unit(std::mt19937_64& rng);

// Zipf distribution with exponent 1 over ranks 0 … n-1 (P(k) ∝ 1/(k+1)): a cumulative table of 53-bit integer
// thresholds, found by binary search inside a 65,536-bucket guide table, so sampling costs a few comparisons.
class ZipfSampler {
 public:
  explicit ZipfSampler(std::size_t n);
  std::size_t operator()(std::mt19937_64& rng) const;
  std::size_t size() const { return thresholds_.size(); }

 private:
  std::vector<std::uint64_t> thresholds_;  // thresholds_[k]: P(rank ≤ k) × 2^53, the last exactly 2^53
  std::vector<std::uint32_t> guide_;       // guide_[b]: first rank whose threshold exceeds b × 2^37
};

}  // namespace citego::generator
