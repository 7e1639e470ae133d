// Parallel runs and their merge (see citego/sharded_writer.h).
#include "citego/sharded_writer.h"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <queue>
#include <stdexcept>
#include <string>
#include <system_error>

#include <xapian.h>

#include "citego/analysis.h"
#include "citego/document_builder.h"
#include "citego/record_store.h"
#include "citego/shard_set.h"

namespace citego {

namespace {

// Each run's written forms (analysis::WrittenForms) go to a file beside it, not into a table of the whole build's
// vocabulary: only the spelling words need their forms, and those are known after the merge (write_spelling). A file
// is a sequence of (word, form, count): each string as its length then its bytes, the numbers as 8 bytes.
constexpr const char* kFormsSuffix = ".forms";

void write_number(std::FILE* out, std::uint64_t n) {
  unsigned char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(n >> (8 * i));
  std::fwrite(bytes, 1, sizeof bytes, out);
}

bool read_number(std::FILE* in, std::uint64_t& n) {
  unsigned char bytes[8];
  if (std::fread(bytes, 1, sizeof bytes, in) != sizeof bytes) return false;
  n = 0;
  for (int i = 0; i < 8; ++i) n |= static_cast<std::uint64_t>(bytes[i]) << (8 * i);
  return true;
}

bool read_bytes(std::FILE* in, std::uint64_t size, std::string& s) {
  if (size > (std::uint64_t{1} << 32)) return false;
  s.resize(static_cast<std::size_t>(size));
  return std::fread(s.data(), 1, s.size(), in) == s.size();
}

struct File {
  std::FILE* f;
  ~File() {
    if (f) std::fclose(f);
  }
};

void write_forms(const std::string& path, const analysis::WrittenForms& forms) {
  File out{std::fopen(path.c_str(), "wb")};
  if (!out.f) throw std::runtime_error("cannot write " + path);
  for (const auto& [word, counts] : forms) {
    for (const auto& [form, count] : counts) {
      write_number(out.f, word.size());
      std::fwrite(word.data(), 1, word.size(), out.f);
      write_number(out.f, form.size());
      std::fwrite(form.data(), 1, form.size(), out.f);
      write_number(out.f, count);
    }
  }
  const bool failed = std::ferror(out.f) != 0;
  const int closed = std::fclose(out.f);
  out.f = nullptr;
  if (failed || closed != 0) throw std::runtime_error("cannot write " + path);
}

// Adds the counts of the file at `path` to the words `forms` holds already, leaving out the others.
void add_forms_of_kept(const std::string& path, analysis::WrittenForms& forms) {
  File in{std::fopen(path.c_str(), "rb")};
  if (!in.f) throw std::runtime_error("cannot read " + path);
  std::string word;
  std::string form;
  std::uint64_t size = 0;
  std::uint64_t count = 0;
  while (read_number(in.f, size)) {  // the next word's size, or the end of the file
    if (!read_bytes(in.f, size, word) || !read_number(in.f, size) || !read_bytes(in.f, size, form) ||
        !read_number(in.f, count)) {
      throw std::runtime_error("cannot read " + path + ": cut short");
    }
    if (const auto kept = forms.find(word); kept != forms.end()) kept->second[form] += count;
  }
  if (std::ferror(in.f) || !std::feof(in.f)) throw std::runtime_error("cannot read " + path);
}

}  // namespace

ShardedWriter::ShardedWriter(std::string staging_dir, unsigned jobs, const ReferenceGraph& graph, unsigned shards)
    : staging_dir_(std::move(staging_dir)),
      graph_(graph),
      dictionary_(graph.facet_dictionary()),
      capacity_(std::max(1u, jobs)),
      shards_(shards),
      shard_runs_(shards) {
  const unsigned count = std::max(1u, jobs);
  try {
    for (unsigned i = 0; i < count; ++i) threads_.emplace_back([this] { work(); });
  } catch (const std::system_error& e) {
    // No destructor runs for a half-built object, and joinable threads must not be destroyed (std::terminate).
    stop_and_join();
    throw std::system_error(
        e.code(), "cannot start writer thread " + std::to_string(threads_.size() + 1) + " of " + std::to_string(count));
  }
}

ShardedWriter::~ShardedWriter() { stop_and_join(); }

void ShardedWriter::stop_and_join() noexcept {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    queue_.clear();
  }
  changed_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void ShardedWriter::rethrow_if_failed() {
  if (failure_) std::rethrow_exception(failure_);
}

template <class Done>
void ShardedWriter::wait_until(std::unique_lock<std::mutex>& lock, const WaitTick& tick, Done done) {
  while (!changed_.wait_for(lock, kWaitTick, done)) {
    if (!tick) continue;
    lock.unlock();
    tick();
    lock.lock();
  }
}

void ShardedWriter::add(std::vector<ExportRecord> chunk, const WaitTick& tick) {
  if (chunk.empty()) return;
  std::unique_lock<std::mutex> lock(mutex_);
  wait_until(lock, tick, [this] { return queue_.size() < capacity_ || failure_; });
  rethrow_if_failed();
  queue_.push_back(Chunk{std::move(chunk)});
  changed_.notify_all();
}

void ShardedWriter::finish(const WaitTick& tick) {
  std::unique_lock<std::mutex> lock(mutex_);
  wait_until(lock, tick, [this] { return (queue_.empty() && busy_ == 0) || failure_; });
  rethrow_if_failed();
}

void ShardedWriter::work() {
  for (;;) {
    Chunk chunk;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [this] { return !queue_.empty() || stopping_; });
      if (stopping_) return;
      chunk = std::move(queue_.front());
      queue_.pop_front();
      ++busy_;
    }
    changed_.notify_all();
    try {
      const Xapian::docid first = graph_.docid_of(chunk.records.front().id);
      char name[32];
      std::snprintf(name, sizeof name, "/run-%010u", first);
      const std::string path = staging_dir_ + name;
      constexpr int kRunFlags = Xapian::DB_CREATE | Xapian::DB_NO_SYNC | Xapian::DB_BACKEND_GLASS;
      Xapian::WritableDatabase run(path, kRunFlags);  // for a set, the chunk's records alone
      std::vector<std::unique_ptr<Xapian::WritableDatabase>> shard_runs(shards_);  // opened at their first document
      const auto shard_run_path = [&path](unsigned k) { return path + "-" + shard_name(k); };
      DocumentBuilder builder(&dictionary_);
      analysis::WrittenForms forms;  // how this run writes its words
      for (const ExportRecord& record : chunk.records) {
        // A run's documents are consecutive, so added as 1, 2, … they become their own docids again when the
        // merge renumbers the runs in order (add_document costs a quarter less than replace_document); so are a
        // shard's documents of a chunk, in the shard's order.
        Xapian::Document doc = builder.build(record, graph_.derived_of(record.id), &forms);
        if (shards_ == 0) {
          run.add_document(doc);
        } else {
          add_shard_slots(doc);
          const unsigned k = schema::shard_of(doc.get_value(schema::kSlotId), shards_);
          if (!shard_runs[k]) shard_runs[k] = std::make_unique<Xapian::WritableDatabase>(shard_run_path(k), kRunFlags);
          shard_runs[k]->add_document(doc);
        }
        built_.fetch_add(1, std::memory_order_relaxed);
        // What an update needs of the record, without the exports (record_store.h).
        run.set_metadata(std::string(kFactPrefix) + record.id, encode_fact(record));
        run.set_metadata(std::string(kRecordPrefix) + record.id, encode_record(record));
      }
      run.commit();
      run.close();
      for (auto& shard_run : shard_runs) {
        if (!shard_run) continue;
        shard_run->commit();
        shard_run->close();
      }
      write_forms(path + kFormsSuffix, forms);
      const std::lock_guard<std::mutex> lock(mutex_);
      runs_.emplace(first, path);
      for (unsigned k = 0; k < shards_; ++k) {
        if (shard_runs[k]) shard_runs_[k].emplace(first, shard_run_path(k));
      }
      --busy_;
    } catch (...) {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (!failure_) failure_ = std::current_exception();
      --busy_;
    }
    changed_.notify_all();
  }
}

