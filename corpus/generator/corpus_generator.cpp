// citego-generate's engine. See corpus_generator.h and corpus/README.md.
//
// Layout of a run: documents are numbered 0 … N-1 in id order (organisations, then projects, then resources) and
// split into consecutive, nearly equal ranges, one per file. Each document draws from its own std::mt19937_64, seeded
// from (seed, kind, number), so a document's content does not depend on the documents before it: it depends only
// on the seed, its number and the counts of organisations and projects (the targets of its references).
#include "corpus_generator.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <system_error>
#include <unordered_set>

#include "citego/schema.h"

namespace citego::generator {

namespace {

namespace fs = std::filesystem;
using schema::Lang;

// ---------------------------------------------------------------------------------------------------------------
// Constants of the corpus

constexpr int kIdDigits = 7;          // org-0000001
constexpr int kFirstYear = 1995;      // first project start and resource year
constexpr int kLastStartYear = 2024;  // last project start
constexpr int kLastYear = 2026;       // last project end and resource year
constexpr double kBodyMedianWords = 400;
constexpr double kBodySigma = 0.6;  // log-normal shape: ~1.4 % of the bodies reach the 1,500-word clamp
constexpr unsigned kBodyMinWords = 40;
constexpr unsigned kBodyMaxWords = 1500;
constexpr std::size_t kFlushBytes = std::size_t{1} << 20;

// Independent random streams: each document kind, and the word-list shuffles.
enum Stream : std::uint64_t { kStreamOrganisation = 1, kStreamProject, kStreamResource, kStreamShuffle };

// splitmix64's finaliser: turns (seed, stream, number) into well-spread seeds for std::mt19937_64.
std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t stream, std::uint64_t number) {
  return mix64(mix64(mix64(seed) ^ stream) + number);
}

// ---------------------------------------------------------------------------------------------------------------
// Per-language material: word list, top-ranked words, names, organisation names, countries

using Words = std::span<const std::string_view>;

// Function words, most frequent first: they take the top Zipf ranks, as in real text.
constexpr std::string_view kFrFunction[] = {"de",   "la",   "le",   "et",   "les", "des", "à",    "en",   "un",   "une",
                                            "du",   "pour", "dans", "sur",  "que", "qui", "par",  "est",  "au",   "il",
                                            "avec", "ce",   "se",   "plus", "aux", "ou",  "elle", "sont", "leur", "ne"};
constexpr std::string_view kEnFunction[] = {"the",  "of",   "and", "to",    "in",    "a",   "is",   "for",  "on",
                                            "that", "with", "as",  "by",    "are",   "it",  "this", "from", "at",
                                            "be",   "or",   "an",  "their", "which", "its", "not"};
constexpr std::string_view kEsFunction[] = {"de",  "la", "que", "el",   "en",  "y",    "a",   "los", "las",
                                            "del", "se", "por", "un",   "una", "para", "con", "no",  "es",
                                            "su",  "al", "lo",  "como", "más", "o",    "sus"};
constexpr std::string_view kPtFunction[] = {"de",   "a",    "o",   "que", "e",  "do",  "da", "em",  "um",
                                            "uma",  "para", "com", "os",  "as", "no",  "na", "por", "se",
                                            "mais", "dos",  "das", "ao",  "é",  "não", "sua"};

// Domain words: the ranks right after the function words, the keywords, and a share of title and name words.
constexpr std::string_view kFrDomain[] = {"gouvernance",   "territoire", "territoires", "démocratie",  "participative",
                                          "économie",      "sociale",    "solidaire",   "habitants",   "ville",
                                          "villes",        "politique",  "publique",    "action",      "collectivités",
                                          "développement", "local",      "citoyens",    "coopération", "réseau"};
constexpr std::string_view kEnDomain[] = {"governance",  "territory", "territories", "democracy",   "participatory",
                                          "economy",     "social",    "solidarity",  "residents",   "city",
                                          "cities",      "policy",    "public",      "action",      "authorities",
                                          "development", "local",     "citizens",    "cooperation", "network"};
constexpr std::string_view kEsDomain[] = {"gobernanza", "territorio", "territorios", "democracia",  "participativa",
                                          "economía",   "social",     "solidaria",   "habitantes",  "ciudad",
                                          "ciudades",   "política",   "pública",     "acción",      "municipios",
                                          "desarrollo", "local",      "ciudadanos",  "cooperación", "red"};
constexpr std::string_view kPtDomain[] = {"governança",      "território", "territórios", "democracia", "participativa",
                                          "economia",        "social",     "solidária",   "habitantes", "cidade",
                                          "cidades",         "política",   "pública",     "ação",       "municípios",
                                          "desenvolvimento", "local",      "cidadãos",    "cooperação", "rede"};

constexpr std::string_view kFrFirstNames[] = {"Jean",   "Marie",    "François", "Hélène", "Amélie", "Jérôme",
                                              "Céline", "Stéphane", "Anaïs",    "Benoît", "Élodie", "Gaëlle",
                                              "Loïc",   "Camille",  "Thérèse",  "Noël"};
constexpr std::string_view kFrLastNames[] = {"Lefèvre",  "Béranger", "Dupont",    "Moreau",   "Girard",   "Mercier",
                                             "Lemaître", "Fontaine", "Chevalier", "Rousseau", "Crémieux", "Faure",
                                             "Bénard",   "Gauthier", "Lévêque",   "Pélissier"};
constexpr std::string_view kEnFirstNames[] = {"James",  "Mary",   "John",  "Sarah",   "David",  "Emily", "Michael",
                                              "Olivia", "Thomas", "Grace", "William", "Hannah", "Zoë",   "Renée"};
constexpr std::string_view kEnLastNames[] = {"Smith",  "Johnson", "Brown",  "Taylor", "Wilson",   "Davies", "Evans",
                                             "Clarke", "O'Brien", "Walker", "Hughes", "Robinson", "Wright", "Green"};
constexpr std::string_view kEsFirstNames[] = {"José", "María",   "Íñigo",  "Lucía", "Andrés", "Sofía", "Martín",
                                              "Inés", "Joaquín", "Begoña", "Raúl",  "Ramón",  "Nuria", "Óscar"};
constexpr std::string_view kEsLastNames[] = {"García",    "Martínez", "López",   "Pérez",    "Sánchez",
                                             "Muñoz",     "Peña",     "Jiménez", "Gómez",    "Rodríguez",
                                             "Fernández", "Núñez",    "Ibáñez",  "Domínguez"};
constexpr std::string_view kPtFirstNames[] = {"João",      "Maria",     "José", "Ana",   "Antônio", "Luísa",   "Mário",
                                              "Conceição", "Sebastião", "Inês", "Fábio", "Márcia",  "Gonçalo", "Tânia"};
constexpr std::string_view kPtLastNames[] = {"Silva",     "Santos",   "Oliveira", "Souza",     "Magalhães",
                                             "Gonçalves", "Araújo",   "Simões",   "Guimarães", "Brandão",
                                             "Lopes",     "Ferreira", "Assunção", "Falcão"};

// Head of an organisation's name, by kind (schema::kOrganisationKinds order).
constexpr std::array<std::string_view, 12> kFrOrgHeads = {
    "Réseau professionnel", "Organisme de formation", "Université", "Réseau des élus", "Association",
    "Bureau d'études",      "Centre de recherche",    "Fondation",  "Société",         "Revue",
    "Laboratoire d'idées",  "Agence publique"};
constexpr std::array<std::string_view, 12> kEnOrgHeads = {"Professional Network",
                                                          "Training Institute",
                                                          "University",
                                                          "Elected Officials Network",
                                                          "Citizens' Association",
                                                          "Design Office",
                                                          "Research Centre",
                                                          "Foundation",
                                                          "Company",
                                                          "Review",
                                                          "Think Tank",
                                                          "Public Agency"};
constexpr std::array<std::string_view, 12> kEsOrgHeads = {
    "Red profesional",      "Centro de formación",     "Universidad", "Red de electos", "Asociación ciudadana",
    "Oficina de estudios",  "Centro de investigación", "Fundación",   "Empresa",        "Revista",
    "Laboratorio de ideas", "Agencia pública"};
constexpr std::array<std::string_view, 12> kPtOrgHeads = {
    "Rede profissional",      "Centro de formação", "Universidade", "Rede de eleitos", "Associação cidadã",
    "Escritório de projetos", "Centro de pesquisa", "Fundação",     "Empresa",         "Revista",
    "Laboratório de ideias",  "Agência pública"};

constexpr std::string_view kFrCountries[] = {"FR", "BE", "CH", "CA", "SN", "MA", "ML", "CI"};
constexpr std::string_view kEnCountries[] = {"GB", "US", "IE", "IN", "ZA", "KE", "NG", "AU"};
constexpr std::string_view kEsCountries[] = {"ES", "MX", "AR", "CO", "CL", "PE", "BO", "EC"};
constexpr std::string_view kPtCountries[] = {"PT", "BR", "AO", "MZ", "CV", "GW", "ST", "TL"};

constexpr std::string_view kRoles[] = {"partner", "creator", "contributor"};

struct LanguageSpec {
  Lang lang;
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
const std::array<LanguageSpec, 4> kLanguageSpecs = {{
    {Lang::Fr, "french", "wfrench", kFrFunction, kFrDomain, kFrFirstNames, kFrLastNames, &kFrOrgHeads, kFrCountries,
     true},
    {Lang::En, "american-english", "wamerican", kEnFunction, kEnDomain, kEnFirstNames, kEnLastNames, &kEnOrgHeads,
     kEnCountries, false},
    {Lang::Es, "spanish", "wspanish", kEsFunction, kEsDomain, kEsFirstNames, kEsLastNames, &kEsOrgHeads, kEsCountries,
     false},
    {Lang::Pt, "portuguese", "wportuguese", kPtFunction, kPtDomain, kPtFirstNames, kPtLastNames, &kPtOrgHeads,
     kPtCountries, false},
}};

// ---------------------------------------------------------------------------------------------------------------
// Word lists

// Decodes the code point at s[i] and advances i; -1 for invalid UTF-8 (bad sequence, overlong form, surrogate).
long decode_utf8(std::string_view s, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  std::size_t len = 0;
  long cp = 0;
  if (c < 0x80) {
    ++i;
    return c;
  }
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    cp = c & 0x07;
  } else
    return -1;
  if (i + len > s.size()) return -1;
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
    return -1;
  i += len;
  return cp;
}

// Capital Latin letters: A-Z, À-Þ, and the capitals of Latin Extended-A (Œ, Š, Ł…).
bool is_capital(long cp) {
  if (cp >= 'A' && cp <= 'Z') return true;
  if (cp >= 0xC0 && cp <= 0xDE) return cp != 0xD7;
  if (cp >= 0x100 && cp <= 0x137) return cp % 2 == 0;
  if (cp >= 0x139 && cp <= 0x148) return cp % 2 == 1;
  if (cp >= 0x14A && cp <= 0x177) return cp % 2 == 0;
  if (cp == 0x178) return true;
  if (cp >= 0x179 && cp <= 0x17E) return cp % 2 == 1;
  return false;
}

bool is_letter(long cp) {
  if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) return true;
  // Latin-1 letters and everything above Latin-1 except punctuation and symbol blocks.
  if (cp >= 0xC0 && cp <= 0x24F) return cp != 0xD7 && cp != 0xF7;
  return cp >= 0x370 && !(cp >= 0x2000 && cp <= 0x2BFF) && !(cp >= 0x3000 && cp <= 0x303F);
}

