// FacetCounter: a Xapian match spy that counts facet values over every matching document.
//
// It reads the facet id slot (schema::kSlotFacetIds) once per document, with the database's FacetIds, or else the
// packed facet slot (schema::kSlotFacets), and counts each value of each facet it is asked for, so a document with
// two years counts once in each. Used by Searcher with check_at_least set to the database size, so counts are exact.
// A value id is counted in an array (counts[id]++), and only the values counted are turned into strings; the
// packed slot's strings are read and hashed, about four times the instructions.
//
// The cost of a match is proportional to the values of the matching documents, whatever the number of distinct
// values a facet has (thousands of descriptors, hundreds of places, authors and partners): years are counted by
// number in an array, other values in a hash table per facet (with a FacetTable, every value by id in an array), and
// reading the counts out costs the distinct values seen (and the 2,000 possible years), or with a table a pass over
// the facet's ids (a few microseconds for thousands), not a search for each value.
//
// A long-running process (the search server) can read every document's facet values once into a FacetTable; the
// counter then adds up value ids instead of reading and parsing the slot of each matching document. Both ways give
// the same counts.
#pragma once

#include <array>
#include <climits>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "citego/schema.h"
#include "citego/search_request.h"

namespace citego {

// The distinct values of one facet, each with a dense index (0, 1, … in order of first sight): scanned while there are
// few, then an open-addressing hash table over short strings; looked up by string_view without a copy. Facet values are
// short ASCII ids and words, which a general string hash (std::hash) digests at several times the cost of the lookup
// itself.
class FacetValueIndex {
 public:
  // The index of `value`, added if new.
  std::uint32_t index_of(std::string_view value) {
    if (!slots_.empty()) return hashed_index_of(value);
    // Few values (a vocabulary's): a scan costs less than a hash. Inline: it runs for every value counted.
    for (std::uint32_t i = 0; i < values_.size(); ++i) {
      if (values_[i] == value) return i;
    }
    return add(value);
  }
  const std::string& value(std::uint32_t index) const { return values_[index]; }
  std::size_t size() const { return values_.size(); }

 private:
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t index = kEmpty;
  };
  static constexpr std::uint32_t kEmpty = UINT32_MAX;
  static constexpr std::size_t kScanned = 16;  // up to this many values, no hash table: a scan
  std::uint32_t hashed_index_of(std::string_view value);
  std::uint32_t add(std::string_view value);  // a value that is not there yet
  void grow();

  std::vector<Slot> slots_;  // empty, or a power of two at most half full
  std::vector<std::string> values_;
};

// The values of each facet by id (schema::FacetDictionary) of a database whose documents have the facet id slot.
// Each database written by citego-index numbers its values itself, so the ids of a database combined from several
// (a stub file, Database::add_database) do not name one value: for such a database, or one without the id slot,
// load() gives none, and the counter reads the packed strings. (Per-shard dictionaries, shard of docid d being
// (d - 1) % n, could serve a combined database later.)
class FacetIds {
 public:
  // The dictionary of `db`, or null. Throws std::invalid_argument on a value list citego-index cannot have written.
  static std::shared_ptr<const FacetIds> load(const Xapian::Database& db);

  std::size_t size(std::size_t facet) const { return sizes_[facet]; }  // ids of facet `facet` (schema::index_of)
  std::string_view value(std::size_t facet, std::uint32_t id) const {
    if (ends_[facet].empty()) return schema::fixed_value(facet, id);
    const std::uint32_t start = id == 0 ? 0 : ends_[facet][id - 1] + 1;
    return std::string_view(data_[facet]).substr(start, ends_[facet][id] - start);
  }

 private:
  std::array<std::string, schema::kFacetCount> data_;                 // the metadata of each listed facet
  std::array<std::vector<std::uint32_t>, schema::kFacetCount> ends_;  // schema::facet_value_ends of data_
  std::array<std::size_t, schema::kFacetCount> sizes_{};
};

// Every document's facet values, as ids of distinct (facet, value) pairs.
class FacetTable {
 public:
  // Reads the facet slot of every document of `db`.
  explicit FacetTable(const Xapian::Database& db);

