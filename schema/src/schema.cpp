// Names, terms and encodings of the schema (see citego/schema.h).
#include "citego/schema.h"
#include "citego/record.h"

#include <algorithm>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace citego::schema {

namespace {

struct LangSpec {
  Lang lang;
  std::string_view code;
  std::string_view stemmer;
};

constexpr std::array<LangSpec, 4> kLangSpecs = {{
    {Lang::Fr, "fr", "french"},
    {Lang::En, "en", "english"},
    {Lang::Es, "es", "spanish"},
    {Lang::Pt, "pt", "portuguese"},
}};

const LangSpec& lang_spec(Lang lang) { return kLangSpecs[static_cast<std::size_t>(lang)]; }

}  // namespace

std::string_view name_of(DocType type) {
  switch (type) {
    case DocType::Organisation: return "organisation";
    case DocType::Project: return "project";
    case DocType::Resource: return "resource";
  }
  throw std::logic_error("unknown DocType");
}

std::optional<DocType> doc_type_from_name(std::string_view name) {
  for (DocType t : kDocTypes) {
    if (name_of(t) == name) return t;
  }
  return std::nullopt;
}

std::string_view code_of(Lang lang) { return lang_spec(lang).code; }
std::string_view stemmer_name_of(Lang lang) { return lang_spec(lang).stemmer; }

std::optional<Lang> lang_from_code(std::string_view code) {
  for (const LangSpec& spec : kLangSpecs) {
    if (spec.code == code) return spec.lang;
  }
  return std::nullopt;
}

const FieldSpec& spec_of(Field field) { return kFields[static_cast<std::size_t>(field)]; }

std::string id_term(std::string_view id) { return std::string(kPrefixId) + std::string(id); }

const FacetSpec& spec_of(Facet facet) { return kFacets[index_of(facet)]; }
std::size_t index_of(Facet facet) { return static_cast<std::size_t>(facet); }

std::optional<Facet> facet_from_name(std::string_view name) {
  for (const FacetSpec& spec : kFacets) {
    if (spec.name == name || (!spec.short_name.empty() && spec.short_name == name)) return spec.facet;
  }
  return std::nullopt;
}

std::string facet_term(Facet facet, std::string_view value) {
  return std::string(spec_of(facet).term_prefix) + std::string(value);
}

std::string pack_facets(const FacetValues& facets) {
  std::string packed;
  for (const FacetSpec& spec : kFacets) {
    for (const std::string& value : facets[spec.facet]) {
      packed += spec.packed_code;
      packed += value;
      packed += '\n';
    }
  }
  return packed;
}

FacetValues unpack_facets(std::string_view packed) {
  FacetValues facets;
  while (!packed.empty()) {
    const std::size_t end = packed.find('\n');
    if (end == std::string_view::npos || end == 0) throw std::invalid_argument("corrupt packed facet value");
    const char code = packed[0];
    const auto spec = std::find_if(kFacets.begin(), kFacets.end(),
                                   [code](const FacetSpec& s) { return s.packed_code == code; });
    if (spec == kFacets.end()) throw std::invalid_argument("unknown facet code in packed facet value");
    facets[spec->facet].emplace_back(packed.substr(1, end - 1));
    packed.remove_prefix(end + 1);
  }
  return facets;
}

std::string no_year_low_key() { return Xapian::sortable_serialise(kMaxYear + 1); }

// Stored data is a MessagePack map with short keys; "v" is the schema version that wrote it.
std::string encode_stored(const StoredDocument& doc) {
  nlohmann::json j = {
      {"v", kSchemaVersion},
      {"id", doc.id},
      {"t", name_of(doc.doc_type)},
      {"l", code_of(doc.lang)},
      {"ti", doc.title},
      {"u", doc.url},
      {"s", doc.summary},
      {"b", doc.body},
  };
  const std::vector<std::uint8_t> bytes = nlohmann::json::to_msgpack(j);
  return std::string(bytes.begin(), bytes.end());
}

StoredDocument decode_stored(std::string_view data) {
  nlohmann::json j;
  try {
    j = nlohmann::json::from_msgpack(data.begin(), data.end());
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("corrupt stored document: ") + e.what());
  }
  if (!j.is_object() || j.value("v", 0) != kSchemaVersion) {
    throw std::invalid_argument("stored document of another schema version");
  }
  StoredDocument doc;
  try {
    doc.id = j.at("id").get<std::string>();
    const auto type = doc_type_from_name(j.at("t").get<std::string>());
    const auto lang = lang_from_code(j.at("l").get<std::string>());
    if (!type || !lang) throw std::invalid_argument("stored document with unknown type or language");
    doc.doc_type = *type;
    doc.lang = *lang;
    doc.title = j.at("ti").get<std::string>();
    doc.url = j.at("u").get<std::string>();
    doc.summary = j.at("s").get<std::string>();
    doc.body = j.at("b").get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("corrupt stored document: ") + e.what());
  }
  return doc;
}

}  // namespace citego::schema

namespace citego {

std::string to_string(const SourceLocation& where) {
  if (where.line <= 0) return where.file;
  return where.file + ":" + std::to_string(where.line) + ":" + std::to_string(where.column);
}

}  // namespace citego
