// What bounds one request: the work budget of a query, the deadline and its watchdog, and the decoding of the
// server's requests, which reads bytes from anyone who can connect.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "citego/query_builder.h"
#include "citego/search_command.h"
#include "citego/search_wire.h"
#include "citego/snippet.h"
#include "citego/watchdog.h"
#include "citego/wire_codec.h"

namespace citego {
namespace {

std::string error_code_of(const std::string& query) {
  SearchRequest request;
  request.query = query;
  try {
    QueryBuilder({2016}).build(request);
  } catch (const SearchError& e) {
    return e.code() + ": " + e.what();
  }
  return "";
}

std::string repeated(const std::string& word, int times) {
  std::string text;
  for (int i = 0; i < times; ++i) text += word + std::to_string(i) + " ";
  return text;
}

TEST(QueryBudget, BoundsWildcardsAndTerms) {
  std::string eight;
  for (int i = 0; i < 8; ++i) eight += "w" + std::to_string(i) + "* ";
  EXPECT_EQ(error_code_of(eight), "");
  EXPECT_EQ(error_code_of(eight + "title:nine*"), "query_too_broad: the query has 9 wildcards; at most 8 are allowed");
  // Without a query language each word matches its stems in four languages: "motN" gives the exact term and one stem
  // shared by the four stemmers, 2 distinct terms a word.
  EXPECT_EQ(error_code_of(repeated("mot", 512)), "");
  EXPECT_EQ(error_code_of(repeated("mot", 513)),
            "query_too_long: the query has 1026 distinct terms, stems included; the limit is 1024");
  // A '*' inside a phrase or after nothing is no wildcard of the count.
  EXPECT_EQ(error_code_of("* ** *** " + eight), "");
}

TEST(QueryBudget, RecordsWhatEachWildcardStartsWith) {
  SearchRequest request;
  request.query = "Gouvern* title:Démocr* \"a b\" x*y";
  const QueryPlan plan = QueryBuilder({}).build(request);
  EXPECT_EQ(plan.wildcards, (std::vector<std::string>{"gouvern", "democr", "x"}));
}

TEST(Snippets, MarkWordsThatStartLikeAWildcard) {
  MatchedTerms terms;
  terms.prefixes = {"gouvern"};
  const Snippet snippet = make_snippet("La Gouvernance des territoires, gouverner ensemble.", schema::Lang::Fr, terms);
  EXPECT_EQ(snippet, (Snippet{{"La ", false},
                              {"Gouvernance", true},
                              {" des territoires, ", false},
                              {"gouverner", true},
                              {" ensemble.", false}}));
}

TEST(Snippets, ArePlacedAroundTheWordsThatStartLikeAWildcard) {
  MatchedTerms terms;
  terms.prefixes = {"gouvern"};
  std::string text;
  for (int i = 0; i < 50; ++i) text += "mot" + std::to_string(i) + " ";
  text += "une Gouvernance locale";
  for (int i = 50; i < 100; ++i) text += " mot" + std::to_string(i);
  const Snippet snippet = make_snippet(text, schema::Lang::Fr, terms);
  // Three words of context before the match, then the rest of the window of kSnippetWords words.
  std::string after;
  for (int i = 50; i < 75; ++i) after += " mot" + std::to_string(i);
  ASSERT_EQ(snippet.size(), 3u);
  EXPECT_EQ(snippet[0], (SnippetPart{"… mot48 mot49 une ", false}));
  EXPECT_EQ(snippet[1], (SnippetPart{"Gouvernance", true}));
  EXPECT_EQ(snippet[2], (SnippetPart{" locale" + after + " …", false}));
}

// The answer a command owes at its deadline is armed before the search and disarmed before the command's own answer.
TEST(DeadlineStop, IsArmedWithTheDeadlineErrorAndDisarmedBeforeTheAnswer) {
  std::vector<std::string> calls;
  double armed_seconds = 0;
  CommandOutcome late;
  const DeadlineStop stop{[&](double seconds, const CommandOutcome& outcome) {
                            calls.push_back("arm");
                            armed_seconds = seconds;
                            late = outcome;
                          },
                          [&] { calls.push_back("disarm"); }};
  std::ostringstream out;
  std::ostringstream err;
  std::istringstream in;
  const int status = run_search_command(
      {"--db", "/nonexistent/citego.db", "--deadline", "0.5", "--format", "json", "x"}, {out, err, in, false, &stop});
  EXPECT_EQ(status, kExitRuntime);  // no database: an error answer, after the watchdog was disarmed
  EXPECT_EQ(calls, (std::vector<std::string>{"arm", "disarm"}));
  EXPECT_DOUBLE_EQ(armed_seconds, 0.5 + kDeadlineGraceSeconds);
  EXPECT_EQ(late.status, kExitLimit);
  EXPECT_EQ(late.out,
            "{\"version\":2,\"error\":{\"code\":\"deadline_exceeded\",\"message\":\"the search did not finish "
            "within its deadline of 0.5 s: narrow the query, or allow more time with --deadline\"}}\n");
  EXPECT_EQ(late.err,
            "citego-search: the search did not finish within its deadline of 0.5 s: narrow the query, or "
            "allow more time with --deadline\n");
  // Usage errors come before any search: nothing is armed.
  calls.clear();
  EXPECT_EQ(run_search_command({"--limit", "1000", "x"}, {out, err, in, false, &stop}), kExitUsage);
  EXPECT_TRUE(calls.empty());
}

// In a child process: the watchdog writes what it was given and ends the process with the status, wherever it is.
TEST(Watchdog, WritesTheAnswerAndEndsTheProcessWhenTheDeadlinePasses) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(pipe_fds[0]);
    Watchdog::arm(0.05, {{pipe_fds[1], "late answer\n"}, {pipe_fds[1], "second write\n"}}, 3);
    for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));  // a search that never ends
  }
  ::close(pipe_fds[1]);
  std::string got;
  char buffer[256];
  for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;)
    got.append(buffer, static_cast<std::size_t>(n));
  ::close(pipe_fds[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_EQ(got, "late answer\nsecond write\n");
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3);
}

