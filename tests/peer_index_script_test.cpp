// bench/speed/citego.index-script, the index script scriptindex runs in the speed benchmark, spells citego's term
// prefixes, wdf weights and value slots again in scriptindex's language: each of its lines must be the line
// schema/include/citego/schema.h gives, so that the benchmark's peer indexes what citego indexes.
#include <fstream>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "citego/schema.h"

namespace citego {
namespace {

using schema::Facet;
using schema::Field;

// The index script's rules, "FIELD : ACTIONS" each (comments and blank lines aside), by field.
std::map<std::string, std::string> rules_of(const std::string& path) {
  std::ifstream in(path);
  std::map<std::string, std::string> rules;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const std::size_t colon = line.find(" : ");
    EXPECT_NE(colon, std::string::npos) << line;
    if (colon != std::string::npos) rules[line.substr(0, colon)] = line.substr(colon + 3);
  }
  return rules;
}

// A field indexed as citego does: unprefixed with the field's weight, then under its prefix with weight 1.
std::string text_rule(std::string_view stored, Field field) {
  const schema::FieldSpec& spec = schema::spec_of(field);
  std::string rule = stored.empty() ? "" : "field=" + std::string(stored) + " ";
  rule += "gap";
  if (spec.weight != 1) rule += " weight=" + std::to_string(spec.weight);
  rule += " index";
  if (!spec.prefix.empty()) rule += " weight=1 index=" + std::string(spec.prefix);
  return rule;
}

std::string boolean_rule(Facet facet) { return "boolean=" + std::string(schema::spec_of(facet).term_prefix); }

TEST(PeerIndexScript, EveryRuleIsTheSchemas) {
  const std::string path = std::string(CITEGO_SOURCE_DIR) + "/bench/speed/citego.index-script";
  const std::string id(schema::kPrefixId);
  const std::map<std::string, std::string> expected = {
      {"id", "field=id boolean=" + id + " unique=" + id},
      {"doctype", boolean_rule(Facet::DocType)},
      {"lang", boolean_rule(Facet::Lang)},
      {"title", text_rule("title", Field::Title)},
      {"acronym", text_rule("", Field::Title)},
      {"summary", text_rule("summary", Field::Summary)},
      {"body", text_rule("body", Field::Body)},
      {"author", text_rule("", Field::Author)},
      {"keyword", text_rule("", Field::Keyword)},
      {"year", boolean_rule(Facet::Year)},
      {"type", boolean_rule(Facet::ProjectType)},
      {"kind", boolean_rule(Facet::OrganisationKind)},
      {"yearmin", "valuenumeric=" + std::to_string(schema::kSlotYearMin)},
      {"yearmax", "valuenumeric=" + std::to_string(schema::kSlotYearMax)},
      {"facets", "value=" + std::to_string(schema::kSlotFacets)},
      {"url", "field=url"},
  };
  EXPECT_EQ(rules_of(path), expected);
  // scriptindex's "gap" is 100 positions: citego's gap between fields must be the same.
  EXPECT_EQ(schema::kFieldGap, 100u);
}

}  // namespace
}  // namespace citego
