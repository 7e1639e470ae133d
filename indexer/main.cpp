// citego-index: builds the search database from CITEGO XML exports and publishes it atomically.
//
// Exit codes: 0 the database was built and published (with --check: the inputs are valid); 1 the inputs have errors,
// the build was refused (it would remove more than half of the live documents), or the database could not be
// written (the previous database is left as it was); 2 the command line is wrong; 128 + N killed by signal N
// (SIGINT 130, SIGTERM 143), after removing the staging files.
#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <boost/program_options.hpp>
#include <xapian.h>

#include "citego/index_builder.h"
#include "citego/live_database.h"
#include "librarian.h"

namespace po = boost::program_options;

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr unsigned kMaxJobs = 64;  // each writer thread holds a staging run open; more only contend for 2-8 cores

const char* const kUsage =
    "Usage: citego-index --db PATH INPUT...\n"
    "       citego-index --check [--db PATH] INPUT...\n"
    "       citego-index --update --db PATH INPUT... [--delete ID...] [--delete-from FILE]\n"
    "       citego-index --delete ID... --db PATH\n"
    "       citego-index --stats [--format json] --db PATH\n"
    "       citego-index --rollback --db PATH\n"
    "Builds a CITEGO search database from XML exports and publishes it at PATH atomically: searchers see the\n"
    "previous database until the new one is complete, and a failed or interrupted run leaves it as it was. PATH is\n"
    "a link into PATH.generations/; the folder PATH is in must exist. A build that would remove more than half of\n"
    "the documents of the database at PATH is refused (--allow-shrink publishes it). --check makes every check of a\n"
    "build and writes nothing.\n"
    "An INPUT is a file, or a folder whose *.xml files (any case: .xml, .XML) are read in byte order of name; its\n"
    "subfolders are not read (give them as inputs of their own). An INPUT may be a pipe (<(command), /dev/stdin),\n"
    "read once; named pipes (FIFOs), devices and sockets are refused. Exports are XML 1.0 in UTF-8, ISO-8859-1 or\n"
    "Windows-1252, as their XML declaration says (none: UTF-8).\n"
    "--update and --delete change the live generation in place, in one transaction (a searcher sees the state before\n"
    "or after it); references to documents kept in the database are valid, and a document still referred to is not\n"
    "deleted. --rollback makes the generation the last build replaced live again.\n";

const char* const kExitStatus =
    "\nExit status: 0 built and published (--check: the inputs are valid); 1 errors in the inputs, a build refused\n"
    "because it would remove more than half of the live documents, or errors in writing the database (the\n"
    "previous database is unchanged); 2 usage error; 130 interrupted (SIGINT), 143 terminated (SIGTERM), after\n"
    "removing what the build had written.\n";

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// "21 documents (14 organisations, …) from 1 file": what a build or a check found.
std::string contents_of(const citego::IndexSummary& s) {
  using citego::schema::DocType;
  const auto& by = s.documents_by_type;
  std::string text = plural(s.documents, "document", "documents") + " (" +
                     plural(by[static_cast<std::size_t>(DocType::Organisation)], "organisation", "organisations") +
                     ", " + plural(by[static_cast<std::size_t>(DocType::Project)], "project", "projects") + ", " +
                     plural(by[static_cast<std::size_t>(DocType::Resource)], "resource", "resources");
  // Version 2's kinds are named when the corpus has them, so a version 1 corpus reads as it always did.
  const std::size_t dossiers = by[static_cast<std::size_t>(DocType::Dossier)];
  const std::size_t fiches = by[static_cast<std::size_t>(DocType::Fiche)];
  if (dossiers + fiches > 0) {
    text += ", " + plural(dossiers, "dossier", "dossiers") + ", " + plural(fiches, "fiche", "fiches");
  }
  const auto& entries = s.entries_by_kind;
  if (entries[0] + entries[1] + entries[2] > 0) {
    text += "; thesauri: " + plural(entries[0], "person", "persons") + ", " +
            plural(entries[1], "descriptor", "descriptors") + ", " + plural(entries[2], "place", "places");
  }
  return text + ") from " + plural(s.files, "file", "files");
}

// The progress of a build on standard error: rewritten in place on a terminal (at most 10 times a second), one line
// per phase and at most one a second elsewhere (with --progress).
class ProgressDisplay {
 public:
  explicit ProgressDisplay(bool terminal) : terminal_(terminal) {}

