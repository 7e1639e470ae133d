// The search server (see citego/search_server.h).
#include "citego/search_server.h"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "citego/search_command.h"
#include "citego/search_request.h"
#include "citego/search_wire.h"
#include "citego/searcher.h"

namespace citego {

namespace {

namespace fs = std::filesystem;

constexpr int kRequestSeconds = 5;         // a request must arrive whole within this
constexpr int kSocketTimeoutSeconds = 10;  // a client that stops reading the answer frees its worker after this
constexpr std::size_t kMaxQueued = 256;    // connections waiting for a worker; more are closed unanswered

std::string errno_text() { return std::strerror(errno); }

using Clock = std::chrono::steady_clock;

// Reads exactly `size` bytes before `deadline`; false on end of stream, error or time out.
bool read_all(int fd, void* data, std::size_t size, Clock::time_point deadline) {
  auto* p = static_cast<char*>(data);
  while (size > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    pollfd ready{fd, POLLIN, 0};
    if (left <= 0 || ::poll(&ready, 1, static_cast<int>(left)) <= 0) {
      if (left > 0 && errno == EINTR) continue;
      return false;
    }
    const ssize_t n = ::read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool write_all(int fd, const void* data, std::size_t size) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::send(fd, p, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// The fields of a request, or nothing when it breaks the format or its limits.
// The whole request must arrive within this time, however slowly its bytes come.
std::optional<std::vector<std::string>> read_request(int fd) {
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(kRequestSeconds);
  char magic[CITEGO_WIRE_MAGIC_BYTES];
  if (!read_all(fd, magic, sizeof magic, deadline) || std::memcmp(magic, CITEGO_WIRE_MAGIC, sizeof magic) != 0) {
    return {};
  }
  std::uint32_t count = 0;
  if (!read_all(fd, &count, sizeof count, deadline) || count < 2 || count > CITEGO_WIRE_MAX_FIELDS) return {};
  std::vector<std::string> fields(count);
  std::size_t total = 0;
  for (std::string& field : fields) {
    std::uint32_t size = 0;
    if (!read_all(fd, &size, sizeof size, deadline)) return {};
    total += size;
    if (total > CITEGO_WIRE_MAX_BYTES) return {};
    field.resize(size);
    if (size > 0 && !read_all(fd, field.data(), size, deadline)) return {};
  }
  return fields;
}

bool write_answer(int fd, int exit_status, const std::string& out, const std::string& err) {
  std::string reply(1, CITEGO_WIRE_ANSWERED);
  const auto status = static_cast<std::int32_t>(exit_status);
  reply.append(reinterpret_cast<const char*>(&status), sizeof status);
  for (const std::string* part : {&out, &err}) {
    const auto size = static_cast<std::uint32_t>(part->size());
    reply.append(reinterpret_cast<const char*>(&size), sizeof size);
    reply += *part;
  }
  return write_all(fd, reply.data(), reply.size());
}

bool write_declined(int fd) {
  const char reply = CITEGO_WIRE_DECLINED;
  return write_all(fd, &reply, 1);
}

// The directory entry a database path leads to, links followed ("" when there is none).
std::string resolved(const fs::path& path) {
  std::error_code ec;
  const fs::path real = fs::canonical(path, ec);
  return ec ? std::string() : real.string();
}

// What tells one database directory from another at the same path (a database deleted and built again can reuse its
// generation's name): the path, the inode and the time the directory was made.
std::string identity_of(const std::string& directory) {
  struct stat st {};
  if (directory.empty() || ::stat(directory.c_str(), &st) != 0) return {};
  return directory + "\n" + std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" +
         std::to_string(st.st_ctim.tv_sec) + "." + std::to_string(st.st_ctim.tv_nsec);
}

class Server {
 public:
  Server(const ServeOptions& options, unsigned threads) : options_(options), threads_(threads) {}

  void start() {
    for (unsigned i = 0; i < threads_; ++i) workers_.emplace_back([this] { work(); });
  }

  void stop() {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (std::thread& worker : workers_) worker.join();
    for (int fd : queue_) ::close(fd);
    queue_.clear();
  }

  std::uint64_t answered() const { return answered_; }
  std::uint64_t declined() const { return declined_; }

  // Queues a connection for the workers; false when too many wait already (the caller closes it).
  bool hand_over(int fd) {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (queue_.size() >= kMaxQueued) return false;
      queue_.push_back(fd);
    }
    ready_.notify_one();
    return true;
  }

 private:
  // One worker's database: reopened when the served path leads elsewhere (a new generation was published).
  struct Open {
    std::string target;  // identity_of() the directory it was opened from
    std::unique_ptr<Searcher> searcher;
  };

  void work() {
    Open open;
    for (;;) {
      int fd = -1;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (stopping_) return;
        fd = queue_.front();
        queue_.pop_front();
      }
      try {
        answer(fd, open);
      } catch (...) {
        // Nothing to answer with (out of memory, say): closing unanswered makes the client run the command itself.
        open.searcher.reset();
      }
      ::close(fd);
    }
  }

  void answer(int fd, Open& open) {
    const timeval timeout{kSocketTimeoutSeconds, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    std::optional<std::vector<std::string>> fields = read_request(fd);
    if (!fields) return;  // not a client of ours, or one that gave up: nothing to answer
    const fs::path cwd = (*fields)[0];
    const bool terminal = (*fields)[1] == "1";
    const std::vector<std::string> args(fields->begin() + 2, fields->end());

    // Commands that do not parse get their usage error here, like any other; the others must be searches of the
    // served database.
    if (const std::optional<CommandLine> line = try_parse_command_line(args)) {
      if (line->batch || line->serve) {
        decline(fd);
        return;
      }
      if (!line->help && !line->version) {
        const fs::path db = fs::path(line->db).is_absolute() ? fs::path(line->db) : cwd / line->db;
        const std::string target = resolved(db);
        if (target.empty() || target != resolved(options_.db) || !ensure_open(open, identity_of(target))) {
          decline(fd);
          return;
        }
      }
    }
    std::ostringstream out;
    std::ostringstream err;
    std::istringstream no_input;
    const int status = run_search_command(args, {out, err, no_input, terminal},
                                          [&open](const std::string&) -> const Searcher& { return *open.searcher; });
    if (write_answer(fd, status, out.str(), err.str())) ++answered_;
  }

  void decline(int fd) {
    if (write_declined(fd)) ++declined_;
  }

  // Opens the served database unless the worker holds the directory `identity` names already. It is opened by the
  // served path, as the client names it in its messages; should a new generation be published between the check and
  // the opening, the next command sees another identity and opens it again.
  bool ensure_open(Open& open, const std::string& identity) {
    if (identity.empty()) return false;
    if (open.searcher && open.target == identity) return true;
    try {
      open.searcher = std::make_unique<Searcher>(options_.db, /*facet_table=*/true);
      open.target = identity;
      return true;
    } catch (...) {
      open.searcher.reset();  // the client opens it itself, and reports what is wrong
      return false;
    }
  }

  const ServeOptions& options_;
  const unsigned threads_;
  std::atomic<std::uint64_t> answered_{0};
  std::atomic<std::uint64_t> declined_{0};
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<int> queue_;
  bool stopping_ = false;
};

// A listening socket at `path`, or -1 after a message on `log`.
int listen_at(const std::string& path, std::ostream& log) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof address.sun_path) {
    log << "citego-search: " << path << ": a socket path must have 1 to " << sizeof address.sun_path - 1
        << " bytes\n";
    return -1;
  }
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    log << "citego-search: cannot make a socket: " << errno_text() << "\n";
    return -1;
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      log << "citego-search: " << path << " exists and is not a socket\n";
      ::close(fd);
      return -1;
    }
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) {
      log << "citego-search: another server answers on " << path << "\n";
      ::close(fd);
      return -1;
    }
    if (errno != ECONNREFUSED) {
      log << "citego-search: cannot check the socket " << path << ": " << errno_text() << "\n";
      ::close(fd);
      return -1;
    }
    ::unlink(path.c_str());  // left by a server that is gone
    ::close(fd);
    return listen_at(path, log);
  }
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 128) != 0) {
    log << "citego-search: cannot listen on " << path << ": " << errno_text() << "\n";
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

int serve(const ServeOptions& options, std::ostream& log) {
  // getopt_long reads POSIXLY_CORRECT from the environment: commands must parse as in a client's plain citego-search
  // (the client runs citego-search itself when its own environment sets it).
  ::unsetenv("POSIXLY_CORRECT");
  try {
    const Searcher check(options.db);  // the same errors as a search would give, before anything listens
  } catch (const SearchError& e) {
    log << "citego-search: " << e.what() << "\n";
    return e.exit_code();
  }
  // Signals are taken by the main thread only, through a signalfd; the workers inherit the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGPIPE);
  sigset_t previous;
  pthread_sigmask(SIG_BLOCK, &signals, &previous);
  const int signal_fd = ::signalfd(-1, &signals, SFD_CLOEXEC);
  const int listen_fd = signal_fd < 0 ? -1 : listen_at(options.socket_path, log);
  if (listen_fd < 0) {
    if (signal_fd < 0) log << "citego-search: cannot take signals: " << errno_text() << "\n";
    if (signal_fd >= 0) ::close(signal_fd);
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    return kExitRuntime;
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const unsigned threads = options.threads > 0 ? options.threads : std::min(cores, 8u);
  Server server(options, threads);
  server.start();
  log << "citego-search: serving " << options.db << " on " << options.socket_path << " (" << threads
      << (threads == 1 ? " thread" : " threads") << "); stop with SIGTERM or Ctrl-C\n";
  log.flush();

  for (;;) {
    pollfd fds[2] = {{listen_fd, POLLIN, 0}, {signal_fd, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[1].revents & POLLIN) {
      signalfd_siginfo info{};
      if (::read(signal_fd, &info, sizeof info) == sizeof info && info.ssi_signo == SIGPIPE) continue;
      break;
    }
    if (fds[0].revents & POLLIN) {
      const int client = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (client >= 0 && !server.hand_over(client)) ::close(client);  // the client runs the command itself
      if (client < 0 && (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));  // until workers close connections
      }
    }
  }
  ::close(listen_fd);
  ::unlink(options.socket_path.c_str());
  server.stop();
  ::close(signal_fd);
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  log << "citego-search: stopped serving " << options.db << " after " << server.answered() << " answered and "
      << server.declined() << " declined commands\n";
  return kExitOk;
}

}  // namespace citego
