// update_index(): `citego-index --update` and `--delete`, applied to the live generation in one Xapian transaction.
//
// The stored facts of every record (record_store.h) are added to a ReferenceGraph with the changed records in place
// of the old ones, and checked as a build checks them; references to records kept in the database are valid. Every
// document whose derived fields may read a changed record (ReferenceGraph::readers_of) is built again, from its
// record kept in the database when no input gives it, and replaced by id. The live generation is modified in place:
// Xapian commits a transaction atomically (a reader sees the state before or after it; a process killed during it
// leaves the state before), and readers notice the new revision by the generation directory's change time (the
// server opens a database again when it changes). No new generation is made, so an update costs what it changes, not
// the size of the database; --rollback goes back to the generation the last build replaced.
//
// A shard set (citego-index --shards, shard_set.h) is not changed in place: it is joined into one database in the
// staging folder (join_shard_set), changed there in the same way, split by the same hash into a new generation
// (write_shard_set) and published as a build is, so that every shard changes or none, and derived facets stay those
// of the whole. That costs a copy of the set, not what the update changes.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace citego {

struct UpdateRequest {
  std::string db_path;                 // the live database (LiveDatabase)
  std::vector<std::string> inputs;     // exports whose documents and entries are added or replaced by id
  std::vector<std::string> deletions;  // ids of documents or entries to remove
  std::size_t max_errors = 100;
  // The process ends right after update_index() returns: the reference graph of every record is left to the
  // operating system instead of being freed node by node, which was a fifth of the time of a one-fiche update at
  // 100,000 documents. A process that goes on (a test, a server) leaves it false.
  bool exits_after = false;
};

struct UpdateSummary {
  std::size_t files = 0;
  std::size_t added = 0;     // documents and entries that were not in the database
  std::size_t replaced = 0;  // documents and entries given again
  std::size_t deleted = 0;
  std::size_t rebuilt = 0;    // documents written again because what they derive from changed (besides the inputs)
  std::size_t documents = 0;  // documents in the database afterwards
  double seconds = 0;
  std::string generation;  // the live generation, updated in place, or for a shard set the new one
  bool in_place = true;    // false: a shard set, published as a new generation
};

// Throws InputError (index_builder.h) for faults in the inputs or the deletions (an unknown id, an id still referred
// to), LiveDatabaseError when there is no database at the path or it was built without its records, Xapian::Error
// when it cannot be written; in every failure the database is left as it was.
UpdateSummary update_index(const UpdateRequest& request);

}  // namespace citego
