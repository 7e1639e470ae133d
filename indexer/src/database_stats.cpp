// --stats (see citego/database_stats.h).
#include "citego/database_stats.h"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>
#include <xapian.h>

#include "citego/live_database.h"
#include "citego/schema.h"

namespace fs = std::filesystem;

namespace citego {

namespace {

std::uint64_t bytes_under(const fs::path& dir) {
  std::uint64_t total = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  }
  return total;
}

}  // namespace

DatabaseStats database_stats(const std::string& path, std::size_t top) {
  std::error_code ec;
  const fs::path live(path);
  if (!fs::is_symlink(fs::symlink_status(live, ec))) {
    throw LiveDatabaseError("there is no database published by citego-index at " + path);
  }
  const fs::path target = fs::read_symlink(live, ec);
  const fs::path store = live.parent_path() / (live.filename().string() + ".generations");
  DatabaseStats stats;
  stats.path = path;
  for (fs::directory_iterator it(store, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() != 6 || !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    stats.generations.push_back({name, name == target.filename().string(), bytes_under(it->path())});
  }
  std::sort(stats.generations.begin(), stats.generations.end(),
            [](const GenerationInfo& a, const GenerationInfo& b) { return a.name < b.name; });

  const Xapian::Database db(path);
  stats.schema_version = db.get_metadata(std::string(schema::kMetaSchemaVersion));
  stats.built_at = db.get_metadata(std::string(schema::kMetaBuiltAt));
  stats.updated_at = db.get_metadata(std::string(schema::kMetaUpdatedAt));
  stats.indexer_version = db.get_metadata(std::string(schema::kMetaIndexerVersion));
  stats.documents = db.get_doccount();
  for (schema::DocType type : schema::kDocTypes) {
    const std::string name(schema::name_of(type));
    stats.by_type.emplace_back(name, db.get_termfreq(schema::facet_term(schema::Facet::DocType, name)));
  }
  for (schema::Lang lang : schema::kLangs) {
    const std::string code(schema::code_of(lang));
    stats.by_lang.emplace_back(code, db.get_termfreq(schema::facet_term(schema::Facet::Lang, code)));
  }
  for (const schema::FacetSpec& spec : schema::kFacets) {
    std::vector<std::pair<std::string, std::uint64_t>> values;
    const std::string prefix = schema::facet_term(spec.facet, "");
    for (auto t = db.allterms_begin(prefix); t != db.allterms_end(prefix); ++t) {
      values.emplace_back((*t).substr(prefix.size()), t.get_termfreq());
    }
    const auto more = [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    };
    const std::size_t shown = std::min(top, values.size());
    std::partial_sort(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(shown), values.end(), more);
    values.resize(shown);
    stats.top_values.emplace_back(std::string(spec.name), std::move(values));
  }
  return stats;
}

std::string stats_text(const DatabaseStats& s) {
  std::ostringstream out;
  out << "database: " << s.path << "\n";
  out << "generations:";
  for (const GenerationInfo& g : s.generations) {
    out << " " << g.name << " (" << g.bytes << " bytes" << (g.live ? ", live" : "") << ")";
  }
  out << "\nschema version: " << s.schema_version << "\nbuilt at: " << s.built_at
      << "\nupdated at: " << (s.updated_at.empty() ? "never" : s.updated_at)
      << "\nindexer version: " << s.indexer_version << "\ndocuments: " << s.documents << "\n";
  const auto counts = [&out](const char* what, const std::vector<std::pair<std::string, std::uint64_t>>& list) {
    out << what << ":";
    for (const auto& [name, n] : list) out << " " << name << " " << n;
    out << "\n";
  };
  counts("by type", s.by_type);
  counts("by language", s.by_lang);
  for (const auto& [facet, values] : s.top_values) counts(("top " + facet).c_str(), values);
  return out.str();
}

std::string stats_json(const DatabaseStats& s) {
  nlohmann::ordered_json j;
  j["database"] = s.path;
  j["generations"] = nlohmann::ordered_json::array();
  for (const GenerationInfo& g : s.generations) {
    j["generations"].push_back({{"name", g.name}, {"live", g.live}, {"bytes", g.bytes}});
  }
  j["schema_version"] = s.schema_version;
  j["built_at"] = s.built_at;
  j["updated_at"] = s.updated_at.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(s.updated_at);
  j["indexer_version"] = s.indexer_version;
  j["documents"] = s.documents;
  const auto counts = [](const std::vector<std::pair<std::string, std::uint64_t>>& list) {
    nlohmann::ordered_json o = nlohmann::ordered_json::object();
    for (const auto& [name, n] : list) o[name] = n;
    return o;
  };
  j["by_type"] = counts(s.by_type);
  j["by_language"] = counts(s.by_lang);
  j["top_values"] = nlohmann::ordered_json::object();
  for (const auto& [facet, values] : s.top_values) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& [value, n] : values) list.push_back({{"value", value}, {"count", n}});
    j["top_values"][facet] = list;
  }
  return j.dump() + "\n";
}

}  // namespace citego
