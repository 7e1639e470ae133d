// citego-search: answers one query against a citego database, as JSON, readable text or CSV.
//
// Exit codes: 0 success (also with no hits); 1 runtime or data error (missing database, schema mismatch);
// 2 usage error or bad query. With --format json, errors are a JSON object on stdout too; diagnostics go to stderr.
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <xapian.h>

#include "citego/batch.h"
#include "citego/response_format.h"
#include "citego/search_request.h"
#include "citego/searcher.h"

namespace po = boost::program_options;

namespace {

const char* const kUsage =
    "Usage: citego-search [OPTIONS] [--] QUERY...\n"
    "Searches a database built by citego-index. QUERY uses Xapian's query language: \"phrases\", AND, OR, NOT,\n"
    "+word, -word, NEAR, wildcards (gouvern*), brackets, fields (title: name: author: keyword:) and facets\n"
    "(year:2016, year:2016..2018, type:mooc, kind:foundation, doctype:project, lang:fr). An empty QUERY lists\n"
    "every document, newest first. Put QUERY after -- when it starts with '-'.\n";

citego::OutputFormat parse_format(const std::string& name) {
  if (name == "json") return citego::OutputFormat::Json;
  if (name == "text") return citego::OutputFormat::Text;
  if (name == "csv") return citego::OutputFormat::Csv;
  throw citego::SearchError("usage", "unknown format \"" + name + "\" (expected json, text or csv)", citego::kExitUsage);
}

int fail(const citego::SearchError& error, citego::OutputFormat format) {
  if (format == citego::OutputFormat::Json) std::cout << citego::error_json(error);
  std::cerr << "citego-search: " << error.what() << "\n";
  if (error.code() == "usage") std::cerr << "Try 'citego-search --help'.\n";
  return error.exit_code();
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description visible("Options");
  visible.add_options()
      ("db", po::value<std::string>()->default_value("citego.db")->value_name("PATH"), "database to search")
      ("format", po::value<std::string>()->value_name("FMT"), "json, text or csv (default: text on a terminal, else json)")
      ("lang", po::value<std::string>()->value_name("LANG"), "language of the query: fr, en, es or pt (default: each document's)")
      ("filter", po::value<std::vector<std::string>>()->value_name("FACET=VALUE"),
       "keep documents with this facet value (repeatable; year=2016..2018, year=..2017 and year=2016.. are ranges)")
      ("sort", po::value<std::string>()->value_name("ORDER"), "relevance, year (oldest first) or -year (newest first)")
      ("offset", po::value<std::size_t>()->default_value(0)->value_name("N"), "skip the first N hits")
      ("limit", po::value<std::size_t>()->default_value(10)->value_name("N"), "hits to return (at most 100)")
      ("facet-limit", po::value<std::size_t>()->default_value(10)->value_name("N"), "values per facet (0: all)")
      ("and", "a document must match every word (the default matches any word, best first)")
      ("timing", "add the search time in seconds to the JSON (makes output vary)")
      ("batch", po::value<std::string>()->value_name("FILE"),
       "run every QUERY_ID<TAB>QUERY line of FILE ('-': standard input) and write a TREC run (QUERY_ID Q0 DOC_ID RANK "
       "SCORE TAG) with up to --limit hits each (at most 1000)")
      ("run-tag", po::value<std::string>()->default_value("citego")->value_name("TAG"), "TAG of a --batch run")
      ("help,h", "show this help and exit")
      ("version", "show the version and exit");
  po::options_description hidden;
  hidden.add_options()("query", po::value<std::vector<std::string>>(), "query");
  po::options_description all;
  all.add(visible).add(hidden);
  po::positional_options_description positional;
  positional.add("query", -1);

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
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
    if (vm.count("format")) format = parse_format(vm["format"].as<std::string>());
  } catch (const po::error& e) {
    return fail(citego::SearchError("usage", e.what(), citego::kExitUsage), format);
  } catch (const citego::SearchError& e) {
    return fail(e, format);
  }
  if (vm.count("help")) {
    std::cout << kUsage << "\n" << visible
              << "\nExit status: 0 success (also with no hits); 1 missing or unreadable database, or one built with\n"
                 "another schema version; 2 usage error or bad query.\n";
    return citego::kExitOk;
  }
  if (vm.count("version")) {
    std::cout << "citego-search " << CITEGO_VERSION << " (Xapian " << Xapian::version_string() << ")\n";
    return citego::kExitOk;
  }

  try {
    citego::SearchRequest request;
    if (vm.count("query")) {
      for (const std::string& word : vm["query"].as<std::vector<std::string>>()) {
        request.query += (request.query.empty() ? "" : " ") + word;
      }
    }
    if (vm.count("lang")) {
      const std::string code = vm["lang"].as<std::string>();
      request.lang = citego::schema::lang_from_code(code);
      if (!request.lang) {
        throw citego::SearchError("usage", "unknown language \"" + code + "\" (expected fr, en, es or pt)",
                                  citego::kExitUsage);
      }
    }
    if (vm.count("filter")) {
      for (const std::string& filter : vm["filter"].as<std::vector<std::string>>()) citego::add_filter(request, filter);
    }
    if (vm.count("sort")) request.sort = citego::parse_sort(vm["sort"].as<std::string>());
    request.offset = vm["offset"].as<std::size_t>();
    request.limit = vm["limit"].as<std::size_t>();
    request.facet_limit = vm["facet-limit"].as<std::size_t>();
    if (vm.count("and")) request.default_operator = citego::DefaultOperator::And;
    request.with_timing = vm.count("timing") > 0;

    if (vm.count("batch")) {
      request.ranking_only = true;
      if (vm["limit"].defaulted()) request.limit = citego::kMaxRankingLimit;
    }
    citego::validate(request);
    const citego::Searcher searcher(vm["db"].as<std::string>());
    if (vm.count("batch")) {
      const std::string path = vm["batch"].as<std::string>();
      std::ifstream file;
      if (path != "-") {
        file.open(path);
        if (!file) throw citego::SearchError("bad_batch", "cannot read " + path, citego::kExitRuntime);
      }
      const citego::BatchSummary summary = citego::run_batch(searcher, request, path == "-" ? std::cin : file,
                                                             std::cout, vm["run-tag"].as<std::string>(), std::cerr);
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
