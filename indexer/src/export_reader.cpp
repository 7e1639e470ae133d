// XML to ExportRecord (see citego/export_reader.h).
#include "citego/export_reader.h"

#include <algorithm>
#include <initializer_list>

#include <pugixml.hpp>

#include "citego/analysis.h"
#include "citego/input_file.h"
#include "citego/xml_check.h"

namespace citego {

std::string to_string(const Diagnostic& diagnostic) {
  return to_string(diagnostic.where) + ": error: " + diagnostic.message;
}

namespace {

// Turns byte offsets into 1-based line and column (characters, not bytes). A column is the number of UTF-8 lead bytes
// between the start of its line and the offset, taken from counts kept every kBlock bytes, so finding one costs at
// most kBlock bytes of counting however long the line: an export of thousands of documents on one line is read in
// linear time.
class LineMap {
 public:
  LineMap(std::string_view text, std::string file) : text_(text), file_(std::move(file)) {
    line_starts_.push_back(0);
    chars_before_block_.reserve(text.size() / kBlock + 2);
    std::size_t chars = 0;
    for (std::size_t block = 0; block < text.size(); block += kBlock) {
      chars_before_block_.push_back(chars);
      const std::size_t end = std::min(block + kBlock, text.size());
      for (std::size_t i = block; i < end; ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte == '\n') line_starts_.push_back(i + 1);
        chars += (byte & 0xC0) != 0x80;  // count UTF-8 lead bytes only
      }
    }
    chars_before_block_.push_back(chars);
  }

  SourceLocation at(std::ptrdiff_t offset) const {
    if (offset < 0) return SourceLocation{file_, 0, 0};
    const auto pos = std::min(static_cast<std::size_t>(offset), text_.size());
    const auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), pos);
    const std::size_t line_index = static_cast<std::size_t>(it - line_starts_.begin()) - 1;
    const std::size_t column = chars_before(pos) - chars_before(line_starts_[line_index]) + 1;
    return SourceLocation{file_, static_cast<int>(line_index) + 1, static_cast<int>(column)};
  }

  // Location of an element: pugixml points at its name; report the '<' before it.
  SourceLocation at(const pugi::xml_node& node) const {
    std::ptrdiff_t offset = node.offset_debug();
    if (offset > 0 && static_cast<std::size_t>(offset) <= text_.size() && text_[offset - 1] == '<') --offset;
    return at(offset);
  }

  const std::string& file() const { return file_; }

 private:
  static constexpr std::size_t kBlock = 256;

  // Characters in text_[0, pos), pos <= text_.size().
  std::size_t chars_before(std::size_t pos) const {
    const std::size_t block = pos / kBlock;
    return chars_before_block_[block] + count_chars(text_.substr(block * kBlock, pos - block * kBlock));
  }

  std::string_view text_;
  std::string file_;
  std::vector<std::size_t> line_starts_;
  std::vector<std::size_t> chars_before_block_;  // characters before each kBlock-byte block, then in all
};

constexpr std::size_t kNoFieldLimit = std::string::npos;

bool is_valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  auto ok = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!ok(id[0])) return false;
  return std::all_of(id.begin(), id.end(), [&](char c) { return ok(c) || c == '-'; });
}

