// citego::schema: names, terms, packed facets, stored data and the term prefixes.
#include "citego/schema.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_support.h"

namespace {

using citego::test::stored_document;
using namespace citego::schema;

FacetValues sample_facets() {
  FacetValues facets;
  facets[Facet::Year] = {"2014", "2015"};
  facets[Facet::ProjectType] = {"dossier"};
  facets[Facet::OrganisationKind] = {"foundation", "research-centre"};
  facets[Facet::DocType] = {"project"};
  facets[Facet::Lang] = {"fr"};
  return facets;
}

TEST(PackedFacets, HaveTheDocumentedLayoutAndRoundTrip) {
  const FacetValues facets = sample_facets();
  const std::string packed = pack_facets(facets);
  EXPECT_EQ(packed, "Y2014\nY2015\nTdossier\nKfoundation\nKresearch-centre\nDproject\nLfr\n");
  EXPECT_EQ(unpack_facets(packed), facets);
}

TEST(PackedFacets, EmptyValuesPackToNothing) {
  EXPECT_EQ(pack_facets(FacetValues{}), "");
  EXPECT_EQ(unpack_facets(""), FacetValues{});
}

TEST(PackedFacets, CorruptInputThrows) {
  const std::vector<std::string_view> corrupt = {
      "Y2014",           // no terminating newline
      "\n",              // entry without a facet code
      "Y2014\n\nLfr\n",  // empty entry in the middle
      "Q2014\n",         // unknown facet code
      "Y2014\nLfr",      // last entry unterminated
      "y2014\n",         // codes are upper case
  };
  for (std::string_view input : corrupt) {
    SCOPED_TRACE(::testing::PrintToString(std::string(input)));
    EXPECT_THROW(unpack_facets(input), std::invalid_argument);
  }
}

TEST(StoredDocument, RoundTripsWithAccents) {
  const StoredDocument doc = stored_document("res-fx-economie-solidaire", DocType::Resource, Lang::Fr,
                                             "L'Économie sociale et solidaire au service des territoires",
                                             "https://example.org/fixtures/économie",
                                             "Une analyse de la place de l'économie sociale et solidaire.",
                                             "Cette fiche analyse… l’action publique à l'échelle des régions.");
  EXPECT_EQ(decode_stored(encode_stored(doc)), doc);

  const StoredDocument empty = stored_document("org-a", DocType::Organisation, Lang::Pt, "", "", "", "");
  EXPECT_EQ(decode_stored(encode_stored(empty)), empty);
}

TEST(StoredDocument, GarbageThrows) {
  const std::string valid = encode_stored(stored_document("prj-a", DocType::Project, Lang::Es, "T", "", "S", "B"));
  const std::vector<std::pair<std::string_view, std::string>> garbage = {
      {"empty", ""},
      {"text", "not msgpack at all"},
      {"truncated", valid.substr(0, valid.size() - 1)},
      {"not a map", "\x93\x01\x02\x03"},          // [1, 2, 3]
      {"other schema version", "\x81\xA1v\x01"},  // {"v": 1}
      {"missing fields", "\x81\xA1v\x02"},        // {"v": 2}
  };
  for (const auto& [what, data] : garbage) {
    SCOPED_TRACE(what);
    EXPECT_THROW(decode_stored(data), std::invalid_argument);
  }
}

// Labels of every length class MessagePack has for strings (fixstr, str8, str16, str32), decoded by decode_labels
// as nlohmann's own MessagePack reader decodes them.
TEST(Labels, RoundTripAsMessagePackReadsThem) {
  for (std::size_t length : {0u, 1u, 31u, 32u, 255u, 256u, 65535u, 65536u, 70000u}) {
    std::string text;
    while (text.size() < length) text += text.size() % 7 == 0 ? "\xC3\xA9" : "a";  // é and a
    text.resize(length);
    const Labels labels{"Gouvernance territoriale", "", text,
                        "Governan\xC3\xA7"
                        "a"};
    const std::string data = encode_labels(labels);
    EXPECT_EQ(decode_labels(data), labels) << length;
    const auto reference = nlohmann::json::from_msgpack(data).get<Labels>();
    EXPECT_EQ(decode_labels(data), reference) << length;
  }
}

TEST(Labels, CorruptDataThrows) {
  const std::string data = encode_labels({"a", "bb", "ccc", "dddd"});
  EXPECT_EQ(decode_labels(data), (Labels{"a", "bb", "ccc", "dddd"}));
  for (std::size_t cut = 0; cut < data.size(); ++cut) {
    EXPECT_THROW(decode_labels(data.substr(0, cut)), std::invalid_argument) << cut;
  }
  EXPECT_THROW(decode_labels(data + "x"), std::invalid_argument);                      // bytes after the array
  const std::string three = std::string(1, '\x93') + data.substr(1, data.size() - 6);  // three strings
  EXPECT_THROW(decode_labels(three), std::invalid_argument);
  EXPECT_THROW(decode_labels("\x94\x01\x02\x03\x04"), std::invalid_argument);  // numbers, not strings
}

TEST(Facets, AreFoundByNameOrShortName) {
  const std::vector<std::pair<std::string_view, Facet>> names = {
      {"year", Facet::Year},
      {"project_type", Facet::ProjectType},
      {"type", Facet::ProjectType},
      {"organisation_kind", Facet::OrganisationKind},
      {"kind", Facet::OrganisationKind},
      {"doc_type", Facet::DocType},
      {"doctype", Facet::DocType},
      {"lang", Facet::Lang},
  };
  for (const auto& [name, facet] : names) {
    SCOPED_TRACE(name);
    EXPECT_EQ(facet_from_name(name), facet);
  }
  for (std::string_view unknown : {"foo", "", "Type", "year ", "project-type"}) {
    SCOPED_TRACE(unknown);
    EXPECT_EQ(facet_from_name(unknown), std::nullopt);
  }
}

TEST(Facets, SpecsAreIndexedByFacet) {
  for (std::size_t i = 0; i < kFacets.size(); ++i) {
    EXPECT_EQ(index_of(kFacets[i].facet), i);
    EXPECT_EQ(&spec_of(kFacets[i].facet), &kFacets[i]);
  }
  for (std::size_t i = 0; i < kFields.size(); ++i) EXPECT_EQ(&spec_of(kFields[i].field), &kFields[i]);
}

TEST(Terms, AreBuiltFromThePrefixes) {
  EXPECT_EQ(id_term("org-fph"), "Qorg-fph");
  EXPECT_EQ(facet_term(Facet::Year, "2016"), "XY2016");
  EXPECT_EQ(facet_term(Facet::ProjectType, "mooc"), "XTmooc");
  EXPECT_EQ(facet_term(Facet::OrganisationKind, "public-body"), "XKpublic-body");
  EXPECT_EQ(facet_term(Facet::DocType, "resource"), "XDresource");
  EXPECT_EQ(facet_term(Facet::Lang, "pt"), "XLpt");
  EXPECT_EQ(Xapian::sortable_unserialise(no_year_low_key()), kMaxYear + 1);
}

TEST(Names, DocTypesRoundTrip) {
  const std::vector<std::pair<DocType, std::string_view>> names = {
      {DocType::Organisation, "organisation"}, {DocType::Project, "project"}, {DocType::Resource, "resource"}};
  for (const auto& [type, name] : names) {
    EXPECT_EQ(name_of(type), name);
    EXPECT_EQ(doc_type_from_name(name), type);
  }
  for (std::string_view unknown : {"organization", "Project", "", "resources"}) {
    SCOPED_TRACE(unknown);
    EXPECT_EQ(doc_type_from_name(unknown), std::nullopt);
  }
}

TEST(Names, LangsRoundTrip) {
  struct Row {
    Lang lang;
    std::string_view code;
    std::string_view stemmer;
  };
  const std::vector<Row> rows = {{Lang::Fr, "fr", "french"},
                                 {Lang::En, "en", "english"},
                                 {Lang::Es, "es", "spanish"},
                                 {Lang::Pt, "pt", "portuguese"}};
  for (const Row& row : rows) {
    EXPECT_EQ(code_of(row.lang), row.code);
    EXPECT_EQ(lang_from_code(row.code), row.lang);
    EXPECT_EQ(stemmer_name_of(row.lang), row.stemmer);
  }
  for (std::string_view unknown : {"de", "FR", "", "fra", "pt-BR"}) {
    SCOPED_TRACE(unknown);
    EXPECT_EQ(lang_from_code(unknown), std::nullopt);
  }
}

// Every term prefix the schema gives out: facet prefixes, field prefixes, the id prefix and the stem prefix.
std::vector<std::string_view> all_prefixes() {
  std::vector<std::string_view> prefixes = {kPrefixId, kPrefixStem};
  for (const FacetSpec& spec : kFacets) prefixes.push_back(spec.term_prefix);
  for (const FieldSpec& spec : kFields) {
    if (!spec.prefix.empty()) prefixes.push_back(spec.prefix);
  }
  return prefixes;
}

TEST(Prefixes, AreUpperCaseAndNoneIsAPrefixOfAnother) {
  const std::vector<std::string_view> prefixes = all_prefixes();
  EXPECT_EQ(prefixes.size(), 2 + kFacetCount + 3);
  for (std::string_view p : prefixes) {
    SCOPED_TRACE(p);
    ASSERT_FALSE(p.empty());
    // Xapian's convention: unprefixed terms are lower case, so upper-case prefixes cannot collide with them.
    for (char c : p) EXPECT_TRUE(c >= 'A' && c <= 'Z');
  }
  for (std::size_t i = 0; i < prefixes.size(); ++i) {
    for (std::size_t j = 0; j < prefixes.size(); ++j) {
      if (i == j) continue;
      EXPECT_FALSE(prefixes[j].starts_with(prefixes[i])) << prefixes[i] << " is a prefix of " << prefixes[j];
    }
  }
}

TEST(Prefixes, PackedCodesAndFacetNamesAreDistinct) {
  std::vector<char> codes;
  std::vector<std::string_view> names;  // names and short names: both select a facet
  for (const FacetSpec& spec : kFacets) {
    codes.push_back(spec.packed_code);
    names.push_back(spec.name);
    if (!spec.short_name.empty()) names.push_back(spec.short_name);
  }
  std::sort(codes.begin(), codes.end());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(std::adjacent_find(codes.begin(), codes.end()), codes.end());
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
  EXPECT_EQ(names.size(), kFacetCount + 6);  // type, kind, doctype, fiche, descr, person
}

}  // namespace
