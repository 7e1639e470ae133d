// End-to-end tests of the citego-index binary: the real corpus, every broken fixture, and failures that must leave
// the live database exactly as it was.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <functional>
#include <regex>
#include <thread>

#include <gtest/gtest.h>
#include <xapian.h>

#include "broken_fixtures.h"
#include "citego/index_builder.h"
#include "citego/schema.h"
#include "corpus_generator.h"
#include "test_support.h"

namespace citego::test {
namespace {

namespace fs = std::filesystem;

const std::string kBroken = "corpus/fixtures/broken/";

RunResult index(const std::vector<std::string>& args, const std::string& cwd = source_dir(),
                const std::string& shell_prefix = "") {
  return run(index_binary(), args, cwd, shell_prefix);
}

// A directory holding a database built from corpus/, with its state captured so a test can check it is unchanged.
class LiveDatabaseFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_ / "live.db";
    const RunResult built = index({"--db", db_, "corpus/"});
    ASSERT_EQ(built.exit_code, 0) << built.err;
    before_ = tree_digest(dir_.path());
  }
  void ExpectUnchanged() const {
    EXPECT_EQ(tree_digest(dir_.path()), before_);
    EXPECT_EQ(fs::read_symlink(db_).string(), "live.db.generations/000001");
    EXPECT_EQ(Xapian::Database(db_).get_doccount(), 21u);
  }
  TempDir dir_;
  std::string db_;
  std::string before_;
};

TEST(IndexCli, ASubfolderGivenAsAnInputIsNotNamedAsSkipped) {
  TempDir dir;
  const RunResult r = index({"--db", dir / "citego.db", "corpus/", "corpus/library/"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(
      r.err.starts_with("citego-index: note: not read, being subfolders: corpus/fixtures corpus/generator "
                        "(give a subfolder as an INPUT to read it)\ncitego-index: 130 documents ("))
      << r.err;
}

TEST(IndexCli, IndexesTheBundledCorpus) {
  TempDir dir;
  const std::string db = dir / "citego.db";
  const RunResult r = index({"--db", db, "corpus/"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(std::regex_match(
      r.err, std::regex("citego-index: note: not read, being subfolders: corpus/fixtures corpus/generator "
                        "corpus/library \\(give a subfolder as an INPUT to read it\\)\n"
                        "citego-index: 21 documents \\(14 organisations, 5 projects, 0 resources, 2 dossiers, "
                        "0 fiches\\) from 1 file in "
                        "[0-9]+\\.[0-9]{2} s \\([0-9]+ docs/s\\); .*citego\\.db is generation 000001\n")))
      << r.err;
  EXPECT_EQ(fs::read_symlink(db).string(), "citego.db.generations/000001");
  const Xapian::Database xdb(db);
  EXPECT_EQ(xdb.get_doccount(), 21u);
  EXPECT_EQ(xdb.get_metadata(std::string(schema::kMetaSchemaVersion)), "3");
  EXPECT_EQ(xdb.get_metadata(std::string(schema::kMetaInputCount)), "1");
  EXPECT_EQ(xdb.get_metadata(std::string(schema::kMetaDocumentCount)), "21");
  EXPECT_TRUE(std::regex_match(xdb.get_metadata(std::string(schema::kMetaBuiltAt)),
                               std::regex("20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")));
  // Docids follow the order of the documents in the inputs.
  EXPECT_EQ(*xdb.postlist_begin("Qorg-fph"), 1u);
  EXPECT_EQ(*xdb.postlist_begin("Qprj-tous-urbains-informality"), 21u);
}

TEST(IndexCli, RebuildPublishesANewGenerationAndKeepsThePreviousOne) {
  TempDir dir;
  const std::string db = dir / "citego.db";
  for (int i = 0; i < 3; ++i) ASSERT_EQ(index({"--db", db, "corpus/"}).exit_code, 0);
  ASSERT_EQ(index({"--db", db, "corpus/", "corpus/fixtures/multilingual"}).exit_code, 0);
  EXPECT_EQ(fs::read_symlink(db).string(), "citego.db.generations/000004");
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir / "citego.db.generations")) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"000003", "000004", "lock"}));
  EXPECT_EQ(Xapian::Database(db).get_doccount(), 31u);
}

TEST(IndexCli, SameInputsGiveTheSameDatabaseWhateverTheThreadsAndChunks) {
  TempDir dir;
  const std::vector<std::string> inputs = {"corpus/", "corpus/fixtures/multilingual"};
  auto build = [&](const std::string& name, std::vector<std::string> options) {
    options.insert(options.begin(), {"--db", dir / name});
    options.insert(options.end(), inputs.begin(), inputs.end());
    const RunResult r = index(options);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return dump_database(dir / name);
  };
  const std::string one_thread = build("a", {"--jobs", "1", "--chunk", "1000"});
  EXPECT_NE(one_thread.find("documents 31 lastdocid 31"), std::string::npos);
  EXPECT_EQ(build("b", {"--jobs", "2", "--chunk", "3"}), one_thread);
  EXPECT_EQ(build("c", {"--jobs", "3", "--chunk", "7"}), one_thread);
  EXPECT_EQ(build("d", {}), one_thread);
}

