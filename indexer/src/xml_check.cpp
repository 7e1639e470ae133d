// The strict XML 1.0 check (see citego/xml_check.h).
#include "citego/xml_check.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <unordered_set>
#include <utility>
#include <vector>

namespace citego {

namespace {

constexpr std::size_t npos = std::string_view::npos;

// Decodes the UTF-8 sequence at text[pos] into `cp`. Returns its length in bytes, or 0 when it is not valid UTF-8
// (a stray or truncated byte, an overlong form, a surrogate, a value above U+10FFFF).
std::size_t decode_utf8(std::string_view text, std::size_t pos, char32_t& cp) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  if (lead < 0x80) {
    cp = lead;
    return 1;
  }
  std::size_t length = 0;
  char32_t smallest = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, cp = lead & 0x1Fu, smallest = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, cp = lead & 0x0Fu, smallest = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, cp = lead & 0x07u, smallest = 0x10000;
  } else {
    return 0;
  }
  if (text.size() - pos < length) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(text[pos + k]);
    if ((next & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (next & 0x3Fu);
  }
  if (cp < smallest || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return length;
}

// XML 1.0's Char production.
bool is_xml_char(char32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
         (c >= 0x10000 && c <= 0x10FFFF);
}

// XML 1.0 (fifth edition) NameStartChar and NameChar.
bool is_name_start(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == ':' || c == '_' || (c >= 0xC0 && c <= 0xD6) ||
         (c >= 0xD8 && c <= 0xF6) || (c >= 0xF8 && c <= 0x2FF) || (c >= 0x370 && c <= 0x37D) ||
         (c >= 0x37F && c <= 0x1FFF) || (c >= 0x200C && c <= 0x200D) || (c >= 0x2070 && c <= 0x218F) ||
         (c >= 0x2C00 && c <= 0x2FEF) || (c >= 0x3001 && c <= 0xD7FF) || (c >= 0xF900 && c <= 0xFDCF) ||
         (c >= 0xFDF0 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0xEFFFF);
}

bool is_name_char(char32_t c) {
  return is_name_start(c) || c == '-' || c == '.' || (c >= '0' && c <= '9') || c == 0xB7 ||
         (c >= 0x300 && c <= 0x36F) || (c >= 0x203F && c <= 0x2040);
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// "U+0001", "U+FFFE".
std::string code_point_name(char32_t cp) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string digits;
  for (char32_t rest = cp; rest != 0 || digits.size() < 4; rest >>= 4) digits.insert(digits.begin(), kHex[rest & 0xF]);
  return "U+" + digits;
}

// Bytes of character data that need no look: everything but markup and reference starts, control characters, ']'
// (which may start "]]>") and 0xEF (which may start U+FFFE or U+FFFF).
constexpr std::array<bool, 256> kPlainTextByte = [] {
  std::array<bool, 256> plain{};
  for (int b = 0; b < 256; ++b) plain[b] = b >= 0x20 && b != '<' && b != '&' && b != ']' && b != 0xEF;
  plain['\t'] = plain['\n'] = plain['\r'] = true;
  return plain;
}();

const std::string kNotCharSuffix = ", which XML does not allow";

// One pass over an export's bytes; the first fault found is kept and stops the pass.
class Scanner {
 public:
  explicit Scanner(std::string_view xml) : s_(xml) {}

  std::optional<XmlFault> run() {
    if (!prolog()) return fault_;
    while (i_ < s_.size() && !fault_) {
      if (s_[i_] == '<') {
        markup();
      } else {
        character_data();
      }
    }
    // No element, or one left open: pugixml reports these.
    return fault_;
  }

 private:
  bool fail(std::size_t at, std::string message) {
    if (!fault_) fault_ = XmlFault{at, std::move(message)};
    return false;
  }

  bool starts_with(std::size_t at, std::string_view prefix) const { return s_.substr(at, prefix.size()) == prefix; }

  std::size_t skip_space(std::size_t p) const {
    while (p < s_.size() && is_space(s_[p])) ++p;
    return p;
  }

  // The end of the Name that starts at `p` (`p` itself when none does).
  std::size_t name_end(std::size_t p, std::size_t limit) const {
    std::size_t q = p;
    while (q < limit) {
      char32_t cp = 0;
      const std::size_t length = decode_utf8(s_, q, cp);
      if (length == 0 || !(q == p ? is_name_start(cp) : is_name_char(cp))) break;
      q += length;
    }
    return q;
  }

  // Checks the character at `p`, outside character data: valid UTF-8 and an XML Char. Advances past it.
  bool markup_char(std::size_t& p) {
    const auto byte = static_cast<unsigned char>(s_[p]);
    if (byte >= 0x20 && byte < 0x80) {
      ++p;
      return true;
    }
    char32_t cp = 0;
    const std::size_t length = decode_utf8(s_, p, cp);
    if (length == 0) return fail(p, "malformed XML: invalid UTF-8");
    if (!is_xml_char(cp)) return not_a_char(p, cp);
    p += length;
    return true;
  }

  bool markup_chars(std::size_t from, std::size_t to) {
    for (std::size_t p = from; p < to;) {
      if (!markup_char(p)) return false;
    }
    return true;
  }

  bool not_a_char(std::size_t at, char32_t cp) {
    return fail(at, std::string("malformed XML: ") + (cp < 0x20 ? "control character " : "character ") +
                        code_point_name(cp) + kNotCharSuffix);
  }

  // Checks character data or a CDATA section in [from, to): raw characters, and references and "]]>" unless
  // `cdata`. Invalid UTF-8 is left to the reader, which names the document.
  bool text_chars(std::size_t from, std::size_t to, bool cdata) {
    for (std::size_t p = from; p < to;) {
      const auto byte = static_cast<unsigned char>(s_[p]);
      if (kPlainTextByte[byte]) {
        ++p;
      } else if (byte < 0x20) {
        return not_a_char(p, byte);
      } else if (byte == 0xEF) {
        if (p + 2 < to && static_cast<unsigned char>(s_[p + 1]) == 0xBF &&
            (static_cast<unsigned char>(s_[p + 2]) == 0xBE || static_cast<unsigned char>(s_[p + 2]) == 0xBF)) {
          return not_a_char(p, static_cast<unsigned char>(s_[p + 2]) == 0xBE ? 0xFFFE : 0xFFFF);
        }
        ++p;
      } else if (cdata) {
        ++p;  // '&', '<' and ']' are plain characters in a CDATA section
      } else if (byte == '&') {
        if (!reference(p, to)) return false;
      } else {  // ']'
        if (starts_with(p, "]]>")) return fail(p, "malformed XML: \"]]>\" in text (write ]]&gt;)");
        ++p;
      }
    }
    return true;
  }

  // A reference at s_[p] == '&', which must end before `to`. Advances past it.
  bool reference(std::size_t& p, std::size_t to) {
    const std::size_t start = p;
    if (start + 1 < to && s_[start + 1] == '#') {
      const bool hex = start + 2 < to && s_[start + 2] == 'x';
      std::size_t q = start + (hex ? 3 : 2);
      std::uint32_t value = 0;
      std::size_t digits = 0;
      for (; q < to; ++q, ++digits) {
        const char c = s_[q];
        std::uint32_t digit = 0;
        if (c >= '0' && c <= '9') {
          digit = static_cast<std::uint32_t>(c - '0');
        } else if (hex && c >= 'a' && c <= 'f') {
          digit = static_cast<std::uint32_t>(c - 'a' + 10);
        } else if (hex && c >= 'A' && c <= 'F') {
          digit = static_cast<std::uint32_t>(c - 'A' + 10);
        } else {
          break;
        }
        value = std::min<std::uint32_t>(value * (hex ? 16 : 10) + digit, 0x110000);  // past U+10FFFF: no Char
      }
      if (digits == 0 || q >= to || s_[q] != ';') {
        return fail(start, "malformed XML: a malformed character reference (expected &#digits; or &#xhex-digits;)");
      }
      if (!is_xml_char(value)) {
        return fail(start, "malformed XML: character reference " + shown(s_.substr(start, q + 1 - start)) +
                               " is not a character XML allows");
      }
      p = q + 1;
      return true;
    }
    const std::size_t name_start = start + 1;
    const std::size_t q = name_end(name_start, to);
    if (q == name_start || q >= to || s_[q] != ';') {
      return fail(start, "malformed XML: '&' that starts no entity or character reference (write &amp;)");
    }
    const std::string_view name = s_.substr(name_start, q - name_start);
    if (name != "lt" && name != "gt" && name != "amp" && name != "quot" && name != "apos") {
      return fail(start, "malformed XML: undeclared entity &" + shown(name) +
                             "; (an export may use &lt; &gt; &amp; &quot; &apos; and character references only)");
    }
    p = q + 1;
    return true;
  }

  // What comes before everything else: no UTF-16, an optional UTF-8 byte order mark, an optional XML declaration.
  bool prolog() {
    if (starts_with(0, "\xFE\xFF") || starts_with(0, "\xFF\xFE") || starts_with(0, std::string_view("\0<", 2)) ||
        starts_with(0, std::string_view("<\0", 2))) {
      return fail(0, "is UTF-16; citego-index reads UTF-8 only (convert it, e.g. with iconv -f UTF-16 -t UTF-8)");
    }
    if (starts_with(0, "\xEF\xBB\xBF")) i_ = 3;
    if (starts_with(i_, "<?xml") && i_ + 5 < s_.size() && is_space(s_[i_ + 5])) return declaration();
    return true;
  }

  // <?xml version="1.0" encoding="UTF-8" standalone="yes"?>, the encoding and standalone parts optional.
  bool declaration() {
    const std::size_t start = i_;
    const std::size_t end = s_.find("?>", start);
    const auto malformed = [&] {
      return fail(start,
                  "malformed XML: a malformed XML declaration (expected <?xml version=\"1.0\" "
                  "encoding=\"UTF-8\"?>)");
    };
    if (end == npos) return malformed();
    static constexpr std::array<std::string_view, 3> kNames = {"version", "encoding", "standalone"};
    std::size_t next = 0;  // index in kNames of the first pseudo-attribute still allowed
    for (std::size_t p = start + 5;;) {
      const std::size_t spaced = p;
      p = std::min(skip_space(p), end);
      if (p == end) break;
      if (p == spaced) return malformed();
      std::size_t q = p;
      while (q < end && s_[q] >= 'a' && s_[q] <= 'z') ++q;
      const auto found =
          std::find(kNames.begin() + static_cast<std::ptrdiff_t>(next), kNames.end(), s_.substr(p, q - p));
      if (found == kNames.end() || (next == 0 && found != kNames.begin())) return malformed();
      next = static_cast<std::size_t>(found - kNames.begin()) + 1;
      p = std::min(skip_space(q), end);
      if (p == end || s_[p] != '=') return malformed();
      p = std::min(skip_space(p + 1), end);
      if (p == end || (s_[p] != '"' && s_[p] != '\'')) return malformed();
      const std::size_t value_end = s_.find(s_[p], p + 1);
      if (value_end == npos || value_end > end) return malformed();
      const std::string_view value = s_.substr(p + 1, value_end - p - 1);
      p = value_end + 1;
      if (*found == "version" && value != "1.0") {
        return fail(start, "declares XML version " + quote_value(value) + "; exports are XML 1.0");
      }
      if (*found == "encoding" &&
          !std::equal(value.begin(), value.end(), std::string_view("UTF-8").begin(), std::string_view("UTF-8").end(),
                      [](char a, char b) { return (a >= 'a' && a <= 'z' ? a - 'a' + 'A' : a) == b; })) {
        return fail(start, "declares encoding " + quote_value(value) +
                               "; citego-index reads UTF-8, ISO-8859-1 and "
                               "Windows-1252 (convert it, e.g. with iconv -f " +
                               shown(value) + " -t UTF-8)");
      }
      if (*found == "standalone" && value != "yes" && value != "no") return malformed();
    }
    if (next == 0) return malformed();
    i_ = end + 2;
    return true;
  }

  void markup() {
    const std::size_t start = i_;
    if (starts_with(start, "<!--")) {
      comment(start);
    } else if (starts_with(start, "<![CDATA[")) {
      cdata(start);
    } else if (starts_with(start, "<!")) {
      fail(start,
           "a DOCTYPE or another markup declaration, which an export may not have (no DTD, no entity "
           "declarations)");
    } else if (starts_with(start, "<?")) {
      processing_instruction(start);
    } else if (starts_with(start, "</")) {
      end_tag(start);
    } else {
      start_tag(start);
    }
  }

  void comment(std::size_t start) {
    const std::size_t end = s_.find("--", start + 4);
    if (end == npos) {
      fail(start, "malformed XML: a comment that is not closed (expected -->)");
      return;
    }
    if (!markup_chars(start + 4, end)) return;
    if (end + 2 >= s_.size() || s_[end + 2] != '>') {
      fail(end, "malformed XML: \"--\" inside a comment");
      return;
    }
    i_ = end + 3;
  }

  void cdata(std::size_t start) {
    if (depth_ == 0) {
      fail(start, "malformed XML: a CDATA section outside the root element");
      return;
    }
    const std::size_t from = start + 9;
    const std::size_t end = s_.find("]]>", from);
    if (end == npos) {
      fail(start, "malformed XML: a CDATA section that is not closed (expected ]]>)");
      return;
    }
    if (end - from > kMaxTextNodeBytes) {
      fail(start, text_node_too_long());
      return;
    }
    if (!text_chars(from, end, true)) return;
    i_ = end + 3;
  }

  void processing_instruction(std::size_t start) {
    const std::size_t target_end = name_end(start + 2, s_.size());
    const std::string_view target = s_.substr(start + 2, target_end - start - 2);
    if (target.empty()) {
      fail(start, "malformed XML: a processing instruction without a target");
      return;
    }
    if (target.size() == 3 && (target[0] | 0x20) == 'x' && (target[1] | 0x20) == 'm' && (target[2] | 0x20) == 'l') {
      fail(start, "malformed XML: an XML declaration that is not at the start of the file");
      return;
    }
    const std::size_t end = s_.find("?>", target_end);
    if (end == npos) {
      fail(start, "malformed XML: a processing instruction that is not closed (expected ?>)");
      return;
    }
    if (end != target_end && !is_space(s_[target_end])) {
      fail(target_end, "malformed XML: a processing instruction whose target is not followed by a space");
      return;
    }
    if (!markup_chars(target_end, end)) return;
    i_ = end + 2;
  }

  void end_tag(std::size_t start) {
    const std::size_t name_start = start + 2;
    const std::size_t end = name_end(name_start, s_.size());
    if (end == name_start) {
      fail(start, "malformed XML: an end tag without a name");
      return;
    }
    const std::string_view name = s_.substr(name_start, end - name_start);
    const std::size_t p = skip_space(end);
    if (p >= s_.size() || s_[p] != '>') {
      fail(p < s_.size() ? p : start, "malformed XML: unexpected " +
                                          (p < s_.size() ? "character" : std::string("end")) + " in </" + shown(name) +
                                          "> (expected >)");
      return;
    }
    if (depth_ == 0) {
      fail(start, "malformed XML: an end tag </" + shown(name) + "> with no element open");
      return;
    }
    if (--depth_ == 0) root_closed_ = true;
    i_ = p + 1;
  }

  void start_tag(std::size_t start) {
    const std::size_t name_start = start + 1;
    const std::size_t end = name_end(name_start, s_.size());
    if (end == name_start) {
      fail(start, "malformed XML: '<' that starts no tag (write &lt;)");
      return;
    }
    const std::string_view name = s_.substr(name_start, end - name_start);
    if (depth_ == 0 && root_closed_) {
      fail(start, "malformed XML: a second root element <" + shown(name) + "> (an export has one root element)");
      return;
    }
    attributes_.clear();
    seen_.clear();
    for (std::size_t p = end;;) {
      const std::size_t spaced = p;
      p = skip_space(p);
      if (p >= s_.size()) {
        fail(start, "malformed XML: <" + shown(name) + "> is not closed (expected > or />)");
        return;
      }
      if (s_[p] == '>' || starts_with(p, "/>")) {
        if (s_[p] == '>') {
          ++depth_;
        } else if (depth_ == 0) {
          root_closed_ = true;
        }
        i_ = p + (s_[p] == '>' ? 1 : 2);
        return;
      }
      const std::size_t attribute_end = p == spaced ? p : name_end(p, s_.size());
      if (attribute_end == p) {
        fail(p,
             "malformed XML: unexpected character in <" + shown(name) + "> (expected a space, an attribute, > or />)");
        return;
      }
      const std::string_view attribute = s_.substr(p, attribute_end - p);
      if (!distinct(attribute)) {
        fail(p, "malformed XML: attribute " + shown(attribute) + " given twice in <" + shown(name) + ">");
        return;
      }
      const std::size_t equals = skip_space(attribute_end);
      const std::size_t quote = skip_space(equals + 1);
      if (equals >= s_.size() || s_[equals] != '=' || quote >= s_.size() || (s_[quote] != '"' && s_[quote] != '\'')) {
        fail(p, "malformed XML: attribute " + shown(attribute) + " in <" + shown(name) + "> has no quoted value");
        return;
      }
      const std::size_t value_end = s_.find(s_[quote], quote + 1);
      if (value_end == npos) {
        fail(quote, "malformed XML: an attribute value that is not closed");
        return;
      }
      if (value_end - quote - 1 > kMaxTextNodeBytes) {
        fail(quote, "an attribute value longer than " + std::to_string(kMaxTextNodeBytes) +
                        " bytes (the limit of one text node or attribute value; see schema/README.md)");
        return;
      }
      if (!attribute_value(quote + 1, value_end)) return;
      p = value_end + 1;
    }
  }

  // True when no earlier attribute of the current start tag has this name; remembers it.
  bool distinct(std::string_view attribute) {
    constexpr std::size_t kLinearSearch = 16;  // the format's elements have at most three attributes
    if (attributes_.size() < kLinearSearch) {
      if (std::find(attributes_.begin(), attributes_.end(), attribute) != attributes_.end()) return false;
      attributes_.push_back(attribute);
      if (attributes_.size() == kLinearSearch) seen_.insert(attributes_.begin(), attributes_.end());
      return true;
    }
    return seen_.insert(attribute).second;
  }

  bool attribute_value(std::size_t from, std::size_t to) {
    for (std::size_t p = from; p < to;) {
      if (s_[p] == '<') return fail(p, "malformed XML: '<' in an attribute value (write &lt;)");
      if (s_[p] == '&') {
        if (!reference(p, to)) return false;
      } else if (!markup_char(p)) {
        return false;
      }
    }
    return true;
  }

  // Text up to the next markup.
  void character_data() {
    const std::size_t start = i_;
    const std::size_t end = std::min(s_.find('<', start), s_.size());
    if (depth_ == 0) {
      for (std::size_t p = start; p < end; ++p) {
        if (!is_space(s_[p])) {
          fail(p, std::string("malformed XML: text ") + (root_closed_ ? "after" : "before") + " the root element");
          return;
        }
      }
    } else if (end - start > kMaxTextNodeBytes) {
      fail(start, text_node_too_long());
      return;
    } else if (!text_chars(start, end, false)) {
      return;
    }
    i_ = end;
  }

  static std::string text_node_too_long() {
    return "a text node longer than " + std::to_string(kMaxTextNodeBytes) +
           " bytes (the limit of one text node or attribute value; see schema/README.md)";
  }

  std::string_view s_;
  std::size_t i_ = 0;
  std::size_t depth_ = 0;
  bool root_closed_ = false;
  std::vector<std::string_view> attributes_;   // of the current start tag
  std::unordered_set<std::string_view> seen_;  // the same, once there are many
  std::optional<XmlFault> fault_;
};

}  // namespace

std::optional<XmlFault> find_xml_fault(std::string_view xml) { return Scanner(xml).run(); }

namespace {

// Where the encoding name of the XML declaration at the start of `xml` is: [begin, end), or begin == end for none.
std::pair<std::size_t, std::size_t> encoding_name_span(std::string_view xml) {
  if (xml.substr(0, 5) != "<?xml" || xml.size() < 6 || !is_space(xml[5])) return {0, 0};
  const std::size_t end = xml.find("?>");
  if (end == npos) return {0, 0};
  const std::string_view declaration = xml.substr(0, end);
  std::size_t p = declaration.find("encoding");
  if (p == npos) return {0, 0};
  p += 8;
  while (p < declaration.size() && is_space(declaration[p])) ++p;
  if (p >= declaration.size() || declaration[p] != '=') return {0, 0};
  ++p;
  while (p < declaration.size() && is_space(declaration[p])) ++p;
  if (p >= declaration.size() || (declaration[p] != '"' && declaration[p] != '\'')) return {0, 0};
  const std::size_t close = declaration.find(declaration[p], p + 1);
  if (close == npos) return {0, 0};
  return {p + 1, close};
}

bool same_ignoring_case(std::string_view a, std::string_view b) {
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

// Windows-1252's characters for 0x80 to 0x9F; 0 where it defines none.
constexpr std::array<char16_t, 32> kWindows1252High = {0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                                       0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
                                                       0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                                       0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

ExportEncoding declared_encoding(std::string_view xml) {
  const auto [begin, end] = encoding_name_span(xml);
  const std::string_view name = xml.substr(begin, end - begin);
  for (std::string_view latin1 : {"ISO-8859-1", "ISO_8859-1", "ISO8859-1", "latin1", "latin-1"}) {
    if (same_ignoring_case(name, latin1)) return ExportEncoding::Latin1;
  }
  for (std::string_view windows : {"Windows-1252", "cp1252"}) {
    if (same_ignoring_case(name, windows)) return ExportEncoding::Windows1252;
  }
  return ExportEncoding::Utf8;
}

std::optional<XmlFault> convert_to_utf8(std::string_view xml, ExportEncoding encoding, std::string& out) {
  const auto [begin, end] = encoding_name_span(xml);
  out.clear();
  out.reserve(xml.size() + xml.size() / 8);
  out.append(xml.substr(0, begin));
  out += "UTF-8";
  out += xml[end];  // the closing quote
  // Every accepted name has at least five characters: the padding keeps the declaration's length.
  out.append(end - begin - 5, ' ');
  for (std::size_t i = end + 1; i < xml.size(); ++i) {
    const auto byte = static_cast<unsigned char>(xml[i]);
    if (byte < 0x80) {
      out += static_cast<char>(byte);
    } else if (encoding == ExportEncoding::Windows1252 && byte < 0xA0) {
      const char16_t cp = kWindows1252High[byte - 0x80];
      if (cp == 0) {
        static constexpr char kHex[] = "0123456789ABCDEF";
        return XmlFault{out.size(), std::string("byte 0x") + kHex[byte >> 4] + kHex[byte & 0xF] +
                                        " is no character in Windows-1252, the encoding the file declares"};
      }
      append_utf8(out, cp);
    } else {
      append_utf8(out, byte);  // ISO-8859-1, and Windows-1252 from 0xA0: the byte is the code point
    }
  }
  return std::nullopt;
}

std::string shown(std::string_view value) {
  std::string out;
  std::size_t chars = 0;
  for (std::size_t p = 0; p < value.size(); ++chars) {
    if (chars == kMaxShownChars) {
      out += "…";
      break;
    }
    char32_t cp = 0;
    const std::size_t length = decode_utf8(value, p, cp);
    if (length == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++p;
      continue;
    }
    if (cp == '\t') {
      out += "\\t";
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
      out += "\\u" + code_point_name(cp).substr(2);
    } else {
      out += value.substr(p, length);
    }
    p += length;
  }
  return out;
}

std::string quote_value(std::string_view value) { return "\"" + shown(value) + "\""; }

std::size_t count_chars(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace citego