// A word list entry the generator uses: valid UTF-8, not capitalised (proper nouns, acronyms), letters and inner
// hyphens only (no apostrophe, so no "aujourd'hui" and no English "'s" forms; no abbreviation dots).
bool usable_word(std::string_view w) {
  if (w.empty() || w.front() == '-' || w.back() == '-') return false;
  std::size_t i = 0;
  bool first = true;
  while (i < w.size()) {
    const long cp = decode_utf8(w, i);
    if (cp < 0) return false;
    if (first && is_capital(cp)) return false;
    first = false;
    if (cp != '-' && !is_letter(cp)) return false;
  }
  return true;
}

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

 private:
  static std::vector<std::string_view> load(const LanguageSpec& spec, const fs::path& words_dir, std::uint64_t seed,
                                            std::string& storage) {
    const fs::path path = words_dir / spec.list_file;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      throw GeneratorError("cannot read the word list " + path.string() + " (" + std::strerror(errno) +
                           "); install the Debian package " + std::string(spec.package) +
                           " (apt-get install wfrench wspanish wportuguese wamerican), or point --words-dir at a "
                           "folder holding french, spanish, portuguese and american-english");
    }
    storage.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) throw GeneratorError("cannot read the word list " + path.string());

    std::unordered_set<std::string_view> top(spec.function_words.begin(), spec.function_words.end());
    top.insert(spec.domain_words.begin(), spec.domain_words.end());
    std::vector<std::string_view> dictionary;
    const std::string_view all(storage);
    std::size_t pos = 0;
    while (pos < all.size()) {
      std::size_t end = all.find('\n', pos);
      if (end == std::string_view::npos) end = all.size();
      std::string_view line = all.substr(pos, end - pos);
      pos = end + 1;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (usable_word(line) && !top.contains(line)) dictionary.push_back(line);
    }
    constexpr std::size_t kMinWords = 1000;
    if (dictionary.size() < kMinWords) {
      throw GeneratorError("the word list " + path.string() + " has only " + std::to_string(dictionary.size()) +
                           " usable words (at least " + std::to_string(kMinWords) +
                           " needed); reinstall the Debian package " + std::string(spec.package));
    }
    // Word lists are alphabetical: shuffle (Fisher-Yates) so that Zipf ranks are not tied to the alphabet.
    std::mt19937_64 rng(stream_seed(seed, kStreamShuffle, static_cast<std::uint64_t>(spec.lang)));
    for (std::size_t i = dictionary.size() - 1; i > 0; --i) {
      std::swap(dictionary[i], dictionary[uniform_below(rng, static_cast<std::uint32_t>(i + 1))]);
    }
    std::vector<std::string_view> words;
    words.reserve(top.size() + dictionary.size());
    words.insert(words.end(), spec.function_words.begin(), spec.function_words.end());
    words.insert(words.end(), spec.domain_words.begin(), spec.domain_words.end());
    words.insert(words.end(), dictionary.begin(), dictionary.end());
    return words;
  }

  const LanguageSpec& spec_;
  std::string storage_;  // the list's bytes; words_ points into it (declared first: initialised first)
  std::vector<std::string_view> words_;
  ZipfSampler zipf_;
};

