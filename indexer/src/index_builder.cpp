// The two-pass build (see citego/index_builder.h).
#include "citego/index_builder.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <functional>
#include <iterator>
#include <map>
#include <mutex>
#include <string_view>

#include <xapian.h>

#include "citego/document_builder.h"
#include "citego/input_file.h"
#include "citego/live_database.h"
#include "citego/record_store.h"
#include "citego/reference_graph.h"
#include "citego/schema.h"
#include "citego/sharded_writer.h"

namespace fs = std::filesystem;

namespace citego {

namespace {

std::string summary_of(const std::vector<Diagnostic>& diagnostics, std::size_t total, bool stopped) {
  std::string text = std::to_string(total) + (total == 1 ? " error" : " errors") + " in the inputs";
  if (total > diagnostics.size()) text += " (" + std::to_string(diagnostics.size()) + " shown)";
  if (stopped) text += "; reading stopped at the limit of " + std::to_string(diagnostics.size()) + " (--max-errors)";
  return text;
}

}  // namespace

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

namespace {

// Collects diagnostics up to a limit, counting the rest.
class ErrorList {
 public:
  explicit ErrorList(std::size_t limit) : limit_(limit) {}
  void add(Diagnostic d) {
    ++total_;
    if (kept_.size() < limit_) kept_.push_back(std::move(d));
  }
  void add_all(std::vector<Diagnostic> ds) {
    for (Diagnostic& d : ds) add(std::move(d));
  }
  bool full() const { return total_ >= limit_; }
  void throw_if_any() {
    if (total_ > 0) throw InputError(std::move(kept_), total_, full());
  }

 private:
  std::size_t limit_;
  std::size_t total_ = 0;
  std::vector<Diagnostic> kept_;
};

// What pass 1 saw of an input.
struct CheckedInput {
  std::size_t size = 0;
  std::size_t digest = 0;
  bool pipe = false;
  std::string kept;  // a pipe's bytes, until pass 2
};

std::size_t digest_of(std::string_view bytes) { return std::hash<std::string_view>{}(bytes); }

// Pass 2's read of a regular file: its bytes, if they are those pass 1 checked. Throws InputError otherwise.
std::string reread(const std::string& file, const CheckedInput& checked) {
  InputBytes input = read_input(file);
  if (input.error) throw InputError({std::move(*input.error)}, 1);
  if (input.bytes.size() != checked.size || digest_of(input.bytes) != checked.digest) {
    throw InputError({{SourceLocation{file, 0, 0}, "changed while being indexed (" + std::to_string(checked.size) +
                                                       " bytes when checked, " + std::to_string(input.bytes.size()) +
                                                       " bytes now); run citego-index again"}},
                     1);
  }
  return std::move(input.bytes);
}

}  // namespace

InputError::InputError(std::vector<Diagnostic> diagnostics, std::size_t total, bool stopped)
    : std::runtime_error(summary_of(diagnostics, total, stopped)),
      diagnostics_(std::move(diagnostics)),
      total_(total) {}

namespace {

// Whether `path` names an export by its extension: ".xml" in any case.
bool has_xml_extension(const fs::path& path) {
  const std::string extension = path.extension().string();
  return extension.size() == 4 && extension[0] == '.' && (extension[1] | 0x20) == 'x' && (extension[2] | 0x20) == 'm' &&
         (extension[3] | 0x20) == 'l';
}

}  // namespace

std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs,
                                       std::vector<std::string>* skipped_folders) {
  std::vector<std::string> files;
  std::vector<Diagnostic> errors;
  const auto fault = [&](const std::string& path, std::string message) {
    errors.push_back({SourceLocation{path, 0, 0}, std::move(message)});
  };
  for (const std::string& input : inputs) {
    struct stat status {};
    if (::stat(input.c_str(), &status) != 0 || !S_ISDIR(status.st_mode)) {
      struct stat link {};
      if (::lstat(input.c_str(), &link) == 0 || errno != ENOENT) {
        files.push_back(input);  // read_input says what it is when it is no file
      } else {
        fault(input, "no such file or folder");
      }
      continue;
    }
    if (has_xml_extension(input)) {
      fault(input, "is a folder, not an export file (a folder given as input must not be named *.xml)");
      continue;
    }
    std::vector<std::string> entries;
    std::vector<std::string> subfolders;
    std::error_code ec;
    for (fs::directory_iterator it(input, ec), end; !ec && it != end; it.increment(ec)) {
      if (has_xml_extension(it->path())) {
        entries.push_back(it->path().string());
      } else if (std::error_code dir_ec; it->is_directory(dir_ec)) {
        subfolders.push_back(it->path().string());
      }
    }
    if (ec) {
      fault(input, "cannot list folder: " + ec.message());
      continue;
    }
    std::sort(entries.begin(), entries.end());
    const std::size_t errors_before = errors.size();
    std::size_t found = 0;
    for (const std::string& entry : entries) {
      struct stat entry_status {};
      if (::stat(entry.c_str(), &entry_status) != 0) {
        fault(entry, unreachable_reason(entry, errno));  // a dangling link, a link loop: named, not skipped
      } else if (!S_ISDIR(entry_status.st_mode)) {       // a folder named *.xml is no input
        files.push_back(entry);
        ++found;
      } else {
        subfolders.push_back(entry);
      }
    }
    std::sort(subfolders.begin(), subfolders.end());
    if (found == 0 && errors.size() == errors_before) {
      std::string message = "folder has no *.xml file";
      if (!subfolders.empty()) {
        message += " (its subfolders are not read: give the ones to index as inputs of their own, such as " +
                   subfolders.front() + ")";
      }
      fault(input, std::move(message));
    }
    if (skipped_folders) {
      // A subfolder that is an input of its own is read, so not skipped (corpus/ corpus/library/).
      std::erase_if(subfolders, [&inputs](const std::string& folder) {
        return std::any_of(inputs.begin(), inputs.end(), [&folder](const std::string& other) {
          std::error_code same_ec;
          return fs::equivalent(folder, other, same_ec);
        });
      });
      skipped_folders->insert(skipped_folders->end(), subfolders.begin(), subfolders.end());
    }
  }
  if (!errors.empty()) {
    const std::size_t total = errors.size();
    throw InputError(std::move(errors), total);
  }
  return files;
}

