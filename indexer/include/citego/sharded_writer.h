// ShardedWriter: writes documents on several threads into small staging databases ("runs"), then merges the runs
// into one compacted database.
//
// Xapian's writer slows down as a database grows (each flush merges into ever larger B-trees) and uses one core.
// Each run here is a fresh database holding one chunk of consecutive documents, written in one flush, so every run
// is cheap and the threads never share a database; the final Xapian compaction merges the runs' sorted tables in one
// pass. Chunks hold consecutive documents, so when the merge numbers each run's documents after the previous run's,
// every document gets the docid the reference graph gave it.
// Used by build_index() (index_builder.h).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "citego/record.h"
#include "citego/reference_graph.h"

namespace citego {

// Words kept in the spelling table, the most frequent first.
inline constexpr std::size_t kSpellingWords = 50000;
// Whether a document's term counts as a word of the spelling table: exact terms only (prefixed terms start with an
// upper-case letter), and no numbers, which are no words to suggest.
inline bool is_spelling_word(const std::string& term) {
  return !term.empty() && !(term[0] >= 'A' && term[0] <= 'Z') && !(term[0] >= '0' && term[0] <= '9');
}

class ShardedWriter {
 public:
  // Writes runs under `staging_dir` (which must exist) with `jobs` threads (at least 1). `graph` gives docids and
  // facets and must outlive the writer. Throws std::system_error when a thread cannot be started, after stopping
  // the ones that were.
  ShardedWriter(std::string staging_dir, unsigned jobs, const ReferenceGraph& graph);
  // Stops the threads; a chunk being written is abandoned (its run is left in the staging directory).
  ~ShardedWriter();
  ShardedWriter(const ShardedWriter&) = delete;
  ShardedWriter& operator=(const ShardedWriter&) = delete;

  // Queues a chunk of records whose docids are consecutive; blocks while `jobs` chunks are already waiting.
  // Rethrows the first error of a thread.
  void add(std::vector<ExportRecord> chunk);

  // Waits until every queued chunk is written. Rethrows the first error of a thread.
  void finish();

  // Documents written so far (any thread may be writing more).
  std::size_t documents_written() const;

  // Merges every run, plus `metadata` and the spelling table, into a new compacted database at `output`. Requires
  // finish().
  void compact_into(const std::string& output, const std::map<std::string, std::string>& metadata) const;

 private:
  struct Chunk {
    std::vector<ExportRecord> records;
  };
  void work();
  void rethrow_if_failed();
  void stop_and_join() noexcept;  // asks every thread to stop, drops queued chunks, and joins the threads

  std::string staging_dir_;
  const ReferenceGraph& graph_;
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Chunk> queue_;
  std::size_t busy_ = 0;
  bool stopping_ = false;
  std::exception_ptr failure_;
  std::size_t written_ = 0;
  std::map<Xapian::docid, std::string> runs_;  // first docid -> run path
  // Spelling data ("did you mean"): every exact term of the documents with its summed wdf. Gathered here and written
  // once, because Xapian's per-word spelling updates cost as much as the rest of indexing.
  std::unordered_map<std::string, Xapian::termcount> spelling_;
  std::vector<std::thread> threads_;
};

}  // namespace citego
