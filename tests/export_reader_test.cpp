// citego::parse_export: XML text to whole ExportRecords, and the exact diagnostic of every local fault.
#include "citego/export_reader.h"
#include "citego/xml_check.h"

#include <cstdio>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace {

using citego::Diagnostic;
using citego::ExportRecord;
using citego::ParsedExport;
using citego::Reference;
using citego::SourceLocation;
using citego::schema::DocType;
using citego::schema::Lang;

const std::string kFile = "t.xml";

// An export holding `documents`, which start on line 2.
std::string export_of(std::string_view documents, std::string_view root_attributes = R"(version="1" xml:lang="fr")") {
  return "<citego-export " + std::string(root_attributes) + ">\n" + std::string(documents) + "</citego-export>\n";
}

ParsedExport parse(std::string_view xml) { return citego::parse_export(xml, kFile); }

std::vector<std::string> messages_of(const ParsedExport& parsed) {
  std::vector<std::string> messages;
  for (const Diagnostic& d : parsed.errors) messages.push_back(citego::to_string(d));
  return messages;
}

std::vector<std::string> ids_of(const ParsedExport& parsed) {
  std::vector<std::string> ids;
  for (const ExportRecord& r : parsed.records) ids.push_back(r.id);
  return ids;
}

SourceLocation at(int line, int column) { return SourceLocation{kFile, line, column}; }

// Parses an export expected to be free of faults and to hold exactly one document.
ExportRecord only_record(std::string_view xml) {
  const ParsedExport parsed = parse(xml);
  EXPECT_EQ(messages_of(parsed), std::vector<std::string>{});
  if (parsed.records.size() != 1) {
    ADD_FAILURE() << "expected one record, got " << parsed.records.size();
    return {};
  }
  return parsed.records.front();
}

// ---------------------------------------------------------------------------------------------------------------
// Whole records

TEST(ParseExport, ReadsAWholeOrganisation) {
  const std::string xml = export_of(R"(  <organisation id="org-rets" xml:lang="fr">
    <name>Réseau Exemple des
      Territoires Solidaires</name>
    <acronym>RETS</acronym>
    <kind>elected-officials-network</kind>
    <relation>ecosystem</relation>
    <country>FR</country>
    <url>https://example.org/rets</url>
    <description>  Réseau fictif d'élus locaux.  </description>
  </organisation>
)",
                                    R"(version="1" xml:lang="en")");
  ExportRecord expected;
  expected.doc_type = DocType::Organisation;
  expected.id = "org-rets";
  expected.lang = Lang::Fr;
  expected.where = at(2, 3);
  expected.title = "Réseau Exemple des Territoires Solidaires";
  expected.url = "https://example.org/rets";
  expected.summary = "Réseau fictif d'élus locaux.";
  expected.acronym = "RETS";
  expected.kind = "elected-officials-network";
  expected.relation = "ecosystem";
  expected.country = "FR";
  EXPECT_EQ(only_record(xml), expected);
}

TEST(ParseExport, ReadsAWholeProject) {
  const std::string xml = export_of(R"(  <project id="prj-dossier">
    <title>Démocratie participative</title>
    <type>dossier</type>
    <period start="2014" end="2019"/>
    <participants>
      <participant ref="org-a" role=" partner "/>
      <participant ref="org-b"/>
    </participants>
    <summary>Un dossier comparatif.</summary>
    <body>Ce dossier
      compare des expériences.</body>
    <url>https://example.org/dossier</url>
  </project>
)");
  ExportRecord expected;
  expected.doc_type = DocType::Project;
  expected.id = "prj-dossier";
  expected.lang = Lang::Fr;
  expected.where = at(2, 3);
  expected.title = "Démocratie participative";
  expected.url = "https://example.org/dossier";
  expected.summary = "Un dossier comparatif.";
  expected.body = "Ce dossier compare des expériences.";
  expected.project_type = "dossier";
  expected.start_year = 2014;
  expected.end_year = 2019;
  expected.participants = {Reference{"org-a", "partner", at(7, 7)}, Reference{"org-b", "", at(8, 7)}};
  EXPECT_EQ(only_record(xml), expected);

  // Without end, the period is its start year only.
  const ExportRecord one_year = only_record(export_of(R"(  <project id="prj-a">
    <title>T</title>
    <type>mooc</type>
    <period start="2016"/>
  </project>
)"));
  EXPECT_EQ(one_year.start_year, 2016);
  EXPECT_EQ(one_year.end_year, std::nullopt);
}

TEST(ParseExport, ReadsAWholeResourceWithColumnsInCharacters) {
  // "É" takes two bytes but one column: the <resource> starts at character 21 of line 2, byte 22.
  const std::string xml = export_of(R"(  <!-- Économie --> <resource id="res-eco" xml:lang="pt">
    <title>Orçamento participativo</title>
    <category>case-study</category>
    <year> 2020 </year>
    <authors>
      <author> João
        Conceição </author>
      <author>Ana Simões</author>
    </authors>
    <keywords>
      <keyword>orçamento participativo</keyword>
    </keywords>
    <links>
      <link ref="prj-dossier"/>
      <link ref="org-a"/>
    </links>
    <summary>Estudo de caso.</summary>
  </resource>
)");
  ExportRecord expected;
  expected.doc_type = DocType::Resource;
  expected.id = "res-eco";
  expected.lang = Lang::Pt;
  expected.where = at(2, 21);
  expected.title = "Orçamento participativo";
  expected.summary = "Estudo de caso.";
  expected.category = "case-study";
  expected.year = 2020;
  expected.authors = {"João Conceição", "Ana Simões"};
  expected.keywords = {"orçamento participativo"};
  expected.links = {Reference{"prj-dossier", "", at(15, 7)}, Reference{"org-a", "", at(16, 7)}};
  EXPECT_EQ(only_record(xml), expected);
}

TEST(ParseExport, DocumentsInheritTheRootLanguageUnlessTheyOverrideIt) {
  const std::string documents = R"(  <resource id="res-a"><title>A</title></resource>
  <resource id="res-b" xml:lang="pt"><title>B</title></resource>
  <resource id="res-c" xml:lang="en"><title>C</title></resource>
)";
  auto langs_of = [](const ParsedExport& parsed) {
    std::vector<std::pair<std::string, Lang>> langs;
    for (const ExportRecord& r : parsed.records) langs.emplace_back(r.id, r.lang);
    return langs;
  };
  using Langs = std::vector<std::pair<std::string, Lang>>;
  EXPECT_EQ(langs_of(parse(export_of(documents, R"(version="1" xml:lang="fr")"))),
            (Langs{{"res-a", Lang::Fr}, {"res-b", Lang::Pt}, {"res-c", Lang::En}}));
  EXPECT_EQ(langs_of(parse(export_of(documents, R"(version="1" xml:lang="es")"))),
            (Langs{{"res-a", Lang::Es}, {"res-b", Lang::Pt}, {"res-c", Lang::En}}));
}

