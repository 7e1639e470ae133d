// The search server (see citego/search_server.h).
#include "citego/search_server.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "citego/search_command.h"
#include "citego/search_request.h"
#include "citego/search_wire.h"
#include "citego/searcher.h"
#include "citego/watchdog.h"
#include "citego/wire_codec.h"

namespace citego {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// A worker still answering this long after its command's deadline and grace (its watchdog did not end it) is killed.
constexpr milliseconds kHardStopAfterGrace{500};
// The client waits for an answer until the command's deadline, its grace and this margin have passed.
constexpr milliseconds kClientWaitMargin{1000};
// A command that has waited this long for a worker is answered busy: dispatched later, it could not be answered
// within the time the client waits (its deadline, grace and hard stop, and kClientWaitMargin from its acceptance).
constexpr milliseconds kQueueWait{750};
// A worker writing an answer to a client that does not read gives up after this.
constexpr int kAnswerWriteSeconds = 5;

std::string errno_text() { return std::strerror(errno); }

milliseconds ms_of(double seconds) { return milliseconds(static_cast<long long>(seconds * 1000.0)); }

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

bool write_all(int fd, const std::string& bytes) { return write_all(fd, bytes.data(), bytes.size()); }

bool read_all(int fd, void* data, std::size_t size) {
  auto* p = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t n = ::read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
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

// The database a command names, as the client's directory resolves it ("" when it leads nowhere).
std::string target_of(const CommandLine& line, const std::string& cwd) {
  const fs::path db = fs::path(line.db).is_absolute() ? fs::path(line.db) : fs::path(cwd) / line.db;
  return resolved(db);
}

// ---- The worker: one process answering one command at a time. ----

// A one-part message that can carry one file descriptor (SCM_RIGHTS).
struct FdMessage {
  explicit FdMessage(std::uint32_t& size) : part{&size, sizeof size} {
    header.msg_iov = &part;
    header.msg_iovlen = 1;
    header.msg_control = space;
    header.msg_controllen = sizeof space;
  }
  FdMessage(const FdMessage&) = delete;
  FdMessage& operator=(const FdMessage&) = delete;

  iovec part;
  alignas(cmsghdr) char space[CMSG_SPACE(sizeof(int))] = {};
  msghdr header{};
};

// What a worker tells the supervisor, one byte each, on its control socket.
constexpr char kDone = 'A';      // the command is answered; its reply is being written to the client
constexpr char kDeclined = 'D';  // the command is declined; likewise
constexpr char kFree = 'F';      // the reply is written: the worker takes another command
constexpr char kStopped = 'T';   // the watchdog stopped the command at its deadline; the worker ends

// Passing a command to a worker: its size and the client's socket, then the request's bytes.
bool send_job(int control, int client, const std::string& request) {
  auto size = static_cast<std::uint32_t>(request.size());
  FdMessage message(size);
  cmsghdr* header = CMSG_FIRSTHDR(&message.header);
  header->cmsg_level = SOL_SOCKET;
  header->cmsg_type = SCM_RIGHTS;
  header->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(header), &client, sizeof client);
  ssize_t n;
  do {
    n = ::sendmsg(control, &message.header, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  return n == sizeof size && write_all(control, request);
}

// Receives a command: false when the supervisor has closed the control socket (time to stop).
bool receive_job(int control, int& client, std::string& request) {
  std::uint32_t size = 0;
  FdMessage message(size);
  ssize_t n;
  do {
    n = ::recvmsg(control, &message.header, MSG_CMSG_CLOEXEC | MSG_WAITALL);
  } while (n < 0 && errno == EINTR);
  if (n != sizeof size) return false;
  client = -1;
  for (cmsghdr* header = CMSG_FIRSTHDR(&message.header); header; header = CMSG_NXTHDR(&message.header, header)) {
    if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_RIGHTS) {
      std::memcpy(&client, CMSG_DATA(header), sizeof client);
    }
  }
  request.resize(size);
  return client >= 0 && read_all(control, request.data(), size);
}

class Worker {
 public:
  Worker(const ServeOptions& options, int control) : options_(options), control_(control) {}

  // Answers commands until the supervisor closes the control socket (it retires workers, --worker-requests).
  void run() {
    ensure_open(identity_of(resolved(options_.db)));  // warm before the first command
    for (;;) {
      int client = -1;
      std::string request;
      if (!receive_job(control_, client, request)) return;
      const bool told = answer(client, request);
      ::close(client);
      if (!told) return;
    }
  }

 private:
  // Answers one request on `client`. The supervisor hears that the command is done (kDone or kDeclined) before the
  // client gets its reply, so a client that closes the connection once it has its answer is never taken for one that
  // has gone away; and that the worker is free (kFree) once the reply is written, so a client slow to read its answer
  // delays no other command. False when the supervisor cannot be told (it is gone).
  bool answer(int client, const std::string& bytes) {
    const timeval timeout{kAnswerWriteSeconds, 0};
    ::setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    const auto reply = [&](char result, const std::string& message) {
      const bool told = write_all(control_, &result, 1);
      write_all(client, message);
      return told && write_all(control_, &kFree, 1);
    };
    WireRequest request;
    std::size_t consumed = 0;
    const std::string declined(1, CITEGO_WIRE_DECLINED);
    if (decode_request(bytes, request, consumed) != WireStatus::Complete) return reply(kDeclined, declined);
    if (const std::optional<CommandLine> line = try_parse_command_line(request.args)) {
      if (!line->help && !line->version && !ensure_open(identity_of(target_of(*line, request.cwd)))) {
        return reply(kDeclined, declined);
      }
    }
    std::ostringstream out;
    std::ostringstream err;
    std::istringstream no_input;
    // Past the deadline, the watchdog tells the supervisor, writes the deadline error to the client and ends this
    // worker. No command may take longer than the server's --max-deadline, whatever its own --deadline says.
    const DeadlineStop stop{
        [this, client](double seconds, const CommandOutcome& late) {
          Watchdog::arm(seconds, {{control_, std::string(1, kStopped)}, {client, encode_answer(late)}}, late.status);
        },
        [] { Watchdog::disarm(); }, options_.max_deadline};
    CommandOutcome outcome;
    outcome.status =
        run_search_command(request.args, {out, err, no_input, request.terminal, &stop, request.width, request.colour},
                           [this](const std::string&) -> const Searcher& { return *searcher_; });
    outcome.out = std::move(out).str();
    outcome.err = std::move(err).str();
    if (searcher_ && searcher_->shard_lost()) searcher_.reset();  // the next command connects again
    return reply(kDone, encode_answer(outcome));
  }

  // Opens the served database unless it holds the directory `identity` names already. It is opened by the served
  // path, as the client names it in its messages; should a new generation be published between the check and the
  // opening, the next command sees another identity and opens it again.
  bool ensure_open(const std::string& identity) {
    if (identity.empty()) return false;
    if (searcher_ && identity_ == identity) return true;
    try {
      searcher_ = std::make_unique<Searcher>(options_.db, /*facet_table=*/true);
      identity_ = identity;
      return true;
    } catch (...) {
      searcher_.reset();  // the client opens it itself, and reports what is wrong
      return false;
    }
  }

  const ServeOptions& options_;
  const int control_;
  std::string identity_;
  std::unique_ptr<Searcher> searcher_;
};

// ---- The supervisor: reads requests, hands them to workers, watches both. ----

struct Job {
  int client = -1;
  std::string request;                        // its bytes, as the client sent them
  double deadline = kDefaultDeadlineSeconds;  // the command's, within the server's --max-deadline
  OutputFormat format = OutputFormat::Json;   // of its answers
  Clock::time_point give_up;                  // still waiting for a worker then: answered busy
};

SearchError busy_error(const std::string& why) {
  return SearchError("busy", "the search server is busy: " + why + "; try again shortly", kExitLimit);
}

struct WorkerProcess {
  pid_t pid = 0;
  int control = -1;           // -1 once it is closed (the worker retires or has died)
  std::optional<Job> job;     // the command it answers
  Clock::time_point started;  // when it got it
  bool writing = false;       // the command is done; its reply is being written
  std::size_t served = 0;     // commands answered
  bool slow = false;          // lowered in priority: retires after its command
  bool killed = false;        // by the supervisor (abandoned, or past its hard stop)
};

struct Reading {
  int fd = -1;
  std::string bytes;
  Clock::time_point until;
};

struct Counts {
  std::uint64_t answered = 0;
  std::uint64_t declined = 0;
  std::uint64_t busy = 0;
  std::uint64_t past_deadline = 0;
  std::uint64_t abandoned = 0;
  std::uint64_t crashed = 0;
};

class Supervisor {
 public:
  Supervisor(const ServeOptions& options, unsigned workers, int listen_fd, int signal_fd, std::ostream& log)
      : options_(options), base_(workers), listen_fd_(listen_fd), signal_fd_(signal_fd), log_(log) {}

  const Counts& counts() const { return counts_; }

  void run() {
    while (!stopping_ || !queue_.empty() || busy_workers() > 0) {
      keep_workers();
      dispatch();
      wait_and_handle();
    }
    for (WorkerProcess& w : workers_) retire(w);
    // Idle workers exit at once when their control socket closes; any that does not within a second is killed.
    const Clock::time_point until = Clock::now() + milliseconds(1000);
    while (!live_.empty() && Clock::now() < until) {
      reap_all();
      std::this_thread::sleep_for(milliseconds(5));
    }
    for (pid_t pid : live_) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }

 private:
  std::size_t busy_workers() const {
    return static_cast<std::size_t>(
        std::count_if(workers_.begin(), workers_.end(), [](const WorkerProcess& w) { return w.job.has_value(); }));
  }

  // At least base_ workers that are neither slow nor retiring; one more per slow command, up to kMaxExtraWorkers.
  void keep_workers() {
    std::size_t quick = 0;
    for (const WorkerProcess& w : workers_) quick += w.control >= 0 && !w.slow;
    while ((!stopping_ || !queue_.empty()) && quick < base_ && workers_.size() < base_ + kMaxExtraWorkers) {
      if (!spawn()) break;
      ++quick;
    }
  }

  bool spawn() {
    // A worker that dies as it starts (a database Xapian crashes on when opening) must not make a loop of forks.
    const Clock::time_point now = Clock::now();
    while (!spawned_at_.empty() && now - spawned_at_.front() > milliseconds(1000)) spawned_at_.pop_front();
    if (spawned_at_.size() >= kMaxSpawnsPerSecond) return false;
    spawned_at_.push_back(now);
    int ends[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) {
      log_ << "citego-search: cannot start a worker: " << errno_text() << "\n";
      return false;
    }
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
      log_ << "citego-search: cannot start a worker: " << errno_text() << "\n";
      ::close(ends[0]);
      ::close(ends[1]);
      return false;
    }
    if (pid == 0) worker_main(ends[1], parent);  // never returns
    ::close(ends[1]);
    // A worker that stops reading its commands (stopped, or stuck) must not hold the supervisor in a write.
    const timeval timeout{1, 0};
    ::setsockopt(ends[0], SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    WorkerProcess started;
    started.pid = pid;
    started.control = ends[0];
    workers_.push_back(std::move(started));
    live_.push_back(pid);
    return true;
  }

  [[noreturn]] void worker_main(int control, pid_t parent) {
    // Keep standard input, output and error, and the control socket as descriptor 3; nothing of the supervisor's.
    ::dup2(control, 3);
    ::close_range(4, ~0U, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(0);
    ::signal(SIGINT, SIG_IGN);   // Ctrl-C is the supervisor's to handle
    ::signal(SIGTERM, SIG_IGN);  // the supervisor stops its workers once their commands are answered
    ::signal(SIGPIPE, SIG_IGN);
    ::signal(SIGCHLD, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    ::pthread_sigmask(SIG_SETMASK, &none, nullptr);
    try {
      Worker(options_, 3).run();
    } catch (...) {
    }
    ::_exit(0);
  }

  void dispatch() {
    give_up_waiting();
    for (WorkerProcess& w : workers_) {
      if (queue_.empty()) return;
      if (w.control < 0 || w.job || w.writing || w.slow) continue;
      Job job = std::move(queue_.front());
      queue_.pop_front();
      if (!send_job(w.control, job.client, job.request)) {
        queue_.push_front(std::move(job));  // the worker has died or is stuck: another takes the job
        kill_worker(w);
        continue;
      }
      w.job = std::move(job);
      w.started = Clock::now();
    }
  }

  void wait_and_handle() {
    std::vector<pollfd> fds;
    // Order: listening socket, signals, connections being read, workers' control sockets, queued clients, busy
    // workers' clients. The indexes below follow it.
    fds.push_back({stopping_ ? -1 : listen_fd_, POLLIN, 0});
    fds.push_back({signal_fd_, POLLIN, 0});
    for (const Reading& r : reading_) fds.push_back({r.fd, POLLIN, 0});
    for (const WorkerProcess& w : workers_) fds.push_back({w.control, POLLIN, 0});
    for (const Job& j : queue_) fds.push_back({j.client, 0, 0});
    // A client that has closed its connection (POLLHUP; one that only shut down its writing side still waits).
    for (const WorkerProcess& w : workers_) fds.push_back({w.job ? w.job->client : -1, 0, 0});

    const Clock::time_point now = Clock::now();
    Clock::time_point wake = now + milliseconds(1000);
    for (const Reading& r : reading_) wake = std::min(wake, r.until);
    if (!queue_.empty()) wake = std::min(wake, queue_.front().give_up);
    for (const WorkerProcess& w : workers_) {
      if (!w.job) continue;
      if (!w.slow) wake = std::min(wake, w.started + milliseconds(kSlowCommandMs));
      wake = std::min(wake, hard_stop_of(w));
    }
    const auto wait = std::chrono::duration_cast<milliseconds>(wake - now).count();
    if (::poll(fds.data(), fds.size(), static_cast<int>(std::max<long long>(wait, 0) + 1)) < 0 && errno != EINTR) {
      log_ << "citego-search: poll failed: " << errno_text() << "\n";
      begin_stopping();
      return;
    }

    std::size_t at = 0;
    const pollfd listening = fds[at++];
    const pollfd signals = fds[at++];
    std::vector<bool> readable_reading;
    for (std::size_t i = 0; i < reading_.size(); ++i) readable_reading.push_back(fds[at++].revents != 0);
    std::vector<bool> control_ready;
    for (std::size_t i = 0; i < workers_.size(); ++i) control_ready.push_back(fds[at++].revents != 0);
    std::vector<bool> queued_gone;
    for (std::size_t i = 0; i < queue_.size(); ++i) queued_gone.push_back(fds[at++].revents != 0);
    std::vector<bool> busy_gone;
    for (std::size_t i = 0; i < workers_.size(); ++i) busy_gone.push_back(fds[at++].revents != 0);

    for (std::size_t i = 0; i < workers_.size(); ++i) {
      if (control_ready[i]) hear_from(workers_[i]);
      if (busy_gone[i] && workers_[i].job && !workers_[i].killed) {
        ++counts_.abandoned;  // the client has gone away: nobody waits for this work
        kill_worker(workers_[i]);
      }
    }
    if (signals.revents & POLLIN) take_signals();
    drop_gone_queued(queued_gone);
    watch_busy_workers();
    reap_all();
    read_requests(readable_reading);
    if (!stopping_ && (listening.revents & POLLIN)) accept_connections();
    expire_readings();
    forget_dead_workers();
  }

  Clock::time_point hard_stop_of(const WorkerProcess& w) const {
    return w.started + ms_of(w.job->deadline + kDeadlineGraceSeconds) + kHardStopAfterGrace;
  }

  void take_signals() {
    signalfd_siginfo info{};
    while (::read(signal_fd_, &info, sizeof info) == sizeof info) {
      if (info.ssi_signo == SIGCHLD) {
        reap_all();
      } else if (info.ssi_signo == SIGINT || info.ssi_signo == SIGTERM) {
        begin_stopping();
      }
    }
  }

  void begin_stopping() {
    if (stopping_) return;
    stopping_ = true;
    ::close(listen_fd_);
    ::unlink(options_.socket_path.c_str());
    for (Reading& r : reading_) ::close(r.fd);
    reading_.clear();
    reading_bytes_ = 0;
  }

  // A worker's byte (kDone, kDeclined, kFree, kStopped), or the end of its control socket (it retired or died).
  void hear_from(WorkerProcess& w) {
    char said = 0;
    ssize_t n;
    do {
      n = ::read(w.control, &said, 1);
    } while (n < 0 && errno == EINTR);
    if (n != 1) {
      close_control(w);
      return;
    }
    if ((said == kDone || said == kDeclined || said == kStopped) && w.job) {
      ++(said == kDone ? counts_.answered : said == kDeclined ? counts_.declined : counts_.past_deadline);
      ::close(w.job->client);
      w.job.reset();
      ++w.served;
      w.writing = true;
      if (said == kStopped) retire(w);  // it ends once its watchdog has written the answer
    } else if (said == kFree && w.writing) {
      w.writing = false;
      // Lowered in priority for good, or its share of commands done: a fresh worker takes its place.
      if (w.slow || w.served >= options_.worker_requests) retire(w);
    } else {
      kill_worker(w);  // not what a worker says
    }
  }

  void close_control(WorkerProcess& w) {
    if (w.control >= 0) ::close(w.control);
    w.control = -1;
    if (w.job) {
      // It ended with a command in hand: the client gives the answer the server sent on acceptance.
      ::close(w.job->client);
      w.job.reset();
      if (!w.killed) ended_busy_.push_back(w.pid);  // why it ended is told once it is reaped
    }
  }

  void retire(WorkerProcess& w) {
    if (w.control >= 0) ::close(w.control);  // it exits at its next read
    w.control = -1;
  }

  void kill_worker(WorkerProcess& w) {
    w.killed = true;
    ::kill(w.pid, SIGKILL);
    close_control(w);
  }

  void watch_busy_workers() {
    const Clock::time_point now = Clock::now();
    for (WorkerProcess& w : workers_) {
      if (!w.job || w.killed) continue;
      if (!w.slow && now >= w.started + milliseconds(kSlowCommandMs)) {
        w.slow = true;  // quick commands keep their CPU; keep_workers() starts another worker
        ::setpriority(PRIO_PROCESS, static_cast<id_t>(w.pid), 19);
      }
      if (now >= hard_stop_of(w)) {
        ++counts_.past_deadline;
        kill_worker(w);
      }
    }
  }

  // Commands that waited too long for a worker to be answered in time are answered busy now.
  void give_up_waiting() {
    const Clock::time_point now = Clock::now();
    while (!queue_.empty() && now >= queue_.front().give_up) {
      const Job& job = queue_.front();
      const SearchError busy = busy_error("no worker was free within " + std::to_string(kQueueWait.count()) + " ms");
      if (write_all(job.client, encode_answer(refusal(busy, job.format)))) ++counts_.busy;
      ::close(job.client);
      queue_.pop_front();
    }
  }

  void drop_gone_queued(const std::vector<bool>& gone) {
    std::deque<Job> kept;
    for (std::size_t i = 0; i < queue_.size(); ++i) {
      if (i < gone.size() && gone[i]) {
        ++counts_.abandoned;
        ::close(queue_[i].client);
      } else {
        kept.push_back(std::move(queue_[i]));
      }
    }
    queue_ = std::move(kept);
  }

  void accept_connections() {
    for (;;) {
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (fd < 0) {
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
          std::this_thread::sleep_for(milliseconds(10));  // until connections are closed
        }
        return;
      }
      if (reading_.size() >= kMaxReadingConnections) {
        ::close(fd);  // the client runs the command itself
        continue;
      }
      reading_.push_back(Reading{fd, {}, Clock::now() + milliseconds(CITEGO_WIRE_REQUEST_MS)});
    }
  }

  void read_requests(const std::vector<bool>& readable) {
    std::vector<Reading> kept;
    for (std::size_t i = 0; i < reading_.size(); ++i) {
      Reading& r = reading_[i];
      if (i >= readable.size() || !readable[i]) {
        kept.push_back(std::move(r));
        continue;
      }
      char buffer[65536];
      const ssize_t n = ::read(r.fd, buffer, sizeof buffer);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        kept.push_back(std::move(r));
        continue;
      }
      if (n <= 0) {
        reading_bytes_ -= r.bytes.size();
        ::close(r.fd);  // gone before its request was whole
        continue;
      }
      r.bytes.append(buffer, static_cast<std::size_t>(n));
      reading_bytes_ += static_cast<std::size_t>(n);
      WireRequest request;
      std::size_t consumed = 0;
      const WireStatus status = reading_bytes_ > kMaxReadingBytes ? WireStatus::Invalid  // too much is sent at once
                                                                  : decode_request(r.bytes, request, consumed);
      if (status == WireStatus::Incomplete) {
        kept.push_back(std::move(r));
        continue;
      }
      reading_bytes_ -= r.bytes.size();
      if (status == WireStatus::Invalid) {
        ::close(r.fd);
        continue;
      }
      r.bytes.resize(consumed);
      route(r.fd, std::move(r.bytes), request);
    }
    reading_ = std::move(kept);
  }

  void expire_readings() {
    const Clock::time_point now = Clock::now();
    std::vector<Reading> kept;
    for (Reading& r : reading_) {
      if (now >= r.until) {
        reading_bytes_ -= r.bytes.size();
        ::close(r.fd);  // no whole request in time: not a client of ours, or a stalled one
      } else {
        kept.push_back(std::move(r));
      }
    }
    reading_ = std::move(kept);
  }

  // A whole request: declined, refused as busy, or accepted and queued.
  void route(int fd, std::string bytes, const WireRequest& request) {
    double deadline = kDefaultDeadlineSeconds;
    if (const std::optional<CommandLine> line = try_parse_command_line(request.args)) {
      const bool search = !line->help && !line->version;
      // A --all export streams more than one answer holds: the client's own citego-search writes it.
      if (line->batch || line->serve || line->all ||
          (search && target_of(*line, request.cwd) != resolved(options_.db))) {
        const char declined = CITEGO_WIRE_DECLINED;
        if (write_all(fd, &declined, 1)) ++counts_.declined;
        ::close(fd);
        return;
      }
      deadline = std::min(line->request.deadline_seconds, options_.max_deadline);
    }
    const OutputFormat format = requested_format(request.args, request.terminal);
    if (queue_.size() >= kQueuedPerWorker * base_) {
      const SearchError busy = busy_error(std::to_string(queue_.size()) + " commands are waiting");
      if (write_all(fd, encode_answer(refusal(busy, format)))) ++counts_.busy;
      ::close(fd);
      return;
    }
    const auto wait = ms_of(deadline + kDeadlineGraceSeconds) + kHardStopAfterGrace + kClientWaitMargin;
    const SearchError no_answer("no_answer",
                                "the search server accepted the command but gave no answer (a worker stopped; see "
                                "the server's log)",
                                kExitRuntime);
    if (!write_all(fd, encode_accepted(static_cast<std::uint32_t>(wait.count()), refusal(no_answer, format)))) {
      ::close(fd);
      return;
    }
    // The worker writes its answer with blocking writes.
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    queue_.push_back(Job{fd, std::move(bytes), deadline, format, Clock::now() + kQueueWait});
  }

  // Reaps the workers that have ended, and tells why each one that had a command in hand ended.
  void reap_all() {
    for (;;) {
      int status = 0;
      const pid_t pid = ::waitpid(-1, &status, WNOHANG);
      if (pid <= 0) break;
      live_.erase(std::remove(live_.begin(), live_.end(), pid), live_.end());
      reaped_.emplace_back(pid, status);
    }
    for (auto r = reaped_.begin(); r != reaped_.end();) {
      const auto [pid, status] = *r;
      const auto busy = std::find(ended_busy_.begin(), ended_busy_.end(), pid);
      const bool known = std::any_of(workers_.begin(), workers_.end(),
                                     [id = pid](const WorkerProcess& w) { return w.pid == id && w.control >= 0; });
      if (busy == ended_busy_.end() && known) {
        ++r;  // its control socket's end is not seen yet: told in a later round
        continue;
      }
      r = reaped_.erase(r);
      if (busy == ended_busy_.end()) continue;  // retired, or killed by the supervisor
      ended_busy_.erase(busy);
      if (WIFEXITED(status) && WEXITSTATUS(status) == kExitLimit) {
        ++counts_.past_deadline;  // its watchdog answered with the deadline error and ended it
        continue;
      }
      ++counts_.crashed;
      log_ << "citego-search: a worker (pid " << pid << ") ";
      if (WIFSIGNALED(status)) {
        log_ << "was ended by signal " << WTERMSIG(status) << " (" << ::strsignal(WTERMSIG(status)) << ")";
      } else {
        log_ << "exited with status " << WEXITSTATUS(status);
      }
      log_ << " while answering a command; another takes its place\n";
      log_.flush();
    }
  }

  // Workers whose control socket is closed are gone from the list (their processes are reaped on SIGCHLD).
  void forget_dead_workers() {
    workers_.erase(
        std::remove_if(workers_.begin(), workers_.end(), [](const WorkerProcess& w) { return w.control < 0; }),
        workers_.end());
  }

  const ServeOptions& options_;
  const std::size_t base_;
  const int listen_fd_;
  const int signal_fd_;
  std::ostream& log_;
  std::vector<WorkerProcess> workers_;
  std::vector<Reading> reading_;
  std::size_t reading_bytes_ = 0;             // bytes held by reading_
  std::deque<Clock::time_point> spawned_at_;  // workers started in the last second
  std::deque<Job> queue_;
  std::vector<pid_t> live_;                    // worker processes not yet reaped
  std::vector<pid_t> ended_busy_;              // workers that ended with a command in hand, not yet told
  std::vector<std::pair<pid_t, int>> reaped_;  // reaped workers and their wait status, not yet told
  Counts counts_;
  bool stopping_ = false;
};

// The group id a --socket-group names (a name or a number), or nothing.
std::optional<gid_t> group_of(const std::string& name) {
  if (const group* g = ::getgrnam(name.c_str())) return g->gr_gid;
  unsigned long id = 0;
  const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), id);
  if (ec == std::errc() && end == name.data() + name.size()) return static_cast<gid_t>(id);
  return std::nullopt;
}

