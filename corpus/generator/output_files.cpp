// Internal to citego-generate: see output_files.h.
#include "output_files.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <system_error>

#include "corpus_generator.h"

namespace citego::generator {

std::string part_name(unsigned file) {
  char name[32];
  std::snprintf(name, sizeof name, "part-%04u.xml", file);
  return name;
}

std::vector<std::string> remove_stale_parts(const fs::path& dir, unsigned files, bool keep_thesaurus) {
  std::vector<std::string> removed;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if ((name == std::string(kThesaurusFile) && !keep_thesaurus) || name == std::string(kThesaurusFile) + ".tmp") {
      if (entry.is_regular_file() && fs::remove(entry.path(), ec)) removed.push_back(name);
      continue;
    }
    std::string_view rest(name);
    if (!rest.starts_with("part-")) continue;
    rest.remove_prefix(5);
    const std::size_t digits = std::min(rest.find_first_not_of("0123456789"), rest.size());
    if (digits < 4) continue;
    const std::string_view suffix = rest.substr(digits);
    if (suffix != ".xml" && suffix != ".xml.tmp") continue;
    const unsigned long number = digits > 9 ? ~0UL : std::stoul(std::string(rest.substr(0, digits)));
    if (suffix == ".xml" && number >= 1 && number <= files && part_name(static_cast<unsigned>(number)) == name)
      continue;
    if (!entry.is_regular_file()) continue;
    if (fs::remove(entry.path(), ec)) removed.push_back(name);
  }
  if (ec) throw GeneratorError("cannot list " + dir.string() + ": " + ec.message());
  std::sort(removed.begin(), removed.end());
  return removed;
}

OutputFile::OutputFile(fs::path path) : path_(std::move(path)), tmp_(path_.string() + ".tmp") {
  file_ = std::fopen(tmp_.c_str(), "wb");
  if (file_ == nullptr) throw GeneratorError("cannot create " + tmp_.string() + ": " + std::strerror(errno));
}

OutputFile::~OutputFile() {
  if (file_ != nullptr) {
    std::fclose(file_);
    std::error_code ec;
    fs::remove(tmp_, ec);
  }
}

void OutputFile::write(std::string& buffer) {
  if (!buffer.empty() && std::fwrite(buffer.data(), 1, buffer.size(), file_) != buffer.size()) {
    throw GeneratorError("cannot write " + tmp_.string() + ": " + std::strerror(errno));
  }
  bytes_ += buffer.size();
  buffer.clear();
}

void OutputFile::commit() {
  std::FILE* f = file_;
  file_ = nullptr;
  if (std::fclose(f) != 0) {
    const int err = errno;
    std::error_code ec;
    fs::remove(tmp_, ec);
    throw GeneratorError("cannot write " + tmp_.string() + ": " + std::strerror(err));
  }
  std::error_code ec;
  fs::rename(tmp_, path_, ec);
  if (ec) {
    fs::remove(tmp_, ec);
    throw GeneratorError("cannot rename " + tmp_.string() + " to " + path_.string() + ": " + ec.message());
  }
}

}  // namespace citego::generator
