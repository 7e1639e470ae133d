// Facet counting spy (see citego/facet_counter.h).
#include "citego/facet_counter.h"

#include <algorithm>
#include <bit>
#include <climits>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string_view>
#include <type_traits>

namespace citego {

namespace {

// packed_code -> facet index, or -1.
constexpr std::array<int, 128> make_code_table() {
  std::array<int, 128> table{};
  for (int& entry : table) entry = -1;
  for (std::size_t i = 0; i < schema::kFacets.size(); ++i) {
    table[static_cast<unsigned char>(schema::kFacets[i].packed_code)] = static_cast<int>(i);
  }
  return table;
}

constexpr std::array<int, 128> kCodeTable = make_code_table();
constexpr int kYearIndex = static_cast<int>(schema::Facet::Year);
constexpr std::size_t kYearSlot = static_cast<std::size_t>(schema::Facet::Year);

// Calls year(number) for each four-character year and value(facet index, text) for every other value of a packed
// slot. A year outside kMinYear..kMaxYear is passed on too; callers drop it.
template <typename Year, typename Value>
void for_each_value(std::string_view packed, Year&& year, Value&& value) {
  while (!packed.empty()) {
    const std::size_t end = packed.find('\n');
    if (end == std::string_view::npos) break;
    const auto code = static_cast<unsigned char>(packed[0]);
    const int facet = code < 128 ? kCodeTable[code] : -1;
    if (facet == kYearIndex && end == 5) {
      int number = 0;
      for (char c : packed.substr(1, 4)) number = number * 10 + (c - '0');
      year(number);
    } else if (facet >= 0 && end > 1) {
      value(facet, packed.substr(1, end - 1));
    }
    packed.remove_prefix(end + 1);
  }
}

bool known_year(int year) { return year >= schema::kMinYear && year <= schema::kMaxYear; }

constexpr std::size_t kDecadeCount = (schema::kMaxYear - schema::kMinYear + 1) / 10;

// The decade buckets, from the decade of the oldest year seen to that of the newest (the first and last decades that
// counted), those between included.
void append_decades(const std::array<Xapian::doccount, kDecadeCount>& counts, std::vector<BucketCount>& out) {
  std::size_t first = 0;
  std::size_t last = counts.size();
  while (first < last && counts[first] == 0) ++first;
  while (last > first && counts[last - 1] == 0) --last;
  for (std::size_t d = first; d < last; ++d) {
    const int decade = schema::kMinYear + static_cast<int>(d) * 10;
    out.push_back({{decade, decade + 9}, counts[d]});
  }
}

// A hash of a short string, eight bytes at a time, with MurmurHash3's 64-bit finaliser so that every byte reaches the
// low bits the table uses: a few instructions for an id such as "dsc-housing", where std::hash's byte loop costs
// about 80. Its quality only needs to spread the distinct values of one facet over a table.
std::uint64_t value_hash(std::string_view text) {
  // Fixed-size loads only (a memcpy of a variable length is a call): whole words, then the last eight bytes again, or
  // two overlapping four-byte loads, or three bytes.
  const auto load = [&text]<std::size_t N>(std::size_t at) {
    std::conditional_t<N == 8, std::uint64_t, std::uint32_t> word;
    std::memcpy(&word, text.data() + at, N);
    return static_cast<std::uint64_t>(word);
  };
  const std::size_t n = text.size();
  std::uint64_t h = n;
  std::uint64_t tail = 0;
  if (n >= 8) {
    for (std::size_t at = 0; at + 8 <= n; at += 8)
      h = std::rotl((h ^ load.operator()<8>(at)) * 0x9E3779B97F4A7C15ull, 31);
    if (n % 8 != 0) tail = load.operator()<8>(n - 8);
  } else if (n >= 4) {
    tail = load.operator()<4>(0) | load.operator()<4>(n - 4) << 32;
  } else if (n > 0) {
    tail = static_cast<unsigned char>(text[0]) | static_cast<unsigned char>(text[n / 2]) << 8 |
           static_cast<std::uint64_t>(static_cast<unsigned char>(text[n - 1])) << 16;
  }
  h ^= tail;
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDull;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53ull;
  return h ^ (h >> 33);
}

}  // namespace

std::uint32_t FacetValueIndex::hashed_index_of(std::string_view value) {
  const std::uint64_t hash = value_hash(value);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t at = hash & mask;; at = (at + 1) & mask) {
    const Slot& slot = slots_[at];
    if (slot.index == kEmpty) return add(value);
    if (slot.hash == hash && values_[slot.index] == value) return slot.index;
  }
}

