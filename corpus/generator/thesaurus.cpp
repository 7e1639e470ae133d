// Internal to citego-generate, version 2: see thesaurus.h.
#include "thesaurus.h"

#include <algorithm>
#include <stdexcept>
#include <string_view>
#include <unordered_set>

#include "citego/analysis.h"
#include "citego/schema.h"
#include "streams.h"
#include "xml_text.h"

namespace citego::generator {

namespace {

struct ContinentSpec {
  std::string_view id;
  std::array<std::string_view, 4> names;  // fr, en, es, pt
};
constexpr std::array<ContinentSpec, 5> kContinents = {{
    {"plc-africa", {"Afrique", "Africa", "África", "África"}},
    {"plc-america", {"Amérique", "Americas", "América", "América"}},
    {"plc-asia", {"Asie", "Asia", "Asia", "Ásia"}},
    {"plc-europe", {"Europe", "Europe", "Europa", "Europa"}},
    {"plc-oceania", {"Océanie", "Oceania", "Oceanía", "Oceânia"}},
}};
enum Continent : std::size_t { kAfrica, kAmerica, kAsia, kEurope, kOceania };

struct CountrySpec {
  std::string_view code;
  std::size_t continent;
  std::size_t lang;  // the language of its generated region and city names: fr 0, en 1, es 2, pt 3
  std::array<std::string_view, 4> names;
};
// Countries where CITEGO's partners work, most present first (the order of the Zipf draw), then others.
constexpr std::array<CountrySpec, 60> kCountries = {{
    {"FR", kEurope, 0, {"France", "France", "Francia", "França"}},
    {"BR", kAmerica, 3, {"Brésil", "Brazil", "Brasil", "Brasil"}},
    {"ES", kEurope, 2, {"Espagne", "Spain", "España", "Espanha"}},
    {"SN", kAfrica, 0, {"Sénégal", "Senegal", "Senegal", "Senegal"}},
    {"BE", kEurope, 0, {"Belgique", "Belgium", "Bélgica", "Bélgica"}},
    {"PE", kAmerica, 2, {"Pérou", "Peru", "Perú", "Peru"}},
    {"CO", kAmerica, 2, {"Colombie", "Colombia", "Colombia", "Colômbia"}},
    {"MX", kAmerica, 2, {"Mexique", "Mexico", "México", "México"}},
    {"ML", kAfrica, 0, {"Mali", "Mali", "Malí", "Mali"}},
    {"MA", kAfrica, 0, {"Maroc", "Morocco", "Marruecos", "Marrocos"}},
    {"PT", kEurope, 3, {"Portugal", "Portugal", "Portugal", "Portugal"}},
    {"AR", kAmerica, 2, {"Argentine", "Argentina", "Argentina", "Argentina"}},
    {"BO", kAmerica, 2, {"Bolivie", "Bolivia", "Bolivia", "Bolívia"}},
    {"CA", kAmerica, 0, {"Canada", "Canada", "Canadá", "Canadá"}},
    {"CH", kEurope, 0, {"Suisse", "Switzerland", "Suiza", "Suíça"}},
    {"BF", kAfrica, 0, {"Burkina Faso", "Burkina Faso", "Burkina Faso", "Burkina Faso"}},
    {"CI", kAfrica, 0, {"Côte d'Ivoire", "Côte d'Ivoire", "Costa de Marfil", "Costa do Marfim"}},
    {"CM", kAfrica, 0, {"Cameroun", "Cameroon", "Camerún", "Camarões"}},
    {"CL", kAmerica, 2, {"Chili", "Chile", "Chile", "Chile"}},
    {"EC", kAmerica, 2, {"Équateur", "Ecuador", "Ecuador", "Equador"}},
    {"GB", kEurope, 1, {"Royaume-Uni", "United Kingdom", "Reino Unido", "Reino Unido"}},
    {"US", kAmerica, 1, {"États-Unis", "United States", "Estados Unidos", "Estados Unidos"}},
    {"DE", kEurope, 1, {"Allemagne", "Germany", "Alemania", "Alemanha"}},
    {"IT", kEurope, 1, {"Italie", "Italy", "Italia", "Itália"}},
    {"MZ", kAfrica, 3, {"Mozambique", "Mozambique", "Mozambique", "Moçambique"}},
    {"AO", kAfrica, 3, {"Angola", "Angola", "Angola", "Angola"}},
    {"CV", kAfrica, 3, {"Cap-Vert", "Cape Verde", "Cabo Verde", "Cabo Verde"}},
    {"TN", kAfrica, 0, {"Tunisie", "Tunisia", "Túnez", "Tunísia"}},
    {"DZ", kAfrica, 0, {"Algérie", "Algeria", "Argelia", "Argélia"}},
    {"NE", kAfrica, 0, {"Niger", "Niger", "Níger", "Níger"}},
    {"BJ", kAfrica, 0, {"Bénin", "Benin", "Benín", "Benim"}},
    {"MG", kAfrica, 0, {"Madagascar", "Madagascar", "Madagascar", "Madagáscar"}},
    {"CD",
     kAfrica,
     0,
     {"République démocratique du Congo", "Democratic Republic of the Congo", "República Democrática del Congo",
      "República Democrática do Congo"}},
    {"HT", kAmerica, 0, {"Haïti", "Haiti", "Haití", "Haiti"}},
    {"UY", kAmerica, 2, {"Uruguay", "Uruguay", "Uruguay", "Uruguai"}},
    {"VE", kAmerica, 2, {"Venezuela", "Venezuela", "Venezuela", "Venezuela"}},
    {"GT", kAmerica, 2, {"Guatemala", "Guatemala", "Guatemala", "Guatemala"}},
    {"NI", kAmerica, 2, {"Nicaragua", "Nicaragua", "Nicaragua", "Nicarágua"}},
    {"CU", kAmerica, 2, {"Cuba", "Cuba", "Cuba", "Cuba"}},
    {"ZA", kAfrica, 1, {"Afrique du Sud", "South Africa", "Sudáfrica", "África do Sul"}},
    {"KE", kAfrica, 1, {"Kenya", "Kenya", "Kenia", "Quénia"}},
    {"NG", kAfrica, 1, {"Nigeria", "Nigeria", "Nigeria", "Nigéria"}},
    {"IN", kAsia, 1, {"Inde", "India", "India", "Índia"}},
    {"CN", kAsia, 1, {"Chine", "China", "China", "China"}},
    {"JP", kAsia, 1, {"Japon", "Japan", "Japón", "Japão"}},
    {"VN", kAsia, 1, {"Viêt Nam", "Vietnam", "Vietnam", "Vietname"}},
    {"KH", kAsia, 1, {"Cambodge", "Cambodia", "Camboya", "Camboja"}},
    {"PH", kAsia, 1, {"Philippines", "Philippines", "Filipinas", "Filipinas"}},
    {"LB", kAsia, 0, {"Liban", "Lebanon", "Líbano", "Líbano"}},
    {"TR", kAsia, 1, {"Turquie", "Turkey", "Turquía", "Turquia"}},
    {"IE", kEurope, 1, {"Irlande", "Ireland", "Irlanda", "Irlanda"}},
    {"NL", kEurope, 1, {"Pays-Bas", "Netherlands", "Países Bajos", "Países Baixos"}},
    {"LU", kEurope, 0, {"Luxembourg", "Luxembourg", "Luxemburgo", "Luxemburgo"}},
    {"PL", kEurope, 1, {"Pologne", "Poland", "Polonia", "Polónia"}},
    {"GR", kEurope, 1, {"Grèce", "Greece", "Grecia", "Grécia"}},
    {"SE", kEurope, 1, {"Suède", "Sweden", "Suecia", "Suécia"}},
    {"AU", kOceania, 1, {"Australie", "Australia", "Australia", "Austrália"}},
    {"NZ", kOceania, 1, {"Nouvelle-Zélande", "New Zealand", "Nueva Zelanda", "Nova Zelândia"}},
    {"FJ", kOceania, 1, {"Fidji", "Fiji", "Fiyi", "Fiji"}},
    {"NC", kOceania, 0, {"Nouvelle-Calédonie", "New Caledonia", "Nueva Caledonia", "Nova Caledónia"}},
}};

// Patterns of generated place names, by language (fr, en, es, pt).
struct NamePatterns {
  std::array<std::string_view, 5> city_prefixes;
  std::array<std::string_view, 4> city_suffixes;
  std::array<std::string_view, 3> region_prefixes;
};
constexpr std::array<NamePatterns, 4> kNamePatterns = {{
    {{"Saint-", "Sainte-", "Villeneuve-", "Mont-", "Port-"},
     {"-sur-Mer", "-les-Bains", "-le-Château", "-la-Forêt"},
     {"Haute-", "Basse-", "Grand-"}},
    {{"New ", "Port ", "East ", "North ", "Fort "},
     {"ton", "ville", "field", " Springs"},
     {"Upper ", "Lower ", "Greater "}},
    {{"San ", "Santa ", "Villa ", "Puerto ", "Nueva "},
     {" del Mar", " de la Sierra", " del Río", " de los Andes"},
     {"Alto ", "Bajo ", "Provincia de "}},
    {{"São ", "Santa ", "Vila ", "Porto ", "Nova "},
     {" do Sul", " da Serra", " do Norte", " de Minas"},
     {"Alto ", "Baixo ", "Região de "}},
}};

// A capitalised word of the list, of 4 bytes or more when one comes within 10 draws.
std::string place_word(std::mt19937_64& rng, const LanguageModel& lm) {
  std::string_view w = lm.listed_word(rng);
  for (int attempt = 0; w.size() < 4 && attempt < 10; ++attempt) w = lm.listed_word(rng);
  std::string out(w);
  capitalise_at(out, 0);
  return out;
}

std::string city_name(std::mt19937_64& rng, const LanguageModel& lm, const NamePatterns& p) {
  const std::uint32_t u = uniform_below(rng, 100);
  if (u < 20) return std::string(p.city_prefixes[uniform_below(rng, 5)]) + place_word(rng, lm);
  if (u < 32) return place_word(rng, lm) + std::string(p.city_suffixes[uniform_below(rng, 4)]);
  return place_word(rng, lm);
}

std::string region_name(std::mt19937_64& rng, const LanguageModel& lm, const NamePatterns& p) {
  if (uniform_below(rng, 100) < 35) return std::string(p.region_prefixes[uniform_below(rng, 3)]) + place_word(rng, lm);
  return place_word(rng, lm);
}

// "plc-fr-saint-gravelier": the country's code, then the name folded to lower-case ASCII letters and digits, other
// characters made hyphens, at most 40 characters; "-2", "-3" … when taken.
std::string place_id(std::string_view code, std::string_view name, std::unordered_set<std::string>& taken) {
  std::string slug;
  for (const char c : analysis::fold(name)) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= '0' && u <= '9')) {
      slug += c;
    } else if (u >= 'A' && u <= 'Z') {
      slug += static_cast<char>(u + 0x20);
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
  }
  if (slug.size() > 40) slug.resize(40);
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  if (slug.empty()) slug = "place";
  std::string base = "plc-";
  for (const char c : code) base += static_cast<char>(c + 0x20);
  base += '-';
  base += slug;
  std::string id = base;
  for (int k = 2; !taken.insert(id).second; ++k) id = base + "-" + std::to_string(k);
  return id;
}

}  // namespace

