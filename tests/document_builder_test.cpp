// citego::DocumentBuilder: the boolean terms, field terms, values and stored data of one Xapian document.
#include "citego/document_builder.h"

#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "test_support.h"

namespace {

using citego::DocumentBuilder;
using citego::ExportRecord;
using citego::schema::DocType;
using citego::schema::Facet;
using citego::schema::FacetValues;
using citego::schema::Lang;
using citego::schema::StoredDocument;
using citego::test::stored_document;

ExportRecord sample_project() {
  ExportRecord r;
  r.doc_type = DocType::Project;
  r.id = "prj-fx-democratie-participative";
  r.lang = Lang::Fr;
  r.title = "Démocratie participative";
  r.url = "https://example.org/fixtures/dossier";
  r.summary = "Un dossier comparatif.";
  r.body = "Il montre qu'il n'existe pas de modèle unique.";
  r.project_type = "dossier";
  r.start_year = 2014;
  r.end_year = 2016;
  return r;
}

FacetValues sample_project_facets() {
  FacetValues f;
  f[Facet::Year] = {"2014", "2015", "2016"};
  f[Facet::ProjectType] = {"dossier"};
  f[Facet::OrganisationKind] = {"elected-officials-network", "higher-education"};
  f[Facet::DocType] = {"project"};
  f[Facet::Lang] = {"fr"};
  return f;
}

ExportRecord sample_resource() {
  ExportRecord r;
  r.doc_type = DocType::Resource;
  r.id = "res-a";
  r.lang = Lang::Pt;
  r.title = "Orçamento participativo";
  r.authors = {"João Conceição"};
  r.keywords = {"democracia participativa", "cidades"};
  r.body = "Estudo.";
  return r;
}

FacetValues sample_resource_facets() {
  FacetValues f;
  f[Facet::DocType] = {"resource"};
  f[Facet::Lang] = {"pt"};
  return f;
}

// Terms with their wdf and positions.
std::map<std::string, std::pair<Xapian::termcount, std::vector<Xapian::termpos>>> terms_of(
    const Xapian::Document& doc) {
  std::map<std::string, std::pair<Xapian::termcount, std::vector<Xapian::termpos>>> terms;
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
    auto& entry = terms[*it];
    entry.first = it.get_wdf();
    for (auto pos = it.positionlist_begin(); pos != it.positionlist_end(); ++pos) entry.second.push_back(*pos);
  }
  return terms;
}

// Terms that start with one of `prefixes`, with their wdf.
std::map<std::string, Xapian::termcount> terms_starting_with(const Xapian::Document& doc,
                                                             std::initializer_list<std::string_view> prefixes) {
  std::map<std::string, Xapian::termcount> selected;
  for (const auto& [term, info] : terms_of(doc)) {
    for (std::string_view prefix : prefixes) {
      if (std::string_view(term).starts_with(prefix)) selected.emplace(term, info.first);
    }
  }
  return selected;
}

TEST(DocumentBuilder, AddsTheIdTermAndOneBooleanTermPerFacetValue) {
  DocumentBuilder builder;
  const Xapian::Document doc = builder.build(sample_project(), sample_project_facets());
  // Boolean terms carry no wdf. Unprefixed terms are lower case, so 'Q' and 'X' select exactly these.
  const std::map<std::string, Xapian::termcount> expected = {
      {"Qprj-fx-democratie-participative", 0},
      {"XY2014", 0},
      {"XY2015", 0},
      {"XY2016", 0},
      {"XTdossier", 0},
      {"XKelected-officials-network", 0},
      {"XKhigher-education", 0},
      {"XDproject", 0},
      {"XLfr", 0},
  };
  EXPECT_EQ(terms_starting_with(doc, {"Q", "X"}), expected);
}