TEST(ParseExport, CollapsesXmlWhiteSpaceInText) {
  const ExportRecord record = only_record(export_of(
      "  <resource id=\"res-a\">\n"
      "    <title>\n\t  Économie  \t sociale\r\n   et solidaire  </title>\n"
      "    <summary>A\xC2\xA0" "B</summary>\n"  // a no-break space is not XML white space
      "    <body> B\n\n  C </body>\n"
      "  </resource>\n"));
  EXPECT_EQ(record.title, "Économie sociale et solidaire");
  EXPECT_EQ(record.summary, "A\xC2\xA0" "B");
  EXPECT_EQ(record.body, "B C");
}

// ---------------------------------------------------------------------------------------------------------------
// Diagnostics: each case is an export with faults, the exact diagnostics, and the ids of the records still read.

struct FaultCase {
  std::string name;
  std::string xml;
  std::vector<std::string> diagnostics;
  std::vector<std::string> records = {};
};

void PrintTo(const FaultCase& c, std::ostream* os) { *os << c.name; }

class ParseExportFault : public ::testing::TestWithParam<FaultCase> {};

TEST_P(ParseExportFault, GivesExactDiagnostics) {
  const FaultCase& c = GetParam();
  const ParsedExport parsed = parse(c.xml);
  EXPECT_EQ(messages_of(parsed), c.diagnostics);
  EXPECT_EQ(ids_of(parsed), c.records);
}

const std::string kKinds =
    "professional-network, training-organisation, higher-education, elected-officials-network, citizens-association, "
    "design-office, research-centre, foundation, company, media, think-tank, public-body";
const std::string kNotAYear = ", which is not a year (four digits, 1000 to 2999)";

// A project document (line 2) with the given period line (line 5).
std::string project_with_period(std::string_view period) {
  return export_of("  <project id=\"prj-a\">\n    <title>T</title>\n    <type>mooc</type>\n    " + std::string(period) +
                   "\n  </project>\n");
}

// A resource document (line 2) whose title is line 3, followed by `more` (from line 4).
std::string resource_with(std::string_view more, std::string_view id_attribute = R"(id="res-a")") {
  return export_of("  <resource " + std::string(id_attribute) + ">\n    <title>T</title>\n" + std::string(more) +
                   "  </resource>\n");
}

