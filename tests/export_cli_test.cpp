// Exports of every hit: `--format csv --all` and `--format jsonl --all` write each hit of a search once, in rank
// order, page after page, with the count on stderr; --csv-bom starts the CSV with a UTF-8 byte-order mark. The
// oracle is Xapian's own count of the database's documents, and the one-page outputs of the same search.
#include <algorithm>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <xapian.h>

#include "citego/searcher.h"
#include "test_support.h"

namespace citego::test {
namespace {

// The lines of `text`, each without its end ("\n" or "\r\n").
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

class ExportCli : public ::testing::Test {
 protected:
  static RunResult search(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", library_database()});
    return run(search_binary(), args);
  }
  static std::size_t document_count() { return Xapian::Database(library_database()).get_doccount(); }
};

TEST_F(ExportCli, CsvAllWritesEveryDocumentOnceInRankOrder) {
  const std::size_t documents = document_count();
  ASSERT_GT(documents, 100u);  // more than one page
  const RunResult all = search({"--format", "csv", "--all", "--sort", "year", ""});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(all.err, "citego-search: " + std::to_string(documents) + " results written\n");
  const std::vector<std::string> rows = lines_of(all.out);
  ASSERT_EQ(rows.size(), documents + 1);  // and the header
  std::set<std::string> ids;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const std::string rank = rows[i].substr(0, rows[i].find(','));
    EXPECT_EQ(rank, std::to_string(i));
    const std::size_t id_from = rank.size() + 1;
    ids.insert(rows[i].substr(id_from, rows[i].find(',', id_from) - id_from));
  }
  EXPECT_EQ(ids.size(), documents);
  // The first page is the page --limit 100 writes, header included; the rest follows from --offset 100.
  const RunResult first = search({"--format", "csv", "--limit", "100", "--sort", "year", ""});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(all.out.substr(0, first.out.size()), first.out);
  const RunResult rest = search({"--format", "csv", "--limit", "100", "--offset", "100", "--sort", "year", ""});
  ASSERT_EQ(rest.exit_code, 0) << rest.err;
  EXPECT_EQ(all.out.substr(first.out.size()), rest.out.substr(rest.out.find('\n') + 1));
}

TEST_F(ExportCli, JsonlAllIsTheJsonHitsOneALine) {
  const RunResult all = search({"--format", "jsonl", "--all", "--offset", "5", "gouvernance"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  const nlohmann::json page =
      nlohmann::json::parse(search({"--format", "json", "--limit", "100", "--offset", "5", "gouvernance"}).out);
  const std::vector<std::string> lines = lines_of(all.out);
  ASSERT_EQ(page["total"].get<std::size_t>(), lines.size() + 5);  // fewer than 100 hits: one page holds them all
  ASSERT_EQ(page["hits"].size(), lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) EXPECT_EQ(nlohmann::json::parse(lines[i]), page["hits"][i]) << i;
  EXPECT_EQ(all.err, "citego-search: " + std::to_string(lines.size()) + " results written\n");
  // Without --all, one page, and nothing on stderr.
  const RunResult one = search({"--format", "jsonl", "--limit", "2", "--offset", "5", "gouvernance"});
  EXPECT_EQ(one.exit_code, 0);
  EXPECT_EQ(one.err, "");
  EXPECT_EQ(one.out, all.out.substr(0, all.out.find('\n', all.out.find('\n') + 1) + 1));
}

// The pages one search writes with --limit 100, from `offset` on, until a page is short: the lines of each without
// the CSV header.
std::string pages_from(std::vector<std::string> args, std::size_t offset) {
  std::string out;
  for (;; offset += 100) {
    std::vector<std::string> page = args;
    page.insert(page.end() - 1, {"--limit", "100", "--offset", std::to_string(offset)});
    page.insert(page.begin(), {"--db", library_database()});
    const RunResult r = run(search_binary(), page);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::string lines = args[1] == "csv" ? r.out.substr(r.out.find('\n') + 1) : r.out;
    const std::size_t count = static_cast<std::size_t>(std::count(lines.begin(), lines.end(), '\n'));
    out += lines;
    if (count < 100 || r.exit_code != 0) return out;
  }
}

TEST_F(ExportCli, AllIsThePagesOneAfterAnotherInEveryOrder) {
  // Year order settles ties of one year and one weight by id, also across --offset; a collapsed export lists the
  // translation groups as its pages do.
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--format", "csv", "le OR la OR de OR the OR of OR el OR o"},
           {"--format", "jsonl", "--sort", "year", "le OR la OR de OR the OR of OR el OR o"},
           {"--format", "csv", "--collapse", "translation", "--prefer-lang", "en,fr",
            "le OR la OR de OR the OR of OR el OR o"}}) {
    for (const std::size_t offset : {0, 37, 99}) {
      std::vector<std::string> all = args;
      all.insert(all.end() - 1, {"--all", "--offset", std::to_string(offset)});
      const RunResult exported = search(all);
      ASSERT_EQ(exported.exit_code, 0) << exported.err;
      const std::string rows = args[1] == "csv" ? exported.out.substr(exported.out.find('\n') + 1) : exported.out;
      const std::string expected = pages_from(args, offset);
      EXPECT_GT(std::count(expected.begin(), expected.end(), '\n') + offset, 100) << args[2];  // more than one page
      EXPECT_TRUE(rows == expected) << args[2] << " from " << offset << ":\n"
                                    << rows.substr(0, 300) << "\n"
                                    << expected.substr(0, 300);
      EXPECT_EQ(exported.err,
                "citego-search: " + std::to_string(std::count(rows.begin(), rows.end(), '\n')) + " results written\n");
    }
  }
}

// An export ranks a window of hits per match: with small windows, many matches, each resuming after the last hit of
// the one before, must give the hits of search()'s pages (Xapian's own order of weight, then id; by year, the pages'
// settled ties; a browse's year-then-id key), whatever the window and the offset.
TEST_F(ExportCli, ExportWindowsResumeWhereThePagesDo) {
  const Searcher searcher(library_database());
  for (const std::string query :
       {"le OR la OR de OR the OR of OR el OR o", "gouvernance territoriale", "économie", ""}) {
    for (const std::optional<SortOrder> sort : {std::optional<SortOrder>(), std::optional(SortOrder::YearDescending),
                                                std::optional(SortOrder::YearAscending)})
      for (const std::size_t offset : {0, 3, 101}) {
        SearchRequest request;
        request.query = query;
        request.sort = sort;
        request.offset = offset;
        request.limit = kMaxLimit;
        std::vector<std::pair<std::string, double>> expected;
        for (SearchRequest page = request;; page.offset += kMaxLimit) {
          const SearchResponse r = searcher.search(page);
          for (const Hit& hit : r.hits) expected.emplace_back(hit.stored.id, hit.weight);
          if (r.hits.size() < kMaxLimit) break;
        }
        for (const std::size_t window : {1, 7, 64, 10000}) {
          std::vector<std::pair<std::string, double>> exported;
          std::size_t rank = offset;
          const std::size_t written = searcher.export_all(
              request,
              [&](const SearchResponse& page) {
                for (const Hit& hit : page.hits) {
                  EXPECT_EQ(hit.rank, ++rank);
                  exported.emplace_back(hit.stored.id, hit.weight);
                }
              },
              window);
          EXPECT_EQ(written, expected.size());
          EXPECT_EQ(exported, expected) << "[" << query << "] sorted " << (sort ? static_cast<int>(*sort) : -1)
                                        << " from " << offset << ", windows of " << window;
        }
      }
  }
}

TEST_F(ExportCli, CsvBomStartsTheCsv) {
  const RunResult plain = search({"--format", "csv", "--limit", "3", "économie"});
  const RunResult bom = search({"--format", "csv", "--csv-bom", "--limit", "3", "économie"});
  ASSERT_EQ(bom.exit_code, 0) << bom.err;
  EXPECT_EQ(bom.out, "\xEF\xBB\xBF" + plain.out);
  const RunResult all = search({"--format", "csv", "--csv-bom", "--all", "économie"});
  EXPECT_EQ(all.out.rfind("\xEF\xBB\xBFrank,id,", 0), 0u);
  EXPECT_EQ(all.out.find("\xEF\xBB\xBF", 1), std::string::npos);  // once
}

TEST_F(ExportCli, AllAndCsvBomRefuseOtherFormats) {
  const std::string all_usage =
      "citego-search: --all writes every hit as --format csv or jsonl, without --limit or "
      "--batch\nTry 'citego-search --help'.\n";
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--all", "x"}, {"--format", "text", "--all", "x"}, {"--format", "csv", "--all", "--limit", "5", "x"}}) {
    const RunResult r = search(args);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, all_usage);
  }
  const RunResult json = search({"--format", "json", "--all", "x"});
  EXPECT_EQ(json.exit_code, 2);
  EXPECT_EQ(json.out,
            "{\"version\":2,\"error\":{\"code\":\"usage\",\"message\":\"--all writes every hit as --format csv "
            "or jsonl, without --limit or --batch\"}}\n");
  const RunResult bom = search({"--format", "jsonl", "--csv-bom", "x"});
  EXPECT_EQ(bom.exit_code, 2);
  EXPECT_EQ(bom.out, "{\"version\":2,\"error\":{\"code\":\"usage\",\"message\":\"--csv-bom needs --format csv\"}}\n");
  EXPECT_EQ(bom.err, "citego-search: --csv-bom needs --format csv\nTry 'citego-search --help'.\n");
}

}  // namespace
}  // namespace citego::test
