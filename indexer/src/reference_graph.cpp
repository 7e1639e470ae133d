// Duplicate ids, references, docids and derived facets (see citego/reference_graph.h).
#include "citego/reference_graph.h"

#include <algorithm>
#include <set>
#include <stdexcept>
#include <unordered_set>

namespace citego {

namespace {

std::string subject_of(std::string_view element, const std::string& id) {
  return "<" + std::string(element) + "> \"" + id + "\"";
}

void add_unique(std::vector<std::string>& list, const std::string& value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

// "a place", "an organisation".
std::string with_article(std::string_view noun) {
  const bool vowel = !noun.empty() && std::string_view("aeiou").find(noun[0]) != std::string_view::npos;
  return (vowel ? "an " : "a ") + std::string(noun);
}

// "a → b → a", for the messages of cycles.
std::string chain_of(const std::vector<std::string>& ids) {
  std::string out;
  for (const std::string& id : ids) out += (out.empty() ? "" : " → ") + id;
  return out;
}

}  // namespace

void ReferenceGraph::reserve(std::size_t documents) {
  position_.reserve(documents);
  order_.reserve(documents);
}

ReferenceGraph::Where ReferenceGraph::where_of(const SourceLocation& location) {
  if (files_.empty() || files_.back() != location.file) {
    const auto [it, added] = file_index_.emplace(location.file, static_cast<std::uint32_t>(files_.size()));
    if (added) files_.push_back(location.file);
    return Where{it->second, location.line, location.column};
  }
  return Where{static_cast<std::uint32_t>(files_.size() - 1), location.line, location.column};
}

const std::string* ReferenceGraph::intern(const std::string& id) { return &*referred_.insert(id).first; }

SourceLocation ReferenceGraph::location_of(const Where& where) const {
  return SourceLocation{files_.at(where.file), where.line, where.column};
}

ReferenceGraph::LocatedRef ReferenceGraph::ref_of(const Reference& reference) {
  return LocatedRef{intern(reference.ref), where_of(reference.where)};
}

std::optional<ReferenceGraph::LocatedRef> ReferenceGraph::ref_of(const std::optional<Reference>& reference) {
  if (!reference) return std::nullopt;
  return ref_of(*reference);
}

std::vector<ReferenceGraph::LocatedRef> ReferenceGraph::refs_of(const std::vector<Reference>& references) {
  std::vector<LocatedRef> refs;
  refs.reserve(references.size());
  for (const Reference& reference : references) refs.push_back(ref_of(reference));
  return refs;
}

std::uint32_t ReferenceGraph::word_index(const std::string& word) {
  const auto [it, added] = word_indexes_.try_emplace(word, static_cast<std::uint32_t>(words_.size()));
  if (added) words_.push_back(word);
  return it->second;
}

void ReferenceGraph::push(Facts& facts, const std::string& id, const SourceLocation& where) {
  if (reference_locations_forgotten_) throw std::logic_error("a reference added after forget_reference_locations()");
  facts.all.push_back(Ref{intern(id)});
  ref_wheres_.push_back(where_of(where));
}

void ReferenceGraph::append(Facts& facts, std::size_t group, const std::vector<Reference>& references) {
  for (const Reference& reference : references) push(facts, reference.ref, reference.where);
  facts.ends[group] = static_cast<std::uint32_t>(facts.all.size());
}

ReferenceGraph::Where ReferenceGraph::where_of(const Facts& facts, const Ref& ref) const {
  if (reference_locations_forgotten_) throw std::logic_error("references checked after forget_reference_locations()");
  return ref_wheres_[facts.first_where + static_cast<std::size_t>(&ref - facts.all.data())];
}

void ReferenceGraph::forget_reference_locations() {
  ref_wheres_ = {};
  reference_locations_forgotten_ = true;
}

std::optional<Diagnostic> ReferenceGraph::duplicate(const std::string& id, const SourceLocation& where) const {
  const Where* first = nullptr;
  if (const Facts* facts = find(id)) first = &facts->where;
  if (const Entry* entry = find_entry(id)) first = &entry->where;
  if (!first) return std::nullopt;
  return Diagnostic{where, "duplicate id \"" + id + "\" (first defined at " + to_string(location_of(*first)) + ")"};
}

std::optional<Diagnostic> ReferenceGraph::add(const ExportRecord& record) {
  // One look-up in the table of documents both finds a duplicate and makes room for the new one.
  const auto [position, added] = position_.try_emplace(record.id, static_cast<std::uint32_t>(order_.size()));
  if (!added || find_entry(record.id)) {
    const Where& first = added ? find_entry(record.id)->where : facts_[position->second].where;
    if (added) position_.erase(position);
    return Diagnostic{record.where,
                      "duplicate id \"" + record.id + "\" (first defined at " + to_string(location_of(first)) + ")"};
  }
  using schema::DocType;
  static_assert(sizeof(Facts) <= 128, "four facts to a node of facts_ (a std::deque's nodes hold 512 bytes)");
  Facts facts;
  facts.doc_type = record.doc_type;
  facts.lang = record.lang;
  facts.where = where_of(record.where);
  facts.kind = word_index(record.kind);
  const std::vector<Reference>* refs = nullptr;  // group 0 of facts.all
  switch (record.doc_type) {
    case DocType::Organisation:
      facts.label = record.acronym.empty() ? record.title : record.acronym;
      break;
    case DocType::Project:
      facts.type = word_index(record.project_type);
      facts.first_year = record.start_year.value_or(0);
      facts.last_year = record.end_year.value_or(facts.first_year);
      refs = &record.participants;
      for (const Reference& participant : record.participants) add_unique(projects_of_[participant.ref], record.id);
      break;
    case DocType::Resource:
      facts.first_year = facts.last_year = record.year.value_or(0);
      refs = &record.links;
      break;
    case DocType::Dossier:
      facts.label = record.title;
      facts.first_year = record.start_year.value_or(0);
      facts.last_year = record.end_year.value_or(facts.first_year);
      refs = &record.partners;
      for (const Reference& partner : record.partners) add_unique(dossiers_of_[partner.ref], record.id);
      break;
    case DocType::Fiche:
      facts.type = word_index(record.fiche_type);
      facts.first_year = facts.last_year = record.date ? record.date->year : 0;
      refs = &record.links;
      break;
  }
  std::size_t size = (refs ? refs->size() : 0) + record.author_refs.size() + record.descriptors.size() +
                     record.places.size() + record.dossiers.size() + (record.coordinator ? 1 : 0) +
                     (record.translation_of ? 1 : 0);
  facts.all.reserve(size);
  facts.first_where = static_cast<std::uint32_t>(ref_wheres_.size());
  if (refs) append(facts, 0, *refs);
  facts.ends[0] = static_cast<std::uint32_t>(facts.all.size());
  if (record.doc_type == DocType::Dossier && record.coordinator) {
    push(facts, record.coordinator->ref, record.coordinator->where);
  }
  for (const AuthorRef& author : record.author_refs) {
    if (!author.ref.empty()) push(facts, author.ref, author.where);
  }
  facts.ends[1] = static_cast<std::uint32_t>(facts.all.size());
  append(facts, 2, record.descriptors);
  append(facts, 3, record.places);
  if (record.doc_type == DocType::Fiche) append(facts, 4, record.dossiers);
  facts.ends[4] = static_cast<std::uint32_t>(facts.all.size());
  if (record.doc_type == DocType::Fiche && record.translation_of) {
    push(facts, record.translation_of->ref, record.translation_of->where);
  }
  facts.ends[5] = static_cast<std::uint32_t>(facts.all.size());
  facts.all.shrink_to_fit();
  order_.push_back(record.id);
  facts.docid = static_cast<Xapian::docid>(order_.size());
  facts_.push_back(std::move(facts));
  return std::nullopt;
}

std::optional<Diagnostic> ReferenceGraph::add(const ThesaurusEntry& entry) {
  if (auto d = duplicate(entry.id, entry.where)) return d;
  Entry e;
  e.kind = entry.kind;
  e.where = where_of(entry.where);
  e.labels = entry.labels;
  if (entry.kind == ThesaurusKind::Person) e.labels.fill(entry.name);
  e.level = entry.level;
  e.link = ref_of(entry.kind == ThesaurusKind::Person ? entry.affiliation : entry.parent);
  e.related = refs_of(entry.related);
  entry_order_.push_back(entry.id);
  entries_.emplace(entry.id, std::move(e));
  return std::nullopt;
}

const ReferenceGraph::Facts* ReferenceGraph::find(const std::string& id) const {
  const auto it = position_.find(id);
  return it == position_.end() ? nullptr : &facts_[it->second];
}

const ReferenceGraph::Facts& ReferenceGraph::facts_at(const std::string& id) const {
  const Facts* facts = find(id);
  if (!facts) throw std::logic_error("no document \"" + id + "\" in the reference graph");
  return *facts;
}

const ReferenceGraph::Entry* ReferenceGraph::find_entry(const std::string& id) const {
  const auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : &it->second;
}

// A reference to a record of kind `expected` (an element name), called `role` in messages: whether it is one.
bool ReferenceGraph::expect_kind(std::string_view element, const std::string& id, const std::string& target_id,
                                 Where where, std::string_view role, std::string_view expected,
                                 std::vector<Diagnostic>& errors) const {
  // An id is a document or an entry, never both (add() refuses the second): look first where `expected` would be.
  std::string_view actual;
  const auto as_document = [&] {
    if (const Facts* target = find(target_id)) actual = schema::name_of(target->doc_type);
  };
  const auto as_entry = [&] {
    if (const Entry* target = find_entry(target_id)) actual = name_of(target->kind);
  };
  const bool entry_kind = expected == name_of(ThesaurusKind::Person) ||
                          expected == name_of(ThesaurusKind::Descriptor) || expected == name_of(ThesaurusKind::Place);
  entry_kind ? as_entry() : as_document();
  if (actual.empty()) entry_kind ? as_document() : as_entry();
  if (actual == expected) return true;
  const std::string subject = subject_of(element, id);  // made only for a message: most references are right
  if (actual.empty()) {
    errors.push_back(
        {location_of(where), subject + " refers to unknown " + std::string(expected) + " \"" + target_id + "\""});
  } else {
    errors.push_back({location_of(where), subject + " has " + std::string(role) + " \"" + target_id + "\", which is " +
                                              with_article(actual) + ", not " + with_article(expected)});
  }
  return false;
}

void ReferenceGraph::check_document(const std::string& id, const Facts& facts, std::vector<Diagnostic>& errors) const {
  using schema::DocType;
  const std::string_view element = schema::name_of(facts.doc_type);
  const auto subject = [&] { return subject_of(element, id); };
  const auto expect = [&](const Ref& ref, std::string_view role, std::string_view expected) {
    expect_kind(element, id, ref.ref(), where_of(facts, ref), role, expected, errors);
  };
  for (const Ref& ref : facts.refs()) {
    if (facts.doc_type == DocType::Project) {
      expect(ref, "participant", "organisation");
    } else if (facts.doc_type == DocType::Dossier) {
      expect(ref, "partner", "organisation");
    } else {
      const Facts* target = find(ref.ref());
      if (!target) {
        errors.push_back(
            {location_of(where_of(facts, ref)), subject() + " links to unknown document \"" + ref.ref() + "\""});
      } else if (target->doc_type != DocType::Project && target->doc_type != DocType::Organisation) {
        errors.push_back({location_of(where_of(facts, ref)), subject() + " links to \"" + ref.ref() +
                                                                 "\", which is a " +
                                                                 std::string(schema::name_of(target->doc_type)) +
                                                                 " (links name projects or organisations)"});
      }
    }
  }
  for (const Ref& ref : facts.authors()) expect(ref, "author", "person");
  for (const Ref& ref : facts.descriptors()) expect(ref, "descriptor", "descriptor");
  for (const Ref& ref : facts.places()) expect(ref, "place", "place");
  for (const Ref& ref : facts.dossiers()) expect(ref, "dossier", "dossier");
  if (const Ref* translation_of = facts.translation_of()) {
    if (translation_of->ref() == id) {
      errors.push_back({location_of(where_of(facts, *translation_of)), subject() + " is a translation of itself"});
    } else {
      expect(*translation_of, "translation-of", "fiche");
    }
  }
}

void ReferenceGraph::check_entry(const std::string& id, const Entry& entry, std::vector<Diagnostic>& errors) const {
  const std::string_view element = name_of(entry.kind);
  const auto subject = [&] { return subject_of(element, id); };
  const auto expect = [&](const LocatedRef& ref, std::string_view role, std::string_view expected) {
    return expect_kind(element, id, ref.ref(), ref.where, role, expected, errors);
  };
  switch (entry.kind) {
    case ThesaurusKind::Person:
      if (entry.link) expect(*entry.link, "affiliation", "organisation");
      break;
    case ThesaurusKind::Descriptor:
      for (const LocatedRef& ref : entry.related) {
        if (ref.ref() == id) {
          errors.push_back({location_of(ref.where), subject() + " is related to itself"});
        } else {
          expect(ref, "related descriptor", "descriptor");
        }
      }
      break;
    case ThesaurusKind::Place:
      if (entry.link && expect(*entry.link, "parent", "place")) {
        const Entry& parent = entries_.at(entry.link->ref());
        const bool country = entry.level == "country";
        const bool fits = country ? parent.level == "continent" : parent.level == "country" || parent.level == "region";
        if (!fits && entry.link->ref() != id) {
          errors.push_back({location_of(entry.link->where),
                            subject() + " (a " + entry.level + ") has parent \"" + entry.link->ref() +
                                "\", which is a " + parent.level + " (a " + entry.level + "'s parent is " +
                                (country ? "a continent" : "a country or a region") + ")"});
        }
      }
      break;
  }
}

// Translation groups are the connected parts of the translation-of links; each has one original, the fiche that is
// a translation of no other. A chain that comes back to where it started is a cycle; a group holds at most one fiche
// per language.
void ReferenceGraph::check_translations(std::vector<Diagnostic>& errors) {
  using schema::DocType;
  const auto next_of = [&](const Facts& f) -> const std::string* {
    const Ref* translation_of = f.translation_of();
    if (!translation_of || translation_of->ref().empty()) return nullptr;
    const Facts* target = find(translation_of->ref());
    if (!target || target->doc_type != DocType::Fiche) return nullptr;
    return &translation_of->ref();
  };
  std::set<std::string> in_cycle;
  std::unordered_set<std::string> translated;  // the originals of groups of two fiches or more
  for (std::size_t i = 0; i < order_.size(); ++i) {
    const std::string& id = order_[i];
    Facts& facts = facts_[i];
    if (facts.doc_type != DocType::Fiche) continue;
    if (!next_of(facts)) {  // an original, or a fiche alone: most fiches, and no chain to follow
      facts.group = static_cast<std::uint32_t>(i);
      continue;
    }
    std::vector<std::string> chain{id};
    std::string current = id;
    bool cycle = false;
    while (const std::string* next = next_of(facts_at(current))) {
      if (*next == current) break;  // a translation of itself: reported by check_document
      const auto seen = std::find(chain.begin(), chain.end(), *next);
      if (seen != chain.end()) {
        if (seen == chain.begin() && !in_cycle.count(id)) {
          chain.push_back(*next);
          for (const std::string& member : chain) in_cycle.insert(member);
          errors.push_back({location_of(where_of(facts, *facts.translation_of())),
                            subject_of("fiche", id) + ": translation-of forms a cycle (" + chain_of(chain) + ")"});
        }
        cycle = true;
        break;
      }
      chain.push_back(*next);
      current = *next;
    }
    if (!cycle) {
      facts.group = position_.at(current);
      translated.insert(current);
    }
  }
  // groups_ holds the groups of two fiches or more: a fiche alone (most) has no translation to list or check.
  for (std::size_t i = 0; i < order_.size(); ++i) {
    const std::string& id = order_[i];
    const Facts& facts = facts_[i];
    if (facts.doc_type != DocType::Fiche || facts.group == kNoGroup) continue;
    if (facts.group == i && !translated.count(id)) continue;
    std::vector<std::string>& group = groups_[order_[facts.group]];
    const auto same_language = std::find_if(
        group.begin(), group.end(), [&](const std::string& other) { return facts_at(other).lang == facts.lang; });
    if (same_language != group.end()) {
      const SourceLocation where =
          location_of(facts.translation_of() ? where_of(facts, *facts.translation_of()) : facts.where);
      errors.push_back({where, subject_of("fiche", id) + " is in " + std::string(schema::code_of(facts.lang)) +
                                   ", like \"" + *same_language +
                                   "\" of the same translation group (a group holds one fiche per language)"});
    }
    group.push_back(id);
  }
}

void ReferenceGraph::check_place_cycles(std::vector<Diagnostic>& errors) const {
  std::set<std::string> reported;
  for (const std::string& id : entry_order_) {
    const Entry& entry = entries_.at(id);
    if (entry.kind != ThesaurusKind::Place || reported.count(id)) continue;
    std::vector<std::string> chain{id};
    const Entry* current = &entry;
    while (current->link) {
      const Entry* parent = find_entry(current->link->ref());
      if (!parent || parent->kind != ThesaurusKind::Place) break;
      const std::string& parent_id = current->link->ref();
      if (std::find(chain.begin(), chain.end(), parent_id) != chain.end()) {
        if (parent_id == id) {
          chain.push_back(parent_id);
          for (const std::string& member : chain) reported.insert(member);
          errors.push_back({location_of(entry.link->where),
                            subject_of("place", id) + ": parent forms a cycle (" + chain_of(chain) + ")"});
        }
        break;
      }
      chain.push_back(parent_id);
      current = parent;
    }
  }
}

std::vector<Diagnostic> ReferenceGraph::check(const std::vector<std::uint32_t>& positions,
                                              const std::unordered_set<std::string>* entries) {
  std::vector<Diagnostic> errors;
  for (const std::uint32_t i : positions) check_document(order_[i], facts_[i], errors);
  for (const std::string& id : entry_order_) {
    if (!entries || entries->count(id)) check_entry(id, entries_.at(id), errors);
  }
  check_translations(errors);
  check_place_cycles(errors);
  return errors;
}

std::vector<Diagnostic> ReferenceGraph::check_references() {
  std::vector<std::uint32_t> positions(order_.size());
  for (std::size_t i = 0; i < positions.size(); ++i) positions[i] = static_cast<std::uint32_t>(i);
  return check(positions, nullptr);
}

std::vector<Diagnostic> ReferenceGraph::check_references_of(const std::vector<std::string>& changed) {
  std::unordered_set<std::string> ids(changed.begin(), changed.end());
  for (const auto& [target, referrers] : referrers_among(ids)) ids.insert(referrers.begin(), referrers.end());
  std::vector<std::uint32_t> positions;
  for (const std::string& id : ids) {
    if (const auto it = position_.find(id); it != position_.end()) positions.push_back(it->second);
  }
  std::sort(positions.begin(), positions.end());
  return check(positions, &ids);
}

Xapian::docid ReferenceGraph::docid_of(const std::string& id) const {
  const Facts* facts = find(id);
  if (!facts || facts->docid == 0) throw std::logic_error("no docid for \"" + id + "\"");
  return facts->docid;
}

std::size_t ReferenceGraph::count(schema::DocType type) const {
  return static_cast<std::size_t>(
      std::count_if(facts_.begin(), facts_.end(), [type](const Facts& facts) { return facts.doc_type == type; }));
}

std::size_t ReferenceGraph::count(ThesaurusKind kind) const {
  return static_cast<std::size_t>(
      std::count_if(entries_.begin(), entries_.end(), [kind](const auto& entry) { return entry.second.kind == kind; }));
}

std::vector<std::string> ReferenceGraph::place_and_ancestors(const std::string& id) const {
  std::vector<std::string> out{id};
  const Entry* current = &entries_.at(id);
  while (current->link && out.size() <= entries_.size()) {
    out.push_back(current->link->ref());
    current = &entries_.at(current->link->ref());
  }
  return out;
}

// One rule per facet (schema/README.md, "Derivation through references").
schema::FacetValues ReferenceGraph::facets_of(const std::string& id) const {
  using schema::DocType;
  using schema::Facet;
  const Facts& self = facts_at(id);
  std::set<int> years;
  std::set<std::string> types, kinds, partners, dossiers, descriptors, places, authors;
  const auto add_years = [&years](const Facts& f) {
    if (f.first_year == 0) return;
    for (int y = f.first_year; y <= f.last_year; ++y) years.insert(y);
  };
  const auto add_partner = [&](const std::string& org_id) {
    partners.insert(org_id);
    kinds.insert(word(facts_at(org_id).kind));
  };
  // A project's or dossier's organisations (participants, partners) become partners with their kinds.
  const auto add_organisations_of = [&](const Facts& f) {
    for (const Ref& ref : f.refs()) add_partner(ref.ref());
  };
  // Links of a resource or fiche: organisations directly, projects with their types and participants.
  const auto add_links = [&](const Facts& f) {
    for (const Ref& link : f.refs()) {
      const Facts& target = facts_at(link.ref());
      if (target.doc_type == DocType::Organisation) {
        add_partner(link.ref());
      } else if (target.doc_type == DocType::Project) {
        types.insert(word(target.type));
        add_organisations_of(target);
      }
    }
  };
  const auto add_own_refs = [&](const Facts& f) {
    for (const Ref& ref : f.descriptors()) descriptors.insert(ref.ref());
    for (const Ref& ref : f.places()) {
      for (const std::string& place : place_and_ancestors(ref.ref())) places.insert(place);
    }
    for (const Ref& ref : f.authors()) authors.insert(ref.ref());
  };
  const auto projects_and_dossiers_of = [&](const std::string& org_id) {
    if (const auto it = projects_of_.find(org_id); it != projects_of_.end()) {
      for (const std::string& project_id : it->second) {
        const Facts& project = facts_at(project_id);
        add_years(project);
        types.insert(word(project.type));
      }
    }
    if (const auto it = dossiers_of_.find(org_id); it != dossiers_of_.end()) {
      for (const std::string& dossier_id : it->second) {
        add_years(facts_at(dossier_id));
        types.insert(std::string(schema::kProjectTypes[0]));  // "dossier"
        dossiers.insert(dossier_id);
      }
    }
  };

  add_years(self);
  switch (self.doc_type) {
    case DocType::Organisation:
      kinds.insert(word(self.kind));
      partners.insert(id);
      projects_and_dossiers_of(id);
      break;
    case DocType::Project:
      types.insert(word(self.type));
      add_organisations_of(self);
      break;
    case DocType::Resource:
      add_links(self);
      break;
    case DocType::Dossier:
      types.insert(std::string(schema::kProjectTypes[0]));
      dossiers.insert(id);
      add_organisations_of(self);
      add_own_refs(self);
      break;
    case DocType::Fiche:
      add_links(self);
      for (const Ref& ref : self.dossiers()) {
        types.insert(std::string(schema::kProjectTypes[0]));
        dossiers.insert(ref.ref());
        add_organisations_of(facts_at(ref.ref()));
      }
      add_own_refs(self);
      break;
  }

  schema::FacetValues facets;
  for (int y : years) facets[Facet::Year].push_back(std::to_string(y));
  facets[Facet::ProjectType].assign(types.begin(), types.end());
  facets[Facet::OrganisationKind].assign(kinds.begin(), kinds.end());
  facets[Facet::DocType].emplace_back(schema::name_of(self.doc_type));
  facets[Facet::Lang].emplace_back(schema::code_of(self.lang));
  if (self.doc_type == DocType::Fiche) facets[Facet::FicheType].push_back(word(self.type));
  facets[Facet::Descriptor].assign(descriptors.begin(), descriptors.end());
  facets[Facet::Place].assign(places.begin(), places.end());
  facets[Facet::Author].assign(authors.begin(), authors.end());
  facets[Facet::Dossier].assign(dossiers.begin(), dossiers.end());
  facets[Facet::Partner].assign(partners.begin(), partners.end());
  if (!site_.empty()) facets[Facet::Site].push_back(site_);
  return facets;
}

DerivedFields ReferenceGraph::derived_of(const std::string& id) const {
  const Facts& self = facts_at(id);
  DerivedFields derived;
  derived.facets = facets_of(id);
  const std::string* original = group_of(self);
  if (const auto group = original ? groups_.find(*original) : groups_.end(); group != groups_.end()) {
    for (schema::Lang lang : schema::kLangs) {
      for (const std::string& other : group->second) {
        if (other != id && facts_at(other).lang == lang) derived.translations.push_back({lang, other});
      }
    }
  }
  for (const Ref& author : self.authors()) {
    derived.authors.push_back({author.ref(), entries_.at(author.ref()).labels[0]});
  }
  // Label words: the document's descriptors, and its places with their ancestors, each label in its language.
  std::set<std::string> labelled;
  for (const Ref& ref : self.descriptors()) labelled.insert(ref.ref());
  for (const std::string& place : derived.facets[schema::Facet::Place]) labelled.insert(place);
  for (const std::string& entry_id : labelled) {
    const schema::Labels& labels = entries_.at(entry_id).labels;
    for (schema::Lang lang : schema::kLangs) {
      const std::string& label = labels[static_cast<std::size_t>(lang)];
      if (!label.empty()) derived.label_texts.emplace_back(lang, label);
    }
  }
  return derived;
}

namespace {

// The facet whose values are the ids of a kind of entry, or of a type of document (none for the others).
schema::Facet value_facet(ThesaurusKind kind) {
  return kind == ThesaurusKind::Person       ? schema::Facet::Author
         : kind == ThesaurusKind::Descriptor ? schema::Facet::Descriptor
                                             : schema::Facet::Place;
}

std::optional<schema::Facet> value_facet(schema::DocType type) {
  if (type == schema::DocType::Dossier) return schema::Facet::Dossier;
  if (type == schema::DocType::Organisation) return schema::Facet::Partner;
  return std::nullopt;
}

}  // namespace

std::optional<schema::Facet> ReferenceGraph::value_facet_of(const std::string& id) const {
  if (const Entry* entry = find_entry(id)) return value_facet(entry->kind);
  if (const Facts* facts = find(id)) return value_facet(facts->doc_type);
  return std::nullopt;
}

schema::FacetDictionary ReferenceGraph::facet_dictionary() const {
  schema::FacetDictionary::Lists lists;
  // The values facets_of() can give: a thesaurus entry of the facet's kind, a dossier, an organisation.
  for (const auto& [id, entry] : entries_) lists[schema::index_of(value_facet(entry.kind))].push_back(id);
  for (std::size_t i = 0; i < order_.size(); ++i) {
    if (const auto facet = value_facet(facts_[i].doc_type)) lists[schema::index_of(*facet)].push_back(order_[i]);
  }
  if (!site_.empty()) lists[schema::index_of(schema::Facet::Site)].push_back(site_);
  for (std::vector<std::string>& values : lists) std::sort(values.begin(), values.end());
  return schema::FacetDictionary(std::move(lists));
}

std::optional<std::pair<std::string, std::string>> ReferenceGraph::label_of(const std::string& id) const {
  using schema::Facet;
  if (const Entry* entry = find_entry(id)) {
    return std::make_pair(schema::label_key(value_facet(entry->kind), id), schema::encode_labels(entry->labels));
  }
  const Facts* facts = find(id);
  const std::optional<Facet> facet = facts ? value_facet(facts->doc_type) : std::nullopt;
  if (!facet) return std::nullopt;
  schema::Labels labels;
  labels[static_cast<std::size_t>(facts->lang)] = facts->label;
  return std::make_pair(schema::label_key(*facet, id), schema::encode_labels(labels));
}

std::vector<std::pair<std::string, std::string>> ReferenceGraph::label_metadata() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& id : entry_order_) out.push_back(*label_of(id));
  for (const std::string& id : order_) {
    if (auto label = label_of(id)) out.push_back(std::move(*label));
  }
  std::sort(out.begin(), out.end());
  return out;
}

