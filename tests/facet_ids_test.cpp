// Facet value ids (schema/README.md, "Facet value ids"): the id slot's bytes, the dictionary, and the counts a
// FacetCounter reads from the id slot, against brute force over the packed strings of every matching document, for a
// database of one shard and for a database combined from two (which must be counted from the strings of the documents
// the matcher gives: it gives each shard's documents under the shard's own docids).
#include <algorithm>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <xapian.h>

#include "citego/facet_counter.h"
#include "citego/index_builder.h"
#include "citego/schema.h"
#include "citego/searcher.h"
#include "test_support.h"

namespace citego {
namespace {

using schema::Facet;
using test::corpus_dir;
using test::TempDir;

// (facet index, value) -> documents.
using Counts = std::map<std::pair<std::size_t, std::string>, Xapian::doccount>;

schema::FacetDictionary descriptors(std::vector<std::string> values) {
  schema::FacetDictionary::Lists lists;
  lists[schema::index_of(Facet::Descriptor)] = std::move(values);
  return schema::FacetDictionary(std::move(lists));
}

std::vector<std::pair<std::size_t, std::uint32_t>> ids_of(std::string_view packed) {
  std::vector<std::pair<std::size_t, std::uint32_t>> out;
  schema::for_each_facet_id(packed, [&out](std::size_t facet, std::uint32_t id) { out.emplace_back(facet, id); });
  return out;
}

TEST(FacetIds, SlotBytesAreTheReadmeExample) {
  std::vector<std::string> listed;
  for (int i = 0; i < 250; ++i) listed.push_back("dsc-" + std::to_string(1000 + i));
  listed[3] = "dsc-a";
  listed[200] = "dsc-b";
  schema::FacetValues facets;
  facets[Facet::Year] = {"2019"};
  facets[Facet::DocType] = {"fiche"};
  facets[Facet::Lang] = {"fr"};
  facets[Facet::Descriptor] = {"dsc-a", "dsc-b"};
  EXPECT_EQ(schema::pack_facets(facets), "Y2019\nDfiche\nLfr\nEdsc-a\nEdsc-b\n");
  const std::string packed = schema::pack_facet_ids(facets, descriptors(listed));
  // 16304 = 1019 * 16 + 0, 67 = 4 * 16 + 3, 4 = 0 * 16 + 4, 54 = 3 * 16 + 6, 3206 = 200 * 16 + 6: varints.
  EXPECT_EQ(packed, std::string("\xB0\x7F\x43\x04\x36\x86\x19", 7));
  EXPECT_EQ(ids_of(packed),
            (std::vector<std::pair<std::size_t, std::uint32_t>>{{0, 1019}, {3, 4}, {4, 0}, {6, 3}, {6, 200}}));
}

TEST(FacetIds, ValuesWithoutIdAreLeftOutAndUnknownOnesRefused) {
  const schema::FacetDictionary dictionary = descriptors({"dsc-a"});
  schema::FacetValues facets;
  facets[Facet::Year] = {"0999", "3000", "20x6", "2999"};  // outside 1000..2999 or not a year: no id, as not counted
  facets[Facet::OrganisationKind] = {""};
  EXPECT_EQ(ids_of(schema::pack_facet_ids(facets, dictionary)),
            (std::vector<std::pair<std::size_t, std::uint32_t>>{{0, 1999}}));
  facets[Facet::Descriptor] = {"dsc-z"};
  EXPECT_THROW(schema::pack_facet_ids(facets, dictionary), std::invalid_argument);
  facets[Facet::Descriptor] = {};
  facets[Facet::Lang] = {"de"};
  EXPECT_THROW(schema::pack_facet_ids(facets, dictionary), std::invalid_argument);
  EXPECT_THROW(descriptors({"dsc-a", "dsc-a"}), std::invalid_argument);
  EXPECT_THROW(descriptors({""}), std::invalid_argument);
  schema::FacetDictionary::Lists of_vocabulary;
  of_vocabulary[schema::index_of(Facet::Lang)] = {"fr"};
  EXPECT_THROW(schema::FacetDictionary{of_vocabulary}, std::invalid_argument);
}

TEST(FacetIds, ListsAndCorruptSlotsAreChecked) {
  EXPECT_EQ(schema::encode_facet_values({"dsc-b", "dsc-a"}), "dsc-b\ndsc-a\n");
  EXPECT_EQ(schema::decode_facet_values("dsc-b\ndsc-a\n"), (std::vector<std::string_view>{"dsc-b", "dsc-a"}));
  EXPECT_EQ(schema::decode_facet_values(""), std::vector<std::string_view>{});
  EXPECT_THROW(schema::decode_facet_values("dsc-b\ndsc-a"), std::invalid_argument);
  EXPECT_THROW(schema::decode_facet_values("dsc-b\n\n"), std::invalid_argument);
  EXPECT_EQ(schema::facet_value_ends("dsc-b\ndsc-a\n"), (std::vector<std::uint32_t>{5, 11}));
  EXPECT_EQ(schema::facet_value_ends(""), std::vector<std::uint32_t>{});
  EXPECT_THROW(schema::facet_value_ends("dsc-b\ndsc-a"), std::invalid_argument);
  EXPECT_THROW(schema::facet_value_ends("dsc-b\n\n"), std::invalid_argument);
  EXPECT_THROW(schema::facet_value_ends("\ndsc-a\n"), std::invalid_argument);
  EXPECT_THROW(ids_of("\x80"), std::invalid_argument);                      // cut short
  EXPECT_THROW(ids_of("\x0F"), std::invalid_argument);                      // facet 15
  EXPECT_THROW(ids_of("\xFF\xFF\xFF\xFF\xFF\x01"), std::invalid_argument);  // more than 32 bits
  const auto metadata = descriptors({"dsc-b", "dsc-a"}).metadata();
  EXPECT_EQ(metadata.front(), (std::pair<std::string, std::string>{"citego.facet_ids", "1"}));
  EXPECT_NE(std::find(metadata.begin(), metadata.end(),
                      std::pair<std::string, std::string>{"citego.facet_values.descriptor", "dsc-b\ndsc-a\n"}),
            metadata.end());
}

// The ends of a list's values, for lists of values of every length from 1 to 20 bytes (so that a '\n' falls at every
// place of an 8-byte word), against a byte-by-byte scan; and each list with one byte changed, which is refused exactly
// when the scan finds an empty value or no final '\n'.
TEST(FacetIds, ValueEndsAreWhereAByteScanFindsThem) {
  std::mt19937 random(7);
  for (int round = 0; round < 300; ++round) {
    std::string data;
    const int values = static_cast<int>(random() % 40);
    for (int v = 0; v < values; ++v) {
      const std::size_t length = 1 + random() % 20;
      for (std::size_t i = 0; i < length; ++i) data += static_cast<char>(i % 5 == 4 ? '\x0B' : 'a' + random() % 26);
      data += '\n';
    }
    for (std::size_t change = 0; change <= data.size(); ++change) {
      std::string changed = data;
      if (change < data.size()) changed[change] = changed[change] == '\n' ? 'x' : '\n';
      std::vector<std::uint32_t> scan;
      bool corrupt = !changed.empty() && changed.back() != '\n';
      for (std::uint32_t at = 0; at < changed.size(); ++at) {
        if (changed[at] != '\n') continue;
        corrupt = corrupt || at == 0 || changed[at - 1] == '\n';
        scan.push_back(at);
      }
      if (corrupt) {
        EXPECT_THROW(schema::facet_value_ends(changed), std::invalid_argument) << round << " " << change;
      } else {
        EXPECT_EQ(schema::facet_value_ends(changed), scan) << round << " " << change;
      }
    }
  }
}

// The counts of every facet over the documents matching `query`, by brute force: each match's packed strings.
Counts brute_force(const Xapian::Database& db, const Xapian::Query& query) {
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  const Xapian::MSet mset = enquire.get_mset(0, db.get_doccount() + 1);
  Counts counts;
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    const schema::FacetValues facets = schema::unpack_facets(it.get_document().get_value(schema::kSlotFacets));
    for (std::size_t f = 0; f < schema::kFacetCount; ++f) {
      for (const std::string& value : facets.values[f]) {
        const bool year = schema::kFacets[f].rule == schema::ValueRule::Year;
        if (value.empty() || (year && (value.size() != 4 || value < "1000" || value > "2999"))) continue;
        ++counts[{f, value}];
      }
    }
  }
  return counts;
}

Counts counted(const Xapian::Database& db, const Xapian::Query& query, const FacetIds* ids) {
  std::array<bool, schema::kFacetCount> all{};
  all.fill(true);
  FacetCounter counter(db, all, nullptr, {}, ids);
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  enquire.add_matchspy(&counter);
  enquire.get_mset(0, 0, db.get_doccount());
  Counts counts;
  for (const schema::FacetSpec& spec : schema::kFacets) {
    for (const ValueCount& c : counter.counts(spec.facet)) {
      EXPECT_TRUE(counts.emplace(std::pair{schema::index_of(spec.facet), std::string(c.value)}, c.count).second);
    }
  }
  return counts;
}

std::vector<Xapian::Query> queries() {
  return {Xapian::Query::MatchAll,
          Xapian::Query("XLfr"),
          Xapian::Query("XDfiche"),
          Xapian::Query(Xapian::Query::OP_OR, Xapian::Query("XLen"), Xapian::Query("XDorganisation")),
          Xapian::Query("Zgouvern"),
          Xapian::Query("nothing-has-this-word")};
}

class FacetIdsOnDatabases : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    IndexRequest library;
    library.db_path = *dir_ / "library";
    library.inputs = {corpus_dir() + "/citego-partners.xml", corpus_dir() + "/library"};
    library.jobs = 2;
    library.chunk_size = 3;
    build_index(library);
    IndexRequest atlas;
    atlas.db_path = *dir_ / "atlas";
    atlas.inputs = {corpus_dir() + "/fixtures/version2"};
    build_index(atlas);
  }
  static void TearDownTestSuite() { delete dir_; }
  static TempDir* dir_;
};