PlaceHierarchy::PlaceHierarchy(const std::vector<std::unique_ptr<LanguageModel>>& languages, std::uint64_t seed)
    : popular_countries_(kCountries.size()) {
  std::unordered_set<std::string> taken;
  for (std::size_t c = 0; c < kContinents.size(); ++c) {
    Place p;
    p.id = kContinents[c].id;
    p.level = PlaceLevel::Continent;
    p.continent = c;
    for (std::size_t l = 0; l < 4; ++l) p.labels[l] = kContinents[c].names[l];
    taken.insert(p.id);
    places_.push_back(std::move(p));
  }
  country_position_.assign(kContinents.size(), 0);
  for (std::size_t i = 0; i < kCountries.size(); ++i) {
    const CountrySpec& spec = kCountries[i];
    Place p;
    p.id = "plc-";
    for (const char c : spec.code) p.id += static_cast<char>(c + 0x20);
    p.level = PlaceLevel::Country;
    p.parent = spec.continent;
    p.continent = spec.continent;
    p.code = spec.code;
    for (std::size_t l = 0; l < 4; ++l) p.labels[l] = spec.names[l];
    taken.insert(p.id);
    countries_.push_back(places_.size());
    countries_by_lang_[spec.lang].push_back(places_.size());
    country_position_.push_back(i);
    places_.push_back(std::move(p));
  }
  regions_of_.resize(kCountries.size());
  cities_of_.resize(kCountries.size());
  for (std::size_t i = 0; i < kCountries.size(); ++i) {
    const CountrySpec& spec = kCountries[i];
    const LanguageModel& lm = *languages[spec.lang];
    const NamePatterns& patterns = kNamePatterns[spec.lang];
    std::mt19937_64 rng(stream_seed(seed, kStreamPlace, i));
    const std::size_t country = countries_[i];
    const auto add = [&](PlaceLevel level, std::size_t parent, const std::string& name) {
      Place p;
      p.id = place_id(spec.code, name, taken);
      p.level = level;
      p.parent = parent;
      p.continent = spec.continent;
      p.labels[spec.lang] = name;
      country_position_.push_back(i);
      places_.push_back(std::move(p));
      return places_.size() - 1;
    };
    const unsigned regions = 1 + uniform_below(rng, 3);
    for (unsigned r = 0; r < regions; ++r) {
      // Some regions lie within another (a province of a region).
      std::size_t parent = country;
      if (r > 0 && chance(rng, 0.15)) parent = regions_of_[i][uniform_below(rng, r)];
      regions_of_[i].push_back(add(PlaceLevel::Region, parent, region_name(rng, lm, patterns)));
    }
    const unsigned cities = 2 + uniform_below(rng, 5);
    for (unsigned c = 0; c < cities; ++c) {
      std::size_t parent = country;
      if (chance(rng, 0.6)) parent = regions_of_[i][uniform_below(rng, regions)];
      cities_of_[i].push_back(add(PlaceLevel::City, parent, city_name(rng, lm, patterns)));
    }
  }
}

