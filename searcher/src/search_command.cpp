// One citego-search command (see citego/search_command.h).
#include "citego/search_command.h"

#include <algorithm>
#include <fstream>
#include <memory>

#include <xapian.h>

#include "citego/batch.h"
#include "citego/response_format.h"
#include "citego/search_request.h"
#include "citego/search_server.h"

namespace citego {

namespace {

CommandLine parse(const std::vector<std::string>& args) {
  std::vector<std::string> copies = args;  // getopt_long reorders argv
  copies.insert(copies.begin(), "citego-search");
  std::vector<char*> argv;
  for (std::string& arg : copies) argv.push_back(arg.data());
  argv.push_back(nullptr);
  return parse_command_line(static_cast<int>(copies.size()), argv.data());
}

int fail(const SearchError& error, OutputFormat format, const CommandStreams& streams) {
  const CommandOutcome outcome = refusal(error, format);
  streams.out << outcome.out;
  streams.err << outcome.err;
  return outcome.status;
}

// The lines of a page of hits in an export format (csv: without the header).
std::string export_lines(const SearchResponse& page, OutputFormat format) {
  return format == OutputFormat::Csv ? csv_rows(page) : to_jsonl(page);
}

}  // namespace

OutputFormat requested_format(const std::vector<std::string>& args, bool out_is_terminal) {
  OutputFormat format = out_is_terminal ? OutputFormat::Text : OutputFormat::Json;
  for (std::size_t i = 0; i + 1 < args.size() && args[i] != "--"; ++i) {
    const std::string_view arg = args[i];
    const std::string_view value = arg == "--format"                ? std::string_view(args[i + 1])
                                   : arg.rfind("--format=", 0) == 0 ? arg.substr(9)
                                                                    : std::string_view();
    if (const std::optional<OutputFormat> named = format_from_name(value)) format = *named;
  }
  return format;
}

CommandOutcome refusal(const SearchError& error, OutputFormat format) {
  CommandOutcome outcome;
  outcome.status = error.exit_code();
  if (format == OutputFormat::Json || format == OutputFormat::Jsonl) outcome.out = error_json(error);
  outcome.err = "citego-search: " + std::string(error.what()) + "\n";
  if (error.code() == "usage") outcome.err += "Try 'citego-search --help'.\n";
  return outcome;
}

std::optional<CommandLine> try_parse_command_line(const std::vector<std::string>& args) {
  try {
    return parse(args);
  } catch (const SearchError&) {
    return std::nullopt;
  }
}

int run_search_command(const std::vector<std::string>& args, const CommandStreams& streams,
                       const SearcherFor& searcher_for) {
  // Errors are reported in the format asked for, even errors in the rest of the command line; without --format, in
  // the format the output calls for.
  OutputFormat format = requested_format(args, streams.out_is_terminal);
  CommandLine line;
  try {
    line = parse(args);
    if (line.format) format = *line.format;
    if (line.batch) format = OutputFormat::Text;  // stdout holds the run: errors go to stderr only
  } catch (const SearchError& e) {
    return fail(e, names_batch_run(args) ? OutputFormat::Text : format, streams);
  }
  if (line.help) {
    streams.out << search_help();
    return kExitOk;
  }
  if (line.serve) {
    if (searcher_for) {  // a client asking the server to serve: not a search
      return fail(SearchError("usage", "--serve is not a search", kExitUsage), format, streams);
    }
    return serve({*line.serve, line.db, line.workers, line.socket_mode, line.socket_group, line.worker_requests,
                  line.max_deadline},
                 streams.err);
  }
  if (line.version) {
    streams.out << "citego-search " << CITEGO_VERSION << " (Xapian " << Xapian::version_string() << ")\n";
    return kExitOk;
  }

  // One search's deadline is kept by the process too (a batch's queries keep theirs each, in the searcher).
  bool armed = false;
  const auto disarm = [&] {
    if (armed) streams.deadline_stop->disarm();
    armed = false;
  };
  try {
    SearchRequest& request = line.request;
    if (streams.deadline_stop) {
      request.deadline_seconds = std::min(request.deadline_seconds, streams.deadline_stop->max_seconds);
    }
    validate(request);
    if (streams.deadline_stop && !line.batch) {
      streams.deadline_stop->arm(request.deadline_seconds + kDeadlineGraceSeconds,
                                 refusal(deadline_exceeded(request.deadline_seconds), format));
      armed = true;
    }
    std::unique_ptr<Searcher> own;
    if (!searcher_for) own = std::make_unique<Searcher>(line.db);
    const Searcher& searcher = own ? *own : searcher_for(line.db);
    if (line.batch) {
      const std::string& path = *line.batch;
      std::ifstream file;
      if (path != "-") {
        file.open(path);
        if (!file) throw SearchError("bad_batch", "cannot read " + path, kExitRuntime);
      }
      const BatchSummary summary =
          run_batch(searcher, request, path == "-" ? streams.in : file, streams.out, line.run_tag, streams.err);
      streams.out.flush();
      if (!streams.out) return kExitRuntime;
      return summary.refused > 0 ? kExitUsage : kExitOk;
    }
    if (line.csv_bom) streams.out << kCsvByteOrderMark;
    if (line.all) {
      // Every hit, one page of kMaxLimit at a time, each written before the next is read: the memory a page takes,
      // whatever the number of hits. Each page has the request's deadline.
      if (format == OutputFormat::Csv) streams.out << csv_header();
      request.limit = kMaxLimit;
      std::size_t written = 0;
      for (bool first = true;; first = false) {
        if (!first && streams.deadline_stop) {
          streams.deadline_stop->arm(request.deadline_seconds + kDeadlineGraceSeconds,
                                     refusal(deadline_exceeded(request.deadline_seconds), format));
          armed = true;
        }
        const SearchResponse page = searcher.search(request);
        disarm();
        if (first) streams.err << warning_lines(page.warnings);
        streams.out << export_lines(page, format);
        streams.out.flush();
        if (!streams.out) return kExitRuntime;
        written += page.hits.size();
        if (page.hits.size() < request.limit) break;
        request.offset += request.limit;
      }
      streams.err << "citego-search: " << written << (written == 1 ? " result" : " results") << " written\n";
      return kExitOk;
    }
    const SearchResponse response = searcher.search(request);
    disarm();
    if (format != OutputFormat::Json) streams.err << warning_lines(response.warnings);
    switch (format) {
      case OutputFormat::Json:
        streams.out << to_json(response);
        break;
      case OutputFormat::Text:
        streams.out << to_text(response, streams.text_colour, streams.text_width);
        break;
      case OutputFormat::Csv:
        streams.out << to_csv(response);
        break;
      case OutputFormat::Jsonl:
        streams.out << to_jsonl(response);
        break;
    }
    streams.out.flush();
    return streams.out ? kExitOk : kExitRuntime;
  } catch (const SearchError& e) {
    disarm();
    return fail(e, format, streams);
  } catch (const Xapian::Error& e) {  // not a std::exception: anything Xapian throws outside the searcher's own catches
    disarm();
    return fail(SearchError("database_error", e.get_description(), kExitRuntime), format, streams);
  } catch (const std::exception& e) {
    disarm();
    return fail(SearchError("internal", e.what(), kExitRuntime), format, streams);
  }
}

}  // namespace citego