// A merge holds every run open (two files or more a run): 31 runs of one document do not fit a soft limit of 40 open
// files, which the build raises to the hard one, and the database is the one a build of one run gives.
TEST(IndexCli, MoreRunsThanTheSoftLimitOnOpenFilesAreMerged) {
  TempDir dir;
  const std::vector<std::string> inputs = {"corpus/", "corpus/fixtures/multilingual"};
  const RunResult one_run = index({"--db", dir / "one", "--jobs", "1", "--chunk", "1000", inputs[0], inputs[1]});
  ASSERT_EQ(one_run.exit_code, 0) << one_run.err;
  const RunResult many =
      index({"--db", dir / "many", "--chunk", "1", inputs[0], inputs[1]}, source_dir(), "ulimit -S -n 40;");
  ASSERT_EQ(many.exit_code, 0) << many.err;
  EXPECT_EQ(dump_database(dir / "many"), dump_database(dir / "one"));
}

struct BrokenCase {
  std::vector<std::string> files;
  std::string expected_err;
};

class IndexCliBroken : public LiveDatabaseFixture, public ::testing::WithParamInterface<BrokenCase> {};

TEST_P(IndexCliBroken, ReportsEveryErrorAndLeavesTheDatabaseUnchanged) {
  std::vector<std::string> args = {"--db", db_};
  for (const std::string& f : GetParam().files) args.push_back(f);
  const RunResult r = index(args, source_dir() + "/" + kBroken);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(
      r.err,
      GetParam().expected_err + "citego-index: " +
          (GetParam().expected_err.find('\n') == GetParam().expected_err.size() - 1
               ? "1 error"
               : std::to_string(std::count(GetParam().expected_err.begin(), GetParam().expected_err.end(), '\n')) +
                     " errors") +
          " in the inputs; " + db_ + " is unchanged\n");
  ExpectUnchanged();
}

const std::string kKinds =
    "professional-network, training-organisation, higher-education, elected-officials-network, citizens-association, "
    "design-office, research-centre, foundation, company, media, think-tank, public-body";

const std::string kNoDoctype =
    "a DOCTYPE or another markup declaration, which an export may not have (no DTD, no entity declarations)";

INSTANTIATE_TEST_SUITE_P(
    Fixtures, IndexCliBroken,
    ::testing::Values(
        BrokenCase{{"malformed.xml"}, "malformed.xml:7:45: error: malformed XML: Start-end tags mismatch\n"},
        BrokenCase{{"bad-root.xml"}, "bad-root.xml:4:1: error: root element is <export>, expected <citego-export>\n"},
        BrokenCase{{"bad-version.xml"},
                   "bad-version.xml:4:1: error: <citego-export> has version \"3\"; this indexer reads versions 1 "
                   "and 2\n"},
        BrokenCase{{"missing-title.xml"},
                   "missing-title.xml:11:3: error: <project> \"prj-broken-missing-title\" has no <title>\n"},
        BrokenCase{{"bad-kind.xml"},
                   "bad-kind.xml:8:5: error: <organisation> \"org-broken-kind\" has an unknown kind "
                   "\"ngo\" (expected one of: " +
                       kKinds + ")\n"},
        BrokenCase{{"bad-type.xml"},
                   "bad-type.xml:8:5: error: <project> \"prj-broken-type\" has an unknown type "
                   "\"webinar\" (expected one of: dossier, mooc, showcase)\n"},
        BrokenCase{{"bad-period.xml"},
                   "bad-period.xml:9:5: error: <project> \"prj-broken-period\" has a period that "
                   "ends (2016) before it starts (2018)\n"},
        BrokenCase{{"bad-year.xml"},
                   "bad-year.xml:9:5: error: <resource> \"res-broken-year\" has a year \"20x6\", "
                   "which is not a year (four digits, 1000 to 2999)\n"},
        BrokenCase{{"bad-lang.xml"},
                   "bad-lang.xml:6:3: error: <organisation> \"org-broken-lang\" has an unsupported "
                   "language \"de\" (expected fr, en, es or pt)\n"},
        BrokenCase{{"dangling-ref.xml"},
                   "dangling-ref.xml:11:7: error: <project> \"prj-broken-dangling-ref\" refers "
                   "to unknown organisation \"org-missing\"\n"},
        BrokenCase{{"dangling-link.xml"},
                   "dangling-link.xml:11:7: error: <resource> \"res-broken-dangling-link\" "
                   "links to unknown document \"prj-missing\"\n"},
        BrokenCase{
            {"duplicate-id-a.xml", "duplicate-id-b.xml"},
            "duplicate-id-b.xml:6:3: error: duplicate id \"org-dup\" (first defined at duplicate-id-a.xml:6:3)\n"},
        BrokenCase{{"duplicate-id-same-file.xml"},
                   "duplicate-id-same-file.xml:11:3: error: duplicate id \"org-dup-same\" (first defined at "
                   "duplicate-id-same-file.xml:6:3)\n"},
        BrokenCase{{"unknown-element.xml"},
                   "unknown-element.xml:9:5: error: <organisation> "
                   "\"org-broken-unknown-element\" has an unknown element <phone>\n"},
        BrokenCase{{"missing-id.xml"}, "missing-id.xml:6:3: error: <resource> has no id attribute\n"},
        BrokenCase{{"empty-name.xml"},
                   "empty-name.xml:7:5: error: <organisation> \"org-broken-empty-name\" has an empty <name>\n"},
        BrokenCase{
            {"multiple-faults.xml"},
            "multiple-faults.xml:8:5: error: <organisation> \"org-broken-multi\" has an unknown kind \"ngo\" "
            "(expected one of: " +
                kKinds +
                ")\n"
                "multiple-faults.xml:13:5: error: <project> \"prj-broken-multi-type\" has an unknown type "
                "\"webinar\" (expected one of: dossier, mooc, showcase)\n"
                "multiple-faults.xml:25:7: error: <project> \"prj-broken-multi-ref\" refers to unknown organisation "
                "\"org-missing\"\n"},
        BrokenCase{{"second-root.xml"},
                   "second-root.xml:12:1: error: malformed XML: a second root element "
                   "<citego-export> (an export has one root element)\n"},
        BrokenCase{{"text-after-root.xml"},
                   "text-after-root.xml:12:1: error: malformed XML: text after the root "
                   "element\n"},
        BrokenCase{{"misplaced-declaration.xml"},
                   "misplaced-declaration.xml:12:1: error: malformed XML: an XML "
                   "declaration that is not at the start of the file\n"},
        BrokenCase{{"entity-expansion.xml"}, "entity-expansion.xml:4:1: error: " + kNoDoctype + "\n"},
        BrokenCase{{"external-entity.xml"}, "external-entity.xml:4:1: error: " + kNoDoctype + "\n"},
        BrokenCase{{"undeclared-entity.xml"},
                   "undeclared-entity.xml:7:19: error: malformed XML: undeclared entity &lol9; (an export may use &lt; "
                   "&gt; &amp; &quot; &apos; and character references only)\n"},
        BrokenCase{{"nul-reference.xml"},
                   "nul-reference.xml:7:18: error: malformed XML: character reference &#0; is "
                   "not a character XML allows\n"},
        BrokenCase{{"control-reference.xml"},
                   "control-reference.xml:7:19: error: malformed XML: character reference "
                   "&#x1B; is not a character XML allows\n"},
        BrokenCase{{"foreign-encoding.xml"},
                   "foreign-encoding.xml:1:1: error: declares encoding \"Shift_JIS\"; "
                   "citego-index reads UTF-8, ISO-8859-1 and Windows-1252 (convert it, e.g. "
                   "with iconv -f Shift_JIS -t UTF-8)\n"},
        BrokenCase{{"long-id.xml"},
                   "long-id.xml:6:3: error: <organisation> has an invalid id \"org-" + std::string(76, 'x') +
                       "…\" (expected lower-case letters, digits and '-', at "
                       "most 64)\n"},
        BrokenCase{{"no-such-file.xml"}, "no-such-file.xml: error: no such file or folder\n"}));