std::vector<FaultCase> fault_cases() {
  return {
      {"MalformedXml",
       "<citego-export version=\"1\">\n  <resource id=\"res-a\">\n    <title>T</summary>\n  </resource>\n"
       "</citego-export>\n",
       {"t.xml:3:13: error: malformed XML: Start-end tags mismatch"}},
      {"EmptyInput", "", {"t.xml:1:1: error: malformed XML: No document element found"}},
      {"WrongRoot",
       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<export version=\"1\">\n</export>\n",
       {"t.xml:2:1: error: root element is <export>, expected <citego-export>"}},
      {"WrongVersion",
       export_of(R"(  <resource id="res-a"><title>T</title></resource>
)",
                 R"(version="3" xml:lang="fr")"),
       {"t.xml:1:1: error: <citego-export> has version \"3\"; this indexer reads versions 1 and 2"}},
      {"MissingVersion",
       export_of("", R"(xml:lang="fr")"),
       {"t.xml:1:1: error: <citego-export> has no version attribute (expected \"1\" or \"2\")"}},
      {"UnsupportedRootLanguage",
       export_of("", R"(version="1" xml:lang="de")"),
       {"t.xml:1:1: error: <citego-export> has an unsupported language \"de\" (expected fr, en, es or pt)"}},
      {"UnknownRootAttribute",
       export_of(R"(  <resource id="res-a"><title>T</title></resource>
)",
                 R"(version="1" xml:lang="fr" foo="x")"),
       {"t.xml:1:1: error: <citego-export> has an unknown attribute foo"},
       {"res-a"}},
      {"RootWithoutLanguage",
       export_of(R"(  <resource id="res-a"><title>T</title></resource>
)",
                 R"(version="1")"),
       {"t.xml:1:1: error: <citego-export> has no xml:lang attribute (the documents' default language: fr, en, es "
        "or pt)"},
       {}},
      {"EmptyOptionalElementsListsAndRoles",
       export_of(R"(  <project id="prj-a"><title>T</title><type>mooc</type><period start="2016"/><summary> </summary>
    <participants/></project>
  <project id="prj-b"><title>T</title><type>mooc</type><period start="2016"/>
    <participants><participant ref="org-x" role=" "/></participants></project>
)"),
       {"t.xml:2:78: error: <project> \"prj-a\" has an empty <summary>",
        "t.xml:3:5: error: <project> \"prj-a\" has an empty <participants>",
        "t.xml:5:19: error: <project> \"prj-b\" has an empty role on <participant>"},
       {}},
      {"MissingRequiredElement",
       export_of("  <project id=\"prj-a\">\n    <title>T</title>\n    <type>mooc</type>\n  </project>\n"),
       {"t.xml:2:3: error: <project> \"prj-a\" has no <period>"}},
      {"MissingRequiredElements",
       export_of("  <organisation id=\"org-a\">\n    <acronym>A</acronym>\n  </organisation>\n"),
       {"t.xml:2:3: error: <organisation> \"org-a\" has no <name>",
        "t.xml:2:3: error: <organisation> \"org-a\" has no <kind>"}},
      {"EmptyTitle",
       export_of("  <resource id=\"res-a\">\n    <title> \n </title>\n  </resource>\n"),
       {"t.xml:3:5: error: <resource> \"res-a\" has an empty <title>"}},
      {"UnknownKind",
       export_of("  <organisation id=\"org-a\">\n    <name>N</name>\n    <kind>ngo</kind>\n  </organisation>\n"),
       {"t.xml:4:5: error: <organisation> \"org-a\" has an unknown kind \"ngo\" (expected one of: " + kKinds + ")"}},
      {"UnknownCategory",
       resource_with("    <category>essay</category>\n"),
       {"t.xml:4:5: error: <resource> \"res-a\" has an unknown category \"essay\" (expected one of: analysis, "
        "case-study, proposal, resource-sheet, territory, concept)"}},
      {"UnknownProjectType",
       export_of("  <project id=\"prj-a\">\n    <title>T</title>\n    <type>webinar</type>\n"
                 "    <period start=\"2016\"/>\n  </project>\n"),
       {"t.xml:4:5: error: <project> \"prj-a\" has an unknown type \"webinar\" (expected one of: dossier, mooc, "
        "showcase)"}},
      {"BadYear",
       resource_with("    <year>20x6</year>\n"),
       {"t.xml:4:5: error: <resource> \"res-a\" has a year \"20x6\"" + kNotAYear}},
      {"YearOutOfRange",
       resource_with("    <year>3000</year>\n"),
       {"t.xml:4:5: error: <resource> \"res-a\" has a year \"3000\"" + kNotAYear}},
      {"PeriodEndsBeforeItStarts",
       project_with_period(R"(<period start="2018" end="2016"/>)"),
       {"t.xml:5:5: error: <project> \"prj-a\" has a period that ends (2016) before it starts (2018)"}},
      {"BadPeriodStart",
       project_with_period(R"(<period start="999"/>)"),
       {"t.xml:5:5: error: <project> \"prj-a\" has a period start \"999\"" + kNotAYear}},
      {"BadPeriodEnd",
       project_with_period(R"(<period start="2015" end="2x"/>)"),
       {"t.xml:5:5: error: <project> \"prj-a\" has a period end \"2x\"" + kNotAYear}},
      {"PeriodWithoutStart",
       project_with_period(R"(<period end="2016"/>)"),
       {"t.xml:5:5: error: <project> \"prj-a\" has a <period> without start"}},
      {"UnknownElement",
       export_of("  <organisation id=\"org-a\">\n    <name>N</name>\n    <kind>media</kind>\n"
                 "    <phone>0123</phone>\n  </organisation>\n"),
       {"t.xml:5:5: error: <organisation> \"org-a\" has an unknown element <phone>"}},
      {"ElementOfAnotherDocumentType",
       resource_with("    <kind>media</kind>\n"),
       {"t.xml:4:5: error: <resource> \"res-a\" has an unknown element <kind>"}},
      {"UnknownDocumentElement",
       export_of("  <person id=\"per-a\"/>\n  <resource id=\"res-a\"><title>T</title></resource>\n"),
       {"t.xml:2:3: error: unknown element <person> in <citego-export> (expected <organisation>, <project> or "
        "<resource>)"},
       {"res-a"}},
      {"UnknownAttribute",
       resource_with("", R"(id="res-a" lang="fr")"),
       {"t.xml:2:3: error: <resource> \"res-a\" has an unknown attribute lang"}},
      {"UnknownAttributeOnAChild",
       resource_with("    <summary lang=\"fr\">S</summary>\n"),
       {"t.xml:4:5: error: <resource> \"res-a\" has an unknown attribute lang on <summary>"}},
      {"UnsupportedLanguage",
       resource_with("", R"(id="res-a" xml:lang="de")"),
       {"t.xml:2:3: error: <resource> \"res-a\" has an unsupported language \"de\" (expected fr, en, es or pt)"}},
      {"RepeatedChildElement",
       resource_with("    <year>2016</year>\n    <title>Again</title>\n"),
       {"t.xml:5:5: error: <resource> \"res-a\" has more than one <title>"}},
      {"InvalidUtf8InTitle",
       export_of("  <resource id=\"res-a\">\n    <title>Bad \xFF byte</title>\n  </resource>\n"),
       {"t.xml:3:5: error: <resource> \"res-a\" has invalid UTF-8 in <title>"}},
      {"InvalidUtf8InKind",
       export_of("  <organisation id=\"org-a\">\n    <name>N</name>\n    <kind>m\xC3" "dia</kind>\n"
                 "  </organisation>\n"),
       {"t.xml:4:5: error: <organisation> \"org-a\" has invalid UTF-8 in <kind>"}},
      {"InvalidUtf8InAuthor",
       resource_with("    <authors><author>Ana Sim\xF5" "es</author></authors>\n"),
       {"t.xml:4:14: error: <resource> \"res-a\" has invalid UTF-8 in <author>"}},
      {"MissingId",
       resource_with("", ""),
       {"t.xml:2:3: error: <resource> has no id attribute"}},
      {"InvalidId",
       resource_with("", R"(id="Res_1")"),
       {"t.xml:2:3: error: <resource> has an invalid id \"Res_1\" (expected lower-case letters, digits and '-', at "
        "most 64)"}},
      {"IdStartingWithAHyphen",
       resource_with("", R"(id="-res")"),
       {"t.xml:2:3: error: <resource> has an invalid id \"-res\" (expected lower-case letters, digits and '-', at "
        "most 64)"}},
      {"IdTooLong",
       resource_with("", "id=\"" + std::string(65, 'a') + "\""),
       {"t.xml:2:3: error: <resource> has an invalid id \"" + std::string(65, 'a') +
        "\" (expected lower-case letters, digits and '-', at most 64)"}},
      {"LinkWithoutRefAndWithInvalidRef",
       resource_with("    <links>\n      <link/>\n      <link ref=\"Prj A\"/>\n    </links>\n"),
       {"t.xml:5:7: error: <resource> \"res-a\" has a <link> without ref",
        "t.xml:6:7: error: <resource> \"res-a\" has a <link> with an invalid ref \"Prj A\""}},
  };
}