// ---------------------------------------------------------------------------------------------------------------
// Text

// Appends `text` with &, <, > and " escaped (valid in element content and in double-quoted attributes).
void append_escaped(std::string& out, std::string_view text) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char* entity = nullptr;
    switch (text[i]) {
      case '&':
        entity = "&amp;";
        break;
      case '<':
        entity = "&lt;";
        break;
      case '>':
        entity = "&gt;";
        break;
      case '"':
        entity = "&quot;";
        break;
      default:
        continue;
    }
    out.append(text, start, i - start);
    out += entity;
    start = i + 1;
  }
  out.append(text, start, std::string_view::npos);
}

// Upper-cases the letter at out[pos]: ASCII, Latin-1 (é → É) and œ.
void capitalise_at(std::string& out, std::size_t pos) {
  if (pos >= out.size()) return;
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(out[k]); };
  const unsigned char c = byte(pos);
  if (c >= 'a' && c <= 'z') {
    out[pos] = static_cast<char>(c - 0x20);
  } else if (pos + 1 < out.size() && c == 0xC3 && byte(pos + 1) >= 0xA0 && byte(pos + 1) <= 0xBE &&
             byte(pos + 1) != 0xB7) {
    out[pos + 1] = static_cast<char>(byte(pos + 1) - 0x20);
  } else if (pos + 1 < out.size() && c == 0xC5 && byte(pos + 1) == 0x93) {
    out[pos + 1] = static_cast<char>(0x92);
  }
}

