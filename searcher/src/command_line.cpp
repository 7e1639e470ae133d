// Command-line parsing of citego-search (see citego/command_line.h).
#include "citego/command_line.h"

#include <getopt.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <limits>
#include <mutex>
#include <string_view>

namespace citego {

namespace {

// The help's options, up to the facet list, which search_help() adds from schema::kFacets.
constexpr std::string_view kHelpOptions =
    "Usage: citego-search [OPTIONS] [--] QUERY...\n"
    "Searches a database built by citego-index. Writes text on a terminal and JSON otherwise (to a pipe, a file or\n"
    "the site's backend): pipe with --format text, csv or jsonl for those, whatever standard output is.\n"
    "QUERY uses Xapian's query language: \"phrases\", AND, OR, NOT, +word, -word, NEAR, wildcards (gouvern*),\n"
    "brackets, fields (title: name: author: keyword:) and the facets below by name or short name (year:2016,\n"
    "year:2016..2018, type:mooc, descr:dsc-housing). An empty QUERY lists every document, newest first. Put QUERY\n"
    "after -- when it starts with '-'.\n"
    "\n"
    "Options:\n"
    "  --db PATH             database to search (default: citego.db)\n"
    "  --format FMT          json, text, csv or jsonl (one hit a line) (default: text on a terminal, else json)\n"
    "  --lang LANG           language of the query: fr, en, es or pt (default: each document's); also the\n"
    "                        language of the labels of facet values\n"
    "  --filter FACET=VALUE  keep documents with this facet value (FACET: a name below; repeatable; year=2016..2018,\n"
    "                        year=..2017 and year=2016.. are ranges); case does not matter (lang=FR), and a value\n"
    "                        outside the vocabulary matches nothing, with a warning (on stderr beside text and csv)\n"
    "  --facet-ranges year=RANGES  also count the matches in year buckets: year=2010..2014,2015..2019 (closed\n"
    "                        ranges, in the order given; at most 50), or year=decades\n"
    "  --collapse translation  one hit per translation group of fiches: the version in --lang, else in the first\n"
    "                        --prefer-lang that matches, else the best-ranked; the others are listed in the hit\n"
    "  --prefer-lang LANGS   languages to show a collapsed group in, in order (fr,en,es,pt)\n"
    "  --related ID          the documents related to document ID instead of a QUERY's matches: those sharing its\n"
    "                        descriptors first (rarer ones weigh more; one that over a tenth of the documents and\n"
    "                        over 100 have lists none on its own), then those close in text, by its best words\n"
    "                        of its title, keywords, authors or summary or repeated in its body; filters apply\n"
    "  --facet-search FACET=PREFIX  the values of FACET (descriptor, place, author, dossier, partner) with a label\n"
    "                        word starting with PREFIX in any language, counted over the matches, best first\n"
    "  --sort ORDER          relevance, year (oldest first) or -year (newest first)\n"
    "  --offset N            skip the first N hits (default: 0; past the last hit, the page is empty)\n"
    "  --limit N             hits to return (default: 10, at most 100)\n"
    "  --facet-limit N       values per facet (default: 10; 0: all)\n"
    "  --all                 with --format csv or jsonl: write every hit (from --offset on), 100 at a time, then\n"
    "                        the line 'citego-search: N results written' on stderr; takes no --limit\n"
    "  --csv-bom             with --format csv: start with a UTF-8 byte-order mark, for spreadsheets\n"
    "  --and                 a document must match every word (the default matches any word, best first)\n"
    "  --expand              pseudo-relevance feedback: search again with the best terms of the top 10 hits\n"
    "  --timing              add the search time in seconds to the JSON (makes output vary)\n"
    "  --deadline SECONDS    time the whole request may take (default: 2, at most 600); past it the answer is the\n"
    "                        error deadline_exceeded (exit status 3). Each query of a --batch run has its own.\n"
    "  --batch FILE          run every QUERY_ID<TAB>QUERY line of FILE ('-': standard input) and write a TREC run\n"
    "                        (QUERY_ID Q0 DOC_ID RANK SCORE TAG) with up to --limit hits each (default and\n"
    "                        maximum: 1000); a bad line is named on stderr and skipped, errors go to stderr only\n"
    "  --run-tag TAG         TAG of a --batch run, without whitespace (default: citego)\n"
    "  --serve SOCKET        answer citego-client's commands for the --db database on the Unix socket SOCKET,\n"
    "                        from long-running worker processes, until SIGTERM or Ctrl-C\n"
    "  --workers N           worker processes of --serve (default: one per core, at most 8); a worker busy past\n"
    "                        100 ms is lowered in priority and another one takes its place, up to 4 more\n"
    "  --socket-mode MODE    permissions of the --serve socket, in octal (default: 660: its owner and group)\n"
    "  --socket-group GROUP  group of the --serve socket, e.g. the web server's www-data (default: the server's)\n"
    "  --worker-requests N   a --serve worker is replaced after N commands (default: 10000)\n"
    "  --max-deadline SECONDS  the longest --deadline --serve grants a command (default: 2)\n"
    "  -h, --help            show this help and exit\n"
    "  --version             show the version and exit\n"
    "\n"
    "Facets (--filter NAME=VALUE, or NAME:VALUE in QUERY; every facet is counted in the output):\n";

constexpr std::string_view kHelpExit =
    "\n"
    "Environment:\n"
    "  COLUMNS   the width text is wrapped to (default: the terminal's; in a pipe or file, lines are not wrapped)\n"
    "  NO_COLOR  when set and not empty, text has no bold (matches are between *stars*, as in a pipe)\n"
    "  TERM      dumb: no bold either\n"
    "\n"
    "Exit status:\n"
    "  0 success (also with no hits); 1 missing or unreadable database, or one built with another schema version;\n"
    "  2 usage error or bad query, an unknown --related ID, or --batch lines refused (after the run); 3 past the\n"
    "  deadline, or the server is busy.\n";

}  // namespace

std::string search_help() {
  const auto names_of = [](const schema::FacetSpec& spec) {
    std::string names = "  " + std::string(spec.name);
    if (!spec.short_name.empty()) names += ", " + std::string(spec.short_name);
    return names;
  };
  // The help lines start in one column, two spaces after the longest names.
  std::size_t column = 0;
  for (const schema::FacetSpec& spec : schema::kFacets) column = std::max(column, names_of(spec).size() + 2);
  std::string help(kHelpOptions);
  for (const schema::FacetSpec& spec : schema::kFacets) {
    std::string names = names_of(spec);
    names.resize(column, ' ');
    help += names + std::string(spec.help) + "\n";
  }
  help += kHelpExit;
  return help;
}

namespace {

enum OptionId : int {
  kDb = 256,
  kFormat,
  kLang,
  kFilter,
  kSort,
  kOffset,
  kLimit,
  kFacetLimit,
  kFacetRanges,
  kCollapse,
  kPreferLang,
  kRelated,
  kFacetSearch,
  kAnd,
  kExpand,
  kTiming,
  kDeadline,
  kBatch,
  kRunTag,
  kServe,
  kWorkers,
  kThreads,
  kSocketMode,
  kSocketGroup,
  kWorkerRequests,
  kMaxDeadline,
  kHelp,
  kVersion,
  kAll,
  kCsvBom
};

constexpr std::array<option, 31> kOptions = {{
    {"db", required_argument, nullptr, kDb},
    {"format", required_argument, nullptr, kFormat},
    {"lang", required_argument, nullptr, kLang},
    {"filter", required_argument, nullptr, kFilter},
    {"sort", required_argument, nullptr, kSort},
    {"offset", required_argument, nullptr, kOffset},
    {"limit", required_argument, nullptr, kLimit},
    {"facet-limit", required_argument, nullptr, kFacetLimit},
    {"facet-ranges", required_argument, nullptr, kFacetRanges},
    {"collapse", required_argument, nullptr, kCollapse},
    {"prefer-lang", required_argument, nullptr, kPreferLang},
    {"related", required_argument, nullptr, kRelated},
    {"facet-search", required_argument, nullptr, kFacetSearch},
    {"and", no_argument, nullptr, kAnd},
    {"expand", no_argument, nullptr, kExpand},
    {"timing", no_argument, nullptr, kTiming},
    {"deadline", required_argument, nullptr, kDeadline},
    {"batch", required_argument, nullptr, kBatch},
    {"run-tag", required_argument, nullptr, kRunTag},
    {"serve", required_argument, nullptr, kServe},
    {"workers", required_argument, nullptr, kWorkers},
    {"threads", required_argument, nullptr, kThreads},  // the name of --workers before the workers were processes
    {"socket-mode", required_argument, nullptr, kSocketMode},
    {"socket-group", required_argument, nullptr, kSocketGroup},
    {"worker-requests", required_argument, nullptr, kWorkerRequests},
    {"max-deadline", required_argument, nullptr, kMaxDeadline},
    {"help", no_argument, nullptr, kHelp},
    {"version", no_argument, nullptr, kVersion},
    {"all", no_argument, nullptr, kAll},
    {"csv-bom", no_argument, nullptr, kCsvBom},
    {nullptr, 0, nullptr, 0},
}};

SearchError usage(const std::string& message) { return SearchError("usage", message, kExitUsage); }

std::size_t parse_count(const char* value, const char* name) {
  const std::string_view text(value);
  std::size_t n = 0;
  bool ok = !text.empty() && text.size() <= 18;  // 18 digits cannot overflow
  for (char c : text) ok = ok && c >= '0' && c <= '9';
  if (!ok) throw usage(std::string("the argument ('") + value + "') for option '--" + name + "' is invalid");
  for (char c : text) n = n * 10 + static_cast<std::size_t>(c - '0');
  return n;
}

// Seconds as a plain decimal number ("2", "0.5"), within [kMinDeadlineSeconds, kMaxDeadlineSeconds].
double parse_deadline(const char* value, const char* name) {
  const std::string_view text(value);
  bool ok = !text.empty() && text.size() <= 12 && text.front() != '.' && text.back() != '.' &&
            std::count(text.begin(), text.end(), '.') <= 1;
  for (char c : text) ok = ok && ((c >= '0' && c <= '9') || c == '.');
  const double seconds = ok ? std::strtod(value, nullptr) : 0;
  if (!ok || seconds < kMinDeadlineSeconds || seconds > kMaxDeadlineSeconds) {
    throw usage(std::string("the argument ('") + value + "') for option '--" + name +
                "' is invalid (seconds, 0.01 to " + std::to_string(static_cast<int>(kMaxDeadlineSeconds)) + ")");
  }
  return seconds;
}

// An octal permission mode such as 660 or 0660, at most 0777.
unsigned parse_mode(const char* value) {
  const std::string_view text(value);
  bool ok = !text.empty() && text.size() <= 4;
  unsigned mode = 0;
  for (char c : text) {
    ok = ok && c >= '0' && c <= '7';
    mode = mode * 8 + static_cast<unsigned>(c - '0');
  }
  if (!ok || mode > 0777) {
    throw usage(std::string("the argument ('") + value +
                "') for option '--socket-mode' is invalid (an octal mode such "
                "as 660)");
  }
  return mode;
}

OutputFormat parse_format(std::string_view name) {
  if (const std::optional<OutputFormat> format = format_from_name(name)) return *format;
  throw usage("unknown format \"" + std::string(name) + "\" (expected json, text, csv or jsonl)");
}

// The option as the user wrote it, without any "=value".
std::string written_option(const char* arg) {
  const std::string_view text(arg);
  return std::string(text.substr(0, text.find('=')));
}

// The argument getopt_long has just read (it has moved optind past it).
const char* last_seen(int argc, char** argv) { return argv[std::max(1, std::min(optind, argc) - 1)]; }

}  // namespace

std::optional<OutputFormat> format_from_name(std::string_view name) {
  if (name == "json") return OutputFormat::Json;
  if (name == "text") return OutputFormat::Text;
  if (name == "csv") return OutputFormat::Csv;
  if (name == "jsonl") return OutputFormat::Jsonl;
  return std::nullopt;
}

CommandLine parse_command_line(int argc, char** argv) {
  // getopt_long keeps its state in globals: one parse at a time (a program may parse on several threads).
  static std::mutex getopt_state;
  const std::lock_guard<std::mutex> lock(getopt_state);
  CommandLine line;
  bool limit_given = false;
  opterr = 0;  // errors are thrown, in the output format asked for
  optind = 0;  // a full rescan, also when called again (tests)
  for (;;) {
    const int id = getopt_long(argc, argv, ":h", kOptions.data(), nullptr);
    if (id == -1) break;
    const char* const name = id >= kDb && id <= kCsvBom ? kOptions[static_cast<std::size_t>(id - kDb)].name : "";
    switch (id) {
      case kDb:
        line.db = optarg;
        break;
      case kFormat:
        line.format = parse_format(optarg);
        break;
      case kLang:
        line.request.lang = schema::lang_from_code(ascii_lower(optarg));  // as the site passes it on: FR is fr
        if (!line.request.lang) {
          throw usage("unknown language \"" + std::string(optarg) + "\" (expected fr, en, es or pt)");
        }
        break;
      case kFilter:
        add_filter(line.request, optarg);
        break;
      case kSort:
        line.request.sort = parse_sort(optarg);
        break;
      case kOffset:
        line.request.offset = parse_count(optarg, name);
        break;
      case kLimit:
        line.request.limit = parse_count(optarg, name);
        limit_given = true;
        break;
      case kFacetLimit:
        line.request.facet_limit = parse_count(optarg, name);
        break;
      case kFacetRanges:
        add_facet_ranges(line.request, optarg);
        break;
      case kCollapse:
        line.request.collapse = parse_collapse(optarg);
        break;
      case kPreferLang:
        line.request.prefer_langs = parse_prefer_langs(optarg);
        break;
      case kRelated:
        line.request.related = ascii_lower(optarg);  // ids are lower case, as --filter takes them
        if (line.request.related.empty()) throw usage("--related needs a document id");
        break;
      case kFacetSearch:
        line.request.facet_search = parse_facet_search(optarg);
        break;
      case kAnd:
        line.request.default_operator = DefaultOperator::And;
        break;
      case kExpand:
        line.request.expand = true;
        break;
      case kTiming:
        line.request.with_timing = true;
        break;
      case kDeadline:
        line.request.deadline_seconds = parse_deadline(optarg, name);
        break;
      case kMaxDeadline:
        line.max_deadline = parse_deadline(optarg, name);
        break;
      case kBatch:
        line.batch = optarg;
        break;
      case kRunTag:
        line.run_tag = optarg;
        break;
      case kServe:
        line.serve = optarg;
        break;
      case kWorkers:
      case kThreads: {
        const std::size_t workers = parse_count(optarg, name);
        if (workers < 1 || workers > 64) throw usage("--" + std::string(name) + " must be 1 to 64");
        line.workers = static_cast<unsigned>(workers);
        break;
      }
      case kSocketMode:
        line.socket_mode = parse_mode(optarg);
        break;
      case kSocketGroup:
        line.socket_group = optarg;
        if (line.socket_group.empty()) throw usage("--socket-group needs a group name or number");
        break;
      case kWorkerRequests: {
        const std::size_t requests = parse_count(optarg, name);
        if (requests < 1) throw usage("--worker-requests must be at least 1");
        line.worker_requests = requests;
        break;
      }
      case 'h':
      case kHelp:
        line.help = true;
        break;
      case kVersion:
        line.version = true;
        break;
      case kAll:
        line.all = true;
        break;
      case kCsvBom:
        line.csv_bom = true;
        break;
      case ':':
        throw usage("the required argument for option '" + written_option(last_seen(argc, argv)) + "' is missing");
      default: {
        const std::string arg = last_seen(argc, argv);
        if (optopt != 0 && arg.rfind("--", 0) == 0) {
          throw usage("option '" + written_option(arg.c_str()) + "' does not take any arguments");
        }
        if (optopt != 0) throw usage("unrecognised option '-" + std::string(1, static_cast<char>(optopt)) + "'");
        const std::string written = written_option(arg.c_str());
        const auto prefix_of = [&written](const option& o) {
          return o.name != nullptr && written.size() > 2 && std::string_view(o.name).rfind(written.substr(2), 0) == 0;
        };
        if (std::count_if(kOptions.begin(), kOptions.end(), prefix_of) > 1) {
          throw usage("option '" + written + "' is ambiguous");
        }
        throw usage("unrecognised option '" + written + "'");
      }
    }
  }
  for (int i = optind; i < argc; ++i) {
    if (!line.request.query.empty()) line.request.query += ' ';
    line.request.query += argv[i];
  }
  const bool exporting = line.format == OutputFormat::Csv || line.format == OutputFormat::Jsonl;
  if (line.all && (!exporting || limit_given || line.batch)) {
    throw usage("--all writes every hit as --format csv or jsonl, without --limit or --batch");
  }
  if (line.csv_bom && line.format != OutputFormat::Csv) throw usage("--csv-bom needs --format csv");
  if (line.batch) {
    line.request.ranking_only = true;
    if (!limit_given) line.request.limit = kMaxRankingLimit;
  }
  return line;
}

}  // namespace citego