INSTANTIATE_TEST_SUITE_P(Faults, ParseExportFault, ::testing::ValuesIn(fault_cases()),
                         [](const ::testing::TestParamInfo<FaultCase>& param_info) { return param_info.param.name; });

// ---------------------------------------------------------------------------------------------------------------
// Strict XML 1.0: what the XML parser alone would let through. A file with such a fault gives one diagnostic and no
// records.

// A document on line 2 whose <title> text starts at column 31.
std::string titled(std::string_view title) {
  return export_of("  <resource id=\"res-a\"><title>" + std::string(title) + "</title></resource>\n");
}

const std::string kDocument = "  <resource id=\"res-a\"><title>T</title></resource>\n";

// ASCII text as UTF-16, with or without a byte order mark.
std::string utf16(std::string_view ascii, bool big_endian, bool bom) {
  std::string out = bom ? (big_endian ? "\xFE\xFF" : "\xFF\xFE") : "";
  for (char c : ascii) {
    out += big_endian ? std::string{'\0', c} : std::string{c, '\0'};
  }
  return out;
}

const std::string kUtf8Only = "; citego-index reads UTF-8 only (convert it, e.g. with iconv -f ";
const std::string kNotAllowed = ", which XML does not allow";
const std::string kTooLong = " longer than 1048576 bytes (the limit of one text node or attribute value; see "
                             "schema/README.md)";

