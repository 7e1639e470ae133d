// Duplicate ids, references, docids and derived facets (see citego/reference_graph.h).
#include "citego/reference_graph.h"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace citego {

std::optional<Diagnostic> ReferenceGraph::add(const ExportRecord& record) {
  if (const Facts* first = find(record.id)) {
    return Diagnostic{record.where, "duplicate id \"" + record.id + "\" (first defined at " + to_string(first->where) +
                                        ")"};
  }
  Facts facts;
  facts.doc_type = record.doc_type;
  facts.lang = record.lang;
  facts.where = record.where;
  facts.kind = record.kind;
  facts.project_type = record.project_type;
  switch (record.doc_type) {
    case schema::DocType::Organisation:
      break;
    case schema::DocType::Project:
      facts.first_year = record.start_year.value_or(0);
      facts.last_year = record.end_year.value_or(facts.first_year);
      facts.refs = record.participants;
      for (const Reference& participant : record.participants) {
        auto& projects = projects_of_[participant.ref];
        if (std::find(projects.begin(), projects.end(), record.id) == projects.end()) projects.push_back(record.id);
      }
      break;
    case schema::DocType::Resource:
      facts.first_year = facts.last_year = record.year.value_or(0);
      facts.refs = record.links;
      break;
    case schema::DocType::Dossier:
    case schema::DocType::Fiche:
      break;
  }
  order_.push_back(record.id);
  facts.docid = static_cast<Xapian::docid>(order_.size());
  facts_.emplace(record.id, std::move(facts));
  return std::nullopt;
}

const ReferenceGraph::Facts* ReferenceGraph::find(const std::string& id) const {
  const auto it = facts_.find(id);
  return it == facts_.end() ? nullptr : &it->second;
}

std::vector<Diagnostic> ReferenceGraph::check_references() const {
  std::vector<Diagnostic> errors;
  for (const std::string& id : order_) {
    const Facts& facts = facts_.at(id);
    const std::string subject = "<" + std::string(schema::name_of(facts.doc_type)) + "> \"" + id + "\"";
    for (const Reference& ref : facts.refs) {
      const Facts* target = find(ref.ref);
      if (facts.doc_type == schema::DocType::Project) {
        if (!target) {
          errors.push_back({ref.where, subject + " refers to unknown organisation \"" + ref.ref + "\""});
        } else if (target->doc_type != schema::DocType::Organisation) {
          errors.push_back({ref.where, subject + " has participant \"" + ref.ref + "\", which is a " +
                                           std::string(schema::name_of(target->doc_type)) +
                                           ", not an organisation"});
        }
      } else {
        if (!target) {
          errors.push_back({ref.where, subject + " links to unknown document \"" + ref.ref + "\""});
        } else if (target->doc_type == schema::DocType::Resource) {
          errors.push_back({ref.where, subject + " links to \"" + ref.ref +
                                           "\", which is a resource (links name projects or organisations)"});
        }
      }
    }
  }
  return errors;
}

Xapian::docid ReferenceGraph::docid_of(const std::string& id) const {
  const Facts* facts = find(id);
  if (!facts || facts->docid == 0) throw std::logic_error("no docid for \"" + id + "\"");
  return facts->docid;
}

std::size_t ReferenceGraph::count(schema::DocType type) const {
  return static_cast<std::size_t>(
      std::count_if(facts_.begin(), facts_.end(), [type](const auto& entry) { return entry.second.doc_type == type; }));
}

schema::FacetValues ReferenceGraph::facets_of(const std::string& id) const {
  using schema::DocType;
  using schema::Facet;
  const Facts& self = facts_.at(id);
  std::set<int> years;
  std::set<std::string> types;
  std::set<std::string> kinds;
  auto add_years = [&years](const Facts& f) {
    if (f.first_year == 0) return;
    for (int y = f.first_year; y <= f.last_year; ++y) years.insert(y);
  };
  auto add_participant_kinds = [&](const Facts& project) {
    for (const Reference& participant : project.refs) kinds.insert(facts_.at(participant.ref).kind);
  };

  switch (self.doc_type) {
    case DocType::Organisation: {
      kinds.insert(self.kind);
      const auto it = projects_of_.find(id);
      if (it != projects_of_.end()) {
        for (const std::string& project_id : it->second) {
          const Facts& project = facts_.at(project_id);
          add_years(project);
          types.insert(project.project_type);
        }
      }
      break;
    }
    case DocType::Project:
      add_years(self);
      types.insert(self.project_type);
      add_participant_kinds(self);
      break;
    case DocType::Resource:
      add_years(self);
      for (const Reference& link : self.refs) {
        const Facts& target = facts_.at(link.ref);
        if (target.doc_type == DocType::Organisation) {
          kinds.insert(target.kind);
        } else if (target.doc_type == DocType::Project) {
          types.insert(target.project_type);
          add_participant_kinds(target);
        }
      }
      break;
    case DocType::Dossier:
    case DocType::Fiche:
      break;
  }

  schema::FacetValues facets;
  for (int y : years) facets[Facet::Year].push_back(std::to_string(y));
  facets[Facet::ProjectType].assign(types.begin(), types.end());
  facets[Facet::OrganisationKind].assign(kinds.begin(), kinds.end());
  facets[Facet::DocType].emplace_back(schema::name_of(self.doc_type));
  facets[Facet::Lang].emplace_back(schema::code_of(self.lang));
  return facets;
}

}  // namespace citego
