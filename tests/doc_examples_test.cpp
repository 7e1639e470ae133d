// The outputs the documents show are the outputs of the current binary. In README.md, schema/README.md and
// schema/search-response.md, a block of output follows a marker line
//
//   <!-- output: citego-search ARGS -->        the block is the whole standard output (CRLF shown as LF)
//   <!-- output-tail: citego-search ARGS -->   the block is how standard output ends
//
// and is compared with what `citego-search --db DB ARGS` writes, DB being the bundled corpus (corpus/ and
// corpus/library/). ARGS are words split at spaces ('…' quotes a word with spaces). CITEGO_UPDATE_GOLDEN=1 rewrites
// the blocks with the outputs instead: check the diff it makes.
#include <cstdlib>
#include <string_view>

#include <gtest/gtest.h>

#include "test_support.h"

namespace citego::test {
namespace {

bool update_golden() {
  const char* update = std::getenv("CITEGO_UPDATE_GOLDEN");
  return update != nullptr && !std::string_view(update).empty() && std::string_view(update) != "0";
}

std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  bool quoted = false;
  bool any = false;
  for (char c : text) {
    if (c == '\'') {
      quoted = !quoted;
      any = true;
    } else if (c == ' ' && !quoted) {
      if (any) words.push_back(word);
      word.clear();
      any = false;
    } else {
      word += c;
      any = true;
    }
  }
  if (any) words.push_back(word);
  return words;
}

std::string without_cr(std::string text) {
  std::erase(text, '\r');
  return text;
}

class DocExamples : public ::testing::TestWithParam<std::string> {};

TEST_P(DocExamples, EveryOutputShownIsTheBinarys) {
  const std::string path = source_dir() + "/" + GetParam();
  std::string doc = read_file(path);
  const std::string whole = "<!-- output: citego-search ";
  const std::string tail = "<!-- output-tail: citego-search ";
  std::size_t examples = 0;
  for (std::size_t at = 0;;) {
    const std::size_t a = doc.find(whole, at);
    const std::size_t b = doc.find(tail, at);
    const std::size_t marker = std::min(a, b);
    if (marker == std::string::npos) break;
    const bool is_tail = marker == b;
    const std::size_t args_from = marker + (is_tail ? tail : whole).size();
    const std::size_t args_end = doc.find(" -->\n", args_from);
    ASSERT_NE(args_end, std::string::npos) << path << ": a marker without its end";
    const std::string command = doc.substr(args_from, args_end - args_from);
    const std::size_t fence = doc.find("```", args_end);
    const std::size_t from = doc.find('\n', fence) + 1;
    const std::size_t to = doc.find("```\n", from);
    ASSERT_NE(to, std::string::npos) << path << ": no block after the marker of " << command;
    std::vector<std::string> args = words_of(command);
    args.insert(args.begin(), {"--db", library_database()});
    const RunResult r = run(search_binary(), args);
    const std::string out = without_cr(r.out);
    const std::string shown = doc.substr(from, to - from);
    if (update_golden()) {
      // A tail that is still the output's end stays as it is; another becomes the output's last line.
      const bool still_true =
          out.size() >= shown.size() && out.compare(out.size() - shown.size(), shown.size(), shown) == 0;
      const std::string block = !is_tail ? out : still_true ? shown : out.substr(out.rfind('\n', out.size() - 2) + 1);
      doc.replace(from, to - from, block);
      at = from + block.size();
    } else {
      if (is_tail) {
        EXPECT_TRUE(out.size() >= shown.size() && out.compare(out.size() - shown.size(), shown.size(), shown) == 0)
            << path << ": the output of citego-search " << command << " does not end with the block shown:\n"
            << shown << "\nit ends with:\n"
            << out.substr(out.size() > 400 ? out.size() - 400 : 0)
            << "\nregenerate: CITEGO_UPDATE_GOLDEN=1 ctest --test-dir build -R DocExamples";
      } else {
        EXPECT_EQ(shown, out) << path << ": the block shown is not the output of citego-search " << command
                              << "; regenerate: CITEGO_UPDATE_GOLDEN=1 ctest --test-dir build -R DocExamples";
      }
      at = to;
    }
    ++examples;
  }
  if (update_golden()) write_file(path, doc);
  if (GetParam() == "schema/search-response.md") {
    EXPECT_GE(examples, 4u);
  }
}

INSTANTIATE_TEST_SUITE_P(Documents, DocExamples,
                         ::testing::Values("README.md", "schema/README.md", "schema/search-response.md"));

}  // namespace
}  // namespace citego::test
