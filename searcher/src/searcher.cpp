// Matching, facet counting and hit assembly (see citego/searcher.h).
#include "citego/searcher.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <unordered_map>
#include <unordered_set>

#include "citego/analysis.h"
#include "citego/expansion.h"
#include "citego/facet_counter.h"
#include "citego/suggestion.h"

namespace citego {

namespace {

using schema::Facet;

double round4(double x) { return std::round(x * 10000.0) / 10000.0; }

// The values of a filtered facet that the request selects.
struct Selection {
  std::set<std::string, std::less<>> values;  // listed whatever the facet limit, also with no match (count 0)
  std::vector<YearRange> ranges;  // the year facet's range filters: a year counted inside one is selected too

  bool selects(std::string_view value) const {
    if (values.find(value) != values.end()) return true;
    if (ranges.empty()) return false;
    int year = 0;  // a year value of the counter: four digits
    std::from_chars(value.data(), value.data() + value.size(), year);
    return std::any_of(ranges.begin(), ranges.end(),
                       [year](const YearRange& r) { return year >= r.first && year <= r.last; });
  }
};

// What the request selects of `facet`: the values of its filters, as add_filter kept them (also those outside a
// vocabulary); for the year, each year a filter names alone, and the ranges (a range lists only its years that have
// counts: listing every year of 1000..2999 would say nothing).
Selection selection_of(Facet facet, const SearchRequest& request) {
  Selection selection;
  if (facet != Facet::Year) {
    const auto& values = request.filters[schema::index_of(facet)];
    selection.values.insert(values.begin(), values.end());
    return selection;
  }
  for (const YearRange& range : request.year_filters) {
    if (range.first == range.last) {
      selection.values.insert(std::to_string(range.first));
    } else if (range.first < range.last) {  // not kNoYears, which selects nothing
      selection.ranges.push_back(range);
    }
  }
  return selection;
}

// A facet's values to show, ordered for display: years newest first; others by count, then value. With a limit, the
// first `limit` values in that order, and the selected ones wherever they come (a visitor can always untick them),
// also those no match has. Only the values shown are put in order: a facet may have thousands.
std::vector<FacetCount> ordered_counts(Facet facet, const FacetTally& counter, std::size_t limit,
                                       const Selection* selection) {
  struct Entry {
    std::string_view value;  // in the counter
    Xapian::doccount count;
    bool selected;
  };
  const auto before = [facet](const auto& a, const auto& b) {  // an Entry or a FacetCount
    if (facet == Facet::Year) return a.value > b.value;
    return a.count != b.count ? a.count > b.count : a.value < b.value;
  };
  std::vector<Entry> all;
  for (const ValueCount& c : counter.counts(facet)) {
    all.push_back({c.value, c.count, selection && selection->selects(c.value)});
  }
  if (limit != 0 && all.size() > limit) {
    const auto shown = all.begin() + static_cast<std::ptrdiff_t>(limit);
    std::partial_sort(all.begin(), shown, all.end(), before);
    all.erase(std::remove_if(shown, all.end(), [](const Entry& e) { return !e.selected; }), all.end());
  }
  std::vector<FacetCount> out;
  out.reserve(all.size());
  for (const Entry& e : all) out.push_back({std::string(e.value), e.count, "", e.selected});
  if (selection) {
    for (const std::string& value : selection->values) {
      if (std::none_of(out.begin(), out.end(), [&value](const FacetCount& c) { return c.value == value; })) {
        out.push_back({value, 0, "", true});
      }
    }
  }
  std::sort(out.begin(), out.end(), before);
  return out;
}

// The words of each label (by language), as the indexer sees them: folded and lower-cased (--facet-search).
using LabelWords = std::array<std::vector<std::string>, 4>;

LabelWords label_words(const schema::Labels& labels) {
  LabelWords words;
  for (std::size_t lang = 0; lang < labels.size(); ++lang) {
    for (analysis::Token& token : analysis::tokenize(labels[lang])) words[lang].push_back(std::move(token.exact));
  }
  return words;
}

// The language (index in Labels) of the first label, the request's language first, in which every word of `prefix`
// starts a word of the label; none when no label matches.
std::optional<std::size_t> matching_label(const LabelWords& words, const std::vector<std::string>& prefix,
                                          std::optional<schema::Lang> lang) {
  const auto matches = [&](const std::vector<std::string>& label) {
    return !label.empty() && std::all_of(prefix.begin(), prefix.end(), [&](const std::string& p) {
      return std::any_of(label.begin(), label.end(), [&](const std::string& w) { return w.rfind(p, 0) == 0; });
    });
  };
  if (lang && matches(words[static_cast<std::size_t>(*lang)])) return static_cast<std::size_t>(*lang);
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (matches(words[i])) return i;
  }
  return std::nullopt;
}

}  // namespace

// Every label of a database (its schema::label_key metadata, decoded), read once by a long-running process.
class LabelTable {
 public:
  // Throws std::invalid_argument on metadata that encode_labels cannot have written.
  explicit LabelTable(const Xapian::Database& db) {
    const std::string prefix(schema::kMetaLabelPrefix);
    for (auto it = db.metadata_keys_begin(prefix); it != db.metadata_keys_end(prefix); ++it) {
      Entry entry;
      entry.labels = schema::decode_labels(db.get_metadata(*it));
      entry.words = label_words(entry.labels);
      labels_.emplace(*it, std::move(entry));
    }
  }
  const schema::Labels* find(const std::string& key) const {
    const auto it = labels_.find(key);
    return it == labels_.end() ? nullptr : &it->second.labels;
  }
  const LabelWords* words(const std::string& key) const {
    const auto it = labels_.find(key);
    return it == labels_.end() ? nullptr : &it->second.words;
  }

 private:
  struct Entry {
    schema::Labels labels;
    LabelWords words;
  };
  std::unordered_map<std::string, Entry> labels_;
};

namespace {

// The labels of facet values (schema::label_key metadata): from the LabelTable when there is one, else read once per
// request and value. A value without metadata has no label: every entry empty.
class LabelReader {
 public:
  LabelReader(const Xapian::Database& db, const LabelTable* table) : db_(db), table_(table) {}

  // Throws std::invalid_argument on metadata that encode_labels cannot have written.
  const schema::Labels& of(Facet facet, const std::string& value) {
    static const schema::Labels kNone{};
    std::string key = schema::label_key(facet, value);
    if (table_) {
      const schema::Labels* labels = table_->find(key);
      return labels ? *labels : kNone;
    }
    auto it = cache_.find(key);
    if (it == cache_.end()) {
      const std::string data = db_.get_metadata(key);
      it = cache_.emplace(std::move(key), data.empty() ? kNone : schema::decode_labels(data)).first;
    }
    return it->second;
  }

  // The words of the labels of a value (label_words).
  const LabelWords& words_of(Facet facet, const std::string& value) {
    static const LabelWords kNone{};
    if (table_) {
      const LabelWords* words = table_->words(schema::label_key(facet, value));
      return words ? *words : kNone;
    }
    std::string key = schema::label_key(facet, value);
    auto it = words_.find(key);
    if (it == words_.end()) it = words_.emplace(std::move(key), label_words(of(facet, value))).first;
    return it->second;
  }

  // The labelled references of a hit: each id with its label in `lang`, else the document's language.
  std::vector<LabelledRef> refs(Facet facet, const std::vector<std::string>& ids, std::optional<schema::Lang> lang,
                                schema::Lang document_lang) {
    std::vector<LabelledRef> out;
    out.reserve(ids.size());
    for (const std::string& id : ids) out.push_back({id, schema::pick_label(of(facet, id), lang, document_lang)});
    return out;
  }