namespace {

// What an interrupted build must remove, and the lock that keeps abandon_running_build() out of a publication.
std::mutex running_build_mutex;
std::vector<std::string> running_build_paths;

// Registers the staging and generation paths of a build for abandon_running_build(), for the object's lifetime.
class RunningBuild {
 public:
  explicit RunningBuild(const LiveDatabase& live) {
    const std::lock_guard<std::mutex> lock(running_build_mutex);
    running_build_paths = {live.staging_path(), live.generation_path()};
  }
  ~RunningBuild() { forget(); }
  RunningBuild(const RunningBuild&) = delete;
  RunningBuild& operator=(const RunningBuild&) = delete;

  // Publishes `live`; an interruption waits until it is done, then finds nothing to remove.
  void publish(LiveDatabase& live) {
    const std::lock_guard<std::mutex> lock(running_build_mutex);
    live.publish();
    running_build_paths.clear();
  }

 private:
  static void forget() noexcept {
    const std::lock_guard<std::mutex> lock(running_build_mutex);
    running_build_paths.clear();
  }
};

// The folder --db is in must exist: a mistyped path is an error, not a new tree of folders.
void check_database_folder(std::string db_path) {
  while (db_path.size() > 1 && db_path.back() == '/') db_path.pop_back();
  const fs::path folder = fs::path(db_path).parent_path();
  if (folder.empty()) return;
  std::error_code ec;
  if (fs::is_directory(folder, ec)) return;
  if (fs::exists(folder, ec))
    throw LiveDatabaseError("cannot create " + db_path + ": " + folder.string() + " is not a folder");
  throw LiveDatabaseError("cannot create " + db_path + ": its folder " + folder.string() +
                          " does not exist (citego-index creates the database, not the folders it is in)");
}

// The documents of the database published at `db_path`, or 0 when there is none.
std::size_t live_documents(const std::string& db_path) {
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(db_path, ec))) return 0;
  return Xapian::Database(db_path).get_doccount();
}