std::vector<FaultCase> strict_xml_cases() {
  return {
      {"SecondRootElement",
       export_of(kDocument) + "<citego-export version=\"1\" xml:lang=\"fr\">\n" +
           "  <resource id=\"res-b\"><title>B</title></resource>\n</citego-export>\n",
       {"t.xml:4:1: error: malformed XML: a second root element <citego-export> (an export has one root element)"}},
      {"TextAfterTheRoot", export_of(kDocument) + "  more\n",
       {"t.xml:4:3: error: malformed XML: text after the root element"}},
      {"TextBeforeTheRoot", "x" + export_of(kDocument), {"t.xml:1:1: error: malformed XML: text before the root element"}},
      {"EndTagAfterTheRoot", export_of(kDocument) + "</citego-export>\n",
       {"t.xml:4:1: error: malformed XML: an end tag </citego-export> with no element open"}},
      {"XmlDeclarationAfterTheRoot", export_of(kDocument) + "<?xml version=\"1.0\"?>\n",
       {"t.xml:4:1: error: malformed XML: an XML declaration that is not at the start of the file"}},
      {"XmlDeclarationAfterWhiteSpace", "\n<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + export_of(kDocument),
       {"t.xml:2:1: error: malformed XML: an XML declaration that is not at the start of the file"}},
      {"Doctype", "<!DOCTYPE citego-export>\n" + export_of(kDocument),
       {"t.xml:1:1: error: a DOCTYPE or another markup declaration, which an export may not have (no DTD, no entity "
        "declarations)"}},
      {"EntityExpansion",
       "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n  <!ENTITY lol \"lol\">\n  <!ENTITY lol2 \"&lol;&lol;&lol;\">\n]>\n" +
           titled("&lol2;"),
       {"t.xml:2:1: error: a DOCTYPE or another markup declaration, which an export may not have (no DTD, no entity "
        "declarations)"}},
      {"ExternalEntity",
       "<!DOCTYPE citego-export [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n" + titled("&xxe;"),
       {"t.xml:1:1: error: a DOCTYPE or another markup declaration, which an export may not have (no DTD, no entity "
        "declarations)"}},
      {"UndeclaredEntity", titled("&lol9;"),
       {"t.xml:2:31: error: malformed XML: undeclared entity &lol9; (an export may use &lt; &gt; &amp; &quot; &apos; "
        "and character references only)"}},
      {"AmpersandThatStartsNoReference", titled("Tom & Jerry"),
       {"t.xml:2:35: error: malformed XML: '&' that starts no entity or character reference (write &amp;)"}},
      {"MalformedCharacterReference", titled("&#x;"),
       {"t.xml:2:31: error: malformed XML: a malformed character reference (expected &#digits; or &#xhex-digits;)"}},
      {"NulCharacterReference", titled("A&#0;B"),
       {"t.xml:2:32: error: malformed XML: character reference &#0; is not a character XML allows"}},
      {"ControlCharacterReference", titled("&#x1B;[31m"),
       {"t.xml:2:31: error: malformed XML: character reference &#x1B; is not a character XML allows"}},
      {"NonCharacterReference", titled("&#xFFFE;"),
       {"t.xml:2:31: error: malformed XML: character reference &#xFFFE; is not a character XML allows"}},
      {"SurrogateReference", titled("&#55296;"),
       {"t.xml:2:31: error: malformed XML: character reference &#55296; is not a character XML allows"}},
      {"ReferenceBeyondUnicode", titled("&#x110000;"),
       {"t.xml:2:31: error: malformed XML: character reference &#x110000; is not a character XML allows"}},
      {"ReferenceInAnAttribute", export_of("  <resource id=\"res-&#1;\"><title>T</title></resource>\n"),
       {"t.xml:2:21: error: malformed XML: character reference &#1; is not a character XML allows"}},
      {"RawControlCharacter", titled("a\x1B[31mred"),
       {"t.xml:2:32: error: malformed XML: control character U+001B" + kNotAllowed}},
      {"RawNul", titled(std::string("a\0b", 3)), {"t.xml:2:32: error: malformed XML: control character U+0000" + kNotAllowed}},
      {"RawNonCharacter", titled("\xEF\xBF\xBF"), {"t.xml:2:31: error: malformed XML: character U+FFFF" + kNotAllowed}},
      {"RawControlCharacterInAComment", export_of("  <!-- \x07 -->\n" + kDocument),
       {"t.xml:2:8: error: malformed XML: control character U+0007" + kNotAllowed}},
      {"InvalidUtf8InAnAttribute", export_of("  <resource id=\"res-\xFF\"><title>T</title></resource>\n"),
       {"t.xml:2:21: error: malformed XML: invalid UTF-8"}},
      {"OverlongUtf8InAComment", export_of("  <!-- \xC0\xAF -->\n" + kDocument),
       {"t.xml:2:8: error: malformed XML: invalid UTF-8"}},
      {"EncodedSurrogateInAnElementName", export_of("  <resource\xED\xA0\x80 id=\"res-a\"/>\n"),
       {"t.xml:2:12: error: malformed XML: unexpected character in <resource> (expected a space, an attribute, > or "
        "/>)"}},
      {"Iso88591Declared", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n" + export_of(kDocument),
       {"t.xml:1:1: error: declares encoding \"ISO-8859-1\"" + kUtf8Only + "ISO-8859-1 -t UTF-8)"}},
      {"Utf16Declared", "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n" + export_of(kDocument),
       {"t.xml:1:1: error: declares encoding \"UTF-16\"" + kUtf8Only + "UTF-16 -t UTF-8)"}},
      {"Utf16WithByteOrderMark", utf16("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n" + export_of(kDocument), false, true),
       {"t.xml:1:1: error: is UTF-16" + kUtf8Only + "UTF-16 -t UTF-8)"}},
      {"Utf16WithoutByteOrderMark", utf16(export_of(kDocument), true, false),
       {"t.xml:1:1: error: is UTF-16" + kUtf8Only + "UTF-16 -t UTF-8)"}},
      {"XmlVersion11", "<?xml version=\"1.1\"?>\n" + export_of(kDocument),
       {"t.xml:1:1: error: declares XML version \"1.1\"; exports are XML 1.0"}},
      {"XmlDeclarationWithoutVersion", "<?xml encoding=\"UTF-8\"?>\n" + export_of(kDocument),
       {"t.xml:1:1: error: malformed XML: a malformed XML declaration (expected <?xml version=\"1.0\" "
        "encoding=\"UTF-8\"?>)"}},
      {"AttributeGivenTwice", export_of("  <resource id=\"res-a\" id=\"res-b\"><title>T</title></resource>\n"),
       {"t.xml:2:24: error: malformed XML: attribute id given twice in <resource>"}},
      {"LessThanInAnAttribute", export_of("  <resource id=\"a<b\"><title>T</title></resource>\n"),
       {"t.xml:2:18: error: malformed XML: '<' in an attribute value (write &lt;)"}},
      {"LessThanThatStartsNoTag", titled("a < b"), {"t.xml:2:33: error: malformed XML: '<' that starts no tag (write &lt;)"}},
      {"CdataEndInText", titled("a ]]> b"), {"t.xml:2:33: error: malformed XML: \"]]>\" in text (write ]]&gt;)"}},
      {"DoubleHyphenInAComment", export_of("  <!-- a -- b -->\n" + kDocument),
       {"t.xml:2:10: error: malformed XML: \"--\" inside a comment"}},
      {"UnclosedComment", export_of("  <!-- a\n" + kDocument),
       {"t.xml:2:3: error: malformed XML: a comment that is not closed (expected -->)"}},
      {"CdataOutsideTheRoot", export_of(kDocument) + "<![CDATA[x]]>\n",
       {"t.xml:4:1: error: malformed XML: a CDATA section outside the root element"}},
      {"UnclosedAttributeValue", export_of("  <resource id=\"res-a><title>T</title></resource>\n"),
       {"t.xml:2:16: error: malformed XML: an attribute value that is not closed"}},
      {"UnclosedStartTag", export_of("  <resource id=\"res-a\""),
       {"t.xml:2:23: error: malformed XML: unexpected character in <resource> (expected a space, an attribute, > or "
        "/>)"}},
      {"HugeTextNode", titled(std::string(citego::kMaxTextNodeBytes + 1, 'a')),
       {"t.xml:2:31: error: a text node" + kTooLong}},
      {"HugeCdataSection", titled("<![CDATA[" + std::string(citego::kMaxTextNodeBytes + 1, 'a') + "]]>"),
       {"t.xml:2:31: error: a text node" + kTooLong}},
      {"HugeAttributeValue",
       export_of("  <resource id=\"" + std::string(citego::kMaxTextNodeBytes + 1, 'a') + "\"><title>T</title></resource>\n"),
       {"t.xml:2:16: error: an attribute value" + kTooLong}},
  };
}

