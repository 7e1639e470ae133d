// Internal to citego-generate: writes one document at a time into an output buffer. Each method seeds the writer's
// generator from (seed, kind, number), so a document depends only on the seed, its number and the counts of the
// documents it may refer to.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "citego/schema.h"
#include "corpus_generator.h"
#include "language_model.h"

namespace citego::generator {

// Writes documents into a buffer; one instance per run, reused for every document.
class DocumentWriter {
 public:
  // `languages` in schema::kLangs order; `counts` are the run's (the targets of references).
  DocumentWriter(const std::vector<std::unique_ptr<LanguageModel>>& languages, const DocumentCounts& counts,
                 std::uint64_t seed);

  // Each returns the document's language index (schema::kLangs order).
  std::size_t organisation(std::string& out, std::uint64_t n, schema::Lang root);
  std::size_t project(std::string& out, std::uint64_t n, schema::Lang root);
  std::size_t resource(std::string& out, std::uint64_t n, schema::Lang root);

 private:
  std::size_t start_document(std::string& out, std::string_view element, std::string_view prefix, std::uint64_t n,
                             schema::Lang root);
  void sentence(std::string& out, const LanguageModel& lm, unsigned words, double domain_share, bool commas);
  void sentences(std::string& out, const LanguageModel& lm, unsigned words, bool paragraphs);
  void summary(std::string& out, const LanguageModel& lm);
  void title(std::string& out, const LanguageModel& lm);
  unsigned body_words();
  std::uint64_t pick_reference(std::uint64_t count, const std::optional<ZipfSampler>& popular);
  void pick_distinct(std::vector<std::uint64_t>& picked, std::size_t how_many, std::uint64_t count,
                     const std::optional<ZipfSampler>& popular);
  void url(std::string& out, std::string_view section, std::string_view prefix, std::uint64_t n);

  const std::vector<std::unique_ptr<LanguageModel>>& languages_;
  DocumentCounts counts_;
  std::uint64_t seed_;
  std::mt19937_64 rng_;
  ZipfSampler kinds_, relations_, types_, categories_, roles_, participant_counts_, author_counts_;
  // References favour a few popular targets: half of them follow Zipf over the targets' numbers.
  std::optional<ZipfSampler> popular_organisations_, popular_projects_;
  std::vector<std::string_view> tokens_;
  std::vector<std::uint64_t> picked_;
  std::vector<std::string> keywords_;
};

}  // namespace citego::generator
