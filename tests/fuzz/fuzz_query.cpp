// libFuzzer harness of the query path: bytes -> citego-search arguments -> run_search_command on a small database
// opened once -> JSON, text and CSV.
//
// The input is a command line: one argument per line, or, when the input holds a NUL byte, one per NUL-terminated
// piece (so that an argument may hold a newline). Options, filters, --lang, --sort, paging and query text are all
// fuzzed; --db, --batch and --serve (and their abbreviations) are refused, since they reach outside the process, and
// so is --format (and its abbreviations): the harness runs each command once per format itself.
//
// The database is built at start-up from corpus/ into a temporary folder, and opened twice: as citego-search opens
// it, and as the search server does (with its facet table). Each command runs in JSON, text and CSV on the first, and
// in JSON on the second. The harness aborts when the exit status is not 0, 1, 2 or 3, when the formats disagree on it
// (unless one ran past its --deadline, status 3, which depends on the machine's speed), when the JSON does not parse
// or is not the object its status calls for (an answer on 0, an error otherwise), when an error is "internal" (an
// exception the code did not expect), or when the two searchers' JSON differ. (--help and --version print text in
// every format: only their exit status is checked.)
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "citego/index_builder.h"
#include "citego/search_command.h"
#include "citego/searcher.h"

namespace {

struct Databases {
  std::filesystem::path folder;
  std::unique_ptr<citego::Searcher> plain;       // as citego-search opens it
  std::unique_ptr<citego::Searcher> with_table;  // as citego-search --serve opens it
};

Databases* databases = nullptr;

[[noreturn]] void broken_promise(const std::vector<std::string>& args, const std::string& what) {
  std::string command = "citego-search";
  for (const std::string& arg : args) command += " '" + arg + "'";
  std::fprintf(stderr, "fuzz_query: %s\n  command: %s\n", what.c_str(), command.c_str());
  std::abort();
}

void remove_databases() {
  std::error_code ignored;
  std::filesystem::remove_all(databases->folder, ignored);
}

// The arguments of one input (see the header comment).
std::vector<std::string> split_arguments(std::string_view input) {
  const char separator = input.find('\0') == std::string_view::npos ? '\n' : '\0';
  std::vector<std::string> args;
  while (!input.empty()) {
    const std::size_t end = input.find(separator);
    args.emplace_back(input.substr(0, end));
    input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
  }
  return args;
}

// Whether `arg` names (or abbreviates) --db, --batch, --serve or --format, which the harness refuses.
bool is_refused(std::string_view arg) {
  if (arg.rfind("--", 0) != 0) return false;
  const std::string_view name =
      arg.substr(2, arg.find('=') == std::string_view::npos ? std::string_view::npos : arg.find('=') - 2);
  if (name.empty()) return false;
  for (const std::string_view refused : {"db", "batch", "serve", "format"}) {
    if (refused.rfind(name, 0) == 0) return true;
  }
  return false;
}

struct Run {
  int status = 0;
  std::string out;
};

Run run(const citego::Searcher& searcher, const std::vector<std::string>& args, std::string_view format,
        bool terminal) {
  std::vector<std::string> command = {"--format", std::string(format)};
  command.insert(command.end(), args.begin(), args.end());
  std::ostringstream out;
  std::ostringstream err;
  std::istringstream no_input;
  // A terminal's text is wrapped (to 60 columns) and bold.
  const citego::CommandStreams streams{out, err, no_input, terminal, nullptr, terminal ? 60u : 0u, terminal};
  const int status = citego::run_search_command(
      command, streams, [&searcher](const std::string&) -> const citego::Searcher& { return searcher; });
  if (status != citego::kExitOk && status != citego::kExitRuntime && status != citego::kExitUsage &&
      status != citego::kExitLimit) {
    broken_promise(args, "exit status " + std::to_string(status) + " in " + std::string(format));
  }
  if (status != citego::kExitOk && err.str().empty()) broken_promise(args, "an error without a message");
  return {status, out.str()};
}

// The JSON of a run, checked against its exit status; "seconds" (--timing) is removed, as it varies.
nlohmann::json checked_json(const std::vector<std::string>& args, const Run& json_run) {
  nlohmann::json parsed;
  try {
    parsed = nlohmann::json::parse(json_run.out);
  } catch (const nlohmann::json::parse_error& e) {
    broken_promise(args, std::string("the JSON does not parse: ") + e.what() + "\n" + json_run.out);
  }
  if (!parsed.is_object()) broken_promise(args, "the JSON is not an object: " + json_run.out);
  const bool is_error = parsed.contains("error");
  if (json_run.status == citego::kExitOk && (is_error || !parsed.contains("hits"))) {
    broken_promise(args, "exit status 0 without an answer: " + json_run.out);
  }
  if (json_run.status != citego::kExitOk && !(is_error && parsed["error"].contains("code"))) {
    broken_promise(args, "exit status " + std::to_string(json_run.status) + " without an error: " + json_run.out);
  }
  if (is_error && parsed["error"]["code"] == "internal") broken_promise(args, "an internal error: " + json_run.out);
  parsed.erase("seconds");
  return parsed;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  databases = new Databases;  // reachable until exit, so never reported as a leak
  char folder[] = "/tmp/citego-fuzz-query-XXXXXX";
  if (mkdtemp(folder) == nullptr) {
    std::perror("fuzz_query: mkdtemp");
    std::exit(1);
  }
  databases->folder = folder;
  std::atexit(remove_databases);
  citego::IndexRequest request;
  request.db_path = (databases->folder / "citego.db").string();
  request.inputs = {CITEGO_SOURCE_DIR "/corpus", CITEGO_SOURCE_DIR "/corpus/fixtures/multilingual"};
  request.jobs = 1;
  try {
    citego::build_index(request);
    databases->plain = std::make_unique<citego::Searcher>(request.db_path);
    databases->with_table = std::make_unique<citego::Searcher>(request.db_path, /*facet_table=*/true);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_query: cannot build the database: %s\n", e.what());
    std::exit(1);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::string> args = split_arguments(std::string_view(reinterpret_cast<const char*>(data), size));
  for (const std::string& arg : args) {
    if (is_refused(arg)) return -1;  // not added to the corpus
  }
  const Run json_run = run(*databases->plain, args, "json", false);
  const std::optional<citego::CommandLine> line = citego::try_parse_command_line(args);
  if (line && (line->help || line->version)) return 0;  // plain text in every format
  const nlohmann::json json = checked_json(args, json_run);
  // A command past its --deadline depends on the machine's speed: the runs are compared only when none was.
  bool timed_out = json_run.status == citego::kExitLimit;
  for (const auto& [format, terminal] : {std::pair{"text", false}, std::pair{"text", true}, std::pair{"csv", false}}) {
    const Run other = run(*databases->plain, args, format, terminal);
    timed_out = timed_out || other.status == citego::kExitLimit;
    if (!timed_out && other.status != json_run.status) {
      broken_promise(args, std::string("exit status ") + std::to_string(other.status) + " in " + format + ", " +
                               std::to_string(json_run.status) + " in json");
    }
  }
  const Run served = run(*databases->with_table, args, "json", false);
  const nlohmann::json served_json = checked_json(args, served);
  if (!timed_out && served.status != citego::kExitLimit && (served.status != json_run.status || served_json != json)) {
    broken_promise(args, "the facet table changes the answer:\n" + json_run.out + served.out);
  }
  return 0;
}
