// Internal to citego-generate: see language_model.h.
#include "language_model.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <unordered_set>

#include "streams.h"

namespace citego::generator {

using schema::Lang;

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

namespace {

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

}  // namespace

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

std::vector<std::string_view> LanguageModel::load(const LanguageSpec& spec, const fs::path& words_dir,
                                                  std::uint64_t seed, std::string& storage) {
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

}  // namespace citego::generator