TempDir* FacetIdsOnDatabases::dir_ = nullptr;

TEST_F(FacetIdsOnDatabases, OneDatabaseCountsItsIdsAsBruteForceCountsStrings) {
  for (const std::string name : {"library", "atlas"}) {
    const Xapian::Database db(*dir_ / name);
    const std::shared_ptr<const FacetIds> ids = FacetIds::load(db);
    ASSERT_NE(ids, nullptr) << name;
    EXPECT_EQ(ids->size(schema::index_of(Facet::Year)), 2000u);
    EXPECT_EQ(ids->value(schema::index_of(Facet::Lang), 2), "es");
    for (const Xapian::Query& query : queries()) {
      const Counts expected = brute_force(db, query);
      EXPECT_EQ(counted(db, query, ids.get()), expected) << name << " " << query.get_description();
      EXPECT_EQ(counted(db, query, nullptr), expected) << name << " " << query.get_description();
    }
    // The library has fiches with descriptors and places: the id facets are counted, not only the vocabularies.
    if (std::string(name) == "library") {
      const Counts all = brute_force(db, Xapian::Query::MatchAll);
      EXPECT_TRUE(std::any_of(all.begin(), all.end(),
                              [](const auto& c) { return c.first.first == schema::index_of(Facet::Descriptor); }));
      EXPECT_TRUE(std::any_of(all.begin(), all.end(),
                              [](const auto& c) { return c.first.first == schema::index_of(Facet::Place); }));
    }
  }
}

