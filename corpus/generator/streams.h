// Internal to citego-generate: the independent random streams of a run, and the two draws every writer uses.
//
// Every unit of the corpus (a document, a thesaurus entry, a block of the version 2 layout) draws from its own
// std::mt19937_64 seeded with stream_seed(seed, stream, number), so what it holds does not depend on the units
// generated before it. New streams take new numbers at the end: renumbering one would change the corpus.
#pragma once

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

// A language index in schema::kLangs order: fr 40 %, en 30 %, es 15 %, pt 15 %.
inline std::size_t draw_language(std::mt19937_64& rng) {
  const std::uint32_t u = uniform_below(rng, 100);
  return u < 40 ? 0 : u < 70 ? 1 : u < 85 ? 2 : 3;
}

}  // namespace citego::generator