 private:
  const Xapian::Database& db_;
  const LabelTable* table_;
  std::unordered_map<std::string, schema::Labels> cache_;
  std::unordered_map<std::string, LabelWords> words_;
};

// Labels the values shown of a facet whose values have labels, in the request's language.
void label_counts(Facet facet, std::vector<FacetCount>& counts, std::optional<schema::Lang> lang, LabelReader& labels) {
  if (schema::spec_of(facet).labels == schema::LabelSource::None) return;
  for (FacetCount& c : counts) c.label = schema::pick_label(labels.of(facet, c.value), lang, std::nullopt);
}

// The clock of one request: its deadline covers every stage.
class Deadline {
 public:
  explicit Deadline(double seconds)
      : seconds_(seconds),
        end_(std::chrono::steady_clock::now() +
             std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds))) {}

  double remaining() const { return std::chrono::duration<double>(end_ - std::chrono::steady_clock::now()).count(); }
  // Throws deadline_exceeded once the deadline has passed.
  void check() const {
    if (remaining() <= 0) fail();
  }
  [[noreturn]] void fail() const { throw deadline_exceeded(seconds_); }

 private:
  double seconds_;
  std::chrono::steady_clock::time_point end_;
};

// A match reads at most one posting per document and query term (a wildcard counts as its largest expansion).
bool may_run_long(const Xapian::Query& query, bool has_wildcard, Xapian::doccount documents) {
  const double terms = static_cast<double>(query.get_length()) * (has_wildcard ? kMaxWildcardExpansion : 1);
  return terms * documents > kTimedMatchPostings;
}

// An exhaustive match (check_at_least = every document), within what is left of the deadline: Xapian stops counting
// exhaustively when its time limit passes, which would make counts estimates, so that is the deadline error.
// A collapsed match's bounds differ even when it checked every document (Xapian counts groups as it goes); its time
// limit is what was left of the deadline, so a match that the limit cut short ends past the deadline.
Xapian::MSet exhaustive_mset(Xapian::Enquire& enquire, Xapian::doccount first, Xapian::doccount size,
                             Xapian::doccount all, bool timed, const Deadline& deadline, bool collapsed = false) {
  deadline.check();
  if (timed) enquire.set_time_limit(std::max(deadline.remaining(), 0.001));
  Xapian::MSet mset = enquire.get_mset(first, size, all);
  if (timed && collapsed) deadline.check();
  if (timed && !collapsed && mset.get_matches_lower_bound() != mset.get_matches_upper_bound()) deadline.fail();
  return mset;
}

// --collapse translation: the matching documents and their translation groups (a document in none is a group of its
// own), counted exactly. A match spy sees every matching document, also those the collapse leaves out of the page.
class GroupCounter : public Xapian::MatchSpy {
 public:
  void operator()(const Xapian::Document& doc, double) override {
    ++documents_;
    std::string key = doc.get_value(schema::kSlotTranslationGroup);
    if (key.empty()) {
      ++alone_;
    } else {
      keys_.insert(std::move(key));
    }
  }
  Xapian::doccount groups() const { return alone_ + static_cast<Xapian::doccount>(keys_.size()); }
  Xapian::doccount documents() const { return documents_; }

 private:
  std::unordered_set<std::string> keys_;
  Xapian::doccount alone_ = 0;
  Xapian::doccount documents_ = 0;
};

// --all, a window at a time: the best `size` matches that rank after `after`, kept in a bounded heap while one match
// shows the spy every matching document with its weight. The order is that of the pages: in relevance order a higher
// weight first, then the smaller id (set_sort_by_relevance_then_value(kSlotId)); sorted by year, the year key of
// `key_slot` first (descending or not), then the weight, then the id (a browse's weights are all 0: year, then id).
class ExportWindow : public Xapian::MatchSpy {
 public:
  struct Ranked {
    std::string key;  // the year key, or empty
    double weight = 0;
    std::string id;
    Xapian::docid did = 0;
  };
  ExportWindow(std::size_t size, const std::optional<Ranked>& after, std::optional<Xapian::valueno> key_slot,
               bool key_descending)
      : size_(size), after_(after), key_slot_(key_slot), key_descending_(key_descending) {}

  void operator()(const Xapian::Document& doc, double weight) override {
    if (!key_slot_) {  // relevance order: the weight alone settles most documents, without reading a value
      if (after_ && weight > after_->weight) return;                       // written already
      if (heap_.size() == size_ && weight < heap_.front().weight) return;  // after the window
    }
    Ranked hit{key_slot_ ? doc.get_value(*key_slot_) : std::string(), weight, doc.get_value(schema::kSlotId),
               doc.get_docid()};
    if (after_ && !before(*after_, hit)) return;
    const auto order = [this](const Ranked& a, const Ranked& b) { return before(a, b); };
    if (heap_.size() == size_) {
      if (!before(hit, heap_.front())) return;
      std::pop_heap(heap_.begin(), heap_.end(), order);
      heap_.back() = std::move(hit);
    } else {
      heap_.push_back(std::move(hit));
    }
    std::push_heap(heap_.begin(), heap_.end(), order);  // the last of the window on top
  }
  // The window, best first.
  std::vector<Ranked> best_first() {
    std::sort_heap(heap_.begin(), heap_.end(), [this](const Ranked& a, const Ranked& b) { return before(a, b); });
    return std::move(heap_);
  }

 private:
  bool before(const Ranked& a, const Ranked& b) const {
    if (a.key != b.key) return key_descending_ ? a.key > b.key : a.key < b.key;
    return a.weight != b.weight ? a.weight > b.weight : a.id < b.id;
  }
  std::size_t size_;
  std::optional<Ranked> after_;
  std::optional<Xapian::valueno> key_slot_;
  bool key_descending_;
  std::vector<Ranked> heap_;
};

// Hits that tie are ordered by id (schema::kSlotId), never by docid: an updated database and a rebuilt one give the
// same order. A browse has no relevance, so its year order is year then id; a query sorted by year orders by year
// then relevance, and hits of one year and one weight by docid (Xapian sorts on a value, then relevance, no more).
// Through a remote shard (Xapian's remote protocol sends a sort on one value, no KeyMaker), a browse sorts on the
// shard slot that holds the same key (schema::browse_key).
void apply_sort(Xapian::Enquire& enquire, const SearchRequest& request, bool browse, bool remote) {
  const SortOrder order = request.sort.value_or(browse ? SortOrder::YearDescending : SortOrder::Relevance);
  if (order == SortOrder::Relevance) {
    enquire.set_sort_by_relevance_then_value(schema::kSlotId, false);
    return;
  }
  const bool descending = order == SortOrder::YearDescending;
  const Xapian::valueno slot = descending ? schema::kSlotYearMax : schema::kSlotYearMin;
  if (browse && remote) {
    enquire.set_sort_by_value(descending ? schema::kSlotBrowseNewest : schema::kSlotBrowseOldest, false);
  } else if (browse) {
    auto* key = new Xapian::MultiValueKeyMaker;
    key->add_value(slot, descending);
    key->add_value(schema::kSlotId);
    enquire.set_sort_by_key(key->release(), false);
  } else {
    enquire.set_sort_by_value_then_relevance(slot, descending);
  }
}

