// XML to ExportRecord (see citego/export_reader.h).
#include "citego/export_reader.h"

#include <algorithm>
#include <array>
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

// What every "invalid id" message adds.
const std::string kIdSyntax = "(expected lower-case letters, digits and '-', at most 64)";

bool is_valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  auto ok = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!ok(id[0])) return false;
  return std::all_of(id.begin(), id.end(), [&](char c) { return ok(c) || c == '-'; });
}

bool is_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<int> parse_year(std::string_view text) {
  if (text.size() != 4 || !is_digits(text)) return std::nullopt;
  const int year = std::stoi(std::string(text));
  if (year < schema::kMinYear || year > schema::kMaxYear) return std::nullopt;
  return year;
}

int days_in_month(int year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[static_cast<std::size_t>(month - 1)];
}

// Whether `url` starts with http:// or https://, in any case: a hit's link must open a web page, never run script
// (javascript:, data:) or reach a file.
bool is_web_address(std::string_view url) {
  auto starts_with = [url](std::string_view scheme) {
    if (url.size() < scheme.size()) return false;
    for (std::size_t i = 0; i < scheme.size(); ++i) {
      const char c = url[i];
      if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != scheme[i]) return false;
    }
    return true;
  };
  return starts_with("http://") || starts_with("https://");
}