INSTANTIATE_TEST_SUITE_P(StrictXml, ParseExportFault, ::testing::ValuesIn(strict_xml_cases()),
                         [](const ::testing::TestParamInfo<FaultCase>& param_info) { return param_info.param.name; });

TEST(ParseExport, ReadsWhatXmlAllows) {
  // A byte order mark, a full declaration, comments and processing instructions outside the root, the five
  // predefined entities, character references, CDATA, single quotes, and characters above U+FFFF.
  const std::string xml = "\xEF\xBB\xBF<?xml version='1.0' encoding='utf-8' standalone='yes'?>\n<!-- before -->\n"
                          "<?citego keep?>\n" +
                          export_of("  <resource id='res-a'><title>&lt;a&gt; &amp; &quot;b&apos; &#233;&#xE9;&#x1F600; "
                                    "<![CDATA[<c> & ]]]]>\xF0\x9F\x98\x80</title></resource>\n") +
                          "<!-- after --><?after?>\n";
  const ExportRecord record = only_record(xml);
  EXPECT_EQ(record.id, "res-a");
  EXPECT_EQ(record.title, "<a> & \"b' éé\xF0\x9F\x98\x80 <c> & ]]\xF0\x9F\x98\x80");
}

// ---------------------------------------------------------------------------------------------------------------
// Limits: field lengths in characters once white space is collapsed, and values shown in messages cut to 80
// characters.

// `n` copies of "é" (one character, two bytes).
std::string accents(std::size_t n) {
  std::string text;
  for (std::size_t i = 0; i < n; ++i) text += "é";
  return text;
}

const std::string kCut = std::string(80, 'A') + "…";

