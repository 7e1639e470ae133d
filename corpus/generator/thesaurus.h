// Internal to citego-generate, version 2: the thesaurus written to thesaurus.xml, and what the documents draw from it.
//
// Places and descriptors are fixed-size tables built once per run from the seed alone (so the same seed gives the
// same thesaurus whatever --docs and --files); persons are written one at a time, each from its own stream, like
// documents (they depend on the seed, their number and the number of organisations they may work for).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "corpus_generator.h"
#include "language_model.h"

namespace citego::generator {

enum class PlaceLevel { Continent, Country, Region, City };  // schema::kPlaceLevels order

struct Place {
  std::string id;
  PlaceLevel level = PlaceLevel::Continent;
  std::size_t parent = 0;             // index in PlaceHierarchy::places(); unused for continents
  std::size_t continent = 0;          // index of its continent (itself for a continent)
  std::string code;                   // countries: ISO 3166-1 alpha-2
  std::array<std::string, 4> labels;  // schema::kLangs order; an empty one is not written
};

// The 5 continents (Africa, America, Asia, Europe, Oceania), 60 real countries with their ISO codes and their names
// in the four languages, and for each country 1-3 regions and 2-6 cities with generated names in the country's
// language, labelled in that language only.
class PlaceHierarchy {
 public:
  PlaceHierarchy(const std::vector<std::unique_ptr<LanguageModel>>& languages, std::uint64_t seed);

  const std::vector<Place>& places() const { return places_; }

  // One place for a document in language `lang`: a city 50 %, a country 35 %, a region 10 %, a continent 5 %. Its
  // country is, half the time, one of the language's countries (uniformly), else Zipf over the countries in the
  // table's order (France first); a region or a city is then drawn uniformly among the country's.
  std::size_t draw(std::mt19937_64& rng, std::size_t lang) const;

 private:
  std::vector<Place> places_;
  std::vector<std::size_t> countries_;                            // indexes in table order
  std::array<std::vector<std::size_t>, 4> countries_by_lang_;     // indexes of each language's countries
  std::vector<std::vector<std::size_t>> regions_of_, cities_of_;  // by position in countries_
  std::vector<std::size_t> country_position_;                     // place index → position in countries_
  ZipfSampler popular_countries_;
};

struct Descriptor {
  int family = -1;                     // index in schema::kDescriptorFamilies, -1 for none
  std::array<std::string, 4> labels;   // schema::kLangs order, all four written
  std::vector<std::uint32_t> related;  // descriptor numbers
};

// kDescriptors descriptors dsc-00001 …: family territory 45 %, governance 45 %, none 10 %; a label in each language
// of 1 word (35 %), 2 words (40 %) or "word de/of word" (25 %), each word a domain word (25 %: the same in the four
// languages) or a word of the language's list, unique within the language; 1-4 related descriptors (40/30/20/10 %),
// half of them Zipf-popular, never itself, never a descriptor that already names it (the relation is symmetric: one
// side suffices).
std::vector<Descriptor> make_descriptors(const std::vector<std::unique_ptr<LanguageModel>>& languages,
                                         std::uint64_t seed);

// Appends the elements of thesaurus.xml: every place, every descriptor, and persons [0, persons): name in one of
// the languages (40/30/15/15 %), an affiliation to an organisation below `organisations` for 70 % of them (half
// Zipf-popular, half uniform; none when there is no organisation). `flush(out)` is called whenever out holds more
// than `flush_bytes`.
template <typename Flush>
void append_thesaurus(std::string& out, const PlaceHierarchy& places, const std::vector<Descriptor>& descriptors,
                      const std::vector<std::unique_ptr<LanguageModel>>& languages, std::uint64_t seed,
                      std::uint64_t persons, std::uint64_t organisations, std::size_t flush_bytes, Flush flush);

void append_place(std::string& out, const Place& place, const std::vector<Place>& places);
void append_descriptor(std::string& out, std::uint64_t n, const Descriptor& descriptor);
// A person, from its own stream. `popular_organisations` is Zipf over `organisations` (absent when there are none).
void append_person(std::string& out, std::uint64_t n, const std::vector<std::unique_ptr<LanguageModel>>& languages,
                   std::uint64_t seed, std::uint64_t organisations,
                   const std::optional<ZipfSampler>& popular_organisations);

// A person's name in the language `spec`: first name and last name from its lists; a French one may have a compound
// first name (20 %), a Spanish or Portuguese one two last names (50 %), an English one a middle initial (20 %).
void append_person_name(std::string& out, std::mt19937_64& rng, const LanguageSpec& spec);

template <typename Flush>
void append_thesaurus(std::string& out, const PlaceHierarchy& places, const std::vector<Descriptor>& descriptors,
                      const std::vector<std::unique_ptr<LanguageModel>>& languages, std::uint64_t seed,
                      std::uint64_t persons, std::uint64_t organisations, std::size_t flush_bytes, Flush flush) {
  for (const Place& place : places.places()) append_place(out, place, places.places());
  for (std::size_t d = 0; d < descriptors.size(); ++d) append_descriptor(out, d, descriptors[d]);
  if (out.size() >= flush_bytes) flush(out);
  std::optional<ZipfSampler> popular;
  if (organisations > 0) popular.emplace(organisations);
  for (std::uint64_t p = 0; p < persons; ++p) {
    append_person(out, p, languages, seed, organisations, popular);
    if (out.size() >= flush_bytes) flush(out);
  }
}

}  // namespace citego::generator
