// The contract between citego-index and citego-search.
//
// This header is the only place that names the export format's allowed values, the searchable fields, the Xapian term
// prefixes, the value slots, the facets, the stored-data layout and the database metadata keys. The indexer writes
// databases with it and the searcher reads them with it; schema/README.md is its prose twin.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

namespace citego::schema {

// Bumped whenever a database written by one version cannot be read correctly by another.
inline constexpr int kSchemaVersion = 1;
// The value of <citego-export version="…"> this code reads.
inline constexpr std::string_view kExportFormatVersion = "1";

// Database metadata keys (Xapian::Database::get_metadata).
inline constexpr std::string_view kMetaSchemaVersion = "citego.schema_version";
inline constexpr std::string_view kMetaBuiltAt = "citego.built_at";
inline constexpr std::string_view kMetaInputCount = "citego.input_files";
inline constexpr std::string_view kMetaDocumentCount = "citego.documents";
inline constexpr std::string_view kMetaIndexerVersion = "citego.indexer_version";

// ---------------------------------------------------------------------------------------------------------------
// Document kinds and languages

enum class DocType { Organisation, Project, Resource };
inline constexpr std::array kDocTypes = {DocType::Organisation, DocType::Project, DocType::Resource};

// "organisation", "project", "resource": the XML element name, the doc_type facet value and the JSON name.
std::string_view name_of(DocType type);
std::optional<DocType> doc_type_from_name(std::string_view name);

enum class Lang { Fr, En, Es, Pt };
inline constexpr std::array kLangs = {Lang::Fr, Lang::En, Lang::Es, Lang::Pt};

// "fr", "en", "es", "pt": the xml:lang value, the lang facet value and the --lang option value.
std::string_view code_of(Lang lang);
std::optional<Lang> lang_from_code(std::string_view code);
// The Snowball stemmer's name for the language ("french", "english", "spanish", "portuguese").
std::string_view stemmer_name_of(Lang lang);

// ---------------------------------------------------------------------------------------------------------------
// Closed vocabularies of the export format, in the order the documentation lists them.

inline constexpr std::array<std::string_view, 12> kOrganisationKinds = {
    "professional-network", "training-organisation", "higher-education", "elected-officials-network",
    "citizens-association", "design-office", "research-centre", "foundation",
    "company", "media", "think-tank", "public-body"};
inline constexpr std::array<std::string_view, 3> kRelations = {"technical", "strategic-financial", "ecosystem"};
inline constexpr std::array<std::string_view, 3> kProjectTypes = {"dossier", "mooc", "showcase"};
inline constexpr std::array<std::string_view, 6> kResourceCategories = {
    "analysis", "case-study", "proposal", "resource-sheet", "territory", "concept"};

// Whether `value` belongs to one of the vocabularies above.
template <std::size_t N>
bool is_one_of(std::string_view value, const std::array<std::string_view, N>& vocabulary) {
  for (std::string_view v : vocabulary) {
    if (v == value) return true;
  }
  return false;
}

// A vocabulary as "a, b, c", for error messages.
template <std::size_t N>
std::string list_of(const std::array<std::string_view, N>& vocabulary) {
  std::string out;
  for (std::string_view v : vocabulary) {
    if (!out.empty()) out += ", ";
    out += v;
  }
  return out;
}

// Years the format accepts (four digits).
inline constexpr int kMinYear = 1000;
inline constexpr int kMaxYear = 2999;

// ---------------------------------------------------------------------------------------------------------------
// Searchable fields. Each field's text is indexed twice: unprefixed (so plain words find it) with `weight` as the
// within-document frequency increment, and under its own prefix with weight 1 (so `title:word` finds only titles).

enum class Field { Title, Author, Keyword, Summary, Body };

struct FieldSpec {
  Field field;
  std::string_view prefix;                    // term prefix for field searches; empty: no field search
  unsigned weight;                            // wdf increment of the unprefixed terms
  std::array<std::string_view, 2> query_names;  // names in the query language (`title:`); empty entries unused
};

inline constexpr std::array<FieldSpec, 5> kFields = {{
    {Field::Title, "S", 4, {"title", "name"}},
    {Field::Author, "A", 2, {"author", ""}},
    {Field::Keyword, "K", 3, {"keyword", ""}},
    {Field::Summary, "", 2, {"", ""}},
    {Field::Body, "", 1, {"", ""}},
}};

const FieldSpec& spec_of(Field field);

// Term positions between two fields are this far apart, so a phrase never spans fields.
inline constexpr unsigned kFieldGap = 100;

// Boolean term that identifies a document by its export id ("Q" + id).
inline constexpr std::string_view kPrefixId = "Q";
std::string id_term(std::string_view id);

// Prefix Xapian's TermGenerator and QueryParser give to stemmed terms.
inline constexpr std::string_view kPrefixStem = "Z";

// ---------------------------------------------------------------------------------------------------------------
// Facets. Each facet value is stored twice: as a boolean filter term (prefix + value) and in the packed facet value
// slot, which a match spy reads once per matching document to count every facet at the same time.

enum class Facet { Year, ProjectType, OrganisationKind, DocType, Lang };
inline constexpr std::size_t kFacetCount = 5;

struct FacetSpec {
  Facet facet;
  std::string_view name;                        // JSON key, --filter name, and long query-language prefix
  std::string_view short_name;                  // extra query-language prefix ("type:"); may be empty
  std::string_view term_prefix;                 // boolean filter term prefix
  char packed_code;                             // tag of the facet's values in the packed slot
};

inline constexpr std::array<FacetSpec, kFacetCount> kFacets = {{
    {Facet::Year, "year", "", "XY", 'Y'},
    {Facet::ProjectType, "project_type", "type", "XT", 'T'},
    {Facet::OrganisationKind, "organisation_kind", "kind", "XK", 'K'},
    {Facet::DocType, "doc_type", "doctype", "XD", 'D'},
    {Facet::Lang, "lang", "", "XL", 'L'},
}};

const FacetSpec& spec_of(Facet facet);
std::optional<Facet> facet_from_name(std::string_view name);  // accepts name and short_name
std::size_t index_of(Facet facet);                            // position in kFacets

std::string facet_term(Facet facet, std::string_view value);

// The facet values of one document, each list sorted and without duplicates (years as four-digit strings).
struct FacetValues {
  std::array<std::vector<std::string>, kFacetCount> values;