// --related: the sort key of a document, from the descriptors it shares with the given one. Each shared descriptor
// adds its inverse document frequency, log(N / df), so a rare one weighs more; a document sharing none has key 0.
// The weights of the descriptors that are not common are summed beforehand, for the documents of their short posting
// lists (`sharing`, in docid order, and `weights`, beside it); a common descriptor's (kRelatedCommonShare) is added as
// the matcher asks the key of a document: with a facet table (the search server's), when the document's value ids hold
// the descriptor's; else by moving the descriptor's posting list forward to the document (the matcher meets documents
// in ascending docid order), so that its whole posting list (a third of the library for some) is not read for the few
// documents listed. The key is the weight's IEEE 754 bits, big-endian: for weights of 0 and above, the bytes sort as
// the numbers do.
class SharedDescriptorKey : public Xapian::KeyMaker {
 public:
  struct Common {
    std::string value;  // the descriptor
    std::string term;   // its term
    double idf;
  };
  SharedDescriptorKey(Xapian::Database db, std::shared_ptr<const std::vector<Xapian::docid>> sharing,
                      std::vector<double> weights, const std::vector<Common>& common, const FacetTable* table)
      : db_(std::move(db)), sharing_(std::move(sharing)), weights_(std::move(weights)), table_(table) {
    if (table_) {
      const std::span<const std::uint32_t> descriptors = table_->ids_of_facet(schema::index_of(Facet::Descriptor));
      for (const Common& c : common) {
        const auto id = std::find_if(descriptors.begin(), descriptors.end(),
                                     [&](std::uint32_t i) { return table_->value_of(i) == c.value; });
        // A descriptor the table does not know is on none of its documents.
        if (id != descriptors.end()) common_ids_.push_back({*id, c.idf});
      }
    } else {
      for (const Common& c : common) common_.push_back({c, db_.postlist_begin(c.term)});
    }
  }
  std::string operator()(const Xapian::Document& doc) const override {
    const Xapian::docid did = doc.get_docid();
    if (did < last_) at_ = 0;
    while (at_ < sharing_->size() && (*sharing_)[at_] < did) ++at_;
    double weight = at_ < sharing_->size() && (*sharing_)[at_] == did ? weights_[at_] : 0.0;
    if (!common_ids_.empty()) {
      const std::span<const std::uint32_t> ids = table_->ids_of(did);
      for (const auto& [id, idf] : common_ids_) {
        if (std::find(ids.begin(), ids.end(), id) != ids.end()) weight += idf;
      }
    }
    for (Walk& walk : common_) {
      if (did < last_) walk.at = db_.postlist_begin(walk.common.term);  // a step back: read it again
      const Xapian::PostingIterator end = db_.postlist_end(walk.common.term);
      if (walk.at != end && *walk.at < did) walk.at.skip_to(did);
      if (walk.at != end && *walk.at == did) weight += walk.common.idf;
    }
    last_ = did;
    static_assert(sizeof(double) == sizeof(std::uint64_t) && std::numeric_limits<double>::is_iec559);
    std::uint64_t bits = 0;
    std::memcpy(&bits, &weight, sizeof bits);
    if constexpr (std::endian::native == std::endian::little) bits = __builtin_bswap64(bits);
    return std::string(reinterpret_cast<const char*>(&bits), sizeof bits);
  }

 private:
  struct Walk {
    Common common;
    Xapian::PostingIterator at;
  };
  Xapian::Database db_;
  std::shared_ptr<const std::vector<Xapian::docid>> sharing_;  // ascending
  std::vector<double> weights_;  // of each of sharing_, above 0: the descriptors that are not common
  const FacetTable* table_;      // may be null
  std::vector<std::pair<std::uint32_t, double>> common_ids_;  // with a table: each common descriptor's id and idf
  mutable std::size_t at_ = 0;                                // in sharing_
  mutable std::vector<Walk> common_;                          // without a table
  mutable Xapian::docid last_ = 0;
};

// --related: the documents that share a descriptor with the given one, as a list of docids computed beforehand (an
// OR of the descriptors' terms walks a tree of posting lists for each of its matches). No weight: their order is the
// key's.
class DocidListSource : public Xapian::PostingSource {
 public:
  explicit DocidListSource(std::shared_ptr<const std::vector<Xapian::docid>> docids) : docids_(std::move(docids)) {}
  Xapian::doccount get_termfreq_min() const override { return size(); }
  Xapian::doccount get_termfreq_est() const override { return size(); }
  Xapian::doccount get_termfreq_max() const override { return size(); }
  void init(const Xapian::Database&) override { at_ = kBefore; }
  void next(double) override { at_ = at_ == kBefore ? 0 : at_ + 1; }
  void skip_to(Xapian::docid did, double) override {
    if (at_ == kBefore) at_ = 0;
    const auto from = docids_->begin() + static_cast<std::ptrdiff_t>(std::min(at_, docids_->size()));
    at_ = static_cast<std::size_t>(std::lower_bound(from, docids_->end(), did) - docids_->begin());
  }
  bool at_end() const override { return at_ != kBefore && at_ >= docids_->size(); }
  Xapian::docid get_docid() const override { return (*docids_)[at_]; }
  PostingSource* clone() const override { return new DocidListSource(docids_); }
  std::string get_description() const override { return "DocidListSource(" + std::to_string(size()) + ")"; }

 private:
  static constexpr std::size_t kBefore = SIZE_MAX;
  Xapian::doccount size() const { return static_cast<Xapian::doccount>(docids_->size()); }
  std::shared_ptr<const std::vector<Xapian::docid>> docids_;  // ascending
  std::size_t at_ = kBefore;
};

// What the stages of one search share.
struct SearchPass {
  const Xapian::Database& db;
  const SearchRequest& request;
  const QueryPlan& plan;
  const FacetTable* table;                              // may be null
  const FacetIds* ids;                                  // may be null
  const std::array<bool, schema::kFacetCount>& listed;  // the facets counted (SearchResponse::listed)
  bool remote;  // a shard is remote: counted by SlotFacetCounter, browsed on the shard slots
  const Deadline& deadline;
  Xapian::doccount all;  // documents in the database
  bool timed;            // the matches may run long: they get Xapian's time limit
  LabelReader labels;
  SharedDescriptorKey* related_key = nullptr;  // --related: sorts the matches first
};

// --facet-search: the values of the searched facet, from the counter of the facet's own counts, whose label matches.
FacetSearchResult search_facet(SearchPass& pass, const FacetTally& counter) {
  const FacetSearch& search = *pass.request.facet_search;
  FacetSearchResult result{search.facet, search.prefix, {}, {}};
  struct Found {
    FacetCount count;
    std::string matched;
  };
  std::vector<Found> found;
  for (const ValueCount& c : counter.counts(search.facet)) {
    const std::string value(c.value);
    const std::optional<std::size_t> lang =
        matching_label(pass.labels.words_of(search.facet, value), search.words, pass.request.lang);
    if (!lang) continue;  // most values: their labels are read only when they match
    const schema::Labels& labels = pass.labels.of(search.facet, value);
    found.push_back(
        {{value, c.count, schema::pick_label(labels, pass.request.lang, std::nullopt), false}, labels[*lang]});
  }
  const auto before = [](const Found& a, const Found& b) {
    if (a.count.count != b.count.count) return a.count.count > b.count.count;
    return a.count.value < b.count.value;
  };
  const std::size_t limit =
      pass.request.facet_limit == 0 ? kMaxFacetSearchValues : std::min(pass.request.facet_limit, kMaxFacetSearchValues);
  const auto shown = found.begin() + static_cast<std::ptrdiff_t>(std::min(limit, found.size()));
  std::partial_sort(found.begin(), shown, found.end(), before);
  found.erase(shown, found.end());
  for (Found& f : found) {
    result.values.push_back(std::move(f.count));
    result.matched_labels.push_back(std::move(f.matched));
  }
  return result;
}

