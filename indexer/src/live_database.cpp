// Atomic publication of database generations (see citego/live_database.h).
#include "citego/live_database.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

namespace fs = std::filesystem;

namespace citego {

namespace {

constexpr std::string_view kStoreSuffix = ".generations";

std::string errno_text() { return std::strerror(errno); }

bool is_generation_name(const std::string& name) {
  return name.size() == 6 && std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// fsync every regular file under `dir`, then `dir` itself.
void sync_tree(const fs::path& dir) {
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const int fd = ::open(entry.path().c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
      const std::string reason = errno_text();
      if (fd >= 0) ::close(fd);
      throw LiveDatabaseError("cannot sync " + entry.path().string() + ": " + reason);
    }
    ::close(fd);
  }
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

void sync_directory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

LiveDatabase::LiveDatabase(std::string path) : path_(std::move(path)) {
  while (path_.size() > 1 && path_.back() == '/') path_.pop_back();
  const fs::path live(path_);
  const std::string store_name = live.filename().string() + std::string(kStoreSuffix);
  store_ = (live.parent_path() / store_name).string();

  std::error_code ec;
  const fs::file_status status = fs::symlink_status(live, ec);
  if (fs::exists(status)) {
    const std::string why = " exists and is not a database published by citego-index (a link into " + store_name +
                            "/); move it away or choose another --db";
    if (!fs::is_symlink(status)) throw LiveDatabaseError(path_ + why);
    const fs::path target = fs::read_symlink(live, ec);
    if (ec || target.parent_path() != fs::path(store_name) || !is_generation_name(target.filename().string())) {
      throw LiveDatabaseError(path_ + why);
    }
    previous_ = target.filename().string();
  }

  fs::create_directory(store_, ec);  // not its parents: a --db in a folder that does not exist is an error
  if (ec) throw LiveDatabaseError("cannot create " + store_ + ": " + ec.message());
  const std::string lock_path = store_ + "/lock";
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) throw LiveDatabaseError("cannot open " + lock_path + ": " + errno_text());
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock_fd_);
    throw LiveDatabaseError("another citego-index is building " + path_ + " (lock " + lock_path + " is held)");
  }

  // Leftovers of interrupted builds are removed; the next generation number follows the highest one present.
  int highest = 0;
  for (const auto& entry : fs::directory_iterator(store_)) {
    const std::string name = entry.path().filename().string();
    if (is_generation_name(name)) {
      highest = std::max(highest, std::stoi(name));
    } else if (name.rfind("staging-", 0) == 0) {
      fs::remove_all(entry.path(), ec);
    }
  }
  // A link left by a build killed between creating it and renaming it over PATH.
  const std::string link_prefix = live.filename().string() + ".link-";
  for (const auto& entry : fs::directory_iterator(live.parent_path().empty() ? fs::path(".") : live.parent_path())) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(link_prefix, 0) == 0 && is_generation_name(name.substr(link_prefix.size())) &&
        entry.is_symlink(ec)) {
      fs::remove(entry.path(), ec);
    }
  }
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%06d", highest + 1);
  generation_name_ = buffer;
  generation_ = store_ + "/" + generation_name_;
  staging_ = store_ + "/staging-" + generation_name_;
  fs::remove_all(generation_, ec);  // cannot be live: it is newer than every generation present
}

LiveDatabase::~LiveDatabase() {
  std::error_code ec;
  remove_staging();
  if (!published_) fs::remove_all(generation_, ec);
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

void LiveDatabase::remove_staging() noexcept {
  std::error_code ec;
  fs::remove_all(staging_, ec);
}

void LiveDatabase::publish() {
  std::error_code ec;
  if (!fs::is_directory(generation_, ec)) throw LiveDatabaseError("no database was built at " + generation_);
  sync_tree(generation_);
  sync_directory(store_);

  link_to(generation_name_);
  published_ = true;
  remove_staging();
  prune(generation_name_, previous_);
}

void LiveDatabase::link_to(const std::string& name) {
  std::error_code ec;
  const fs::path live(path_);
  const fs::path link_target = fs::path(fs::path(store_).filename()) / name;
  const fs::path temporary_link = live.parent_path() / (live.filename().string() + ".link-" + name);
  fs::remove(temporary_link, ec);
  fs::create_symlink(link_target, temporary_link, ec);
  if (ec) throw LiveDatabaseError("cannot create link " + temporary_link.string() + ": " + ec.message());
  if (std::rename(temporary_link.c_str(), live.c_str()) != 0) {
    const std::string reason = errno_text();
    fs::remove(temporary_link, ec);
    throw LiveDatabaseError("cannot replace " + path_ + ": " + reason);
  }
  sync_directory(live.parent_path().empty() ? fs::path(".") : live.parent_path());
}

std::vector<std::string> LiveDatabase::generations() const {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(store_, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (is_generation_name(name) && name != generation_name_) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

void LiveDatabase::prune(const std::string& live, const std::string& replaced) noexcept {
  std::error_code ec;
  std::vector<std::string> names;
  for (fs::directory_iterator it(store_, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (is_generation_name(name)) names.push_back(name);
  }
  std::sort(names.rbegin(), names.rend());  // newest first
  std::size_t kept = 0;
  for (const std::string& name : {live, replaced}) kept += !name.empty();
  for (const std::string& name : names) {
    if (name == live || name == replaced) continue;
    if (kept < keep_) {
      ++kept;
    } else {
      fs::remove_all(fs::path(store_) / name, ec);
    }
  }
}

std::string LiveDatabase::rollback() {
  if (previous_.empty()) throw LiveDatabaseError("there is no database at " + path_ + " to roll back");
  std::string target;
  for (const std::string& name : generations()) {
    if (name < previous_) target = name;
  }
  if (target.empty()) {
    throw LiveDatabaseError("there is no generation before " + previous_ + " in " + store_ + " to roll back to");
  }
  link_to(target);
  return target;
}

}  // namespace citego
