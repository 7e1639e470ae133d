// Parallel runs and their merge (see citego/sharded_writer.h).
#include "citego/sharded_writer.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <system_error>

#include <xapian.h>

#include "citego/document_builder.h"
#include "citego/record_store.h"

namespace citego {

ShardedWriter::ShardedWriter(std::string staging_dir, unsigned jobs, const ReferenceGraph& graph)
    : staging_dir_(std::move(staging_dir)), graph_(graph), capacity_(std::max(1u, jobs)) {
  const unsigned count = std::max(1u, jobs);
  try {
    for (unsigned i = 0; i < count; ++i) threads_.emplace_back([this] { work(); });
  } catch (const std::system_error& e) {
    // No destructor runs for a half-built object, and joinable threads must not be destroyed (std::terminate).
    stop_and_join();
    throw std::system_error(e.code(), "cannot start writer thread " + std::to_string(threads_.size() + 1) + " of " +
                                          std::to_string(count));
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

void ShardedWriter::add(std::vector<ExportRecord> chunk) {
  if (chunk.empty()) return;
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return queue_.size() < capacity_ || failure_; });
  rethrow_if_failed();
  queue_.push_back(Chunk{std::move(chunk)});
  changed_.notify_all();
}

void ShardedWriter::finish() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return (queue_.empty() && busy_ == 0) || failure_; });
  rethrow_if_failed();
}

std::size_t ShardedWriter::documents_written() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return written_;
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
      Xapian::WritableDatabase run(path, Xapian::DB_CREATE | Xapian::DB_NO_SYNC | Xapian::DB_BACKEND_GLASS);
      DocumentBuilder builder;
      std::unordered_map<std::string, Xapian::termcount> words;
      for (const ExportRecord& record : chunk.records) {
        const Xapian::Document doc = builder.build(record, graph_.derived_of(record.id));
        for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
          const std::string& term = *t;
          if (is_spelling_word(term)) words[term] += t.get_wdf();
        }
        // A run's documents are consecutive, so added as 1, 2, … they become their own docids again when the
        // merge renumbers the runs in order (add_document costs a quarter less than replace_document).
        run.add_document(doc);
        // What an update needs of the record, without the exports (record_store.h).
        run.set_metadata(std::string(kFactPrefix) + record.id, encode_fact(record));
        run.set_metadata(std::string(kRecordPrefix) + record.id, encode_record(record));
      }
      run.commit();
      run.close();
      const std::lock_guard<std::mutex> lock(mutex_);
      for (auto& [word, frequency] : words) spelling_[word] += frequency;
      runs_.emplace(first, path);
      written_ += chunk.records.size();
      --busy_;
    } catch (...) {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (!failure_) failure_ = std::current_exception();
      --busy_;
    }
    changed_.notify_all();
  }
}

void ShardedWriter::compact_into(const std::string& output, const std::map<std::string, std::string>& metadata) const {
  // Metadata travels in a database of its own, with no documents.
  const std::string meta_path = staging_dir_ + "/metadata";
  {
    Xapian::WritableDatabase meta(meta_path, Xapian::DB_CREATE | Xapian::DB_NO_SYNC | Xapian::DB_BACKEND_GLASS);
    for (const auto& [key, value] : metadata) meta.set_metadata(key, value);
    // Suggestions should be common words: keep the kSpellingWords most frequent words seen at least twice (each
    // Xapian spelling entry costs tens of microseconds to write). Written in byte order: the same documents give the
    // same table.
    std::vector<std::pair<std::string, Xapian::termcount>> words;
    for (const auto& entry : spelling_) {
      if (entry.second >= 2) words.push_back(entry);
    }
    const auto more_frequent = [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    };
    if (words.size() > kSpellingWords) {
      std::nth_element(words.begin(), words.begin() + kSpellingWords, words.end(), more_frequent);
      words.resize(kSpellingWords);
    }
    std::sort(words.begin(), words.end());
    for (const auto& [word, frequency] : words) meta.add_spelling(word, frequency);
    meta.commit();
  }
  Xapian::Database all(meta_path);
  for (const auto& [first, path] : runs_) all.add_database(Xapian::Database(path));
  unsigned flags = 0;  // renumbering: each run's docids follow the previous run's
  if (runs_.size() > 3) flags |= Xapian::DBCOMPACT_MULTIPASS;
  all.compact(output, flags);
}

}  // namespace citego
