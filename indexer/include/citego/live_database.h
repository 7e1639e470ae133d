// LiveDatabase: the database path searchers open, and the atomic replacement of what it points to.
//
// PATH is a symbolic link to a generation directory PATH.generations/NNNNNN holding a complete Xapian database. A
// build writes a new generation beside the live one and publishes it by renaming a new link over PATH, so a searcher
// opens either the old database or the new one, never a half-built one. Until publish() succeeds PATH is untouched;
// abandoning a build (an error, or the object going away) removes what it wrote. After publishing, the generation
// replaced is kept (searchers may still have it open), and so are the newest others up to keep() generations in all;
// older ones are removed. rollback() publishes the generation before the live one again.
//
// One build at a time per PATH: the constructor takes an exclusive lock (flock) on PATH.generations/lock.
#pragma once

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace citego {

class LiveDatabaseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class LiveDatabase {
 public:
  // Prepares a build for `path`. Throws LiveDatabaseError when PATH exists but is not a link made by citego-index
  // (so a foreign file or database is never replaced), when the store cannot be created, or when another build of
  // the same PATH holds the lock.
  explicit LiveDatabase(std::string path);
  ~LiveDatabase();
  LiveDatabase(const LiveDatabase&) = delete;
  LiveDatabase& operator=(const LiveDatabase&) = delete;

  // A fresh directory for building the new generation (does not exist yet; its parent does).
  const std::string& staging_path() const { return staging_; }
  // Where the finished database must be written (does not exist yet; its parent does).
  const std::string& generation_path() const { return generation_; }
  // The generation's name, such as "000003".
  const std::string& generation_name() const { return generation_name_; }

  // Makes generation_path() the live database: syncs it, renames a new link over PATH, syncs the directory, then
  // removes the staging directory and generations older than the one replaced. Throws LiveDatabaseError on failure,
  // in which case PATH still points where it did.
  void publish();

  // The generation PATH points to before anything is published ("" and "" when there is none): where an update is
  // applied in place.
  std::string live_generation_path() const { return previous_.empty() ? std::string() : store_ + "/" + previous_; }
  const std::string& live_generation_name() const { return previous_; }
  // The generations present, oldest first.
  std::vector<std::string> generations() const;

  // How many generations publish() leaves (at least 2: the new one and the one it replaces). Default kDefaultKeep.
  void set_keep(std::size_t keep) { keep_ = std::max<std::size_t>(2, keep); }
  static constexpr std::size_t kDefaultKeep = 2;

  // Makes the newest generation older than the live one the live database again, the same way publish() does, and
  // returns its name. Throws LiveDatabaseError when there is none; PATH is then unchanged.
  std::string rollback();

 private:
  void remove_staging() noexcept;
  // Renames a new link to generation `name` over PATH and syncs the folder.
  void link_to(const std::string& name);
  // Removes the generations beyond keep_, never `live` nor `replaced`.
  void prune(const std::string& live, const std::string& replaced) noexcept;

  std::string path_;
  std::string store_;
  std::string staging_;
  std::string generation_;
  std::string generation_name_;
  std::string previous_;  // generation name PATH pointed to, or empty
  int lock_fd_ = -1;
  bool published_ = false;
  std::size_t keep_ = kDefaultKeep;
};

}  // namespace citego
