#!/usr/bin/env python3
"""Peer system "fts5": SQLite FTS5 with its bm25() ranking, through python3's sqlite3 module.

    python3 bench/relevance/fts5_run.py DOCS_JSONL QUERIES_TSV RUN_OUT [--db PATH] [--tag fts5] [--lang en]

Table: CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body,
                                            tokenize='porter unicode61 remove_diacritics 2')
  porter on top of unicode61 for an English collection (--lang en, the default): it stems as Xapian's english
  stemmer and citego do. FTS5 has no other stemmer, so for --lang fr, es or pt the tokenizer is
  'unicode61 remove_diacritics 2' alone (it folds case and diacritics). title = "title" (empty if none), body = "text".
Query: the query's words (runs of Unicode letters and digits; duplicates after case folding dropped, first
  occurrence kept) become the FTS5 query "w1" OR "w2" OR ...; every word is quoted, so no word acts as an FTS5
  operator. SELECT id, bm25(docs) FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT 1000.
  bm25() is FTS5's (k1 = 1.2, b = 0.75, every column weight 1) and lower is better: the run's score is -bm25.
A query without any word, or one FTS5 refuses, gets no results; such queries are counted and reported on stderr.
The database is in memory unless --db is given. Python standard library only.
"""

import argparse
import os
import sqlite3
import sys

import collection


def fts5_query(text):
    return " OR ".join('"' + word + '"' for word in collection.query_words(text))


def main():
    parser = argparse.ArgumentParser(description="TREC run of SQLite FTS5 bm25")
    parser.add_argument("docs")
    parser.add_argument("queries")
    parser.add_argument("run")
    parser.add_argument("--db", default=":memory:", help="SQLite file to create (default: in memory)")
    parser.add_argument("--tag", default="fts5")
    parser.add_argument("--limit", type=int, default=1000)
    collection.add_lang_argument(parser)
    args = parser.parse_args()
    tokenizer = ("porter " if args.lang == "en" else "") + "unicode61 remove_diacritics 2"

    if args.db != ":memory:" and os.path.exists(args.db):
        os.remove(args.db)
    db = sqlite3.connect(args.db)
    try:
        db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, "
                   f"tokenize='{tokenizer}')")
    except sqlite3.OperationalError as e:
        sys.exit(f"fts5_run: this SQLite ({sqlite3.sqlite_version}) cannot create an FTS5 table: {e}")
    with db:
        db.executemany("INSERT INTO docs (id, title, body) VALUES (?, ?, ?)", collection.read_docs(args.docs, "fts5_run"))
    documents = db.execute("SELECT count(*) FROM docs").fetchone()[0]

    failures = []
    lines_written = 0
    with open(args.run, "w", encoding="utf-8") as run:
        for qid, text in collection.read_queries(args.queries, "fts5_run"):
            match = fts5_query(text)
            if not match:
                failures.append((qid, "no word in the query", text))
                continue
            try:
                rows = db.execute("SELECT id, bm25(docs) FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?",
                                  (match, args.limit)).fetchall()
            except sqlite3.Error as e:
                failures.append((qid, str(e), text))
                continue
            for rank, (doc_id, bm25) in enumerate(rows, 1):
                run.write(f"{qid} Q0 {doc_id} {rank} {-bm25!r} {args.tag}\n")
                lines_written += 1
    db.close()
    print(f"fts5_run: {documents} documents, tokenizer '{tokenizer}'; {lines_written} run lines; "
          f"{len(failures)} queries without results "
          "because they have no word or FTS5 refused them", file=sys.stderr)
    for qid, message, text in failures:
        print(f"fts5_run:   query {qid}: {message} -- {text!r}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
