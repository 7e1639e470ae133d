// A set of shards that Xapian combines (citego-index --shards N): the shard slots its documents carry, the split of a
// built database into a set, and the join of a set into one database.
//
// The set is a folder: one Xapian database per shard (shard-1 … shard-N), a stub file XAPIANDB that lists them
// (`auto shard-K`, so that opening the folder opens the set), and `spelling`, a database without documents holding
// the whole spelling table and every metadata entry: a searcher whose shards are remote takes suggestions and labels
// from it (Xapian's remote backend serves neither a spelling table nor more than the first shard's metadata). A
// document goes to shard schema::shard_of(id, N); its derived facets are those of the whole build, and it gains the
// shard slots (schema.h) that searches through Xapian's stock remote server count and sort on. Every shard holds
// every metadata entry a search reads (labels, facet value lists, written forms, the schema version), with
// schema::kMetaShardSet and schema::kMetaShard; the records kept for updates (record_store.h) are in `spelling` alone.
//
// A build writes its set from the staging runs, each run's documents already split by shard
// (ShardedWriter::compact_set_into, sharded_writer.h); an update (index_updater.h) joins the live set into one
// database, changes it, and splits it into a new generation with write_shard_set(). Either writes the set into the
// generation it is about to publish, so that the set is published atomically, all shards at once.
#pragma once

#include <string>

#include <xapian.h>

namespace citego {

// Adds to `doc`, a document as DocumentBuilder makes it, the shard slots of a set's documents: each facet's values
// (schema::kSlotFacetSetBase + facet) and the browse keys (schema::kSlotBrowseNewest, kSlotBrowseOldest).
void add_shard_slots(Xapian::Document& doc);

// Splits the database at `whole` into `shards` (at least 1) shards in the folder `set`, which must not exist (its
// parent must). Throws Xapian::Error when reading or writing fails, std::invalid_argument for shards == 0; `set` may
// then hold part of the set (the caller removes it).
void write_shard_set(const std::string& whole, const std::string& set, unsigned shards);

// Whether every shard holds the metadata entry `key`: all but the records kept for updates (kFactPrefix,
// kRecordPrefix), which `spelling` alone holds.
bool shards_hold_metadata(const std::string& key);

// Writes the stub file XAPIANDB of a set of `shards` shards in the folder `set`. Throws std::runtime_error when it
// cannot be written.
void write_shard_stub(const std::string& set, unsigned shards);

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