namespace {

// Xapian tells a Compactor when it starts each table (an empty status) and when it is done with it.
class MergeReporter : public Xapian::Compactor {
 public:
  // A glass database's tables: postlist, docdata, termlist, position, spelling, synonym.
  static constexpr std::size_t kTables = 6;

  explicit MergeReporter(const ShardedWriter::MergeProgress& progress) : progress_(progress) {}
  void set_status(const std::string& table, const std::string& status) override {
    if (status.empty() && progress_) progress_(table, ++started_, kTables + 1);  // and the spelling data
  }

 private:
  const ShardedWriter::MergeProgress& progress_;
  std::size_t started_ = 0;
};

// Spelling data ("did you mean"): suggestions should be common words, so the kSpellingWords exact terms of highest
// collection frequency (summed wdf) seen at least twice. Taken from the merged database, one term at a time, so
// memory holds those words and no more; written once, in byte order (each Xapian spelling entry costs tens of
// microseconds, and the same documents give the same table). Beside each word whose most frequent written form is
// not the word itself, that form (schema::kMetaWrittenFormPrefix), so that a suggestion keeps its accents.
using Word = std::pair<Xapian::termcount, std::string>;  // collection frequency, word

// The words of the spelling table, from the terms of `db`, in byte order.
std::vector<Word> spelling_words(const Xapian::Database& db) {
  // The least frequent kept word on top (ties: the greatest word goes first).
  const auto more_frequent = [](const Word& a, const Word& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  };
  std::priority_queue<Word, std::vector<Word>, decltype(more_frequent)> kept(more_frequent);
  for (auto t = db.allterms_begin(); t != db.allterms_end(); ++t) {
    const std::string& term = *t;
    if (!is_spelling_word(term)) continue;
    const Xapian::termcount frequency = db.get_collection_freq(term);
    if (frequency < 2) continue;
    Word word{frequency, term};
    if (kept.size() < kSpellingWords) {
      kept.push(std::move(word));
    } else if (more_frequent(word, kept.top())) {
      kept.pop();
      kept.push(std::move(word));
    }
  }
  std::vector<Word> words;
  words.reserve(kept.size());
  for (; !kept.empty(); kept.pop()) words.push_back(kept.top());
  std::sort(words.begin(), words.end(), [](const Word& a, const Word& b) { return a.second < b.second; });
  return words;
}

// Writes into `db` the spelling table of `words` (if `table`) and their written forms.
void write_spelling(Xapian::WritableDatabase& db, const std::vector<Word>& words, const analysis::WrittenForms& forms,
                    bool table) {
  for (const auto& [frequency, word] : words) {
    if (table) db.add_spelling(word, frequency);
    const std::string form = analysis::most_frequent_form(forms, word);
    if (form != word) db.set_metadata(std::string(schema::kMetaWrittenFormPrefix) + word, form);
  }
}

// The written forms of `words`, from the forms files of `runs`: the counts are sums, so the same whatever the run
// order.
analysis::WrittenForms kept_forms(const std::vector<Word>& words, const std::map<Xapian::docid, std::string>& runs) {
  analysis::WrittenForms forms;
  for (const Word& word : words) forms[word.second];
  for (const auto& [first, run] : runs) add_forms_of_kept(run + kFormsSuffix, forms);
  return forms;
}

void write_spelling(const std::string& path, const std::map<Xapian::docid, std::string>& runs) {
  Xapian::WritableDatabase db(path, Xapian::DB_OPEN | Xapian::DB_NO_SYNC);
  const std::vector<Word> words = spelling_words(db);
  write_spelling(db, words, kept_forms(words, runs), true);
  db.commit();
}

// Xapian holds every run open while it merges them, two files or more a run: a build of a million documents has about a
// thousand runs, past the soft limit on open files a session often starts with (1,024). That limit is raised to the
// hard one, which the process may do; past the hard one, Xapian's own error says "Too many open files".
void raise_open_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);  // a refusal leaves the limit as it was, and Xapian's error as above
}