std::size_t PlaceHierarchy::draw(std::mt19937_64& rng, std::size_t lang) const {
  constexpr std::array<std::uint32_t, 4> kLevelWeights = {50, 35, 10, 5};  // city, country, region, continent
  const std::size_t level = draw_weighted(rng, kLevelWeights);
  std::size_t position = 0;
  const std::vector<std::size_t>& own = countries_by_lang_[lang];
  if (!own.empty() && uniform_below(rng, 2) == 0) {
    position = country_position_[own[uniform_below(rng, static_cast<std::uint32_t>(own.size()))]];
  } else {
    position = popular_countries_(rng);
  }
  switch (level) {
    case 0:
      return cities_of_[position][uniform_below(rng, static_cast<std::uint32_t>(cities_of_[position].size()))];
    case 2:
      return regions_of_[position][uniform_below(rng, static_cast<std::uint32_t>(regions_of_[position].size()))];
    case 3:
      return places_[countries_[position]].continent;
    default:
      return countries_[position];
  }
}

std::vector<Descriptor> make_descriptors(const std::vector<std::unique_ptr<LanguageModel>>& languages,
                                         std::uint64_t seed) {
  constexpr std::array<std::string_view, 4> kOf = {"de", "of", "de", "de"};
  constexpr std::array<std::uint32_t, 3> kFamilyWeights = {45, 45, 10};       // territory, governance, none
  constexpr std::array<std::uint32_t, 3> kFormWeights = {35, 40, 25};         // 1 word, 2 words, word de word
  constexpr std::array<std::uint32_t, 4> kRelatedWeights = {40, 30, 20, 10};  // 1 … 4
  const ZipfSampler popular(kDescriptors);
  std::vector<Descriptor> out(kDescriptors);
  std::array<std::unordered_set<std::string>, 4> used;
  for (std::uint64_t d = 0; d < kDescriptors; ++d) {
    std::mt19937_64 rng(stream_seed(seed, kStreamDescriptor, d));
    Descriptor& descriptor = out[d];
    const std::size_t family = draw_weighted(rng, kFamilyWeights);
    descriptor.family = family < 2 ? static_cast<int>(family) : -1;
    // The label's shape, drawn once: 1 or 2 words, or "word de word"; each word a domain word (25 %, the same one
    // in every language: the domain word lists are translations of each other) or a word of the language's list.
    const std::size_t form = draw_weighted(rng, kFormWeights);
    const std::size_t words = form == 0 ? 1 : 2;
    std::array<int, 2> domain = {-1, -1};
    const auto domain_count = static_cast<std::uint32_t>(languages[0]->spec().domain_words.size());
    for (std::size_t w = 0; w < words; ++w) {
      if (chance(rng, 0.25)) domain[w] = static_cast<int>(uniform_below(rng, domain_count));
    }
    if (domain[1] == domain[0]) domain[1] = -1;
    for (std::size_t l = 0; l < 4; ++l) {
      const LanguageModel& lm = *languages[l];
      const auto word = [&](std::size_t w) {
        return domain[w] >= 0 ? lm.spec().domain_words[static_cast<std::size_t>(domain[w])] : lm.listed_word(rng);
      };
      std::string label(word(0));
      if (words == 2) {
        const std::string_view second = word(1);
        if (form == 2 && lm.spec().french_elision && starts_with_vowel_or_h(second)) {
          label += " d'";
        } else if (form == 2) {
          label += ' ';
          label += kOf[l];
          label += ' ';
        } else {
          label += ' ';
        }
        label += second;
      }
      // Unique within the language: a label already taken gets one more word.
      while (used[l].contains(label)) {
        label += ' ';
        label += lm.listed_word(rng);
      }
      used[l].insert(label);
      descriptor.labels[l] = std::move(label);
    }
    const std::size_t related = 1 + draw_weighted(rng, kRelatedWeights);
    for (int attempt = 0; descriptor.related.size() < related && attempt < 100; ++attempt) {
      const auto e =
          static_cast<std::uint32_t>(uniform_below(rng, 2) == 0 ? popular(rng) : uniform_below(rng, kDescriptors));
      if (e == d || std::find(descriptor.related.begin(), descriptor.related.end(), e) != descriptor.related.end())
        continue;
      const std::vector<std::uint32_t>& back = out[e].related;  // empty when e comes later
      if (std::find(back.begin(), back.end(), d) != back.end()) continue;
      descriptor.related.push_back(e);
    }
  }
  return out;
}