namespace {

// Every reference a document's facts hold.
template <typename Refs, typename F>
void for_each_reference(const Refs& refs, F each) {
  for (const auto& ref : refs) each(ref.ref());
}

}  // namespace

std::unordered_map<std::string, std::vector<std::string>> ReferenceGraph::referrers_among(
    const std::unordered_set<std::string>& targets) const {
  std::unordered_map<std::string, std::vector<std::string>> out;
  if (targets.empty()) return out;
  const auto add = [&](const std::string& from) {
    return [&](const std::string& to) {
      if (!targets.count(to)) return;
      std::vector<std::string>& list = out[to];
      if (list.empty() || list.back() != from) list.push_back(from);  // a referrer's references come together
    };
  };
  for (std::size_t i = 0; i < order_.size(); ++i) {
    const Facts& f = facts_[i];
    const auto each = add(order_[i]);
    for_each_reference(f.all, each);  // translation-of included
  }
  for (const std::string& id : entry_order_) {
    const Entry& e = entries_.at(id);
    const auto each = add(id);
    if (e.link) each(e.link->ref());
    for_each_reference(e.related, each);
  }
  return out;
}

std::vector<std::pair<std::string, std::vector<std::string>>> ReferenceGraph::referrers_of(
    const std::vector<std::string>& targets) const {
  const auto referrers = referrers_among({targets.begin(), targets.end()});
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (const std::string& target : targets) {
    const auto it = referrers.find(target);
    out.emplace_back(target, it == referrers.end() ? std::vector<std::string>{} : it->second);
  }
  return out;
}

