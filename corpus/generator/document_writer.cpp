// Internal to citego-generate: see document_writer.h.
#include "document_writer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>

#include "corpus_layout.h"
#include "streams.h"
#include "thesaurus.h"
#include "xml_text.h"

namespace citego::generator {

using schema::Lang;

namespace {

constexpr int kFirstYear = 1995;      // first project start and resource year
constexpr int kLastStartYear = 2024;  // last project start
constexpr int kLastYear = 2026;       // last project end and resource year
constexpr double kBodyMedianWords = 400;
constexpr double kBodySigma = 0.6;  // log-normal shape: ~1.4 % of the bodies reach the 1,500-word clamp
constexpr unsigned kBodyMinWords = 40;
constexpr unsigned kBodyMaxWords = 1500;

constexpr std::string_view kRoles[] = {"partner", "creator", "contributor"};

}  // namespace

DocumentWriter::DocumentWriter(const std::vector<std::unique_ptr<LanguageModel>>& languages,
                               const DocumentCounts& counts, std::uint64_t seed, const Version2Context* v2)
    : languages_(languages),
      v2_(v2),
      counts_(counts),
      seed_(seed),
      kinds_(schema::kOrganisationKinds.size()),
      relations_(schema::kRelations.size()),
      types_(schema::kProjectTypes.size()),
      categories_(schema::kResourceCategories.size()),
      roles_(std::size(kRoles)),
      participant_counts_(4),
      author_counts_(3) {
  if (counts.organisations > 0) popular_organisations_.emplace(counts.organisations);
  if (counts.projects > 0) popular_projects_.emplace(counts.projects);
  if (v2 != nullptr) {
    if (v2->persons > 0) popular_persons_.emplace(v2->persons);
    popular_descriptors_.emplace(v2->descriptors);
  }
}

std::size_t DocumentWriter::start_document(std::string& out, std::string_view element, std::string_view prefix,
                                           std::uint64_t n, Lang root) {
  const std::size_t lang = draw_language(rng_);
  open_document(out, element, prefix, n, lang, root);
  return lang;
}

void DocumentWriter::open_document(std::string& out, std::string_view element, std::string_view prefix, std::uint64_t n,
                                   std::size_t lang, Lang root) {
  out += "  <";
  out += element;
  out += " id=\"";
  append_id(out, prefix, n);
  out += '"';
  if (schema::kLangs[lang] != root) {
    out += " xml:lang=\"";
    out += schema::code_of(schema::kLangs[lang]);
    out += '"';
  }
  out += ">\n";
}

// `words` words drawn by Zipf rank (or, with probability domain_share, among the domain words), French elisions
// applied, first letter capitalised, no final punctuation.
void DocumentWriter::sentence(std::string& out, const LanguageModel& lm, unsigned words, double domain_share,
                              bool commas) {
  tokens_.clear();
  for (unsigned i = 0; i < words; ++i) {
    tokens_.push_back(domain_share > 0 && chance(rng_, domain_share) ? lm.domain_word(rng_) : lm.word(rng_));
  }
  const std::size_t start = out.size();
  bool glued = true;  // no space before the first word, nor after an elided one
  for (std::size_t i = 0; i < tokens_.size(); ++i) {
    if (!glued) out += ' ';
    glued = false;
    if (lm.spec().french_elision && i + 1 < tokens_.size() && starts_with_vowel_or_h(tokens_[i + 1])) {
      const std::string_view elided = elided_form(tokens_[i]);
      if (!elided.empty()) {
        out += elided;
        glued = true;
        continue;
      }
    }
    append_escaped(out, tokens_[i]);
    if (commas && i + 2 < tokens_.size() && i > 1 && uniform_below(rng_, 14) == 0) out += ',';
  }
  capitalise_at(out, start);
}

// `words` words in sentences of 8-25 words, each ending with a period; with `paragraphs`, 3-7 sentences per
// paragraph, paragraphs on lines of their own (the indexer collapses the line breaks).
void DocumentWriter::sentences(std::string& out, const LanguageModel& lm, unsigned words, bool paragraphs) {
  unsigned remaining = words;
  unsigned in_paragraph = 0;
  unsigned paragraph_length = 3 + uniform_below(rng_, 5);
  bool first = true;
  while (remaining > 0) {
    const unsigned length = remaining <= 25 ? remaining : 8 + uniform_below(rng_, std::min(25u, remaining - 8) - 8 + 1);
    if (!first) {
      if (paragraphs && in_paragraph == paragraph_length) {
        out += "\n      ";
        in_paragraph = 0;
        paragraph_length = 3 + uniform_below(rng_, 5);
      } else {
        out += ' ';
      }
    }
    first = false;
    sentence(out, lm, length, 0, true);
    out += '.';
    ++in_paragraph;
    remaining -= length;
  }
}

// 15-50 words in one or two sentences.
void DocumentWriter::summary(std::string& out, const LanguageModel& lm) {
  const unsigned words = 15 + uniform_below(rng_, 36);
  out += "    <summary>";
  if (uniform_below(rng_, 2) == 0) {
    sentence(out, lm, words, 0.05, true);
    out += '.';
  } else {
    const unsigned first = 7 + uniform_below(rng_, words - 14 + 1);
    sentence(out, lm, first, 0.05, true);
    out += ". ";
    sentence(out, lm, words - first, 0.05, true);
    out += '.';
  }
  out += "</summary>\n";
}

// A body of body_words() words in paragraphs.
void DocumentWriter::body(std::string& out, const LanguageModel& lm) {
  out += "    <body>";
  sentences(out, lm, body_words(), true);
  out += "</body>\n";
}

// 3-12 words, shorter ones more frequent, about a quarter of them domain words.
void DocumentWriter::title(std::string& out, const LanguageModel& lm) {
  const unsigned words = 3 + std::min(uniform_below(rng_, 10), uniform_below(rng_, 10));
  out += "    <title>";
  sentence(out, lm, words, 0.25, false);
  out += "</title>\n";
}

// Log-normal with median 400 words, by Box-Muller written out (the standard distributions are
// implementation-defined), clamped to [40, 1500].
unsigned DocumentWriter::body_words() {
  constexpr double kTwoPi = 6.283185307179586476925;
  const double u1 = (static_cast<double>(rng_() >> 11) + 1.0) * 0x1.0p-53;  // (0, 1]
  const double u2 = uniform_unit(rng_);
  const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
  const double words = std::exp(std::log(kBodyMedianWords) + kBodySigma * z);
  return static_cast<unsigned>(std::clamp(std::floor(words + 0.5), double{kBodyMinWords}, double{kBodyMaxWords}));
}

std::uint64_t DocumentWriter::pick_reference(std::uint64_t count, const std::optional<ZipfSampler>& popular) {
  if (uniform_below(rng_, 2) == 0) return (*popular)(rng_);
  return uniform_below(rng_, static_cast<std::uint32_t>(count));
}

// `how_many` distinct numbers below `count` (how_many ≤ count), in the order drawn.
void DocumentWriter::pick_distinct(std::vector<std::uint64_t>& picked, std::size_t how_many, std::uint64_t count,
                                   const std::optional<ZipfSampler>& popular) {
  picked.clear();
  while (picked.size() < how_many) {
    const std::uint64_t n = pick_reference(count, popular);
    if (std::find(picked.begin(), picked.end(), n) == picked.end()) picked.push_back(n);
  }
}

void DocumentWriter::url(std::string& out, std::string_view section, std::string_view prefix, std::uint64_t n) {
  out += "    <url>https://example.org/";
  out += section;
  out += '/';
  append_id(out, prefix, n);
  out += "</url>\n";
}

// A period starting in 1995-2024, uniformly, and lasting 0-4 years, ending by 2026; an end equal to the start is
// written half the time.
void DocumentWriter::period(std::string& out) {
  const int start = kFirstYear + static_cast<int>(uniform_below(rng_, kLastStartYear - kFirstYear + 1));
  const int end = std::min(kLastYear, start + static_cast<int>(uniform_below(rng_, 5)));
  out += "    <period start=\"";
  append_year(out, start);
  if (end != start || uniform_below(rng_, 2) == 0) {
    out += "\" end=\"";
    append_year(out, end);
  }
  out += "\"/>\n";
}

// 2-6 distinct keywords: a domain word, or two ("économie solidaire").
void DocumentWriter::keywords(std::string& out, const LanguageModel& lm) {
  const std::size_t wanted = 2 + uniform_below(rng_, 5);
  keywords_.clear();
  for (int attempt = 0; keywords_.size() < wanted && attempt < 20; ++attempt) {
    std::string keyword(lm.domain_word(rng_));
    if (uniform_below(rng_, 5) < 2) {
      const std::string_view second = lm.domain_word(rng_);
      if (second != keyword) {
        keyword += ' ';
        keyword += second;
      }
    }
    if (std::find(keywords_.begin(), keywords_.end(), keyword) == keywords_.end()) keywords_.push_back(keyword);
  }
  out += "    <keywords>\n";
  for (const std::string& keyword : keywords_) {
    out += "      <keyword>";
    append_escaped(out, keyword);
    out += "</keyword>\n";
  }
  out += "    </keywords>\n";
}

// <links> to `projects` distinct projects, then `organisations` distinct organisations (half Zipf-popular); nothing
// when both are 0.
void DocumentWriter::links(std::string& out, std::size_t projects, std::size_t organisations) {
  if (projects + organisations == 0) return;
  out += "    <links>\n";
  pick_distinct(picked_, projects, counts_.projects, popular_projects_);
  for (const std::uint64_t prj : picked_) {
    out += "      <link ref=\"";
    append_id(out, "prj-", prj);
    out += "\"/>\n";
  }
  pick_distinct(picked_, organisations, counts_.organisations, popular_organisations_);
  for (const std::uint64_t org : picked_) {
    out += "      <link ref=\"";
    append_id(out, "org-", org);
    out += "\"/>\n";
  }
  out += "    </links>\n";
}

std::size_t DocumentWriter::organisation(std::string& out, std::uint64_t n, Lang root) {
  rng_.seed(stream_seed(seed_, kStreamOrganisation, n));
  const std::size_t lang = start_document(out, "organisation", "org-", n, root);
  const LanguageModel& lm = *languages_[lang];
  const std::size_t kind = kinds_(rng_);

  // A head naming the kind, then 2-5 words, the first capitalised: "Fondation Gouvernance des territoires".
  out += "    <name>";
  const std::size_t name_start = out.size();
  append_escaped(out, (*lm.spec().org_heads)[kind]);
  out += ' ';
  sentence(out, lm, 2 + uniform_below(rng_, 4), 0.4, false);
  const std::string name = out.substr(name_start);
  out += "</name>\n";

  if (uniform_below(rng_, 2) == 0) {
    // Initials of the name's words of four bytes or more, upper-cased: "Réseau Gouvernance Territoires" → "RGT".
    std::string acronym;
    std::size_t i = 0;
    while (i < name.size() && acronym.size() < 8) {
      const std::size_t end = std::min(name.find_first_of(" '", i), name.size());
      if (end - i >= 4) {
        const auto c = static_cast<unsigned char>(name[i]);
        if (c < 0x80) {
          acronym += static_cast<char>(c >= 'a' && c <= 'z' ? c - 0x20 : c);
        } else {
          std::size_t k = i;
          if (decode_utf8(name, k) < 0) break;
          acronym.append(name, i, k - i);
          capitalise_at(acronym, acronym.size() - (k - i));
        }
      }
      i = end + 1;
    }
    if (acronym.size() >= 2) {
      out += "    <acronym>";
      append_escaped(out, acronym);
      out += "</acronym>\n";
    }
  }
  out += "    <kind>";
  out += schema::kOrganisationKinds[kind];
  out += "</kind>\n";
  if (chance(rng_, 0.7)) {
    out += "    <relation>";
    out += schema::kRelations[relations_(rng_)];
    out += "</relation>\n";
  }
  if (chance(rng_, 0.8)) {
    const Words countries = lm.spec().countries;
    out += "    <country>";
    out += countries[uniform_below(rng_, static_cast<std::uint32_t>(countries.size()))];
    out += "</country>\n";
  }
  if (chance(rng_, 0.6)) url(out, "organisations", "org-", n);
  if (chance(rng_, 0.9)) {
    out += "    <description>";
    sentences(out, lm, 20 + uniform_below(rng_, 61), false);
    out += "</description>\n";
  }
  out += "  </organisation>\n";
  return lang;
}

std::size_t DocumentWriter::project(std::string& out, std::uint64_t n, Lang root) {
  rng_.seed(stream_seed(seed_, kStreamProject, n));
  const std::size_t lang = start_document(out, "project", "prj-", n, root);
  const LanguageModel& lm = *languages_[lang];
  title(out, lm);
  out += "    <type>";
  out += schema::kProjectTypes[types_(rng_)];
  out += "</type>\n";

  period(out);

  const std::size_t participants = std::min<std::uint64_t>(1 + participant_counts_(rng_), counts_.organisations);
  pick_distinct(picked_, participants, counts_.organisations, popular_organisations_);
  if (!picked_.empty()) {
    out += "    <participants>\n";
    for (const std::uint64_t org : picked_) {
      out += "      <participant ref=\"";
      append_id(out, "org-", org);
      out += "\" role=\"";
      out += kRoles[roles_(rng_)];
      out += "\"/>\n";
    }
    out += "    </participants>\n";
  }
  if (chance(rng_, 0.9)) summary(out, lm);
  if (chance(rng_, 0.95)) body(out, lm);
  if (chance(rng_, 0.7)) url(out, "projects", "prj-", n);
  out += "  </project>\n";
  return lang;
}

std::size_t DocumentWriter::resource(std::string& out, std::uint64_t n, Lang root) {
  rng_.seed(stream_seed(seed_, kStreamResource, n));
  const std::size_t lang = start_document(out, "resource", "res-", n, root);
  const LanguageModel& lm = *languages_[lang];
  title(out, lm);
  if (chance(rng_, 0.9)) {
    out += "    <category>";
    out += schema::kResourceCategories[categories_(rng_)];
    out += "</category>\n";
  }
  if (chance(rng_, 0.9)) {
    out += "    <year>";
    append_year(out, kFirstYear + static_cast<int>(uniform_below(rng_, kLastYear - kFirstYear + 1)));
    out += "</year>\n";
  }
  if (chance(rng_, 0.85)) {
    const std::size_t authors = 1 + author_counts_(rng_);
    out += "    <authors>\n";
    for (std::size_t a = 0; a < authors; ++a) {
      // Mostly names of the document's language, some from the others.
      const LanguageSpec& names = chance(rng_, 0.75) ? lm.spec() : languages_[uniform_below(rng_, 4)]->spec();
      out += "      <author>";
      append_escaped(out, names.first_names[uniform_below(rng_, static_cast<std::uint32_t>(names.first_names.size()))]);
      out += ' ';
      append_escaped(out, names.last_names[uniform_below(rng_, static_cast<std::uint32_t>(names.last_names.size()))]);
      if ((names.lang == Lang::Es || names.lang == Lang::Pt) && uniform_below(rng_, 4) == 0) {
        out += ' ';
        append_escaped(out, names.last_names[uniform_below(rng_, static_cast<std::uint32_t>(names.last_names.size()))]);
      }
      out += "</author>\n";
    }
    out += "    </authors>\n";
  }
  if (chance(rng_, 0.9)) {
    keywords(out, lm);
  }
  // Links: 0-3 projects (25/40/25/10 %) and 0-2 organisations (50/35/15 %); about one resource in eight has none.
  const std::uint32_t p = uniform_below(rng_, 100);
  const std::uint32_t o = uniform_below(rng_, 100);
  const std::size_t project_links = std::min<std::uint64_t>(p < 25 ? 0 : p < 65 ? 1 : p < 90 ? 2 : 3, counts_.projects);
  const std::size_t organisation_links = std::min<std::uint64_t>(o < 50 ? 0 : o < 85 ? 1 : 2, counts_.organisations);
  links(out, project_links, organisation_links);
  if (chance(rng_, 0.9)) summary(out, lm);
  if (chance(rng_, 0.9)) body(out, lm);
  if (chance(rng_, 0.7)) url(out, "resources", "res-", n);
  out += "  </resource>\n";
  return lang;
}

// ---------------------------------------------------------------------------------------------------------------
// Version 2: dossiers and fiches

namespace {

constexpr int kFicheLastYear = kLastYear;
// kFicheTypes order: introduction, analysis, case, proposal, resource, notion.
constexpr std::array<std::uint32_t, 6> kFicheTypeWeights = {7, 25, 35, 10, 15, 8};
constexpr std::array<std::uint32_t, 3> kDateFormWeights = {20, 25, 55};  // YYYY, YYYY-MM, YYYY-MM-DD
constexpr std::array<std::string_view, 4> kDossierRoles = {"partner", "coordinator", "funder", "contributor"};
constexpr std::array<std::uint32_t, 4> kDossierRoleWeights = {55, 20, 15, 10};
constexpr std::size_t kMediaKind = 9;  // schema::kOrganisationKinds[9] is "media": "Revue …"

int days_in_month(int year, int month) {
  constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[static_cast<std::size_t>(month - 1)];
}

void append_refs(std::string& out, std::string_view list, std::string_view item, std::string_view prefix,
                 const std::vector<std::uint64_t>& numbers, int digits = kIdDigits) {
  if (numbers.empty()) return;
  out += "    <";
  out += list;
  out += ">\n";
  for (const std::uint64_t n : numbers) {
    out += "      <";
    out += item;
    out += " ref=\"";
    append_id(out, prefix, n, digits);
    out += "\"/>\n";
  }
  out += "    </";
  out += list;
  out += ">\n";
}

}  // namespace

void DocumentWriter::pick_zipf_distinct(std::vector<std::uint64_t>& picked, std::size_t how_many,
                                        const ZipfSampler& zipf) {
  picked.clear();
  how_many = std::min(how_many, zipf.size());
  while (picked.size() < how_many) {
    const std::uint64_t n = zipf(rng_);
    if (std::find(picked.begin(), picked.end(), n) == picked.end()) picked.push_back(n);
  }
}

void DocumentWriter::descriptors(std::string& out, std::size_t how_many) {
  pick_zipf_distinct(picked_, how_many, *popular_descriptors_);
  append_refs(out, "descriptors", "descriptor", "dsc-", picked_, kThesaurusIdDigits);
}

void DocumentWriter::places(std::string& out, std::size_t how_many, std::size_t lang) {
  const std::vector<Place>& all = v2_->places.places();
  places_.clear();
  for (int attempt = 0; places_.size() < how_many && attempt < 50; ++attempt) {
    const std::size_t p = v2_->places.draw(rng_, lang);
    if (std::find(places_.begin(), places_.end(), p) == places_.end()) places_.push_back(p);
  }
  out += "    <places>\n";
  for (const std::size_t p : places_) {
    out += "      <place ref=\"";
    out += all[p].id;
    out += "\"/>\n";
  }
  out += "    </places>\n";
}

// A free-text author: a person's name (mostly in the document's language), or a collective's.
void DocumentWriter::free_author(std::string& out, const LanguageModel& lm) {
  out += "      <author>";
  if (uniform_below(rng_, 2) == 0) {
    const LanguageSpec& names = chance(rng_, 0.75) ? lm.spec() : languages_[uniform_below(rng_, 4)]->spec();
    append_person_name(out, rng_, names);
  } else {
    append_escaped(out, (*lm.spec().org_heads)[kinds_(rng_)]);
    out += ' ';
    sentence(out, lm, 2 + uniform_below(rng_, 3), 0.4, false);
  }
  out += "</author>\n";
}

std::size_t DocumentWriter::dossier(std::string& out, std::uint64_t n, Lang root) {
  rng_.seed(stream_seed(seed_, kStreamDossier, n));
  const std::size_t lang = start_document(out, "dossier", "dos-", n, root);
  const LanguageModel& lm = *languages_[lang];
  title(out, lm);
  period(out);

  // A coordinator (85 %) and 0-2 other authors (50/35/15 %), all different persons.
  const bool coordinator = chance(rng_, 0.85);
  constexpr std::array<std::uint32_t, 3> kOtherAuthors = {50, 35, 15};
  const std::size_t others = draw_weighted(rng_, kOtherAuthors);
  pick_distinct(picked_, std::min<std::uint64_t>((coordinator ? 1 : 0) + others, v2_->persons), v2_->persons,
                popular_persons_);
  std::size_t next = 0;
  if (coordinator && next < picked_.size()) {
    out += "    <coordinator ref=\"";
    append_id(out, "per-", picked_[next++], kThesaurusIdDigits);
    out += "\"/>\n";
  }
  if (next < picked_.size()) {
    out += "    <authors>\n";
    for (; next < picked_.size(); ++next) {
      out += "      <author ref=\"";
      append_id(out, "per-", picked_[next], kThesaurusIdDigits);
      out += "\"/>\n";
    }
    out += "    </authors>\n";
  }

  // 1-4 partner organisations, as a project's participants; a role for 80 % of them.
  const std::size_t partners = std::min<std::uint64_t>(1 + participant_counts_(rng_), counts_.organisations);
  pick_distinct(picked_, partners, counts_.organisations, popular_organisations_);
  if (!picked_.empty()) {
    out += "    <partners>\n";
    for (const std::uint64_t org : picked_) {
      out += "      <partner ref=\"";
      append_id(out, "org-", org);
      out += '"';
      if (chance(rng_, 0.8)) {
        out += " role=\"";
        out += kDossierRoles[draw_weighted(rng_, kDossierRoleWeights)];
        out += '"';
      }
      out += "/>\n";
    }
    out += "    </partners>\n";
  }
  descriptors(out, 2 + std::min(uniform_below(rng_, 5), uniform_below(rng_, 5)));
  constexpr std::array<std::uint32_t, 2> kPlaceCounts = {70, 30};  // 1, 2
  places(out, 1 + draw_weighted(rng_, kPlaceCounts), lang);
  if (chance(rng_, 0.95)) summary(out, lm);
  if (chance(rng_, 0.85)) body(out, lm);
  if (chance(rng_, 0.8)) url(out, "dossiers", "dos-", n);
  out += "  </dossier>\n";
  return lang;
}

// What a fiche shares with the other versions of its translation group, drawn from the group's first fiche's
// metadata stream: its original language, then type, date and authors (into fiche_head_), links, descriptors,
// places and source (into fiche_tail_), in the order they are written.
std::size_t DocumentWriter::fiche_metadata(std::uint64_t first) {
  rng_.seed(stream_seed(seed_, kStreamFicheMetadata, first));
  fiche_head_.clear();
  fiche_tail_.clear();
  std::string& meta = fiche_head_;
  const std::size_t original = draw_language(rng_);
  const LanguageModel& lm = *languages_[original];

  meta += "    <type>";
  meta += schema::kFicheTypes[draw_weighted(rng_, kFicheTypeWeights)];
  meta += "</type>\n";

  if (chance(rng_, 0.96)) {
    const int year = kFirstYear + static_cast<int>(uniform_below(rng_, kFicheLastYear - kFirstYear + 1));
    const std::size_t form = draw_weighted(rng_, kDateFormWeights);
    const int month = 1 + static_cast<int>(uniform_below(rng_, 12));
    const int day = 1 + static_cast<int>(uniform_below(rng_, static_cast<std::uint32_t>(days_in_month(year, month))));
    char date[40];
    if (form == 0) {
      std::snprintf(date, sizeof date, "%04d", year);
    } else if (form == 1) {
      std::snprintf(date, sizeof date, "%04d-%02d", year, month);
    } else {
      std::snprintf(date, sizeof date, "%04d-%02d-%02d", year, month, day);
    }
    meta += "    <date>";
    meta += date;
    meta += "</date>\n";
  }

  // 1-3 authors (Zipf: 55/27/18 %), each a person (85 %) or free text; the persons all different.
  const std::size_t authors = 1 + author_counts_(rng_);
  std::array<bool, 3> is_person{};
  std::size_t persons = 0;
  for (std::size_t a = 0; a < authors; ++a) {
    is_person[a] = chance(rng_, 0.85) && persons < v2_->persons;
    persons += is_person[a] ? 1 : 0;
  }
  pick_distinct(picked_, persons, v2_->persons, popular_persons_);
  meta += "    <authors>\n";
  for (std::size_t a = 0, p = 0; a < authors; ++a) {
    if (is_person[a]) {
      meta += "      <author ref=\"";
      append_id(meta, "per-", picked_[p++], kThesaurusIdDigits);
      meta += "\"/>\n";
    } else {
      free_author(meta, lm);
    }
  }
  meta += "    </authors>\n";
  return fiche_metadata_tail(original);
}

std::size_t DocumentWriter::fiche_metadata_tail(std::size_t original) {
  const LanguageModel& lm = *languages_[original];
  std::string& meta = fiche_tail_;

  // Links: 0-2 projects (55/35/10 %) and 0-2 organisations (60/30/10 %).
  constexpr std::array<std::uint32_t, 3> kProjectLinks = {55, 35, 10};
  constexpr std::array<std::uint32_t, 3> kOrganisationLinks = {60, 30, 10};
  const std::size_t project_links = std::min<std::uint64_t>(draw_weighted(rng_, kProjectLinks), counts_.projects);
  const std::size_t organisation_links =
      std::min<std::uint64_t>(draw_weighted(rng_, kOrganisationLinks), counts_.organisations);
  links(meta, project_links, organisation_links);

  // 3-12 descriptors, fewer more often; 1-3 places (60/30/10 %).
  descriptors(meta, 3 + std::min(uniform_below(rng_, 10), uniform_below(rng_, 10)));
  constexpr std::array<std::uint32_t, 3> kPlaceCounts = {60, 30, 10};
  places(meta, 1 + draw_weighted(rng_, kPlaceCounts), original);

  if (chance(rng_, 0.35)) {
    meta += "    <source>";
    append_escaped(meta, (*lm.spec().org_heads)[uniform_below(rng_, 2) == 0 ? kMediaKind : kinds_(rng_)]);
    meta += ' ';
    sentence(meta, lm, 1 + uniform_below(rng_, 3), 0.3, false);
    meta += "</source>\n";
  }
  return original;
}

std::size_t DocumentWriter::fiche(std::string& out, std::uint64_t n, Lang root) {
  const std::optional<TranslationLayout::Group> group = v2_->translations.group_of(n);
  const std::size_t original = fiche_metadata(group ? group->first : n);
  const std::size_t lang = group ? group->langs[group->position] : original;
  const LanguageModel& lm = *languages_[lang];

  rng_.seed(stream_seed(seed_, kStreamFiche, n));
  open_document(out, "fiche", "fic-", n, lang, root);
  title(out, lm);
  out += fiche_head_;  // type, date, authors
  append_refs(out, "dossiers", "dossier", "dos-", v2_->dossiers.dossiers_of(n));
  out += fiche_tail_;  // links, descriptors, places, source
  if (group && group->position > 0) {
    out += "    <translation-of ref=\"";
    append_id(out, "fic-", group->first);
    out += "\"/>\n";
  }
  if (chance(rng_, 0.5)) keywords(out, lm);
  if (chance(rng_, 0.9)) summary(out, lm);
  if (chance(rng_, 0.9)) body(out, lm);
  if (chance(rng_, 0.7)) url(out, "fiches", "fic-", n);
  out += "  </fiche>\n";
  return lang;
}

}  // namespace citego::generator