  // The value ids of document `did` (none for a docid past the last document, or a document without values).
  std::span<const std::uint32_t> ids_of(Xapian::docid did) const;
  std::size_t facet_of(std::uint32_t id) const { return facets_[id]; }  // schema::index_of
  const std::string& value_of(std::uint32_t id) const { return values_[id]; }
  int year_of(std::uint32_t id) const { return years_[id]; }  // the year of a year value, else 0
  // The ids of the values of facet `facet` (schema::index_of), in no particular order.
  std::span<const std::uint32_t> ids_of_facet(std::size_t facet) const { return ids_by_facet_[facet]; }
  std::size_t size() const { return values_.size(); }

 private:
  std::vector<std::uint32_t> starts_;  // by docid: where its ids start in ids_ (one more entry than documents)
  std::vector<std::uint32_t> ids_;
  std::vector<std::uint8_t> facets_;  // by id
  std::vector<std::string> values_;   // by id
  std::vector<std::uint16_t> years_;  // by id
  std::array<std::vector<std::uint32_t>, schema::kFacetCount> ids_by_facet_;
};

// One facet value and the number of matching documents that have it. `value` points into the counter (or its
// table): valid while they live.
struct ValueCount {
  std::string_view value;
  Xapian::doccount count = 0;
  bool operator==(const ValueCount&) const = default;
};

// Ranges of years counted beside the year facet (--facet-ranges year=…): the documents with at least one year in
// each range, so that a document with several years in one range counts once there, not once per year.
struct YearBuckets {
  std::vector<YearRange> ranges;  // at most kMaxYearBuckets, in the order asked; they may overlap
  bool decades = false;           // instead: every decade from the one of the oldest year seen to the newest's
};

// A range of years and the number of matching documents with at least one year in it.
struct BucketCount {
  YearRange range;
  Xapian::doccount count = 0;
  bool operator==(const BucketCount&) const = default;
};

// What one facet pass counted, whichever way it counted (FacetCounter, SlotFacetCounter).
class FacetTally {
 public:
  virtual ~FacetTally() = default;
  // Every value of `facet` that a matching document has, with its count, in no particular order.
  virtual std::vector<ValueCount> counts(schema::Facet facet) const = 0;
  // The year buckets: the ranges asked for, in their order; with `decades`, each decade (2010..2019) from the one of
  // the oldest year seen to the one of the newest, those between with no document included (none without years).
  virtual std::vector<BucketCount> bucket_counts() const = 0;
  virtual Xapian::doccount documents_seen() const = 0;
};

class FacetCounter : public Xapian::MatchSpy, public FacetTally {
 public:
  // Counts the facets whose entry in `counted` is true, reading each document's values from `table` when there is
  // one, else its id slot from `db` when there are `ids`, else its packed slot from `db` (`table` and `ids` must be
  // `db`'s). A database combined from several shards is always counted from the packed slot of the document the
  // matcher gives: Xapian gives a match spy each shard's documents under the shard's docids, which name other
  // documents in the combined database's value streams and table. `buckets` are counted with the year facet, when it is
  // counted, in the same pass. Throws std::invalid_argument when `buckets` has more than kMaxYearBuckets ranges; while
  // counting, on an id slot that `ids` does not account for.
  FacetCounter(const Xapian::Database& db, std::array<bool, schema::kFacetCount> counted,
               const FacetTable* table = nullptr, YearBuckets buckets = {}, const FacetIds* ids = nullptr);

  void operator()(const Xapian::Document& doc, double weight) override;

  std::vector<ValueCount> counts(schema::Facet facet) const override;
  std::vector<BucketCount> bucket_counts() const override;
  Xapian::doccount documents_seen() const override { return seen_; }

 private:
  std::string slot_of(Xapian::docid did);
  void count_ids(std::string_view packed);
  void count_year(int year);
  void count_buckets();

  static constexpr std::size_t kYears = schema::kMaxYear - schema::kMinYear + 1;
  static constexpr std::size_t kDecades = kYears / 10;