void append_place(std::string& out, const Place& place, const std::vector<Place>& places) {
  out += "  <place id=\"";
  out += place.id;
  out += "\" level=\"";
  out += schema::kPlaceLevels[static_cast<std::size_t>(place.level)];
  out += '"';
  if (!place.code.empty()) {
    out += " code=\"";
    out += place.code;
    out += '"';
  }
  if (place.level != PlaceLevel::Continent) {
    out += " parent=\"";
    out += places[place.parent].id;
    out += '"';
  }
  out += ">\n";
  for (std::size_t l = 0; l < 4; ++l) {
    if (place.labels[l].empty()) continue;
    out += "    <label xml:lang=\"";
    out += schema::code_of(schema::kLangs[l]);
    out += "\">";
    append_escaped(out, place.labels[l]);
    out += "</label>\n";
  }
  out += "  </place>\n";
}

void append_descriptor(std::string& out, std::uint64_t n, const Descriptor& descriptor) {
  out += "  <descriptor id=\"";
  append_id(out, "dsc-", n, kThesaurusIdDigits);
  out += '"';
  if (descriptor.family >= 0) {
    out += " family=\"";
    out += schema::kDescriptorFamilies[static_cast<std::size_t>(descriptor.family)];
    out += '"';
  }
  out += ">\n";
  for (std::size_t l = 0; l < 4; ++l) {
    out += "    <label xml:lang=\"";
    out += schema::code_of(schema::kLangs[l]);
    out += "\">";
    append_escaped(out, descriptor.labels[l]);
    out += "</label>\n";
  }
  for (const std::uint32_t e : descriptor.related) {
    out += "    <related ref=\"";
    append_id(out, "dsc-", e, kThesaurusIdDigits);
    out += "\"/>\n";
  }
  out += "  </descriptor>\n";
}

