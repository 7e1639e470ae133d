// The contract between citego-index and citego-search.
//
// This header is the only place that names the export format's allowed values, the searchable fields, the Xapian term
// prefixes, the value slots, the facets, the stored-data layout and the database metadata keys. The indexer writes
// databases with it and the searcher reads them with it; schema/README.md is its prose twin.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <xapian.h>

namespace citego::schema {

// Bumped whenever a database written by one version cannot be read correctly by another.
inline constexpr int kSchemaVersion = 3;
// The values of <citego-export version="…"> this code reads: version 1 (organisations, projects, resources) and
// version 2 (version 1 plus persons, descriptors, places, dossiers and fiches). A run may mix both.
inline constexpr std::array<std::string_view, 2> kExportFormatVersions = {"1", "2"};
inline constexpr std::string_view kExportFormatVersion = "2";  // the newest

// Database metadata keys (Xapian::Database::get_metadata).
inline constexpr std::string_view kMetaSchemaVersion = "citego.schema_version";
inline constexpr std::string_view kMetaBuiltAt = "citego.built_at";
inline constexpr std::string_view kMetaInputCount = "citego.input_files";
inline constexpr std::string_view kMetaDocumentCount = "citego.documents";
inline constexpr std::string_view kMetaIndexerVersion = "citego.indexer_version";
inline constexpr std::string_view kMetaUpdatedAt = "citego.updated_at";  // the last --update or --delete, if any
// Labels of facet values: kMetaLabelPrefix + facet name + ":" + value (label_key) -> encode_labels().
inline constexpr std::string_view kMetaLabelPrefix = "citego.label.";
// How a word of the spelling table is written: kMetaWrittenFormPrefix + the word (folded, lower case) -> its most
// frequent written form in the documents, lower case (analysis::most_frequent_form), for the words whose written form
// is not the word itself ("democratie" -> "démocratie"). Suggestions are shown so.
inline constexpr std::string_view kMetaWrittenFormPrefix = "citego.written_form.";
// Facet value ids (kSlotFacetIds): kMetaFacetIds is "1" when every document has the id slot; the values of each facet
// of ValueRule::Id are kMetaFacetValuesPrefix + facet name -> encode_facet_values() (FacetDictionary).
inline constexpr std::string_view kMetaFacetIds = "citego.facet_ids";
inline constexpr std::string_view kMetaFacetValuesPrefix = "citego.facet_values.";
// A shard of a set written by citego-index --shards N (schema/README.md, "Shards"): kMetaShardSet is "1" when the
// documents have the shard slots (kSlotFacetSetBase + facet, kSlotBrowseNewest, kSlotBrowseOldest); kMetaShard is
// "K/N", this shard's number and the set's size. kMetaSite: the site the database's documents belong to (the `site`
// facet of a search over several sites' databases); empty or absent: none.
inline constexpr std::string_view kMetaShardSet = "citego.shard_set";
inline constexpr std::string_view kMetaShard = "citego.shard";
inline constexpr std::string_view kMetaSite = "citego.site";

// ---------------------------------------------------------------------------------------------------------------
// Document kinds and languages

enum class DocType { Organisation, Project, Resource, Dossier, Fiche };
inline constexpr std::array kDocTypes = {DocType::Organisation, DocType::Project, DocType::Resource, DocType::Dossier,
                                         DocType::Fiche};

// "organisation", "project", "resource", "dossier", "fiche": the XML element name, the doc_type facet value and the
// JSON name.
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

inline constexpr std::array<std::string_view, 12> kOrganisationKinds = {"professional-network",
                                                                        "training-organisation",
                                                                        "higher-education",
                                                                        "elected-officials-network",
                                                                        "citizens-association",
                                                                        "design-office",
                                                                        "research-centre",
                                                                        "foundation",
                                                                        "company",
                                                                        "media",
                                                                        "think-tank",
                                                                        "public-body"};
inline constexpr std::array<std::string_view, 3> kRelations = {"technical", "strategic-financial", "ecosystem"};
inline constexpr std::array<std::string_view, 3> kProjectTypes = {"dossier", "mooc", "showcase"};
inline constexpr std::array<std::string_view, 6> kResourceCategories = {"analysis",       "case-study", "proposal",
                                                                        "resource-sheet", "territory",  "concept"};
// <fiche><type>: the fiche_type facet.
inline constexpr std::array<std::string_view, 6> kFicheTypes = {"introduction", "analysis", "case",
                                                                "proposal",     "resource", "notion"};
// <descriptor family="…">: a component of the territory, or an angle of approach to governance.
inline constexpr std::array<std::string_view, 2> kDescriptorFamilies = {"territory", "governance"};
// <place level="…">, from the widest.
inline constexpr std::array<std::string_view, 4> kPlaceLevels = {"continent", "country", "region", "city"};

// Whether `code` is an assigned ISO 3166-1 alpha-2 country code (two capital letters).
bool is_iso_country(std::string_view code);

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
  std::string_view prefix;                      // term prefix for field searches; empty: no field search
  unsigned weight;                              // wdf increment of the unprefixed terms
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
// Whether `name` is a field's name in the query language (title, name, author, keyword).
bool is_field_query_name(std::string_view name);

// Term positions between two fields are this far apart, so a phrase never spans fields.
inline constexpr unsigned kFieldGap = 100;

// Boolean term that identifies a document by its export id ("Q" + id).
inline constexpr std::string_view kPrefixId = "Q";
std::string id_term(std::string_view id);

// Words of the labels of a document's descriptors and places, in every language the thesaurus gives: indexed as a
// field with this prefix, each label in its own language ("B" + word, "ZB" + stem), wdf 1, so that a query word that
// names a descriptor or a place finds the documents indexed with it, below a text match of the same word.
inline constexpr std::string_view kPrefixLabel = "B";

// Prefix Xapian's TermGenerator and QueryParser give to stemmed terms.
inline constexpr std::string_view kPrefixStem = "Z";

// ---------------------------------------------------------------------------------------------------------------
// Facets. Each facet value is stored twice: as a boolean filter term (prefix + value) and in the packed facet value
// slot, which a match spy reads once per matching document to count every facet at the same time.
//
// A facet is one entry of kFacets: its names, its term prefix, which values it takes (a closed vocabulary, a year,
// or the ids of one kind of record), where the labels of its values come from, and how hits show it. Filters, the
// query language, JSON, text, CSV columns and help all follow this table; how each document gets its values is the
// indexer's derivation (reference_graph.cpp, one rule per facet).

enum class Facet {
  Year,
  ProjectType,
  OrganisationKind,
  DocType,
  Lang,
  FicheType,
  Descriptor,
  Place,
  Author,
  Dossier,
  Partner
};
inline constexpr std::size_t kFacetCount = 11;

// What values a facet takes.
enum class ValueRule {
  Year,        // four-digit years; filters take ranges (YYYY..YYYY)
  Vocabulary,  // one of a closed list (FacetSpec::vocabulary), lower case
  Id,          // ids of records of the export (lower case); unknown ids match nothing
};

// Where the label of a facet value comes from (written in the database metadata by citego-index, label_key()).
enum class LabelSource {
  None,          // the value is its own label
  Thesaurus,     // <label xml:lang> of the descriptor or place
  Person,        // the person's <name>
  Title,         // the dossier's <title>, in its language
  Organisation,  // the organisation's acronym, else its name
};

struct FacetSpec {
  Facet facet;
  std::string_view name;         // JSON key, --filter name, and long query-language prefix
  std::string_view short_name;   // extra query-language prefix ("type:"); may be empty
                                 // (`name:` is a prefix too, unless a field has that name)
  std::string_view term_prefix;  // boolean filter term prefix
  char packed_code;              // tag of the facet's values in the packed slot
  ValueRule rule;
  std::span<const std::string_view> vocabulary;  // ValueRule::Vocabulary only; doc_type and lang are filled in
  LabelSource labels;
  bool in_hits;           // shown in each hit's "facets" (JSON, text) and as a CSV column
  std::string_view help;  // one line for --help
};

namespace detail {
inline constexpr std::array<std::string_view, 5> kDocTypeNames = {"organisation", "project", "resource", "dossier",
                                                                  "fiche"};
inline constexpr std::array<std::string_view, 4> kLangCodes = {"fr", "en", "es", "pt"};
}  // namespace detail

inline constexpr std::array<FacetSpec, kFacetCount> kFacets = {{
    {Facet::Year,
     "year",
     "",
     "XY",
     'Y',
     ValueRule::Year,
     {},
     LabelSource::None,
     true,
     "years (YYYY, YYYY..YYYY, ..YYYY, YYYY..)"},
    {Facet::ProjectType, "project_type", "type", "XT", 'T', ValueRule::Vocabulary, kProjectTypes, LabelSource::None,
     true, "type of the project or dossier: dossier, mooc, showcase"},
    {Facet::OrganisationKind, "organisation_kind", "kind", "XK", 'K', ValueRule::Vocabulary, kOrganisationKinds,
     LabelSource::None, true, "kind of the organisations involved"},
    {Facet::DocType, "doc_type", "doctype", "XD", 'D', ValueRule::Vocabulary, detail::kDocTypeNames, LabelSource::None,
     false, "organisation, project, resource, dossier, fiche"},
    {Facet::Lang, "lang", "", "XL", 'L', ValueRule::Vocabulary, detail::kLangCodes, LabelSource::None, false,
     "language of the document: fr, en, es, pt"},
    {Facet::FicheType, "fiche_type", "fiche", "XF", 'F', ValueRule::Vocabulary, kFicheTypes, LabelSource::None, true,
     "kind of fiche: introduction, analysis, case, proposal, resource, notion"},
    {Facet::Descriptor,
     "descriptor",
     "descr",
     "XE",
     'E',
     ValueRule::Id,
     {},
     LabelSource::Thesaurus,
     true,
     "descriptor of the relational atlas, by id"},
    {Facet::Place,
     "place",
     "",
     "XP",
     'P',
     ValueRule::Id,
     {},
     LabelSource::Thesaurus,
     true,
     "place, by id; a country keeps its regions and cities, a continent its countries"},
    {Facet::Author,
     "author",
     "person",
     "XA",
     'A',
     ValueRule::Id,
     {},
     LabelSource::Person,
     true,
     "author, by person id (in QUERY: person:ID, as author: searches names)"},
    {Facet::Dossier, "dossier", "", "XO", 'O', ValueRule::Id, {}, LabelSource::Title, true, "dossier, by id"},
    {Facet::Partner,
     "partner",
     "",
     "XR",
     'R',
     ValueRule::Id,
     {},
     LabelSource::Organisation,
     true,
     "partner organisation, linked directly or through a project or dossier, by id"},
}};

const FacetSpec& spec_of(Facet facet);
std::optional<Facet> facet_from_name(std::string_view name);  // accepts name and short_name
std::size_t index_of(Facet facet);                            // position in kFacets
// "year, project_type or type, …": the facet names for messages and help.
std::string facet_names_for_messages();

std::string facet_term(Facet facet, std::string_view value);

// The facet values of one document, each list sorted and without duplicates (years as four-digit strings).
struct FacetValues {
  std::array<std::vector<std::string>, kFacetCount> values;