// French elision: "le", "la" → "l'", "de" → "d'", "que" → "qu'" (and "ce", "se", "ne") before a vowel or h.
std::string_view elided_form(std::string_view w) {
  if (w == "le" || w == "la") return "l'";
  if (w == "de") return "d'";
  if (w == "que") return "qu'";
  if (w == "ce") return "c'";
  if (w == "se") return "s'";
  if (w == "ne") return "n'";
  return {};
}

bool starts_with_vowel_or_h(std::string_view w) {
  if (w.empty()) return false;
  const auto c = static_cast<unsigned char>(w[0]);
  if (std::strchr("aeiouh", c) != nullptr && c != 0) return true;
  if (w.size() < 2) return false;
  const auto d = static_cast<unsigned char>(w[1]);
  if (c == 0xC3) {  // à â ä æ è é ê ë î ï ô ö ù û ü
    switch (d) {
      case 0xA0:
      case 0xA2:
      case 0xA4:
      case 0xA6:
      case 0xA8:
      case 0xA9:
      case 0xAA:
      case 0xAB:
      case 0xAE:
      case 0xAF:
      case 0xB4:
      case 0xB6:
      case 0xB9:
      case 0xBB:
      case 0xBC:
        return true;
      default:
        return false;
    }
  }
  return c == 0xC5 && d == 0x93;  // œ
}