std::uint32_t FacetValueIndex::add(std::string_view value) {
  values_.emplace_back(value);
  const auto index = static_cast<std::uint32_t>(values_.size() - 1);
  if (values_.size() > kScanned && values_.size() * 2 > slots_.size()) {
    grow();  // places every value, the new one included
  } else if (!slots_.empty()) {
    const std::uint64_t hash = value_hash(value);
    const std::size_t mask = slots_.size() - 1;
    std::size_t at = hash & mask;
    while (slots_[at].index != kEmpty) at = (at + 1) & mask;
    slots_[at] = {hash, index};
  }
  return index;
}

void FacetValueIndex::grow() {
  std::vector<Slot> slots(std::max<std::size_t>(4 * kScanned, slots_.size() * 2));
  const std::size_t mask = slots.size() - 1;
  for (std::uint32_t i = 0; i < values_.size(); ++i) {
    const std::uint64_t hash = value_hash(values_[i]);
    std::size_t at = hash & mask;
    while (slots[at].index != kEmpty) at = (at + 1) & mask;
    slots[at] = {hash, i};
  }
  slots_.swap(slots);
}

std::shared_ptr<const FacetIds> FacetIds::load(const Xapian::Database& db) {
  if (db.size() != 1 || db.get_metadata(std::string(schema::kMetaFacetIds)) != "1") return nullptr;
  auto ids = std::make_shared<FacetIds>();
  for (std::size_t f = 0; f < schema::kFacetCount; ++f) {
    ids->sizes_[f] = schema::fixed_value_count(f);
    if (schema::kFacets[f].rule != schema::ValueRule::Id) continue;
    ids->data_[f] = db.get_metadata(schema::facet_values_key(schema::kFacets[f].facet));
    ids->ends_[f] = schema::facet_value_ends(ids->data_[f]);
    ids->sizes_[f] = ids->ends_[f].size();
  }
  return ids;
}

FacetTable::FacetTable(const Xapian::Database& db) {
  starts_.assign(static_cast<std::size_t>(db.get_lastdocid()) + 2, 0);
  // Ids by value: years by number, other values by a hash table per facet (a facet may have thousands of values).
  std::array<std::uint32_t, schema::kMaxYear - schema::kMinYear + 1> year_ids{};
  year_ids.fill(UINT32_MAX);
  // Per facet: its values' indexes, and the table id of each index.
  std::array<FacetValueIndex, schema::kFacetCount> known;
  std::array<std::vector<std::uint32_t>, schema::kFacetCount> id_of_index;
  auto add = [this](int facet, std::string text, int year) {
    facets_.push_back(static_cast<std::uint8_t>(facet));
    values_.push_back(std::move(text));
    years_.push_back(static_cast<std::uint16_t>(year));
    const auto id = static_cast<std::uint32_t>(values_.size() - 1);
    ids_by_facet_[static_cast<std::size_t>(facet)].push_back(id);
    return id;
  };
  Xapian::docid next = 1;  // documents before it have their start set
  for (auto it = db.valuestream_begin(schema::kSlotFacets); it != db.valuestream_end(schema::kSlotFacets); ++it) {
    const Xapian::docid did = it.get_docid();
    for (; next <= did; ++next) starts_[next] = static_cast<std::uint32_t>(ids_.size());
    for_each_value(
        *it,
        [&](int year) {
          if (!known_year(year)) return;
          std::uint32_t& id = year_ids[static_cast<std::size_t>(year - schema::kMinYear)];
          if (id == UINT32_MAX) id = add(kYearIndex, std::to_string(year), year);
          ids_.push_back(id);
        },
        [&](int facet, std::string_view text) {
          const auto f = static_cast<std::size_t>(facet);
          const std::uint32_t index = known[f].index_of(text);
          if (index == id_of_index[f].size()) id_of_index[f].push_back(add(facet, std::string(text), 0));
          ids_.push_back(id_of_index[f][index]);
        });
  }
  for (; next < starts_.size(); ++next) starts_[next] = static_cast<std::uint32_t>(ids_.size());
}

