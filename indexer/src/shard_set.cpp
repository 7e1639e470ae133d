// Splitting a database into a shard set (see citego/shard_set.h).
#include "citego/shard_set.h"

#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <vector>

#include <xapian.h>

#include "citego/record_store.h"
#include "citego/schema.h"

namespace fs = std::filesystem;

namespace citego {

void add_shard_slots(Xapian::Document& doc) {
  const schema::FacetValues facets = schema::unpack_facets(doc.get_value(schema::kSlotFacets));
  for (std::size_t f = 0; f < schema::kFacetCount; ++f) {
    if (!facets.values[f].empty()) {
      doc.add_value(schema::kSlotFacetSetBase + static_cast<Xapian::valueno>(f),
                    schema::facet_set_value(facets.values[f]));
    }
  }
  doc.add_value(schema::kSlotBrowseNewest, schema::browse_key(doc, true));
  doc.add_value(schema::kSlotBrowseOldest, schema::browse_key(doc, false));
}

bool shards_hold_metadata(const std::string& key) {
  return !key.starts_with(kFactPrefix) && !key.starts_with(kRecordPrefix);
}

std::string shard_name(unsigned index) { return "shard-" + std::to_string(index + 1); }

bool is_shard_set(const std::string& path) {
  std::error_code ec;
  return fs::is_regular_file(fs::path(path) / "XAPIANDB", ec);
}

unsigned join_shard_set(const std::string& set, const std::string& whole) {
  Xapian::Database sources((fs::path(set) / "spelling").string());
  unsigned shards = 0;
  std::error_code ec;
  for (; fs::is_directory(fs::path(set) / shard_name(shards), ec); ++shards) {
    sources.add_database(Xapian::Database((fs::path(set) / shard_name(shards)).string()));
  }
  if (shards == 0) throw std::invalid_argument(set + " has no " + shard_name(0));
  // A metadata key of several sources keeps the first source's value (Xapian::Compactor): spelling's, which holds
  // every entry but a shard's own number.
  sources.compact(whole);
  Xapian::WritableDatabase joined(whole, Xapian::DB_OPEN);
  joined.set_metadata(std::string(schema::kMetaShard), "");
  joined.commit();
  joined.close();
  return shards;
}

void write_shard_set(const std::string& whole, const std::string& set, unsigned shards) {
  if (shards == 0) throw std::invalid_argument("a shard set has at least one shard");
  const Xapian::Database source(whole);
  fs::create_directory(set);
  std::vector<std::unique_ptr<Xapian::WritableDatabase>> out;
  for (unsigned k = 0; k < shards; ++k) {
    out.push_back(std::make_unique<Xapian::WritableDatabase>((fs::path(set) / shard_name(k)).string(),
                                                             Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS));
  }
  Xapian::WritableDatabase spelling((fs::path(set) / "spelling").string(),
                                    Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS);
  // Documents in docid order, so that each shard keeps the build's order.
  for (auto it = source.postlist_begin(""); it != source.postlist_end(""); ++it) {
    Xapian::Document doc = source.get_document(*it);
    add_shard_slots(doc);
    out[schema::shard_of(doc.get_value(schema::kSlotId), shards)]->add_document(doc);
  }
  // The records kept for updates (record_store.h) go to `spelling` alone: a search never reads them.
  for (auto it = source.metadata_keys_begin(); it != source.metadata_keys_end(); ++it) {
    const std::string key = *it;
    const std::string value = source.get_metadata(key);
    spelling.set_metadata(key, value);
    if (!shards_hold_metadata(key)) continue;
    for (auto& shard : out) shard->set_metadata(key, value);
  }
  for (auto it = source.spellings_begin(); it != source.spellings_end(); ++it) {
    spelling.add_spelling(*it, it.get_termfreq());
  }
  for (unsigned k = 0; k < shards; ++k) {
    out[k]->set_metadata(std::string(schema::kMetaShardSet), "1");
    out[k]->set_metadata(std::string(schema::kMetaShard), std::to_string(k + 1) + "/" + std::to_string(shards));
    out[k]->commit();
    out[k]->close();
  }
  spelling.set_metadata(std::string(schema::kMetaShardSet), "1");
  spelling.commit();
  spelling.close();
  write_shard_stub(set, shards);
}

void write_shard_stub(const std::string& set, unsigned shards) {
  std::ofstream stub(fs::path(set) / "XAPIANDB");
  for (unsigned k = 0; k < shards; ++k) stub << "auto " << shard_name(k) << "\n";
  stub.close();
  if (!stub) throw std::runtime_error("cannot write the stub file " + (fs::path(set) / "XAPIANDB").string());
}

}  // namespace citego
