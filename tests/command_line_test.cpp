// citego-search's command line: every option, its forms, and the usage errors.
#include "citego/command_line.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "citego/batch.h"

namespace {

using citego::CommandLine;
using citego::SearchError;

CommandLine parse(std::vector<std::string> args) {
  args.insert(args.begin(), "citego-search");
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  return citego::parse_command_line(static_cast<int>(args.size()), argv.data());
}

// The message of the usage error (exit status 2) with code `code` that parsing `args` gives.
std::string error_of(std::vector<std::string> args, const std::string& code) {
  try {
    parse(std::move(args));
  } catch (const SearchError& e) {
    EXPECT_EQ(e.code(), code);
    EXPECT_EQ(e.exit_code(), citego::kExitUsage);
    return e.what();
  }
  return "(no error)";
}

std::string usage_error(std::vector<std::string> args) { return error_of(std::move(args), "usage"); }

TEST(CommandLine, DefaultsWithoutOptions) {
  const CommandLine line = parse({});
  EXPECT_EQ(line.db, "citego.db");
  EXPECT_FALSE(line.format);
  EXPECT_FALSE(line.batch);
  EXPECT_EQ(line.run_tag, "citego");
  EXPECT_FALSE(line.help);
  EXPECT_FALSE(line.version);
  EXPECT_EQ(line.request, citego::SearchRequest{});
}

TEST(CommandLine, EveryOptionInBothForms) {
  const CommandLine line =
      parse({"--db", "x.db", "--format=csv", "--lang", "pt", "--filter", "type=mooc", "--filter=year=2016..2018",
             "--sort", "-year", "--offset=20", "--limit", "5", "--facet-limit", "0", "--facet-ranges=year=2010..2019",
             "--and", "--timing", "--run-tag=t1"});
  citego::SearchRequest expected;
  expected.lang = citego::schema::Lang::Pt;
  citego::add_filter(expected, "type=mooc");
  citego::add_filter(expected, "year=2016..2018");
  expected.sort = citego::SortOrder::YearDescending;
  expected.offset = 20;
  expected.limit = 5;
  expected.facet_limit = 0;
  expected.year_buckets = {{2010, 2019}};
  expected.default_operator = citego::DefaultOperator::And;
  expected.with_timing = true;
  EXPECT_EQ(line.request, expected);
  EXPECT_EQ(line.db, "x.db");
  EXPECT_EQ(line.format, citego::OutputFormat::Csv);
  EXPECT_EQ(line.run_tag, "t1");
}

TEST(CommandLine, QueryWordsAnywhereAndAfterDoubleDash) {
  EXPECT_EQ(parse({"economie", "--and", "sociale"}).request.query, "economie sociale");
  EXPECT_EQ(parse({"--limit", "3", "--", "-economie", "--and"}).request.query, "-economie --and");
  EXPECT_EQ(parse({"--limit", "3", "--", "-economie"}).request.limit, 3u);
}

TEST(CommandLine, PrefixesHelpVersionAndBatch) {
  EXPECT_EQ(parse({"--form", "text"}).format, citego::OutputFormat::Text);
  EXPECT_TRUE(parse({"-h"}).help);
  EXPECT_TRUE(parse({"--help"}).help);
  EXPECT_TRUE(parse({"--version"}).version);
  const CommandLine serve = parse({"--serve", "/run/citego.sock", "--workers", "3"});
  EXPECT_EQ(serve.serve, "/run/citego.sock");
  EXPECT_EQ(serve.workers, 3u);
  EXPECT_EQ(serve.socket_mode, 0660u);
  EXPECT_EQ(serve.socket_group, "");
  EXPECT_EQ(serve.worker_requests, 10000u);
  EXPECT_EQ(parse({"--serve", "s", "--threads", "5"}).workers, 5u);  // the option's former name
  const CommandLine web =
      parse({"--serve", "s", "--socket-mode", "0666", "--socket-group", "www-data", "--worker-requests", "50"});
  EXPECT_EQ(web.socket_mode, 0666u);
  EXPECT_EQ(web.socket_group, "www-data");
  EXPECT_EQ(web.worker_requests, 50u);
  EXPECT_EQ(parse({"--lang", "FR", "x"}).request.lang, citego::schema::Lang::Fr);
  EXPECT_EQ(parse({"--lang", "Pt", "x"}).request.lang, citego::schema::Lang::Pt);
  EXPECT_EQ(parse({"x"}).request.deadline_seconds, 2.0);
  EXPECT_EQ(parse({"--deadline", "0.5", "x"}).request.deadline_seconds, 0.5);
  EXPECT_EQ(parse({"--deadline=30", "x"}).request.deadline_seconds, 30.0);
  const CommandLine batch = parse({"--batch", "queries.tsv"});
  EXPECT_EQ(batch.batch, "queries.tsv");
  EXPECT_TRUE(batch.request.ranking_only);
  EXPECT_EQ(batch.request.limit, citego::kMaxRankingLimit);
  EXPECT_EQ(parse({"--batch", "-", "--limit", "100"}).request.limit, 100u);
}

TEST(CommandLine, UsageErrors) {
  EXPECT_EQ(usage_error({"--frobnicate"}), "unrecognised option '--frobnicate'");
  EXPECT_EQ(usage_error({"--frobnicate=3"}), "unrecognised option '--frobnicate'");
  EXPECT_EQ(usage_error({"-x"}), "unrecognised option '-x'");
  EXPECT_EQ(usage_error({"--f", "json"}), "option '--f' is ambiguous");
  EXPECT_EQ(usage_error({"x", "--limit"}), "the required argument for option '--limit' is missing");
  EXPECT_EQ(usage_error({"--and=yes"}), "option '--and' does not take any arguments");
  EXPECT_EQ(usage_error({"--limit", "-3"}), "the argument ('-3') for option '--limit' is invalid");
  EXPECT_EQ(usage_error({"--offset", "1e3"}), "the argument ('1e3') for option '--offset' is invalid");
  EXPECT_EQ(usage_error({"--facet-limit="}), "the argument ('') for option '--facet-limit' is invalid");
  EXPECT_EQ(usage_error({"--limit", "99999999999999999999"}),
            "the argument ('99999999999999999999') for option '--limit' is invalid");
  EXPECT_EQ(usage_error({"--format", "xml"}), "unknown format \"xml\" (expected json, text, csv or jsonl)");
  EXPECT_EQ(usage_error({"--lang", "de"}), "unknown language \"de\" (expected fr, en, es or pt)");
  EXPECT_EQ(usage_error({"--serve", "s", "--threads", "0"}), "--threads must be 1 to 64");
  EXPECT_EQ(usage_error({"--serve", "s", "--workers", "65"}), "--workers must be 1 to 64");
  EXPECT_EQ(usage_error({"--serve", "s", "--socket-mode", "0680"}),
            "the argument ('0680') for option '--socket-mode' is invalid (an octal mode such as 660)");
  EXPECT_EQ(usage_error({"--serve", "s", "--socket-mode", "7777"}),
            "the argument ('7777') for option '--socket-mode' is invalid (an octal mode such as 660)");
  EXPECT_EQ(usage_error({"--serve", "s", "--worker-requests", "0"}), "--worker-requests must be at least 1");
  for (const char* bad : {"0", "0.001", "601", "1e2", "-1", ".5", "2.", "1.2.3", ""}) {
    EXPECT_EQ(usage_error({"--deadline", bad, "x"}),
              std::string("the argument ('") + bad + "') for option '--deadline' is invalid (seconds, 0.01 to 600)");
  }
  // A prefix that names two options.
  EXPECT_EQ(usage_error({"--facet", "0"}), "option '--facet' is ambiguous");
  // Errors after a good parse start from a clean state: getopt_long is rescanned from the first argument.
  EXPECT_EQ(parse({"--limit", "7"}).request.limit, 7u);
}

}  // namespace

