// citego-search --serve and citego-client: the client's output and exit status are citego-search's, byte for byte,
// whether the server answers or the client runs citego-search itself; the server follows new generations, survives
// broken clients, refuses a socket that is taken, and stops cleanly on SIGTERM.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <future>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "citego/search_wire.h"
#include "citego/wire_codec.h"
#include "corpus_generator.h"
#include "test_support.h"

extern char** environ;

namespace citego::test {
namespace {

namespace fs = std::filesystem;

std::string client_binary() { return CITEGO_CLIENT_BINARY; }

bool socket_answers(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  const bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

// A `citego-search --serve` child process, stopped with SIGTERM when the object goes away.
class ServerProcess {
 public:
  ServerProcess(const std::string& socket, const std::string& db, const std::string& log, unsigned workers = 0,
                const std::vector<std::string>& more = {})
      : socket_(socket) {
    const std::string program = search_binary();
    std::vector<std::string> args = {program, "--serve", socket, "--db", db};
    if (workers > 0) args.insert(args.end(), {"--workers", std::to_string(workers)});
    args.insert(args.end(), more.begin(), more.end());
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    spawned_ = posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), environ) == 0;
    posix_spawn_file_actions_destroy(&actions);
    if (!spawned_) pid_ = 0;
    for (int i = 0; i < 500 && !socket_answers(socket); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ~ServerProcess() {
    if (pid_ > 0) stop();
  }
  bool spawned() const { return spawned_; }
  pid_t pid() const { return pid_; }
  // Sends SIGTERM and returns the exit status.
  int stop() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  std::string socket_;
  pid_t pid_ = 0;
  bool spawned_ = false;
};

// The worker processes of a server: its children.
std::vector<pid_t> workers_of(pid_t server) {
  std::istringstream children(
      read_file("/proc/" + std::to_string(server) + "/task/" + std::to_string(server) + "/children"));
  std::vector<pid_t> pids;
  for (pid_t pid; children >> pid;) pids.push_back(pid);
  return pids;
}

// Waits until `server` has `count` workers; returns them.
std::vector<pid_t> wait_for_workers(pid_t server, std::size_t count) {
  std::vector<pid_t> pids;
  for (int i = 0; i < 500 && (pids = workers_of(server)).size() != count; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pids;
}

int connect_to(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  const timeval timeout{20, 0};  // a server that stopped answering fails the test instead of hanging it
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  return fd;
}

// The first byte the server replies to a request sent on a new connection; the connection stays open in `fd`.
char first_reply(const std::string& socket, const std::string& cwd, const std::vector<std::string>& args, int& fd) {
  fd = connect_to(socket);
  const std::string request = encode_request(WireRequest{cwd, false, args});
  if (fd < 0 || ::write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) return 0;
  char kind = 0;
  return ::read(fd, &kind, 1) == 1 ? kind : 0;
}

class SearchServer : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_ / "citego.db";
    socket_ = dir_ / "citego.sock";
    index({"corpus/", "corpus/fixtures/multilingual"});
  }
  void index(const std::vector<std::string>& inputs) {
    std::vector<std::string> args = {"--db", db_, "--allow-shrink"};  // the tests replace a corpus by a smaller one
    args.insert(args.end(), inputs.begin(), inputs.end());
    const RunResult r = run(index_binary(), args, source_dir());
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // The client's result must be citego-search's, for the same arguments in the same directory; its standard error
  // starts with `client_note` (the line of a client that could not reach a server).
  void ExpectSameAsSearch(const std::vector<std::string>& args, const std::string& client_note = "") {
    std::vector<std::string> client_args = {"--socket", socket_};
    client_args.insert(client_args.end(), args.begin(), args.end());
    const RunResult client = run(client_binary(), client_args, dir_.path().string());
    const RunResult direct = run(search_binary(), args, dir_.path().string());
    SCOPED_TRACE(::testing::PrintToString(args));
    EXPECT_EQ(client.exit_code, direct.exit_code);
    EXPECT_EQ(client.out, direct.out);
    EXPECT_EQ(client.err, client_note + direct.err);
  }
  // Stops the server, which must then say it answered and declined so many commands.
  void ExpectStoppedAfter(ServerProcess& server, int answered, int declined) {
    EXPECT_EQ(server.stop(), 0);
    const std::string log = read_file(dir_ / "server.log");
    EXPECT_EQ(log.substr(log.find('\n') + 1), "citego-search: stopped serving " + db_ + " after " +
                                                  std::to_string(answered) + " answered and " +
                                                  std::to_string(declined) + " declined commands\n");
  }
  std::vector<std::vector<std::string>> commands() const {
    return {
        {"--format", "json", "économie", "solidaire"},
        {"--format", "json", "--filter", "type=mooc", "--filter", "year=2010..2020", "--facet-limit", "0", "gouvern*"},
        {"--format", "text", "democratie participative"},
        {"--format", "csv", "--sort", "-year", "--limit", "3", ""},
        {"--format", "json", "--db", db_, "--lang", "es", "participaciones"},  // absolute --db
        {"--format", "json", "--limit", "1000", "x"},                          // usage error
        {"--format", "json", "--filter", "colour=red", "x"},                   // bad filter
        {"--frobnicate"},
        {"--format", "text", "--help"},                     // citego-search's help
        {"--format", "json", "--db", "elsewhere.db", "x"},  // not the served database: declined
    };
  }

  TempDir dir_;
  std::string db_;
  std::string socket_;
};

TEST_F(SearchServer, AnswersExactlyAsCitegoSearch) {
  ServerProcess server(socket_, db_, dir_ / "server.log");
  ASSERT_TRUE(server.spawned());
  ASSERT_TRUE(socket_answers(socket_)) << read_file(dir_ / "server.log");
  for (const auto& args : commands()) ExpectSameAsSearch(args);
  // The served database is "citego.db" of the client's directory: the default --db.
  ExpectSameAsSearch({"--format", "json", "mooc"});
  EXPECT_EQ(server.stop(), 0);
  EXPECT_FALSE(fs::exists(socket_));
  const std::string log = read_file(dir_ / "server.log");
  EXPECT_EQ(log.rfind("citego-search: serving " + db_ + " on " + socket_ + " (", 0), 0u) << log;
  EXPECT_NE(log.find(" workers); stop with SIGTERM or Ctrl-C\n"), std::string::npos) << log;
  // Every command was the server's but the one for another database, which the client ran itself.
  EXPECT_EQ(log.substr(log.find('\n') + 1), "citego-search: stopped serving " + db_ + " after " +
                                                std::to_string(commands().size()) +
                                                " answered and 1 declined commands\n");
}

// Collapsed translations, related fiches and facet look-up pass through the client like any other arguments.
TEST_F(SearchServer, AnswersTheReadersRequestsAsCitegoSearch) {
  index({"corpus/", "corpus/library"});
  ServerProcess server(socket_, db_, dir_ / "server.log");
  ASSERT_TRUE(server.spawned());
  ASSERT_TRUE(socket_answers(socket_)) << read_file(dir_ / "server.log");
  const std::vector<std::vector<std::string>> requests = {
      {"--format", "json", "--collapse", "translation", "--lang", "es", "--prefer-lang", "pt", "monnaie"},
      {"--format", "text", "--collapse", "translation", "--filter", "doc_type=fiche", ""},
      {"--format", "json", "--related", "fic-notion-monnaie-complementaire", "--filter", "lang=fr"},
      {"--format", "csv", "--related", "fic-notion-monnaie-complementaire"},
      {"--format", "json", "--related", "fic-nowhere"},  // unknown_document
      {"--format", "json", "--lang", "fr", "--facet-search", "descriptor=terr", "--limit", "0"},
      {"--format", "text", "--facet-search", "place=bré", "participation"},
      {"--format", "json", "--facet-search", "lang=f"},  // bad_facet_search
  };
  for (const auto& args : requests) ExpectSameAsSearch(args);
  EXPECT_EQ(server.stop(), 0);
}

TEST_F(SearchServer, ClientRunsCitegoSearchWhenNoServerAnswers) {
  const std::string note = "citego-client: no search server could be reached at " + socket_;
  for (const auto& args : commands()) {  // nothing listens on socket_
    ExpectSameAsSearch(args, note + " (No such file or directory); running citego-search\n");
  }
  write_file(socket_, "not a socket");
  ExpectSameAsSearch({"--format", "json", "mooc"}, note + " (Connection refused); running citego-search\n");
  // With no socket named, running citego-search is what was asked: nothing is said.
  const RunResult quiet = run(client_binary(), {"--format", "json", "mooc"}, dir_.path().string());
  EXPECT_EQ(quiet.out, run(search_binary(), {"--format", "json", "mooc"}, dir_.path().string()).out);
  EXPECT_EQ(quiet.err, "");
}

TEST_F(SearchServer, ClientHasItsOwnHelpVersionAndErrors) {
  const RunResult help = run(client_binary(), {"--help"}, dir_.path().string());
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_EQ(help.err, "");
  EXPECT_EQ(help.out.rfind("Usage: citego-client [--socket SOCKET] [CITEGO-SEARCH ARGUMENTS...]\n", 0), 0u) << help.out;
  EXPECT_NE(help.out.find("\n  --socket SOCKET  "), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("\n  CITEGO_SOCKET    the server's socket when --socket is not given\n"), std::string::npos);
  // With a socket named, --help is still the client's, and no server is asked.
  EXPECT_EQ(run(client_binary(), {"--socket", socket_, "-h"}, dir_.path().string()).out, help.out);

  const RunResult version = run(client_binary(), {"--version"}, dir_.path().string());
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out, std::string("citego-client ") + CITEGO_TEST_VERSION + "\n");

  // A misplaced --socket is the client's error, not citego-search's "unrecognised option".
  const RunResult late = run(client_binary(), {"--format", "json", "--socket", socket_, "x"}, dir_.path().string());
  EXPECT_EQ(late.exit_code, 2);
  EXPECT_EQ(late.out, "");
  EXPECT_EQ(late.err,
            "citego-client: --socket must come first: citego-client --socket SOCKET [CITEGO-SEARCH "
            "ARGUMENTS...]\nTry 'citego-client --help'.\n");
  const RunResult bare = run(client_binary(), {"--socket"}, dir_.path().string());
  EXPECT_EQ(bare.exit_code, 2);
  EXPECT_EQ(bare.err, "citego-client: option '--socket' needs a SOCKET\nTry 'citego-client --help'.\n");
  // After "--", "--socket" is a query word for citego-search.
  ExpectSameAsSearch({"--format", "json", "--", "--socket"}, "citego-client: no search server could be reached at " +
                                                                 socket_ +
                                                                 " (No such file or directory); running "
                                                                 "citego-search\n");
}

TEST_F(SearchServer, AnAllExportIsDeclinedAndWrittenByTheClientsOwnCitegoSearch) {
  ServerProcess server(socket_, db_, dir_ / "server.log");
  ASSERT_TRUE(socket_answers(socket_)) << read_file(dir_ / "server.log");
  ExpectSameAsSearch({"--format", "csv", "--all", ""});
  ExpectSameAsSearch({"--format", "jsonl", "--all", "gouvernance"});
  ExpectStoppedAfter(server, 0, 2);
}

TEST_F(SearchServer, TheClientsTextWidthReachesTheServer) {
  ServerProcess server(socket_, db_, dir_ / "server.log");
  ASSERT_TRUE(socket_answers(socket_)) << read_file(dir_ / "server.log");
  const std::vector<std::string> args = {"--format", "text", "--limit", "3", "économie", "solidaire"};
  std::vector<std::string> client_args = {"--socket", socket_};
  client_args.insert(client_args.end(), args.begin(), args.end());
  const RunResult client = run(client_binary(), client_args, dir_.path().string(), "export COLUMNS=30;");
  const RunResult direct = run(search_binary(), args, dir_.path().string(), "export COLUMNS=30;");
  const RunResult whole = run(search_binary(), args, dir_.path().string(), "unset COLUMNS;");
  EXPECT_EQ(client.exit_code, 0);
  EXPECT_EQ(client.err, "");
  EXPECT_EQ(client.out, direct.out);
  EXPECT_NE(direct.out, whole.out);  // wrapped to 30 columns
  ExpectStoppedAfter(server, 1, 0);
}

TEST_F(SearchServer, FollowsNewGenerations) {
  ServerProcess server(socket_, db_, dir_ / "server.log");
  const std::vector<std::string> browse = {"--socket", socket_, "--format", "json", "--limit", "100", ""};
  const RunResult before = run(client_binary(), browse, dir_.path().string());
  index({"corpus/fixtures/multilingual"});  // a smaller corpus, published while the server runs
  const RunResult after = run(client_binary(), browse, dir_.path().string());
  EXPECT_NE(before.out, after.out);
  ExpectSameAsSearch({"--format", "json", "--limit", "100", ""});
  index({"corpus/"});  // and once more: the first generation is gone by now
  ExpectSameAsSearch({"--format", "json", "--limit", "100", ""});
  EXPECT_EQ(server.stop(), 0);
  const std::string log = read_file(dir_ / "server.log");
  EXPECT_NE(log.find(" after 4 answered and 0 declined commands\n"), std::string::npos) << log;
}

TEST_F(SearchServer, SeesADatabaseBuiltAgainUnderTheSameGenerationName) {
  ServerProcess server(socket_, db_, dir_ / "server.log", /*workers=*/1);  // one worker: it holds generation 000001
  const std::vector<std::string> browse = {"--socket", socket_, "--format", "json", "--limit", "100", ""};
  const RunResult before = run(client_binary(), browse, dir_.path().string());
  fs::remove_all(db_);
  fs::remove_all(db_ + ".generations");
  index({"corpus/fixtures/multilingual"});
  ASSERT_EQ(fs::read_symlink(db_).string(), "citego.db.generations/000001");
  const RunResult after = run(client_binary(), browse, dir_.path().string());
  EXPECT_NE(before.out, after.out);
  ExpectSameAsSearch({"--format", "json", "--limit", "100", ""});
  EXPECT_EQ(server.stop(), 0);
  const std::string log = read_file(dir_ / "server.log");
  EXPECT_NE(log.find("(1 worker)"), std::string::npos) << log;
  EXPECT_NE(log.find(" after 3 answered and 0 declined commands\n"), std::string::npos) << log;
}

TEST_F(SearchServer, AnswersManyClientsAtOnce) {
  ServerProcess server(socket_, db_, dir_ / "server.log", /*workers=*/2);
  const std::vector<std::vector<std::string>> all = commands();
  std::vector<RunResult> expected;
  for (const auto& args : all) expected.push_back(run(search_binary(), args, dir_.path().string()));
  // Eight clients at a time, each running every command, against two workers.
  std::vector<std::vector<RunResult>> got(8);
  std::vector<std::thread> clients;
  for (std::size_t c = 0; c < got.size(); ++c) {
    clients.emplace_back([&, c] {
      for (const auto& args : all) {
        std::vector<std::string> client_args = {"--socket", socket_};
        client_args.insert(client_args.end(), args.begin(), args.end());
        got[c].push_back(run(client_binary(), client_args, dir_.path().string()));
      }
    });
  }
  for (std::thread& t : clients) t.join();
  for (const auto& results : got) {
    ASSERT_EQ(results.size(), expected.size());
    for (std::size_t i = 0; i < results.size(); ++i) {
      EXPECT_EQ(results[i].exit_code, expected[i].exit_code) << i;
      EXPECT_EQ(results[i].out, expected[i].out) << i;
      EXPECT_EQ(results[i].err, expected[i].err) << i;
    }
  }
  EXPECT_EQ(server.stop(), 0);
  const std::string log = read_file(dir_ / "server.log");
  EXPECT_NE(log.find(" after " + std::to_string(8 * (all.size() - 1)) + " answered and 8 declined commands\n"),
            std::string::npos)
      << log;
}

TEST_F(SearchServer, SurvivesBrokenClients) {
  ServerProcess server(socket_, db_, dir_ / "server.log");
  for (const std::string& junk : {std::string("hello"), std::string("citego-search/1\n\xff\xff\xff\xff"),
                                  std::string("citego-search/1\n\x03\0\0\0\xff\xff\xff\x7f", 24), std::string()}) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, socket_.c_str(), sizeof address.sun_path - 1);
    ASSERT_EQ(::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
    const timeval timeout{20, 0};  // a server that stopped answering fails the test instead of hanging it
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ASSERT_EQ(::write(fd, junk.data(), junk.size()), static_cast<ssize_t>(junk.size()));
    ::shutdown(fd, SHUT_WR);
    char reply = 0;
    EXPECT_EQ(::read(fd, &reply, 1), 0);  // closed without an answer
    ::close(fd);
  }
  ExpectSameAsSearch({"--format", "json", "mooc"});
  EXPECT_EQ(server.stop(), 0);
  const std::string log = read_file(dir_ / "server.log");
  EXPECT_NE(log.find(" after 1 answered and 0 declined commands\n"), std::string::npos) << log;
}

TEST_F(SearchServer, RefusesATakenSocketAndAMissingDatabase) {
  ServerProcess server(socket_, db_, dir_ / "server.log");
  RunResult r = run(search_binary(), {"--serve", socket_, "--db", db_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "citego-search: another server answers on " + socket_ + "\n");
  r = run(search_binary(), {"--serve", dir_ / "other.sock", "--db", dir_ / "nowhere.db"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "citego-search: no database at " + (dir_ / "nowhere.db") + " (build one with: citego-index --db " +
                       (dir_ / "nowhere.db") + " corpus/)\n");
  write_file(dir_ / "plain.txt", "x");
  r = run(search_binary(), {"--serve", dir_ / "plain.txt", "--db", db_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "citego-search: " + (dir_ / "plain.txt") + " exists and is not a socket\n");
}

TEST_F(SearchServer, IdleConnectionsHoldNoWorker) {
  ServerProcess server(socket_, db_, dir_ / "server.log", /*workers=*/1);
  std::vector<int> idle;
  for (int i = 0; i < 20; ++i) idle.push_back(connect_to(socket_));  // they send nothing
  const auto started = std::chrono::steady_clock::now();
  ExpectSameAsSearch({"--format", "json", "mooc"});
  // Answered at once, not after the idle connections' time is up (a worker waiting on each would take seconds).
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(CITEGO_WIRE_REQUEST_MS));
  // Each is dropped once its request has had CITEGO_WIRE_REQUEST_MS to arrive.
  for (int fd : idle) {
    char byte = 0;
    EXPECT_EQ(::read(fd, &byte, 1), 0);
    ::close(fd);
  }
  EXPECT_EQ(server.stop(), 0);
}

// A worker that stops making progress (stopped here with SIGSTOP: a command stuck in the kernel or in Xapian) holds
// back only its own command: another worker answers the others, and the stuck one is killed past its hard stop.
TEST_F(SearchServer, AStuckWorkerHoldsBackOnlyItsOwnCommand) {
  ServerProcess server(socket_, db_, dir_ / "server.log", /*workers=*/1);
  const std::vector<pid_t> first = wait_for_workers(server.pid(), 1);
  ASSERT_EQ(first.size(), 1u);
  ::kill(first[0], SIGSTOP);
  auto stuck = std::async(std::launch::async, [&] {
    return run(client_binary(), {"--socket", socket_, "--format", "json", "--deadline", "0.2", "mooc"},
               dir_.path().string());
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // past kSlowCommandMs: another worker is started
  ExpectSameAsSearch({"--format", "json", "économie"});
  const RunResult late = stuck.get();
  EXPECT_EQ(late.exit_code, 1);
  EXPECT_EQ(late.out,
            "{\"version\":2,\"error\":{\"code\":\"no_answer\",\"message\":\"the search server accepted "
            "the command but gave no answer (a worker stopped; see the server's log)\"}}\n");
  EXPECT_EQ(server.stop(), 0);
  const std::string log = read_file(dir_ / "server.log");
  EXPECT_NE(log.find(" after 1 answered and 0 declined commands; 1 stopped past their deadline\n"), std::string::npos)
      << log;
}

TEST_F(SearchServer, ACrashingWorkerEndsOnlyItsOwnCommand) {
  // Under AddressSanitizer a SIGSEGV would be caught and turned into a report and an exit: let it end the worker as
  // it does in a normal build.
  const char* const sanitizer_options = std::getenv("ASAN_OPTIONS");
  const std::string saved = sanitizer_options ? sanitizer_options : "";
  ::setenv("ASAN_OPTIONS", (saved.empty() ? "handle_segv=0" : saved + ":handle_segv=0").c_str(), 1);
  ServerProcess server(socket_, db_, dir_ / "server.log", /*workers=*/1);
  if (sanitizer_options) {
    ::setenv("ASAN_OPTIONS", saved.c_str(), 1);
  } else {
    ::unsetenv("ASAN_OPTIONS");
  }
  const std::vector<pid_t> first = wait_for_workers(server.pid(), 1);
  ASSERT_EQ(first.size(), 1u);
  ::kill(first[0], SIGSTOP);
  auto crashed = std::async(std::launch::async, [&] {
    return run(client_binary(), {"--socket", socket_, "--format", "csv", "mooc"}, dir_.path().string());
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ::kill(first[0], SIGSEGV);  // what Xapian does on some damaged databases
  ::kill(first[0], SIGCONT);
  const RunResult r = crashed.get();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");  // CSV has no error object; the message is on stderr
  EXPECT_EQ(r.err,
            "citego-search: the search server accepted the command but gave no answer (a worker stopped; see the "
            "server's log)\n");
  ExpectSameAsSearch({"--format", "json", "mooc"});
  EXPECT_EQ(server.stop(), 0);
  const std::string log = read_file(dir_ / "server.log");
  EXPECT_NE(log.find("citego-search: a worker (pid " + std::to_string(first[0]) +
                     ") was ended by signal 11 (Segmentation fault) while answering a command; another takes its "
                     "place\n"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find(" after 1 answered and 0 declined commands; 1 ended by a worker's crash\n"), std::string::npos)
      << log;
}

TEST_F(SearchServer, TheWorkOfAClientThatHasGoneIsAbandoned) {
  ServerProcess server(socket_, db_, dir_ / "server.log", /*workers=*/1);
  const std::vector<pid_t> first = wait_for_workers(server.pid(), 1);
  ASSERT_EQ(first.size(), 1u);
  ::kill(first[0], SIGSTOP);
  int fd = -1;
  EXPECT_EQ(first_reply(socket_, dir_.path().string(), {"--format", "json", "mooc"}, fd), CITEGO_WIRE_ACCEPTED);
  ::close(fd);  // the visitor has gone
  for (int i = 0; i < 200 && ::kill(first[0], 0) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_NE(::kill(first[0], 0), 0);  // killed, and reaped
  ExpectSameAsSearch({"--format", "json", "mooc"});
  EXPECT_EQ(server.stop(), 0);
  const std::string log = read_file(dir_ / "server.log");
  EXPECT_NE(log.find(" after 1 answered and 0 declined commands; 1 abandoned by their clients\n"), std::string::npos)
      << log;
}

TEST_F(SearchServer, AFullQueueAnswersBusyAtOnce) {
  ServerProcess server(socket_, db_, dir_ / "server.log", /*workers=*/1);
  // Every worker the server may have (one, and four more for slow commands) is stuck with a command: the test stops
  // each one as it appears, and gives it a command.
  std::vector<pid_t> stuck;
  std::vector<int> fds;
  for (std::size_t i = 0; i < 5; ++i) {
    const std::vector<pid_t> now = wait_for_workers(server.pid(), i + 1);
    ASSERT_EQ(now.size(), i + 1);
    for (pid_t pid : now) {
      if (std::find(stuck.begin(), stuck.end(), pid) == stuck.end()) {
        ::kill(pid, SIGSTOP);
        stuck.push_back(pid);
      }
    }
    int fd = -1;
    EXPECT_EQ(first_reply(socket_, dir_.path().string(), {"--format", "json", "mooc"}, fd), CITEGO_WIRE_ACCEPTED);
    fds.push_back(fd);
  }
  // No worker is free: kQueuedPerWorker (16) commands wait, and the next are refused at once.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the last one's worker counts as slow too
  std::vector<char> kinds;
  for (int i = 0; i < 19; ++i) {
    int fd = -1;
    kinds.push_back(first_reply(socket_, dir_.path().string(), {"--format", "json", "mooc"}, fd));
    fds.push_back(fd);
  }
  EXPECT_EQ(std::count(kinds.begin(), kinds.begin() + 16, CITEGO_WIRE_ACCEPTED), 16);
  EXPECT_EQ(std::count(kinds.begin() + 16, kinds.end(), CITEGO_WIRE_ANSWERED), 3);
  // A busy answer: exit status 3 and the JSON error.
  std::int32_t status = 0;
  std::uint32_t out_length = 0;
  const int last = fds.back();
  ASSERT_EQ(::read(last, &status, 4), 4);
  ASSERT_EQ(::read(last, &out_length, 4), 4);
  std::string out(out_length, '\0');
  ASSERT_EQ(::read(last, out.data(), out_length), static_cast<ssize_t>(out_length));
  EXPECT_EQ(status, 3);
  EXPECT_EQ(out,
            "{\"version\":2,\"error\":{\"code\":\"busy\",\"message\":\"the search server is busy: 16 commands "
            "are waiting; try again shortly\"}}\n");
  // The waiting ones are answered busy too once they cannot be started in time.
  const int waiting = fds[5];
  std::uint32_t wait_ms = 0;
  ASSERT_EQ(::read(waiting, &wait_ms, 4), 4);
  EXPECT_EQ(wait_ms, 2000u + 250u + 500u + 1000u);
  std::string rest;
  char buffer[4096];
  for (ssize_t n; (n = ::read(waiting, buffer, sizeof buffer)) > 0;) rest.append(buffer, static_cast<std::size_t>(n));
  EXPECT_NE(rest.find("the search server is busy: no worker was free within 750 ms; try again shortly"),
            std::string::npos);
  for (pid_t pid : stuck) ::kill(pid, SIGCONT);
  for (int fd : fds) ::close(fd);
  EXPECT_EQ(server.stop(), 0);
}

TEST_F(SearchServer, TheSocketIsForItsGroup) {
  {
    ServerProcess server(socket_, db_, dir_ / "server.log");
    struct stat st {};
    ASSERT_EQ(::stat(socket_.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0660u);
  }
  const std::string group = std::to_string(::getgid());
  const std::string program = search_binary();
  ServerProcess server(socket_, db_, dir_ / "server.log", 0, {"--socket-mode", "600", "--socket-group", group});
  struct stat st {};
  ASSERT_EQ(::stat(socket_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(st.st_gid, ::getgid());
  const RunResult r = run(program, {"--serve", dir_ / "other.sock", "--db", db_, "--socket-group", "no-such-group-x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "citego-search: no group no-such-group-x (--socket-group)\n");
}

TEST_F(SearchServer, WorkersAreReplacedAfterTheirShareOfCommandsAndNoCommandIsLost) {
  ServerProcess server(socket_, db_, dir_ / "server.log", 2, {"--worker-requests", "1"});
  const std::vector<std::string> args = {"--format", "json", "mooc"};
  const RunResult expected = run(search_binary(), args, dir_.path().string());
  std::vector<std::string> client_args = {"--socket", socket_};
  client_args.insert(client_args.end(), args.begin(), args.end());
  // Twenty clients at once against two workers that each answer one command: every command is answered (or, if the
  // queue is full, refused as busy), none lost in a worker's retirement.
  std::vector<std::future<RunResult>> clients;
  for (int i = 0; i < 20; ++i) {
    clients.push_back(
        std::async(std::launch::async, [&] { return run(client_binary(), client_args, dir_.path().string()); }));
  }
  int answered = 0;
  for (auto& c : clients) {
    const RunResult r = c.get();
    if (r.exit_code == 3) {
      EXPECT_NE(r.out.find("\"code\":\"busy\""), std::string::npos) << r.out;
      continue;
    }
    EXPECT_EQ(r.exit_code, expected.exit_code);
    EXPECT_EQ(r.out, expected.out);
    EXPECT_EQ(r.err, expected.err);
    ++answered;
  }
  EXPECT_GE(answered, 2);
  EXPECT_EQ(server.stop(), 0);
  const std::string log = read_file(dir_ / "server.log");
  EXPECT_NE(log.find(" after " + std::to_string(answered) + " answered and 0 declined commands"), std::string::npos)
      << log;
  EXPECT_EQ(log.find("crash"), std::string::npos) << log;
}

// A client that shuts down its writing side once its request is sent still gets its answer.
TEST_F(SearchServer, AClientThatHalfClosesStillGetsItsAnswer) {
  ServerProcess server(socket_, db_, dir_ / "server.log");
  int fd = -1;
  ASSERT_EQ(first_reply(socket_, dir_.path().string(), {"--format", "json", "mooc"}, fd), CITEGO_WIRE_ACCEPTED);
  ::shutdown(fd, SHUT_WR);
  std::string reply;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) reply.append(buffer, static_cast<std::size_t>(n));
  ::close(fd);
  const RunResult direct = run(search_binary(), {"--format", "json", "mooc"}, dir_.path().string());
  EXPECT_NE(reply.find(direct.out), std::string::npos);  // the fallback answer, then the answer
  EXPECT_EQ(server.stop(), 0);
  const std::string log = read_file(dir_ / "server.log");
  EXPECT_NE(log.find(" after 1 answered and 0 declined commands\n"), std::string::npos) << log;
}

// A visitor cannot buy more time than the server grants: --deadline is capped by the server's --max-deadline.
TEST_F(SearchServer, NoCommandGetsMoreTimeThanTheServerGrants) {
  ServerProcess server(socket_, db_, dir_ / "server.log", 1, {"--max-deadline", "0.2"});
  const std::vector<pid_t> first = wait_for_workers(server.pid(), 1);
  ASSERT_EQ(first.size(), 1u);
  ::kill(first[0], SIGSTOP);
  const auto started = std::chrono::steady_clock::now();
  const RunResult r = run(client_binary(), {"--socket", socket_, "--format", "json", "--deadline", "600", "mooc"},
                          dir_.path().string());
  // Killed at its hard stop: 0.2 s, the grace and half a second; not ten minutes.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("\"code\":\"no_answer\""), std::string::npos) << r.out;
  EXPECT_EQ(server.stop(), 0);
}

// A server that closes connections without reading them (or after reading): the client neither dies of SIGPIPE nor
// gives an empty answer; it runs citego-search and says why.
TEST_F(SearchServer, TheClientSurvivesAServerThatClosesTheConnection) {
  const int listener = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, socket_.c_str(), sizeof address.sun_path - 1);
  ASSERT_EQ(::bind(listener, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(listener, 16), 0);
  std::thread rude([listener] {
    for (int i = 0; i < 2; ++i) {
      const int fd = ::accept(listener, nullptr, nullptr);
      if (i == 1) {
        char buffer[64];
        (void)!::read(fd, buffer, sizeof buffer);
      }
      ::close(fd);
    }
  });
  const std::vector<std::string> args = {"--format", "json", "--limit", "100", ""};  // a long request
  const std::string note = "citego-client: no search server could be reached at " + socket_;
  std::vector<std::string> client_args = {"--socket", socket_};
  client_args.insert(client_args.end(), args.begin(), args.end());
  const RunResult direct = run(search_binary(), args, dir_.path().string());
  for (int i = 0; i < 2; ++i) {
    const RunResult client = run(client_binary(), client_args, dir_.path().string());
    EXPECT_EQ(client.exit_code, direct.exit_code);
    EXPECT_EQ(client.out, direct.out);
    EXPECT_TRUE(client.err == note + " (no reply); running citego-search\n" ||
                client.err == note + " (the request could not be sent); running citego-search\n")
        << client.err;
  }
  rude.join();
  ::close(listener);
}

// A real search past its deadline, on a database large enough for eight wildcards to take more than 10 ms: the
// deadline error, as a process and through the server.
TEST(Deadline, ARealSearchPastItsDeadlineIsTheDeadlineError) {
  TempDir dir;
  generator::GeneratorOptions options;
  options.documents = 1500;
  options.out_dir = dir / "corpus";
  options.format_version = generator::kFormatVersion1;  // the corpus this deadline was measured on
  generator::generate_corpus(options);
  const RunResult built = run(index_binary(), {"--db", dir / "citego.db", dir / "corpus"});
  ASSERT_EQ(built.exit_code, 0) << built.err;
  const std::vector<std::string> args = {
      "--db", dir / "citego.db",        "--format", "json", "--deadline", "0.01", "--facet-limit", "0", "--limit",
      "100",  "a* e* i* o* u* s* t* r*"};
  const std::string expected =
      "{\"version\":2,\"error\":{\"code\":\"deadline_exceeded\",\"message\":\"the search did "
      "not finish within its deadline of 0.01 s: narrow the query, or allow more time with "
      "--deadline\"}}\n";
  const RunResult direct = run(search_binary(), args, dir.path().string());
  EXPECT_EQ(direct.exit_code, 3);
  EXPECT_EQ(direct.out, expected);
  ServerProcess server(dir / "citego.sock", dir / "citego.db", dir / "server.log");
  std::vector<std::string> client_args = {"--socket", dir / "citego.sock"};
  client_args.insert(client_args.end(), args.begin(), args.end());
  const RunResult served = run(client_binary(), client_args, dir.path().string());
  EXPECT_EQ(served.exit_code, 3);
  EXPECT_EQ(served.out, expected);
  EXPECT_EQ(server.stop(), 0);
}

}  // namespace
}  // namespace citego::test
