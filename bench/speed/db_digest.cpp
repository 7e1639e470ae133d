// A digest of everything a search reads from a citego database: every term with its collection frequency, every
// posting with its wdf and positions, every document's data and values, the metadata (but the build time) and the
// spelling table. Two databases with the same digest answer every query alike, so a change to how the indexer writes
// is checked by building the same corpus with both versions. Built with the project; run:
//   build/bench/db_digest DB
#include <functional>
#include <iostream>
#include <string>

#include <xapian.h>

namespace {

class Digest {
 public:
  void add(const std::string& s) { value_ = value_ * 1000003u ^ std::hash<std::string>{}(s); }
  std::size_t value() const { return value_; }

 private:
  std::size_t value_ = 0;
};

}  // namespace

int run(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: db_digest DB\n";
    return 2;
  }
  const Xapian::Database db(argv[1]);
  Digest index, documents, rest;
  std::size_t terms = 0, postings = 0, positions = 0, spellings = 0;
  for (auto t = db.allterms_begin(); t != db.allterms_end(); ++t) {
    ++terms;
    index.add(*t);
    index.add(std::to_string(db.get_collection_freq(*t)));
    for (auto p = db.postlist_begin(*t); p != db.postlist_end(*t); ++p) {
      ++postings;
      index.add(std::to_string(*p) + ":" + std::to_string(p.get_wdf()));
      for (auto q = p.positionlist_begin(); q != p.positionlist_end(); ++q) {
        ++positions;
        index.add(std::to_string(*q));
      }
    }
  }
  for (auto d = db.postlist_begin(""); d != db.postlist_end(""); ++d) {
    const Xapian::Document doc = db.get_document(*d);
    documents.add(doc.get_data());
    for (auto v = doc.values_begin(); v != doc.values_end(); ++v) documents.add(std::to_string(v.get_valueno()) + *v);
  }
  for (auto m = db.metadata_keys_begin(); m != db.metadata_keys_end(); ++m) {
    if (*m != "citego.built_at") rest.add(*m + "=" + db.get_metadata(*m));
  }
  for (auto s = db.spellings_begin(); s != db.spellings_end(); ++s) {
    ++spellings;
    rest.add(*s + ":" + std::to_string(s.get_termfreq()));
  }
  std::cout << "documents " << db.get_doccount() << ", terms " << terms << ", postings " << postings << ", positions "
            << positions << ", spelling words " << spellings << "; digests: index " << std::hex << index.value()
            << ", documents " << documents.value() << ", metadata and spelling " << rest.value() << "\n";
  return 0;
}

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const Xapian::Error& e) {
    std::cerr << "db_digest: " << e.get_description() << "\n";
    return 1;
  }
}