std::vector<std::string> ReferenceGraph::readers_of(const std::vector<std::string>& ids) const {
  std::set<std::string> out;
  const auto add_document = [&](const std::string& id) {
    if (find(id)) out.insert(id);
  };
  const auto add_group_of = [&](const std::string& id) {
    const Facts* f = find(id);
    const std::string* original = f ? group_of(*f) : nullptr;
    if (!original) return;
    if (const auto group = groups_.find(*original); group != groups_.end()) {
      for (const std::string& member : group->second) out.insert(member);
    }
  };
  // Places below an entry read its labels through their descendants' facets: the hierarchy is walked down.
  std::unordered_map<std::string, std::vector<std::string>> children;  // place -> the places whose parent it is
  for (const std::string& id : entry_order_) {
    const Entry& e = entries_.at(id);
    if (e.kind == ThesaurusKind::Place && e.link) children[e.link->ref()].push_back(id);
  }
  std::unordered_set<std::string> named;  // the ids, and the places below an entry among them
  for (const std::string& id : ids) {
    add_document(id);
    add_group_of(id);
    if (const Facts* f = find(id)) {
      // An organisation reads the projects and dossiers that name it (facets_of); what a resource or a fiche links
      // to reads nothing of it.
      if (f->doc_type == schema::DocType::Project || f->doc_type == schema::DocType::Dossier) {
        for (const Ref& ref : f->refs()) add_document(ref.ref());
      }
      if (const Ref* translation_of = f->translation_of()) {
        add_document(translation_of->ref());
        add_group_of(translation_of->ref());
      }
    }
    std::vector<std::string> below{id};
    if (find_entry(id)) {
      for (std::size_t i = 0; i < below.size(); ++i) {
        const auto it = children.find(below[i]);
        if (it == children.end()) continue;
        for (const std::string& child : it->second) {
          if (std::find(below.begin(), below.end(), child) == below.end()) below.push_back(child);
        }
      }
    }
    named.insert(below.begin(), below.end());
  }
  // Those that refer to them, directly or through one more document: two scans of the references, not an index of
  // them all (an update changes a few records of many).
  std::unordered_set<std::string> first_documents;
  for (const auto& [target, firsts] : referrers_among(named)) {
    for (const std::string& first : firsts) {
      add_document(first);
      add_group_of(first);
      if (find(first)) first_documents.insert(first);
    }
  }
  for (const auto& [first, seconds] : referrers_among(first_documents)) {
    for (const std::string& second : seconds) add_document(second);
  }
  return {out.begin(), out.end()};
}

}  // namespace citego
