// facet_count: the cost of counting facets, on a synthetic database shaped like version 2 (thousands of descriptors).
//
//   build/bench/facet_count make DB DOCS [v1]   write a synthetic database of DOCS documents at DB (a new path)
//   build/bench/facet_count count DB ROUNDS [slot|ids|table]   time FacetCounter alone over each benchmark query
//
// `make` writes DOCS documents (fixed seed) whose facets are those the version 2 corpora will have: 1-3 years,
// project types, organisation kinds, doc_type, lang, fiche_type, 0-6 of 2,000 descriptors (a few common, most rare),
// 0-2 of 300 places with their ancestors, 0-3 of 500 authors, 0-2 of 100 dossiers, 0-5 of 500 partners; with the label
// metadata of every descriptor, place, author, dossier and partner, and the label words of each document's
// descriptors and places (words x0..x999), and the facet id slot with its value lists, as citego-index writes them
// (schema/README.md, "Facet value ids"). With `v1`, the same documents with only the five facets of version 1 and no
// labels: what today's corpora look like. Titles and summaries are words w0..w999 with a Zipf law, so the benchmark
// queries w1, w30 and w300 match about 25%, 2% and 0.2% of the documents.
//
// `count` runs, for the browse (every document) and each query, an exhaustive match with a FacetCounter counting every
// facet, then reads every facet's counts, ROUNDS times: reading each match's packed slot (`slot`), each match's id
// slot (`ids`, a one-query process's way), and with a FacetTable (`table`, built once, its time printed), or only the
// way named. It prints the mean microseconds per query; under `valgrind --tool=callgrind` the instruction counts of
// one way are what the machine's noise does not move. To compare with commits before the id slot, build them with
// this file of commit 532c42d, which has the `slot` and `table` ways only.
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <xapian.h>

#include "citego/analysis.h"
#include "citego/document_builder.h"
#include "citego/facet_counter.h"
#include "citego/schema.h"

namespace {

using citego::schema::Facet;
namespace schema = citego::schema;

std::string numbered(const char* prefix, std::size_t n) { return prefix + std::to_string(n); }

// Draws 0..n-1, low values far more often (Zipf, exponent 1).
class Zipf {
 public:
  explicit Zipf(std::size_t n) {
    double sum = 0;
    for (std::size_t i = 1; i <= n; ++i) cumulative_.push_back(sum += 1.0 / static_cast<double>(i));
  }
  std::size_t operator()(std::mt19937& rng) const {
    const double x = std::uniform_real_distribution<double>(0, cumulative_.back())(rng);
    return static_cast<std::size_t>(std::lower_bound(cumulative_.begin(), cumulative_.end(), x) - cumulative_.begin());
  }

