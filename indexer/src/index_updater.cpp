// Updates and deletions in place (see citego/index_updater.h).
#include "citego/index_updater.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include <xapian.h>

#include "citego/document_builder.h"
#include "citego/index_builder.h"
#include "citego/live_database.h"
#include "citego/record_store.h"
#include "citego/reference_graph.h"
#include "citego/schema.h"
#include "citego/shard_set.h"
#include "citego/sharded_writer.h"

namespace citego {

namespace {

// The graph of an update whose process ends after it (UpdateRequest::exits_after): held here so that the leak checker
// sees it as still in use, and freed by the process's end.
const ReferenceGraph* graph_left_to_exit = nullptr;

// Every facet that carries labels, so that the label of an id can be removed whatever it was.
constexpr schema::Facet kLabelledFacets[] = {schema::Facet::Author, schema::Facet::Descriptor, schema::Facet::Place,
                                             schema::Facet::Dossier, schema::Facet::Partner};

std::string quoted_list(const std::vector<std::string>& ids) {
  std::string out;
  for (const std::string& id : ids) out += (out.empty() ? "\"" : ", \"") + id + "\"";
  return out;
}

// What a kept record referred to, which may have read it: the organisations it named as a project or a dossier (an
// organisation reads the years and type of the projects and dossiers that name it; nothing reads what a resource or
// a fiche links to) into `named`, the fiche it was a translation of (whose group it left) into `groups`.
void add_references_of(const StoredFact& fact, std::vector<std::string>& named, std::vector<std::string>& groups) {
  if (const auto* r = std::get_if<ExportRecord>(&fact)) {
    for (const auto* refs : {&r->participants, &r->partners}) {
      for (const Reference& ref : *refs) named.push_back(ref.ref);
    }
    if (r->translation_of) groups.push_back(r->translation_of->ref);
  }
}

const std::string& id_of(const StoredFact& fact) {
  if (const auto* r = std::get_if<ExportRecord>(&fact)) return r->id;
  return std::get<ThesaurusEntry>(fact).id;
}

// The facet value ids an update writes (schema::kSlotFacetIds): the database's own lists, each with the values the
// updated graph defines and the list lacks appended, so that every id already written keeps its value. Empty (no id
// slot written) for a database without kMetaFacetIds, which is counted from its strings. A list holds every value the
// database defined when it was written, so the values it lacks are among the ids given (`given`, sorted); they are
// appended in byte order, as a build lists them. `appended` says whether any was.
std::optional<schema::FacetDictionary> extended_dictionary(const Xapian::Database& db, const ReferenceGraph& graph,
                                                           const std::vector<std::string>& given, bool& appended) {
  appended = false;
  if (db.get_metadata(std::string(schema::kMetaFacetIds)) != "1") return std::nullopt;
  schema::FacetDictionary::Lists lists;
  for (const schema::FacetSpec& spec : schema::kFacets) {
    if (spec.rule != schema::ValueRule::Id) continue;
    const std::size_t f = schema::index_of(spec.facet);
    const std::string stored = db.get_metadata(schema::facet_values_key(spec.facet));
    const std::vector<std::string_view> values = schema::decode_facet_values(stored);
    lists[f].assign(values.begin(), values.end());
    std::unordered_set<std::string_view> known;
    for (const std::string& id : given) {
      if (graph.value_facet_of(id) != spec.facet) continue;
      if (known.empty()) known.insert(values.begin(), values.end());
      if (!known.count(id)) {
        lists[f].push_back(id);
        appended = true;
      }
    }
  }
  return schema::FacetDictionary(std::move(lists));
}

// How each word's frequency changes (the sum of its wdf over the documents, as the build's spelling table counts
// it: exact terms, no prefixed terms, no numbers): `sign` is +1 for a document written, -1 for one taken away.
void count_words_of(const Xapian::Document& doc, int sign, std::unordered_map<std::string, std::int64_t>& change) {
  for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
    if (is_spelling_word(*t)) change[*t] += sign * static_cast<std::int64_t>(t.get_wdf());
  }
}

}  // namespace