TEST(DocumentBuilder, StoresPackedFacetsAndTheYearRange) {
  DocumentBuilder builder;
  const Xapian::Document doc = builder.build(sample_project(), sample_project_facets());
  EXPECT_EQ(doc.values_count(), 4u);
  EXPECT_EQ(doc.get_value(citego::schema::kSlotId), sample_project().id);  // ties are broken by id
  EXPECT_EQ(doc.get_value(citego::schema::kSlotFacets),
            "Y2014\nY2015\nY2016\nTdossier\nKelected-officials-network\nKhigher-education\nDproject\nLfr\n");
  EXPECT_EQ(Xapian::sortable_unserialise(doc.get_value(citego::schema::kSlotYearMin)), 2014.0);
  EXPECT_EQ(Xapian::sortable_unserialise(doc.get_value(citego::schema::kSlotYearMax)), 2016.0);
}

TEST(DocumentBuilder, GivesADocumentWithoutYearTheNoYearKey) {
  DocumentBuilder builder;
  const Xapian::Document doc = builder.build(sample_resource(), sample_resource_facets());
  EXPECT_EQ(doc.values_count(), 3u);
  EXPECT_EQ(doc.get_value(citego::schema::kSlotFacets), "Dresource\nLpt\n");
  EXPECT_EQ(doc.get_value(citego::schema::kSlotYearMin), citego::schema::no_year_low_key());
  EXPECT_EQ(Xapian::sortable_unserialise(doc.get_value(citego::schema::kSlotYearMin)), 3000.0);
  EXPECT_EQ(doc.get_value(citego::schema::kSlotYearMax), "");
  // It sorts after every year in ascending order.
  EXPECT_GT(doc.get_value(citego::schema::kSlotYearMin), Xapian::sortable_serialise(citego::schema::kMaxYear));
}

TEST(DocumentBuilder, StoresWhatAHitShows) {
  DocumentBuilder builder;
  const Xapian::Document doc = builder.build(sample_project(), sample_project_facets());
  const StoredDocument expected =
      stored_document("prj-fx-democratie-participative", DocType::Project, Lang::Fr, "Démocratie participative",
                      "https://example.org/fixtures/dossier", "Un dossier comparatif.",
                      "Il montre qu'il n'existe pas de modèle unique.");
  EXPECT_EQ(citego::schema::decode_stored(doc.get_data()), expected);

  ExportRecord org;
  org.doc_type = DocType::Organisation;
  org.id = "org-a";
  org.lang = Lang::Es;
  org.title = "Universidad Ejemplo";
  org.acronym = "UE";
  org.summary = "Descripción.";
  org.kind = "higher-education";
  EXPECT_EQ(citego::schema::decode_stored(builder.build(org, FacetValues{}).get_data()),
            (stored_document("org-a", DocType::Organisation, Lang::Es, "Universidad Ejemplo", "", "Descripción.", "")));
}

TEST(DocumentBuilder, IndexesEachFieldUnderItsPrefixInTheRecordsLanguage) {
  DocumentBuilder builder;
  const Xapian::Document doc = builder.build(sample_resource(), sample_resource_facets());
  // Title, author and keywords: exact and stemmed (Portuguese) terms under the field prefixes, weight 1 each.
  const std::map<std::string, Xapian::termcount> expected = {
      {"Sorcamento", 1}, {"Sparticipativo", 1}, {"ZSorcament", 1}, {"ZSparticip", 1},  {"Ajoao", 1},
      {"Aconceicao", 1}, {"ZAjoa", 1},          {"ZAconceica", 1}, {"Kdemocracia", 1}, {"Kparticipativa", 1},
      {"Kcidades", 1},   {"ZKdemocrac", 1},     {"ZKparticip", 1}, {"ZKcidad", 1},
  };
  EXPECT_EQ(terms_starting_with(doc, {"S", "A", "K", "ZS", "ZA", "ZK"}), expected);
  // Unprefixed terms: field weights (title 4, author 2, keyword 3, body 1) and positions a field gap apart.
  const auto terms = terms_of(doc);
  using Entry = std::pair<Xapian::termcount, std::vector<Xapian::termpos>>;
  EXPECT_EQ(terms.at("orcamento"), (Entry{4, {101}}));
  EXPECT_EQ(terms.at("participativo"), (Entry{4, {102}}));
  EXPECT_EQ(terms.at("joao"), (Entry{2, {203}}));
  EXPECT_EQ(terms.at("democracia"), (Entry{3, {305}}));
  EXPECT_EQ(terms.at("cidades"), (Entry{3, {407}}));
  EXPECT_EQ(terms.at("estudo"), (Entry{1, {508}}));
  EXPECT_EQ(terms.at("Zparticip"), (Entry{4 + 3, {}}));
}

