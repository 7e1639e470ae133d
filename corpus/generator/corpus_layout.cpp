// citego-generate, version 2: see corpus_layout.h.
#include "corpus_layout.h"

#include <algorithm>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>

#include "corpus_generator.h"
#include "streams.h"

namespace citego::generator {

namespace {

// The first `count` entries of a partial Fisher-Yates shuffle of 0 … n-1 (n ≤ 64).
void partial_shuffle(std::mt19937_64& rng, unsigned n, unsigned count, std::array<std::uint8_t, 64>& out) {
  std::array<std::uint8_t, 64> positions{};
  std::iota(positions.begin(), positions.begin() + n, std::uint8_t{0});
  for (unsigned i = 0; i < count; ++i) {
    const unsigned j = i + uniform_below(rng, n - i);
    std::swap(positions[i], positions[j]);
    out[i] = positions[i];
  }
}

}  // namespace

DossierLayout::DossierLayout(std::uint64_t seed, std::uint64_t dossiers, std::uint64_t fiches)
    : seed_(seed), dossiers_(dossiers), fiches_(fiches) {
  if (dossiers == 0) return;
  // Group sizes are floor(F/D) and ceil(F/D).
  if (fiches / dossiers < kMinPrimary || (fiches + dossiers - 1) / dossiers > kMaxGroup) {
    throw std::invalid_argument("DossierLayout: " + std::to_string(fiches) + " fiches cannot make " +
                                std::to_string(dossiers) + " groups of 5 to 64");
  }
  if (dossiers >= 2) {
    std::mt19937_64 rng(stream_seed(seed, kStreamLayout, 0));
    shift_ = 1 + (static_cast<std::uint64_t>(uniform_below(rng, 0xFFFFFFFFu)) % (dossiers - 1));
  }
}

std::uint64_t DossierLayout::group_of(std::uint64_t fiche) const {
  std::uint64_t g = fiche * dossiers_ / fiches_;  // close; corrected below
  while (g + 1 < dossiers_ && group_begin(g + 1) <= fiche) ++g;
  while (g > 0 && group_begin(g) > fiche) --g;
  return g;
}

DossierLayout::Draw DossierLayout::draw(std::uint64_t d) const {
  std::mt19937_64 rng(stream_seed(seed_, kStreamDossierMembers, d));
  Draw out;
  const auto size = static_cast<unsigned>(group_begin(d + 1) - group_begin(d));
  const unsigned most = std::min(kMaxPrimary, size);
  out.primary_count = kMinPrimary + uniform_below(rng, most - kMinPrimary + 1);
  partial_shuffle(rng, size, out.primary_count, out.primary);
  if (shift_ != 0) {
    const std::uint64_t h = (d + shift_) % dossiers_;
    const auto other = static_cast<unsigned>(group_begin(h + 1) - group_begin(h));
    out.secondary_count = uniform_below(rng, std::min(kMaxSecondary, other) + 1);
    partial_shuffle(rng, other, out.secondary_count, out.secondary);
  }
  return out;
}

std::vector<std::uint64_t> DossierLayout::members(std::uint64_t d) const {
  const Draw dr = draw(d);
  std::vector<std::uint64_t> out;
  for (unsigned i = 0; i < dr.primary_count; ++i) out.push_back(group_begin(d) + dr.primary[i]);
  if (shift_ != 0) {
    const std::uint64_t h = (d + shift_) % dossiers_;
    for (unsigned i = 0; i < dr.secondary_count; ++i) out.push_back(group_begin(h) + dr.secondary[i]);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::uint64_t> DossierLayout::dossiers_of(std::uint64_t fiche) const {
  std::vector<std::uint64_t> out;
  if (dossiers_ == 0) return out;
  const std::uint64_t g = group_of(fiche);
  const auto position = static_cast<std::uint8_t>(fiche - group_begin(g));
  const Draw own = draw(g);
  if (std::find(own.primary.begin(), own.primary.begin() + own.primary_count, position) !=
      own.primary.begin() + own.primary_count) {
    out.push_back(g);
  }
  if (shift_ != 0) {
    const std::uint64_t taker = (g + dossiers_ - shift_) % dossiers_;
    const Draw other = draw(taker);
    if (std::find(other.secondary.begin(), other.secondary.begin() + other.secondary_count, position) !=
        other.secondary.begin() + other.secondary_count) {
      out.push_back(taker);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<TranslationLayout::Group> TranslationLayout::group_of(std::uint64_t fiche) const {
  const std::uint64_t block = fiche / kBlock;
  const std::uint64_t begin = block * kBlock;
  const auto length = static_cast<unsigned>(std::min(kBlock, fiches_ - begin));
  std::mt19937_64 rng(stream_seed(seed_, kStreamTranslations, block));
  if (uniform_below(rng, 100) >= 77 || length < 2) return std::nullopt;
  constexpr std::array<std::uint32_t, 3> kSizeWeights = {55, 30, 15};  // 2, 3, 4 fiches
  const unsigned size = std::min(length, static_cast<unsigned>(2 + draw_weighted(rng, kSizeWeights)));
  const unsigned offset = uniform_below(rng, length - size + 1);
  if (fiche < begin + offset || fiche >= begin + offset + size) return std::nullopt;
  Group g;
  g.first = begin + offset;
  g.size = size;
  g.position = static_cast<unsigned>(fiche - g.first);
  std::array<std::uint32_t, 4> weights = kLanguageWeights;
  for (unsigned i = 0; i < size; ++i) {
    const std::size_t lang = draw_weighted(rng, weights);
    g.langs[i] = lang;
    weights[lang] = 0;
  }
  return g;
}

}  // namespace citego::generator