  void show(const citego::BuildProgress& p) {
    const auto now = std::chrono::steady_clock::now();
    const bool new_phase = !shown_ || p.phase != phase_;
    if (!new_phase && now - last_ < (terminal_ ? std::chrono::milliseconds(100) : std::chrono::seconds(1))) return;
    shown_ = true;
    phase_ = p.phase;
    last_ = now;
    std::string text;
    switch (p.phase) {
      case citego::BuildPhase::Read:
        text = "reading: " + std::to_string(p.files) + "/" + plural(p.total, "file", "files") + ", " +
               plural(p.done, "document", "documents");
        break;
      case citego::BuildPhase::Check:
        text = "checking the references between documents";
        break;
      case citego::BuildPhase::Write:
        text = "writing: " + std::to_string(p.done) + "/" + plural(p.total, "document", "documents");
        break;
      case citego::BuildPhase::Merge:
        text = p.total == 0 ? "merging the staging runs"
                            : "merging: " + std::to_string(p.done) + "/" + plural(p.total, "table", "tables") +
                                  " done, now " + p.table;
        break;
    }
    if (terminal_) {
      std::fprintf(stderr, "\r\033[Kcitego-index: %s", text.c_str());
    } else {
      std::fprintf(stderr, "citego-index: %s\n", text.c_str());
    }
    std::fflush(stderr);
  }

  // Clears the line on a terminal, before a message or the summary.
  void clear() const {
    if (terminal_ && shown_) std::fputs("\r\033[K", stderr);
  }

 private:
  bool terminal_;
  bool shown_ = false;
  citego::BuildPhase phase_ = citego::BuildPhase::Read;
  std::chrono::steady_clock::time_point last_;
};

std::atomic<bool> interrupted{false};

// SIGINT and SIGTERM are blocked in every thread and taken here: the staging files are removed, then the process
// ends with 128 + the signal's number, as a shell reports a process killed by it.
void wait_for_interruption(std::string db_path, bool terminal) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  int signal = 0;
  if (sigwait(&signals, &signal) != 0) return;
  interrupted = true;
  const bool removed = citego::abandon_running_build();
  const std::string message = std::string(terminal ? "\r\033[K" : "") +
                              "citego-index: " + std::string(signal == SIGINT ? "interrupted" : "terminated") +
                              (removed ? "; removed the unfinished build" : "") +
                              (db_path.empty() ? "" : "; " + db_path + " is unchanged") + "\n";
  [[maybe_unused]] const ssize_t ignored = ::write(STDERR_FILENO, message.data(), message.size());
  std::_Exit(128 + signal);
}