TEST(DocumentBuilder, KeepsNothingOfThePreviousDocument) {
  DocumentBuilder reused;
  reused.build(sample_project(), sample_project_facets());
  const Xapian::Document second = reused.build(sample_resource(), sample_resource_facets());
  DocumentBuilder fresh;
  const Xapian::Document alone = fresh.build(sample_resource(), sample_resource_facets());
  EXPECT_EQ(terms_of(second), terms_of(alone));
  EXPECT_EQ(second.get_data(), alone.get_data());
}

}  // namespace

namespace {

TEST(DocumentBuilder, StoresAFichesVersion2FieldsAndIndexesItsLabelWords) {
  ExportRecord r;
  r.doc_type = DocType::Fiche;
  r.id = "fic-a";
  r.lang = Lang::Fr;
  r.title = "Le budget de Porto Alegre";
  r.fiche_type = "case";
  r.date = citego::Date{2017, 3, 0};
  r.source = "Revue Exemple";
  r.author_refs = {{"per-ana", "", {}}, {"", "Collectif des habitants", {}}};
  r.authors = {"Collectif des habitants"};
  r.descriptors = {{"dsc-budget", "", {}}};
  r.places = {{"plc-poa", "", {}}};
  r.dossiers = {{"dos-sse", "", {}}};
  citego::DerivedFields derived;
  derived.facets[Facet::DocType] = {"fiche"};
  derived.facets[Facet::Lang] = {"fr"};
  derived.translations = {{Lang::Pt, "fic-b"}};
  derived.authors = {{"per-ana", "Ana Souza"}};
  derived.label_texts = {{Lang::Pt, "Orçamento participativo"}, {Lang::Fr, "Porto Alegre"}};

  DocumentBuilder builder;
  const Xapian::Document doc = builder.build(r, derived);
  StoredDocument expected = stored_document("fic-a", DocType::Fiche, Lang::Fr, "Le budget de Porto Alegre", "", "", "");
  expected.fiche_type = "case";
  expected.date = "2017-03";
  expected.source = "Revue Exemple";
  expected.authors = {{"per-ana", "Ana Souza"}, {"", "Collectif des habitants"}};
  expected.descriptors = {"dsc-budget"};
  expected.places = {"plc-poa"};
  expected.dossiers = {"dos-sse"};
  expected.translations = {{Lang::Pt, "fic-b"}};
  EXPECT_EQ(citego::schema::decode_stored(doc.get_data()), expected);

  // Label words: folded, lower case, wdf 1, no positions; stems in the label's language under "ZB".
  const std::map<std::string, Xapian::termcount> labels = terms_starting_with(doc, {"B"});
  EXPECT_EQ(labels, (std::map<std::string, Xapian::termcount>{
                        {"Balegre", 1}, {"Borcamento", 1}, {"Bparticipativo", 1}, {"Bporto", 1}}));
  for (const auto& [term, info] : terms_of(doc)) {
    if (term.starts_with("B") || term.starts_with("ZB")) {
      EXPECT_TRUE(info.second.empty()) << term;
    }
  }
  EXPECT_FALSE(terms_starting_with(doc, {"ZB"}).empty());
  // The person's name is in the author field, beside the free-text author.
  EXPECT_EQ(terms_starting_with(doc, {"Aana", "Asouza", "Acollectif"}),
            (std::map<std::string, Xapian::termcount>{{"Aana", 1}, {"Acollectif", 1}, {"Asouza", 1}}));
}

}  // namespace
