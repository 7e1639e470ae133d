// What `citego-index --stats` says of a database: its generations, its metadata, its documents by type and language,
// its size and the most frequent values of each facet.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace citego {

struct GenerationInfo {
  std::string name;
  bool live = false;
  std::uint64_t bytes = 0;
};

struct DatabaseStats {
  std::string path;
  std::vector<GenerationInfo> generations;  // oldest first
  std::string schema_version, built_at, updated_at, indexer_version;
  std::uint64_t documents = 0;
  std::vector<std::pair<std::string, std::uint64_t>> by_type;  // every type, schema order
  std::vector<std::pair<std::string, std::uint64_t>> by_lang;  // every language, schema order
  // Per facet, in schema order: its name and its `top` most frequent values (count descending, then value).
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::uint64_t>>>> top_values;
};

// Reads the live database at `path` (a LiveDatabase link). Throws LiveDatabaseError when there is none, and
// Xapian::Error when it cannot be read.
DatabaseStats database_stats(const std::string& path, std::size_t top = 5);

std::string stats_text(const DatabaseStats& stats);
std::string stats_json(const DatabaseStats& stats);  // one JSON object and a newline; the keys are those of the text

}  // namespace citego
