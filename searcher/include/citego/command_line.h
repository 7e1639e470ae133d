// The command line of citego-search, parsed into a SearchRequest and the program's own settings.
//
// Parsed with getopt_long from the C library, like the GNU tools: long options take their value as --opt VALUE or
// --opt=VALUE, an unambiguous prefix of an option's name is accepted, and everything after "--" is query text. (A
// general option library costs every search process its loading time; this parser costs nothing at start-up.)
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "citego/response_format.h"
#include "citego/search_request.h"

namespace citego {

struct CommandLine {
  SearchRequest request;                // query words joined by spaces, filters, sort, paging, --and, --timing
  std::string db = "citego.db";         // --db
  std::optional<OutputFormat> format;   // --format, when given
  std::optional<std::string> batch;     // --batch FILE
  std::string run_tag = "citego";       // --run-tag
  std::optional<std::string> serve;     // --serve SOCKET: answer citego-client's commands (search_server.h)
  unsigned workers = 0;                 // --workers N: the server's worker processes (0: one per core, at most 8)
  unsigned socket_mode = 0660;          // --socket-mode MODE: permissions of the server's socket
  std::string socket_group;             // --socket-group GROUP: its group (name or number), when given
  std::size_t worker_requests = 10000;  // --worker-requests N: commands a worker answers before it is replaced
  double max_deadline = kDefaultDeadlineSeconds;  // --max-deadline SECONDS: the longest deadline --serve grants
  bool all = false;                               // --all: every hit, page by page (csv and jsonl only)
  bool csv_bom = false;                           // --csv-bom: a UTF-8 byte-order mark before the CSV
  bool help = false;                              // -h, --help
  bool version = false;                           // --version
};

// Parses argv. Throws SearchError with code "usage" (kExitUsage) on an unknown option, a missing or malformed
// value, an unknown --format, --lang or --sort, a malformed --deadline; "bad_filter" on a malformed --filter and
// "bad_facet_ranges" on a bad --facet-ranges (search_request.h). A --batch run ranks only: its --limit defaults to
// kMaxRankingLimit. --all needs --format csv or jsonl and takes no --limit or --batch; --csv-bom needs --format csv.
// Safe to call from several threads (calls are serialised).
CommandLine parse_command_line(int argc, char** argv);

// The output format a --format value names ("json", "text", "csv", "jsonl"), or nothing.
std::optional<OutputFormat> format_from_name(std::string_view name);

// The --help text, ending with a newline; its list of facets is schema::kFacets' names, short names and help lines.
std::string search_help();

}  // namespace citego
