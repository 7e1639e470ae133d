// citego-index --shards N writes each shard from the staging runs; the oracle is write_shard_set(), which splits one
// database of the same exports document by document (the way an update writes a set): each shard, and `spelling`,
// must hold the same documents in the same order (terms, wdf, positions, values, data), the same metadata and the same
// spelling table as the split, whatever the chunk size and the number of writer threads.
#include "citego/shard_set.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <xapian.h>

#include "corpus_generator.h"
#include "test_support.h"

namespace citego::test {
namespace {

// dump_database() and the spelling table, which it leaves out.
std::string dump_with_spelling(const std::string& path) {
  std::string out = dump_database(path);
  const Xapian::Database db(path);
  for (auto word = db.spellings_begin(); word != db.spellings_end(); ++word) {
    out += "spelling " + *word + ":" + std::to_string(word.get_termfreq()) + "\n";
  }
  return out;
}

void expect_set_is_split_of_one_database(const std::vector<std::string>& inputs, unsigned shards,
                                         const std::string& chunk, const std::string& jobs) {
  TempDir dir;
  const RunResult one = run(index_binary(), [&] {
    std::vector<std::string> args = {"-q", "--db", dir / "one"};
    args.insert(args.end(), inputs.begin(), inputs.end());
    return args;
  }());
  ASSERT_EQ(one.exit_code, 0) << one.err;
  std::vector<std::string> args = {"-q",   "--shards", std::to_string(shards), "--chunk", chunk, "--jobs", jobs,
                                   "--db", dir / "set"};
  args.insert(args.end(), inputs.begin(), inputs.end());
  const RunResult set = run(index_binary(), args);
  ASSERT_EQ(set.exit_code, 0) << set.err;
  write_shard_set(dir / "one", dir / "split", shards);

  EXPECT_EQ(read_file(dir / "set/XAPIANDB"), read_file(dir / "split/XAPIANDB"));
  Xapian::doccount documents = 0;
  for (unsigned k = 0; k < shards; ++k) {
    const std::string name = shard_name(k);
    SCOPED_TRACE(name);
    const std::string built = dump_with_spelling(dir / ("set/" + name));
    EXPECT_EQ(built, dump_with_spelling(dir / ("split/" + name)));
    EXPECT_EQ(Xapian::Database(dir / ("set/" + name)).get_metadata(std::string(schema::kMetaShard)),
              std::to_string(k + 1) + "/" + std::to_string(shards));
    documents += Xapian::Database(dir / ("set/" + name)).get_doccount();
  }
  EXPECT_EQ(documents, Xapian::Database(dir / "one").get_doccount());
  EXPECT_EQ(dump_with_spelling(dir / "set/spelling"), dump_with_spelling(dir / "split/spelling"));
}

TEST(ShardSetBuild, TheBundledCorpusInChunksOfTwoIsTheSplitOfOneDatabase) {
  // Chunks of 2 documents over 3 shards (most chunks have no document of some shard), two writer threads.
  expect_set_is_split_of_one_database({corpus_dir(), corpus_dir() + "/library"}, 3, "2", "2");
}

// Dossiers, persons, places and the derived facets of version 2, one writer thread.
TEST(ShardSetBuild, AGeneratedCorpusIsTheSplitOfOneDatabase) {
  TempDir inputs;
  generator::GeneratorOptions options;
  options.documents = 400;
  options.files = 3;
  options.out_dir = inputs / "corpus";
  generator::generate_corpus(options);
  expect_set_is_split_of_one_database({inputs / "corpus"}, 4, "60", "1");
}

}  // namespace
}  // namespace citego::test
