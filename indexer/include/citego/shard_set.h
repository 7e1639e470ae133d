// write_shard_set(): a built database split into a set of shards that Xapian combines (citego-index --shards N).
//
// The set is a folder: one Xapian database per shard (shard-1 … shard-N), a stub file XAPIANDB that lists them
// (`auto shard-K`, so that opening the folder opens the set), and `spelling`, a database without documents holding
// the whole spelling table and every metadata entry: a searcher whose shards are remote takes suggestions and labels
// from it (Xapian's remote backend serves neither a spelling table nor more than the first shard's metadata). A
// document goes to shard schema::shard_of(id, N); its derived facets are those of the whole build (the split comes
// after the derivation), and it gains the shard slots (schema.h) that searches through Xapian's stock remote server
// count and sort on. Every shard holds every metadata entry a search reads (labels, facet value lists, written forms,
// the schema version), with schema::kMetaShardSet and schema::kMetaShard; the records kept for updates
// (record_store.h) are in `spelling` alone.
//
// Used by build_index (index_builder.h) on the generation it is about to publish, so that the set is published
// atomically, all shards at once, and by update_index (index_updater.h), which joins the live set into one
// database, changes it, and splits it into a new generation, published the same way.
#pragma once

#include <string>

namespace citego {

// Splits the database at `whole` into `shards` (at least 1) shards in the folder `set`, which must not exist (its
// parent must). Throws Xapian::Error when reading or writing fails, std::invalid_argument for shards == 0; `set` may
// then hold part of the set (the caller removes it).
void write_shard_set(const std::string& whole, const std::string& set, unsigned shards);

// The name of shard `index` (0-based) in a set: "shard-1", "shard-2", …
std::string shard_name(unsigned index);

// Whether the database folder at `path` is a shard set (it has the stub file XAPIANDB).
bool is_shard_set(const std::string& path);

// The set at `set` joined into one database at `whole`, which must not exist (its parent must), for an update
// (index_updater.h) to change as it changes one database before write_shard_set() splits it again: Xapian's
// compaction of `spelling`, then shard-1 … shard-N (docids renumbered, one shard after the other). The whole takes
// spelling's metadata (every entry of the set, the records kept for updates included; a shard's own
// schema::kMetaShard is dropped) and its spelling table, and every shard's documents, shard slots included. Returns
// N. Throws Xapian::Error when reading or writing fails, std::invalid_argument for a set without shard-1.
unsigned join_shard_set(const std::string& set, const std::string& whole);

}  // namespace citego
