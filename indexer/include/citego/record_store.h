// The records kept with a database, so that `citego-index --update` and `--delete` need no other export than the
// changed ones (schema/README.md, "What a database keeps of its records").
//
// Two kinds of Xapian metadata entry, both keyed by id:
//   kFactPrefix + id    the facts the reference graph derives other records' facets from (slim()): every document
//                       and thesaurus entry. An update reads them all and adds them to a ReferenceGraph the way a
//                       build adds what it reads, so derivation has one implementation (ReferenceGraph::facets_of).
//   kRecordPrefix + id  a document's whole record less the fields its stored data already holds (title, url,
//                       summary, body, source), read back for a document whose derived fields change.
// The encoding is a private binary one, versioned by its first byte; it is no part of the searcher's contract.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "citego/record.h"

namespace citego {

inline constexpr std::string_view kFactPrefix = "citego.fact.";
inline constexpr std::string_view kRecordPrefix = "citego.record.";

// A document or a thesaurus entry, as kept.
using StoredFact = std::variant<ExportRecord, ThesaurusEntry>;

// What ReferenceGraph::add reads of a record: the record without its text (title kept for the organisations and
// dossiers whose label it is), keywords, free-text authors and reference roles.
ExportRecord slim(const ExportRecord& record);

std::string encode_fact(const ExportRecord& record);  // encodes slim(record)
std::string encode_fact(const ThesaurusEntry& entry);
// Throws std::invalid_argument on bytes encode_fact did not write.
StoredFact decode_fact(std::string_view bytes);
// The same into `into`, reusing the memory of the strings and lists it holds (an update decodes every fact of a
// database one after the other). On a throw `into` holds part of the fact.
void decode_fact(std::string_view bytes, StoredFact& into);

// The record less the fields of schema::StoredDocument (title, url, summary, body, source).
std::string encode_record(const ExportRecord& record);
// The record from encode_record's bytes and the document's stored data. Throws std::invalid_argument on bad bytes.
ExportRecord decode_record(std::string_view bytes, std::string_view stored_data);

}  // namespace citego
