// Names, terms and encodings of the schema (see citego/schema.h).
#include "citego/schema.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "citego/record.h"

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

// The 249 codes ISO 3166-1 assigns (officially assigned alpha-2 elements), sorted.
constexpr std::array<std::string_view, 249> kIsoCountries = {
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB",
    "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY",
    "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX",
    "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK",
    "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS",
    "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR",
    "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA",
    "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE",
    "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM",
    "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG",
    "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF",
    "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY",
    "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW"};

}  // namespace

bool is_iso_country(std::string_view code) {
  return std::binary_search(kIsoCountries.begin(), kIsoCountries.end(), code);
}

std::string_view name_of(DocType type) {
  switch (type) {
    case DocType::Organisation:
      return "organisation";
    case DocType::Project:
      return "project";
    case DocType::Resource:
      return "resource";
    case DocType::Dossier:
      return "dossier";
    case DocType::Fiche:
      return "fiche";
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

bool is_field_query_name(std::string_view name) {
  for (const FieldSpec& spec : kFields) {
    for (std::string_view query_name : spec.query_names) {
      if (!query_name.empty() && query_name == name) return true;
    }
  }
  return false;
}

std::string id_term(std::string_view id) { return std::string(kPrefixId) + std::string(id); }

const FacetSpec& spec_of(Facet facet) { return kFacets[index_of(facet)]; }
std::size_t index_of(Facet facet) { return static_cast<std::size_t>(facet); }

std::optional<Facet> facet_from_name(std::string_view name) {
  for (const FacetSpec& spec : kFacets) {
    if (spec.name == name || (!spec.short_name.empty() && spec.short_name == name)) return spec.facet;
  }
  return std::nullopt;
}

std::string facet_names_for_messages() {
  std::string out;
  for (std::size_t i = 0; i < kFacets.size(); ++i) {
    if (i > 0) out += i + 1 == kFacets.size() ? ", or " : ", ";
    out += kFacets[i].name;
    if (!kFacets[i].short_name.empty()) out += " or " + std::string(kFacets[i].short_name);
  }
  return out;
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
    const auto spec =
        std::find_if(kFacets.begin(), kFacets.end(), [code](const FacetSpec& s) { return s.packed_code == code; });
    if (spec == kFacets.end()) throw std::invalid_argument("unknown facet code in packed facet value");
    facets[spec->facet].emplace_back(packed.substr(1, end - 1));
    packed.remove_prefix(end + 1);
  }
  return facets;
}

FacetDictionary::FacetDictionary(Lists lists) : lists_(std::move(lists)) {
  for (std::size_t f = 0; f < kFacetCount; ++f) {
    if (!lists_[f].empty() && kFacets[f].rule != ValueRule::Id) {
      throw std::invalid_argument("facet " + std::string(kFacets[f].name) + " has no listed values");
    }
    for (std::size_t id = 0; id < lists_[f].size(); ++id) {
      const std::string& value = lists_[f][id];
      if (value.empty() || value.find('\n') != std::string::npos) {
        throw std::invalid_argument("facet value \"" + value + "\" cannot be listed");
      }
      if (!ids_[f].emplace(value, static_cast<std::uint32_t>(id)).second) {
        throw std::invalid_argument("facet value \"" + value + "\" listed twice");
      }
    }
  }
}

std::optional<std::uint32_t> FacetDictionary::id_of(std::size_t facet, std::string_view value) const {
  if (value.empty()) return std::nullopt;
  const FacetSpec& spec = kFacets[facet];
  const auto unknown = [&] {
    return std::invalid_argument("facet " + std::string(spec.name) + " has no id for \"" + std::string(value) + "\"");
  };
  switch (spec.rule) {
    case ValueRule::Year: {
      if (value.size() != 4 || !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
      }
      const int year = std::stoi(std::string(value));
      if (year < kMinYear || year > kMaxYear) return std::nullopt;
      return static_cast<std::uint32_t>(year - kMinYear);
    }
    case ValueRule::Vocabulary: {
      const auto at = std::find(spec.vocabulary.begin(), spec.vocabulary.end(), value);
      if (at == spec.vocabulary.end()) throw unknown();
      return static_cast<std::uint32_t>(at - spec.vocabulary.begin());
    }
    case ValueRule::Id:
      break;
  }
  const auto at = ids_[facet].find(value);
  if (at == ids_[facet].end()) throw unknown();
  return at->second;
}

std::vector<std::pair<std::string, std::string>> FacetDictionary::metadata() const {
  std::vector<std::pair<std::string, std::string>> out{{std::string(kMetaFacetIds), "1"}};
  for (const FacetSpec& spec : kFacets) {
    if (spec.rule == ValueRule::Id)
      out.emplace_back(facet_values_key(spec.facet), encode_facet_values(lists_[index_of(spec.facet)]));
  }
  return out;
}

std::size_t fixed_value_count(std::size_t facet) {
  switch (kFacets[facet].rule) {
    case ValueRule::Year:
      return kMaxYear - kMinYear + 1;
    case ValueRule::Vocabulary:
      return kFacets[facet].vocabulary.size();
    case ValueRule::Id:
      break;
  }
  return 0;
}

std::string_view fixed_value(std::size_t facet, std::uint32_t id) {
  if (kFacets[facet].rule != ValueRule::Year) return kFacets[facet].vocabulary[id];
  // Every year's four digits, one after the other, made by the compiler (a one-query process would otherwise make
  // 2,000 strings to show a few years).
  static_assert(kMinYear >= 1000 && kMaxYear <= 9999, "years have four digits");
  static constexpr auto kYearDigits = [] {
    std::array<char, 4 * (kMaxYear - kMinYear + 1)> digits{};
    for (int year = kMinYear; year <= kMaxYear; ++year) {
      char* at = digits.data() + 4 * (year - kMinYear);
      for (int i = 3, rest = year; i >= 0; --i, rest /= 10) at[i] = static_cast<char>('0' + rest % 10);
    }
    return digits;
  }();
  return std::string_view(kYearDigits.data() + 4 * static_cast<std::size_t>(id), 4);
}

std::string facet_values_key(Facet facet) {
  return std::string(kMetaFacetValuesPrefix) + std::string(spec_of(facet).name);
}

std::string encode_facet_values(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& value : values) {
    out += value;
    out += '\n';
  }
  return out;
}