// main's result, unless a signal came: then the thread that took it ends the process.
int exit_with(int code) {
  if (interrupted) {
    for (;;) ::pause();
  }
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  // A file-size limit must fail a write (and so the build), not kill the process half-way.
  std::signal(SIGXFSZ, SIG_IGN);
  // Blocked before any thread starts, so that every thread inherits the mask and only wait_for_interruption takes
  // them.
  sigset_t interruptions;
  sigemptyset(&interruptions);
  sigaddset(&interruptions, SIGINT);
  sigaddset(&interruptions, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &interruptions, nullptr);

  po::options_description visible("Options");
  visible.add_options()("db", po::value<std::string>()->value_name("PATH"),
                        "database to build and publish (required, except with --check)")(
      "check", "check the inputs as a build would (and, with --db, the shrink rule) and write nothing")(
      "allow-shrink", "publish even when more than half of the live database's documents would go")(
      "max-errors", po::value<std::size_t>()->default_value(100)->value_name("N"),
      "stop reading after N errors in the inputs")("jobs,j", po::value<unsigned>()->value_name("N"),
                                                   "writer threads, 1 to 64 (default: 1 per core, up to 8)")(
      "chunk", po::value<std::size_t>()->default_value(1000)->value_name("N"),
      "documents per staging run written by one thread")(
      "shards", po::value<unsigned>()->value_name("N"),
      "publish a set of N shards, 1 to 64, by a stable hash of each id (README, \"Running shards\")")(
      "quiet,q", "print errors only: no progress, no summary")(
      "progress", "show progress even when standard error is no terminal (one line a second)")(
      "verbose,v", "also print where the time went (check, write, merge)")("help,h", "show this help and exit")(
      "version", "show the version and exit");
  citego::add_librarian_options(visible);
  po::options_description hidden;
  hidden.add_options()("input", po::value<std::vector<std::string>>(), "input");
  po::options_description all;
  all.add(visible).add(hidden);
  po::positional_options_description positional;
  positional.add("input", -1);

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "citego-index: " << e.what() << "\n"
              << "Try 'citego-index --help'.\n";
    return kExitUsage;
  }
  if (vm.count("help")) {
    std::cout << kUsage << "\n" << visible << kExitStatus;
    return kExitOk;
  }
  if (vm.count("version")) {
    std::cout << "citego-index " << CITEGO_VERSION << " (Xapian " << Xapian::version_string() << ")\n";
    return kExitOk;
  }
  if (citego::is_librarian_command(vm)) return citego::run_librarian_command(vm);
  const bool check_only = vm.count("check") > 0;
  const char* usage_error = nullptr;
  if (!vm.count("db") && !check_only) {
    usage_error = "--db PATH is required";
  } else if (vm.count("db") && vm["db"].as<std::string>().empty()) {
    usage_error = "--db PATH must not be empty";
  } else if (!vm.count("input")) {
    usage_error = "no INPUT given";
  } else if (vm.count("jobs") && (vm["jobs"].as<unsigned>() < 1 || vm["jobs"].as<unsigned>() > kMaxJobs)) {
    usage_error = "--jobs must be between 1 and 64";
  } else if (vm.count("shards") && (vm["shards"].as<unsigned>() < 1 || vm["shards"].as<unsigned>() > kMaxJobs)) {
    usage_error = "--shards must be between 1 and 64";
  } else if (vm["chunk"].as<std::size_t>() < 1) {
    usage_error = "--chunk must be at least 1";
  } else if (vm.count("keep") && vm["keep"].as<std::size_t>() < 2) {
    usage_error = "--keep must be at least 2 (the new generation and the one it replaces)";
  }
  if (usage_error) {
    std::cerr << "citego-index: " << usage_error << "\nTry 'citego-index --help'.\n";
    return kExitUsage;
  }

  citego::IndexRequest request;
  if (vm.count("db")) request.db_path = vm["db"].as<std::string>();
  request.check_only = check_only;
  request.allow_shrink = vm.count("allow-shrink") > 0;
  request.inputs = vm["input"].as<std::vector<std::string>>();
  request.max_errors = std::max<std::size_t>(1, vm["max-errors"].as<std::size_t>());
  request.jobs = vm.count("jobs") ? vm["jobs"].as<unsigned>() : std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
  request.chunk_size = vm["chunk"].as<std::size_t>();
  if (vm.count("keep")) request.keep = vm["keep"].as<std::size_t>();
  if (vm.count("shards")) request.shards = vm["shards"].as<unsigned>();
  const bool quiet = vm.count("quiet") > 0;

  const bool terminal = ::isatty(STDERR_FILENO);
  std::thread(wait_for_interruption, request.db_path, terminal).detach();
  const std::string unchanged = request.db_path.empty() ? "" : "; " + request.db_path + " is unchanged";

  ProgressDisplay display(terminal);
  citego::ProgressCallback progress;
  if (!quiet && (terminal || vm.count("progress"))) {
    progress = [&display](const citego::BuildProgress& p) { display.show(p); };
  }

  try {
    const citego::IndexSummary s = citego::build_index(request, progress);
    display.clear();
    if (!quiet) {
      if (!s.skipped_folders.empty()) {
        std::cerr << "citego-index: note: not read, being subfolders:";
        for (const std::string& folder : s.skipped_folders) std::cerr << " " << folder;
        std::cerr << " (give a subfolder as an INPUT to read it)\n";
      }
      std::cerr << "citego-index: " << (check_only ? "checked " : "") << contents_of(s) << " in " << std::fixed;
      std::cerr.precision(2);
      std::cerr << s.seconds << " s (";
      std::cerr.precision(0);
      std::cerr << (s.seconds > 0 ? static_cast<double>(s.documents) / s.seconds : 0.0) << " docs/s); ";
      if (check_only) {
        std::cerr << "no errors; nothing written\n";
      } else {
        std::cerr << request.db_path << " is generation " << s.generation << "\n";
      }
      if (vm.count("verbose") && !check_only) {
        std::cerr.precision(2);
        std::cerr << "citego-index: check " << s.check_seconds << " s, write " << s.write_seconds << " s ("
                  << request.jobs << (request.jobs == 1 ? " thread" : " threads") << "), merge and publish "
                  << s.merge_seconds << " s\n";
      }
    }
    return exit_with(kExitOk);
  } catch (const citego::InputError& e) {
    display.clear();
    for (const citego::Diagnostic& d : e.diagnostics()) std::cerr << citego::to_string(d) << "\n";
    std::cerr << "citego-index: " << e.what() << unchanged << "\n";
  } catch (const citego::LiveDatabaseError& e) {
    display.clear();
    std::cerr << "citego-index: " << e.what() << "\n";
  } catch (const Xapian::Error& e) {
    display.clear();
    std::cerr << "citego-index: cannot write the database: " << e.get_description() << unchanged << "\n";
  } catch (const std::exception& e) {
    display.clear();
    std::cerr << "citego-index: " << e.what() << unchanged << "\n";
  }
  return exit_with(kExitFailure);
}