UpdateSummary update_index(const UpdateRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  UpdateSummary summary;

  // The inputs, read and checked on their own first.
  std::vector<Diagnostic> errors;
  std::vector<ExportRecord> records;
  std::vector<ThesaurusEntry> entries;
  const std::vector<std::string> files =
      request.inputs.empty() ? std::vector<std::string>{} : expand_inputs(request.inputs);
  for (const std::string& file : files) {
    ParsedExport parsed = read_export_file(file);
    for (Diagnostic& d : parsed.errors) errors.push_back(std::move(d));
    for (ExportRecord& r : parsed.records) records.push_back(std::move(r));
    for (ThesaurusEntry& e : parsed.entries) entries.push_back(std::move(e));
    if (errors.size() >= request.max_errors) break;
  }
  summary.files = files.size();
  if (!errors.empty()) {
    const std::size_t total = errors.size();
    if (errors.size() > request.max_errors) errors.resize(request.max_errors);
    throw InputError(std::move(errors), total, total >= request.max_errors);
  }

  std::error_code ec;
  if (!std::filesystem::is_symlink(std::filesystem::symlink_status(request.db_path, ec))) {
    throw LiveDatabaseError("there is no database at " + request.db_path +
                            " to change; build it first (citego-index "
                            "--db " +
                            request.db_path + " INPUT...)");
  }
  LiveDatabase live(request.db_path);
  if (live.live_generation_path().empty()) {
    throw LiveDatabaseError("there is no database at " + request.db_path +
                            " to update; build it first (citego-index "
                            "--db " +
                            request.db_path + " INPUT...)");
  }
  // A shard set is changed whole: joined into one database in the staging folder, changed there as one database is,
  // then split by the same hash into a new generation that is published as a build's is (shard_set.h). Every shard
  // changes, or none: the set a searcher opens is the generation PATH links to.
  std::string path = live.live_generation_path();
  unsigned shards = 0;
  if (is_shard_set(path)) {
    std::filesystem::create_directories(live.staging_path());
    path = live.staging_path() + "/whole";
    shards = join_shard_set(live.live_generation_path(), path);
  }
  Xapian::WritableDatabase db(path, Xapian::DB_OPEN);
  if (db.get_metadata(std::string(schema::kMetaSchemaVersion)) != std::to_string(schema::kSchemaVersion) ||
      db.metadata_keys_begin(std::string(kFactPrefix)) == db.metadata_keys_end(std::string(kFactPrefix))) {
    throw LiveDatabaseError(request.db_path +
                            " was built by another version of citego-index, without the records an "
                            "update needs; build it again from all the exports");
  }

  // The kept facts, then the changed records in place of the old ones.
  std::unordered_set<std::string> given;
  for (const ExportRecord& r : records) given.insert(r.id);
  for (const ThesaurusEntry& e : entries) given.insert(e.id);
  const std::set<std::string> deleted(request.deletions.begin(), request.deletions.end());
  std::unordered_map<std::string, StoredFact> old;  // the kept facts of the ids given or deleted
  auto graph_memory = std::make_unique<ReferenceGraph>();
  ReferenceGraph& graph = *graph_memory;
  graph.set_site(db.get_metadata(std::string(schema::kMetaSite)));  // an update keeps the database's site
  try {
    graph.reserve(std::stoul(db.get_metadata(std::string(schema::kMetaDocumentCount))));
  } catch (const std::logic_error&) {
    // no count: the tables grow as they are filled
  }
  // Each kept fact goes to the graph as it is read (in id order, then the inputs), and is not kept besides.
  StoredFact kept;
  for (auto key = db.metadata_keys_begin(std::string(kFactPrefix));
       key != db.metadata_keys_end(std::string(kFactPrefix)); ++key) {
    decode_fact(db.get_metadata(*key), kept);
    const std::string& id = id_of(kept);
    if (given.count(id) || deleted.count(id)) {
      old.emplace(id, kept);
    } else {
      std::visit([&graph](const auto& f) { graph.add(f); }, kept);
    }
  }
  for (const std::string& id : deleted) {
    if (!old.count(id)) {
      errors.push_back({SourceLocation{"--delete", 0, 0}, "no document or entry \"" + id + "\" in " + request.db_path});
    } else if (given.count(id)) {
      errors.push_back({SourceLocation{"--delete", 0, 0}, "\"" + id + "\" is both deleted and given in an input"});
    }
  }
  for (const ExportRecord& r : records) {
    if (auto d = graph.add(r)) errors.push_back(std::move(*d));
  }
  for (const ThesaurusEntry& e : entries) {
    if (auto d = graph.add(e)) errors.push_back(std::move(*d));
  }
  if (errors.empty() && !deleted.empty()) {
    for (const auto& [id, referrers] : graph.referrers_of({deleted.begin(), deleted.end()})) {
      if (referrers.empty()) continue;
      errors.push_back({SourceLocation{"--delete", 0, 0},
                        "cannot delete \"" + id + "\": " + quoted_list(referrers) +
                            (referrers.size() == 1 ? " refers" : " refer") + " to it (delete or update " +
                            (referrers.size() == 1 ? "it" : "them") + " in the same run)"});
    }
  }
  std::vector<std::string> changed(given.begin(), given.end());
  changed.insert(changed.end(), deleted.begin(), deleted.end());
  std::sort(changed.begin(), changed.end());
  if (errors.empty()) {
    // The kept records were checked together when they were written: only what changed, and what refers to it, is
    // checked again.
    for (Diagnostic& d : graph.check_references_of(changed)) errors.push_back(std::move(d));
  }
  if (!errors.empty()) {
    const std::size_t total = errors.size();
    if (errors.size() > request.max_errors) errors.resize(request.max_errors);
    throw InputError(std::move(errors), total);
  }

  // Who must be written again: every reader of a changed record, as it is now and as it was (those that referred to
  // it still do, or changed themselves; those it referred to are read again below).
  std::vector<std::string> named, groups(changed);
  for (const auto& [id, fact] : old) add_references_of(fact, named, groups);
  std::vector<std::string> readers = graph.readers_of(groups);
  for (const std::string& id : named) {
    if (graph.is_document(id)) readers.push_back(id);
  }
  std::sort(readers.begin(), readers.end());
  readers.erase(std::unique(readers.begin(), readers.end()), readers.end());

  std::unordered_map<std::string, const ExportRecord*> input_of;
  for (const ExportRecord& r : records) input_of.emplace(r.id, &r);
  const auto stored_doc = [&db](const std::string& id) -> std::optional<Xapian::Document> {
    const std::string term = schema::id_term(id);
    const Xapian::PostingIterator p = db.postlist_begin(term);
    if (p == db.postlist_end(term)) return std::nullopt;
    return db.get_document(*p);
  };

  // One transaction: nothing is visible, and nothing is committed by Xapian's flush threshold, before its end.
  db.begin_transaction(true);
  std::unordered_map<std::string, std::int64_t> words;  // how the frequency of each word changes
  for (const std::string& id : deleted) {
    if (const auto doc = stored_doc(id)) {
      count_words_of(*doc, -1, words);
      db.delete_document(schema::id_term(id));
    }
    db.set_metadata(std::string(kFactPrefix) + id, "");
    db.set_metadata(std::string(kRecordPrefix) + id, "");
    ++summary.deleted;
  }
  bool appended = false;
  std::vector<std::string> given_sorted(given.begin(), given.end());
  std::sort(given_sorted.begin(), given_sorted.end());
  const std::optional<schema::FacetDictionary> dictionary = extended_dictionary(db, graph, given_sorted, appended);
  if (appended) {
    for (const auto& [key, value] : dictionary->metadata()) db.set_metadata(key, value);
  }
  DocumentBuilder builder(dictionary ? &*dictionary : nullptr);
  for (const std::string& id : readers) {
    const std::optional<Xapian::Document> before = stored_doc(id);
    if (before) count_words_of(*before, -1, words);
    ExportRecord kept_record;
    const ExportRecord* record = nullptr;
    if (const auto it = input_of.find(id); it != input_of.end()) {
      record = it->second;
    } else {
      if (!before) throw std::logic_error("document \"" + id + "\" is in the graph but not in the database");
      kept_record = decode_record(db.get_metadata(std::string(kRecordPrefix) + id), before->get_data());
      record = &kept_record;
      ++summary.rebuilt;
    }
    const Xapian::Document doc = builder.build(*record, graph.derived_of(id));
    count_words_of(doc, +1, words);
    db.replace_document(schema::id_term(id), doc);
  }
  for (const ExportRecord& r : records) {
    db.set_metadata(std::string(kFactPrefix) + r.id, encode_fact(r));
    db.set_metadata(std::string(kRecordPrefix) + r.id, encode_record(r));
    ++(old.count(r.id) ? summary.replaced : summary.added);
  }
  for (const ThesaurusEntry& e : entries) {
    if (old.count(e.id)) {
      const auto* was = std::get_if<ExportRecord>(&old.at(e.id));
      if (was) db.set_metadata(std::string(kRecordPrefix) + e.id, "");  // a document became an entry
    }
    db.set_metadata(std::string(kFactPrefix) + e.id, encode_fact(e));
    ++(old.count(e.id) ? summary.replaced : summary.added);
  }
  // A document that became an entry: its document goes.
  for (const ThesaurusEntry& e : entries) {
    if (const auto doc = stored_doc(e.id)) {
      count_words_of(*doc, -1, words);
      db.delete_document(schema::id_term(e.id));
    }
  }
  for (const std::string& id : changed) {
    if (!given.count(id) && !deleted.count(id)) continue;
    for (schema::Facet facet : kLabelledFacets) db.set_metadata(schema::label_key(facet, id), "");
    if (auto label = graph.label_of(id)) db.set_metadata(label->first, label->second);
  }
  // The spelling table holds each word at its frequency in the documents (the sum of its wdf, which is its collection
  // frequency), when that is at least 2, as a build writes it. A word whose frequency did not change (most words of
  // a document replaced by a new version of itself) is left as it is.
  for (const auto& [word, change] : words) {
    if (change == 0) continue;
    const Xapian::termcount now = db.get_collection_freq(word);
    const Xapian::termcount target = now >= 2 ? now : 0;
    const std::int64_t before = static_cast<std::int64_t>(now) - change;
    if (before == static_cast<std::int64_t>(target) || (before < 2 && target == 0)) continue;
    // Xapian 1.4 does not say a word's spelling frequency: take it away whole (a word absent is no error), then set.
    db.remove_spelling(word, std::numeric_limits<Xapian::termcount>::max());
    if (target > 0) db.add_spelling(word, target);
  }
  db.set_metadata(std::string(schema::kMetaDocumentCount), std::to_string(graph.size()));
  db.set_metadata(std::string(schema::kMetaUpdatedAt), utc_now());
  db.commit_transaction();
  db.close();
  if (shards > 0) {
    write_shard_set(path, live.generation_path(), shards);
    live.publish();
  }

  summary.documents = graph.size();
  summary.generation = shards > 0 ? live.generation_name() : live.live_generation_name();
  summary.in_place = shards == 0;
  if (request.exits_after) {
    graph_left_to_exit = graph_memory.release();
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace citego