  std::vector<std::string>& operator[](Facet f) { return values[index_of(f)]; }
  const std::vector<std::string>& operator[](Facet f) const { return values[index_of(f)]; }
  bool operator==(const FacetValues&) const = default;
};

// ---------------------------------------------------------------------------------------------------------------
// Labels of facet values, per language (an empty string: no label in that language).

using Labels = std::array<std::string, 4>;  // by Lang: fr, en, es, pt

// The metadata key of a facet value's labels.
std::string label_key(Facet facet, std::string_view value);
std::string encode_labels(const Labels& labels);
// Throws std::invalid_argument on data encode_labels cannot have written.
Labels decode_labels(std::string_view data);
// The label to show: in `preferred`, else in `fallback`, else the first of fr, en, es, pt that exists; empty when
// there is none.
const std::string& pick_label(const Labels& labels, std::optional<Lang> preferred, std::optional<Lang> fallback);

// Packed slot layout: for each value, its facet's packed_code, the value, then '\n'. Facet values never contain '\n'.
std::string pack_facets(const FacetValues& facets);
// Inverse of pack_facets. Throws std::invalid_argument on a value that pack_facets cannot have written.
FacetValues unpack_facets(std::string_view packed);

// ---------------------------------------------------------------------------------------------------------------
// Facet value ids: the facet values of a document as small numbers, so that counting them over the matches is an
// array increment per value instead of reading and hashing strings (schema/README.md, "Facet value ids").
//
// Each facet numbers its values 0, 1, …: a year is year - kMinYear; a vocabulary value its position in the
// facet's vocabulary; a value of a ValueRule::Id facet its position in that facet's list, which citego-index writes
// in the database metadata (facet_values_key). A full build lists every id the corpus defines for the facet
// (descriptors, places, persons, dossiers, organisations), in byte order, before any document is written, so that
// every writer thread gives a value the same id. A later update appends the values it adds to the end of a list:
// the ids already written stay valid, and readers must not take id order for value order.
class FacetDictionary {
 public:
  using Lists = std::array<std::vector<std::string>, kFacetCount>;
  FacetDictionary() = default;
  // `lists`: the values of each ValueRule::Id facet, by id (the entries of the other facets must be empty). Throws
  // std::invalid_argument on a duplicate, an empty value, a value with '\n', or a list for another facet.
  explicit FacetDictionary(Lists lists);
  // The id of `value` in facet `facet` (index_of); none for an empty value or a year outside kMinYear..kMaxYear.
  // Throws std::invalid_argument for another value the facet cannot take.
  std::optional<std::uint32_t> id_of(std::size_t facet, std::string_view value) const;
  const std::vector<std::string>& list(std::size_t facet) const { return lists_[facet]; }
  // kMetaFacetIds and the list of every ValueRule::Id facet, as database metadata.
  std::vector<std::pair<std::string, std::string>> metadata() const;

