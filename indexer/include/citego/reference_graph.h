// ReferenceGraph: what citego-index keeps of every record between reading the inputs and indexing them.
//
// It holds, per document, only the facts that other documents' facets depend on (type, kind, project type, years,
// references, a label), and the thesauri (persons, descriptors, places), so memory grows with the number of records,
// not with their text. It finds duplicate ids and dangling or ill-typed references, translation groups that loop or
// hold two fiches of one language, places whose hierarchy loops or skips a level; it assigns each document its Xapian
// docid (the order documents are read in, so the same inputs give the same database, and a run of consecutive
// documents has consecutive docids), and derives the multi-valued facets through references (schema/README.md,
// "Derivation through references": one rule per facet in facets_of()).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <xapian.h>

#include "citego/export_reader.h"
#include "citego/record.h"
#include "citego/schema.h"

namespace citego {

class ReferenceGraph {
 public:
  ReferenceGraph() = default;
  // Not copied: its references point into its own table of ids (a move keeps them valid).
  ReferenceGraph(const ReferenceGraph&) = delete;
  ReferenceGraph& operator=(const ReferenceGraph&) = delete;
  ReferenceGraph(ReferenceGraph&&) = default;
  ReferenceGraph& operator=(ReferenceGraph&&) = default;

  // Records a document's facts and gives it the next docid (1, 2, …). Returns a diagnostic (and keeps the first) when
  // its id was added before, as a document or a thesaurus entry.
  std::optional<Diagnostic> add(const ExportRecord& record);
  // Records a person, descriptor or place. Returns a diagnostic (and keeps the first) when its id was added before.
  std::optional<Diagnostic> add(const ThesaurusEntry& entry);

  // Room for `documents` documents, so that adding those a database keeps does not grow the tables step by step.
  void reserve(std::size_t documents);

  // Checks every reference (its target exists and is of the right kind), the translation groups and the place
  // hierarchy. Diagnostics come in the order the records were added: documents, then thesaurus entries. Call once,
  // after the last add().
  std::vector<Diagnostic> check_references();
  // The checks of check_references(), for a graph that held records already checked together (those a database
  // keeps) before `changed` were added, replaced or removed: the references of the records among `changed` and of
  // those that refer to any of `changed` are checked (a reference between two unchanged records names a record still
  // there, of the kind it had), the translation groups and the place hierarchy whole. Gives what check_references()
  // would. Call once, after the last add().
  std::vector<Diagnostic> check_references_of(const std::vector<std::string>& changed);
  // Frees where each document's references were read, which only the diagnostics of the checks need: for a build
  // whose checks passed, so that its writing keeps less. A check after it throws std::logic_error.
  void forget_reference_locations();

  // The docid of an added document. Throws std::logic_error for an unknown id.
  Xapian::docid docid_of(const std::string& id) const;

  // Facet values of an added document, derived through its references and the references to it.
  // Requires check_references() to have found nothing.
  schema::FacetValues facets_of(const std::string& id) const;
  // Everything a document gets from other records (facets included). Requires check_references() to have found
  // nothing.
  DerivedFields derived_of(const std::string& id) const;

  // The labels of every value a labelled facet (schema::LabelSource) can take in this corpus, as database metadata:
  // (schema::label_key, schema::encode_labels), sorted by key.
  std::vector<std::pair<std::string, std::string>> label_metadata() const;
  // label_metadata()'s entry for one id, if it has one (a thesaurus entry, an organisation or a dossier).
  std::optional<std::pair<std::string, std::string>> label_of(const std::string& id) const;

  // Whether `id` was added, as a document or a thesaurus entry.
  bool contains(const std::string& id) const { return find(id) || find_entry(id); }
  bool is_document(const std::string& id) const { return find(id) != nullptr; }
  // For each id of `targets`, the documents and entries that refer to it (any reference: participants, links,
  // partners, authors, descriptors, places, dossiers, translation-of, affiliations, parents, related descriptors),
  // each in the order added.
  std::vector<std::pair<std::string, std::vector<std::string>>> referrers_of(
      const std::vector<std::string>& targets) const;
  // The documents whose derived_of() may read the facts of any of `ids` (documents or entries, present or not): the
  // documents themselves, the organisations a project or a dossier among them names (which read its years and
  // type), those that refer to them directly or through one more document, their translation groups, and for a
  // thesaurus entry the documents that name it or a place below it. This is the reach of the rules of facets_of()
  // and derived_of(): a rule that reads further must widen it. Sorted.
  std::vector<std::string> readers_of(const std::vector<std::string>& ids) const;