std::span<const std::uint32_t> FacetTable::ids_of(Xapian::docid did) const {
  if (did == 0 || did + 1 >= starts_.size()) return {};
  return std::span<const std::uint32_t>(ids_).subspan(starts_[did], starts_[did + 1] - starts_[did]);
}

std::string FacetCounter::slot_of(Xapian::docid did) {
  // The matcher meets documents in ascending docid order, so one value stream read forward serves them all (looking
  // each document's value up from the top of the table costs several times more); a step back starts a new stream.
  if (!streaming_ || did < last_docid_) {
    values_ = db_.valuestream_begin(slot_);
    streaming_ = true;
  }
  last_docid_ = did;
  const Xapian::ValueIterator end = db_.valuestream_end(slot_);
  if (values_ != end && values_.get_docid() < did) values_.skip_to(did);
  if (values_ == end || values_.get_docid() != did) return {};
  return *values_;
}

static_assert(kMaxYearBuckets <= 64, "a year's buckets are the bits of a 64-bit mask");
static_assert(schema::kMinYear % 10 == 0 && (schema::kMaxYear + 1) % 10 == 0, "years are whole decades");

FacetCounter::FacetCounter(const Xapian::Database& db, std::array<bool, schema::kFacetCount> counted,
                           const FacetTable* table, YearBuckets buckets, const FacetIds* ids)
    : db_(db),
      combined_(db.size() > 1),
      table_(combined_ ? nullptr : table),
      ids_(combined_ || table ? nullptr : ids),
      slot_(ids_ ? schema::kSlotFacetIds : schema::kSlotFacets),
      counted_(counted),
      buckets_(std::move(buckets)) {
  if (table_) id_counts_.assign(table_->size(), 0);
  if (ids_) {
    // One array for the counted facets' ids, each facet's from id_base_[facet].
    for (std::size_t f = 0; f < schema::kFacetCount; ++f)
      id_base_[f + 1] = id_base_[f] + (counted_[f] ? ids_->size(f) : 0);
    id_counts_.assign(id_base_.back(), 0);
  }
  if (buckets_.ranges.size() > kMaxYearBuckets) throw std::invalid_argument("more year buckets than kMaxYearBuckets");
  counting_buckets_ = counted_[kYearSlot] && (buckets_.decades || !buckets_.ranges.empty());
  if (counted_[kYearSlot] && !buckets_.ranges.empty()) {
    year_masks_.assign(kYears, 0);
    range_counts_.assign(buckets_.ranges.size(), 0);
    for (std::size_t b = 0; b < buckets_.ranges.size(); ++b) {
      const YearRange& r = buckets_.ranges[b];
      for (int year = std::max(r.first, schema::kMinYear); year <= std::min(r.last, schema::kMaxYear); ++year) {
        year_masks_[static_cast<std::size_t>(year - schema::kMinYear)] |= std::uint64_t{1} << b;
      }
    }
  }
}