void append_person_name(std::string& out, std::mt19937_64& rng, const LanguageSpec& spec) {
  const auto pick = [&](Words words) { return words[uniform_below(rng, static_cast<std::uint32_t>(words.size()))]; };
  const std::string_view first = pick(spec.first_names);
  append_escaped(out, first);
  if (spec.lang == schema::Lang::Fr && chance(rng, 0.2)) {
    const std::string_view second = pick(spec.first_names);
    if (second != first) {
      out += '-';
      append_escaped(out, second);
    }
  }
  if (spec.lang == schema::Lang::En && chance(rng, 0.2)) {
    out += ' ';
    out += static_cast<char>('A' + uniform_below(rng, 26));
    out += '.';
  }
  out += ' ';
  const std::string_view last = pick(spec.last_names);
  append_escaped(out, last);
  if ((spec.lang == schema::Lang::Es || spec.lang == schema::Lang::Pt) && chance(rng, 0.5)) {
    const std::string_view second = pick(spec.last_names);
    if (second != last) {
      out += ' ';
      append_escaped(out, second);
    }
  }
}

void append_person(std::string& out, std::uint64_t n, const std::vector<std::unique_ptr<LanguageModel>>& languages,
                   std::uint64_t seed, std::uint64_t organisations,
                   const std::optional<ZipfSampler>& popular_organisations) {
  std::mt19937_64 rng(stream_seed(seed, kStreamPerson, n));
  const LanguageSpec& spec = languages[draw_language(rng)]->spec();
  out += "  <person id=\"";
  append_id(out, "per-", n, kThesaurusIdDigits);
  out += "\">\n    <name>";
  append_person_name(out, rng, spec);
  out += "</name>\n";
  if (organisations > 0 && chance(rng, 0.7)) {
    const std::uint64_t org = uniform_below(rng, 2) == 0
                                  ? (*popular_organisations)(rng)
                                  : uniform_below(rng, static_cast<std::uint32_t>(organisations));
    out += "    <affiliation ref=\"";
    append_id(out, "org-", org);
    out += "\"/>\n";
  }
  out += "  </person>\n";
}

}  // namespace citego::generator