TEST_F(FacetIdsOnDatabases, CombinedDatabasesAreCountedFromTheStrings) {
  const Xapian::Database library(*dir_ / "library");
  const Xapian::Database atlas(*dir_ / "atlas");
  // The two databases number their partners differently, so the ids of one do not name the other's values.
  const std::string key = schema::facet_values_key(Facet::Partner);
  ASSERT_NE(library.get_metadata(key), atlas.get_metadata(key));
  Xapian::Database combined(*dir_ / "library");
  combined.add_database(atlas);
  EXPECT_EQ(FacetIds::load(combined), nullptr);
  const std::string stub = *dir_ / "combined.stub";
  std::ofstream(stub) << "auto " << (*dir_ / "library") << "\nauto " << (*dir_ / "atlas") << "\n";
  EXPECT_EQ(FacetIds::load(Xapian::Database(stub)), nullptr);
  for (const Xapian::Query& query : queries()) {
    EXPECT_EQ(counted(combined, query, nullptr), brute_force(combined, query)) << query.get_description();
  }
  // The searcher on the stub: every facet value's count is the sum of its counts in the two databases.
  SearchRequest request;
  request.facet_limit = 0;
  const auto facet_sums = [&request](const std::vector<std::string>& paths, bool facet_table = false) {
    std::map<std::pair<std::size_t, std::string>, Xapian::doccount> sums;
    for (const std::string& path : paths) {
      const SearchResponse response = Searcher(path, facet_table).search(request);
      for (std::size_t f = 0; f < schema::kFacetCount; ++f) {
        for (const FacetCount& c : response.facets[f]) sums[{f, c.value}] += c.count;
      }
    }
    return sums;
  };
  const auto parts = facet_sums({*dir_ / "library", *dir_ / "atlas"});
  EXPECT_GT(parts.size(), 50u);
  EXPECT_EQ(facet_sums({stub}), parts);
  EXPECT_EQ(facet_sums({stub}, /*facet_table=*/true), parts);  // the server's way
}

TEST_F(FacetIdsOnDatabases, AnIdTheDatabaseDoesNotListIsAnError) {
  // A copy of the atlas database whose descriptor list lost its values: its documents' ids name nothing.
  const std::string copy = *dir_ / "copy";
  {
    Xapian::WritableDatabase db(copy, Xapian::DB_CREATE_OR_OVERWRITE);
    const Xapian::Database atlas(*dir_ / "atlas");
    for (auto key = atlas.metadata_keys_begin(); key != atlas.metadata_keys_end(); ++key) {
      db.set_metadata(*key, atlas.get_metadata(*key));
    }
    for (Xapian::docid did = 1; did <= atlas.get_lastdocid(); ++did) db.replace_document(did, atlas.get_document(did));
    db.set_metadata(schema::facet_values_key(Facet::Descriptor), "");
    db.commit();
  }
  const Xapian::Database db(copy);
  const std::shared_ptr<const FacetIds> ids = FacetIds::load(db);
  ASSERT_NE(ids, nullptr);
  const Counts all = brute_force(db, Xapian::Query::MatchAll);
  ASSERT_TRUE(std::any_of(all.begin(), all.end(),
                          [](const auto& c) { return c.first.first == schema::index_of(Facet::Descriptor); }));
  EXPECT_THROW(counted(db, Xapian::Query::MatchAll, ids.get()), std::invalid_argument);
}

}  // namespace
}  // namespace citego