namespace {

using citego::SearchRequest;
using citego::SearchWarning;

std::vector<std::string> filter_values(const SearchRequest& request, citego::schema::Facet facet) {
  return request.filters[citego::schema::index_of(facet)];
}

TEST(ForgivingFilters, ValuesMatchTheirLowerCaseVocabularyIgnoringCase) {
  using citego::schema::Facet;
  const CommandLine line = parse({"--filter", "lang=FR", "--filter", "kind=Foundation", "--filter", "doctype=Project",
                                  "--filter", "type=MOOC", "--filter", "lang=fr", "--filter", "type=mooc"});
  EXPECT_EQ(filter_values(line.request, Facet::Lang), std::vector<std::string>{"fr"});
  EXPECT_EQ(filter_values(line.request, Facet::OrganisationKind), std::vector<std::string>{"foundation"});
  EXPECT_EQ(filter_values(line.request, Facet::DocType), std::vector<std::string>{"project"});
  EXPECT_EQ(filter_values(line.request, Facet::ProjectType), std::vector<std::string>{"mooc"});
  EXPECT_TRUE(line.request.warnings.empty());
  // A vocabulary entry is matched whole: case is forgiven, nothing else is.
  EXPECT_EQ(parse({"--filter", "lang= fr"}).request.warnings.size(), 1u);
  EXPECT_EQ(parse({"--filter", "kind=Think_Tank"}).request.warnings.size(), 1u);
}

struct WarningCase {
  std::string filter;
  std::string message;
};

class FilterWarnings : public ::testing::TestWithParam<WarningCase> {};

TEST_P(FilterWarnings, AValueOutsideTheVocabularyIsAWarningNotAnError) {
  const CommandLine line = parse({"--filter", GetParam().filter, "--filter", GetParam().filter});
  EXPECT_EQ(line.request.warnings,
            (std::vector<SearchWarning>{{"unknown_filter_value", GetParam().message + "; it matches no document"}}));
}

INSTANTIATE_TEST_SUITE_P(
    Filters, FilterWarnings,
    ::testing::Values(
        WarningCase{"type=webinar",
                    "unknown value \"webinar\" for project_type (expected one of: dossier, mooc, showcase)"},
        WarningCase{"lang=de", "unknown value \"de\" for lang (expected one of: fr, en, es, pt)"},
        WarningCase{"lang=", "unknown value \"\" for lang (expected one of: fr, en, es, pt)"},
        WarningCase{"doc_type=Page",
                    "unknown value \"Page\" for doc_type (expected one of: organisation, project, resource, dossier, "
                    "fiche)"},
        WarningCase{"kind=ngo",
                    "unknown value \"ngo\" for organisation_kind (expected one of: professional-network, "
                    "training-organisation, higher-education, elected-officials-network, citizens-association, "
                    "design-office, research-centre, foundation, company, media, think-tank, public-body)"},
        WarningCase{"year=16",
                    "bad year filter \"16\" (expected YYYY, YYYY..YYYY, ..YYYY or YYYY.., years 1000 to 2999)"},
        WarningCase{"year=..",
                    "bad year filter \"..\" (expected YYYY, YYYY..YYYY, ..YYYY or YYYY.., years 1000 to 2999)"},
        WarningCase{"year=2018..2016", "bad year filter \"2018..2016\": the range ends before it starts"}));

TEST(ForgivingFilters, AnUnknownValueIsKeptAsWrittenAndABadYearHoldsNoYear) {
  using citego::schema::Facet;
  const CommandLine line =
      parse({"--filter", "type=mooc", "--filter", "type=Webinar", "--filter", "year=2016", "--filter", "year=20x6"});
  EXPECT_EQ(filter_values(line.request, Facet::ProjectType), (std::vector<std::string>{"mooc", "Webinar"}));
  EXPECT_EQ(line.request.year_filters, (std::vector<citego::YearRange>{{2016, 2016}, citego::kNoYears}));
  EXPECT_GT(citego::kNoYears.first, citego::kNoYears.last);
  ASSERT_EQ(line.request.warnings.size(), 2u);  // in the order of the filters
  EXPECT_EQ(line.request.warnings[0].message.rfind("unknown value \"Webinar\"", 0), 0u);
  EXPECT_EQ(line.request.warnings[1].message.rfind("bad year filter \"20x6\"", 0), 0u);
}

}  // namespace