std::vector<BrokenCase> version_2_cases() {
  std::vector<BrokenCase> cases;
  for (const BrokenFixture& f : version_2_broken_fixtures()) cases.push_back(BrokenCase{{f.file}, f.diagnostic});
  for (const BrokenFixture& f : version_2_reference_fixtures()) cases.push_back(BrokenCase{{f.file}, f.diagnostic});
  return cases;
}

// The faults of version 2 (tests/broken_fixtures.h), local and between records, one fixture each.
INSTANTIATE_TEST_SUITE_P(Version2Fixtures, IndexCliBroken, ::testing::ValuesIn(version_2_cases()));

// Faults that need bytes a text editor, git or xmllint handle badly (NUL, control characters, invalid UTF-8, UTF-16,
// huge nodes): each case writes its export, with one organisation whose name is given, and indexes it.
struct GeneratedCase {
  std::string name;  // of the file
  std::string bytes;
  std::string expected_err;
};

void PrintTo(const GeneratedCase& c, std::ostream* os) { *os << c.name; }

// An export of one organisation (line 5) whose <name> (line 6, column 11) holds `name`.
std::string export_naming(std::string_view name) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- Generated broken export. -->\n"
         "<citego-export version=\"1\" xml:lang=\"en\">\n\n  <organisation id=\"org-generated\">\n    <name>" +
         std::string(name) + "</name>\n    <kind>media</kind>\n  </organisation>\n\n</citego-export>\n";
}

// `xml` with its declaration naming `encoding` instead of UTF-8.
std::string declaring(std::string xml, std::string_view encoding) {
  const std::string utf8 = "encoding=\"UTF-8\"";
  xml.replace(xml.find(utf8), utf8.size(), "encoding=\"" + std::string(encoding) + "\"");
  return xml;
}

std::string utf16le_with_bom(std::string_view ascii) {
  std::string out = "\xFF\xFE";
  for (char c : ascii) out += std::string{c, '\0'};
  return out;
}

class IndexCliGenerated : public LiveDatabaseFixture, public ::testing::WithParamInterface<GeneratedCase> {};

TEST_P(IndexCliGenerated, ReportsTheFaultAndLeavesTheDatabaseUnchanged) {
  TempDir inputs;
  write_file(inputs / GetParam().name, GetParam().bytes);
  const RunResult r = index({"--db", db_, GetParam().name}, inputs.path().string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, GetParam().name + GetParam().expected_err + "\ncitego-index: 1 error in the inputs; " + db_ +
                       " is unchanged\n");
  ExpectUnchanged();
}

const std::string kNotAllowed = ", which XML does not allow";