  // The ids of the values of every facet: each ValueRule::Id facet lists every value a document can take in this
  // corpus (the descriptors, places, persons, dossiers and organisations defined), in byte order, so that the ids do
  // not depend on the order documents are written in.
  schema::FacetDictionary facet_dictionary() const;
  // The ValueRule::Id facet whose values include `id` (a thesaurus entry of the facet's kind, a dossier, an
  // organisation), or none for another id.
  std::optional<schema::Facet> value_facet_of(const std::string& id) const;

  // The site every document belongs to (citego-index --site, schema::kMetaSite): its `site` facet value, and the one
  // value of that facet's list in facet_dictionary(). Empty (the default): no site, the facet has no value.
  void set_site(std::string site) { site_ = std::move(site); }
  const std::string& site() const { return site_; }

  std::size_t size() const { return order_.size(); }
  std::size_t count(schema::DocType type) const;
  std::size_t count(ThesaurusKind kind) const;

 private:
  // Where a fact was read, in 12 bytes: the file is an index in files_ (a path kept with every reference cost more
  // memory than the rest of the facts).
  struct Where {
    std::uint32_t file = 0;
    int line = 0;
    int column = 0;
  };
  // A document's Reference as the graph keeps it, in 8 bytes: its target id once for every reference to it (in
  // referred_), no role (no facet depends on one); where it was read is kept apart (ref_wheres_), for the checks only.
  struct Ref {
    const std::string* id = nullptr;
    const std::string& ref() const { return *id; }
  };
  // A thesaurus entry's reference, with where it was read (entries are few).
  struct LocatedRef {
    const std::string* id = nullptr;
    Where where;
    const std::string& ref() const { return *id; }
  };

  static constexpr std::uint32_t kNoGroup = UINT32_MAX;
  // A document's facts in 120 bytes, so that a node of facts_ (512 bytes) holds four.
  struct Facts {
    schema::DocType doc_type = schema::DocType::Resource;
    schema::Lang lang = schema::Lang::En;
    Where where;
    std::uint32_t first_where = 0;  // where all[i] was read is ref_wheres_[first_where + i] (in where's padding)
    std::string label;              // organisations: acronym, else name; dossiers: title
    std::uint32_t kind = 0;         // organisations: the kind, as an index in words_
    std::uint32_t type = 0;         // projects: project type; fiches: fiche type (an index in words_)
    int first_year = 0;             // projects, dossiers: period; resources: year; fiches: the date's year; 0 = none
    int last_year = 0;
    // The references, one group after the other in one vector (one allocation for a document, not one a group):
    // group g is all[ends[g - 1], ends[g]).
    std::vector<Ref> all;
    std::array<std::uint32_t, 6> ends{};
    std::uint32_t group = kNoGroup;  // fiches: the position of the translation group's original (set by checks)
    Xapian::docid docid = 0;

    std::span<const Ref> refs() const {
      return part(0);
    }                                                             // participants, links (resources, fiches) or
                                                                  // partners (dossiers)
    std::span<const Ref> authors() const { return part(1); }      // fiches, dossiers (the coordinator first): persons
    std::span<const Ref> descriptors() const { return part(2); }  // fiches, dossiers
    std::span<const Ref> places() const { return part(3); }       // fiches, dossiers
    std::span<const Ref> dossiers() const { return part(4); }     // fiches
    const Ref* translation_of() const {                           // fiches
      const std::span<const Ref> p = part(5);
      return p.empty() ? nullptr : &p.front();
    }
    std::span<const Ref> part(std::size_t g) const {
      const std::uint32_t begin = g == 0 ? 0 : ends[g - 1];
      return std::span<const Ref>(all).subspan(begin, ends[g] - begin);
    }
  };

  struct Entry {
    ThesaurusKind kind = ThesaurusKind::Descriptor;
    Where where;
    schema::Labels labels;
    std::string level;                // places
    std::optional<LocatedRef> link;   // persons: affiliation; places: parent
    std::vector<LocatedRef> related;  // descriptors
  };

