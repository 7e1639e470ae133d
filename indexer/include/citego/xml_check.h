// The strict XML 1.0 check of an export's bytes: one linear pass, made before the tree is built.
//
// Used by parse_export (export_reader.h). pugixml builds the tree but is lenient: it skips a DOCTYPE, keeps an
// undeclared entity such as &lol; as literal text, decodes &#0; (which cuts the text), passes control characters,
// ignores a second root element, text after the root and the encoding declaration. find_xml_fault refuses all of
// that, so an export is either read as XML 1.0 defines it or refused with the place of the fault. It checks what can
// be seen token by token (characters, references, markup syntax, one root element); whether each end tag matches its
// start tag is left to pugixml.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace citego {

// The longest text node (character data or a CDATA section between two pieces of markup, white space included) or
// attribute value an export may hold, in bytes: far above any field's limit (export_reader.h), it stops a huge node
// before a tree is built for it.
inline constexpr std::size_t kMaxTextNodeBytes = 1 << 20;

struct XmlFault {
  std::size_t offset = 0;  // byte offset in the input of the first character at fault
  std::string message;     // the message, without location
};

// The encodings an export may declare. UTF-8 is also what an export without declaration is in.
enum class ExportEncoding { Utf8, Latin1, Windows1252 };

// The encoding the XML declaration of `xml` names: ISO-8859-1 (also written ISO_8859-1, ISO8859-1, latin1, latin-1)
// or Windows-1252 (cp1252), in any case; Utf8 for anything else, for no declaration and for an input that starts with
// a UTF-8 byte order mark (find_xml_fault judges those).
ExportEncoding declared_encoding(std::string_view xml);

// Converts `xml`, in `encoding` (not Utf8), to UTF-8 in `out`, and writes "UTF-8" over the encoding name of its
// declaration, padded with spaces after the closing quote, so that every character keeps its line and column. The
// one fault: a byte that Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D); `out` then ends where that
// byte would be, and the fault's offset is out.size().
std::optional<XmlFault> convert_to_utf8(std::string_view xml, ExportEncoding encoding, std::string& out);

// The first fault of `xml` as UTF-8 XML 1.0, or std::nullopt. Faults: a UTF-16 input or an encoding declaration other
// than UTF-8 (convert_to_utf8 turns the other encodings an export may declare into UTF-8 first); an XML declaration
// that is not the first thing in the file, or not version 1.0; a DOCTYPE or any other markup declaration; a reference
// to an entity other than lt, gt, amp, quot and apos; a character reference or a raw character that is not an XML 1.0
// Char (control characters other than tab, LF and CR, U+FFFE, U+FFFF); invalid UTF-8 in markup (tags, attribute values,
// comments, processing instructions); malformed markup; a second root element or text outside the root element; a text
// node or attribute value longer than kMaxTextNodeBytes. Invalid UTF-8 in character data is not a fault here: the
// reader reports it per element, naming the document. An input with no element at all is not a fault here either
// (pugixml reports it). Values quoted in messages are cut (shown()).
std::optional<XmlFault> find_xml_fault(std::string_view xml);

// How a value taken from an input is shown in a message: its first kMaxShownChars characters, then "…" if it is
// longer; tab, LF and CR written \t, \n and \r, other control characters (C0, DEL, C1) as \u followed by four hex
// digits, invalid UTF-8 as U+FFFD. So one message is one line of bounded length, and an export cannot send control
// sequences to a terminal.
inline constexpr std::size_t kMaxShownChars = 80;
std::string shown(std::string_view value);

// shown(value) between double quotes. (Not "quoted": std::quoted would be found for std::string arguments.)
std::string quote_value(std::string_view value);

// The number of characters (code points) in valid UTF-8 `text`.
std::size_t count_chars(std::string_view text);

}  // namespace citego