// The year buckets the request asks for.
YearBuckets buckets_of(const SearchRequest& request) { return YearBuckets{request.year_buckets, request.year_decades}; }

// The facet counter of one pass: a FacetCounter, or through a remote shard a SlotFacetCounter.
class PassCounter {
 public:
  PassCounter(const SearchPass& pass, std::array<bool, schema::kFacetCount> counted) {
    if (pass.remote) {
      slots_ = std::make_unique<SlotFacetCounter>(counted, buckets_of(pass.request));
    } else {
      spy_ = std::make_unique<FacetCounter>(pass.db, counted, pass.table, buckets_of(pass.request), pass.ids);
    }
  }
  void attach(Xapian::Enquire& enquire) {
    if (slots_) {
      slots_->attach(enquire);
    } else {
      enquire.add_matchspy(spy_.get());
    }
  }
  void collect() {
    if (slots_) slots_->collect();
  }
  const FacetTally& tally() const { return slots_ ? static_cast<const FacetTally&>(*slots_) : *spy_; }
  Xapian::doccount groups() const { return slots_ ? slots_->groups() : 0; }

 private:
  std::unique_ptr<FacetCounter> spy_;
  std::unique_ptr<SlotFacetCounter> slots_;
};

// One hit of the page, in the page's order.
struct PageHit {
  Xapian::Document document;
  double weight = 0;
};

std::vector<PageHit> page_hits(const Xapian::MSet& mset, Xapian::doccount from, Xapian::doccount to) {
  // A remote shard sends the documents asked for together in one exchange. Xapian 1.4's MSet::fetch() reads outside
  // the MSet's items when the MSet does not start at rank 0: later pages fetch one document at a time.
  if (mset.get_firstitem() == 0) mset.fetch();
  std::vector<PageHit> out;
  for (Xapian::doccount i = from; i < to && i < mset.size(); ++i)
    out.push_back({mset[i].get_document(), mset[i].get_weight()});
  return out;
}

// A query sorted by year orders hits by year, then relevance, then id: Xapian orders hits of one year and one weight
// by docid, and docids differ between one database and shards, so such ties are settled here.
bool year_ties_settled(const SearchRequest& request, const QueryPlan& plan) {
  return request.sort && *request.sort != SortOrder::Relevance && !plan.browse && request.related.empty() &&
         request.collapse == Collapse::None;
}

// The page [first, first + size) in year, relevance, id order, from `mset`, which holds it with `before` (0 or 1) hit
// before it and one after. A tie (one year key, one weight) across an edge of the page is fetched whole, wider each
// time, so that the page holds the same hits whatever the docids.
std::vector<PageHit> settled_page(Xapian::Enquire& enquire, const Xapian::MSet& mset, Xapian::doccount first,
                                  Xapian::doccount before, Xapian::doccount size, const SearchPass& pass) {
  const Xapian::valueno slot =
      *pass.request.sort == SortOrder::YearDescending ? schema::kSlotYearMax : schema::kSlotYearMin;
  struct Tied {
    PageHit hit;
    std::string year;
    std::string id;
  };
  const auto tied_list = [&](const Xapian::MSet& m) {
    std::vector<Tied> out;
    for (const PageHit& h : page_hits(m, 0, m.size()))
      out.push_back({h, h.document.get_value(slot), h.document.get_value(schema::kSlotId)});
    return out;
  };
  const auto ties = [](const Tied& a, const Tied& b) { return a.year == b.year && a.hit.weight == b.hit.weight; };
  std::vector<Tied> window = tied_list(mset);
  Xapian::doccount start = first - before;          // rank of window[0]
  bool at_end = window.size() < size + before + 1;  // the window holds the last match
  for (Xapian::doccount widen = 2;; widen *= 2) {
    const std::size_t page_first = first - start;
    if (page_first >= window.size()) return {};
    const std::size_t page_last = std::min<std::size_t>(page_first + size, window.size()) - 1;
    const bool open_before = start > 0 && ties(window[0], window[page_first]);
    const bool open_after = !at_end && ties(window.back(), window[page_last]);
    if (!open_before && !open_after) break;
    const Xapian::doccount from = open_before ? (start > widen * size ? start - widen * size : 0) : start;
    const auto count = static_cast<Xapian::doccount>(start - from + window.size() + (open_after ? widen * size : 0));
    pass.deadline.check();
    window = tied_list(enquire.get_mset(from, count, pass.all));
    at_end = window.size() < count;
    start = from;
  }
  // Within each run of ties, id order.
  for (std::size_t i = 0; i < window.size();) {
    std::size_t j = i + 1;
    while (j < window.size() && ties(window[i], window[j])) ++j;
    std::sort(window.begin() + static_cast<std::ptrdiff_t>(i), window.begin() + static_cast<std::ptrdiff_t>(j),
              [](const Tied& a, const Tied& b) { return a.id < b.id; });
    i = j;
  }
  std::vector<PageHit> out;
  for (std::size_t i = first - start; i < window.size() && out.size() < size; ++i) out.push_back(window[i].hit);
  return out;
}

// Fills the response's entry of `facet` from `counter` (and the year ranges with the year).
void fill_facet(SearchPass& pass, Facet facet, const FacetTally& counter, const Selection* selection,
                SearchResponse& response) {
  std::vector<FacetCount>& shown = response.facets[schema::index_of(facet)];
  shown = ordered_counts(facet, counter, pass.request.facet_limit, selection);
  label_counts(facet, shown, pass.request.lang, pass.labels);
  if (pass.request.facet_search && pass.request.facet_search->facet == facet) {
    response.facet_search = search_facet(pass, counter);
  }
  if (facet != Facet::Year) return;
  for (const BucketCount& b : counter.bucket_counts()) {
    response.year_ranges.push_back(
        {std::to_string(b.range.first) + ".." + std::to_string(b.range.last), b.range.first, b.range.last, b.count});
  }
}

// The weighting, order and collapse of the ranked match of a search (its page, or every hit of an export).
void order_matches(Xapian::Enquire& enquire, const SearchPass& pass) {
  const SearchRequest& request = pass.request;
  enquire.set_weighting_scheme(Xapian::BM25Weight(kBm25K1, 0, 1, kBm25B, 0.5));
  enquire.set_docid_order(Xapian::Enquire::ASCENDING);
  if (pass.related_key && !request.sort) {
    enquire.set_sort_by_key_then_relevance(pass.related_key, true);
  } else {
    apply_sort(enquire, request, pass.plan.browse, pass.remote);
  }
  if (request.collapse == Collapse::Translation) enquire.set_collapse_key(schema::kSlotTranslationGroup);
}

