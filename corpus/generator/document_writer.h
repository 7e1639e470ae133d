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

class PlaceHierarchy;
class DossierLayout;
class TranslationLayout;

// What version 2 documents refer to besides documents: built once per run, outliving the writer.
struct Version2Context {
  const PlaceHierarchy& places;
  std::uint64_t descriptors = 0;  // dsc-00001 … in Zipf order: the first is the most used
  std::uint64_t persons = 0;
  const DossierLayout& dossiers;
  const TranslationLayout& translations;
};

// Writes documents into a buffer; one instance per run, reused for every document.
class DocumentWriter {
 public:
  // `languages` in schema::kLangs order; `counts` are the run's (the targets of references).
  // `v2` is needed by dossier() and fiche() only.
  DocumentWriter(const std::vector<std::unique_ptr<LanguageModel>>& languages, const DocumentCounts& counts,
                 std::uint64_t seed, const Version2Context* v2 = nullptr);

  // Each returns the document's language index (schema::kLangs order).
  std::size_t organisation(std::string& out, std::uint64_t n, schema::Lang root);
  std::size_t project(std::string& out, std::uint64_t n, schema::Lang root);
  std::size_t resource(std::string& out, std::uint64_t n, schema::Lang root);
  std::size_t dossier(std::string& out, std::uint64_t n, schema::Lang root);
  std::size_t fiche(std::string& out, std::uint64_t n, schema::Lang root);

 private:
  std::size_t start_document(std::string& out, std::string_view element, std::string_view prefix, std::uint64_t n,
                             schema::Lang root);
  void open_document(std::string& out, std::string_view element, std::string_view prefix, std::uint64_t n,
                     std::size_t lang, schema::Lang root);
  void sentence(std::string& out, const LanguageModel& lm, unsigned words, double domain_share, bool commas);
  void sentences(std::string& out, const LanguageModel& lm, unsigned words, bool paragraphs);
  void summary(std::string& out, const LanguageModel& lm);
  void title(std::string& out, const LanguageModel& lm);
  void body(std::string& out, const LanguageModel& lm);
  unsigned body_words();
  std::uint64_t pick_reference(std::uint64_t count, const std::optional<ZipfSampler>& popular);
  void pick_distinct(std::vector<std::uint64_t>& picked, std::size_t how_many, std::uint64_t count,
                     const std::optional<ZipfSampler>& popular);
  void url(std::string& out, std::string_view section, std::string_view prefix, std::uint64_t n);
  void period(std::string& out);
  void keywords(std::string& out, const LanguageModel& lm);
  void links(std::string& out, std::size_t projects, std::size_t organisations);
  void pick_zipf_distinct(std::vector<std::uint64_t>& picked, std::size_t how_many, const ZipfSampler& zipf);
  void descriptors(std::string& out, std::size_t how_many);
  void places(std::string& out, std::size_t how_many, std::size_t lang);
  void free_author(std::string& out, const LanguageModel& lm);
  std::size_t fiche_metadata(std::uint64_t first);
  std::size_t fiche_metadata_tail(std::size_t original);

  const std::vector<std::unique_ptr<LanguageModel>>& languages_;
  const Version2Context* v2_;
  DocumentCounts counts_;
  std::uint64_t seed_;
  std::mt19937_64 rng_;
  ZipfSampler kinds_, relations_, types_, categories_, roles_, participant_counts_, author_counts_;
  // References favour a few popular targets: half of them follow Zipf over the targets' numbers.
  std::optional<ZipfSampler> popular_organisations_, popular_projects_;
  std::optional<ZipfSampler> popular_persons_, popular_descriptors_;  // version 2
  std::vector<std::string_view> tokens_;
  std::vector<std::uint64_t> picked_;
  std::vector<std::string> keywords_;
  std::vector<std::size_t> places_;
  std::string fiche_head_, fiche_tail_;
};

}  // namespace citego::generator