// Writes documents into a buffer; one instance per run, reused for every document.
class DocumentWriter {
 public:
  DocumentWriter(const std::vector<std::unique_ptr<LanguageModel>>& languages, const DocumentCounts& counts,
                 std::uint64_t seed)
      : languages_(languages),
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
  }

  // Each returns the document's language index (schema::kLangs order).
  std::size_t organisation(std::string& out, std::uint64_t n, Lang root);
  std::size_t project(std::string& out, std::uint64_t n, Lang root);
  std::size_t resource(std::string& out, std::uint64_t n, Lang root);

 private:
  std::size_t start_document(std::string& out, std::string_view element, std::string_view prefix, std::uint64_t n,
                             Lang root);
  void sentence(std::string& out, const LanguageModel& lm, unsigned words, double domain_share, bool commas);
  void sentences(std::string& out, const LanguageModel& lm, unsigned words, bool paragraphs);
  void summary(std::string& out, const LanguageModel& lm);
  void title(std::string& out, const LanguageModel& lm);
  unsigned body_words();
  std::uint64_t pick_reference(std::uint64_t count, const std::optional<ZipfSampler>& popular);
  void pick_distinct(std::vector<std::uint64_t>& picked, std::size_t how_many, std::uint64_t count,
                     const std::optional<ZipfSampler>& popular);
  void url(std::string& out, std::string_view section, std::string_view prefix, std::uint64_t n);

  const std::vector<std::unique_ptr<LanguageModel>>& languages_;
  DocumentCounts counts_;
  std::uint64_t seed_;
  std::mt19937_64 rng_;
  ZipfSampler kinds_, relations_, types_, categories_, roles_, participant_counts_, author_counts_;
  // References favour a few popular targets: half of them follow Zipf over the targets' numbers.
  std::optional<ZipfSampler> popular_organisations_, popular_projects_;
  std::vector<std::string_view> tokens_;
  std::vector<std::uint64_t> picked_;
  std::vector<std::string> keywords_;
};

void append_id(std::string& out, std::string_view prefix, std::uint64_t n) {
  char digits[24];
  const int len = std::snprintf(digits, sizeof digits, "%0*llu", kIdDigits, static_cast<unsigned long long>(n + 1));
  out += prefix;
  out.append(digits, static_cast<std::size_t>(len));
}