std::vector<std::uint32_t> facet_value_ends(std::string_view data) {
  if (data.size() > UINT32_MAX) throw std::invalid_argument("corrupt facet value list");
  std::vector<std::uint32_t> ends;
  ends.reserve(data.size() / 8);
  const auto n = static_cast<std::uint32_t>(data.size());
  std::uint32_t at = 0;
  if constexpr (std::endian::native == std::endian::little) {
    // Eight bytes at a time: 0x80 in each byte of `found` that is '\n' (exact, unlike the borrow trick).
    constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7Full;
    for (; n - at >= 8; at += 8) {
      std::uint64_t word;
      std::memcpy(&word, data.data() + at, 8);
      const std::uint64_t x = word ^ 0x0A0A0A0A0A0A0A0Aull;  // zero where '\n'
      for (std::uint64_t found = ~(((x & kLow7) + kLow7) | x | kLow7); found != 0; found &= found - 1) {
        ends.push_back(at + static_cast<std::uint32_t>(std::countr_zero(found) / 8));
      }
    }
  }
  for (; at < n; ++at) {
    if (data[at] == '\n') ends.push_back(at);
  }
  const bool ends_with_newline = n == 0 || (!ends.empty() && ends.back() == n - 1);
  bool empty_value = !ends.empty() && ends.front() == 0;
  for (std::size_t i = 1; i < ends.size() && !empty_value; ++i) empty_value = ends[i] == ends[i - 1] + 1;
  if (!ends_with_newline || empty_value) throw std::invalid_argument("corrupt facet value list");
  return ends;
}

