// ShardedWriter: writes documents on several threads into small staging databases ("runs"), then merges the runs
// into one compacted database.
//
// Xapian's writer slows down as a database grows (each flush merges into ever larger B-trees) and uses one core.
// Each run here is a fresh database holding one chunk of consecutive documents, written in one flush, so every run
// is cheap and the threads never share a database; the final Xapian compaction merges the runs' sorted tables in one
// pass. Chunks hold consecutive documents, so when the merge numbers each run's documents after the previous run's,
// every document gets the docid the reference graph gave it.
//
// For a shard set (shard_set.h), each chunk's documents are written into one run per shard (by the stable hash of
// their id, with the shard slots), beside a run of its records alone; each shard is then the same one-pass merge of
// its own runs, the shards merged in parallel, so that no document is copied after the build. A shard keeps the
// build's order of its documents, as a split of one database would.
// Used by build_index() (index_builder.h).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "citego/analysis.h"
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
  // facets and must outlive the writer. `shards`: 0 for one database (compact_into), N for a set of N shards
  // (compact_set_into). Throws std::system_error when a thread cannot be started, after stopping the ones that were.
  ShardedWriter(std::string staging_dir, unsigned jobs, const ReferenceGraph& graph, unsigned shards = 0);
  // Stops the threads; a chunk being written is abandoned (its run is left in the staging directory).
  ~ShardedWriter();
  ShardedWriter(const ShardedWriter&) = delete;
  ShardedWriter& operator=(const ShardedWriter&) = delete;

  // Called every kWaitTick while add() or finish() waits, so that a caller can show progress.
  using WaitTick = std::function<void()>;
  static constexpr std::chrono::milliseconds kWaitTick{100};

  // Queues a chunk of records whose docids are consecutive; blocks while `jobs` chunks are already waiting.
  // Rethrows the first error of a thread.
  void add(std::vector<ExportRecord> chunk, const WaitTick& tick = {});

  // Waits until every queued chunk is written. Rethrows the first error of a thread.
  void finish(const WaitTick& tick = {});

  // The ids every document's facet id slot uses (ReferenceGraph::facet_dictionary), for the metadata.
  const schema::FacetDictionary& facet_dictionary() const { return dictionary_; }

  // Documents built into runs so far, counted one by one (any thread may be writing more).
  std::size_t documents_written() const { return built_.load(std::memory_order_relaxed); }

  // Called by compact_into() as Xapian starts merging each table: (its name, tables started, tables in all).
  using MergeProgress = std::function<void(const std::string&, std::size_t, std::size_t)>;

  // Merges every run, plus `metadata`, into a new compacted database at `output`, then adds its spelling table
  // (kSpellingWords, taken from the merged terms). Requires finish() and a writer of one database.
  void compact_into(const std::string& output, const std::map<std::string, std::string>& metadata,
                    const MergeProgress& progress = {}) const;

  // Merges the runs of a shard set into the set at `set` (shard_set.h), which must not exist (its parent must): each
  // shard from its runs and `metadata`, with the `jobs` threads at once; `spelling` from every run's records and
  // `metadata`, with the spelling table (kSpellingWords, taken from the terms of every shard, as compact_into takes
  // them from one database). Requires finish() and a writer of a set. Throws Xapian::Error when reading or writing
  // fails; `set` may then hold part of the set (the caller removes it).
  void compact_set_into(const std::string& set, const std::map<std::string, std::string>& metadata) const;

 private:
  struct Chunk {
    std::vector<ExportRecord> records;
  };
  void work();
  // Waits on changed_ until `done`, calling `tick` every kWaitTick (with the lock released).
  template <class Done>
  void wait_until(std::unique_lock<std::mutex>& lock, const WaitTick& tick, Done done);
  void rethrow_if_failed();
  void stop_and_join() noexcept;  // asks every thread to stop, drops queued chunks, and joins the threads

  std::string staging_dir_;
  const ReferenceGraph& graph_;
  const schema::FacetDictionary dictionary_;  // the graph's, made once for every writer
  std::size_t capacity_;
  unsigned shards_;  // 0: one database
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Chunk> queue_;
  std::size_t busy_ = 0;
  bool stopping_ = false;
  std::exception_ptr failure_;
  std::atomic<std::size_t> built_{0};
  std::map<Xapian::docid, std::string> runs_;  // first docid -> run path (its written forms beside it; for a set,
                                               // the run of the records alone)
  std::vector<std::map<Xapian::docid, std::string>> shard_runs_;  // for a set: per shard, first docid -> run path
  std::vector<std::thread> threads_;
};

}  // namespace citego