void append_year(std::string& out, int year) { out += std::to_string(year); }

std::size_t draw_language(std::mt19937_64& rng) {
  const std::uint32_t u = uniform_below(rng, 100);  // fr 40 %, en 30 %, es 15 %, pt 15 %
  return u < 40 ? 0 : u < 70 ? 1 : u < 85 ? 2 : 3;
}

bool chance(std::mt19937_64& rng, double p) { return uniform_unit(rng) < p; }

std::size_t DocumentWriter::start_document(std::string& out, std::string_view element, std::string_view prefix,
                                           std::uint64_t n, Lang root) {
  const std::size_t lang = draw_language(rng_);
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
  return lang;
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

  const int start = kFirstYear + static_cast<int>(uniform_below(rng_, kLastStartYear - kFirstYear + 1));
  const int end = std::min(kLastYear, start + static_cast<int>(uniform_below(rng_, 5)));
  out += "    <period start=\"";
  append_year(out, start);
  if (end != start || uniform_below(rng_, 2) == 0) {
    out += "\" end=\"";
    append_year(out, end);
  }
  out += "\"/>\n";

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
  if (chance(rng_, 0.95)) {
    out += "    <body>";
    sentences(out, lm, body_words(), true);
    out += "</body>\n";
  }
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
    // 2-6 distinct keywords: a domain word, or two ("économie solidaire").
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
  // Links: 0-3 projects (25/40/25/10 %) and 0-2 organisations (50/35/15 %); about one resource in eight has none.
  const std::uint32_t p = uniform_below(rng_, 100);
  const std::uint32_t o = uniform_below(rng_, 100);
  const std::size_t project_links = std::min<std::uint64_t>(p < 25 ? 0 : p < 65 ? 1 : p < 90 ? 2 : 3, counts_.projects);
  const std::size_t organisation_links = std::min<std::uint64_t>(o < 50 ? 0 : o < 85 ? 1 : 2, counts_.organisations);
  if (project_links + organisation_links > 0) {
    out += "    <links>\n";
    pick_distinct(picked_, project_links, counts_.projects, popular_projects_);
    for (const std::uint64_t prj : picked_) {
      out += "      <link ref=\"";
      append_id(out, "prj-", prj);
      out += "\"/>\n";
    }
    pick_distinct(picked_, organisation_links, counts_.organisations, popular_organisations_);
    for (const std::uint64_t org : picked_) {
      out += "      <link ref=\"";
      append_id(out, "org-", org);
      out += "\"/>\n";
    }
    out += "    </links>\n";
  }
  if (chance(rng_, 0.9)) summary(out, lm);
  if (chance(rng_, 0.9)) {
    out += "    <body>";
    sentences(out, lm, body_words(), true);
    out += "</body>\n";
  }
  if (chance(rng_, 0.7)) url(out, "resources", "res-", n);
  out += "  </resource>\n";
  return lang;
}

// ---------------------------------------------------------------------------------------------------------------
// Files

std::string part_name(unsigned file) {
  char name[32];
  std::snprintf(name, sizeof name, "part-%04u.xml", file);
  return name;
}

// part-NNNN.xml files that a run with more files left behind, and leftover part-NNNN.xml.tmp: indexing the folder
// with them would see duplicate ids.
std::vector<std::string> remove_stale_parts(const fs::path& dir, unsigned files) {
  std::vector<std::string> removed;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    std::string_view rest(name);
    if (!rest.starts_with("part-")) continue;
    rest.remove_prefix(5);
    const std::size_t digits = std::min(rest.find_first_not_of("0123456789"), rest.size());
    if (digits < 4) continue;
    const std::string_view suffix = rest.substr(digits);
    if (suffix != ".xml" && suffix != ".xml.tmp") continue;
    const unsigned long number = digits > 9 ? ~0UL : std::stoul(std::string(rest.substr(0, digits)));
    if (suffix == ".xml" && number >= 1 && number <= files && part_name(static_cast<unsigned>(number)) == name)
      continue;
    if (!entry.is_regular_file()) continue;
    if (fs::remove(entry.path(), ec)) removed.push_back(name);
  }
  if (ec) throw GeneratorError("cannot list " + dir.string() + ": " + ec.message());
  std::sort(removed.begin(), removed.end());
  return removed;
}

