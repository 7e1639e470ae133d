// Internal to citego-generate: appending XML text, ids and years to an output buffer.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace citego::generator {

// Digits of the document ids: org-0000001.
inline constexpr int kIdDigits = 7;
// Digits of the thesaurus ids: dsc-00001, per-00001.
inline constexpr int kThesaurusIdDigits = 5;

// Appends `text` with &, <, > and " escaped (valid in element content and in double-quoted attributes).
inline void append_escaped(std::string& out, std::string_view text) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char* entity = nullptr;
    switch (text[i]) {
      case '&':
        entity = "&amp;";
        break;
      case '<':
        entity = "&lt;";
        break;
      case '>':
        entity = "&gt;";
        break;
      case '"':
        entity = "&quot;";
        break;
      default:
        continue;
    }
    out.append(text, start, i - start);
    out += entity;
    start = i + 1;
  }
  out.append(text, start, std::string_view::npos);
}

// Appends prefix + (n + 1) zero-padded to `digits` digits: append_id(out, "org-", 0) writes "org-0000001".
inline void append_id(std::string& out, std::string_view prefix, std::uint64_t n, int digits = kIdDigits) {
  char text[24];
  const int len = std::snprintf(text, sizeof text, "%0*llu", digits, static_cast<unsigned long long>(n + 1));
  out += prefix;
  out.append(text, static_cast<std::size_t>(len));
}

inline void append_year(std::string& out, int year) { out += std::to_string(year); }

}  // namespace citego::generator