  std::vector<std::string>& operator[](Facet f) { return values[index_of(f)]; }
  const std::vector<std::string>& operator[](Facet f) const { return values[index_of(f)]; }
  bool operator==(const FacetValues&) const = default;
};

// Packed slot layout: for each value, its facet's packed_code, the value, then '\n'. Facet values never contain '\n'.
std::string pack_facets(const FacetValues& facets);
// Inverse of pack_facets. Throws std::invalid_argument on a value that pack_facets cannot have written.
FacetValues unpack_facets(std::string_view packed);

// ---------------------------------------------------------------------------------------------------------------
// Value slots.

inline constexpr Xapian::valueno kSlotFacets = 0;    // pack_facets()
inline constexpr Xapian::valueno kSlotYearMin = 1;   // sortable_serialise(oldest year), or kNoYearLow
inline constexpr Xapian::valueno kSlotYearMax = 2;   // sortable_serialise(newest year), or empty

// Sort key for kSlotYearMin when a document has no year: sorts after every year in ascending order.
std::string no_year_low_key();

// ---------------------------------------------------------------------------------------------------------------
// Stored document data: what a hit shows, serialised with MessagePack.

struct StoredDocument {
  std::string id;
  DocType doc_type = DocType::Resource;
  Lang lang = Lang::En;
  std::string title;
  std::string url;
  std::string summary;  // <summary>, or an organisation's <description>
  std::string body;
  bool operator==(const StoredDocument&) const = default;
};

std::string encode_stored(const StoredDocument& doc);
// Throws std::invalid_argument when `data` was not written by encode_stored of this schema version.
StoredDocument decode_stored(std::string_view data);

}  // namespace citego::schema