namespace {

TEST(FacetRanges, ClosedYearRangesInTheOrderAskedOrDecades) {
  using citego::YearRange;
  const CommandLine line = parse({"--facet-ranges", "year=2015..2019,2010..2014", "--facet-ranges=year=2012..2012"});
  EXPECT_EQ(line.request.year_buckets, (std::vector<YearRange>{{2015, 2019}, {2010, 2014}, {2012, 2012}}));
  EXPECT_FALSE(line.request.year_decades);
  const CommandLine decades = parse({"--facet-ranges", "year=Decades"});
  EXPECT_TRUE(decades.request.year_decades);
  EXPECT_TRUE(decades.request.year_buckets.empty());
  // Up to 50 ranges, overlapping or not.
  std::string fifty = "year=";
  for (int i = 0; i < 50; ++i) fifty += (i ? "," : "") + std::to_string(2000 + i) + ".." + std::to_string(2010 + i);
  EXPECT_EQ(parse({"--facet-ranges", fifty}).request.year_buckets.size(), 50u);
}

std::string ranges_error(std::vector<std::string> args) { return error_of(std::move(args), "bad_facet_ranges"); }

TEST(FacetRanges, BadRangesAreUsageErrors) {
  EXPECT_EQ(ranges_error({"--facet-ranges", "2010..2014"}),
            "bad --facet-ranges \"2010..2014\" (expected year=YYYY..YYYY,YYYY..YYYY,… or year=decades)");
  EXPECT_EQ(ranges_error({"--facet-ranges", "kind=2010..2014"}),
            "--facet-ranges \"kind=2010..2014\": only the year facet has ranges (expected "
            "year=YYYY..YYYY,YYYY..YYYY,… or year=decades)");
  EXPECT_EQ(ranges_error({"--facet-ranges", "colour=decades"}),
            "--facet-ranges \"colour=decades\": only the year facet has ranges (expected "
            "year=YYYY..YYYY,YYYY..YYYY,… or year=decades)");
  for (const char* bad : {"2010-2014", "2010..", "..2014", "2010", "999..2014", "2010..3000", "20x0..2014", ""}) {
    EXPECT_EQ(ranges_error({"--facet-ranges", std::string("year=2000..2004,") + bad}),
              std::string("bad range \"") + bad + "\" in --facet-ranges \"year=2000..2004," + bad +
                  "\" (expected YYYY..YYYY, years 1000 to 2999)");
  }
  EXPECT_EQ(ranges_error({"--facet-ranges", "year="}),
            "bad range \"\" in --facet-ranges \"year=\" (expected YYYY..YYYY, years 1000 to 2999)");
  EXPECT_EQ(ranges_error({"--facet-ranges", "year=2014..2010"}),
            "bad range \"2014..2010\" in --facet-ranges \"year=2014..2010\": the range ends before it starts");
  EXPECT_EQ(ranges_error({"--facet-ranges", "year=decades,2010..2019"}),
            "--facet-ranges \"year=decades,2010..2019\": year=decades cannot be combined with other ranges");
  EXPECT_EQ(ranges_error({"--facet-ranges", "year=2010..2019", "--facet-ranges", "year=decades"}),
            "--facet-ranges \"year=decades\": year=decades cannot be combined with other ranges");
  EXPECT_EQ(ranges_error({"--facet-ranges", "year=decades", "--facet-ranges", "year=2010..2019"}),
            "--facet-ranges \"year=2010..2019\": year=decades cannot be combined with other ranges");
  std::string many = "year=2000..2001";
  for (int i = 0; i < 50; ++i) many += ",2000..2001";
  EXPECT_EQ(ranges_error({"--facet-ranges", many}), "--facet-ranges asks for 51 ranges; at most 50 are allowed");
  EXPECT_EQ(ranges_error({"--facet-ranges", "year=2000..2001", "--facet-ranges", "year=" + many.substr(16)}),
            "--facet-ranges asks for 51 ranges; at most 50 are allowed");
  // A request built some other way is checked before any database work.
  citego::SearchRequest request;
  request.year_buckets.assign(51, {2000, 2001});
  try {
    citego::validate(request);
    ADD_FAILURE() << "no error";
  } catch (const SearchError& e) {
    EXPECT_EQ(e.code(), "bad_facet_ranges");
    EXPECT_EQ(std::string(e.what()), "--facet-ranges asks for 51 ranges; at most 50 are allowed");
  }
}

}  // namespace