// Pass 1: the hits, the total, and the counts of every facet that is not filtered (with the year ranges when the year
// is not filtered).
std::vector<PageHit> match(SearchPass& pass, SearchResponse& response) {
  const SearchRequest& request = pass.request;
  Xapian::Enquire enquire(pass.db);
  order_matches(enquire, pass);
  std::array<bool, schema::kFacetCount> unfiltered{};
  for (const schema::FacetSpec& spec : schema::kFacets) {
    const std::size_t f = schema::index_of(spec.facet);
    unfiltered[f] = pass.listed[f] && !request.ranking_only && !request.has_filter(spec.facet);
  }
  PassCounter counter(pass, unfiltered);
  enquire.set_query(pass.plan.filtered());
  const bool collapsed = request.collapse != Collapse::None;
  GroupCounter groups;
  // Through a remote shard the facets are counted in a pass of their own, without hits: Xapian 1.4 gives a local
  // match spy again the remote hits that sort below the page when the order is not relevance alone (which every
  // order here is: ties go by id), and so counts them twice.
  if (!request.ranking_only && !pass.remote) counter.attach(enquire);
  if (!request.ranking_only && collapsed && !pass.remote) enquire.add_matchspy(&groups);
  const Page page = page_of(request, pass.all);
  const auto first = static_cast<Xapian::doccount>(page.first);
  const auto size = static_cast<Xapian::doccount>(page.size);
  pass.deadline.check();
  const bool settle = year_ties_settled(request, pass.plan);
  // Sorted by year, one hit more on each side of the page, to see whether a tie crosses its edges.
  const Xapian::doccount before = settle && first > 0 ? 1 : 0;
  const Xapian::doccount fetched = size == 0 ? 0 : size + before + (settle ? 1 : 0);
  const Xapian::MSet mset = request.ranking_only ? enquire.get_mset(first - before, fetched, Xapian::doccount{0})
                                                 : exhaustive_mset(enquire, first - before, fetched, pass.all,
                                                                   pass.timed, pass.deadline, collapsed);
  enquire.clear_matchspies();
  if (pass.remote && !request.ranking_only) {
    Xapian::Enquire count(pass.db);
    count.set_weighting_scheme(Xapian::BoolWeight());
    count.set_query(pass.plan.filtered());
    counter.attach(count);
    exhaustive_mset(count, 0, 0, pass.all, pass.timed, pass.deadline);
    count.clear_matchspies();
  }
  counter.collect();
  response.total = mset.get_matches_estimated();
  response.total_exact = mset.get_matches_lower_bound() == mset.get_matches_upper_bound();
  response.facets_exact = response.total_exact && counter.tally().documents_seen() == mset.get_matches_lower_bound();
  response.collapse = request.collapse;
  if (collapsed) {
    // Ranking only: Xapian's estimates. Otherwise every matching document was seen: the counts are exact.
    response.total_documents = mset.get_uncollapsed_matches_estimated();
    response.total_exact = !request.ranking_only;
    response.facets_exact = !request.ranking_only;
    if (!request.ranking_only) {
      response.total = pass.remote ? counter.groups() : groups.groups();
      response.total_documents = pass.remote ? counter.tally().documents_seen() : groups.documents();
    }
  }
  for (const schema::FacetSpec& spec : schema::kFacets) {
    if (unfiltered[schema::index_of(spec.facet)]) fill_facet(pass, spec.facet, counter.tally(), nullptr, response);
  }
  if (!settle) return page_hits(mset, 0, mset.size());
  return settled_page(enquire, mset, first, before, size, pass);
}

// Multi-select counts: one more pass per filtered facet, with the other facets' filters only (and the year ranges
// with the year's pass).
void count_filtered_facets(SearchPass& pass, SearchResponse& response) {
  for (const schema::FacetSpec& spec : schema::kFacets) {
    if (!pass.request.has_filter(spec.facet) || !pass.listed[schema::index_of(spec.facet)]) continue;
    std::array<bool, schema::kFacetCount> only{};
    only[schema::index_of(spec.facet)] = true;
    PassCounter own(pass, only);
    Xapian::Enquire enquire(pass.db);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    enquire.set_query(pass.plan.filtered(spec.facet));
    own.attach(enquire);
    const Xapian::MSet counted = exhaustive_mset(enquire, 0, 0, pass.all, pass.timed, pass.deadline);
    enquire.clear_matchspies();
    own.collect();
    if (counted.get_matches_lower_bound() != counted.get_matches_upper_bound() ||
        own.tally().documents_seen() != counted.get_matches_lower_bound()) {
      response.facets_exact = false;
    }
    const Selection selection = selection_of(spec.facet, pass.request);
    fill_facet(pass, spec.facet, own.tally(), &selection, response);
  }
}

// One hit of the page: stored fields, facets, labelled references and snippets (ranking only: the first two).
Hit make_hit(SearchPass& pass, const Xapian::Document& doc, double weight, std::size_t rank,
             const MatchedTerms& matched) {
  const SearchRequest& request = pass.request;
  Hit hit;
  hit.rank = rank;
  hit.docid = doc.get_docid();
  hit.stored = schema::decode_stored(doc.get_data());
  hit.weight = weight;
  hit.score = round4(hit.weight);
  hit.facets = schema::unpack_facets(doc.get_value(schema::kSlotFacets));
  if (request.ranking_only) return hit;
  hit.descriptors = pass.labels.refs(Facet::Descriptor, hit.stored.descriptors, request.lang, hit.stored.lang);
  hit.places = pass.labels.refs(Facet::Place, hit.stored.places, request.lang, hit.stored.lang);
  hit.dossiers = pass.labels.refs(Facet::Dossier, hit.stored.dossiers, request.lang, hit.stored.lang);
  hit.marked_title = mark_words(hit.stored.title, hit.stored.lang, matched);
  hit.snippet = make_snippet(hit.stored.summary, hit.stored.lang, matched);
  const bool summary_has_mark =
      std::any_of(hit.snippet.begin(), hit.snippet.end(), [](const SnippetPart& p) { return p.marked; });
  // With no word to mark (--related, a browse), the body's snippet is its opening: needed only without a summary's.
  const bool nothing_to_mark = matched.exact.empty() && matched.stems.empty() && matched.prefixes.empty();
  if (!summary_has_mark && !hit.stored.body.empty() && (!nothing_to_mark || hit.snippet.empty())) {
    Snippet from_body = make_snippet(hit.stored.body, hit.stored.lang, matched);
    const bool body_has_mark =
        std::any_of(from_body.begin(), from_body.end(), [](const SnippetPart& p) { return p.marked; });
    if (body_has_mark || hit.snippet.empty()) hit.snippet = std::move(from_body);
  }
  return hit;
}

// The ids among `ids` of the documents that match the request (its query and every filter): one boolean match.
std::set<std::string, std::less<>> matching_ids(const SearchPass& pass, const std::vector<std::string>& ids) {
  std::set<std::string, std::less<>> out;
  if (ids.empty()) return out;
  std::vector<std::string> terms;
  for (const std::string& id : ids) terms.push_back(schema::id_term(id));
  Xapian::Enquire enquire(pass.db);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, pass.plan.filtered(),
                                  Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end())));
  pass.deadline.check();
  const Xapian::MSet found = enquire.get_mset(0, static_cast<Xapian::doccount>(ids.size()));
  for (auto it = found.begin(); it != found.end(); ++it) {
    out.insert(schema::decode_stored(it.get_document().get_data()).id);
  }
  return out;
}

// --collapse translation: the version of a group to show. The first language of --lang, then --prefer-lang, that has
// a matching version; else the best-ranked version, the one Xapian's collapse kept (`best`).
std::string chosen_version(const SearchRequest& request, const schema::StoredDocument& best,
                           const std::set<std::string, std::less<>>& matching) {
  std::vector<schema::Lang> order;
  if (request.lang) order.push_back(*request.lang);
  order.insert(order.end(), request.prefer_langs.begin(), request.prefer_langs.end());
  for (schema::Lang lang : order) {
    if (best.lang == lang) return best.id;
    for (const schema::StoredTranslation& t : best.translations) {
      if (t.lang == lang && matching.count(t.id)) return t.id;
    }
  }
  return best.id;
}

