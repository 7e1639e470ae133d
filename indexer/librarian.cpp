// The librarian's commands (see librarian.h).
#include "librarian.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <xapian.h>

#include "citego/database_stats.h"
#include "citego/index_builder.h"
#include "citego/index_updater.h"
#include "citego/live_database.h"

namespace po = boost::program_options;

namespace citego {

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

int usage(const std::string& message) {
  std::cerr << "citego-index: " << message << "\nTry 'citego-index --help'.\n";
  return kExitUsage;
}

// The ids of a --delete-from file: one a line; blank lines and lines starting with '#' are skipped.
bool read_ids(const std::string& file, std::vector<std::string>& ids) {
  std::ifstream in(file);
  if (!in) return false;
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    const std::size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    ids.push_back(line.substr(start));
  }
  return !in.bad();
}

}  // namespace

void add_librarian_options(po::options_description& options) {
  options.add_options()(
      "update", "add or replace the documents of the inputs in the database at PATH, by id, keeping the others")(
      "delete", po::value<std::vector<std::string>>()->multitoken()->value_name("ID..."),
      "remove these documents or entries (with or without --update)")(
      "delete-from", po::value<std::string>()->value_name("FILE"),
      "remove the ids listed in FILE, one a line ('#' starts a comment line)")(
      "stats", "say what the database at PATH holds, and exit")(
      "rollback", "make the generation before the live one live again, and exit")(
      "keep", po::value<std::size_t>()->value_name("N"),
      "generations a build leaves, the live one included (at least 2; default 2)")(
      "format", po::value<std::string>()->default_value("text")->value_name("FORMAT"), "--stats output: text or json");
}

bool is_librarian_command(const po::variables_map& vm) {
  return vm.count("update") || vm.count("delete") || vm.count("delete-from") || vm.count("stats") ||
         vm.count("rollback");
}

int run_librarian_command(const po::variables_map& vm) {
  if (!vm.count("db") || vm["db"].as<std::string>().empty()) return usage("--db PATH is required");
  const std::string db = vm["db"].as<std::string>();
  const bool change = vm.count("update") || vm.count("delete") || vm.count("delete-from");
  if (vm.count("stats") + vm.count("rollback") + (change ? 1 : 0) > 1) {
    return usage("--update/--delete, --stats and --rollback go one at a time");
  }
  const std::vector<std::string> inputs =
      vm.count("input") ? vm["input"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (!vm.count("update") && !inputs.empty()) {
    return usage("an INPUT is given with --delete, --stats or --rollback (add documents with --update)");
  }
  if (vm.count("update") && inputs.empty()) return usage("--update needs an INPUT");
  if (vm.count("site")) return usage("--site is given to a build; an update keeps the database's site");
  const std::string format = vm["format"].as<std::string>();
  if (format != "text" && format != "json") return usage("--format must be text or json");
  const bool quiet = vm.count("quiet") > 0;
  try {
    if (vm.count("stats")) {
      const DatabaseStats stats = database_stats(db);
      std::cout << (format == "json" ? stats_json(stats) : stats_text(stats));
      return kExitOk;
    }
    if (vm.count("rollback")) {
      LiveDatabase live(db);
      const std::string from = live.live_generation_name();
      const std::string to = live.rollback();
      if (!quiet) std::cerr << "citego-index: " << db << " is generation " << to << " again (was " << from << ")\n";
      return kExitOk;
    }
    UpdateRequest request;
    request.db_path = db;
    request.inputs = inputs;
    if (vm.count("delete")) request.deletions = vm["delete"].as<std::vector<std::string>>();
    if (vm.count("delete-from")) {
      const std::string file = vm["delete-from"].as<std::string>();
      if (!read_ids(file, request.deletions)) {
        std::cerr << "citego-index: cannot read " << file << "; " << db << " is unchanged\n";
        return kExitFailure;
      }
    }
    request.max_errors = std::max<std::size_t>(1, vm["max-errors"].as<std::size_t>());
    if (request.inputs.empty() && request.deletions.empty()) {
      std::cerr << "citego-index: nothing to delete; " << db << " is unchanged\n";
      return kExitOk;
    }
    request.exits_after = true;  // this process ends after the update
    const UpdateSummary s = update_index(request);
    if (!quiet) {
      std::cerr << "citego-index: " << s.added << " added, " << s.replaced << " replaced, " << s.deleted << " deleted, "
                << s.rebuilt << " rebuilt for their derived facets; " << s.documents << " documents in " << db
                << " (generation " << s.generation << (s.in_place ? ", updated in place" : ", a new shard set")
                << ") in ";
      std::cerr.precision(2);
      std::cerr << std::fixed << s.seconds << " s\n";
    }
    return kExitOk;
  } catch (const InputError& e) {
    for (const Diagnostic& d : e.diagnostics()) std::cerr << to_string(d) << "\n";
    std::cerr << "citego-index: " << e.what() << "; " << db << " is unchanged\n";
  } catch (const LiveDatabaseError& e) {
    std::cerr << "citego-index: " << e.what() << "\n";
  } catch (const Xapian::Error& e) {
    std::cerr << "citego-index: cannot " << (vm.count("stats") ? "read" : "write")
              << " the database: " << e.get_description() << "; " << db << " is unchanged\n";
  } catch (const std::exception& e) {
    std::cerr << "citego-index: " << e.what() << "; " << db << " is unchanged\n";
  }
  return kExitFailure;
}

}  // namespace citego