 private:
  std::vector<double> cumulative_;
};

std::vector<std::string> sorted(std::set<std::string> values) { return {values.begin(), values.end()}; }

int make(const std::string& path, std::size_t documents, bool v1) {
  if (std::filesystem::exists(path)) {
    std::cerr << path << " exists\n";
    return 2;
  }
  // The text has its own generator, so that both shapes have the same text: a query matches the same documents.
  std::mt19937 text_rng(42);
  std::mt19937 rng(43);
  auto below = [&rng](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  const Zipf words(1000), descriptors(2000), people(500), organisations(500), dossiers(100);
  // Places: 5 continents, 50 countries, 50 regions, 195 cities (300 in all); parents by index.
  std::vector<std::string> place_ids;
  std::vector<int> parent;
  for (std::size_t i = 0; i < 300; ++i) {
    place_ids.push_back(numbered("plc-", i));
    parent.push_back(i < 5     ? -1
                     : i < 55  ? static_cast<int>(i % 5)
                     : i < 105 ? static_cast<int>(5 + i % 50)
                               : static_cast<int>(5 + i % 100));
  }
  Xapian::WritableDatabase db(path, Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS);
  // Every value the documents can take, each id facet's in byte order, as ReferenceGraph::facet_dictionary gives.
  schema::FacetDictionary::Lists lists;
  const auto list = [&lists](Facet facet, const char* prefix, std::size_t n) {
    std::vector<std::string>& values = lists[schema::index_of(facet)];
    for (std::size_t i = 0; i < n; ++i) values.push_back(numbered(prefix, i));
    std::sort(values.begin(), values.end());
  };
  if (!v1) {
    list(Facet::Descriptor, "dsc-", 2000);
    list(Facet::Place, "plc-", 300);
    list(Facet::Author, "per-", 500);
    list(Facet::Dossier, "dos-", 100);
    list(Facet::Partner, "org-", 500);
  }
  const schema::FacetDictionary dictionary(std::move(lists));
  citego::DocumentBuilder builder(&dictionary);
  Xapian::TermGenerator label_words;
  label_words.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
  label_words.set_stemmer(citego::analysis::stemmer_for(schema::Lang::En));
  // Label words x0..x999, apart from the text's words: a query matches the same documents in both shapes.
  const auto label_of = [](const std::string& id) { return "x" + std::to_string(std::hash<std::string>{}(id) % 1000); };
  for (std::size_t n = 0; n < documents; ++n) {
    citego::ExportRecord record;
    record.id = numbered("doc-", n);
    record.doc_type = schema::kDocTypes[text_rng() % 5];
    record.lang = schema::kLangs[text_rng() % 4];
    for (std::size_t i = 0, k = 3 + text_rng() % 6; i < k; ++i)
      record.title += "w" + std::to_string(words(text_rng)) + " ";
    for (std::size_t i = 0; i < 20; ++i) record.summary += "w" + std::to_string(words(text_rng)) + " ";
    schema::FacetValues facets;
    std::set<std::string> years;
    const int first = 1990 + static_cast<int>(below(35));
    for (int y = first, last = first + static_cast<int>(below(3)); y <= last; ++y) years.insert(std::to_string(y));
    facets[Facet::Year] = sorted(years);
    facets[Facet::DocType] = {std::string(schema::name_of(record.doc_type))};
    facets[Facet::Lang] = {std::string(schema::code_of(record.lang))};
    std::set<std::string> types, kinds;
    for (std::size_t i = below(3); i > 0; --i) types.insert(std::string(schema::kProjectTypes[below(3)]));
    for (std::size_t i = below(4); i > 0; --i) kinds.insert(std::string(schema::kOrganisationKinds[below(12)]));
    facets[Facet::ProjectType] = sorted(types);
    facets[Facet::OrganisationKind] = sorted(kinds);
    std::vector<std::string> own_descriptors, own_places;
    if (!v1) {
      if (record.doc_type == schema::DocType::Fiche)
        facets[Facet::FicheType] = {std::string(schema::kFicheTypes[below(6)])};
      std::set<std::string> d, p, a, o, r;
      for (std::size_t i = below(7); i > 0; --i) d.insert(numbered("dsc-", descriptors(rng)));
      for (std::size_t i = below(3); i > 0; --i) {
        auto at = static_cast<int>(below(300));
        own_places.push_back(place_ids[static_cast<std::size_t>(at)]);
        for (; at >= 0; at = parent[static_cast<std::size_t>(at)]) p.insert(place_ids[static_cast<std::size_t>(at)]);
      }
      for (std::size_t i = below(4); i > 0; --i) a.insert(numbered("per-", people(rng)));
      for (std::size_t i = below(3); i > 0; --i) o.insert(numbered("dos-", dossiers(rng)));
      for (std::size_t i = below(6); i > 0; --i) r.insert(numbered("org-", organisations(rng)));
      own_descriptors = sorted(d);
      facets[Facet::Descriptor] = own_descriptors;
      facets[Facet::Place] = sorted(p);
      facets[Facet::Author] = sorted(a);
      facets[Facet::Dossier] = sorted(o);
      facets[Facet::Partner] = sorted(r);
    }
    Xapian::Document doc = builder.build(record, facets);
    if (!v1) {
      label_words.set_document(doc);
      for (const auto* ids : {&own_descriptors, &own_places}) {
        for (const std::string& id : *ids) label_words.index_text(label_of(id), 1, std::string(schema::kPrefixLabel));
      }
      doc = label_words.get_document();
    }
    db.add_document(doc);
  }
  if (!v1) {
    const auto labels = [](const std::string& text) { return schema::encode_labels({text, text, text, text}); };
    for (std::size_t i = 0; i < 2000; ++i) {
      const std::string id = numbered("dsc-", i);
      db.set_metadata(schema::label_key(Facet::Descriptor, id), labels(label_of(id)));
    }
    for (const std::string& id : place_ids) db.set_metadata(schema::label_key(Facet::Place, id), labels(label_of(id)));
    for (std::size_t i = 0; i < 500; ++i) {
      db.set_metadata(schema::label_key(Facet::Author, numbered("per-", i)), labels("Person " + std::to_string(i)));
      db.set_metadata(schema::label_key(Facet::Partner, numbered("org-", i)), labels("ORG" + std::to_string(i)));
    }
    for (std::size_t i = 0; i < 100; ++i) {
      db.set_metadata(schema::label_key(Facet::Dossier, numbered("dos-", i)), labels("Dossier " + std::to_string(i)));
    }
  }
  for (const auto& [key, value] : dictionary.metadata()) db.set_metadata(key, value);
  db.set_metadata(std::string(schema::kMetaSchemaVersion), std::to_string(schema::kSchemaVersion));
  db.commit();
  std::cout << documents << " documents written to " << path << (v1 ? " (version 1 facets)" : "") << "\n";
  return 0;
}

int count(const std::string& path, int rounds, const std::string& only) {
  const Xapian::Database db(path);
  const auto started = std::chrono::steady_clock::now();
  const citego::FacetTable table(db);
  std::cout << "FacetTable of " << db.get_doccount() << " documents: "
            << std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count() << " ms\n";
  std::array<bool, schema::kFacetCount> every{};
  every.fill(true);
  const std::vector<std::pair<std::string, Xapian::Query>> queries = {{"browse", Xapian::Query::MatchAll},
                                                                      {"w1", Xapian::Query("Zw1")},
                                                                      {"w30", Xapian::Query("Zw30")},
                                                                      {"w300", Xapian::Query("Zw300")}};
  const std::shared_ptr<const citego::FacetIds> ids = citego::FacetIds::load(db);
  for (const std::string way : {"slot", "ids", "table"}) {
    if (!only.empty() && only != way) continue;
    if (way == "ids" && !ids) {
      std::cout << path << " has no facet id slot\n";
      continue;
    }
    const bool with_table = way == "table";
    for (const auto& [name, query] : queries) {
      std::size_t values = 0;
      Xapian::doccount matches = 0;
      const auto start = std::chrono::steady_clock::now();
      for (int round = 0; round < rounds; ++round) {
        citego::FacetCounter counter(db, every, with_table ? &table : nullptr, {}, way == "ids" ? ids.get() : nullptr);
        Xapian::Enquire enquire(db);
        enquire.set_query(query);
        enquire.set_weighting_scheme(Xapian::BoolWeight());
        enquire.add_matchspy(&counter);
        matches = enquire.get_mset(0, 0, db.get_doccount()).get_matches_estimated();
        for (const schema::FacetSpec& spec : schema::kFacets) {
          for (const auto& [value, n] : counter.counts(spec.facet)) values += n > 0 ? 1 : 0;
        }
      }
      const double micros = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
      std::cout << way << std::string(6 - way.size(), ' ') << name << ": " << matches << " matches, "
                << values / static_cast<std::size_t>(rounds) << " values, " << micros / rounds << " us/query\n";
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "make" && (argc == 4 || argc == 5)) {
    return make(argv[2], static_cast<std::size_t>(std::atol(argv[3])), argc == 5 && std::string(argv[4]) == "v1");
  }
  if (mode == "count" && (argc == 4 || argc == 5)) {
    return count(argv[2], std::max(1, std::atoi(argv[3])), argc == 5 ? argv[4] : "");
  }
  std::cerr << "usage: facet_count make DB DOCS [v1] | facet_count count DB ROUNDS [slot|ids|table]\n";
  return 2;
}