// Runs every task, on `threads` threads at most (the calling one among them). Rethrows the first error of a task,
// once every thread is done.
void run_in_parallel(const std::vector<std::function<void()>>& tasks, unsigned threads) {
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::exception_ptr failure;
  const auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < tasks.size();) {
      try {
        tasks[i]();
      } catch (...) {
        const std::lock_guard<std::mutex> lock(mutex);
        if (!failure) failure = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  try {
    while (pool.size() + 1 < std::min<std::size_t>(threads, tasks.size())) pool.emplace_back(work);
  } catch (const std::system_error&) {
    // Fewer threads: the ones started and this one do every task.
  }
  work();
  for (std::thread& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace

void ShardedWriter::compact_into(const std::string& output, const std::map<std::string, std::string>& metadata,
                                 const MergeProgress& progress) const {
  if (shards_ != 0) throw std::logic_error("compact_into: the runs are a shard set's (compact_set_into)");
  raise_open_file_limit();
  // Metadata travels in a database of its own, with no documents.
  const std::string meta_path = staging_dir_ + "/metadata";
  {
    Xapian::WritableDatabase meta(meta_path, Xapian::DB_CREATE | Xapian::DB_NO_SYNC | Xapian::DB_BACKEND_GLASS);
    for (const auto& [key, value] : metadata) meta.set_metadata(key, value);
    meta.commit();
  }
  Xapian::Database all(meta_path);
  for (const auto& [first, path] : runs_) all.add_database(Xapian::Database(path));
  // Renumbering: each run's docids follow the previous run's. One pass over every run at once: the staging runs are
  // fresh in the page cache, and DBCOMPACT_MULTIPASS's pairwise passes rewrote the postings about log2(runs) times
  // (10% more instructions for the whole build at 10 runs; bench/RESULTS.md, "What limits indexing").
  MergeReporter reporter(progress);
  all.compact(output, 0, 0, reporter);
  if (progress) progress("spelling", MergeReporter::kTables + 1, MergeReporter::kTables + 1);
  write_spelling(output, runs_);
}

void ShardedWriter::compact_set_into(const std::string& set, const std::map<std::string, std::string>& metadata) const {
  namespace fs = std::filesystem;
  if (shards_ == 0) throw std::logic_error("compact_set_into: the runs are one database's (compact_into)");
  raise_open_file_limit();
  // The metadata of every shard (all but the records kept for updates), and that of `spelling` (all of it), each in
  // a database of its own with no documents.
  const std::string shard_meta = staging_dir_ + "/metadata-shards";
  const std::string spelling_meta = staging_dir_ + "/metadata-spelling";
  {
    constexpr int kFlags = Xapian::DB_CREATE | Xapian::DB_NO_SYNC | Xapian::DB_BACKEND_GLASS;
    Xapian::WritableDatabase shards(shard_meta, kFlags);
    Xapian::WritableDatabase spelling(spelling_meta, kFlags);
    for (const auto& [key, value] : metadata) {
      spelling.set_metadata(key, value);
      if (shards_hold_metadata(key)) shards.set_metadata(key, value);
    }
    shards.set_metadata(std::string(schema::kMetaShardSet), "1");
    spelling.set_metadata(std::string(schema::kMetaShardSet), "1");
    shards.commit();
    spelling.commit();
  }
  fs::create_directory(set);
  const auto shard_path = [&set](unsigned k) { return (fs::path(set) / shard_name(k)).string(); };
  const std::string spelling_path = (fs::path(set) / "spelling").string();
  // Each shard is the one-pass merge of its runs, as compact_into merges one database's; `spelling`, of the records.
  const auto merge = [](const std::string& meta, const std::map<Xapian::docid, std::string>& runs,
                        const std::string& output) {
    Xapian::Database all(meta);
    for (const auto& [first, path] : runs) all.add_database(Xapian::Database(path));
    all.compact(output);
  };
  std::vector<std::function<void()>> tasks;
  for (unsigned k = 0; k < shards_; ++k) {
    tasks.emplace_back([&, k] { merge(shard_meta, shard_runs_[k], shard_path(k)); });
  }
  tasks.emplace_back([&] { merge(spelling_meta, runs_, spelling_path); });
  run_in_parallel(tasks, static_cast<unsigned>(threads_.size()));

  // The spelling words of the terms of every shard, as one database would have them: the table in `spelling`, the
  // written forms in every database of the set.
  Xapian::Database every_shard;
  for (unsigned k = 0; k < shards_; ++k) every_shard.add_database(Xapian::Database(shard_path(k)));
  const std::vector<Word> words = spelling_words(every_shard);
  every_shard.close();
  const analysis::WrittenForms forms = kept_forms(words, runs_);
  tasks.clear();
  for (unsigned k = 0; k < shards_; ++k) {
    tasks.emplace_back([&, k] {
      Xapian::WritableDatabase shard(shard_path(k), Xapian::DB_OPEN | Xapian::DB_NO_SYNC);
      write_spelling(shard, words, forms, false);
      shard.set_metadata(std::string(schema::kMetaShard), std::to_string(k + 1) + "/" + std::to_string(shards_));
      shard.commit();
    });
  }
  tasks.emplace_back([&] {
    Xapian::WritableDatabase spelling(spelling_path, Xapian::DB_OPEN | Xapian::DB_NO_SYNC);
    write_spelling(spelling, words, forms, true);
    spelling.commit();
  });
  run_in_parallel(tasks, static_cast<unsigned>(threads_.size()));
  write_shard_stub(set, shards_);
}

}  // namespace citego