std::optional<int> parse_year(std::string_view text) {
  if (text.size() != 4 || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  const int year = std::stoi(std::string(text));
  if (year < schema::kMinYear || year > schema::kMaxYear) return std::nullopt;
  return year;
}

bool is_xml_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Trims XML white space at both ends.
std::string trim(std::string_view text) {
  while (!text.empty() && is_xml_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_xml_space(text.back())) text.remove_suffix(1);
  return std::string(text);
}

// Trims, and turns every run of XML white space inside into one space: exports wrap long text over lines.
std::string collapse_space(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (char c : text) {
    if (is_xml_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

// Reads one document element into a record, reporting its faults.
class DocumentReader {
 public:
  DocumentReader(const LineMap& lines, std::vector<Diagnostic>& errors) : lines_(lines), errors_(errors) {}

  std::optional<ExportRecord> read(const pugi::xml_node& element, schema::DocType type, schema::Lang inherited) {
    const std::size_t errors_before = errors_.size();
    record_ = ExportRecord{};
    record_.doc_type = type;
    record_.lang = inherited;
    record_.where = lines_.at(element);
    element_ = element;
    tag_ = "<" + std::string(schema::name_of(type)) + ">";

    read_attributes(element);
    std::vector<std::string> seen;
    for (const pugi::xml_node& child : element.children()) {
      if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
        if (!trim(child.value()).empty()) error(element, "has text outside of its child elements");
        continue;
      }
      if (child.type() != pugi::node_element) continue;
      const std::string name = child.name();
      if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
        error(child, "has more than one <" + shown(name) + ">");
        continue;
      }
      seen.push_back(name);
      read_child(child, name);
    }
    check_required(seen);
    if (errors_.size() != errors_before) return std::nullopt;
    return std::move(record_);
  }

 private:
  std::string subject() const {
    return record_.id.empty() ? tag_ : tag_ + " \"" + record_.id + "\"";
  }

  void error(const pugi::xml_node& at, const std::string& message) {
    errors_.push_back(Diagnostic{lines_.at(at), subject() + " " + message});
  }

  void read_attributes(const pugi::xml_node& element) {
    const pugi::xml_attribute id = element.attribute("id");
    if (!id) {
      error(element, "has no id attribute");
    } else if (!is_valid_id(id.value())) {
      error(element, "has an invalid id " + quote_value(id.value()) +
                         " (expected lower-case letters, digits and '-', at most 64)");
    } else {
      record_.id = id.value();
    }
    for (const pugi::xml_attribute& attribute : element.attributes()) {
      const std::string_view name = attribute.name();
      if (name == "id") continue;
      if (name == "xml:lang") {
        const auto lang = schema::lang_from_code(attribute.value());
        if (lang) {
          record_.lang = *lang;
        } else {
          error(element, "has an unsupported language " + quote_value(attribute.value()) +
                             " (expected fr, en, es or pt)");
        }
      } else {
        error(element, "has an unknown attribute " + shown(name));
      }
    }
  }

  // Text of a text-only element, with white space collapsed; reports child elements, invalid UTF-8, empty text (the
  // format has no empty elements) and text longer than `max_chars` characters once collapsed. std::nullopt after
  // such a fault: checks of the text ("unknown value", "not a year") would only report it again.
  std::optional<std::string> checked_text(const pugi::xml_node& node, std::size_t max_chars = kNoFieldLimit) {
    std::string text;
    for (const pugi::xml_node& part : node.children()) {
      if (part.type() == pugi::node_pcdata || part.type() == pugi::node_cdata) {
        text += part.value();
        // Each part is at most kMaxTextNodeBytes (xml_check.h); many of them must not add up to a huge string.
        if (text.size() > kMaxTextNodeBytes) return too_long(node, std::to_string(kMaxTextNodeBytes) + " bytes");
      } else if (part.type() == pugi::node_element) {
        error(part, "has an element <" + shown(part.name()) + "> inside <" + node.name() +
                        ">, which holds text only");
      }
    }
    if (!analysis::is_valid_utf8(text)) {
      error(node, "has invalid UTF-8 in <" + std::string(node.name()) + ">");
      return std::nullopt;
    }
    for (const pugi::xml_attribute& attribute : node.attributes()) {
      error(node, "has an unknown attribute " + shown(attribute.name()) + " on <" + node.name() + ">");
    }
    std::string collapsed = collapse_space(text);
    if (collapsed.empty()) {
      error(node, "has an empty <" + std::string(node.name()) + ">");
      return std::nullopt;
    }
    if (max_chars != kNoFieldLimit && count_chars(collapsed) > max_chars) {
      return too_long(node, std::to_string(max_chars) + " characters");
    }
    return collapsed;
  }

  std::nullopt_t too_long(const pugi::xml_node& node, const std::string& limit) {
    error(node, "has a <" + std::string(node.name()) + "> longer than the limit of " + limit);
    return std::nullopt;
  }

  // checked_text(), or "" after a fault (reported).
  std::string text_of(const pugi::xml_node& node, std::size_t max_chars) {
    return checked_text(node, max_chars).value_or("");
  }

  template <std::size_t N>
  std::string enumerated(const pugi::xml_node& node, const std::array<std::string_view, N>& allowed) {
    const std::optional<std::string> value = checked_text(node);
    if (value && !schema::is_one_of(*value, allowed)) {
      error(node, "has an unknown " + std::string(node.name()) + " " + quote_value(*value) + " (expected one of: " +
                      schema::list_of(allowed) + ")");
    }
    return value.value_or("");
  }

  std::optional<int> year_of(const pugi::xml_node& node, std::string_view what, std::string_view text) {
    const auto year = parse_year(text);
    if (!year) {
      error(node, "has " + std::string(what) + " " + quote_value(text) + ", which is not a year (four digits, " +
                      std::to_string(schema::kMinYear) + " to " + std::to_string(schema::kMaxYear) + ")");
    }
    return year;
  }

  // Children that are lists of one element name (<authors><author>…), as trimmed texts.
  std::vector<std::string> text_list(const pugi::xml_node& list, std::string_view item, std::size_t max_chars) {
    std::vector<std::string> items;
    for (const pugi::xml_node& child : list.children()) {
      if (child.type() == pugi::node_pcdata && !trim(child.value()).empty()) {
        error(list, "has text directly inside <" + std::string(list.name()) + ">");
      }
      if (child.type() != pugi::node_element) continue;
      if (child.name() != item) {
        error(child, "has an unknown element <" + shown(child.name()) + "> in <" + list.name() + ">");
        continue;
      }
      if (std::optional<std::string> text = checked_text(child, max_chars)) items.push_back(std::move(*text));
    }
    if (!list.first_element_by_path(std::string(item).c_str())) error(list, "has an empty <" + std::string(list.name()) + ">");
    return items;
  }

  std::vector<Reference> references(const pugi::xml_node& list, std::string_view item, bool with_role) {
    std::vector<Reference> refs;
    for (const pugi::xml_node& child : list.children()) {
      if (child.type() == pugi::node_pcdata && !trim(child.value()).empty()) {
        error(list, "has text directly inside <" + std::string(list.name()) + ">");
      }
      if (child.type() != pugi::node_element) continue;
      if (child.name() != item) {
        error(child, "has an unknown element <" + shown(child.name()) + "> in <" + list.name() + ">");
        continue;
      }
      Reference ref;
      ref.where = lines_.at(child);
      for (const pugi::xml_attribute& attribute : child.attributes()) {
        const std::string_view name = attribute.name();
        if (name == "ref") {
          ref.ref = attribute.value();
        } else if (with_role && name == "role") {
          ref.role = collapse_space(attribute.value());
          if (ref.role.empty()) {
            error(child, "has an empty role on <" + std::string(item) + ">");
          } else if (count_chars(ref.role) > kMaxRoleChars) {
            error(child, "has a role longer than the limit of " + std::to_string(kMaxRoleChars) + " characters on <" +
                             std::string(item) + ">");
          }
        } else {
          error(child, "has an unknown attribute " + shown(name) + " on <" + std::string(item) + ">");
        }
      }
      if (ref.ref.empty()) {
        error(child, "has a <" + std::string(item) + "> without ref");
      } else if (!is_valid_id(ref.ref)) {
        error(child, "has a <" + std::string(item) + "> with an invalid ref " + quote_value(ref.ref));
      } else {
        refs.push_back(std::move(ref));
      }
    }
    if (!list.first_element_by_path(std::string(item).c_str())) error(list, "has an empty <" + std::string(list.name()) + ">");
    return refs;
  }

  void read_period(const pugi::xml_node& node) {
    for (const pugi::xml_attribute& attribute : node.attributes()) {
      const std::string_view name = attribute.name();
      if (name == "start") {
        record_.start_year = year_of(node, "a period start", attribute.value());
      } else if (name == "end") {
        record_.end_year = year_of(node, "a period end", attribute.value());
      } else {
        error(node, "has an unknown attribute " + shown(name) + " on <period>");
      }
    }
    if (!node.attribute("start")) error(node, "has a <period> without start");
    if (record_.start_year && record_.end_year && *record_.end_year < *record_.start_year) {
      error(node, "has a period that ends (" + std::to_string(*record_.end_year) + ") before it starts (" +
                      std::to_string(*record_.start_year) + ")");
    }
    if (node.first_child()) error(node, "has content inside <period>, which takes attributes only");
  }

  void read_child(const pugi::xml_node& child, const std::string& name) {
    using schema::DocType;
    const DocType type = record_.doc_type;
    const bool org = type == DocType::Organisation;
    const bool prj = type == DocType::Project;
    const bool res = type == DocType::Resource;
    if ((org && name == "name") || (!org && name == "title")) {
      if (std::optional<std::string> title = checked_text(child, kMaxTitleChars)) {
        record_.title = std::move(*title);
      }
    } else if (name == "url") {
      record_.url = text_of(child, kMaxUrlChars);
    } else if ((org && name == "description") || (!org && name == "summary")) {
      record_.summary = text_of(child, kMaxSummaryChars);
    } else if (!org && name == "body") {
      record_.body = text_of(child, kMaxBodyChars);
    } else if (org && name == "acronym") {
      record_.acronym = text_of(child, kMaxAcronymChars);
    } else if (org && name == "kind") {
      record_.kind = enumerated(child, schema::kOrganisationKinds);
    } else if (org && name == "relation") {
      record_.relation = enumerated(child, schema::kRelations);
    } else if (org && name == "country") {
      if (std::optional<std::string> country = checked_text(child)) {
        record_.country = std::move(*country);
        const std::string& c = record_.country;
        if (c.size() != 2 || !std::all_of(c.begin(), c.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; })) {
          error(child, "has a country " + quote_value(c) + " that is not an ISO 3166 alpha-2 code (two capital letters)");
        }
      }
    } else if (prj && name == "type") {
      record_.project_type = enumerated(child, schema::kProjectTypes);
    } else if (prj && name == "period") {
      read_period(child);
    } else if (prj && name == "participants") {
      record_.participants = references(child, "participant", true);
    } else if (res && name == "category") {
      record_.category = enumerated(child, schema::kResourceCategories);
    } else if (res && name == "year") {
      if (const std::optional<std::string> text = checked_text(child)) record_.year = year_of(child, "a year", *text);
    } else if (res && name == "authors") {
      record_.authors = text_list(child, "author", kMaxAuthorChars);
    } else if (res && name == "keywords") {
      record_.keywords = text_list(child, "keyword", kMaxKeywordChars);
    } else if (res && name == "links") {
      record_.links = references(child, "link", false);
    } else {
      error(child, "has an unknown element <" + shown(name) + ">");
    }
  }

  void check_required(const std::vector<std::string>& seen) {
    auto require = [&](const char* name) {
      if (std::find(seen.begin(), seen.end(), name) == seen.end()) {
        error(element_, "has no <" + std::string(name) + ">");
      }
    };
    switch (record_.doc_type) {
      case schema::DocType::Organisation:
        require("name");
        require("kind");
        break;
      case schema::DocType::Project:
        require("title");
        require("type");
        require("period");
        break;
      case schema::DocType::Resource:
        require("title");
        break;
      case schema::DocType::Dossier:
        require("title");
        require("period");
        break;
      case schema::DocType::Fiche:
        require("title");
        require("type");
        break;
    }
  }

  const LineMap& lines_;
  std::vector<Diagnostic>& errors_;
  ExportRecord record_;
  pugi::xml_node element_;
  std::string tag_;
};

}  // namespace