namespace {

TEST(Paging, AnyOffsetIsAllowedAndOnePastTheDatabaseAsksForNoHit) {
  citego::SearchRequest request = parse({"--offset", "999999999999999999", "--limit", "20"}).request;
  EXPECT_EQ(request.offset, 999999999999999999u);
  EXPECT_NO_THROW(citego::validate(request));
  EXPECT_EQ(citego::page_of(request, 500), (citego::Page{0, 0}));
  request.offset = 4294967297;  // 2^32 + 1: must not wrap to 1 in Xapian's 32-bit doccount
  EXPECT_EQ(citego::page_of(request, 500), (citego::Page{0, 0}));
  request.offset = 500;
  EXPECT_EQ(citego::page_of(request, 500), (citego::Page{0, 0}));
  request.offset = 499;
  EXPECT_EQ(citego::page_of(request, 500), (citego::Page{499, 20}));
  request.offset = 0;
  EXPECT_EQ(citego::page_of(request, 0), (citego::Page{0, 0}));
}

}  // namespace

namespace {

TEST(BatchRun, AQueryPastItsDeadlineRefusesOnlyItsLine) {
  EXPECT_TRUE(citego::refuses_only_its_line(citego::deadline_exceeded(2)));
  EXPECT_TRUE(citego::refuses_only_its_line(SearchError("query_too_broad", "9 wildcards", citego::kExitUsage)));
  EXPECT_FALSE(citego::refuses_only_its_line(SearchError("database_error", "reading failed", citego::kExitRuntime)));
}

TEST(BatchRun, IsNamedByTheOptionOrAPrefixBeforeTheQuery) {
  EXPECT_TRUE(citego::names_batch_run({"--batch", "q.tsv"}));
  EXPECT_TRUE(citego::names_batch_run({"--limit", "3", "--bat=q.tsv"}));
  EXPECT_TRUE(citego::names_batch_run({"--b", "q.tsv"}));
  EXPECT_FALSE(citego::names_batch_run({"--", "--batch"}));
  EXPECT_FALSE(citego::names_batch_run({"--batches", "x"}));
  EXPECT_FALSE(citego::names_batch_run({"-batch", "--", "x"}));
}

}  // namespace
