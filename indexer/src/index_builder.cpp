// The two-pass build (see citego/index_builder.h).
#include "citego/index_builder.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <functional>
#include <map>
#include <string_view>

#include <xapian.h>

#include "citego/document_builder.h"
#include "citego/input_file.h"
#include "citego/live_database.h"
#include "citego/record_store.h"
#include "citego/reference_graph.h"
#include "citego/sharded_writer.h"
#include "citego/schema.h"

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
    throw InputError({{SourceLocation{file, 0, 0},
                       "changed while being indexed (" + std::to_string(checked.size) + " bytes when checked, " +
                           std::to_string(input.bytes.size()) + " bytes now); run citego-index again"}},
                     1);
  }
  return std::move(input.bytes);
}

}  // namespace

InputError::InputError(std::vector<Diagnostic> diagnostics, std::size_t total, bool stopped)
    : std::runtime_error(summary_of(diagnostics, total, stopped)), diagnostics_(std::move(diagnostics)), total_(total) {}

std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs) {
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
    if (fs::path(input).extension() == ".xml") {
      fault(input, "is a folder, not an export file (a folder given as input must not be named *.xml)");
      continue;
    }
    std::vector<std::string> entries;
    std::error_code ec;
    for (fs::directory_iterator it(input, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->path().extension() == ".xml") entries.push_back(it->path().string());
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
      }
    }
    if (found == 0 && errors.size() == errors_before) fault(input, "folder has no *.xml file");
  }
  if (!errors.empty()) {
    const std::size_t total = errors.size();
    throw InputError(std::move(errors), total);
  }
  return files;
}

IndexSummary build_index(const IndexRequest& request, const ProgressCallback& progress) {
  const auto started = std::chrono::steady_clock::now();
  const std::vector<std::string> files = expand_inputs(request.inputs);

  // Pass 1: read and check everything, keep the reference graph.
  // Each file is read once per pass; pass 2 re-reads regular files and checks that they are the bytes pass 1
  // checked, so facets (from pass 1) and text (from pass 2) come from one version. Pipes cannot be read twice: their
  // bytes are kept for pass 2.
  ReferenceGraph graph;
  ErrorList errors(request.max_errors);
  std::vector<CheckedInput> seen(files.size());
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
    if (errors.full()) break;
  }
  if (!errors.full()) errors.add_all(graph.check_references());
  errors.throw_if_any();
  const auto checked = std::chrono::steady_clock::now();

  // Pass 2: chunks of consecutive documents go to parallel writers, each into a fresh staging run that nothing reads
  // yet (so it need not be synced); the runs are then merged into the new generation.
  LiveDatabase live(request.db_path);
  live.set_keep(request.keep);
  std::filesystem::create_directories(live.staging_path());
  ShardedWriter writer(live.staging_path(), request.jobs, graph);
  std::size_t read = 0;
  std::vector<ExportRecord> chunk;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string& file = files[i];
    const std::string bytes = seen[i].pipe ? std::move(seen[i].kept) : reread(file, seen[i]);
    ParsedExport parsed = parse_export(bytes, file);
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
        writer.add(std::move(chunk));
        chunk.clear();
        if (progress) progress(writer.documents_written(), graph.size());
      }
    }
  }
  writer.add(std::move(chunk));
  writer.finish();
  if (read != graph.size()) throw InputError({{SourceLocation{}, "the inputs changed while being indexed"}}, 1);
  if (progress) progress(writer.documents_written(), graph.size());
  const auto written = std::chrono::steady_clock::now();
  const std::vector<std::pair<std::string, std::string>> labels = graph.label_metadata();
  std::map<std::string, std::string> metadata(labels.begin(), labels.end());
  metadata.insert(entry_facts.begin(), entry_facts.end());
  metadata.insert({{std::string(schema::kMetaSchemaVersion), std::to_string(schema::kSchemaVersion)},
                                   {std::string(schema::kMetaBuiltAt), utc_now()},
                                   {std::string(schema::kMetaInputCount), std::to_string(files.size())},
                                   {std::string(schema::kMetaDocumentCount), std::to_string(graph.size())},
                                   {std::string(schema::kMetaIndexerVersion), CITEGO_VERSION}});
  writer.compact_into(live.generation_path(), metadata);
  live.publish();

  IndexSummary summary;
  summary.files = files.size();
  for (schema::DocType type : schema::kDocTypes) {
    summary.documents_by_type[static_cast<std::size_t>(type)] = graph.count(type);
  }
  for (ThesaurusKind kind : {ThesaurusKind::Person, ThesaurusKind::Descriptor, ThesaurusKind::Place}) {
    summary.entries_by_kind[static_cast<std::size_t>(kind)] = graph.count(kind);
  }
  summary.documents = graph.size();
  summary.generation = live.generation_name();
  const auto finished = std::chrono::steady_clock::now();
  summary.seconds = std::chrono::duration<double>(finished - started).count();
  summary.check_seconds = std::chrono::duration<double>(checked - started).count();
  summary.write_seconds = std::chrono::duration<double>(written - checked).count();
  summary.merge_seconds = std::chrono::duration<double>(finished - written).count();
  return summary;
}

}  // namespace citego
