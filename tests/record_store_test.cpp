// citego::encode_fact / encode_record: what a database keeps of its records reads back as it was written.
#include "citego/record_store.h"

#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "citego/export_reader.h"
#include "citego/schema.h"

namespace {

using citego::ExportRecord;
using citego::ThesaurusEntry;

// Every field of a record set, so that a field the encoding forgets shows (locations are not kept: none here).
ExportRecord full_record() {
  ExportRecord r;
  r.doc_type = citego::schema::DocType::Fiche;
  r.id = "fic-1";
  r.lang = citego::schema::Lang::Pt;
  r.where = {};
  r.title = "Título";
  r.url = "https://example.org/1";
  r.summary = "Resumo";
  r.body = "Corpo do texto";
  r.acronym = "ACR";
  r.kind = "foundation";
  r.relation = "technical";
  r.country = "BR";
  r.project_type = "mooc";
  r.start_year = 2015;
  r.end_year = -3;  // any number survives, negative ones too
  r.participants = {{"org-1", "creator", {}}};
  r.category = "report";
  r.year = 2016;
  r.authors = {"Free Author"};
  r.keywords = {"k1", "k2"};
  r.links = {{"prj-1", "", {}}, {"org-2", "", {}}};
  r.coordinator = citego::Reference{"per-1", "", {}};
  r.partners = {{"org-3", "partner", {}}};
  r.author_refs = {{"per-2", "", {}}, {"", "Written Name", {}}};
  r.descriptors = {{"dsc-1", "", {}}};
  r.places = {{"plc-1", "", {}}};
  r.fiche_type = "case";
  r.date = citego::Date{2017, 2, 28};
  r.dossiers = {{"dos-1", "", {}}};
  r.translation_of = citego::Reference{"fic-0", "", {}};
  r.source = "Fonte";
  return r;
}

citego::schema::StoredDocument stored_of(const ExportRecord& r) {
  citego::schema::StoredDocument s;
  s.id = r.id;
  s.doc_type = r.doc_type;
  s.lang = r.lang;
  s.title = r.title;
  s.url = r.url;
  s.summary = r.summary;
  s.body = r.body;
  s.source = r.source;
  return s;
}

TEST(RecordStore, RecordReadsBackWholeWithItsStoredData) {
  const ExportRecord r = full_record();
  const std::string bytes = citego::encode_record(r);
  EXPECT_EQ(bytes.find("Corpo do texto"), std::string::npos);  // the text is the stored data's, not kept twice
  EXPECT_EQ(citego::decode_record(bytes, citego::schema::encode_stored(stored_of(r))), r);
}

TEST(RecordStore, FactIsTheSlimRecord) {
  const ExportRecord r = full_record();
  const citego::StoredFact fact = citego::decode_fact(citego::encode_fact(r));
  ASSERT_TRUE(std::holds_alternative<ExportRecord>(fact));
  const ExportRecord& slim = std::get<ExportRecord>(fact);
  EXPECT_EQ(slim, citego::slim(r));
  EXPECT_EQ(slim.title, "");  // a fiche's title is no label
  EXPECT_EQ(slim.body, "");
  ASSERT_EQ(slim.author_refs.size(), 1u);
  EXPECT_EQ(slim.author_refs[0].ref, "per-2");
  EXPECT_EQ(slim.participants[0].role, "");
  EXPECT_EQ(slim.translation_of, r.translation_of);
  EXPECT_EQ(slim.date, r.date);
}

TEST(RecordStore, EntryReadsBackWhole) {
  ThesaurusEntry e;
  e.kind = citego::ThesaurusKind::Place;
  e.id = "plc-1";
  e.where = {};
  e.labels = {"Brésil", "Brazil", "Brasil", "Brasil"};
  e.name = "n";
  e.affiliation = citego::Reference{"org-1", "", {}};
  e.family = "territory";
  e.related = {{"dsc-2", "", {}}};
  e.level = "country";
  e.code = "BR";
  e.parent = citego::Reference{"plc-0", "", {}};
  const citego::StoredFact fact = citego::decode_fact(citego::encode_fact(e));
  ASSERT_TRUE(std::holds_alternative<ThesaurusEntry>(fact));
  EXPECT_EQ(std::get<ThesaurusEntry>(fact), e);
}

TEST(RecordStore, FactDecodedIntoAnotherLeavesNothingOfIt) {
  // A fact decoded into the value of a fuller one, of the other kind and back, is the fact decoded alone.
  ExportRecord sparse;
  sparse.doc_type = citego::schema::DocType::Organisation;
  sparse.id = "org-9";
  sparse.title = "Name";
  ThesaurusEntry entry;
  entry.kind = citego::ThesaurusKind::Person;
  entry.id = "per-9";
  entry.name = "A Person";
  citego::StoredFact into;
  citego::decode_fact(citego::encode_fact(full_record()), into);
  citego::decode_fact(citego::encode_fact(sparse), into);
  ASSERT_TRUE(std::holds_alternative<ExportRecord>(into));
  EXPECT_EQ(std::get<ExportRecord>(into), citego::slim(sparse));
  citego::decode_fact(citego::encode_fact(entry), into);
  ASSERT_TRUE(std::holds_alternative<ThesaurusEntry>(into));
  EXPECT_EQ(std::get<ThesaurusEntry>(into), entry);
  citego::decode_fact(citego::encode_fact(full_record()), into);
  EXPECT_EQ(std::get<ExportRecord>(into), citego::slim(full_record()));
}

TEST(RecordStore, BadBytesAreRefused) {
  const std::string bytes = citego::encode_fact(full_record());
  EXPECT_THROW(citego::decode_fact(""), std::invalid_argument);
  EXPECT_THROW(citego::decode_fact(bytes.substr(0, bytes.size() - 1)), std::invalid_argument);
  EXPECT_THROW(citego::decode_fact(bytes + "x"), std::invalid_argument);
  EXPECT_THROW(citego::decode_fact("\x02" + bytes.substr(1)), std::invalid_argument);
  // A record's stored data must be that of the same id.
  ExportRecord other = full_record();
  other.id = "fic-2";
  EXPECT_THROW(
      citego::decode_record(citego::encode_record(full_record()), citego::schema::encode_stored(stored_of(other))),
      std::invalid_argument);
}

}  // namespace