// A year of the document being counted: from the packed slot, counted by number; by id (a table or ids), by id like
// any value.
void FacetCounter::count_year(int year) {
  const auto at = static_cast<std::size_t>(year - schema::kMinYear);
  if (!table_ && !ids_) ++year_counts_[at];
  if (!counting_buckets_) return;
  if (!year_masks_.empty()) document_mask_ |= year_masks_[at];
  if (buckets_.decades && decade_counted_at_[at / 10] != seen_) {
    decade_counted_at_[at / 10] = seen_;
    ++decade_counts_[at / 10];
  }
}

// Once a document's years are all read: each range holding one of them counts it.
void FacetCounter::count_buckets() {
  for (std::uint64_t mask = document_mask_; mask != 0; mask &= mask - 1)
    ++range_counts_[static_cast<std::size_t>(std::countr_zero(mask))];
  document_mask_ = 0;
}

void FacetCounter::count_ids(std::string_view packed) {
  schema::for_each_facet_id(packed, [this](std::size_t facet, std::uint32_t id) {
    if (!counted_[facet]) return;
    const std::size_t at = id_base_[facet] + id;
    if (at >= id_base_[facet + 1])
      throw std::invalid_argument("a facet id slot holds an id the database does not list");
    ++id_counts_[at];
    if (facet == kYearSlot && counting_buckets_) count_year(schema::kMinYear + static_cast<int>(id));
  });
  if (document_mask_) count_buckets();
}

void FacetCounter::operator()(const Xapian::Document& doc, double) {
  ++seen_;
  if (ids_) {
    count_ids(slot_of(doc.get_docid()));
    return;
  }
  if (table_) {
    const std::span<const std::uint32_t> ids = table_->ids_of(doc.get_docid());
    if (!counting_buckets_) {
      for (const std::uint32_t id : ids) {
        if (counted_[table_->facet_of(id)]) ++id_counts_[id];
      }
      return;
    }
    for (const std::uint32_t id : ids) {
      const std::size_t facet = table_->facet_of(id);
      if (!counted_[facet]) continue;
      ++id_counts_[id];
      if (facet == kYearSlot) count_year(table_->year_of(id));
    }
    if (document_mask_) count_buckets();
    return;
  }
  // In a combined database the matcher hands each shard's documents with the shard's own docids: the document
  // itself is the only way to its values.
  const std::string packed = combined_ ? doc.get_value(schema::kSlotFacets) : slot_of(doc.get_docid());
  for_each_value(
      packed,
      [this](int year) {
        if (counted_[kYearSlot] && known_year(year)) count_year(year);
      },
      [this](int facet, std::string_view value) {
        const auto f = static_cast<std::size_t>(facet);
        if (!counted_[f]) return;
        const std::uint32_t index = values_seen_[f].index_of(value);
        std::vector<Xapian::doccount>& counts = value_counts_[f];
        if (index == counts.size()) counts.push_back(0);
        ++counts[index];
      });
  if (document_mask_) count_buckets();
}

std::vector<BucketCount> FacetCounter::bucket_counts() const {
  std::vector<BucketCount> out;
  for (std::size_t b = 0; b < range_counts_.size(); ++b) out.push_back({buckets_.ranges[b], range_counts_[b]});
  if (buckets_.decades) append_decades(decade_counts_, out);
  return out;
}

std::vector<ValueCount> FacetCounter::counts(schema::Facet facet) const {
  const std::size_t index = schema::index_of(facet);
  std::vector<ValueCount> out;
  if (ids_) {
    // Only the ids counted become strings.
    for (std::size_t at = id_base_[index]; at < id_base_[index + 1]; ++at) {
      if (id_counts_[at] > 0)
        out.push_back({ids_->value(index, static_cast<std::uint32_t>(at - id_base_[index])), id_counts_[at]});
    }
  } else if (facet == schema::Facet::Year && !table_) {
    for (std::size_t at = 0; at < year_counts_.size(); ++at) {
      if (year_counts_[at] > 0)
        out.push_back({schema::fixed_value(index, static_cast<std::uint32_t>(at)), year_counts_[at]});
    }
  } else if (table_) {
    for (const std::uint32_t id : table_->ids_of_facet(index)) {
      if (id_counts_[id] > 0) out.push_back({table_->value_of(id), id_counts_[id]});
    }
  } else {
    out.reserve(values_seen_[index].size());
    for (std::uint32_t i = 0; i < values_seen_[index].size(); ++i) {
      out.push_back({values_seen_[index].value(i), value_counts_[index][i]});
    }
  }
  return out;
}

