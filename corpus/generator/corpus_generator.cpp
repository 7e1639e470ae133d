// citego-generate's engine. See corpus_generator.h and corpus/README.md.
//
// Layout of a run: documents are numbered 0 … N-1 in id order (organisations, then projects, then resources, then in
// version 2 dossiers and fiches) and split into consecutive, nearly equal ranges, one per file. Each document draws
// from its own std::mt19937_64, seeded from (seed, kind, number), so a document's content does not depend on the
// documents before it: it depends only on the seed, its number and the counts of the kinds it refers to. Version 2
// writes thesaurus.xml first (places, descriptors, persons), and keeps in memory only its fixed-size place and
// descriptor tables.
#include "corpus_generator.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include "citego/schema.h"
#include "corpus_layout.h"
#include "document_writer.h"
#include "language_model.h"
#include "output_files.h"
#include "thesaurus.h"

namespace citego::generator {

namespace {

namespace fs = std::filesystem;
using schema::Lang;

constexpr std::size_t kFlushBytes = std::size_t{1} << 20;

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Public building blocks

std::uint32_t uniform_below(std::mt19937_64& rng, std::uint32_t n) {
  return static_cast<std::uint32_t>(((rng() >> 32) * n) >> 32);
}

double uniform_unit(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

namespace {
constexpr unsigned kGuideBits = 16;
constexpr unsigned kThresholdBits = 53;
constexpr std::uint64_t kThresholdOne = std::uint64_t{1} << kThresholdBits;
}  // namespace

ZipfSampler::ZipfSampler(std::size_t n) {
  if (n == 0 || n > 0xFFFFFFFFu) throw std::invalid_argument("ZipfSampler: size out of range");
  // Sums of 1/(k+1) in a fixed order with IEEE doubles: the same table everywhere.
  double total = 0;
  for (std::size_t k = 0; k < n; ++k) total += 1.0 / static_cast<double>(k + 1);
  thresholds_.resize(n);
  double cumulative = 0;
  for (std::size_t k = 0; k < n; ++k) {
    cumulative += 1.0 / static_cast<double>(k + 1);
    thresholds_[k] = static_cast<std::uint64_t>(cumulative / total * static_cast<double>(kThresholdOne));
  }
  thresholds_[n - 1] = kThresholdOne;
  constexpr std::size_t kBuckets = std::size_t{1} << kGuideBits;
  guide_.resize(kBuckets + 1);
  std::size_t k = 0;
  for (std::size_t b = 0; b < kBuckets; ++b) {
    const std::uint64_t bound = static_cast<std::uint64_t>(b) << (kThresholdBits - kGuideBits);
    while (thresholds_[k] <= bound) ++k;  // stops at n-1 at the latest: its threshold is 2^53 > bound
    guide_[b] = static_cast<std::uint32_t>(k);
  }
  guide_[kBuckets] = static_cast<std::uint32_t>(n - 1);
}

std::size_t ZipfSampler::operator()(std::mt19937_64& rng) const {
  const std::uint64_t u = rng() >> (64 - kThresholdBits);
  const std::size_t bucket = static_cast<std::size_t>(u >> (kThresholdBits - kGuideBits));
  const auto first = thresholds_.begin() + guide_[bucket];
  const auto last = thresholds_.begin() + guide_[bucket + 1] + 1;
  return static_cast<std::size_t>(std::upper_bound(first, last, u) - thresholds_.begin());
}

DocumentCounts plan_counts(std::uint64_t documents) {
  DocumentCounts c;
  c.organisations = (documents + 5) / 10;
  c.projects = (documents * 2 + 5) / 10;
  if (c.organisations + c.projects > documents) c.projects = documents - c.organisations;
  if (c.projects > 0 && c.organisations == 0) {
    c.organisations = 1;
    if (c.organisations + c.projects > documents) --c.projects;
  }
  c.resources = documents - c.organisations - c.projects;
  return c;
}

DocumentCounts plan_counts_v2(std::uint64_t documents) {
  DocumentCounts c = plan_counts(documents);
  const std::uint64_t rest = c.resources;
  c.resources = std::min(rest, (documents + 10) / 20);
  const std::uint64_t remaining = rest - c.resources;
  // One dossier per 26 of the remaining documents, rounded: 25 fiches for each (12 to 37 with the rounding).
  c.dossiers = (remaining + 13) / 26;
  c.fiches = remaining - c.dossiers;
  return c;
}

std::uint64_t plan_persons(std::uint64_t fiches) { return (fiches + 19) / 20; }

namespace {

void append_header(std::string& buffer, const GeneratorOptions& options, const std::string& what) {
  buffer +=
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!--\n  Synthetic CITEGO export written by citego-generate: "
      "fictional text, not real CITEGO content.\n  Seed ";
  buffer += std::to_string(options.seed) + ", " + what + ".\n-->\n";
}

void append_root(std::string& buffer, unsigned version, Lang root) {
  buffer += "<citego-export version=\"";
  buffer += std::to_string(version);
  buffer += "\" xml:lang=\"";
  buffer += schema::code_of(root);
  buffer += "\">\n";
}

}  // namespace

GeneratorSummary generate_corpus(const GeneratorOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  if (options.documents < 1 || options.documents > kMaxDocuments) {
    throw std::invalid_argument("--docs must be between 1 and " + std::to_string(kMaxDocuments));
  }
  if (options.files < 1 || options.files > kMaxFiles || options.files > options.documents) {
    throw std::invalid_argument("--files must be between 1 and " + std::to_string(kMaxFiles) + ", and at most --docs");
  }
  if (options.out_dir.empty()) throw std::invalid_argument("--out must not be empty");
  if (options.format_version != kFormatVersion1 && options.format_version != kFormatVersion2) {
    throw std::invalid_argument("--format-version must be 1 or 2");
  }
  const bool v2 = options.format_version == kFormatVersion2;

  std::vector<std::unique_ptr<LanguageModel>> languages;
  for (const LanguageSpec& spec : kLanguageSpecs) {
    languages.push_back(std::make_unique<LanguageModel>(spec, options.words_dir, options.seed));
  }

  std::error_code ec;
  fs::create_directories(options.out_dir, ec);
  if (ec || !fs::is_directory(options.out_dir)) {
    throw GeneratorError("cannot create the output folder " + options.out_dir.string() +
                         (ec ? ": " + ec.message() : ": not a directory"));
  }

  GeneratorSummary summary;
  summary.format_version = options.format_version;
  summary.counts = v2 ? plan_counts_v2(options.documents) : plan_counts(options.documents);
  summary.files = options.files;
  summary.removed_stale_files = remove_stale_parts(options.out_dir, options.files, v2);

  std::string buffer;
  buffer.reserve(kFlushBytes + (std::size_t{1} << 16));

  // Version 2: the thesaurus first, in its own file; the documents refer to it.
  std::optional<PlaceHierarchy> places;
  std::optional<DossierLayout> dossiers;
  std::optional<TranslationLayout> translations;
  std::optional<Version2Context> context;
  if (v2) {
    places.emplace(languages, options.seed);
    const std::vector<Descriptor> descriptors = make_descriptors(languages, options.seed);
    summary.persons = plan_persons(summary.counts.fiches);
    summary.descriptors = descriptors.size();
    summary.places = places->places().size();
    OutputFile file(options.out_dir / std::string(kThesaurusFile));
    append_header(buffer, options,
                  "the thesaurus of a corpus of " + std::to_string(options.documents) + " documents: " +
                      std::to_string(summary.places) + " places, " + std::to_string(summary.descriptors) +
                      " descriptors, " + std::to_string(summary.persons) + " persons");
    append_root(buffer, kFormatVersion2, Lang::Fr);
    append_thesaurus(buffer, *places, descriptors, languages, options.seed, summary.persons,
                     summary.counts.organisations, kFlushBytes, [&](std::string& b) { file.write(b); });
    buffer += "</citego-export>\n";
    file.write(buffer);
    file.commit();
    summary.bytes += file.bytes();
    dossiers.emplace(options.seed, summary.counts.dossiers, summary.counts.fiches);
    translations.emplace(options.seed, summary.counts.fiches);
    context.emplace(Version2Context{*places, kDescriptors, summary.persons, *dossiers, *translations});
  }

  DocumentWriter writer(languages, summary.counts, options.seed, context ? &*context : nullptr);
  const std::uint64_t first_project = summary.counts.organisations;
  const std::uint64_t first_resource = first_project + summary.counts.projects;
  const std::uint64_t first_dossier = first_resource + summary.counts.resources;
  const std::uint64_t first_fiche = first_dossier + summary.counts.dossiers;
  for (unsigned f = 0; f < options.files; ++f) {
    const std::uint64_t begin = options.documents * f / options.files;
    const std::uint64_t end = options.documents * (f + 1) / options.files;
    // Root languages cycle fr, en, es, pt over the files; documents in another language carry xml:lang.
    const Lang root = schema::kLangs[f % schema::kLangs.size()];
    OutputFile file(options.out_dir / part_name(f + 1));
    append_header(buffer, options,
                  std::to_string(options.documents) + " documents in " + std::to_string(options.files) +
                      (options.files == 1 ? " file" : " files") + "; this part holds documents " +
                      std::to_string(begin + 1) + " to " + std::to_string(end));
    append_root(buffer, options.format_version, root);
    for (std::uint64_t d = begin; d < end; ++d) {
      std::size_t lang = 0;
      if (d < first_project) {
        lang = writer.organisation(buffer, d, root);
      } else if (d < first_resource) {
        lang = writer.project(buffer, d - first_project, root);
      } else if (d < first_dossier) {
        lang = writer.resource(buffer, d - first_resource, root);
      } else if (d < first_fiche) {
        lang = writer.dossier(buffer, d - first_dossier, root);
      } else {
        lang = writer.fiche(buffer, d - first_fiche, root);
      }
      ++summary.documents_by_lang[lang];
      if (buffer.size() >= kFlushBytes) file.write(buffer);
    }
    buffer += "</citego-export>\n";
    file.write(buffer);
    file.commit();
    summary.bytes += file.bytes();
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace citego::generator