// The page of hits. Collapsed, each hit is its group's chosen version, at the rank and score of the group's
// best-ranked version, and lists the group's other versions.
void assemble_hits(SearchPass& pass, const std::vector<PageHit>& page, SearchResponse& response) {
  const SearchRequest& request = pass.request;
  // Words to mark in snippets: the query's own terms (a term a hit lacks marks nothing), and the words that start
  // like one of its wildcards.
  // A --related list marks nothing: the reader typed no word, and its snippets are the summaries' openings.
  const Xapian::Query& query = pass.plan.match;
  MatchedTerms matched;
  if (request.related.empty()) {
    matched = matched_terms_of({query.get_unique_terms_begin(), query.get_unique_terms_end()});
    matched.prefixes.insert(pass.plan.wildcards.begin(), pass.plan.wildcards.end());
  }
  std::size_t rank = request.offset;
  std::vector<Hit> best;
  for (const PageHit& hit : page) {
    pass.deadline.check();
    best.push_back(make_hit(pass, hit.document, hit.weight, ++rank, matched));
  }
  if (request.collapse == Collapse::None || request.ranking_only) {
    response.hits = std::move(best);
    return;
  }
  std::vector<std::string> translations;
  for (const Hit& hit : best) {
    for (const schema::StoredTranslation& t : hit.stored.translations) translations.push_back(t.id);
  }
  const std::set<std::string, std::less<>> matching = matching_ids(pass, translations);
  for (Hit& hit : best) {
    const std::string chosen = chosen_version(request, hit.stored, matching);
    std::vector<Version> versions;
    const auto add_version = [&](schema::Lang lang, const std::string& id) {
      if (id != chosen) versions.push_back({lang, id, id == hit.stored.id || matching.count(id) > 0});
    };
    // Every version of the group, in the order fr, en, es, pt (stored translations are in that order).
    std::vector<schema::StoredTranslation> group = hit.stored.translations;
    group.push_back({hit.stored.lang, hit.stored.id});
    std::sort(group.begin(), group.end(), [](const auto& a, const auto& b) { return a.lang < b.lang; });
    for (const schema::StoredTranslation& t : group) add_version(t.lang, t.id);
    if (chosen != hit.stored.id) {
      Xapian::PostingIterator posting = pass.db.postlist_begin(schema::id_term(chosen));
      if (posting == pass.db.postlist_end(schema::id_term(chosen))) {
        throw std::invalid_argument("the translation " + chosen + " of " + hit.stored.id + " is not in the database");
      }
      hit = make_hit(pass, pass.db.get_document(*posting), hit.weight, hit.rank, matched);
    }
    hit.versions = std::move(versions);
    response.hits.push_back(std::move(hit));
  }
}

// "Did you mean": the documents the correction finds (with the request's filters), counted up to what
// worth_suggesting needs to know.
Xapian::doccount suggestion_hits(const std::string& correction, const SearchPass& pass,
                                 const std::vector<int>& known_years, Xapian::doccount query_hits) {
  pass.deadline.check();
  SearchRequest corrected = pass.request;
  corrected.query = correction;
  const QueryPlan corrected_plan = QueryBuilder(known_years, nullptr).build(corrected);
  Xapian::Enquire check(pass.db);
  check.set_query(corrected_plan.filtered());
  const Xapian::doccount needed = query_hits == 0 ? 1 : query_hits * kSuggestionFactor;
  const Xapian::doccount hits = check.get_mset(0, 0, needed).get_matches_lower_bound();
  pass.deadline.check();
  return hits;
}

// --related: a word of the text, unprefixed (no field, stem or boolean term).
bool is_text_word(const std::string& term) { return !term.empty() && !(term.front() >= 'A' && term.front() <= 'Z'); }

// --related ID: the plan's match becomes the documents that share with ID a descriptor that is not common (see
// kRelatedCommonShare) or one of its kRelatedTerms best terms (Xapian's relevance feedback: the ESet of an RSet holding
// ID alone, among its words of kRelatedMinWdf), without ID and its translations; the key that sorts them by the weight
// of every descriptor they share is returned. Throws SearchError("unknown_document", …) when no document has the id.
std::unique_ptr<SharedDescriptorKey> relate(const Xapian::Database& db, const FacetTable* table, const std::string& id,
                                            QueryPlan& plan) {
  const std::string self_term = schema::id_term(id);
  const Xapian::PostingIterator posting = db.postlist_begin(self_term);
  if (posting == db.postlist_end(self_term)) {
    throw SearchError("unknown_document", "--related: no document has the id \"" + id + "\"", kExitUsage);
  }
  const Xapian::docid self = *posting;
  const Xapian::Document doc = db.get_document(self);
  const schema::FacetValues facets = schema::unpack_facets(doc.get_value(schema::kSlotFacets));
  // The document and its translations (the same text in other languages) are left out.
  std::vector<Xapian::Query> versions = {Xapian::Query(self_term)};
  std::set<Xapian::docid> left_out = {self};
  for (const schema::StoredTranslation& t : schema::decode_stored(doc.get_data()).translations) {
    const std::string term = schema::id_term(t.id);
    versions.emplace_back(term);
    if (const Xapian::PostingIterator it = db.postlist_begin(term); it != db.postlist_end(term)) left_out.insert(*it);
  }
  const double documents = db.get_doccount();
  std::vector<std::pair<Xapian::docid, double>> postings;  // of the descriptors that are not common, in their order
  const Xapian::doccount most = std::max(db.get_doccount() / kRelatedCommonShare, kRelatedCommonFloor);
  std::vector<Xapian::Query> descriptors;  // those not common
  std::vector<SharedDescriptorKey::Common> common;
  for (const std::string& descriptor : facets[Facet::Descriptor]) {
    const std::string term = schema::facet_term(Facet::Descriptor, descriptor);
    const Xapian::doccount df = db.get_termfreq(term);
    const double idf = std::log(1.0 + documents / std::max<double>(df, 1.0));
    if (df > most) {
      common.push_back({descriptor, term, idf});
      continue;
    }
    const auto before = static_cast<std::ptrdiff_t>(postings.size());
    for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it) postings.emplace_back(*it, idf);
    // In docid order, each document's postings in the descriptors' order (a merge is stable: earlier ones first).
    std::inplace_merge(postings.begin(), postings.begin() + before, postings.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
    descriptors.emplace_back(term);
  }
  // Each document's weight, summed in the descriptors' order.
  auto sharing = std::make_shared<std::vector<Xapian::docid>>();
  std::vector<double> weights;
  for (std::size_t i = 0; i < postings.size();) {
    const Xapian::docid did = postings[i].first;
    double weight = 0.0;
    for (; i < postings.size() && postings[i].first == did; ++i) weight += postings[i].second;
    if (left_out.count(did)) continue;
    sharing->push_back(did);
    weights.push_back(weight);
  }
  // The text terms of the document that best tell it apart: unprefixed words (no field, stem or boolean term), those
  // of a within-document frequency of at least kRelatedMinWdf when there are kRelatedTerms of them. Xapian asks the
  // decider before it looks a term's frequency up, so a word left out costs no read.
  std::vector<std::string> weighted;  // in term order, as a term list gives them
  for (auto it = db.termlist_begin(self); it != db.termlist_end(self); ++it) {
    if (it.get_wdf() >= kRelatedMinWdf && is_text_word(*it)) weighted.push_back(*it);
  }
  struct TextTerms : Xapian::ExpandDecider {
    explicit TextTerms(const std::vector<std::string>* among) : among_(among) {}
    bool operator()(const std::string& term) const override {
      return is_text_word(term) && (!among_ || std::binary_search(among_->begin(), among_->end(), term));
    }
    const std::vector<std::string>* among_;  // null: every word
  };
  const TextTerms text_terms(weighted.size() >= kRelatedTerms ? &weighted : nullptr);
  Xapian::RSet rset;
  rset.add_document(self);
  Xapian::Enquire enquire(db);
  const Xapian::ESet eset = enquire.get_eset(kRelatedTerms, rset, &text_terms);
  const Xapian::Query text(Xapian::Query::OP_OR, eset.begin(), eset.end());
  // A combined database (several local shards) gives a posting source each shard's docids: there, the terms.
  const Xapian::Query shared =
      db.size() == 1 ? Xapian::Query((new DocidListSource(sharing))->release())
                     : Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                                     Xapian::Query(Xapian::Query::OP_OR, descriptors.begin(), descriptors.end()), 0.0);
  plan.match = Xapian::Query(Xapian::Query::OP_AND_NOT, Xapian::Query(Xapian::Query::OP_OR, shared, text),
                             Xapian::Query(Xapian::Query::OP_OR, versions.begin(), versions.end()));
  plan.browse = false;
  plan.relaxed = false;
  plan.correction.clear();
  plan.wildcards.clear();
  return std::make_unique<SharedDescriptorKey>(db, std::move(sharing), std::move(weights), common, table);
}

}  // namespace