INSTANTIATE_TEST_SUITE_P(
    Generated, IndexCliGenerated,
    ::testing::Values(
        GeneratedCase{"utf16.xml", utf16le_with_bom(export_naming("Example")),
                      ":1:1: error: is UTF-16; citego-index reads UTF-8 only (convert it, e.g. with iconv -f UTF-16 "
                      "-t UTF-8)"},
        GeneratedCase{"raw-control.xml", export_naming("Example \x1B[2J\x1B]0;title\x07 Network"),
                      ":6:19: error: malformed XML: control character U+001B" + kNotAllowed},
        GeneratedCase{"raw-nul.xml", export_naming(std::string("Example\0Network", 15)),
                      ":6:18: error: malformed XML: control character U+0000" + kNotAllowed},
        GeneratedCase{"noncharacter.xml", export_naming("Example \xEF\xBF\xBE"),
                      ":6:19: error: malformed XML: character U+FFFE" + kNotAllowed},
        // Latin-1 and Windows-1252 are read as UTF-8 with the same lines and columns: "é" is column 14, one character.
        GeneratedCase{"latin1-control.xml", declaring(export_naming("Cit\xE9 \x1B Example"), "ISO-8859-1"),
                      ":6:16: error: malformed XML: control character U+001B" + kNotAllowed},
        GeneratedCase{"cp1252-control.xml", declaring(export_naming("\x80 Cit\xE9 \x1B"), "windows-1252"),
                      ":6:18: error: malformed XML: control character U+001B" + kNotAllowed},
        GeneratedCase{"cp1252-undefined.xml", declaring(export_naming("Cit\xE9 \x81"), "Windows-1252"),
                      ":6:16: error: byte 0x81 is no character in Windows-1252, the encoding the file declares"},
        GeneratedCase{"koi8.xml", declaring(export_naming("\xF0\xD2\xC9"), "KOI8-R"),
                      ":1:1: error: declares encoding \"KOI8-R\"; citego-index reads UTF-8, ISO-8859-1 and "
                      "Windows-1252 (convert it, e.g. with iconv -f KOI8-R -t UTF-8)"},
        GeneratedCase{"raw-c0-control.xml", export_naming("Example \x01 Network"),
                      ":6:19: error: malformed XML: control character U+0001" + kNotAllowed},
        GeneratedCase{"invalid-utf8.xml", export_naming("Cit\xE9 Example"),
                      ":6:5: error: <organisation> \"org-generated\" has invalid UTF-8 in <name>"},
        GeneratedCase{"overlong-utf8.xml", export_naming("Example \xC0\xBC Network"),
                      ":6:5: error: <organisation> \"org-generated\" has invalid UTF-8 in <name>"},
        GeneratedCase{"long-name.xml", export_naming(std::string(1001, 'n')),
                      ":6:5: error: <organisation> \"org-generated\" has a <name> longer than the limit of 1000 "
                      "characters"},
        GeneratedCase{"huge-text-node.xml", export_naming(std::string((1 << 20) + 1, 'a')),
                      ":6:11: error: a text node longer than 1048576 bytes (the limit of one text node or attribute "
                      "value; see schema/README.md)"}),
    [](const ::testing::TestParamInfo<GeneratedCase>& param_info) {
      std::string name = param_info.param.name.substr(0, param_info.param.name.find('.'));
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    });

// An export declared ISO-8859-1 or Windows-1252 gives the database its UTF-8 version gives.
TEST(IndexCli, ReadsLatin1AndWindows1252AsTheirUtf8) {
  TempDir dir;
  const auto dump_of = [&](const std::string& name, const std::string& bytes) {
    fs::create_directory(dir / name);
    write_file(dir / name + "/export.xml", bytes);
    const RunResult r = index({"--db", dir / (name + ".db"), dir / name + "/export.xml"});
    EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
    return dump_database(dir / (name + ".db"));
  };
  const std::string utf8 = dump_of("utf8", export_naming("Cit\xC3\xA9 \xC3\x89"
                                                         "cole"));
  EXPECT_NE(dump_of("ascii", export_naming("Cite Ecole")), utf8);  // the accents reach the database
  EXPECT_EQ(dump_of("latin1", declaring(export_naming("Cit\xE9 \xC9"
                                                      "cole"),
                                        "ISO-8859-1")),
            utf8);
  // Windows-1252 has € at 0x80 and œ at 0x9C, where ISO-8859-1 has control characters.
  const std::string utf8_euro = dump_of("utf8-euro", export_naming("\xE2\x82\xAC \xC5\x93uvre Cit\xC3\xA9"));
  EXPECT_EQ(dump_of("cp1252", declaring(export_naming("\x80 \x9Cuvre Cit\xE9"), "cp1252")), utf8_euro);
}

// ---------------------------------------------------------------------------------------------------------------
// Checking without building, and what a build refuses to publish.

const std::string kBundledContents =
    "21 documents \\(14 organisations, 5 projects, 0 resources, 2 dossiers, 0 fiches\\) from 1 file in "
    "[0-9]+\\.[0-9]{2} s \\([0-9]+ docs/s\\); ";

