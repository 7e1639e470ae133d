// Helpers shared by the tests: temporary directories, running the real binaries, reading files, dumping databases.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "citego/schema.h"

namespace citego::test {

// A stored document with the fields every document kind has (the version 2 fields empty).
inline schema::StoredDocument stored_document(std::string id, schema::DocType type, schema::Lang lang,
                                              std::string title, std::string url, std::string summary,
                                              std::string body) {
  schema::StoredDocument doc;
  doc.id = std::move(id);
  doc.doc_type = type;
  doc.lang = lang;
  doc.title = std::move(title);
  doc.url = std::move(url);
  doc.summary = std::move(summary);
  doc.body = std::move(body);
  return doc;
}

// A fresh directory under the system temp dir, removed with everything in it when the object goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `program` with `args` in `cwd` (no shell), with stdin from /dev/null; `shell_prefix` (e.g. "ulimit -f 64;")
// when not empty runs it through bash first.
RunResult run(const std::string& program, const std::vector<std::string>& args, const std::string& cwd = ".",
              const std::string& shell_prefix = "");

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& text);

// Paths of the project: the source tree and the two binaries under test.
std::string source_dir();
std::string corpus_dir();
std::string index_binary();
std::string search_binary();

// The bundled corpus as the README indexes it (corpus/ and corpus/library/), built once per test process by
// citego-index in a temporary directory that is removed at exit; its path. Throws std::runtime_error with
// citego-index's stderr when the build fails.
const std::string& library_database();

// Everything a database holds per document (terms with wdf and positions, values, data), plus its metadata except
// the build time: two databases with the same dump hold the same contents.
std::string dump_database(const std::string& path);

// Digest of every file under `dir` (names and bytes), to check that nothing changed.
std::string tree_digest(const std::filesystem::path& dir);

}  // namespace citego::test
