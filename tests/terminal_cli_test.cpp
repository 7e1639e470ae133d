// Text for a reader at a terminal: citego-search run on a pseudo-terminal (script(1)) wraps to the terminal's width
// or COLUMNS, never inside a word, and is bold unless NO_COLOR or TERM=dumb; in a pipe it writes JSON by default,
// and --format text there is neither wrapped (unless COLUMNS says so) nor bold.
#include <sstream>

#include <gtest/gtest.h>

#include "test_support.h"

namespace citego::test {
namespace {

const std::vector<std::string> kQuery = {"--lang",        "fr", "--limit", "3",
                                         "--facet-limit", "3",  "budget",  "participatif"};

// `text` without carriage returns (a terminal's line ends) and ANSI escapes.
std::string plain(std::string text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\033') {
      i = text.find('m', i);
    } else if (text[i] != '\r') {
      out += text[i];
    }
  }
  return out;
}

// The words of `text`, its *stars* (matches outside a terminal) aside.
std::vector<std::string> words_of(const std::string& text) {
  std::string bare;
  for (char c : plain(text)) {
    if (c != '*') bare += c;
  }
  std::istringstream in(bare);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

// The widest line of `text` in UTF-8 characters, less the lines of one word (after their indent), which a word longer
// than the width (a URL) makes.
std::size_t widest_line(const std::string& text) {
  std::size_t widest = 0;
  std::istringstream lines(plain(text));
  for (std::string line; std::getline(lines, line);) {
    if (line.find(' ', line.find_first_not_of(' ')) == std::string::npos) continue;
    std::size_t n = 0;
    for (unsigned char c : line) n += (c & 0xC0) != 0x80;
    widest = std::max(widest, n);
  }
  return widest;
}

std::string quoted(const std::vector<std::string>& args) {
  std::string out;
  for (const std::string& a : args) out += " '" + a + "'";
  return out;
}

class TerminalCli : public ::testing::Test {
 protected:
  // citego-search with `environment` (assignments) on a terminal `columns` wide, through script(1).
  static RunResult on_terminal(unsigned columns, const std::string& environment) {
    const std::string command = "stty cols " + std::to_string(columns) + "; env " + environment + " '" +
                                search_binary() + "' --db '" + library_database() + "'" + quoted(kQuery);
    return run("/usr/bin/script", {"-qec", command, "/dev/null"});
  }
  static RunResult in_pipe(const std::vector<std::string>& args, const std::string& prefix = "") {
    std::vector<std::string> all = {"--db", library_database()};
    all.insert(all.end(), args.begin(), args.end());
    return run(search_binary(), all, ".", prefix);
  }
};

TEST_F(TerminalCli, ATerminalGetsBoldTextWrappedToItsWidth) {
  const RunResult piped = in_pipe([] {
    std::vector<std::string> args = {"--format", "text"};
    args.insert(args.end(), kQuery.begin(), kQuery.end());
    return args;
  }());
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(piped.out.find('\033'), std::string::npos);
  ASSERT_GT(widest_line(piped.out), 100u);  // unwrapped in a pipe: there is something to wrap

  const RunResult narrow = on_terminal(50, "-u COLUMNS -u NO_COLOR TERM=xterm");
  ASSERT_EQ(narrow.exit_code, 0) << narrow.out;
  EXPECT_LE(widest_line(narrow.out), 50u) << narrow.out;
  EXPECT_EQ(words_of(narrow.out), words_of(piped.out));  // the same words, none broken
  EXPECT_NE(narrow.out.find("\033[1m"), std::string::npos) << narrow.out;

  // COLUMNS wins over the terminal's width.
  const RunResult columns = on_terminal(50, "-u NO_COLOR COLUMNS=72 TERM=xterm");
  EXPECT_LE(widest_line(columns.out), 72u);
  EXPECT_GT(widest_line(columns.out), 50u);
  EXPECT_EQ(words_of(columns.out), words_of(piped.out));
}

TEST_F(TerminalCli, NoColorAndTermDumbHaveNoBold) {
  const RunResult bold = on_terminal(80, "-u COLUMNS -u NO_COLOR TERM=xterm");
  ASSERT_NE(bold.out.find("\033[1m"), std::string::npos) << bold.out;
  for (const std::string environment : {"-u COLUMNS NO_COLOR=1 TERM=xterm", "-u COLUMNS -u NO_COLOR TERM=dumb"}) {
    const RunResult r = on_terminal(80, environment);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_EQ(r.out.find('\033'), std::string::npos) << environment << "\n" << r.out;
    EXPECT_NE(r.out.find("*budget*"), std::string::npos) << environment;
    EXPECT_EQ(words_of(r.out), words_of(bold.out)) << environment;
  }
}

TEST_F(TerminalCli, APipeGetsJsonUnlessTextIsAskedAndColumnsWrapsIt) {
  const RunResult json = in_pipe(kQuery);
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(json.out.rfind("{\"version\":2,", 0), 0u);
  std::vector<std::string> text_args = {"--format", "text"};
  text_args.insert(text_args.end(), kQuery.begin(), kQuery.end());
  const RunResult whole = in_pipe(text_args, "unset COLUMNS;");
  const RunResult wrapped = in_pipe(text_args, "export COLUMNS=40;");
  ASSERT_EQ(wrapped.exit_code, 0) << wrapped.err;
  EXPECT_LE(widest_line(wrapped.out), 40u) << wrapped.out;
  EXPECT_EQ(words_of(wrapped.out), words_of(whole.out));
  EXPECT_EQ(wrapped.out.find('\033'), std::string::npos);
  EXPECT_NE(wrapped.out, whole.out);
}

}  // namespace
}  // namespace citego::test