bool is_two_capitals(std::string_view code) {
  return code.size() == 2 && std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// "fr, en, es or pt": the languages, for messages.
std::string languages_for_messages() {
  std::string out;
  for (std::size_t i = 0; i < schema::kLangs.size(); ++i) {
    if (i > 0) out += i + 1 == schema::kLangs.size() ? " or " : ", ";
    out += schema::code_of(schema::kLangs[i]);
  }
  return out;
}

// The versions this reader takes, for messages: "\"1\" or \"2\"" (quoted) or "1 and 2".
std::string versions_for_messages(bool quoted) {
  const auto& versions = schema::kExportFormatVersions;
  std::string out;
  for (std::size_t i = 0; i < versions.size(); ++i) {
    if (i > 0) out += i + 1 == versions.size() ? (quoted ? " or " : " and ") : ", ";
    out += quoted ? "\"" + std::string(versions[i]) + "\"" : std::string(versions[i]);
  }
  return out;
}

constexpr std::array kThesaurusKinds = {ThesaurusKind::Person, ThesaurusKind::Descriptor, ThesaurusKind::Place};

std::optional<ThesaurusKind> thesaurus_kind_from_name(std::string_view name) {
  for (ThesaurusKind kind : kThesaurusKinds) {
    if (name_of(kind) == name) return kind;
  }
  return std::nullopt;
}

// Whether a document kind is new in version 2 of the format (the thesaurus entries all are).
bool is_version_2(schema::DocType type) { return type == schema::DocType::Dossier || type == schema::DocType::Fiche; }

// "<organisation>, <project> or <resource>": the elements a file of the version may hold, for messages.
std::string top_level_elements(bool version_1) {
  std::vector<std::string> names;
  for (schema::DocType type : schema::kDocTypes) {
    if (!version_1 || !is_version_2(type)) names.push_back("<" + std::string(schema::name_of(type)) + ">");
  }
  if (!version_1) {
    for (ThesaurusKind kind : kThesaurusKinds) names.push_back("<" + std::string(name_of(kind)) + ">");
  }
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
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

bool is_text(const pugi::xml_node& node) { return node.type() == pugi::node_pcdata || node.type() == pugi::node_cdata; }

// Reads one top-level element, a document into an ExportRecord or a thesaurus entry into a ThesaurusEntry, reporting
// its faults. Each message names the element as `<kind> "id"`, or `<kind>` while its id is unknown.
class ElementReader {
 public:
  ElementReader(const LineMap& lines, std::vector<Diagnostic>& errors) : lines_(lines), errors_(errors) {}

  std::optional<ExportRecord> read_document(const pugi::xml_node& element, schema::DocType type,
                                            schema::Lang inherited) {
    const std::size_t errors_before = errors_.size();
    start(element, schema::name_of(type), is_version_2(type));
    record_ = ExportRecord{};
    record_.doc_type = type;
    record_.lang = inherited;
    record_.where = lines_.at(element);

    read_attributes([&](const pugi::xml_attribute& attribute) {
      if (std::string_view(attribute.name()) != "xml:lang") return false;
      if (const auto lang = schema::lang_from_code(attribute.value())) {
        record_.lang = *lang;
      } else {
        error(element, "has an unsupported language " + quote_value(attribute.value()) + " (expected " +
                           languages_for_messages() + ")");
      }
      return true;
    });
    const std::vector<std::string> seen =
        read_children([](std::string_view) { return false; },
                      [&](const pugi::xml_node& child, const std::string& name) { read_document_child(child, name); });
    for (const char* name : required_children(type)) require(seen, name);
    record_.id = id_;
    if (errors_.size() != errors_before) return std::nullopt;
    return std::move(record_);
  }

  std::optional<ThesaurusEntry> read_entry(const pugi::xml_node& element, ThesaurusKind kind) {
    const std::size_t errors_before = errors_.size();
    start(element, name_of(kind), true);
    entry_ = ThesaurusEntry{};
    entry_.kind = kind;
    entry_.where = lines_.at(element);
    labels_seen_ = {};

    read_attributes([&](const pugi::xml_attribute& attribute) { return read_entry_attribute(attribute); });
    if (kind == ThesaurusKind::Place) check_place_attributes();
    const std::vector<std::string> seen = read_children(
        [kind](std::string_view name) {
          return (kind != ThesaurusKind::Person && name == "label") ||
                 (kind == ThesaurusKind::Descriptor && name == "related");
        },
        [&](const pugi::xml_node& child, const std::string& name) { read_entry_child(child, name); });
    require(seen, kind == ThesaurusKind::Person ? "name" : "label");
    entry_.id = id_;
    if (errors_.size() != errors_before) return std::nullopt;
    return std::move(entry_);
  }

 private:
  void start(const pugi::xml_node& element, std::string_view name, bool version_2) {
    element_ = element;
    tag_ = "<" + std::string(name) + ">";
    id_.clear();
    version_2_ = version_2;
  }

  std::string subject() const { return id_.empty() ? tag_ : tag_ + " \"" + id_ + "\""; }

  void error(const pugi::xml_node& at, const std::string& message) {
    errors_.push_back(Diagnostic{lines_.at(at), subject() + " " + message});
  }

  // Reads the id, then hands every other attribute to `known`, which returns false for an attribute it does not take.
  template <typename Known>
  void read_attributes(Known known) {
    const pugi::xml_attribute id = element_.attribute("id");
    if (!id) {
      error(element_, "has no id attribute");
    } else if (!is_valid_id(id.value())) {
      error(element_, "has an invalid id " + quote_value(id.value()) + " " + kIdSyntax);
    } else {
      id_ = id.value();
    }
    for (const pugi::xml_attribute& attribute : element_.attributes()) {
      const std::string_view name = attribute.name();
      if (name != "id" && !known(attribute)) error(element_, "has an unknown attribute " + shown(name));
    }
  }

  // Hands each child element to `read`, after reporting text between the children and a second child of a name that
  // `repeatable` does not allow (that second one is not read). Returns the names of the children, in order, once each.
  template <typename Repeatable, typename Read>
  std::vector<std::string> read_children(Repeatable repeatable, Read read) {
    std::vector<std::string> seen;
    for (const pugi::xml_node& child : element_.children()) {
      if (is_text(child)) {
        if (!trim(child.value()).empty()) error(element_, "has text outside of its child elements");
        continue;
      }
      if (child.type() != pugi::node_element) continue;
      const std::string name = child.name();
      const bool again = std::find(seen.begin(), seen.end(), name) != seen.end();
      if (again && !repeatable(name)) {
        error(child, "has more than one <" + shown(name) + ">");
        continue;
      }
      if (!again) seen.push_back(name);
      read(child, name);
    }
    return seen;
  }

  void require(const std::vector<std::string>& seen, const char* name) {
    if (std::find(seen.begin(), seen.end(), name) == seen.end()) error(element_, "has no <" + std::string(name) + ">");
  }

  static std::vector<const char*> required_children(schema::DocType type) {
    switch (type) {
      case schema::DocType::Organisation:
        return {"name", "kind"};
      case schema::DocType::Project:
        return {"title", "type", "period"};
      case schema::DocType::Resource:
        return {"title"};
      case schema::DocType::Dossier:
        return {"title", "period"};
      case schema::DocType::Fiche:
        return {"title", "type"};
    }
    return {};
  }

  // Text of a text-only element, with white space collapsed; reports child elements, attributes other than
  // `allowed_attribute`, invalid UTF-8, empty text (the format has no empty elements) and text longer than
  // `max_chars` characters once collapsed. std::nullopt after such a fault: checks of the text ("unknown value", "not
  // a year") would only report it again.
  std::optional<std::string> checked_text(const pugi::xml_node& node, std::size_t max_chars = kNoFieldLimit,
                                          std::string_view allowed_attribute = {}) {
    std::string text;
    for (const pugi::xml_node& part : node.children()) {
      if (is_text(part)) {
        text += part.value();
        // Each part is at most kMaxTextNodeBytes (xml_check.h); many of them must not add up to a huge string.
        if (text.size() > kMaxTextNodeBytes) return too_long(node, std::to_string(kMaxTextNodeBytes) + " bytes");
      } else if (part.type() == pugi::node_element) {
        error(part, "has an element <" + shown(part.name()) + "> inside <" + node.name() + ">, which holds text only");
      }
    }
    if (!analysis::is_valid_utf8(text)) {
      error(node, "has invalid UTF-8 in <" + std::string(node.name()) + ">");
      return std::nullopt;
    }
    for (const pugi::xml_attribute& attribute : node.attributes()) {
      if (allowed_attribute.empty() || attribute.name() != allowed_attribute) {
        error(node, "has an unknown attribute " + shown(attribute.name()) + " on <" + node.name() + ">");
      }
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

  // A <url>: checked_text(), which must start with http:// or https:// (in both versions of the format).
  std::string url_of(const pugi::xml_node& node) {
    std::string url = text_of(node, kMaxUrlChars);
    if (!url.empty() && !is_web_address(url)) {
      error(node, "has a <url> " + quote_value(url) + " that does not start with http:// or https://");
    }
    return url;
  }

  // Reports `value` (the text of `node`, or one of its attributes named `what`) when it is not in `allowed`.
  template <std::size_t N>
  void check_one_of(const pugi::xml_node& node, std::string_view what, std::string_view value,
                    const std::array<std::string_view, N>& allowed) {
    if (!schema::is_one_of(value, allowed)) {
      error(node, "has an unknown " + std::string(what) + " " + quote_value(value) +
                      " (expected one of: " + schema::list_of(allowed) + ")");
    }
  }

  template <std::size_t N>
  std::string enumerated(const pugi::xml_node& node, const std::array<std::string_view, N>& allowed) {
    const std::optional<std::string> value = checked_text(node);
    if (value) check_one_of(node, node.name(), *value, allowed);
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

  // A <date>: YYYY, YYYY-MM or YYYY-MM-DD, a year the format takes, a month and a day that exist.
  std::optional<Date> date_of(const pugi::xml_node& node) {
    const std::optional<std::string> text = checked_text(node);
    if (!text) return std::nullopt;
    const std::string_view t = *text;
    const bool shaped = (t.size() == 4 || t.size() == 7 || t.size() == 10) && is_digits(t.substr(0, 4)) &&
                        (t.size() < 7 || (t[4] == '-' && is_digits(t.substr(5, 2)))) &&
                        (t.size() < 10 || (t[7] == '-' && is_digits(t.substr(8, 2))));
    const std::string what = "has a date " + quote_value(t);
    if (!shaped) {
      error(node, what + ", which is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)");
      return std::nullopt;
    }
    const std::optional<int> year = parse_year(t.substr(0, 4));
    if (!year) {
      error(node, what + " with a year outside " + std::to_string(schema::kMinYear) + " to " +
                      std::to_string(schema::kMaxYear));
      return std::nullopt;
    }
    Date date{*year, 0, 0};
    if (t.size() >= 7) {
      date.month = std::stoi(std::string(t.substr(5, 2)));
      if (date.month < 1 || date.month > 12) {
        error(node, what + ", which does not exist (months are 01 to 12)");
        return std::nullopt;
      }
    }
    if (t.size() == 10) {
      date.day = std::stoi(std::string(t.substr(8, 2)));
      const int days = days_in_month(date.year, date.month);
      if (date.day < 1 || date.day > days) {
        error(node, what + ", which does not exist (" + std::string(t.substr(0, 7)) + " has " + std::to_string(days) +
                        " days)");
        return std::nullopt;
      }
    }
    return date;
  }

  // Hands each child element of a list (<authors>, <links>, …) named `item` to `read`, reporting text directly inside
  // the list, elements of another name and an empty list.
  template <typename Read>
  void for_each_item(const pugi::xml_node& list, std::string_view item, Read read) {
    for (const pugi::xml_node& child : list.children()) {
      if (child.type() == pugi::node_pcdata && !trim(child.value()).empty()) {
        error(list, "has text directly inside <" + std::string(list.name()) + ">");
      }
      if (child.type() != pugi::node_element) continue;
      if (child.name() != item) {
        error(child, "has an unknown element <" + shown(child.name()) + "> in <" + list.name() + ">");
        continue;
      }
      read(child);
    }
    if (!list.first_element_by_path(std::string(item).c_str())) {
      error(list, "has an empty <" + std::string(list.name()) + ">");
    }
  }

  // Children that are lists of one element name (<keywords><keyword>…), as collapsed texts.
  std::vector<std::string> text_list(const pugi::xml_node& list, std::string_view item, std::size_t max_chars) {
    std::vector<std::string> items;
    for_each_item(list, item, [&](const pugi::xml_node& child) {
      if (std::optional<std::string> text = checked_text(child, max_chars)) items.push_back(std::move(*text));
    });
    return items;
  }

  // An element that names another by its ref attribute (<participant ref="…" role="…"/>, <coordinator ref="…"/>):
  // the Reference, or std::nullopt after a fault (reported). `with_role`: whether it may carry a role. Those of
  // version 2 elements take no content; version 1 has always let <participant> and <link> have some.
  std::optional<Reference> reference_of(const pugi::xml_node& node, bool with_role) {
    const std::string item = node.name();
    Reference ref;
    ref.where = lines_.at(node);
    bool faults = false;
    for (const pugi::xml_attribute& attribute : node.attributes()) {
      const std::string_view name = attribute.name();
      if (name == "ref") {
        ref.ref = attribute.value();
      } else if (with_role && name == "role") {
        ref.role = collapse_space(attribute.value());
        if (ref.role.empty()) {
          error(node, "has an empty role on <" + item + ">");
        } else if (count_chars(ref.role) > kMaxRoleChars) {
          error(node, "has a role longer than the limit of " + std::to_string(kMaxRoleChars) + " characters on <" +
                          item + ">");
        }
      } else {
        error(node, "has an unknown attribute " + shown(name) + " on <" + item + ">");
        faults = true;
      }
    }
    if (version_2_ && node.first_child()) {
      error(node, "has content inside <" + item + ">, which takes attributes only");
      faults = true;
    }
    if (ref.ref.empty()) {
      error(node, "has a <" + item + "> without ref");
    } else if (!is_valid_id(ref.ref)) {
      error(node, "has a <" + item + "> with an invalid ref " + quote_value(ref.ref));
    } else if (!faults) {
      return ref;
    }
    return std::nullopt;
  }

  std::vector<Reference> references(const pugi::xml_node& list, std::string_view item, bool with_role) {
    std::vector<Reference> refs;
    for_each_item(list, item, [&](const pugi::xml_node& child) {
      if (std::optional<Reference> ref = reference_of(child, with_role)) refs.push_back(std::move(*ref));
    });
    return refs;
  }

  // The <authors> of a fiche or dossier: each <author> names a person (ref="…", no text) or is free text.
  void read_authors(const pugi::xml_node& list) {
    for_each_item(list, "author", [&](const pugi::xml_node& child) {
      const bool has_ref = static_cast<bool>(child.attribute("ref"));
      const pugi::xml_object_range<pugi::xml_node_iterator> parts = child.children();
      const bool has_text = std::any_of(parts.begin(), parts.end(), [](const pugi::xml_node& part) {
        return part.type() == pugi::node_element || (is_text(part) && !trim(part.value()).empty());
      });
      if (has_ref && has_text) {
        error(child, "has an <author> with both a ref and text (a person's ref or a name, not both)");
      } else if (!has_ref && !has_text) {
        error(child, "has an <author> with neither a ref nor text (a person's ref or a name)");
      } else if (has_ref) {
        if (std::optional<Reference> ref = reference_of(child, false)) {
          record_.author_refs.push_back(AuthorRef{ref->ref, "", ref->where});
        }
      } else if (std::optional<std::string> name = checked_text(child, kMaxAuthorChars)) {
        record_.authors.push_back(*name);
        record_.author_refs.push_back(AuthorRef{"", std::move(*name), lines_.at(child)});
      }
    });
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

  // Reports a code (a place's code attribute, an organisation's <country>) that is not two capital letters, or, when
  // `assigned`, not a code ISO 3166-1 assigns.
  void check_country_code(const pugi::xml_node& node, std::string_view what, std::string_view code, bool assigned) {
    if (!is_two_capitals(code)) {
      error(node, "has a " + std::string(what) + " " + quote_value(code) +
                      " that is not an ISO 3166 alpha-2 code (two capital letters)");
    } else if (assigned && !schema::is_iso_country(code)) {
      error(node,
            "has a " + std::string(what) + " " + quote_value(code) + " that is no country's ISO 3166 alpha-2 code");
    }
  }

  void read_document_child(const pugi::xml_node& child, const std::string& name) {
    using schema::DocType;
    const DocType type = record_.doc_type;
    const bool org = type == DocType::Organisation;
    const bool prj = type == DocType::Project;
    const bool res = type == DocType::Resource;
    const bool dos = type == DocType::Dossier;
    const bool fic = type == DocType::Fiche;
    if ((org && name == "name") || (!org && name == "title")) {
      if (std::optional<std::string> title = checked_text(child, kMaxTitleChars)) {
        record_.title = std::move(*title);
      }
    } else if (name == "url") {
      record_.url = url_of(child);
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
        check_country_code(child, "country", record_.country, false);
      }
    } else if (prj && name == "type") {
      record_.project_type = enumerated(child, schema::kProjectTypes);
    } else if (fic && name == "type") {
      record_.fiche_type = enumerated(child, schema::kFicheTypes);
    } else if ((prj || dos) && name == "period") {
      read_period(child);
    } else if (prj && name == "participants") {
      record_.participants = references(child, "participant", true);
    } else if (res && name == "category") {
      record_.category = enumerated(child, schema::kResourceCategories);
    } else if (res && name == "year") {
      if (const std::optional<std::string> text = checked_text(child)) record_.year = year_of(child, "a year", *text);
    } else if (res && name == "authors") {
      record_.authors = text_list(child, "author", kMaxAuthorChars);
    } else if ((dos || fic) && name == "authors") {
      read_authors(child);
    } else if ((res || fic) && name == "keywords") {
      record_.keywords = text_list(child, "keyword", kMaxKeywordChars);
    } else if ((res || fic) && name == "links") {
      record_.links = references(child, "link", false);
    } else if ((dos || fic) && name == "descriptors") {
      record_.descriptors = references(child, "descriptor", false);
    } else if ((dos || fic) && name == "places") {
      record_.places = references(child, "place", false);
    } else if (dos && name == "coordinator") {
      record_.coordinator = reference_of(child, false);
    } else if (dos && name == "partners") {
      record_.partners = references(child, "partner", true);
    } else if (fic && name == "date") {
      record_.date = date_of(child);
    } else if (fic && name == "dossiers") {
      record_.dossiers = references(child, "dossier", false);
    } else if (fic && name == "translation-of") {
      record_.translation_of = reference_of(child, false);
    } else if (fic && name == "source") {
      record_.source = text_of(child, kMaxSourceChars);
    } else {
      error(child, "has an unknown element <" + shown(name) + ">");
    }
  }

  bool read_entry_attribute(const pugi::xml_attribute& attribute) {
    const std::string_view name = attribute.name();
    const ThesaurusKind kind = entry_.kind;
    if (kind == ThesaurusKind::Descriptor && name == "family") {
      entry_.family = collapse_space(attribute.value());
      check_one_of(element_, "family", entry_.family, schema::kDescriptorFamilies);
    } else if (kind == ThesaurusKind::Place && name == "level") {
      entry_.level = collapse_space(attribute.value());
      check_one_of(element_, "level", entry_.level, schema::kPlaceLevels);
    } else if (kind == ThesaurusKind::Place && name == "code") {
      entry_.code = collapse_space(attribute.value());
      check_country_code(element_, "code", entry_.code, true);
    } else if (kind == ThesaurusKind::Place && name == "parent") {
      if (is_valid_id(attribute.value())) {
        entry_.parent = Reference{attribute.value(), "", entry_.where};
      } else {
        error(element_, "has an invalid parent " + quote_value(attribute.value()) + " " + kIdSyntax);
      }
    } else {
      return false;
    }
    return true;
  }

  // What a place's level says of its other attributes: a country has a code and nothing else has one; a continent
  // has no parent and everything else has one. (The parent's level is the reference graph's to check.)
  void check_place_attributes() {
    const bool has_code = static_cast<bool>(element_.attribute("code"));
    const bool has_parent = static_cast<bool>(element_.attribute("parent"));
    if (!element_.attribute("level")) {
      error(element_, "has no level attribute (expected one of: " + schema::list_of(schema::kPlaceLevels) + ")");
      return;
    }
    if (!schema::is_one_of(entry_.level, schema::kPlaceLevels)) return;  // reported
    const bool country = entry_.level == "country";
    if (country && !has_code) error(element_, "has no code attribute (a country needs its ISO 3166 alpha-2 code)");
    if (!country && has_code) {
      error(element_, "has a code attribute, which only a country takes (its level is " + entry_.level + ")");
    }
    const bool continent = entry_.level == "continent";
    if (continent && has_parent) error(element_, "has a parent attribute, which a continent does not take");
    if (!continent && !has_parent) {
      error(element_,
            "has no parent attribute (only a continent has none; a " + entry_.level + " is inside another place)");
    }
  }

  // <label xml:lang="…">: one per language.
  void read_label(const pugi::xml_node& node) {
    const std::optional<std::string> text = checked_text(node, kMaxLabelChars, "xml:lang");
    const pugi::xml_attribute lang_attribute = node.attribute("xml:lang");
    if (!lang_attribute) {
      error(node, "has a <label> without xml:lang (expected " + languages_for_messages() + ")");
      return;
    }
    const auto lang = schema::lang_from_code(lang_attribute.value());
    if (!lang) {
      error(node, "has a <label> in an unsupported language " + quote_value(lang_attribute.value()) + " (expected " +
                      languages_for_messages() + ")");
      return;
    }
    const auto slot = static_cast<std::size_t>(*lang);
    if (labels_seen_[slot]) {
      error(node, "has more than one <label xml:lang=\"" + std::string(schema::code_of(*lang)) + "\">");
      return;
    }
    labels_seen_[slot] = true;
    if (text) entry_.labels[slot] = *text;
  }

  void read_entry_child(const pugi::xml_node& child, const std::string& name) {
    const ThesaurusKind kind = entry_.kind;
    if (kind == ThesaurusKind::Person && name == "name") {
      if (std::optional<std::string> person = checked_text(child, kMaxAuthorChars)) {
        entry_.name = std::move(*person);
        entry_.labels.fill(entry_.name);
      }
    } else if (kind == ThesaurusKind::Person && name == "affiliation") {
      entry_.affiliation = reference_of(child, false);
    } else if (kind != ThesaurusKind::Person && name == "label") {
      read_label(child);
    } else if (kind == ThesaurusKind::Descriptor && name == "related") {
      if (std::optional<Reference> ref = reference_of(child, false)) entry_.related.push_back(std::move(*ref));
    } else {
      error(child, "has an unknown element <" + shown(name) + ">");
    }
  }

  const LineMap& lines_;
  std::vector<Diagnostic>& errors_;
  // The element being read
  pugi::xml_node element_;
  std::string tag_;                    // "<fiche>"
  std::string id_;                     // once read and valid
  bool version_2_ = false;             // whether its kind is new in version 2
  ExportRecord record_;                // a document
  ThesaurusEntry entry_;               // a thesaurus entry
  std::array<bool, 4> labels_seen_{};  // by Lang
};

}  // namespace

ParsedExport parse_export(std::string_view xml, const std::string& file) {
  ParsedExport parsed;
  // An export declared ISO-8859-1 or Windows-1252 is read as its UTF-8 conversion, whose characters keep their lines
  // and columns.
  std::string converted;
  if (const ExportEncoding encoding = declared_encoding(xml); encoding != ExportEncoding::Utf8) {
    const std::optional<XmlFault> fault = convert_to_utf8(xml, encoding, converted);
    xml = converted;
    if (fault) {
      parsed.errors.push_back(
          Diagnostic{LineMap(xml, file).at(static_cast<std::ptrdiff_t>(fault->offset)), fault->message});
      return parsed;
    }
  }
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
    parsed.errors.push_back(Diagnostic{
        lines.at(root), "<citego-export> has no version attribute (expected " + versions_for_messages(true) + ")"});
    return parsed;
  }
  const auto& versions = schema::kExportFormatVersions;
  if (std::find(versions.begin(), versions.end(), std::string_view(version.value())) == versions.end()) {
    parsed.errors.push_back(Diagnostic{lines.at(root), "<citego-export> has version " + quote_value(version.value()) +
                                                           "; this indexer reads versions " +
                                                           versions_for_messages(false)});
    return parsed;
  }
  const bool version_1 = std::string_view(version.value()) == "1";
  schema::Lang root_lang = schema::Lang::En;
  for (const pugi::xml_attribute& attribute : root.attributes()) {
    const std::string_view name = attribute.name();
    if (name == "version") continue;
    if (name == "xml:lang") {
      const auto lang = schema::lang_from_code(attribute.value());
      if (!lang) {
        parsed.errors.push_back(Diagnostic{lines.at(root), "<citego-export> has an unsupported language " +
                                                               quote_value(attribute.value()) + " (expected " +
                                                               languages_for_messages() + ")"});
        return parsed;
      }
      root_lang = *lang;
    } else if (name.substr(0, 6) != "xmlns:" && name != "xmlns") {
      parsed.errors.push_back(Diagnostic{lines.at(root), "<citego-export> has an unknown attribute " + shown(name)});
    }
  }

  if (!root.attribute("xml:lang")) {
    parsed.errors.push_back(Diagnostic{lines.at(root),
                                       "<citego-export> has no xml:lang attribute (the documents' "
                                       "default language: " +
                                           languages_for_messages() + ")"});
    return parsed;
  }

  ElementReader reader(lines, parsed.errors);
  for (const pugi::xml_node& child : root.children()) {
    if (is_text(child)) {
      if (!trim(child.value()).empty()) {
        parsed.errors.push_back(Diagnostic{lines.at(child), "text outside of any document in <citego-export>"});
      }
      continue;
    }
    if (child.type() != pugi::node_element) continue;
    const auto type = schema::doc_type_from_name(child.name());
    const auto kind = type ? std::nullopt : thesaurus_kind_from_name(child.name());
    if (!type && !kind) {
      parsed.errors.push_back(Diagnostic{lines.at(child), "unknown element <" + shown(child.name()) +
                                                              "> in <citego-export> (expected " +
                                                              top_level_elements(version_1) + ")"});
    } else if (version_1 && (kind || is_version_2(*type))) {
      parsed.errors.push_back(Diagnostic{lines.at(child), "<" + std::string(child.name()) +
                                                              "> needs version 2 of the export format (this file is "
                                                              "version 1)"});
    } else if (type) {
      if (auto record = reader.read_document(child, *type, root_lang)) parsed.records.push_back(std::move(*record));
    } else if (auto entry = reader.read_entry(child, *kind)) {
      parsed.entries.push_back(std::move(*entry));
    }
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