std::vector<std::string_view> decode_facet_values(std::string_view data) {
  std::vector<std::string_view> values;
  std::uint32_t start = 0;
  for (const std::uint32_t end : facet_value_ends(data)) {
    values.push_back(data.substr(start, end - start));
    start = end + 1;
  }
  return values;
}

std::string pack_facet_ids(const FacetValues& facets, const FacetDictionary& dictionary) {
  std::string packed;
  for (const FacetSpec& spec : kFacets) {
    const std::size_t facet = index_of(spec.facet);
    for (const std::string& value : facets.values[facet]) {
      const std::optional<std::uint32_t> id = dictionary.id_of(facet, value);
      if (!id) continue;
      for (std::uint64_t v = std::uint64_t{*id} << kFacetIdShift | facet;; v >>= 7) {
        if (v < 0x80) {
          packed += static_cast<char>(v);
          break;
        }
        packed += static_cast<char>((v & 0x7F) | 0x80);
      }
    }
  }
  return packed;
}

std::string label_key(Facet facet, std::string_view value) {
  return std::string(kMetaLabelPrefix) + std::string(spec_of(facet).name) + ":" + std::string(value);
}

// Labels are a MessagePack array of the four languages' labels.
std::string encode_labels(const Labels& labels) {
  const std::vector<std::uint8_t> bytes = nlohmann::json::to_msgpack(nlohmann::json(labels));
  return std::string(bytes.begin(), bytes.end());
}

namespace {

// The labels of `data` when it has the form nlohmann::json::to_msgpack gives four strings (a fixarray of fixstr,
// str8, str16 or str32 and nothing after), else nothing. A request may label hundreds of values: building a JSON
// value for each costs more than the rest of reading them.
std::optional<Labels> decode_msgpack_strings(std::string_view data) {
  auto byte = [&](std::size_t at) { return static_cast<unsigned char>(data[at]); };
  if (data.empty() || byte(0) != 0x94) return std::nullopt;
  Labels labels;
  std::size_t at = 1;
  for (std::string& label : labels) {
    if (at >= data.size()) return std::nullopt;
    const unsigned char head = byte(at++);
    std::size_t length = 0;
    std::size_t width = 0;  // bytes of the length after the head
    if ((head & 0xE0) == 0xA0)
      length = head & 0x1F;
    else if (head == 0xD9)
      width = 1;
    else if (head == 0xDA)
      width = 2;
    else if (head == 0xDB)
      width = 4;
    else
      return std::nullopt;
    if (data.size() - at < width) return std::nullopt;
    for (; width > 0; --width) length = length << 8 | byte(at++);
    if (data.size() - at < length) return std::nullopt;
    label.assign(data.substr(at, length));
    at += length;
  }
  if (at != data.size()) return std::nullopt;
  return labels;
}

}  // namespace

Labels decode_labels(std::string_view data) {
  if (std::optional<Labels> labels = decode_msgpack_strings(data)) return *std::move(labels);
  try {
    const nlohmann::json j = nlohmann::json::from_msgpack(data.begin(), data.end());
    if (!j.is_array() || j.size() != 4) throw std::invalid_argument("corrupt labels");
    return j.get<Labels>();
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("corrupt labels: ") + e.what());
  }
}

const std::string& pick_label(const Labels& labels, std::optional<Lang> preferred, std::optional<Lang> fallback) {
  for (std::optional<Lang> lang : {preferred, fallback}) {
    if (lang && !labels[static_cast<std::size_t>(*lang)].empty()) return labels[static_cast<std::size_t>(*lang)];
  }
  for (const std::string& label : labels) {
    if (!label.empty()) return label;
  }
  return labels[0];
}

std::string no_year_low_key() { return Xapian::sortable_serialise(kMaxYear + 1); }

std::string facet_set_value(const std::vector<std::string>& values) { return encode_facet_values(values); }

std::string browse_key(const Xapian::Document& doc, bool newest) {
  Xapian::MultiValueKeyMaker key;
  key.add_value(newest ? kSlotYearMax : kSlotYearMin, newest);
  key.add_value(kSlotId);
  return key(doc);
}

