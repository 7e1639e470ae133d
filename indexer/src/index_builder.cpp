// The two-pass build (see citego/index_builder.h).
#include "citego/index_builder.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>

#include <xapian.h>

#include "citego/document_builder.h"
#include "citego/live_database.h"
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

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

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

}  // namespace

InputError::InputError(std::vector<Diagnostic> diagnostics, std::size_t total, bool stopped)
    : std::runtime_error(summary_of(diagnostics, total, stopped)), diagnostics_(std::move(diagnostics)), total_(total) {}

std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs) {
  std::vector<std::string> files;
  std::vector<Diagnostic> errors;
  for (const std::string& input : inputs) {
    std::error_code ec;
    if (fs::is_directory(input, ec)) {
      std::vector<std::string> found;
      for (const auto& entry : fs::directory_iterator(input, ec)) {
        if (entry.path().extension() == ".xml" && entry.is_regular_file(ec)) found.push_back(entry.path().string());
      }
      if (ec) {
        errors.push_back({SourceLocation{input, 0, 0}, "cannot list folder: " + ec.message()});
        continue;
      }
      if (found.empty()) errors.push_back({SourceLocation{input, 0, 0}, "folder has no *.xml file"});
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(input, ec)) {
      files.push_back(input);
    } else {
      errors.push_back({SourceLocation{input, 0, 0}, "no such file or folder"});
    }
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
  ReferenceGraph graph;
  ErrorList errors(request.max_errors);
  for (const std::string& file : files) {
    ParsedExport parsed = read_export_file(file);
    errors.add_all(std::move(parsed.errors));
    for (const ExportRecord& record : parsed.records) {
      if (auto duplicate = graph.add(record)) errors.add(std::move(*duplicate));
    }
    if (errors.full()) break;
  }
  if (!errors.full()) errors.add_all(graph.check_references());
  errors.throw_if_any();
  const auto checked = std::chrono::steady_clock::now();

  // Pass 2: chunks of consecutive documents go to parallel writers, each into a fresh staging run that nothing reads
  // yet (so it need not be synced); the runs are then merged into the new generation.
  LiveDatabase live(request.db_path);
  std::filesystem::create_directories(live.staging_path());
  ShardedWriter writer(live.staging_path(), request.jobs, graph);
  std::size_t read = 0;
  std::vector<ExportRecord> chunk;
  for (const std::string& file : files) {
    ParsedExport parsed = read_export_file(file);
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
  writer.compact_into(live.generation_path(),
                      {{std::string(schema::kMetaSchemaVersion), std::to_string(schema::kSchemaVersion)},
                       {std::string(schema::kMetaBuiltAt), utc_now()},
                       {std::string(schema::kMetaInputCount), std::to_string(files.size())},
                       {std::string(schema::kMetaDocumentCount), std::to_string(graph.size())},
                       {std::string(schema::kMetaIndexerVersion), CITEGO_VERSION}});
  live.publish();

  IndexSummary summary;
  summary.files = files.size();
  for (schema::DocType type : schema::kDocTypes) {
    summary.documents_by_type[static_cast<std::size_t>(type)] = graph.count(type);
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