// A listening socket at `path` with the options' permissions, or -1 after a message on `log`.
int listen_at(const ServeOptions& options, std::ostream& log) {
  const std::string& path = options.socket_path;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof address.sun_path) {
    log << "citego-search: " << path << ": a socket path must have 1 to " << sizeof address.sun_path - 1 << " bytes\n";
    return -1;
  }
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  std::optional<gid_t> gid;
  if (!options.socket_group.empty()) {
    gid = group_of(options.socket_group);
    if (!gid) {
      log << "citego-search: no group " << options.socket_group << " (--socket-group)\n";
      return -1;
    }
  }
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
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
    const int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const bool answers =
        probe >= 0 && ::connect(probe, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    const int probe_errno = errno;
    if (probe >= 0) ::close(probe);
    if (answers) {
      log << "citego-search: another server answers on " << path << "\n";
      ::close(fd);
      return -1;
    }
    if (probe_errno != ECONNREFUSED) {
      log << "citego-search: cannot check the socket " << path << ": " << std::strerror(probe_errno) << "\n";
      ::close(fd);
      return -1;
    }
    ::unlink(path.c_str());  // left by a server that is gone
  }
  // The socket is made with its permissions (no moment where it has others), then given its group.
  const mode_t previous = ::umask(static_cast<mode_t>(~options.socket_mode & 0777));
  const bool bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  const int bind_errno = errno;
  ::umask(previous);
  if (!bound || ::listen(fd, 1024) != 0) {
    log << "citego-search: cannot listen on " << path << ": " << std::strerror(bound ? errno : bind_errno) << "\n";
    ::close(fd);
    return -1;
  }
  if (::chmod(path.c_str(), static_cast<mode_t>(options.socket_mode)) != 0 ||
      (gid && ::chown(path.c_str(), static_cast<uid_t>(-1), *gid) != 0)) {
    log << "citego-search: cannot give " << path << " its permissions or group: " << errno_text() << "\n";
    ::close(fd);
    ::unlink(path.c_str());
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
  // Signals are taken through a signalfd; the workers unblock them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGCHLD);
  sigaddset(&signals, SIGPIPE);
  sigset_t previous;
  ::pthread_sigmask(SIG_BLOCK, &signals, &previous);
  const int signal_fd = ::signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK);
  const int listen_fd = signal_fd < 0 ? -1 : listen_at(options, log);
  if (listen_fd < 0) {
    if (signal_fd < 0) log << "citego-search: cannot take signals: " << errno_text() << "\n";
    if (signal_fd >= 0) ::close(signal_fd);
    ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    return kExitRuntime;
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const unsigned workers = options.workers > 0 ? options.workers : std::min(cores, 8u);
  log << "citego-search: serving " << options.db << " on " << options.socket_path << " (" << workers
      << (workers == 1 ? " worker" : " workers") << "); stop with SIGTERM or Ctrl-C\n";
  log.flush();
  Supervisor supervisor(options, workers, listen_fd, signal_fd, log);
  supervisor.run();
  ::close(signal_fd);
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  const Counts& c = supervisor.counts();
  log << "citego-search: stopped serving " << options.db << " after " << c.answered << " answered and " << c.declined
      << " declined commands";
  std::string more;
  for (const auto& [n, what] : {std::pair{c.busy, " refused as busy"},
                                {c.past_deadline, " stopped past their deadline"},
                                {c.abandoned, " abandoned by their clients"},
                                {c.crashed, " ended by a worker's crash"}}) {
    if (n > 0) more += (more.empty() ? "" : ", ") + std::to_string(n) + what;
  }
  log << (more.empty() ? "" : "; " + more) << "\n";
  return kExitOk;
}

}  // namespace citego
