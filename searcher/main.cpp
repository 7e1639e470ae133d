// citego-search: answers one query against a citego database, as JSON, readable text or CSV.
//
// Exit codes: 0 success (also with no hits); 1 runtime or data error (missing database, schema mismatch);
// 2 usage error or bad query. With --format json, errors are a JSON object on stdout too; diagnostics go to stderr.
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <string>

#include <xapian.h>

#include "citego/batch.h"
#include "citego/command_line.h"
#include "citego/response_format.h"
#include "citego/search_request.h"
#include "citego/searcher.h"

namespace {

int fail(const citego::SearchError& error, citego::OutputFormat format) {
  if (format == citego::OutputFormat::Json) std::cout << citego::error_json(error);
  std::cerr << "citego-search: " << error.what() << "\n";
  if (error.code() == "usage") std::cerr << "Try 'citego-search --help'.\n";
  return error.exit_code();
}

}  // namespace

int main(int argc, char** argv) {
  // Errors are reported in the format asked for, even errors in the rest of the command line; without --format, in
  // the format stdout calls for.
  citego::OutputFormat format = ::isatty(STDOUT_FILENO) ? citego::OutputFormat::Text : citego::OutputFormat::Json;
  for (int i = 1; i + 1 < argc && std::string_view(argv[i]) != "--"; ++i) {
    const std::string_view arg = argv[i];
    const std::string_view value = arg == "--format" ? std::string_view(argv[i + 1])
                                   : arg.rfind("--format=", 0) == 0 ? arg.substr(9) : std::string_view();
    if (value == "json") format = citego::OutputFormat::Json;
    if (value == "text") format = citego::OutputFormat::Text;
    if (value == "csv") format = citego::OutputFormat::Csv;
  }
  citego::CommandLine line;
  try {
    line = citego::parse_command_line(argc, argv);
    if (line.format) format = *line.format;
  } catch (const citego::SearchError& e) {
    return fail(e, format);
  }
  if (line.help) {
    std::cout << citego::kSearchHelp;
    return citego::kExitOk;
  }
  if (line.version) {
    std::cout << "citego-search " << CITEGO_VERSION << " (Xapian " << Xapian::version_string() << ")\n";
    return citego::kExitOk;
  }

  try {
    const citego::SearchRequest& request = line.request;
    citego::validate(request);
    const citego::Searcher searcher(line.db);
    if (line.batch) {
      const std::string& path = *line.batch;
      std::ifstream file;
      if (path != "-") {
        file.open(path);
        if (!file) throw citego::SearchError("bad_batch", "cannot read " + path, citego::kExitRuntime);
      }
      const citego::BatchSummary summary =
          citego::run_batch(searcher, request, path == "-" ? std::cin : file, std::cout, line.run_tag, std::cerr);
      std::cout.flush();
      if (!std::cout) return citego::kExitRuntime;
      return summary.refused > 0 ? citego::kExitUsage : citego::kExitOk;
    }
    const citego::SearchResponse response = searcher.search(request);
    switch (format) {
      case citego::OutputFormat::Json: std::cout << citego::to_json(response); break;
      case citego::OutputFormat::Text: std::cout << citego::to_text(response, ::isatty(STDOUT_FILENO)); break;
      case citego::OutputFormat::Csv: std::cout << citego::to_csv(response); break;
    }
    std::cout.flush();
    return std::cout ? citego::kExitOk : citego::kExitRuntime;
  } catch (const citego::SearchError& e) {
    return fail(e, format);
  } catch (const std::exception& e) {
    return fail(citego::SearchError("internal", e.what(), citego::kExitRuntime), format);
  }
}
