// Terms, wdf and positions per document of a citego database, by kind of term, and how many stems equal a word of
// their own document. Built with the project (build/bench/db_terms); run:
//   build/bench/db_terms DB
#include <array>
#include <iostream>
#include <map>
#include <string>

#include <xapian.h>

namespace {

// "unprefixed", "Z (stem)", "Z+field" (stems of a prefixed field), "field S" (a field prefix: S, A, K, B) or
// "boolean XY" (the first two letters of any other prefix).
std::string kind_of(const std::string& term) {
  if (term.empty()) return "empty";
  const auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  if (term[0] == 'Z') return term.size() > 1 && upper(term[1]) ? "Z+field" : "Z (stem)";
  if (!upper(term[0])) return "unprefixed";
  std::size_t n = 0;
  while (n < term.size() && upper(term[n])) ++n;
  const std::string prefix = term.substr(0, n);
  if (prefix == "S" || prefix == "A" || prefix == "K" || prefix == "B") return "field " + prefix;
  return "boolean " + prefix.substr(0, 2);
}

}  // namespace

int run(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: db_terms DB\n";
    return 2;
  }
  const Xapian::Database db(argv[1]);
  // terms, wdf, positions, stems equal to a word of the same document
  std::map<std::string, std::array<double, 4>> kinds;
  double docs = 0;
  for (auto d = db.postlist_begin(""); d != db.postlist_end(""); ++d) {
    ++docs;
    const Xapian::Document doc = db.get_document(*d);
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
      const std::string term = *t;
      const std::string kind = kind_of(term);
      auto& k = kinds[kind];
      k[0] += 1;
      k[1] += t.get_wdf();
      k[2] += t.positionlist_count();
      if (kind == "Z (stem)") {
        Xapian::TermIterator word = doc.termlist_begin();
        word.skip_to(term.substr(1));
        if (word != doc.termlist_end() && *word == term.substr(1)) k[3] += 1;
      }
    }
  }
  if (docs == 0) return 0;
  std::cout << "| kind | terms/doc | wdf/doc | positions/doc | stems equal to a word of the document, /doc |\n"
               "|---|---:|---:|---:|---:|\n";
  std::array<double, 4> total{};
  for (const auto& [kind, v] : kinds) {
    std::cout << "| " << kind << " | " << v[0] / docs << " | " << v[1] / docs << " | " << v[2] / docs << " | "
              << v[3] / docs << " |\n";
    for (std::size_t i = 0; i < v.size(); ++i) total[i] += v[i];
  }
  std::cout << "| all | " << total[0] / docs << " | " << total[1] / docs << " | " << total[2] / docs << " | "
            << total[3] / docs << " |\n";
  return 0;
}

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const Xapian::Error& e) {
    std::cerr << "db_terms: " << e.get_description() << "\n";
    return 1;
  }
}
