// stem_agreement: how well stemming folded words agrees with folding Snowball's stem of the accented word.
//
//   build/bench/stem_agreement LANG WORDLIST     e.g. french /usr/share/dict/french (Debian package wfrench)
//
// For every lower-case word of the list, the reference is exact_term(snowball(word)); it prints the share of words
// whose folded form gets the same stem from plain Snowball and from citego's stemmer (analysis::stemmer_for).
#include <cctype>
#include <fstream>
#include <iostream>
#include <optional>

#include "citego/analysis.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: stem_agreement french|english|spanish|portuguese WORDLIST\n";
    return 2;
  }
  const std::string language = argv[1];
  std::optional<citego::schema::Lang> lang;
  for (citego::schema::Lang l : citego::schema::kLangs) {
    if (citego::schema::stemmer_name_of(l) == language) lang = l;
  }
  std::ifstream in(argv[2]);
  if (!lang || !in) {
    std::cerr << "stem_agreement: unknown language or unreadable word list\n";
    return 2;
  }
  Xapian::Stem snowball(language);
  Xapian::Stem citego_stemmer = citego::analysis::stemmer_for(*lang);
  std::size_t words = 0, plain_agree = 0, citego_agree = 0;
  std::string word;
  while (std::getline(in, word)) {
    if (word.empty() || std::isupper(static_cast<unsigned char>(word[0]))) continue;
    const std::string lower = Xapian::Unicode::tolower(word);
    const std::string reference = citego::analysis::exact_term(snowball(lower));
    const std::string folded = citego::analysis::exact_term(lower);
    ++words;
    plain_agree += citego::analysis::exact_term(snowball(folded)) == reference;
    citego_agree += citego_stemmer(folded) == reference;
  }
  std::cout.precision(1);
  std::cout << std::fixed << language << ": " << words << " words; plain Snowball on folded words agrees on "
            << 100.0 * static_cast<double>(plain_agree) / static_cast<double>(words) << "%, citego's stemmer on "
            << 100.0 * static_cast<double>(citego_agree) / static_cast<double>(words) << "%\n";
  return 0;
}
