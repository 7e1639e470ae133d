// Internal to citego-generate: the output folder's files. Each file is written as NAME.tmp and renamed when complete,
// so a folder never holds a half-written export under its final name.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace citego::generator {

namespace fs = std::filesystem;

// "part-0001.xml" for file 1.
std::string part_name(unsigned file);

// part-NNNN.xml files that a run with more files left behind, leftover part-NNNN.xml.tmp and thesaurus.xml.tmp, and
// thesaurus.xml unless `keep_thesaurus` (a version 1 run after a version 2 one): indexing the folder with them would
// see duplicate ids, or version 2 entries. Removes them and returns their names, sorted.
std::vector<std::string> remove_stale_parts(const fs::path& dir, unsigned files, bool keep_thesaurus);

// A file being written: created as PATH.tmp, renamed to PATH by commit(), removed if destroyed before. Throws
// GeneratorError (with the path and the system's reason) when it cannot be created, written or renamed.
class OutputFile {
 public:
  explicit OutputFile(fs::path path);
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();
  // Appends the buffer's bytes to the file and clears the buffer.
  void write(std::string& buffer);
  // Closes the file and gives it its final name.
  void commit();
  std::uint64_t bytes() const { return bytes_; }

 private:
  fs::path path_;
  fs::path tmp_;
  std::FILE* file_ = nullptr;
  std::uint64_t bytes_ = 0;
};

}  // namespace citego::generator