  Xapian::Database db_;
  bool combined_;  // several shards: neither table nor ids nor the value stream by docid (see operator())
  const FacetTable* table_;
  const FacetIds* ids_;   // used only without a table
  Xapian::valueno slot_;  // read per document without a table: kSlotFacetIds with ids_, else kSlotFacets
  Xapian::ValueIterator values_;
  bool streaming_ = false;
  Xapian::docid last_docid_ = 0;
  std::array<bool, schema::kFacetCount> counted_;
  bool every_facet_counted_ = false;
  // Without a table: the values seen of each facet, and their counts by index (years: year_counts_).
  std::array<FacetValueIndex, schema::kFacetCount> values_seen_;
  std::array<std::vector<Xapian::doccount>, schema::kFacetCount> value_counts_;
  std::array<Xapian::doccount, kYears> year_counts_{};  // without a table: by year - kMinYear
  std::vector<Xapian::doccount> id_counts_;             // with a table: by value id; with ids: by id_base_[facet] + id
  std::array<std::size_t, schema::kFacetCount + 1> id_base_{};

  // Year buckets. Each year has the mask of the ranges that hold it (kMaxYearBuckets fit in 64 bits): a document's
  // years OR their masks, and each range of the result counts the document once. A decade remembers the last
  // document it counted.
  YearBuckets buckets_;
  bool counting_buckets_ = false;
  std::vector<std::uint64_t> year_masks_;  // by year - kMinYear, with ranges
  std::vector<Xapian::doccount> range_counts_;
  std::uint64_t document_mask_ = 0;
  std::array<Xapian::doccount, kDecades> decade_counts_{};
  std::array<Xapian::doccount, kDecades> decade_counted_at_{};  // seen_ when it last counted a document
  Xapian::doccount seen_ = 0;
};

// Counting through Xapian's remote backend, whose stock server (xapian-tcpsrv) runs no match spy but its own: a
// Xapian::ValueCountMatchSpy on the facet set slot of each counted facet (schema::kSlotFacetSetBase + facet, written in
// the documents of a shard set), which counts each distinct set of values, and one on the translation group slot,
// which counts the documents and their groups. collect() then splits each set into its values and adds its count to
// each: a document counts once for each of its values, as with FacetCounter, and each year bucket counts a set once
// when one of its years is in the range. The spies' results cross the network once per shard and match, merged by
// Xapian: one entry per distinct set, which for the facets of few values per document is about the facet's values.
class SlotFacetCounter : public FacetTally {
 public:
  // Throws std::invalid_argument when `buckets` has more than kMaxYearBuckets ranges.
  SlotFacetCounter(std::array<bool, schema::kFacetCount> counted, YearBuckets buckets = {});
  SlotFacetCounter(const SlotFacetCounter&) = delete;
  SlotFacetCounter& operator=(const SlotFacetCounter&) = delete;

  // Adds the spies to `enquire`, which must not outlive this counter; collect() once its match is done.
  void attach(Xapian::Enquire& enquire);
  void collect();

  std::vector<ValueCount> counts(schema::Facet facet) const override;
  std::vector<BucketCount> bucket_counts() const override { return bucket_counts_; }
  Xapian::doccount documents_seen() const override { return static_cast<Xapian::doccount>(groups_.get_total()); }
  // The translation groups of the matching documents, a document in none being a group of its own.
  Xapian::doccount groups() const { return groups_count_; }

 private:
  std::array<bool, schema::kFacetCount> counted_;
  YearBuckets buckets_;
  std::array<std::unique_ptr<Xapian::ValueCountMatchSpy>, schema::kFacetCount> spies_;  // of the counted facets
  Xapian::ValueCountMatchSpy groups_{schema::kSlotTranslationGroup};
  std::array<std::map<std::string, Xapian::doccount, std::less<>>, schema::kFacetCount> totals_;
  std::vector<BucketCount> bucket_counts_;
  Xapian::doccount groups_count_ = 0;
};

}  // namespace citego