Searcher::Searcher(const std::string& path, bool facet_table) : path_(path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    throw SearchError("database_missing",
                      "no database at " + path + " (build one with: citego-index --db " + path + " corpus/)",
                      kExitRuntime);
  }
  try {
    db_ = Xapian::Database(path);
  } catch (const Xapian::NetworkError& e) {
    throw SearchError("shard_unavailable", "cannot open " + path + ": a shard does not answer: " + e.get_description(),
                      kExitRuntime);
  } catch (const Xapian::DatabaseOpeningError& e) {
    throw SearchError("database_missing", "cannot open " + path + " as a database: " + e.get_msg(), kExitRuntime);
  } catch (const Xapian::Error& e) {
    throw SearchError("database_error", "cannot open " + path + ": " + e.get_description(), kExitRuntime);
  }
  std::string version;
  try {
    version = db_.get_metadata(std::string(schema::kMetaSchemaVersion));
  } catch (const Xapian::Error& e) {
    throw SearchError("database_error", "cannot read " + path + ": " + e.get_description(), kExitRuntime);
  }
  if (version.empty()) {
    throw SearchError("schema_mismatch",
                      path + " was not built by citego-index (no schema version); rebuild it with: citego-index --db " +
                          path + " INPUT...",
                      kExitRuntime);
  }
  if (version != std::to_string(schema::kSchemaVersion)) {
    throw SearchError("schema_mismatch",
                      path + " was built with schema version " + version + "; this citego-search reads version " +
                          std::to_string(schema::kSchemaVersion) + ": rebuild it with: citego-index --db " + path +
                          " INPUT...",
                      kExitRuntime);
  }
  const std::string prefix(schema::spec_of(Facet::Year).term_prefix);
  try {
    open_shard_set();
    for (auto it = db_.allterms_begin(prefix); it != db_.allterms_end(prefix); ++it) {
      known_years_.push_back(std::stoi((*it).substr(prefix.size())));
    }
    // A facet listed only when the database has values of it: whether one of its terms is there.
    for (const schema::FacetSpec& spec : schema::kFacets) {
      if (spec.always_listed) continue;
      const std::string terms(spec.term_prefix);
      listed_[schema::index_of(spec.facet)] = db_.allterms_begin(terms) != db_.allterms_end(terms);
    }
    if (facet_table) {
      // A combined database is counted without a table (FacetCounter).
      if (db_.size() == 1 && !remote_) facet_table_ = std::make_shared<const FacetTable>(db_);
      label_table_ = std::make_shared<const LabelTable>(catalogue_);
    } else if (!remote_) {
      facet_ids_ = FacetIds::load(db_);
    }
  } catch (const Xapian::NetworkError& e) {
    throw SearchError("shard_unavailable", "cannot read " + path + ": a shard does not answer: " + e.get_description(),
                      kExitRuntime);
  } catch (const Xapian::Error& e) {
    throw SearchError("database_error", "cannot read " + path + ": " + e.get_description(), kExitRuntime);
  } catch (const std::logic_error& e) {  // std::stoi on a year term, or labels, citego-index cannot have written
    throw SearchError("database_error", "cannot read " + path + ": " + e.what(), kExitRuntime);
  }
}

void Searcher::open_shard_set() {
  catalogue_ = db_;
  spelling_ = db_;
  // Database::locked() is the one call of Xapian 1.4 that a remote shard refuses (UnimplementedError).
  try {
    db_.locked();
  } catch (const Xapian::UnimplementedError&) {
    remote_ = true;
  }
  // A shard set's `spelling` database, in the folder of its stub file (shard_set.h).
  std::error_code ec;
  const std::filesystem::path folder = std::filesystem::is_directory(path_, ec)
                                           ? std::filesystem::path(path_)
                                           : std::filesystem::path(path_).parent_path();
  const std::filesystem::path spelling = (folder.empty() ? std::filesystem::path(".") : folder) / "spelling";
  if (db_.size() > 1 || remote_) {
    if (std::filesystem::is_directory(spelling, ec)) {
      Xapian::Database companion(spelling.string());
      if (companion.get_metadata(std::string(schema::kMetaShardSet)) == "1") {
        catalogue_ = companion;
        spelling_ = companion;
        spelling_.add_database(db_);  // the companion's spelling table, the shards' terms
      }
    }
  }
  if (remote_ && db_.get_metadata(std::string(schema::kMetaShardSet)) != "1") {
    throw SearchError("database_error",
                      path_ +
                          " has a remote shard that is no shard of a set: a remote search counts on the shard "
                          "slots, which citego-index --shards writes (README, \"Running shards\")",
                      kExitRuntime);
  }
}

QueryPlan Searcher::plan_of(const SearchRequest& request) const {
  if (remote_ && !request.related.empty()) {
    throw SearchError("remote_unsupported",
                      "--related is not available over remote shards (its order is computed by docid)", kExitUsage);
  }
  // Over local shards the order's key would be looked up by the docid Xapian hands it, which is not the combined
  // database's: refused rather than wrong.
  if (db_.size() > 1 && !request.related.empty()) {
    throw SearchError("shards_unsupported",
                      "--related is not available over a set of shards (its order is computed by docid)", kExitUsage);
  }
  QueryPlan plan = QueryBuilder(known_years_, &spelling_).build(request);  // validates the request
  if (request.expand && !plan.browse) {
    try {
      plan.match = expanded(db_, plan.match, plan.filtered(), Xapian::BM25Weight(kBm25K1, 0, 1, kBm25B, 0.5));
    } catch (const Xapian::Error& e) {
      throw SearchError("database_error", "reading " + path_ + " failed: " + e.get_description(), kExitRuntime);
    }
  }
  return plan;
}

// Runs `work`, which reads the database, and gives what it throws as a SearchError.
template <typename Work>
void Searcher::reading(Work&& work) const {
  try {
    work();
  } catch (const Xapian::NetworkError& e) {
    shard_lost_ = true;
    throw SearchError("shard_unavailable",
                      "reading " + path_ + " failed: a shard does not answer: " + e.get_description(), kExitRuntime);
  } catch (const Xapian::Error& e) {
    throw SearchError("database_error", "reading " + path_ + " failed: " + e.get_description(), kExitRuntime);
  } catch (const std::invalid_argument& e) {
    throw SearchError("database_error", "reading " + path_ + " failed: " + e.what(), kExitRuntime);
  }
}

