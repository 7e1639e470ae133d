// Pseudo-relevance feedback (`--expand`), for Searcher: a second match with the best terms of the first's top
// documents, chosen by Xapian's relevance feedback (an RSet of the top documents, their ESet of terms). The terms
// only reweight the documents the query matches (OP_AND_MAYBE), so totals and facet counts still count the
// documents with the query's words.
//
// Off by default; measured on the relevance collections (bench/RESULTS.md, "Ranking quality").
#pragma once

#include <xapian.h>

namespace citego {

inline constexpr Xapian::doccount kExpansionDocuments = 10;  // the first match's top documents, taken as relevant
inline constexpr Xapian::termcount kExpansionTerms = 20;     // the stems added
inline constexpr double kExpansionWeight = 0.3;              // their weight factor, relative to the query's

// `match` AND_MAYBE kExpansionWeight × the OR of the kExpansionTerms best plain stems ("Z" + lower-case stem; none
// of the query's own) of the kExpansionDocuments best documents of `filtered` (the match with its filters), ranked
// with `weight`. `match` itself when `filtered` finds nothing. Throws Xapian::Error.
Xapian::Query expanded(const Xapian::Database& db, const Xapian::Query& match, const Xapian::Query& filtered,
                       const Xapian::Weight& weight);

}  // namespace citego