unsigned shard_of(std::string_view id, unsigned shards) {
  std::uint64_t hash = 0xCBF29CE484222325ull;
  for (const char c : id) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001B3ull;
  }
  return static_cast<unsigned>(hash % shards);
}

std::string translation_group_key(std::string_view id, const std::vector<StoredTranslation>& translations) {
  if (translations.empty()) return "";
  std::string_view smallest = id;
  for (const StoredTranslation& t : translations) smallest = std::min(smallest, std::string_view(t.id));
  return std::string(smallest);
}

// Stored data is a MessagePack map with short keys; "v" is the schema version that wrote it.
std::string encode_stored(const StoredDocument& doc) {
  nlohmann::json j = {
      {"v", kSchemaVersion}, {"id", doc.id}, {"t", name_of(doc.doc_type)}, {"l", code_of(doc.lang)},
      {"ti", doc.title},     {"u", doc.url}, {"s", doc.summary},           {"b", doc.body},
  };
  // Version 2 documents only, so that the others keep their size.
  if (!doc.fiche_type.empty()) j["ft"] = doc.fiche_type;
  if (!doc.date.empty()) j["d"] = doc.date;
  if (!doc.source.empty()) j["so"] = doc.source;
  if (!doc.authors.empty()) {
    nlohmann::json authors = nlohmann::json::array();
    for (const StoredAuthor& a : doc.authors) authors.push_back({a.id, a.name});
    j["a"] = std::move(authors);
  }
  if (!doc.descriptors.empty()) j["de"] = doc.descriptors;
  if (!doc.places.empty()) j["p"] = doc.places;
  if (!doc.dossiers.empty()) j["do"] = doc.dossiers;
  if (!doc.translations.empty()) {
    nlohmann::json translations = nlohmann::json::array();
    for (const StoredTranslation& t : doc.translations) translations.push_back({code_of(t.lang), t.id});
    j["tr"] = std::move(translations);
  }
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
    doc.fiche_type = j.value("ft", std::string());
    doc.date = j.value("d", std::string());
    doc.source = j.value("so", std::string());
    if (j.contains("a")) {
      for (const nlohmann::json& a : j.at("a"))
        doc.authors.push_back({a.at(0).get<std::string>(), a.at(1).get<std::string>()});
    }
    if (j.contains("de")) doc.descriptors = j.at("de").get<std::vector<std::string>>();
    if (j.contains("p")) doc.places = j.at("p").get<std::vector<std::string>>();
    if (j.contains("do")) doc.dossiers = j.at("do").get<std::vector<std::string>>();
    if (j.contains("tr")) {
      for (const nlohmann::json& t : j.at("tr")) {
        const auto version_lang = lang_from_code(t.at(0).get<std::string>());
        if (!version_lang) throw std::invalid_argument("stored translation with an unknown language");
        doc.translations.push_back({*version_lang, t.at(1).get<std::string>()});
      }
    }
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("corrupt stored document: ") + e.what());
  }
  return doc;
}

}  // namespace citego::schema

namespace citego {

std::string_view name_of(ThesaurusKind kind) {
  switch (kind) {
    case ThesaurusKind::Person:
      return "person";
    case ThesaurusKind::Descriptor:
      return "descriptor";
    case ThesaurusKind::Place:
      return "place";
  }
  throw std::logic_error("unknown ThesaurusKind");
}

std::string to_string(const Date& date) {
  char buffer[16];
  if (date.month == 0) {
    std::snprintf(buffer, sizeof buffer, "%04d", date.year);
  } else if (date.day == 0) {
    std::snprintf(buffer, sizeof buffer, "%04d-%02d", date.year, date.month);
  } else {
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", date.year, date.month, date.day);
  }
  return buffer;
}

std::string to_string(const SourceLocation& where) {
  if (where.line <= 0) return where.file;
  return where.file + ":" + std::to_string(where.line) + ":" + std::to_string(where.column);
}

}  // namespace citego
