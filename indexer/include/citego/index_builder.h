// build_index(): the whole citego-index run, from input paths to a published database.
//
// Pass 1 reads every input, reports every local fault, duplicate id and dangling reference, and keeps only the facts
// facets depend on (ReferenceGraph). Pass 2 reads the inputs again one file at a time and hands chunks of documents
// to parallel writers (ShardedWriter), whose staging runs are merged into a new generation, published atomically
// (LiveDatabase). Each pass reads each input once, whole, from one descriptor (input_file.h); pass 2 refuses a
// regular file whose size or digest differs from what pass 1 checked, and takes a pipe's bytes from pass 1, which
// kept them. Memory is the largest input file (its bytes, XML tree and records), the inputs that are pipes, the
// chunks being written (jobs x 2 chunks), and the reference graph, the one part that grows with the corpus (about
// 1.5 KB per document of the generated corpus: bench/RESULTS.md, "Peak memory of a build"). The spelling data is
// taken from the merged database, not counted in memory.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "citego/export_reader.h"

namespace citego {

// Faults in the inputs. what() is a one-line summary; diagnostics() has each fault in input order.
class InputError : public std::runtime_error {
 public:
  // `stopped`: reading stopped at the error limit, so the inputs may hold more faults than `total`.
  InputError(std::vector<Diagnostic> diagnostics, std::size_t total, bool stopped = false);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  // How many faults were found in all; more than diagnostics().size() when the limit cut the list.
  std::size_t total() const { return total_; }

 private:
  std::vector<Diagnostic> diagnostics_;
  std::size_t total_;
};

// A build that would remove more than half of the live database's documents, refused unless
// IndexRequest::allow_shrink. what() says how many and how to force it.
class ShrinkRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct IndexRequest {
  std::string db_path;              // the live database path (see LiveDatabase); may be empty when check_only
  std::vector<std::string> inputs;  // files, or folders whose *.xml files are read (see expand_inputs)
  std::size_t max_errors = 100;     // faults reported before reading stops
  std::size_t chunk_size = 1000;    // consecutive documents per staging run (see ShardedWriter)
  unsigned jobs = 2;                // writer threads, at least 1
  bool check_only = false;          // pass 1 only: every check, no database written (the shrink rule too, if db_path)
  bool allow_shrink = false;        // publish even when more than half of the live documents would go
  std::size_t keep = 2;             // generations left after publishing (LiveDatabase::set_keep)
  unsigned shards = 0;              // 0: one database; N: a set of N shards (shard_set.h)
  std::string site;                 // the site of every document (schema::is_site_name), or none
};

struct IndexSummary {
  std::size_t files = 0;
  std::array<std::size_t, 5> documents_by_type{};  // by schema::DocType
  std::array<std::size_t, 3> entries_by_kind{};    // by ThesaurusKind: persons, descriptors, places
  std::size_t documents = 0;
  double seconds = 0;
  // Where the time went: reading and checking (pass 1), writing the runs (pass 2), merging and publishing.
  double check_seconds = 0;
  double write_seconds = 0;
  double merge_seconds = 0;
  std::string generation;                    // name of the published generation (empty when check_only)
  std::size_t live_documents = 0;            // documents of the database replaced (0 when there was none)
  std::vector<std::string> skipped_folders;  // subfolders of input folders, which were not read
};

// The phases of a build, in order, and how far one is: Read counts documents read and checked in pass 1 (`total` is
// the number of input files, `files` those read); Check has no counts (the references of all documents, one step);
// Write counts documents built into staging runs out of all; Merge counts the tables of the database merged out of
// those a database has (a shard set's merge, its shards at once, has no counts: total 0).
enum class BuildPhase { Read, Check, Write, Merge };
struct BuildProgress {
  BuildPhase phase = BuildPhase::Read;
  std::size_t done = 0;
  std::size_t total = 0;
  std::size_t files = 0;  // Read: input files read so far
  std::string table;      // Merge: the table being merged ("postlist", …)
};

// Called on the calling thread at the start of each phase, after each input file of pass 1, after each chunk of
// pass 2, at least every 100 ms while pass 2 waits for its writers, and at each table of one database's merge.
using ProgressCallback = std::function<void(const BuildProgress&)>;

// The input files named by `inputs`, in order: a path that is no folder as given (read_input judges it); a folder's
// entries whose name ends in .xml, in any case (.xml, .XML, .Xml), in byte order of name. A folder's subfolders are
// not read (a subfolder is given as an input of its own) and are listed in `skipped_folders` if it is not null.
// Throws InputError, with every fault, for a path that does not exist, a folder named *.xml given as input, a folder
// that cannot be listed or has no *.xml file (the message names its subfolders, if any), and each *.xml entry of a
// folder that cannot be reached (a dangling symbolic link, a loop of links).
std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs,
                                       std::vector<std::string>* skipped_folders = nullptr);

// The time now, UTC, as the database metadata holds it: YYYY-MM-DDTHH:MM:SSZ.
std::string utc_now();

// Runs a whole build (or, with request.check_only, pass 1 alone). Throws InputError for faults in the inputs,
// ShrinkRefused (see above), LiveDatabaseError for a --db whose folder does not exist and for failures of
// publication, Xapian::Error for failures of the database; in every failure the database at request.db_path is left
// as it was.
IndexSummary build_index(const IndexRequest& request, const ProgressCallback& progress = {});

// For a signal-waiting thread (SIGINT, SIGTERM) that then ends the process with std::_Exit: removes what the build
// running in this process has written (its staging runs and unpublished generation) and returns true, or returns
// false when no build is writing. A build publishing when it is called finishes publishing first (and nothing is
// removed). Once called, no build of this process publishes: the caller must end the process.
bool abandon_running_build() noexcept;

}  // namespace citego