ParsedExport parse_export(std::string_view xml, const std::string& file) {
  ParsedExport parsed;
  const LineMap lines(xml, file);
  // pugixml is lenient (xml_check.h): what it would let through is refused first, before a tree is built.
  if (const std::optional<XmlFault> fault = find_xml_fault(xml)) {
    parsed.errors.push_back(Diagnostic{lines.at(static_cast<std::ptrdiff_t>(fault->offset)), fault->message});
    return parsed;
  }
  pugi::xml_document doc;
  const pugi::xml_parse_result result =
      doc.load_buffer(xml.data(), xml.size(), pugi::parse_default | pugi::parse_ws_pcdata_single, pugi::encoding_utf8);
  if (!result) {
    // pugixml points at the name of a mismatched end tag; report its '<', as for every other element.
    std::ptrdiff_t offset = result.offset;
    if (offset >= 2 && static_cast<std::size_t>(offset) <= xml.size() && xml.substr(offset - 2, 2) == "</") offset -= 2;
    parsed.errors.push_back(Diagnostic{lines.at(offset), std::string("malformed XML: ") + result.description()});
    return parsed;
  }
  const pugi::xml_node root = doc.document_element();
  if (!root) {
    parsed.errors.push_back(Diagnostic{lines.at(0), "no root element (expected <citego-export>)"});
    return parsed;
  }
  if (std::string_view(root.name()) != "citego-export") {
    parsed.errors.push_back(
        Diagnostic{lines.at(root), "root element is <" + shown(root.name()) + ">, expected <citego-export>"});
    return parsed;
  }
  const pugi::xml_attribute version = root.attribute("version");
  if (!version) {
    parsed.errors.push_back(Diagnostic{lines.at(root), "<citego-export> has no version attribute (expected \"1\" or \"" +
                                                           std::string(schema::kExportFormatVersion) + "\")"});
    return parsed;
  }
  const auto& versions = schema::kExportFormatVersions;
  if (std::find(versions.begin(), versions.end(), std::string_view(version.value())) == versions.end()) {
    parsed.errors.push_back(Diagnostic{lines.at(root), "<citego-export> has version " +
                                                           quote_value(version.value()) +
                                                           "; this indexer reads versions 1 and " +
                                                           std::string(schema::kExportFormatVersion)});
    return parsed;
  }
  schema::Lang root_lang = schema::Lang::En;
  for (const pugi::xml_attribute& attribute : root.attributes()) {
    const std::string_view name = attribute.name();
    if (name == "version") continue;
    if (name == "xml:lang") {
      const auto lang = schema::lang_from_code(attribute.value());
      if (!lang) {
        parsed.errors.push_back(Diagnostic{lines.at(root), "<citego-export> has an unsupported language " +
                                                               quote_value(attribute.value()) +
                                                               " (expected fr, en, es or pt)"});
        return parsed;
      }
      root_lang = *lang;
    } else if (name.substr(0, 6) != "xmlns:" && name != "xmlns") {
      parsed.errors.push_back(
          Diagnostic{lines.at(root), "<citego-export> has an unknown attribute " + shown(name)});
    }
  }

  if (!root.attribute("xml:lang")) {
    parsed.errors.push_back(Diagnostic{lines.at(root), "<citego-export> has no xml:lang attribute (the documents' "
                                                       "default language: fr, en, es or pt)"});
    return parsed;
  }

  DocumentReader reader(lines, parsed.errors);
  for (const pugi::xml_node& child : root.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      if (!trim(child.value()).empty()) {
        parsed.errors.push_back(Diagnostic{lines.at(child), "text outside of any document in <citego-export>"});
      }
      continue;
    }
    if (child.type() != pugi::node_element) continue;
    const auto type = schema::doc_type_from_name(child.name());
    if (!type) {
      parsed.errors.push_back(Diagnostic{lines.at(child), "unknown element <" + shown(child.name()) +
                                                              "> in <citego-export> (expected <organisation>, "
                                                              "<project> or <resource>)"});
      continue;
    }
    if (auto record = reader.read(child, *type, root_lang)) parsed.records.push_back(std::move(*record));
  }
  return parsed;
}

ParsedExport read_export_file(const std::string& path) {
  InputBytes input = read_input(path);
  if (input.error) {
    ParsedExport parsed;
    parsed.errors.push_back(std::move(*input.error));
    return parsed;
  }
  return parse_export(input.bytes, path);
}

}  // namespace citego