  Where where_of(const SourceLocation& location);  // interns the file's name
  SourceLocation location_of(const Where& where) const;
  const std::string* intern(const std::string& id);  // the id's one copy in referred_
  LocatedRef ref_of(const Reference& reference);
  std::optional<LocatedRef> ref_of(const std::optional<Reference>& reference);
  std::vector<LocatedRef> refs_of(const std::vector<Reference>& references);
  // Appends a reference to `id`, read at `where`, to facts.all.
  void push(Facts& facts, const std::string& id, const SourceLocation& where);
  // Appends `references` to facts.all, as the group that ends there.
  void append(Facts& facts, std::size_t group, const std::vector<Reference>& references);
  // Where `ref`, one of facts.all, was read. Throws std::logic_error after forget_reference_locations().
  Where where_of(const Facts& facts, const Ref& ref) const;

  const Facts* find(const std::string& id) const;
  const Facts& facts_at(const std::string& id) const;  // throws std::logic_error for an id that is no document
  const Entry* find_entry(const std::string& id) const;
  std::optional<Diagnostic> duplicate(const std::string& id, const SourceLocation& where) const;
  // Whether `target_id`, a reference held by <element> `id` and read at `where`, names a record of kind `expected` (an
  // element name); if not, a diagnostic calls the reference `role`.
  bool expect_kind(std::string_view element, const std::string& id, const std::string& target_id, Where where,
                   std::string_view role, std::string_view expected, std::vector<Diagnostic>& errors) const;
  void check_document(const std::string& id, const Facts& facts, std::vector<Diagnostic>& errors) const;
  void check_entry(const std::string& id, const Entry& entry, std::vector<Diagnostic>& errors) const;
  void check_translations(std::vector<Diagnostic>& errors);
  void check_place_cycles(std::vector<Diagnostic>& errors) const;
  // check_references() with the references of only the documents at `positions` (sorted) and the entries `entries`.
  std::vector<Diagnostic> check(const std::vector<std::uint32_t>& positions,
                                const std::unordered_set<std::string>* entries);
  // A place and its ancestors, nearest first (a place hierarchy without cycles).
  std::vector<std::string> place_and_ancestors(const std::string& id) const;

  std::uint32_t word_index(const std::string& word);  // interns a kind or a type
  const std::string& word(std::uint32_t index) const { return words_[index]; }
  // The id of the original of a fiche's translation group, or none.
  const std::string* group_of(const Facts& facts) const {
    return facts.group == kNoGroup ? nullptr : &order_[facts.group];
  }

  std::vector<std::string> words_{""};  // the kinds and types named by Facts::kind and type
  std::unordered_map<std::string, std::uint32_t> word_indexes_{{"", 0}};
  // Every id a reference names, once: the elements of a node-based set do not move, so a Ref points to one.
  std::unordered_set<std::string> referred_;
  std::vector<std::string> files_;  // the files named by Where::file
  // Where each document's references were read (Facts::first_where), in the order added; a deque, for the reason
  // facts_ is one. Emptied by forget_reference_locations().
  std::deque<Where> ref_wheres_;
  bool reference_locations_forgotten_ = false;
  std::unordered_map<std::string, std::uint32_t> file_index_;  // the same, by name
  // The documents in the order added: facts_[i] is document order_[i]'s, found by id through position_ (a table of
  // small nodes, and the facts side by side, cost fewer cache misses than a table holding the facts). A deque, not a
  // vector: growing it copies nothing and leaves no spare room, so a build's peak memory does not double with it.
  std::deque<Facts> facts_;
  std::vector<std::string> order_;
  std::unordered_map<std::string, std::uint32_t> position_;
  std::unordered_map<std::string, Entry> entries_;
  std::vector<std::string> entry_order_;                                   // thesaurus ids in the order added
  std::string site_;                                                       // set_site()
  std::unordered_map<std::string, std::vector<std::string>> projects_of_;  // organisation id -> project ids
  std::unordered_map<std::string, std::vector<std::string>> dossiers_of_;  // organisation id -> dossier ids
  // original fiche -> the group's fiches, for the groups of two fiches or more (a fiche alone is in none)
  std::unordered_map<std::string, std::vector<std::string>> groups_;
  // For each id of `targets` that something refers to, the documents and entries that do, in the order added (one
  // scan of every reference).
  std::unordered_map<std::string, std::vector<std::string>> referrers_among(
      const std::unordered_set<std::string>& targets) const;
};

}  // namespace citego
