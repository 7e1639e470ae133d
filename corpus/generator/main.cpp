// citego-generate: writes large, realistic, deterministic CITEGO exports (format version 2, or 1) for tests and
// benchmarks.
//
// Exit codes: 0 the files were written; 1 a runtime error (a missing word list, an unwritable folder); 2 the command
// line is wrong.
#include <charconv>
#include <cstdint>
#include <iostream>
#include <limits>
#include <optional>
#include <string>

#include <boost/program_options.hpp>

#include "corpus_generator.h"

namespace po = boost::program_options;
namespace gen = citego::generator;

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

const char* const kUsage =
    "Usage: citego-generate --docs N --out DIR [--seed S] [--files K] [--words-dir D] [--format-version 1|2]\n"
    "Writes DIR/part-0001.xml … part-K.xml: N synthetic CITEGO documents in id order, spread evenly over K valid\n"
    "exports (fr 40 %, en 30 %, es 15 %, pt 15 %).\n"
    "  Version 2 (the default): 10 % organisations, 20 % projects, 5 % resources, 2.5 % dossiers, 62.5 % fiches,\n"
    "  and DIR/thesaurus.xml: 5 continents, 60 countries, about 360 regions and cities, 2000 descriptors, one\n"
    "  person per 20 fiches.\n"
    "  Version 1: 10 % organisations, 20 % projects, 70 % resources (the benchmarks' corpus, unchanged).\n"
    "The same arguments and word lists give byte-identical files. Needs Debian's wfrench, wspanish, wportuguese and\n"
    "wamerican.\n";

// Digits only (no sign, no spaces), within [min, max]; boost's own parsing would wrap "-1" around.
std::optional<std::uint64_t> parse_number(const std::string& text, std::uint64_t min, std::uint64_t max) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < min || value > max) return std::nullopt;
  return value;
}

int usage_error(const std::string& message) {
  std::cerr << "citego-generate: " << message << "\nTry 'citego-generate --help'.\n";
  return kExitUsage;
}

std::string plural(std::uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description visible("Options");
  visible.add_options()("docs", po::value<std::string>()->value_name("N"),
                        "number of documents, 1 to 1000000 (required)")(
      "out", po::value<std::string>()->value_name("DIR"), "output folder, created if missing (required)")(
      "seed", po::value<std::string>()->default_value("42")->value_name("S"), "random seed, 0 to 2^64-1")(
      "files", po::value<std::string>()->default_value("1")->value_name("K"), "number of files, 1 to min(N, 9999)")(
      "words-dir", po::value<std::string>()->default_value("/usr/share/dict")->value_name("D"),
      "folder of the word lists french, spanish, portuguese, american-english")(
      "format-version", po::value<std::string>()->default_value("2")->value_name("V"), "export format version, 1 or 2")(
      "help,h", "show this help and exit");

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(visible).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return usage_error(e.what());
  }
  if (vm.count("help")) {
    std::cout << kUsage << "\n"
              << visible
              << "\nExit status: 0 written; 1 runtime error (missing word list, unwritable folder); 2 usage error.\n";
    return kExitOk;
  }
  if (!vm.count("docs")) return usage_error("--docs N is required");
  if (!vm.count("out")) return usage_error("--out DIR is required");

  gen::GeneratorOptions options;
  const auto docs = parse_number(vm["docs"].as<std::string>(), 1, gen::kMaxDocuments);
  if (!docs) return usage_error("--docs must be a number from 1 to " + std::to_string(gen::kMaxDocuments));
  options.documents = *docs;
  const auto seed = parse_number(vm["seed"].as<std::string>(), 0, std::numeric_limits<std::uint64_t>::max());
  if (!seed) return usage_error("--seed must be a number from 0 to 18446744073709551615");
  options.seed = *seed;
  const auto files = parse_number(vm["files"].as<std::string>(), 1, gen::kMaxFiles);
  if (!files || *files > options.documents) {
    return usage_error("--files must be a number from 1 to " + std::to_string(gen::kMaxFiles) + ", and at most --docs");
  }
  options.files = static_cast<unsigned>(*files);
  options.out_dir = vm["out"].as<std::string>();
  if (options.out_dir.empty()) return usage_error("--out must not be empty");
  options.words_dir = vm["words-dir"].as<std::string>();
  const std::string version = vm["format-version"].as<std::string>();
  if (version != "1" && version != "2") return usage_error("--format-version must be 1 or 2");
  options.format_version = version == "1" ? gen::kFormatVersion1 : gen::kFormatVersion2;

  try {
    const gen::GeneratorSummary s = gen::generate_corpus(options);
    if (!s.removed_stale_files.empty()) {
      std::cerr << "citego-generate: removed " << plural(s.removed_stale_files.size(), "stale file", "stale files")
                << " of an earlier run from " << options.out_dir.string() << " (" << s.removed_stale_files.front()
                << (s.removed_stale_files.size() > 1 ? " …" : "") << ")\n";
    }
    std::cerr << "citego-generate: " << plural(s.counts.total(), "document", "documents") << " ("
              << plural(s.counts.organisations, "organisation", "organisations") << ", "
              << plural(s.counts.projects, "project", "projects") << ", "
              << plural(s.counts.resources, "resource", "resources");
    if (s.format_version == gen::kFormatVersion2) {
      std::cerr << ", " << plural(s.counts.dossiers, "dossier", "dossiers") << ", "
                << plural(s.counts.fiches, "fiche", "fiches");
    }
    std::cerr << "; fr " << s.documents_by_lang[0] << ", en " << s.documents_by_lang[1] << ", es "
              << s.documents_by_lang[2] << ", pt " << s.documents_by_lang[3] << ") in "
              << plural(s.files, "file", "files");
    if (s.format_version == gen::kFormatVersion2) {
      std::cerr << " and " << gen::kThesaurusFile << " (" << plural(s.places, "place", "places") << ", "
                << plural(s.descriptors, "descriptor", "descriptors") << ", " << plural(s.persons, "person", "persons")
                << ")";
    }
    std::cerr << " of " << options.out_dir.string() << ", " << s.bytes << " bytes in " << std::fixed;
    std::cerr.precision(2);
    std::cerr << s.seconds << " s\n";
    return kExitOk;
  } catch (const std::invalid_argument& e) {
    return usage_error(e.what());
  } catch (const std::exception& e) {
    std::cerr << "citego-generate: " << e.what() << "\n";
    return kExitFailure;
  }
}
