#!/usr/bin/env python3
"""Peer system "postgres": PostgreSQL full-text search ranked by ts_rank_cd, on a throw-away cluster.

    python3 bench/relevance/pg_run.py DOCS_JSONL QUERIES_TSV RUN_OUT --workdir DIR [--tag postgres] [--lang L]

The documents go through bench/speed/pg_peer.py (the setup of bench/speed: the configuration citego_L of the
collection's language L, its Snowball stemmer and stop words with unaccent before it; title weighted A, text B; a GIN index), as resources
in that language without facets (collection.write_peer_tsv). The cluster lives in DIR/pg and is stopped at the end.
Query: the query's words (collection.query_words) ORed, to_tsquery('citego_L', 'w1 | w2 | ...') (the words are
letters and digits only, so none is an operator); SELECT id, ts_rank_cd(tsv, q) ... WHERE tsv @@ q ORDER BY rank
DESC, rowid LIMIT 1000 -- ts_rank_cd with its default weights {0.1, 0.2, 0.4, 1.0} and no normalization. A query
left without a word (or only stop words) gets no results; such queries are counted and reported on stderr.
All queries run in one psql session. Needs postgresql-15 (and psql); python3 standard library only.
"""

import os
import subprocess
import sys

import collection

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "speed"))
import pg_peer  # noqa: E402

MARK = "#query"


def main():
    parser = collection.server_runner_arguments("TREC run of PostgreSQL ts_rank_cd", "postgres")
    args = parser.parse_args()

    os.makedirs(args.workdir, exist_ok=True)
    tsv = os.path.join(args.workdir, "docs.tsv")
    documents = collection.write_peer_tsv(args.docs, tsv, "pg_run", args.lang)
    folder = os.path.join(args.workdir, "pg")
    if pg_peer.load(folder, tsv, None) != 0:
        return 1
    script, failures = [], []
    for qid, text in collection.read_queries(args.queries, "pg_run"):
        words = collection.query_words(text)
        if not words:
            failures.append((qid, "no word in the query", text))
            continue
        q = pg_peer.sql_str(" | ".join(words))
        script.append(f"SELECT '{MARK}', {pg_peer.sql_str(qid)};\n"
                      f"SELECT d.id, ts_rank_cd(d.tsv, q.q) AS r FROM doc d, to_tsquery('citego_{args.lang}', {q}) q(q) "
                      f"WHERE d.tsv @@ q.q ORDER BY r DESC, d.rowid LIMIT {args.limit};\n")
    pg_peer.start(folder)
    try:
        p = subprocess.run(pg_peer.psql_argv(folder) + ["-F", "\t"], input="".join(script), text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    finally:
        pg_peer.stop(folder)
    if p.returncode != 0:
        sys.exit(f"pg_run: psql failed: {p.stderr.strip()[-1000:]}")
    results, qid = {}, None
    for line in p.stdout.splitlines():
        cells = line.split("\t")
        if cells[0] == MARK:
            qid = cells[1]
            results[qid] = []
        elif len(cells) == 2 and qid is not None:
            results[qid].append((cells[0], float(cells[1])))
    lines_written = 0
    with open(args.run, "w", encoding="utf-8") as run:
        for qid, rows in results.items():
            if not rows:
                failures.append((qid, "no match (only stop words, or no word indexed)", ""))
            for rank, (doc_id, score) in enumerate(rows, 1):
                run.write(f"{qid} Q0 {doc_id} {rank} {score!r} {args.tag}\n")
                lines_written += 1
    print(f"pg_run: {documents} documents; {lines_written} run lines; {len(failures)} queries without results",
          file=sys.stderr)
    for qid, message, text in failures:
        print(f"pg_run:   query {qid}: {message}" + (f" -- {text!r}" if text else ""), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
