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

std::string shard_name(unsigned index) { return "shard-" + std::to_string(index + 1); }

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
    const schema::FacetValues facets = schema::unpack_facets(doc.get_value(schema::kSlotFacets));
    for (std::size_t f = 0; f < schema::kFacetCount; ++f) {
      if (!facets.values[f].empty()) {
        doc.add_value(schema::kSlotFacetSetBase + static_cast<Xapian::valueno>(f),
                      schema::facet_set_value(facets.values[f]));
      }
    }
    doc.add_value(schema::kSlotBrowseNewest, schema::browse_key(doc, true));
    doc.add_value(schema::kSlotBrowseOldest, schema::browse_key(doc, false));
    out[schema::shard_of(doc.get_value(schema::kSlotId), shards)]->add_document(doc);
  }
  // The records kept for updates (record_store.h) go to `spelling` alone: a search never reads them.
  for (auto it = source.metadata_keys_begin(); it != source.metadata_keys_end(); ++it) {
    const std::string key = *it;
    const std::string value = source.get_metadata(key);
    spelling.set_metadata(key, value);
    if (key.starts_with(kFactPrefix) || key.starts_with(kRecordPrefix)) continue;
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
  std::ofstream stub(fs::path(set) / "XAPIANDB");
  for (unsigned k = 0; k < shards; ++k) stub << "auto " << shard_name(k) << "\n";
  stub.close();
  if (!stub) throw std::runtime_error("cannot write the stub file " + (fs::path(set) / "XAPIANDB").string());
}

}  // namespace citego