class OutputFile {
 public:
  explicit OutputFile(fs::path path) : path_(std::move(path)), tmp_(path_.string() + ".tmp") {
    file_ = std::fopen(tmp_.c_str(), "wb");
    if (file_ == nullptr) throw GeneratorError("cannot create " + tmp_.string() + ": " + std::strerror(errno));
  }
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile() {
    if (file_ != nullptr) {
      std::fclose(file_);
      std::error_code ec;
      fs::remove(tmp_, ec);
    }
  }
  void write(std::string& buffer) {
    if (!buffer.empty() && std::fwrite(buffer.data(), 1, buffer.size(), file_) != buffer.size()) {
      throw GeneratorError("cannot write " + tmp_.string() + ": " + std::strerror(errno));
    }
    bytes_ += buffer.size();
    buffer.clear();
  }
  // Closes the file and gives it its final name.
  void commit() {
    std::FILE* f = file_;
    file_ = nullptr;
    if (std::fclose(f) != 0) {
      const int err = errno;
      std::error_code ec;
      fs::remove(tmp_, ec);
      throw GeneratorError("cannot write " + tmp_.string() + ": " + std::strerror(err));
    }
    std::error_code ec;
    fs::rename(tmp_, path_, ec);
    if (ec) {
      fs::remove(tmp_, ec);
      throw GeneratorError("cannot rename " + tmp_.string() + " to " + path_.string() + ": " + ec.message());
    }
  }
  std::uint64_t bytes() const { return bytes_; }

 private:
  fs::path path_;
  fs::path tmp_;
  std::FILE* file_ = nullptr;
  std::uint64_t bytes_ = 0;
};

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Public building blocks

std::uint32_t uniform_below(std::mt19937_64& rng, std::uint32_t n) {
  return static_cast<std::uint32_t>(((rng() >> 32) * n) >> 32);
}

