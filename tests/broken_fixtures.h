// The broken fixtures of version 2 whose fault the reader finds (corpus/fixtures/broken/README.md): each file and the
// one diagnostic it gives, as citego-index prints it when run in corpus/fixtures/broken/. Shared by
// tests/export_reader_test.cpp (the reader alone) and tests/index_cli_test.cpp (the binary), so the two cannot
// drift apart.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace citego::test {

struct BrokenFixture {
  std::string file;        // in corpus/fixtures/broken/
  std::string diagnostic;  // "file:line:col: error: message\n"
};

inline std::vector<BrokenFixture> version_2_broken_fixtures() {
  return {
      {"bad-fiche-type.xml",
       "bad-fiche-type.xml:8:5: error: <fiche> \"fic-broken-type\" has an unknown type \"essay\" (expected one of: "
       "introduction, analysis, case, proposal, resource, notion)\n"},
      {"bad-date.xml",
       "bad-date.xml:9:5: error: <fiche> \"fic-broken-date\" has a date \"14/03/2017\", which is not a date (expected "
       "YYYY, YYYY-MM or YYYY-MM-DD)\n"},
      {"impossible-date.xml",
       "impossible-date.xml:9:5: error: <fiche> \"fic-broken-impossible-date\" has a date \"2019-02-29\", which does "
       "not exist (2019-02 has 28 days)\n"},
      {"date-out-of-range.xml",
       "date-out-of-range.xml:9:5: error: <fiche> \"fic-broken-date-range\" has a date \"0999-05\" with a year outside "
       "1000 to 2999\n"},
      {"author-ref-and-text.xml",
       "author-ref-and-text.xml:14:7: error: <fiche> \"fic-broken-author\" has an <author> with both a ref and text (a "
       "person's ref or a name, not both)\n"},
      {"author-empty.xml",
       "author-empty.xml:10:7: error: <fiche> \"fic-broken-empty-author\" has an <author> with neither a ref nor text "
       "(a person's ref or a name)\n"},
      {"empty-places.xml", "empty-places.xml:9:5: error: <fiche> \"fic-broken-empty-places\" has an empty <places>\n"},
      {"fiche-unknown-element.xml",
       "fiche-unknown-element.xml:9:5: error: <fiche> \"fic-broken-unknown-element\" has an unknown element "
       "<period>\n"},
      {"coordinator-with-content.xml",
       "coordinator-with-content.xml:13:5: error: <dossier> \"dos-broken-coordinator\" has content inside "
       "<coordinator>, which takes attributes only\n"},
      {"person-without-name.xml",
       "person-without-name.xml:6:3: error: <person> \"per-broken-no-name\" has no <name>\n"},
      {"bad-descriptor-family.xml",
       "bad-descriptor-family.xml:6:3: error: <descriptor> \"dsc-broken-family\" has an unknown family \"economy\" "
       "(expected one of: territory, governance)\n"},
      {"no-label.xml", "no-label.xml:6:3: error: <descriptor> \"dsc-broken-no-label\" has no <label>\n"},
      {"duplicate-label-lang.xml",
       "duplicate-label-lang.xml:9:5: error: <descriptor> \"dsc-broken-labels\" has more than one <label "
       "xml:lang=\"fr\">\n"},
      {"bad-label-lang.xml",
       "bad-label-lang.xml:8:5: error: <descriptor> \"dsc-broken-label-lang\" has a <label> in an unsupported language "
       "\"de\" (expected fr, en, es or pt)\n"},
      {"bad-place-level.xml",
       "bad-place-level.xml:10:3: error: <place> \"plc-broken-town\" has an unknown level \"town\" (expected one of: "
       "continent, country, region, city)\n"},
      {"unknown-iso-code.xml",
       "unknown-iso-code.xml:10:3: error: <place> \"plc-broken-zz\" has a code \"ZZ\" that is no country's ISO 3166 "
       "alpha-2 code\n"},
      {"country-without-code.xml",
       "country-without-code.xml:10:3: error: <place> \"plc-broken-fr\" has no code attribute (a country needs its ISO "
       "3166 alpha-2 code)\n"},
      {"code-on-city.xml",
       "code-on-city.xml:14:3: error: <place> \"plc-broken-lyon\" has a code attribute, which only a country takes "
       "(its level is city)\n"},
      {"continent-with-parent.xml",
       "continent-with-parent.xml:10:3: error: <place> \"plc-broken-europe\" has a parent attribute, which a continent "
       "does not take\n"},
      {"city-without-parent.xml",
       "city-without-parent.xml:6:3: error: <place> \"plc-broken-lyon\" has no parent attribute (only a continent has "
       "none; a city is inside another place)\n"},
      {"javascript-url.xml",
       "javascript-url.xml:9:5: error: <organisation> \"org-broken-url\" has a <url> "
       "\"javascript:alert(document.cookie)\" that does not start with http:// or https://\n"},
      {"v2-element-in-v1.xml",
       "v2-element-in-v1.xml:6:3: error: <fiche> needs version 2 of the export format (this file is version 1)\n"},
  };
}

// The faults of version 2 between two records, which the reference graph finds (the reader accepts each file).
inline std::vector<BrokenFixture> version_2_reference_fixtures() {
  return {
      {"dangling-descriptor.xml",
       "dangling-descriptor.xml:10:7: error: <fiche> \"fic-broken-dangling-descriptor\" refers to unknown descriptor "
       "\"dsc-missing\"\n"},
      {"dangling-place.xml",
       "dangling-place.xml:10:7: error: <fiche> \"fic-broken-dangling-place\" refers to unknown place "
       "\"plc-missing\"\n"},
      {"translation-same-lang.xml",
       "translation-same-lang.xml:14:5: error: <fiche> \"fic-broken-same-lang\" is in fr, like \"fic-broken-original\" "
       "of the same translation group (a group holds one fiche per language)\n"},
      {"translation-cycle.xml",
       "translation-cycle.xml:9:5: error: <fiche> \"fic-broken-cycle-en\": translation-of forms a cycle "
       "(fic-broken-cycle-en → fic-broken-cycle-es → fic-broken-cycle-en)\n"},
      {"place-cycle.xml",
       "place-cycle.xml:6:3: error: <place> \"plc-broken-region-a\": parent forms a cycle (plc-broken-region-a → "
       "plc-broken-region-b → plc-broken-region-a)\n"},
      {"affiliation-not-organisation.xml",
       "affiliation-not-organisation.xml:14:5: error: <person> \"per-broken-affiliation\" has affiliation "
       "\"prj-broken-affiliation\", which is a project, not an organisation\n"},
      {"dossier-ref-to-project.xml",
       "dossier-ref-to-project.xml:16:7: error: <fiche> \"fic-broken-dossier-ref\" has dossier "
       "\"prj-broken-not-dossier\", which is a project, not a dossier\n"},
  };
}

}  // namespace citego::test