 private:
  Lists lists_;
  std::array<std::map<std::string, std::uint32_t, std::less<>>, kFacetCount> ids_;
};

// The number of ids of a facet whose values are fixed by the schema (years, vocabularies); 0 for a ValueRule::Id
// facet, whose values the database lists.
std::size_t fixed_value_count(std::size_t facet);
// The value of id `id` of a facet whose values are fixed by the schema (id < fixed_value_count(facet)).
std::string_view fixed_value(std::size_t facet, std::uint32_t id);

std::string facet_values_key(Facet facet);
// A list of values: each value followed by '\n'.
std::string encode_facet_values(const std::vector<std::string>& values);
// Throws std::invalid_argument on data encode_facet_values cannot have written.
std::vector<std::string_view> decode_facet_values(std::string_view data);
// Where each value of the list ends (the offset of its '\n'), without building the values: a searcher reads lists of
// tens of thousands of values per process; decode_facet_values is built on it. Throws as decode_facet_values does.
std::vector<std::uint32_t> facet_value_ends(std::string_view data);

// Id slot layout: for each value of each facet, in the order of pack_facets, one varint (7 bits a byte, least
// significant first, the high bit set on every byte but the last) of id * 16 + facet index. A value without an id
// (id_of) is left out, as the counter of the packed slot leaves it out.
inline constexpr unsigned kFacetIdShift = 4;
static_assert(kFacetCount <= (1u << kFacetIdShift), "a facet index fits below the id");
std::string pack_facet_ids(const FacetValues& facets, const FacetDictionary& dictionary);

// Calls value(facet index, id) for each value of an id slot. Throws std::invalid_argument on bytes that
// pack_facet_ids cannot have written (a facet index is checked, an id is the caller's to check).
template <typename Value>
void for_each_facet_id(std::string_view packed, Value&& value) {
  const char* p = packed.data();
  const char* const end = p + packed.size();
  while (p != end) {
    std::uint64_t v = static_cast<unsigned char>(*p++);
    if (v >= 0x80) {
      v &= 0x7F;
      for (unsigned shift = 7;; shift += 7) {
        if (p == end || shift > 28) throw std::invalid_argument("corrupt facet id slot");
        const auto byte = static_cast<unsigned char>(*p++);
        v |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
        if (byte < 0x80) break;
      }
    }
    const auto facet = static_cast<std::size_t>(v & ((1u << kFacetIdShift) - 1));
    if (facet >= kFacetCount) throw std::invalid_argument("corrupt facet id slot");
    value(facet, static_cast<std::uint32_t>(v >> kFacetIdShift));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Value slots.

inline constexpr Xapian::valueno kSlotFacets = 0;    // pack_facets()
inline constexpr Xapian::valueno kSlotYearMin = 1;   // sortable_serialise(oldest year), or kNoYearLow
inline constexpr Xapian::valueno kSlotYearMax = 2;   // sortable_serialise(newest year), or empty
inline constexpr Xapian::valueno kSlotFacetIds = 3;  // pack_facet_ids(), when the metadata has kMetaFacetIds
// The translation group of a fiche that has translations: translation_group_key(); empty for every other document
// (which Xapian's collapse then never merges with another).
inline constexpr Xapian::valueno kSlotTranslationGroup = 4;
inline constexpr Xapian::valueno kSlotId = 5;  // the document's id: breaks ties, so docids never order hits
// Shard slots, written in the documents of a shard set (kMetaShardSet) so that a search through Xapian's remote
// server needs only what the stock server runs (a ValueCountMatchSpy per slot, a sort on one value):
// kSlotFacetSetBase + facet index holds the document's values of that facet (facet_set_value), absent when it has
// none; kSlotBrowseNewest and kSlotBrowseOldest are the browse orders' keys (newest year then id, oldest year then
// id), as Xapian::MultiValueKeyMaker makes them (browse_key).
inline constexpr Xapian::valueno kSlotBrowseNewest = 6;
inline constexpr Xapian::valueno kSlotBrowseOldest = 7;
inline constexpr Xapian::valueno kSlotFacetSetBase = 10;
// The value of a facet set slot: each value followed by '\n', in the order of FacetValues (sorted); empty for none.
std::string facet_set_value(const std::vector<std::string>& values);
// The browse key of `doc` in slot kSlotBrowseNewest (`newest`) or kSlotBrowseOldest: its kSlotYearMax descending
// (kSlotYearMin ascending), then its kSlotId ascending.
std::string browse_key(const Xapian::Document& doc, bool newest);
// The shard, 0 to shards - 1, that holds the document with id `id` in a set of `shards`: FNV-1a (64 bits) of the id,
// modulo `shards`. Stable across builds, machines and versions.
unsigned shard_of(std::string_view id, unsigned shards);

// Sort key for kSlotYearMin when a document has no year: sorts after every year in ascending order.
std::string no_year_low_key();

// ---------------------------------------------------------------------------------------------------------------
// Stored document data: what a hit shows, serialised with MessagePack.

// One author of a fiche or dossier: a person (id and name) or free text (empty id).
struct StoredAuthor {
  std::string id;
  std::string name;
  bool operator==(const StoredAuthor&) const = default;
};

// Another language version of a fiche.
struct StoredTranslation {
  Lang lang = Lang::En;
  std::string id;
  bool operator==(const StoredTranslation&) const = default;
};

// The key of a translation group, the same for every version: the smallest id among a fiche's own and its
// translations' ids; empty when it has no translation.
std::string translation_group_key(std::string_view id, const std::vector<StoredTranslation>& translations);

struct StoredDocument {
  std::string id;
  DocType doc_type = DocType::Resource;
  Lang lang = Lang::En;
  std::string title;
  std::string url;
  std::string summary;  // <summary>, or an organisation's <description>
  std::string body;
  // Version 2 documents (fiches, dossiers; empty for the others)
  std::string fiche_type;
  std::string date;  // YYYY, YYYY-MM or YYYY-MM-DD as written; dossiers: empty
  std::string source;
  std::vector<StoredAuthor> authors;            // in the export's order; a dossier's coordinator first
  std::vector<std::string> descriptors;         // ids, in the export's order
  std::vector<std::string> places;              // ids as written (without the ancestors the place facet adds)
  std::vector<std::string> dossiers;            // ids
  std::vector<StoredTranslation> translations;  // the other versions, by language order (fr, en, es, pt)
  bool operator==(const StoredDocument&) const = default;
};

std::string encode_stored(const StoredDocument& doc);
// Throws std::invalid_argument when `data` was not written by encode_stored of this schema version.
StoredDocument decode_stored(std::string_view data);

}  // namespace citego::schema
