// Test helpers (see test_support.h).
#include "test_support.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <stdexcept>

#include <xapian.h>

#include "citego/schema.h"

namespace fs = std::filesystem;

namespace citego::test {

TempDir::TempDir() {
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    const fs::path candidate = fs::temp_directory_path() / ("citego-test-" + std::to_string(rd()));
    std::error_code ec;
    if (fs::create_directory(candidate, ec)) {
      path_ = candidate;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary directory");
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

RunResult run(const std::string& program, const std::vector<std::string>& args, const std::string& cwd,
              const std::string& shell_prefix) {
  TempDir io;
  const std::string out_path = io / "out";
  const std::string err_path = io / "err";
  std::vector<std::string> argv_strings;
  if (shell_prefix.empty()) {
    argv_strings.push_back(program);
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  } else {
    argv_strings = {"/bin/bash", "-c", shell_prefix + " exec \"$0\" \"$@\"", program};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  }
  // Everything the child needs is made before fork: tests may run several children from several threads, and a
  // child must not allocate (another thread may hold the allocator's lock).
  std::vector<char*> argv;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    if (chdir(cwd.c_str()) != 0) _exit(126);
    const int in = open("/dev/null", O_RDONLY);
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  RunResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  return result;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string source_dir() { return CITEGO_SOURCE_DIR; }
std::string corpus_dir() { return source_dir() + "/corpus"; }
std::string index_binary() { return CITEGO_INDEX_BINARY; }

const std::string& library_database() {
  static const TempDir dir;
  static const std::string db = [] {
    const std::string path = dir / "library.db";
    const RunResult r = run(index_binary(), {"--db", path, "corpus/", "corpus/library/"}, source_dir());
    if (r.exit_code != 0) throw std::runtime_error("citego-index could not build " + path + ": " + r.err);
    return path;
  }();
  return db;
}
std::string search_binary() { return CITEGO_SEARCH_BINARY; }

std::string dump_database(const std::string& path) {
  const Xapian::Database db(path);
  std::ostringstream out;
  out << "documents " << db.get_doccount() << " lastdocid " << db.get_lastdocid() << "\n";
  for (auto key = db.metadata_keys_begin(); key != db.metadata_keys_end(); ++key) {
    if (*key == schema::kMetaBuiltAt) continue;
    out << "meta " << *key << "=" << db.get_metadata(*key) << "\n";
  }
  for (auto id = db.postlist_begin(""); id != db.postlist_end(""); ++id) {
    const Xapian::Document doc = db.get_document(*id);
    out << "doc " << *id << " data " << doc.get_data().size() << ":" << std::hash<std::string>{}(doc.get_data())
        << "\n";
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
      out << " " << *t << ":" << t.get_wdf();
      for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p) out << "," << *p;
    }
    out << "\n";
    for (auto v = doc.values_begin(); v != doc.values_end(); ++v) out << " v" << v.get_valueno() << "=" << *v;
    out << "\n";
  }
  return out.str();
}

std::string tree_digest(const fs::path& dir) {
  std::vector<std::string> entries;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    std::string line = entry.path().lexically_relative(dir).string();
    if (entry.is_symlink()) {
      line += " -> " + fs::read_symlink(entry.path()).string();
    } else if (entry.is_regular_file()) {
      line += " " + std::to_string(std::hash<std::string>{}(read_file(entry.path().string())));
    }
    entries.push_back(line);
  }
  std::sort(entries.begin(), entries.end());
  std::string digest;
  for (const std::string& e : entries) digest += e + "\n";
  return digest;
}

}  // namespace citego::test
