#!/usr/bin/env python3
"""Load the TSV written by export_to_peers.py into an SQLite FTS5 database (peer B of bench/speed/).

    python3 bench/speed/fts5_load.py --db OUT.sqlite DOCS.tsv [--optimize] [--tokenize SPEC]
    python3 bench/speed/fts5_load.py --db OUT.sqlite --optimize-only

Schema (created anew: an existing OUT.sqlite is removed first):
    CREATE VIRTUAL TABLE docs USING fts5(title, text, content='',
                                         tokenize='unicode61 remove_diacritics 2')    -- contentless
    CREATE TABLE doc(rowid INTEGER PRIMARY KEY, id TEXT, doc_type TEXT, lang TEXT)  -- rowid = docs.rowid
    CREATE TABLE doc_year(docid INTEGER, year INTEGER)                              -- one row per value
    CREATE TABLE doc_kind(docid INTEGER, kind TEXT)
    CREATE TABLE doc_type(docid INTEGER, type TEXT)
  indexes, built after the rows are in: UNIQUE doc(id); doc(doc_type); doc(lang); and for each facet table both
  (docid, value) -- the facet counts loop over the matches and look their values up by docid (CROSS JOIN, see
  bench_query.py) -- and (value, docid), for filters.
Everything is written in one transaction (journal_mode=OFF, synchronous=OFF: a benchmark load, not a live update).
--optimize then runs INSERT INTO docs(docs) VALUES('optimize') and VACUUM; --optimize-only does only that, on an
existing database, so the two steps can be timed apart.

Python standard library only; reads the TSV as a stream. Prints one summary line on stderr.
"""

import argparse
import os
import sqlite3
import sys
import time

import export_to_peers

SCHEMA = """
CREATE VIRTUAL TABLE docs USING fts5(title, text, content='', tokenize={tokenize});
CREATE TABLE doc(rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, doc_type TEXT NOT NULL, lang TEXT NOT NULL);
CREATE TABLE doc_year(docid INTEGER NOT NULL, year INTEGER NOT NULL);
CREATE TABLE doc_kind(docid INTEGER NOT NULL, kind TEXT NOT NULL);
CREATE TABLE doc_type(docid INTEGER NOT NULL, type TEXT NOT NULL);
"""
INDEXES = """
CREATE UNIQUE INDEX doc_id ON doc(id);
CREATE INDEX doc_by_type ON doc(doc_type);
CREATE INDEX doc_by_lang ON doc(lang);
CREATE INDEX doc_year_docid ON doc_year(docid, year);
CREATE INDEX doc_year_year ON doc_year(year, docid);
CREATE INDEX doc_kind_docid ON doc_kind(docid, kind);
CREATE INDEX doc_kind_kind ON doc_kind(kind, docid);
CREATE INDEX doc_type_docid ON doc_type(docid, type);
CREATE INDEX doc_type_type ON doc_type(type, docid);
"""


def optimize(db):
    db.execute("INSERT INTO docs(docs) VALUES('optimize')")
    db.commit()
    db.execute("VACUUM")


def main():
    parser = argparse.ArgumentParser(description="TSV -> contentless SQLite FTS5 database")
    parser.add_argument("tsv", nargs="?")
    parser.add_argument("--db", required=True)
    parser.add_argument("--optimize", action="store_true", help="then run FTS5 'optimize' and VACUUM")
    parser.add_argument("--optimize-only", action="store_true", help="only optimize + VACUUM an existing --db")
    parser.add_argument("--tokenize", default="unicode61 remove_diacritics 2",
                        help="FTS5 tokenize option (default: %(default)s)")
    args = parser.parse_args()
    started = time.monotonic()

    if args.optimize_only:
        db = sqlite3.connect(args.db, isolation_level=None)
        optimize(db)
        db.close()
        print(f"fts5_load: optimized {args.db} in {time.monotonic() - started:.2f} s", file=sys.stderr)
        return 0
    if not args.tsv:
        parser.error("TSV input required (or --optimize-only)")

    for suffix in ("", "-journal", "-wal", "-shm"):
        if os.path.exists(args.db + suffix):
            os.remove(args.db + suffix)
    db = sqlite3.connect(args.db, isolation_level=None)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("BEGIN")
    tokenize = "'" + args.tokenize.replace("'", "''") + "'"
    for statement in SCHEMA.format(tokenize=tokenize).split(";"):
        if statement.strip():
            db.execute(statement)

    count = 0
    batch = {"docs": [], "doc": [], "doc_year": [], "doc_type": [], "doc_kind": []}
    inserts = {
        "docs": "INSERT INTO docs(rowid, title, text) VALUES (?, ?, ?)",
        "doc": "INSERT INTO doc(rowid, id, doc_type, lang) VALUES (?, ?, ?, ?)",
        "doc_year": "INSERT INTO doc_year(docid, year) VALUES (?, ?)",
        "doc_type": "INSERT INTO doc_type(docid, type) VALUES (?, ?)",
        "doc_kind": "INSERT INTO doc_kind(docid, kind) VALUES (?, ?)",
    }

    def flush():
        for table, values in batch.items():
            if values:
                db.executemany(inserts[table], values)
                values.clear()

    for rowid, (doc_id, doc_type, lang, title, text, y, t, k) in export_to_peers.tsv_rows(args.tsv, "fts5_load"):
        count = rowid
        batch["docs"].append((rowid, title, text))
        batch["doc"].append((rowid, doc_id, doc_type, lang))
        if y:
            batch["doc_year"].extend((rowid, int(v)) for v in y.split(","))
        if t:
            batch["doc_type"].extend((rowid, v) for v in t.split(","))
        if k:
            batch["doc_kind"].extend((rowid, v) for v in k.split(","))
        if len(batch["docs"]) >= 500:
            flush()
    flush()
    for statement in INDEXES.split(";"):
        if statement.strip():
            db.execute(statement)
    db.execute("COMMIT")
    db.execute("ANALYZE")
    loaded = time.monotonic() - started
    if args.optimize:
        optimize(db)
    db.close()
    print(f"fts5_load: {count} documents into {args.db} in {loaded:.2f} s"
          + (f", optimized in {time.monotonic() - started - loaded:.2f} s" if args.optimize else ""),
          file=sys.stderr)
    return 0 if count else 1


if __name__ == "__main__":
    sys.exit(main())