std::vector<FaultCase> limit_cases() {
  return {
      {"LongTitle", titled(accents(1001)),
       {"t.xml:2:24: error: <resource> \"res-a\" has a <title> longer than the limit of 1000 characters"}},
      {"LongName",
       export_of("  <organisation id=\"org-a\">\n    <name>" + std::string(1001, 'n') +
                 "</name>\n    <kind>media</kind>\n  </organisation>\n"),
       {"t.xml:3:5: error: <organisation> \"org-a\" has a <name> longer than the limit of 1000 characters"}},
      {"LongAcronym",
       export_of("  <organisation id=\"org-a\">\n    <name>N</name>\n    <acronym>" + std::string(101, 'A') +
                 "</acronym>\n    <kind>media</kind>\n  </organisation>\n"),
       {"t.xml:4:5: error: <organisation> \"org-a\" has a <acronym> longer than the limit of 100 characters"}},
      {"LongUrl", resource_with("    <url>https://example.org/" + std::string(1981, 'u') + "</url>\n"),
       {"t.xml:4:5: error: <resource> \"res-a\" has a <url> longer than the limit of 2000 characters"}},
      {"LongSummary", resource_with("    <summary>" + accents(10001) + "</summary>\n"),
       {"t.xml:4:5: error: <resource> \"res-a\" has a <summary> longer than the limit of 10000 characters"}},
      {"LongDescription",
       export_of("  <organisation id=\"org-a\">\n    <name>N</name>\n    <kind>media</kind>\n    <description>" +
                 std::string(10001, 'd') + "</description>\n  </organisation>\n"),
       {"t.xml:5:5: error: <organisation> \"org-a\" has a <description> longer than the limit of 10000 characters"}},
      {"LongBody", resource_with("    <body>" + std::string(100001, 'b') + "</body>\n"),
       {"t.xml:4:5: error: <resource> \"res-a\" has a <body> longer than the limit of 100000 characters"}},
      {"LongAuthor", resource_with("    <authors><author>" + std::string(201, 'a') + "</author></authors>\n"),
       {"t.xml:4:14: error: <resource> \"res-a\" has a <author> longer than the limit of 200 characters"}},
      {"LongKeyword", resource_with("    <keywords><keyword>" + std::string(201, 'k') + "</keyword></keywords>\n"),
       {"t.xml:4:15: error: <resource> \"res-a\" has a <keyword> longer than the limit of 200 characters"}},
      {"LongRole",
       export_of("  <project id=\"prj-a\"><title>T</title><type>mooc</type><period start=\"2016\"/>\n"
                 "    <participants><participant ref=\"org-a\" role=\"" + std::string(101, 'r') +
                 "\"/></participants></project>\n"),
       {"t.xml:3:19: error: <project> \"prj-a\" has a role longer than the limit of 100 characters on <participant>"}},
      {"TextOverAMebibyteInParts",
       titled("<![CDATA[" + std::string(600000, 'a') + "]]><![CDATA[" + std::string(600000, 'a') + "]]>"),
       {"t.xml:2:24: error: <resource> \"res-a\" has a <title> longer than the limit of 1048576 bytes"}},
      {"LongInvalidIdIsCut", resource_with("", "id=\"" + std::string(200, 'A') + "\""),
       {"t.xml:2:3: error: <resource> has an invalid id \"" + kCut +
        "\" (expected lower-case letters, digits and '-', at most 64)"}},
      {"LongUnknownValueIsCut",
       export_of("  <organisation id=\"org-a\">\n    <name>N</name>\n    <kind>" + std::string(100, 'A') +
                 "</kind>\n  </organisation>\n"),
       {"t.xml:4:5: error: <organisation> \"org-a\" has an unknown kind \"" + kCut + "\" (expected one of: " + kKinds +
        ")"}},
      {"LongUnknownElementIsCut", resource_with("    <" + std::string(81, 'A') + "/>\n"),
       {"t.xml:4:5: error: <resource> \"res-a\" has an unknown element <" + kCut + ">"}},
      {"ControlCharactersAreShownEscaped", resource_with("", "id=\"a&#10;b&#9;&#x85;\""),
       {"t.xml:2:3: error: <resource> has an invalid id \"a\\nb\\t\\u0085\" (expected lower-case letters, digits and "
        "'-', at most 64)"}},
      {"TextInsideParticipants",
       export_of("  <project id=\"prj-a\"><title>T</title><type>mooc</type><period start=\"2016\"/>\n"
                 "    <participants>lost <participant ref=\"org-a\"/></participants></project>\n"),
       {"t.xml:3:5: error: <project> \"prj-a\" has text directly inside <participants>"}},
  };
}

INSTANTIATE_TEST_SUITE_P(Limits, ParseExportFault, ::testing::ValuesIn(limit_cases()),
                         [](const ::testing::TestParamInfo<FaultCase>& param_info) { return param_info.param.name; });

TEST(ParseExport, LimitsCountCharactersOfTheCollapsedText) {
  // 1,000 two-byte characters, and white space that collapses to nothing, are within the title's limit.
  EXPECT_EQ(only_record(titled("\n     " + accents(1000) + "   \n   ")).title, accents(1000));
  const std::string body = std::string(50000, 'b') + "\n\n          " + std::string(49999, 'b');
  EXPECT_EQ(only_record(resource_with("    <body>" + body + "</body>\n")).body.size(), 100000u);
}