SlotFacetCounter::SlotFacetCounter(std::array<bool, schema::kFacetCount> counted, YearBuckets buckets)
    : counted_(counted), buckets_(std::move(buckets)) {
  if (buckets_.ranges.size() > kMaxYearBuckets) throw std::invalid_argument("more year buckets than kMaxYearBuckets");
  for (std::size_t f = 0; f < schema::kFacetCount; ++f) {
    if (counted_[f])
      spies_[f] =
          std::make_unique<Xapian::ValueCountMatchSpy>(schema::kSlotFacetSetBase + static_cast<Xapian::valueno>(f));
  }
}

void SlotFacetCounter::attach(Xapian::Enquire& enquire) {
  enquire.add_matchspy(&groups_);
  for (std::size_t f = 0; f < schema::kFacetCount; ++f) {
    if (spies_[f]) enquire.add_matchspy(spies_[f].get());
  }
}

void SlotFacetCounter::collect() {
  Xapian::doccount grouped = 0;
  for (auto it = groups_.values_begin(); it != groups_.values_end(); ++it) {
    grouped += it.get_termfreq();
    ++groups_count_;
  }
  groups_count_ += documents_seen() - grouped;
  const bool counting_buckets = counted_[kYearSlot] && (buckets_.decades || !buckets_.ranges.empty());
  std::vector<Xapian::doccount> range_counts(buckets_.ranges.size(), 0);
  std::array<Xapian::doccount, kDecadeCount> decade_counts{};
  for (std::size_t f = 0; f < schema::kFacetCount; ++f) {
    if (!spies_[f]) continue;
    for (auto it = spies_[f]->values_begin(); it != spies_[f]->values_end(); ++it) {
      const Xapian::doccount count = it.get_termfreq();
      const std::string set = *it;
      std::uint64_t mask = 0;
      std::array<bool, decade_counts.size()> decades{};
      for (const std::string_view value : schema::decode_facet_values(set)) {
        totals_[f][std::string(value)] += count;
        if (f != kYearSlot || !counting_buckets || value.size() != 4) continue;
        int year = 0;
        for (char c : value) year = year * 10 + (c - '0');
        if (!known_year(year)) continue;
        for (std::size_t b = 0; b < buckets_.ranges.size(); ++b) {
          if (year >= buckets_.ranges[b].first && year <= buckets_.ranges[b].last) mask |= std::uint64_t{1} << b;
        }
        decades[static_cast<std::size_t>(year - schema::kMinYear) / 10] = true;
      }
      for (; mask != 0; mask &= mask - 1) range_counts[static_cast<std::size_t>(std::countr_zero(mask))] += count;
      if (buckets_.decades) {
        for (std::size_t d = 0; d < decades.size(); ++d) decade_counts[d] += decades[d] ? count : 0;
      }
    }
  }
  for (std::size_t b = 0; b < range_counts.size(); ++b) bucket_counts_.push_back({buckets_.ranges[b], range_counts[b]});
  if (counting_buckets && buckets_.decades) append_decades(decade_counts, bucket_counts_);
}

std::vector<ValueCount> SlotFacetCounter::counts(schema::Facet facet) const {
  std::vector<ValueCount> out;
  for (const auto& [value, count] : totals_[schema::index_of(facet)]) out.push_back({value, count});
  return out;
}

}  // namespace citego
