// Internal to citego-generate: each language's material (function and domain words, names, organisation heads,
// countries), its word list ranked for Zipf sampling, and the small text operations on UTF-8 the writers share.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "citego/schema.h"
#include "corpus_generator.h"

namespace citego::generator {

namespace fs = std::filesystem;

using Words = std::span<const std::string_view>;

struct LanguageSpec {
  schema::Lang lang;
  std::string_view list_file;  // under --words-dir
  std::string_view package;    // the Debian package that installs it
  Words function_words;
  Words domain_words;
  Words first_names;
  Words last_names;
  const std::array<std::string_view, 12>* org_heads;
  Words countries;
  bool french_elision;
};

// In schema::kLangs order.
extern const std::array<LanguageSpec, 4> kLanguageSpecs;

// Decodes the code point at s[i] and advances i; -1 for invalid UTF-8 (bad sequence, overlong form, surrogate).
long decode_utf8(std::string_view s, std::size_t& i);

// A word list entry the generator uses: valid UTF-8, not capitalised (proper nouns, acronyms), letters and inner
// hyphens only (no apostrophe, so no "aujourd'hui" and no English "'s" forms; no abbreviation dots).
bool usable_word(std::string_view w);

// One language's vocabulary: function words, then domain words, then the usable entries of its word list in a
// seeded shuffled order; Zipf rank r has probability ∝ 1/(r+1).
class LanguageModel {
 public:
  LanguageModel(const LanguageSpec& spec, const fs::path& words_dir, std::uint64_t seed)
      : spec_(spec), words_(load(spec, words_dir, seed, storage_)), zipf_(words_.size()) {}
  LanguageModel(const LanguageModel&) = delete;
  LanguageModel& operator=(const LanguageModel&) = delete;

  const LanguageSpec& spec() const { return spec_; }
  std::string_view word(std::mt19937_64& rng) const { return words_[zipf_(rng)]; }
  std::string_view domain_word(std::mt19937_64& rng) const {
    return spec_.domain_words[uniform_below(rng, static_cast<std::uint32_t>(spec_.domain_words.size()))];
  }
  // A word of the list itself (neither a function nor a domain word), uniformly: for names and labels.
  std::string_view listed_word(std::mt19937_64& rng) const {
    const std::size_t top = spec_.function_words.size() + spec_.domain_words.size();
    return words_[top + uniform_below(rng, static_cast<std::uint32_t>(words_.size() - top))];
  }

 private:
  static std::vector<std::string_view> load(const LanguageSpec& spec, const fs::path& words_dir, std::uint64_t seed,
                                            std::string& storage);

  const LanguageSpec& spec_;
  std::string storage_;  // the list's bytes; words_ points into it (declared first: initialised first)
  std::vector<std::string_view> words_;
  ZipfSampler zipf_;
};

// Upper-cases the letter at out[pos]: ASCII, Latin-1 (é → É) and œ.
void capitalise_at(std::string& out, std::size_t pos);

// French elision: "le", "la" → "l'", "de" → "d'", "que" → "qu'" (and "ce", "se", "ne") before a vowel or h.
std::string_view elided_form(std::string_view w);

// Whether `w` starts with a vowel (accented or not, œ included) or h: where French elides.
bool starts_with_vowel_or_h(std::string_view w);

}  // namespace citego::generator