TEST(Watchdog, DisarmedItNeverFires) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    Watchdog::arm(0.05, {}, 3);
    Watchdog::disarm();
    Watchdog::arm(10, {}, 4);  // re-armed: replaces the first
    Watchdog::disarm();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// The bytes of a request, written by hand as the client writes them (not by encode_request, which is checked here).
std::string hand_written_request(const std::vector<std::string>& fields) {
  std::string bytes(CITEGO_WIRE_MAGIC, CITEGO_WIRE_MAGIC_BYTES);
  const auto put = [&bytes](std::uint32_t n) { bytes.append(reinterpret_cast<const char*>(&n), sizeof n); };
  put(static_cast<std::uint32_t>(fields.size()));
  for (const std::string& field : fields) {
    put(static_cast<std::uint32_t>(field.size()));
    bytes += field;
  }
  return bytes;
}

TEST(WireCodec, DecodesARequestAsItArrives) {
  const std::string bytes = hand_written_request({"/home/site", "1 120 1", "--format", "json", "économie"});
  const WireRequest expected{"/home/site", true, {"--format", "json", "économie"}, 120, true};
  EXPECT_EQ(encode_request(expected), bytes);
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    WireRequest request;
    std::size_t consumed = 0;
    EXPECT_EQ(decode_request(std::string_view(bytes).substr(0, cut), request, consumed), WireStatus::Incomplete) << cut;
  }
  WireRequest request;
  std::size_t consumed = 0;
  ASSERT_EQ(decode_request(bytes + "trailing", request, consumed), WireStatus::Complete);
  EXPECT_EQ(request, expected);
  EXPECT_EQ(consumed, bytes.size());
}

TEST(WireCodec, RefusesWhatBreaksTheFormatOrItsLimits) {
  const auto status_of = [](const std::string& bytes) {
    WireRequest request;
    std::size_t consumed = 0;
    return decode_request(bytes, request, consumed);
  };
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\n"), WireStatus::Invalid);
  EXPECT_EQ(status_of("citego-search/2\n"), WireStatus::Invalid);
  EXPECT_EQ(status_of(hand_written_request({"/"})), WireStatus::Invalid);  // fewer than two fields
  // Field 1 is "TERMINAL WIDTH COLOUR": "0" or "1", at most 4 digits without a leading zero, "0" or "1".
  for (const char* style :
       {"yes", "0", "1", "1 80", "2 80 1", "1 80 2", "1 x 1", "1  1", "1 12345 1", "1 80 1 ", "1 080 1", "0 00 0"}) {
    EXPECT_EQ(status_of(hand_written_request({"/", style, "x"})), WireStatus::Invalid) << style;
  }
  EXPECT_EQ(status_of(hand_written_request({"/", "0 0 0", "x"})), WireStatus::Complete);
  EXPECT_EQ(status_of(hand_written_request(std::vector<std::string>(CITEGO_WIRE_MAX_FIELDS + 1, "0"))),
            WireStatus::Invalid);
  // Sizes over the limit are refused from the size alone, before the bytes come: three fields, "/", "0", and one
  // that says it has CITEGO_WIRE_MAX_BYTES bytes (the total would then be over the limit).
  std::string huge(CITEGO_WIRE_MAGIC, CITEGO_WIRE_MAGIC_BYTES);
  for (const std::uint32_t n : {3u, 1u}) huge.append(reinterpret_cast<const char*>(&n), 4);
  huge += "/";
  const std::uint32_t one = 1;
  huge.append(reinterpret_cast<const char*>(&one), 4);
  huge += "0";
  const std::uint32_t size = CITEGO_WIRE_MAX_BYTES;
  huge.append(reinterpret_cast<const char*>(&size), 4);
  EXPECT_EQ(status_of(huge), WireStatus::Invalid);
  EXPECT_EQ(status_of(hand_written_request({"/", "1 0 1", std::string(CITEGO_WIRE_MAX_BYTES - 6, 'x')})),
            WireStatus::Complete);
}

TEST(WireCodec, EncodesAnswersAndAcceptances) {
  const CommandOutcome outcome{3, "{}\n", "late\n"};
  std::string expected(1, CITEGO_WIRE_ANSWERED);
  const std::int32_t status = 3;
  expected.append(reinterpret_cast<const char*>(&status), 4);
  const std::uint32_t three = 3;
  const std::uint32_t five = 5;
  expected.append(reinterpret_cast<const char*>(&three), 4);
  expected += "{}\n";
  expected.append(reinterpret_cast<const char*>(&five), 4);
  expected += "late\n";
  EXPECT_EQ(encode_answer(outcome), expected);
  const std::uint32_t wait = 3750;
  std::string accepted(1, CITEGO_WIRE_ACCEPTED);
  accepted.append(reinterpret_cast<const char*>(&wait), 4);
  accepted += expected.substr(1);
  EXPECT_EQ(encode_accepted(wait, outcome), accepted);
}

}  // namespace
}  // namespace citego
