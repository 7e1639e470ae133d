// citego-generate, version 2: which fiches belong to which dossier, and which fiches are translations of which.
//
// Both are pure functions of (seed, counts, fiche or dossier number), computed on demand in constant memory: the
// writer asks for one fiche at a time, and the tests ask from both sides and check that the answers agree.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace citego::generator {

// Dossier membership. The fiches are cut into one group of consecutive numbers per dossier (nearly equal groups,
// about 25 fiches). Dossier d takes 5 to 25 fiches of its own group d (its primary members) and 0 to 15 fiches of
// group (d + shift) mod D (its secondary members), where shift in [1, D-1] is drawn once from the seed. So a dossier
// holds 5 to 40 fiches, and a fiche belongs to 0, 1 or 2 dossiers: its group's, and the one that takes secondary
// members from its group (never the same dossier, since shift is not 0).
class DossierLayout {
 public:
  static constexpr unsigned kMinPrimary = 5, kMaxPrimary = 25, kMaxSecondary = 15;
  static constexpr std::uint64_t kMaxGroup = 64;

  // Throws std::invalid_argument unless dossiers is 0, or every group holds 5 to 64 fiches
  // (5 × dossiers ≤ fiches ≤ 64 × dossiers, rounding included).
  DossierLayout(std::uint64_t seed, std::uint64_t dossiers, std::uint64_t fiches);

  std::uint64_t dossiers() const { return dossiers_; }
  std::uint64_t fiches() const { return fiches_; }
  // Fiches of group g: [group_begin(g), group_begin(g + 1)).
  std::uint64_t group_begin(std::uint64_t g) const { return fiches_ * g / dossiers_; }
  std::uint64_t group_of(std::uint64_t fiche) const;

  // The fiches of dossier d (d < dossiers()), in increasing order: 5 to 40 of them.
  std::vector<std::uint64_t> members(std::uint64_t d) const;
  // The dossiers of fiche f (f < fiches()), in increasing order: 0 to 2 of them.
  std::vector<std::uint64_t> dossiers_of(std::uint64_t fiche) const;

 private:
  // Positions within its group of dossier d's primary members, or within group (d + shift) mod D of its secondary
  // ones: the first `count` entries of a partial Fisher-Yates shuffle.
  struct Draw {
    std::array<std::uint8_t, kMaxGroup> primary{}, secondary{};
    unsigned primary_count = 0, secondary_count = 0;
  };
  Draw draw(std::uint64_t d) const;

  std::uint64_t seed_, dossiers_, fiches_;
  std::uint64_t shift_ = 0;  // 0 when there is one dossier: then no secondary members
};

// Translation groups. The fiches are cut into blocks of 10 consecutive numbers; 77 % of the blocks hold one
// translation group of 2 (55 %), 3 (30 %) or 4 (15 %) consecutive fiches at a random offset, about 20 % of all fiches.
// The group's first fiche is the original; the others are its translations (translation-of the first), each in
// another language: the languages are drawn without replacement, weighted fr 40, en 30, es 15, pt 15.
class TranslationLayout {
 public:
  static constexpr std::uint64_t kBlock = 10;

  struct Group {
    std::uint64_t first = 0;             // the original's fiche number
    unsigned size = 0;                   // 2 to 4
    unsigned position = 0;               // of the asked fiche: 0 for the original
    std::array<std::size_t, 4> langs{};  // schema::kLangs indexes of positions 0 … size-1, all different
  };

  TranslationLayout(std::uint64_t seed, std::uint64_t fiches) : seed_(seed), fiches_(fiches) {}
  // The group of fiche f, if it is in one.
  std::optional<Group> group_of(std::uint64_t fiche) const;

 private:
  std::uint64_t seed_, fiches_;
};

}  // namespace citego::generator