// Refuses a build of `documents` that would remove more than half of the `live` documents.
void check_shrink(const IndexRequest& request, std::size_t documents, std::size_t live) {
  if (request.allow_shrink || documents * 2 >= live) return;
  throw ShrinkRefused("refusing to replace " + request.db_path + ": it has " + std::to_string(live) +
                      (live == 1 ? " document" : " documents") + " and the inputs " + std::to_string(documents) +
                      ", so " + std::to_string(live - documents) +
                      " would be removed (more than half); check the inputs, or give --allow-shrink to publish them");
}

}  // namespace

IndexSummary build_index(const IndexRequest& request, const ProgressCallback& progress) {
  const auto started = std::chrono::steady_clock::now();
  if (!request.db_path.empty()) check_database_folder(request.db_path);
  IndexSummary summary;
  const std::vector<std::string> files = expand_inputs(request.inputs, &summary.skipped_folders);
  BuildProgress state;
  const auto report = [&] {
    if (progress) progress(state);
  };

  // Pass 1: read and check everything, keep the reference graph.
  // Each file is read once per pass; pass 2 re-reads regular files and checks that they are the bytes pass 1
  // checked, so facets (from pass 1) and text (from pass 2) come from one version. Pipes cannot be read twice: their
  // bytes are kept for pass 2.
  ReferenceGraph graph;
  ErrorList errors(request.max_errors);
  std::vector<CheckedInput> seen(files.size());
  state.total = files.size();
  report();
  std::vector<std::pair<std::string, std::string>> entry_facts;  // kept with the database (record_store.h)
  for (std::size_t i = 0; i < files.size(); ++i) {
    InputBytes input = read_input(files[i]);
    if (input.error) {
      errors.add(std::move(*input.error));
    } else {
      ParsedExport parsed = parse_export(input.bytes, files[i]);
      errors.add_all(std::move(parsed.errors));
      for (const ExportRecord& record : parsed.records) {
        if (auto duplicate = graph.add(record)) errors.add(std::move(*duplicate));
      }
      for (const ThesaurusEntry& entry : parsed.entries) {
        if (auto duplicate = graph.add(entry)) errors.add(std::move(*duplicate));
        entry_facts.emplace_back(std::string(kFactPrefix) + entry.id, encode_fact(entry));
      }
      seen[i] = CheckedInput{input.bytes.size(), digest_of(input.bytes), input.pipe, {}};
      if (input.pipe) seen[i].kept = std::move(input.bytes);
    }
    state.files = i + 1;
    state.done = graph.size();
    report();
    if (errors.full()) break;
  }
  state = BuildProgress{BuildPhase::Check, 0, 0, files.size(), {}};
  report();
  if (!errors.full()) errors.add_all(graph.check_references());
  errors.throw_if_any();
  const auto checked = std::chrono::steady_clock::now();

  summary.files = files.size();
  for (schema::DocType type : schema::kDocTypes) {
    summary.documents_by_type[static_cast<std::size_t>(type)] = graph.count(type);
  }
  for (ThesaurusKind kind : {ThesaurusKind::Person, ThesaurusKind::Descriptor, ThesaurusKind::Place}) {
    summary.entries_by_kind[static_cast<std::size_t>(kind)] = graph.count(kind);
  }
  summary.documents = graph.size();
  const auto seconds_since = [](auto from, auto to) { return std::chrono::duration<double>(to - from).count(); };
  if (request.check_only) {
    if (!request.db_path.empty()) {
      summary.live_documents = live_documents(request.db_path);
      check_shrink(request, graph.size(), summary.live_documents);
    }
    summary.seconds = summary.check_seconds = seconds_since(started, checked);
    return summary;
  }

  // Pass 2: chunks of consecutive documents go to parallel writers, each into a fresh staging run that nothing reads
  // yet (so it need not be synced); the runs are then merged into the new generation.
  graph.forget_reference_locations();  // the checks passed: no diagnostic needs them
  LiveDatabase live(request.db_path);
  summary.live_documents = live_documents(request.db_path);  // stable: the lock is held
  check_shrink(request, graph.size(), summary.live_documents);
  RunningBuild running(live);
  live.set_keep(request.keep);
  std::filesystem::create_directories(live.staging_path());
  graph.set_site(request.site);
  ShardedWriter writer(live.staging_path(), request.jobs, graph, request.shards);
  state = BuildProgress{BuildPhase::Write, 0, graph.size(), files.size(), {}};
  report();
  const ShardedWriter::WaitTick tick = [&] {
    state.done = writer.documents_written();
    report();
  };
  std::size_t read = 0;
  std::vector<ExportRecord> chunk;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string& file = files[i];
    // The file's bytes are freed once parsed: its records are what the writers need.
    ParsedExport parsed = [&] {
      const std::string bytes = seen[i].pipe ? std::move(seen[i].kept) : reread(file, seen[i]);
      return parse_export(bytes, file);
    }();
    if (!parsed.errors.empty()) {
      // The file changed since pass 1: refuse rather than index something unchecked.
      throw InputError({parsed.errors.front()}, parsed.errors.size());
    }
    for (ExportRecord& record : parsed.records) {
      if (++read > graph.size() || graph.docid_of(record.id) != read) {
        throw InputError({{SourceLocation{file, 0, 0}, "the file changed while being indexed"}}, 1);
      }
      chunk.push_back(std::move(record));
      if (chunk.size() == request.chunk_size) {
        writer.add(std::move(chunk), tick);
        chunk.clear();
        tick();
      }
    }
  }
  writer.add(std::move(chunk), tick);
  writer.finish(tick);
  if (read != graph.size()) throw InputError({{SourceLocation{}, "the inputs changed while being indexed"}}, 1);
  tick();
  const auto written = std::chrono::steady_clock::now();
  std::map<std::string, std::string> metadata;
  {
    std::vector<std::pair<std::string, std::string>> labels = graph.label_metadata();
    metadata.insert(std::make_move_iterator(labels.begin()), std::make_move_iterator(labels.end()));
  }
  // The writers are done with the graph: its memory goes back before the merge needs its own.
  graph = ReferenceGraph();
  for (auto& entry : writer.facet_dictionary().metadata()) metadata.insert(std::move(entry));
  metadata.insert(std::make_move_iterator(entry_facts.begin()), std::make_move_iterator(entry_facts.end()));
  entry_facts = {};
  metadata.insert({{std::string(schema::kMetaSchemaVersion), std::to_string(schema::kSchemaVersion)},
                   {std::string(schema::kMetaBuiltAt), utc_now()},
                   {std::string(schema::kMetaInputCount), std::to_string(files.size())},
                   {std::string(schema::kMetaDocumentCount), std::to_string(summary.documents)},
                   {std::string(schema::kMetaIndexerVersion), CITEGO_VERSION}});
  if (!request.site.empty()) metadata.insert({std::string(schema::kMetaSite), request.site});
  state = BuildProgress{BuildPhase::Merge, 0, 0, files.size(), {}};
  report();
  // A shard set's documents have the derived facets of the whole build (the graph's), as one database's have.
  if (request.shards) {
    writer.compact_set_into(live.generation_path(), metadata);
  } else {
    writer.compact_into(live.generation_path(), metadata, [&](const std::string& table, std::size_t n, std::size_t of) {
      state.table = table;
      state.done = n - 1;
      state.total = of;
      report();
    });
  }
  running.publish(live);

  summary.generation = live.generation_name();
  const auto finished = std::chrono::steady_clock::now();
  summary.seconds = seconds_since(started, finished);
  summary.check_seconds = seconds_since(started, checked);
  summary.write_seconds = seconds_since(checked, written);
  summary.merge_seconds = seconds_since(written, finished);
  return summary;
}

bool abandon_running_build() noexcept {
  running_build_mutex.lock();  // never unlocked: the process ends, and no build publishes meanwhile
  bool removed = false;
  for (const std::string& path : running_build_paths) {
    std::error_code ec;
    removed = fs::remove_all(path, ec) > 0 || removed;
  }
  return removed || !running_build_paths.empty();
}

}  // namespace citego