SearchResponse Searcher::search(const SearchRequest& request) const {
  const auto started = std::chrono::steady_clock::now();
  const Deadline deadline(request.deadline_seconds);
  QueryPlan plan = plan_of(request);
  deadline.check();

  SearchResponse response;
  response.query = request.query;
  response.lang = request.lang;
  response.offset = request.offset;
  response.limit = request.limit;
  response.relaxed = plan.relaxed;
  response.warnings = request.warnings;
  response.related = request.related;
  response.listed = listed_;
  reading([&] {
    std::unique_ptr<SharedDescriptorKey> related_key;
    if (!request.related.empty()) related_key = relate(db_, facet_table_.get(), request.related, plan);
    const Xapian::doccount all = db_.get_doccount();
    SearchPass pass{db_,
                    request,
                    plan,
                    facet_table_.get(),
                    facet_ids_.get(),
                    listed_,
                    remote_,
                    deadline,
                    all,
                    may_run_long(plan.filtered(), !plan.wildcards.empty(), all),
                    LabelReader(catalogue_, label_table_.get()),
                    related_key.get()};
    const std::vector<PageHit> page = match(pass, response);
    if (!request.ranking_only) count_filtered_facets(pass, response);
    assemble_hits(pass, page, response);
    if (!plan.correction.empty() && !request.ranking_only &&
        worth_suggesting(response.total, suggestion_hits(plan.correction, pass, known_years_, response.total))) {
      response.suggestion = plan.correction;
    }
  });
  if (request.with_timing) {
    response.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  }
  return response;
}

std::size_t Searcher::export_all(const SearchRequest& request, const std::function<void(const SearchResponse&)>& write,
                                 std::size_t window_size) const {
  QueryPlan plan = plan_of(request);
  std::size_t written = 0;
  reading([&] {
    std::unique_ptr<SharedDescriptorKey> related_key;
    if (!request.related.empty()) related_key = relate(db_, facet_table_.get(), request.related, plan);
    const Xapian::doccount all = db_.get_doccount();
    const bool timed = may_run_long(plan.filtered(), !plan.wildcards.empty(), all);
    const auto pass_within = [&](const Deadline& deadline, const SearchRequest& asked) {
      return SearchPass{db_,
                        asked,
                        plan,
                        facet_table_.get(),
                        facet_ids_.get(),
                        listed_,
                        remote_,
                        deadline,
                        all,
                        timed,
                        LabelReader(catalogue_, label_table_.get()),
                        related_key.get()};
    };
    const Deadline match_deadline(request.deadline_seconds);
    SearchPass pass = pass_within(match_deadline, request);
    const auto first = static_cast<Xapian::doccount>(page_of(request, all).first);
    // The hits in order, from rank 0 (so that a run of year ties across --offset is settled as a page settles it),
    // 100 to a page; each page is read and written within a deadline of its own.
    std::vector<PageHit> ready;  // in order, not yet written
    Xapian::doccount rank = 0;
    std::optional<Deadline> page_deadline(std::in_place, request.deadline_seconds);
    const auto write_ready = [&](bool last) {
      while (ready.size() >= kMaxLimit || (last && !ready.empty())) {
        const std::size_t n = std::min(ready.size(), kMaxLimit);
        SearchRequest asked = request;
        asked.offset = first + written;
        SearchPass page_pass = pass_within(*page_deadline, asked);
        SearchResponse page;
        assemble_hits(page_pass, {ready.begin(), ready.begin() + static_cast<std::ptrdiff_t>(n)}, page);
        write(page);
        written += n;
        ready.erase(ready.begin(), ready.begin() + static_cast<std::ptrdiff_t>(n));
        page_deadline.emplace(request.deadline_seconds);
      }
    };
    const auto keep = [&](PageHit hit) {
      if (rank++ >= first) ready.push_back(std::move(hit));
      write_ready(false);
    };
    const SortOrder order = request.sort.value_or(plan.browse ? SortOrder::YearDescending : SortOrder::Relevance);
    if (!related_key && request.collapse == Collapse::None && !remote_) {
      // A window of window_size hits per match, so that memory does not grow with the hits (Xapian's MSet of them
      // all would keep a rank entry of each); each match within a deadline of its own.
      std::optional<Xapian::valueno> key_slot;
      if (order == SortOrder::YearDescending) key_slot = schema::kSlotYearMax;
      if (order == SortOrder::YearAscending) key_slot = schema::kSlotYearMin;
      std::optional<ExportWindow::Ranked> after;
      for (;;) {
        const Deadline window_deadline(request.deadline_seconds);
        ExportWindow spy(window_size, after, key_slot, order == SortOrder::YearDescending);
        Xapian::Enquire enquire(db_);
        order_matches(enquire, pass);
        enquire.set_query(plan.filtered());
        enquire.add_matchspy(&spy);
        exhaustive_mset(enquire, 0, 0, all, timed, window_deadline);
        enquire.clear_matchspies();
        std::vector<ExportWindow::Ranked> window = spy.best_first();
        for (const ExportWindow::Ranked& hit : window) {
          page_deadline->check();
          if (rank >= first) {
            keep({db_.get_document(hit.did, Xapian::DOC_ASSUME_VALID), hit.weight});
          } else {
            ++rank;
          }
        }
        if (window.size() < window_size) break;
        after = std::move(window.back());
      }
      write_ready(true);
      return;
    }
    // One match ranks every hit, within the request's deadline. They are counted first, so that Xapian, which sets
    // aside a rank entry for each hit it may return, sets aside as many as there are hits, not as many as there are
    // documents.
    Xapian::Enquire count(db_);
    count.set_weighting_scheme(Xapian::BoolWeight());
    count.set_query(plan.filtered());
    const Xapian::doccount matches = exhaustive_mset(count, 0, 0, all, timed, match_deadline).get_matches_lower_bound();
    if (first >= matches) return;
    Xapian::Enquire enquire(db_);
    order_matches(enquire, pass);
    enquire.set_query(plan.filtered());
    const bool collapsed = request.collapse != Collapse::None;
    const Xapian::MSet mset = exhaustive_mset(enquire, 0, matches, all, timed, match_deadline, collapsed);
    const bool settle = year_ties_settled(request, plan);
    std::vector<std::pair<std::string, PageHit>> tied;  // a run of one year and one weight, with each hit's id
    const auto settle_ties = [&] {
      std::stable_sort(tied.begin(), tied.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      for (auto& [id, hit] : tied) keep(std::move(hit));
      tied.clear();
    };
    std::string tie_year;
    double tie_weight = 0;
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      page_deadline->check();
      // A remote shard sends the documents asked for together: 100 at a time.
      if (const Xapian::doccount i = it.get_rank(); i % kMaxLimit == 0) {
        mset.fetch(it, i + kMaxLimit < mset.size() ? mset[i + kMaxLimit] : mset.end());
      }
      PageHit hit{it.get_document(), it.get_weight()};
      if (!settle) {
        keep(std::move(hit));
        continue;
      }
      std::string year = it.get_sort_key();
      if (!tied.empty() && (year != tie_year || hit.weight != tie_weight)) settle_ties();
      tie_year = std::move(year);
      tie_weight = hit.weight;
      tied.emplace_back(hit.document.get_value(schema::kSlotId), std::move(hit));
    }
    settle_ties();
    write_ready(true);
  });
  return written;
}

}  // namespace citego
