// citego-index: builds the search database from CITEGO XML exports and publishes it atomically.
//
// Exit codes: 0 the database was built and published; 1 the inputs have errors, or the database could not be
// written (the previous database is left as it was); 2 the command line is wrong.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <algorithm>
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
    "       citego-index --update --db PATH INPUT... [--delete ID...] [--delete-from FILE]\n"
    "       citego-index --delete ID... --db PATH\n"
    "       citego-index --stats [--format json] --db PATH\n"
    "       citego-index --rollback --db PATH\n"
    "Builds a CITEGO search database from XML exports (files, or folders of *.xml files) and publishes it at PATH\n"
    "atomically: searchers see the previous database until the new one is complete, and a failed run leaves it as\n"
    "it was. PATH is a link into PATH.generations/. An INPUT may be a pipe (<(command), /dev/stdin), read once;\n"
    "named pipes (FIFOs), devices and sockets are refused.\n"
    "--update and --delete change the live generation in place, in one transaction (a searcher sees the state before\n"
    "or after it); references to documents kept in the database are valid, and a document still referred to is not\n"
    "deleted. --rollback makes the generation the last build replaced live again.\n";

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

int main(int argc, char** argv) {
  // A file-size limit must fail a write (and so the build), not kill the process half-way.
  std::signal(SIGXFSZ, SIG_IGN);

  po::options_description visible("Options");
  visible.add_options()
      ("db", po::value<std::string>()->value_name("PATH"), "database to build and publish (required)")
      ("max-errors", po::value<std::size_t>()->default_value(100)->value_name("N"),
       "stop reading after N errors in the inputs")
      ("jobs,j", po::value<unsigned>()->value_name("N"),
       "writer threads, 1 to 64 (default: 1 per core, up to 8)")
      ("chunk", po::value<std::size_t>()->default_value(1000)->value_name("N"),
       "documents per staging run written by one thread")
      ("quiet,q", "print errors only: no progress, no summary")
      ("verbose,v", "also print where the time went (check, write, merge)")
      ("help,h", "show this help and exit")
      ("version", "show the version and exit");
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
    std::cerr << "citego-index: " << e.what() << "\n" << "Try 'citego-index --help'.\n";
    return kExitUsage;
  }
  if (vm.count("help")) {
    std::cout << kUsage << "\n" << visible
              << "\nExit status: 0 built and published; 1 errors in the inputs or in writing the database (the\n"
                 "previous database is unchanged); 2 usage error.\n";
    return kExitOk;
  }
  if (vm.count("version")) {
    std::cout << "citego-index " << CITEGO_VERSION << " (Xapian " << Xapian::version_string() << ")\n";
    return kExitOk;
  }
  if (citego::is_librarian_command(vm)) return citego::run_librarian_command(vm);
  const char* usage_error = nullptr;
  if (!vm.count("db")) {
    usage_error = "--db PATH is required";
  } else if (vm["db"].as<std::string>().empty()) {
    usage_error = "--db PATH must not be empty";
  } else if (!vm.count("input")) {
    usage_error = "no INPUT given";
  } else if (vm.count("jobs") && (vm["jobs"].as<unsigned>() < 1 || vm["jobs"].as<unsigned>() > kMaxJobs)) {
    usage_error = "--jobs must be between 1 and 64";
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
  request.db_path = vm["db"].as<std::string>();
  request.inputs = vm["input"].as<std::vector<std::string>>();
  request.max_errors = std::max<std::size_t>(1, vm["max-errors"].as<std::size_t>());
  request.jobs = vm.count("jobs") ? vm["jobs"].as<unsigned>()
                                  : std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
  request.chunk_size = vm["chunk"].as<std::size_t>();
  if (vm.count("keep")) request.keep = vm["keep"].as<std::size_t>();
  const bool quiet = vm.count("quiet") > 0;

  citego::ProgressCallback progress;
  const bool tty = !quiet && ::isatty(STDERR_FILENO);
  if (tty) {
    progress = [](std::size_t done, std::size_t total) {
      std::fprintf(stderr, "\rcitego-index: %zu/%zu documents", done, total);
      std::fflush(stderr);
    };
  }

  try {
    const citego::IndexSummary s = citego::build_index(request, progress);
    if (tty) std::fputs("\r\033[K", stderr);
    if (!quiet) {
      using citego::schema::DocType;
      const auto& by = s.documents_by_type;
      std::cerr << "citego-index: " << plural(s.documents, "document", "documents") << " ("
                << plural(by[static_cast<std::size_t>(DocType::Organisation)], "organisation", "organisations") << ", "
                << plural(by[static_cast<std::size_t>(DocType::Project)], "project", "projects") << ", "
                << plural(by[static_cast<std::size_t>(DocType::Resource)], "resource", "resources");
      // Version 2's kinds are named when the corpus has them, so a version 1 corpus reads as it always did.
      const std::size_t dossiers = by[static_cast<std::size_t>(DocType::Dossier)];
      const std::size_t fiches = by[static_cast<std::size_t>(DocType::Fiche)];
      if (dossiers + fiches > 0) {
        std::cerr << ", " << plural(dossiers, "dossier", "dossiers") << ", " << plural(fiches, "fiche", "fiches");
      }
      const auto& entries = s.entries_by_kind;
      if (entries[0] + entries[1] + entries[2] > 0) {
        std::cerr << "; thesauri: " << plural(entries[0], "person", "persons") << ", "
                  << plural(entries[1], "descriptor", "descriptors") << ", " << plural(entries[2], "place", "places");
      }
      std::cerr << ") from "
                << plural(s.files, "file", "files") << " in " << std::fixed;
      std::cerr.precision(2);
      std::cerr << s.seconds << " s (";
      std::cerr.precision(0);
      std::cerr << (s.seconds > 0 ? static_cast<double>(s.documents) / s.seconds : 0.0) << " docs/s); "
                << request.db_path << " is generation " << s.generation << "\n";
      if (vm.count("verbose")) {
        std::cerr.precision(2);
        std::cerr << "citego-index: check " << s.check_seconds << " s, write " << s.write_seconds << " s ("
                  << request.jobs << (request.jobs == 1 ? " thread" : " threads") << "), merge and publish "
                  << s.merge_seconds << " s\n";
      }
    }
    return kExitOk;
  } catch (const citego::InputError& e) {
    if (tty) std::fputs("\r\033[K", stderr);
    for (const citego::Diagnostic& d : e.diagnostics()) std::cerr << citego::to_string(d) << "\n";
    std::cerr << "citego-index: " << e.what() << "; " << request.db_path << " is unchanged\n";
  } catch (const citego::LiveDatabaseError& e) {
    std::cerr << "citego-index: " << e.what() << "\n";
  } catch (const Xapian::Error& e) {
    if (tty) std::fputs("\r\033[K", stderr);
    std::cerr << "citego-index: cannot write the database: " << e.get_description() << "; " << request.db_path
              << " is unchanged\n";
  } catch (const std::exception& e) {
    std::cerr << "citego-index: " << e.what() << "; " << request.db_path << " is unchanged\n";
  }
  return kExitFailure;
}