double uniform_unit(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

namespace {
constexpr unsigned kGuideBits = 16;
constexpr unsigned kThresholdBits = 53;
constexpr std::uint64_t kThresholdOne = std::uint64_t{1} << kThresholdBits;
}  // namespace

ZipfSampler::ZipfSampler(std::size_t n) {
  if (n == 0 || n > 0xFFFFFFFFu) throw std::invalid_argument("ZipfSampler: size out of range");
  // Sums of 1/(k+1) in a fixed order with IEEE doubles: the same table everywhere.
  double total = 0;
  for (std::size_t k = 0; k < n; ++k) total += 1.0 / static_cast<double>(k + 1);
  thresholds_.resize(n);
  double cumulative = 0;
  for (std::size_t k = 0; k < n; ++k) {
    cumulative += 1.0 / static_cast<double>(k + 1);
    thresholds_[k] = static_cast<std::uint64_t>(cumulative / total * static_cast<double>(kThresholdOne));
  }
  thresholds_[n - 1] = kThresholdOne;
  constexpr std::size_t kBuckets = std::size_t{1} << kGuideBits;
  guide_.resize(kBuckets + 1);
  std::size_t k = 0;
  for (std::size_t b = 0; b < kBuckets; ++b) {
    const std::uint64_t bound = static_cast<std::uint64_t>(b) << (kThresholdBits - kGuideBits);
    while (thresholds_[k] <= bound) ++k;  // stops at n-1 at the latest: its threshold is 2^53 > bound
    guide_[b] = static_cast<std::uint32_t>(k);
  }
  guide_[kBuckets] = static_cast<std::uint32_t>(n - 1);
}

std::size_t ZipfSampler::operator()(std::mt19937_64& rng) const {
  const std::uint64_t u = rng() >> (64 - kThresholdBits);
  const std::size_t bucket = static_cast<std::size_t>(u >> (kThresholdBits - kGuideBits));
  const auto first = thresholds_.begin() + guide_[bucket];
  const auto last = thresholds_.begin() + guide_[bucket + 1] + 1;
  return static_cast<std::size_t>(std::upper_bound(first, last, u) - thresholds_.begin());
}

DocumentCounts plan_counts(std::uint64_t documents) {
  DocumentCounts c;
  c.organisations = (documents + 5) / 10;
  c.projects = (documents * 2 + 5) / 10;
  if (c.organisations + c.projects > documents) c.projects = documents - c.organisations;
  if (c.projects > 0 && c.organisations == 0) {
    c.organisations = 1;
    if (c.organisations + c.projects > documents) --c.projects;
  }
  c.resources = documents - c.organisations - c.projects;
  return c;
}

GeneratorSummary generate_corpus(const GeneratorOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  if (options.documents < 1 || options.documents > kMaxDocuments) {
    throw std::invalid_argument("--docs must be between 1 and " + std::to_string(kMaxDocuments));
  }
  if (options.files < 1 || options.files > kMaxFiles || options.files > options.documents) {
    throw std::invalid_argument("--files must be between 1 and " + std::to_string(kMaxFiles) + ", and at most --docs");
  }
  if (options.out_dir.empty()) throw std::invalid_argument("--out must not be empty");

  std::vector<std::unique_ptr<LanguageModel>> languages;
  for (const LanguageSpec& spec : kLanguageSpecs) {
    languages.push_back(std::make_unique<LanguageModel>(spec, options.words_dir, options.seed));
  }

  std::error_code ec;
  fs::create_directories(options.out_dir, ec);
  if (ec || !fs::is_directory(options.out_dir)) {
    throw GeneratorError("cannot create the output folder " + options.out_dir.string() +
                         (ec ? ": " + ec.message() : ": not a directory"));
  }

  GeneratorSummary summary;
  summary.counts = plan_counts(options.documents);
  summary.files = options.files;
  summary.removed_stale_files = remove_stale_parts(options.out_dir, options.files);

  DocumentWriter writer(languages, summary.counts, options.seed);
  const std::uint64_t first_project = summary.counts.organisations;
  const std::uint64_t first_resource = first_project + summary.counts.projects;
  std::string buffer;
  buffer.reserve(kFlushBytes + (std::size_t{1} << 16));
  for (unsigned f = 0; f < options.files; ++f) {
    const std::uint64_t begin = options.documents * f / options.files;
    const std::uint64_t end = options.documents * (f + 1) / options.files;
    // Root languages cycle fr, en, es, pt over the files; documents in another language carry xml:lang.
    const Lang root = schema::kLangs[f % schema::kLangs.size()];
    OutputFile file(options.out_dir / part_name(f + 1));
    buffer +=
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!--\n  Synthetic CITEGO export written by citego-generate: "
        "fictional text, not real CITEGO content.\n  Seed ";
    buffer += std::to_string(options.seed) + ", " + std::to_string(options.documents) + " documents in " +
              std::to_string(options.files) + (options.files == 1 ? " file" : " files") +
              "; this part holds documents " + std::to_string(begin + 1) + " to " + std::to_string(end) + ".\n-->\n";
    buffer += "<citego-export version=\"1\" xml:lang=\"";
    buffer += schema::code_of(root);
    buffer += "\">\n";
    for (std::uint64_t d = begin; d < end; ++d) {
      std::size_t lang = 0;
      if (d < first_project) {
        lang = writer.organisation(buffer, d, root);
      } else if (d < first_resource) {
        lang = writer.project(buffer, d - first_project, root);
      } else {
        lang = writer.resource(buffer, d - first_resource, root);
      }
      ++summary.documents_by_lang[lang];
      if (buffer.size() >= kFlushBytes) file.write(buffer);
    }
    buffer += "</citego-export>\n";
    file.write(buffer);
    file.commit();
    summary.bytes += file.bytes();
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace citego::generator