TEST(ParseExport, DropsFaultyDocumentsKeepsTheirSiblingsAndReportsEveryFault) {
  const std::string xml = export_of(R"(  <organisation id="org-ok">
    <name>N</name>
    <kind>media</kind>
  </organisation>
  <organisation id="org-bad">
    <name>N</name>
    <kind>ngo</kind>
    <country>France</country>
  </organisation>
  <project id="prj-bad">
    <title>T</title>
    <type>webinar</type>
    <period start="2018" end="2016"/>
  </project>
  <resource id="res-ok">
    <title>T</title>
    <links><link ref="org-ok"/></links>
  </resource>
  <resource id="Res-Bad"/>
  <project id="prj-ok">
    <title>T</title>
    <type>mooc</type>
    <period start="2016"/>
  </project>
)");
  const ParsedExport parsed = parse(xml);
  EXPECT_EQ(ids_of(parsed), (std::vector<std::string>{"org-ok", "res-ok", "prj-ok"}));
  EXPECT_EQ(messages_of(parsed),
            (std::vector<std::string>{
                "t.xml:8:5: error: <organisation> \"org-bad\" has an unknown kind \"ngo\" (expected one of: " + kKinds +
                    ")",
                "t.xml:9:5: error: <organisation> \"org-bad\" has a country \"France\" that is not an ISO 3166 alpha-2 "
                "code (two capital letters)",
                "t.xml:13:5: error: <project> \"prj-bad\" has an unknown type \"webinar\" (expected one of: dossier, "
                "mooc, showcase)",
                "t.xml:14:5: error: <project> \"prj-bad\" has a period that ends (2016) before it starts (2018)",
                "t.xml:20:3: error: <resource> has an invalid id \"Res-Bad\" (expected lower-case letters, digits and "
                "'-', at most 64)",
                "t.xml:20:3: error: <resource> has no <title>",
            }));
}

// ---------------------------------------------------------------------------------------------------------------
// Locations on one long line: a minified export

TEST(ParseExport, LocatesEveryDocumentOfAMinifiedExport) {
  // 3,000 documents on line 2, each of exactly 59 characters (60 bytes: "É" takes two), the last with a fault.
  constexpr int kDocuments = 3000;
  constexpr int kChars = 59;
  std::string line;
  for (int k = 1; k <= kDocuments; ++k) {
    char id[16];
    std::snprintf(id, sizeof id, "res-%05d", k);
    const std::string document = std::string("<resource id=\"") + id + "\"><" + (k == kDocuments ? "titel" : "title") +
                                 ">Économie</" + (k == kDocuments ? "titel" : "title") + "></resource>";
    ASSERT_EQ(document.size(), kChars + 1u);
    line += document;
  }
  const ParsedExport parsed = parse(export_of(line + "\n"));
  ASSERT_EQ(parsed.records.size(), static_cast<std::size_t>(kDocuments - 1));
  for (int k = 1; k < kDocuments; ++k) {
    EXPECT_EQ(parsed.records[k - 1].where, at(2, (k - 1) * kChars + 1)) << "document " << k;
  }
  // The last document starts at column 2999 * 59 + 1; its <titel> 25 characters later.
  EXPECT_EQ(messages_of(parsed),
            (std::vector<std::string>{"t.xml:2:176967: error: <resource> \"res-03000\" has an unknown element <titel>",
                                      "t.xml:2:176942: error: <resource> \"res-03000\" has no <title>"}));
}

// ---------------------------------------------------------------------------------------------------------------
// Files

std::string source_path(std::string_view relative) { return std::string(CITEGO_SOURCE_DIR) + "/" + std::string(relative); }

TEST(ReadExportFile, ReadsTheMultilingualFixtures) {
  using IdLang = std::vector<std::pair<std::string, Lang>>;
  auto read = [](std::string_view relative) {
    const ParsedExport parsed = citego::read_export_file(source_path(relative));
    EXPECT_EQ(messages_of(parsed), std::vector<std::string>{});
    IdLang ids;
    for (const ExportRecord& r : parsed.records) ids.emplace_back(r.id, r.lang);
    return ids;
  };
  EXPECT_EQ(read("corpus/fixtures/multilingual/governance-en-es.xml"),
            (IdLang{{"org-fx-universidad-gestion", Lang::Es},
                    {"prj-fx-mooc-gobernanza", Lang::En},
                    {"prj-fx-vitrine-cities", Lang::En},
                    {"res-fx-participatory-budget", Lang::En},
                    {"res-fx-democracia-participativa", Lang::Es}}));
  EXPECT_EQ(read("corpus/fixtures/multilingual/territoires-fr-pt.xml"),
            (IdLang{{"org-fx-reseau-territoires", Lang::Fr},
                    {"org-fx-instituto-governanca", Lang::Pt},
                    {"prj-fx-democratie-participative", Lang::Fr},
                    {"res-fx-economie-solidaire", Lang::Fr},
                    {"res-fx-orcamento-participativo", Lang::Pt}}));
  EXPECT_EQ(read("corpus/citego-partners.xml").size(), 21u);
}

TEST(ReadExportFile, ReportsAnUnreadableFile) {
  const std::string path = source_path("corpus/no-such-export.xml");
  const ParsedExport parsed = citego::read_export_file(path);
  EXPECT_TRUE(parsed.records.empty());
  EXPECT_EQ(messages_of(parsed), std::vector<std::string>{path + ": error: cannot read: No such file or directory"});
}

}  // namespace
