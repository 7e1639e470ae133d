// Internal to citego-generate: the independent random streams of a run, and the two draws every writer uses.
//
// Every unit of the corpus (a document, a thesaurus entry, a block of the version 2 layout) draws from its own
// std::mt19937_64 seeded with stream_seed(seed, stream, number), so what it holds does not depend on the units
// generated before it. New streams take new numbers at the end: renumbering one would change the corpus.
#pragma once

#include <array>
#include <cstdint>
#include <random>

#include "corpus_generator.h"

namespace citego::generator {

enum Stream : std::uint64_t {
  // Version 1 (and the version 1 documents of version 2).
  kStreamOrganisation = 1,
  kStreamProject,
  kStreamResource,
  kStreamShuffle,  // the word lists' shuffles
  // Version 2.
  kStreamLayout,          // once per run: the dossier layout's shift
  kStreamDossierMembers,  // per dossier: its members
  kStreamTranslations,    // per block of 10 fiches: its translation group
  kStreamDossier,         // per dossier: its content
  kStreamFiche,           // per fiche: its own text (title, keywords, summary, body, url)
  kStreamFicheMetadata,   // per original fiche: what its translations share with it (type, date, authors, …)
  kStreamPerson,          // per person
  kStreamDescriptor,      // per descriptor
  kStreamPlace,           // per country: its regions and cities
};

// splitmix64's finaliser: turns (seed, stream, number) into well-spread seeds for std::mt19937_64.
inline std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

inline std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t stream, std::uint64_t number) {
  return mix64(mix64(mix64(seed) ^ stream) + number);
}

// True with probability p.
inline bool chance(std::mt19937_64& rng, double p) { return uniform_unit(rng) < p; }

// An index drawn with probability weights[i] / sum(weights); the sum must be positive and below 2^32.
template <std::size_t N>
std::size_t draw_weighted(std::mt19937_64& rng, const std::array<std::uint32_t, N>& weights) {
  std::uint32_t total = 0;
  for (const std::uint32_t w : weights) total += w;
  std::uint32_t u = uniform_below(rng, total);
  for (std::size_t i = 0; i < N; ++i) {
    if (u < weights[i]) return i;
    u -= weights[i];
  }
  return N - 1;  // not reached
}

// A language index in schema::kLangs order: fr 40 %, en 30 %, es 15 %, pt 15 %.
inline constexpr std::array<std::uint32_t, 4> kLanguageWeights = {40, 30, 15, 15};
inline std::size_t draw_language(std::mt19937_64& rng) {
  const std::uint32_t u = uniform_below(rng, 100);
  return u < 40 ? 0 : u < 70 ? 1 : u < 85 ? 2 : 3;
}

}  // namespace citego::generator
