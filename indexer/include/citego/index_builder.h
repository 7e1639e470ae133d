// build_index(): the whole citego-index run, from input paths to a published database.
//
// Pass 1 reads every input, reports every local fault, duplicate id and dangling reference, and keeps only the facts
// facets depend on (ReferenceGraph). Pass 2 reads the inputs again one file at a time and hands chunks of documents
// to parallel writers (ShardedWriter), whose staging runs are merged into a new generation, published atomically
// (LiveDatabase). Each pass reads each input once, whole, from one descriptor (input_file.h); pass 2 refuses a
// regular file whose size or digest differs from what pass 1 checked, and takes a pipe's bytes from pass 1, which
// kept them. Memory is bounded by the largest input file (its bytes and XML tree), the inputs that are pipes, the
// reference graph (a few hundred bytes per document), and the chunks being written (jobs x 2 chunks), whatever the
// corpus size.
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

struct IndexRequest {
  std::string db_path;              // the live database path (see LiveDatabase)
  std::vector<std::string> inputs;  // files, or folders whose *.xml files are read (not recursively)
  std::size_t max_errors = 100;     // faults reported before reading stops
  std::size_t chunk_size = 1000;    // consecutive documents per staging run (see ShardedWriter)
  unsigned jobs = 2;                // writer threads, at least 1
  std::size_t keep = 2;             // generations left after publishing (LiveDatabase::set_keep)
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
  std::string generation;  // name of the published generation
};

// Called now and then during pass 2 with (documents indexed, documents in all).
using ProgressCallback = std::function<void(std::size_t, std::size_t)>;

// The input files named by `inputs`, in order: a path that is no folder as given (read_input judges it); a folder's
// *.xml entries in byte order of name, except folders named *.xml. Throws InputError, with every fault, for a path
// that does not exist, a folder named *.xml given as input, a folder that cannot be listed or has no *.xml file, and
// each *.xml entry of a folder that cannot be reached (a dangling symbolic link, a loop of links).
std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs);

// The time now, UTC, as the database metadata holds it: YYYY-MM-DDTHH:MM:SSZ.
std::string utc_now();

// Runs a whole build. Throws InputError for faults in the inputs, LiveDatabaseError or Xapian::Error for failures of
// the database; in every failure the database at request.db_path is left as it was.
IndexSummary build_index(const IndexRequest& request, const ProgressCallback& progress = {});

}  // namespace citego