TEST(IndexCli, CheckValidatesEverythingAndWritesNothing) {
  TempDir dir;
  const RunResult valid = index({"--check", "corpus/citego-partners.xml"});
  EXPECT_EQ(valid.exit_code, 0) << valid.err;
  EXPECT_EQ(valid.out, "");
  EXPECT_TRUE(std::regex_match(
      valid.err, std::regex("citego-index: checked " + kBundledContents + "no errors; nothing written\n")))
      << valid.err;
  // A local fault and a fault between records: the diagnostics of a build, exit 1, and no database.
  for (const std::string fixture : {"bad-kind.xml", "dangling-ref.xml"}) {
    const std::string db = dir / "db";
    const RunResult built = index({"--db", db, fixture}, source_dir() + "/" + kBroken);
    const RunResult checked = index({"--check", fixture}, source_dir() + "/" + kBroken);
    EXPECT_EQ(checked.exit_code, 1);
    EXPECT_EQ(built.exit_code, 1);
    const std::string unchanged = "; " + db + " is unchanged\n";
    ASSERT_TRUE(built.err.ends_with(unchanged)) << built.err;
    EXPECT_EQ(checked.err, built.err.substr(0, built.err.size() - unchanged.size()) + "\n");
  }
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST_F(LiveDatabaseFixture, ABuildThatRemovesMoreThanHalfIsRefused) {
  TempDir inputs;
  write_file(inputs / "empty.xml",
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<citego-export version=\"2\" "
             "xml:lang=\"fr\">\n</citego-export>\n");
  const RunResult empty = index({"--db", db_, inputs / "empty.xml"});
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_EQ(empty.err,
            "citego-index: refusing to replace " + db_ +
                ": it has 21 documents and the inputs 0, so 21 "
                "would be removed (more than half); check the inputs, or give --allow-shrink to publish them; " +
                db_ + " is unchanged\n");
  ExpectUnchanged();
  // The multilingual fixtures hold 10 documents: 11 of 21 would go. --check says so too.
  const RunResult ten = index({"--db", db_, "corpus/fixtures/multilingual"});
  EXPECT_EQ(ten.exit_code, 1);
  EXPECT_EQ(ten.err,
            "citego-index: refusing to replace " + db_ +
                ": it has 21 documents and the inputs 10, so 11 "
                "would be removed (more than half); check the inputs, or give --allow-shrink to publish them; " +
                db_ + " is unchanged\n");
  const RunResult checked = index({"--check", "--db", db_, "corpus/fixtures/multilingual"});
  EXPECT_EQ(checked.exit_code, 1);
  EXPECT_EQ(checked.err, ten.err);
  ExpectUnchanged();
  // Half of them may go; more with --allow-shrink.
  const RunResult forced = index({"--db", db_, "--allow-shrink", "corpus/fixtures/multilingual"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(Xapian::Database(db_).get_doccount(), 10u);
  // From 10 documents to 4 is refused, to 5 is allowed (half of them go).
  for (const std::size_t count : {4, 5}) {
    std::string organisations;
    for (std::size_t i = 0; i < count; ++i) {
      organisations += "<organisation id=\"org-" + std::to_string(i) +
                       "\"><name>Org</name><kind>media</kind>"
                       "</organisation>\n";
    }
    write_file(inputs / "few.xml", "<?xml version=\"1.0\"?>\n<citego-export version=\"1\" xml:lang=\"fr\">\n" +
                                       organisations + "</citego-export>\n");
    const RunResult few = index({"--db", db_, inputs / "few.xml"});
    EXPECT_EQ(few.exit_code, count == 5 ? 0 : 1) << few.err;
  }
  EXPECT_EQ(Xapian::Database(db_).get_doccount(), 5u);
}

TEST(IndexCli, ADatabaseInAFolderThatDoesNotExistIsAnError) {
  TempDir dir;
  const std::string db = dir / "no/such/folder/citego.db";
  const RunResult r = index({"--db", db, "corpus/citego-partners.xml"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "citego-index: cannot create " + db + ": its folder " + dir / "no/such/folder" +
                       " does not exist (citego-index creates the database, not the folders it is in)\n");
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(IndexCli, AFolderIsReadWhateverTheCaseOfXmlAndNamesTheSubfoldersItSkips) {
  TempDir dir;
  fs::create_directories(dir / "in/sub");
  fs::copy_file(corpus_dir() + "/fixtures/multilingual/governance-en-es.xml", dir / "in/a.XML");
  fs::copy_file(corpus_dir() + "/fixtures/multilingual/territoires-fr-pt.xml", dir / "in/b.Xml");
  fs::copy_file(corpus_dir() + "/citego-partners.xml", dir / "in/sub/partners.xml");
  write_file(dir / "in/notes.txt", "not an export");
  const RunResult r = index({"--db", dir / "db", dir / "in"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.starts_with("citego-index: note: not read, being subfolders: " + dir / "in/sub" +
                                " (give a subfolder as an INPUT to read it)\ncitego-index: 10 documents "))
      << r.err;
  EXPECT_EQ(Xapian::Database(dir / "db").get_doccount(), 10u);
  fs::create_directories(dir / "only/sub");
  const RunResult none = index({"--db", dir / "db", dir / "only"});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_EQ(none.err, dir / "only" +
                          ": error: folder has no *.xml file (its subfolders are not read: give the ones "
                          "to index as inputs of their own, such as " +
                          dir / "only/sub" +
                          ")\ncitego-index: 1 error in "
                          "the inputs; " +
                          dir / "db" + " is unchanged\n");
}

// ---------------------------------------------------------------------------------------------------------------
// Progress, and interruption.

TEST(IndexCli, ShowsProgressOnAPipeOnlyWhenAsked) {
  TempDir dir;
  const RunResult quiet = index({"--db", dir / "a", "corpus/citego-partners.xml"});
  EXPECT_EQ(std::count(quiet.err.begin(), quiet.err.end(), '\n'), 1) << quiet.err;
  const RunResult shown = index({"--db", dir / "b", "--progress", "corpus/citego-partners.xml"});
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  // One line at the start of each phase (the corpus is read, written and merged in less than a second each).
  EXPECT_TRUE(std::regex_match(shown.err, std::regex("citego-index: reading: 0/1 file, 0 documents\n"
                                                     "citego-index: checking the references between documents\n"
                                                     "citego-index: writing: 0/21 documents\n"
                                                     "citego-index: merging the staging runs\n"
                                                     "citego-index: " +
                                                     kBundledContents + ".* is generation 000001\n")))
      << shown.err;
}

// SIGINT or SIGTERM during a build: the staging files are removed, the live database stays as it was.
TEST_F(LiveDatabaseFixture, AnInterruptedBuildRemovesItsStagingFiles) {
  TempDir inputs;
  generator::GeneratorOptions options;
  options.documents = 2000;
  options.files = 2;
  options.out_dir = inputs / "corpus";
  generator::generate_corpus(options);
  const std::string store = db_ + ".generations";
  for (const int signal : {SIGINT, SIGTERM}) {
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      const int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, STDERR_FILENO);
      ::execl(index_binary().c_str(), "citego-index", "--db", db_.c_str(), "--allow-shrink", "--jobs", "1", "--chunk",
              "100", (inputs / "corpus").c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    // Pass 2 has started once the staging folder holds a run.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    bool writing = false;
    while (!writing && std::chrono::steady_clock::now() < deadline) {
      std::error_code ec;
      for (const auto& e : fs::directory_iterator(store, ec)) {
        if (e.path().filename().string().starts_with("staging-") && !fs::is_empty(e.path(), ec)) writing = true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ASSERT_TRUE(writing);
    ASSERT_EQ(::kill(child, signal), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status)) << status;
    EXPECT_EQ(WEXITSTATUS(status), 128 + signal);
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(store)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"000001", "lock"}));
    ExpectUnchanged();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the inputs: once per pass, from one descriptor.

TEST(IndexCli, ReadsAPipeOnceAndBuildsWhatTheFileGives) {
  TempDir dir;
  const RunResult file = index({"--db", dir / "file", "corpus/citego-partners.xml"});
  ASSERT_EQ(file.exit_code, 0) << file.err;
  // <(cat FILE) and /dev/stdin are pipes: a second read would find them empty.
  const RunResult substituted =
      index({"--db", dir / "substituted", "/dev/fd/3"}, source_dir(), "exec 3< <(cat corpus/citego-partners.xml);");
  EXPECT_EQ(substituted.exit_code, 0) << substituted.err;
  const RunResult piped =
      index({"--db", dir / "piped", "/dev/stdin"}, source_dir(), "exec < <(cat corpus/citego-partners.xml);");
  EXPECT_EQ(piped.exit_code, 0) << piped.err;
  const std::string expected = dump_database(dir / "file");
  EXPECT_NE(expected.find("documents 21 lastdocid 21"), std::string::npos);
  EXPECT_EQ(dump_database(dir / "substituted"), expected);
  EXPECT_EQ(dump_database(dir / "piped"), expected);
}

TEST(IndexCli, AFolderNamedXmlInsideAFolderIsNoInput) {
  TempDir dir;
  fs::create_directory(dir / "in");
  fs::copy_file(corpus_dir() + "/citego-partners.xml", dir / "in/partners.xml");
  fs::create_directory(dir / "in/old.xml");
  write_file(dir / "in/old.xml/broken.xml", "not XML");
  const RunResult r = index({"--db", dir / "db", dir / "in"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Xapian::Database(dir / "db").get_doccount(), 21u);
}

// An input that is no readable file: each case makes its inputs in a fresh folder, runs in it and expects these
// errors, one per line, and the live database unchanged.
struct UnreadableCase {
  std::string name;
  std::function<void(const fs::path&)> make;
  std::vector<std::string> args;
  std::string expected_err;
};

void PrintTo(const UnreadableCase& c, std::ostream* os) { *os << c.name; }

class IndexCliUnreadable : public LiveDatabaseFixture, public ::testing::WithParamInterface<UnreadableCase> {};

TEST_P(IndexCliUnreadable, NamesTheInputAndLeavesTheDatabaseUnchanged) {
  TempDir inputs;
  GetParam().make(inputs.path());
  std::vector<std::string> args = {"--db", db_};
  args.insert(args.end(), GetParam().args.begin(), GetParam().args.end());
  const RunResult r = index(args, inputs.path().string());
  EXPECT_EQ(r.exit_code, 1);
  const auto lines = std::count(GetParam().expected_err.begin(), GetParam().expected_err.end(), '\n');
  EXPECT_EQ(r.err, GetParam().expected_err + "citego-index: " + std::to_string(lines) +
                       (lines == 1 ? " error" : " errors") + " in the inputs; " + db_ + " is unchanged\n");
  ExpectUnchanged();
}

void make_fifo(const fs::path& path) { ASSERT_EQ(::mkfifo(path.c_str(), 0644), 0); }

void make_socket(const fs::path& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  ASSERT_LT(path.string().size(), sizeof address.sun_path);
  std::strcpy(address.sun_path, path.c_str());
  EXPECT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
  ::close(fd);
}

void make_folder_of_faults(const fs::path& dir) {
  fs::create_directory(dir / "in");
  fs::copy_file(corpus_dir() + "/citego-partners.xml", dir / "in/a.xml");
  fs::create_symlink("loop.xml", dir / "in/loop.xml");
  fs::create_symlink("missing.xml", dir / "in/gone.xml");
  fs::create_directory(dir / "in/sub.xml");
}

const std::string kFifo =
    "is a named pipe (FIFO), which citego-index does not open (it could wait for a writer "
    "forever); give a file, or send the pipe to standard input and give /dev/stdin\n";

INSTANTIATE_TEST_SUITE_P(
    Inputs, IndexCliUnreadable,
    ::testing::Values(
        UnreadableCase{
            "NamedPipe", [](const fs::path& d) { make_fifo(d / "f.xml"); }, {"f.xml"}, "f.xml: error: " + kFifo},
        UnreadableCase{"NamedPipeInAFolder",
                       [](const fs::path& d) {
                         fs::create_directory(d / "in");
                         make_fifo(d / "in/f.xml");
                       },
                       {"in"},
                       "in/f.xml: error: " + kFifo},
        UnreadableCase{
            "Device", [](const fs::path&) {}, {"/dev/null"}, "/dev/null: error: is a device, not an export file\n"},
        UnreadableCase{"Socket",
                       [](const fs::path& d) { make_socket(d / "s.xml"); },
                       {"s.xml"},
                       "s.xml: error: is a socket, not an export file\n"},
        UnreadableCase{"ReadError",
                       [](const fs::path&) {},
                       {"/proc/self/mem"},
                       "/proc/self/mem: error: cannot read: Input/output error\n"},
        UnreadableCase{"FolderNamedXml",
                       [](const fs::path& d) { fs::create_directory(d / "d.xml"); },
                       {"d.xml"},
                       "d.xml: error: is a folder, not an export file (a folder given as input must not be named "
                       "*.xml)\n"},
        UnreadableCase{"BrokenLinksInAFolder",
                       make_folder_of_faults,
                       {"in"},
                       "in/gone.xml: error: is a symbolic link to \"missing.xml\", which does not exist\n"
                       "in/loop.xml: error: cannot read: Too many levels of symbolic links\n"},
        UnreadableCase{"BrokenLinksGivenDirectly",
                       make_folder_of_faults,
                       {"in/loop.xml", "in/gone.xml"},
                       "in/loop.xml: error: cannot read: Too many levels of symbolic links\n"
                       "in/gone.xml: error: is a symbolic link to \"missing.xml\", which does not exist\n"}),
    [](const ::testing::TestParamInfo<UnreadableCase>& param_info) { return param_info.param.name; });

TEST(IndexBuild, RefusesAFileChangedBetweenThePasses) {
  TempDir dir;
  const std::string a = dir / "a.xml";
  const std::string b = dir / "b.xml";
  fs::copy_file(corpus_dir() + "/fixtures/multilingual/governance-en-es.xml", a);
  std::string text = read_file(corpus_dir() + "/fixtures/multilingual/territoires-fr-pt.xml");
  write_file(b, text);
  // The same size, one letter of a title changed: only the bytes tell.
  const std::size_t at = text.find("<title>") + 7;
  text[at] = text[at] == 'X' ? 'Y' : 'X';
  IndexRequest request;
  request.db_path = dir / "db";
  request.inputs = {a, b};
  request.chunk_size = 1;
  request.jobs = 1;
  bool changed = false;
  // Pass 2 reports progress as it starts, before it reads the files again.
  const ProgressCallback change_b = [&](const BuildProgress& progress) {
    if (progress.phase != BuildPhase::Write) return;
    if (!changed) write_file(b, text);
    changed = true;
  };
  try {
    build_index(request, change_b);
    ADD_FAILURE() << "the build went through";
  } catch (const InputError& e) {
    std::vector<std::string> messages;
    for (const Diagnostic& d : e.diagnostics()) messages.push_back(to_string(d));
    EXPECT_EQ(messages, std::vector<std::string>{b + ": error: changed while being indexed (" +
                                                 std::to_string(text.size()) + " bytes when checked, " +
                                                 std::to_string(text.size()) + " bytes now); run citego-index again"});
  }
  EXPECT_TRUE(changed);
  EXPECT_FALSE(fs::exists(fs::symlink_status(dir / "db")));
}

TEST_F(LiveDatabaseFixture, AFullDiskLeavesTheDatabaseUnchanged) {
  // A 4 KiB file-size limit makes the first large write of the new generation fail, as a full disk would.
  const RunResult r = index({"--db", db_, "corpus/", "corpus/fixtures/multilingual"}, source_dir(), "ulimit -f 4;");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("citego-index: cannot write the database: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(db_ + " is unchanged\n"), std::string::npos) << r.err;
  ExpectUnchanged();
}

TEST_F(LiveDatabaseFixture, WriterThreadsThatCannotStartLeaveTheDatabaseUnchanged) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer reserves more address space than the limit this test sets";
#endif
  // 400 MB of address space leave room for the process but not for 64 thread stacks of 8 MiB.
  const RunResult r =
      index({"--db", db_, "--jobs", "64", "corpus/"}, source_dir(), "ulimit -s 8192; ulimit -v 400000;");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(std::regex_match(r.err, std::regex("citego-index: cannot start writer thread [0-9]+ of 64: Resource "
                                                 "temporarily unavailable; " +
                                                 db_ + " is unchanged\n")))
      << r.err;
  ExpectUnchanged();
}

TEST_F(LiveDatabaseFixture, AnotherBuildOfTheSamePathIsRefused) {
  const std::string lock_path = db_ + ".generations/lock";
  const int fd = ::open(lock_path.c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);
  const RunResult r = index({"--db", db_, "corpus/"});
  ::close(fd);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "citego-index: another citego-index is building " + db_ + " (lock " + lock_path + " is held)\n");
  ExpectUnchanged();
}

TEST_F(LiveDatabaseFixture, LeftoversOfAnInterruptedBuildAreRemovedByTheNext) {
  // What a killed build leaves: a staging directory and an unpublished generation; the live link is untouched.
  const std::string store = db_ + ".generations";
  fs::create_directory(store + "/staging-000002");
  write_file(store + "/staging-000002/postlist.glass", "half written");
  EXPECT_EQ(Xapian::Database(db_).get_doccount(), 21u);
  const RunResult r = index({"--db", db_, "corpus/", "corpus/fixtures/multilingual"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(store)) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"000001", "000002", "lock"}));
  EXPECT_EQ(Xapian::Database(db_).get_doccount(), 31u);
}

TEST_F(LiveDatabaseFixture, StopsReportingAtTheErrorLimit) {
  const RunResult r =
      index({"--db", db_, "--max-errors", "2", "multiple-faults.xml", "bad-kind.xml"}, source_dir() + "/" + kBroken);
  EXPECT_EQ(r.exit_code, 1);
  // The third fault of multiple-faults.xml (a dangling reference) and bad-kind.xml are never reached.
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 3);
  EXPECT_TRUE(
      r.err.ends_with("citego-index: 2 errors in the inputs; reading stopped at the limit of 2 (--max-errors); " + db_ +
                      " is unchanged\n"))
      << r.err;
  ExpectUnchanged();
}

TEST(IndexCli, RefusesToReplaceSomethingItDidNotPublish) {
  TempDir dir;
  const std::string path = dir / "precious";
  fs::create_directory(path);
  write_file(path + "/notes.txt", "keep me");
  const RunResult r = index({"--db", path, "corpus/"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "citego-index: " + path +
                       " exists and is not a database published by citego-index (a link into "
                       "precious.generations/); move it away or choose another --db\n");
  EXPECT_EQ(read_file(path + "/notes.txt"), "keep me");
}

TEST(IndexCli, BadNumbersAndAnEmptyDatabasePathAreUsageErrors) {
  TempDir dir;
  const std::string try_help = "\nTry 'citego-index --help'.\n";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--jobs", "0"}, "--jobs must be between 1 and 64"},
      {{"--jobs", "65"}, "--jobs must be between 1 and 64"},
      {{"--jobs", "100000"}, "--jobs must be between 1 and 64"},
      {{"--chunk", "0"}, "--chunk must be at least 1"},
  };
  for (const auto& [options, message] : cases) {
    std::vector<std::string> args = {"--db", dir / "db"};
    args.insert(args.end(), options.begin(), options.end());
    args.push_back(corpus_dir());
    const RunResult r = index(args, dir.path().string());
    EXPECT_EQ(r.exit_code, 2) << options[0] << " " << options[1];
    EXPECT_EQ(r.err, "citego-index: " + message + try_help);
  }
  const RunResult empty_db = index({"--db", "", corpus_dir()}, dir.path().string());
  EXPECT_EQ(empty_db.exit_code, 2);
  EXPECT_EQ(empty_db.err, "citego-index: --db PATH must not be empty" + try_help);
  EXPECT_TRUE(fs::is_empty(dir.path()));  // no ./.generations/lock
  const RunResult most = index({"--db", dir / "db", "--jobs", "64", corpus_dir()}, dir.path().string());
  EXPECT_EQ(most.exit_code, 0) << most.err;
}

TEST(IndexCli, UsageErrorsExitWithTwo) {
  EXPECT_EQ(index({}).exit_code, 2);
  const RunResult no_input = index({"--db", "x"});
  EXPECT_EQ(no_input.exit_code, 2);
  EXPECT_EQ(no_input.err, "citego-index: no INPUT given\nTry 'citego-index --help'.\n");
  const RunResult bad_option = index({"--frobnicate"});
  EXPECT_EQ(bad_option.exit_code, 2);
  EXPECT_EQ(bad_option.err, "citego-index: unrecognised option '--frobnicate'\nTry 'citego-index --help'.\n");
}

TEST(IndexCli, HelpAndVersion) {
  const RunResult help = index({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_EQ(help.out.rfind("Usage: citego-index --db PATH INPUT...\n", 0), 0u);
  const RunResult version = index({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_TRUE(std::regex_match(version.out, std::regex("citego-index [0-9.]+ \\(Xapian 1\\.4\\.[0-9]+\\)\n")));
}

}  // namespace
}  // namespace citego::test
