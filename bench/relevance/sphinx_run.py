#!/usr/bin/env python3
"""Peer system "sphinx": Sphinx 2.2 (searchd) with its default ranker, proximity_bm25.

    python3 bench/relevance/sphinx_run.py DOCS_JSONL QUERIES_TSV RUN_OUT --workdir DIR [--tag sphinx]
                                          [--ranker NAME] [--lang L]

The documents go through bench/speed/sphinx_peer.py (the setup of bench/speed: fields title and text, accents
folded by charset_table, the morphology of the collection's language L, stem_en for English) as resources in that
language without facets (collection.write_peer_tsv): one index, L, in DIR/sphinx; searchd runs on 127.0.0.1 (a free port) and is stopped at the end.
Query: the query's words (collection.query_words) ORed, MATCH('w1 | w2 | ...'), top 1000 by WEIGHT() (ties by
document id), OPTION max_matches=1000 (and ranker=NAME with --ranker, say bm25), through one `mysql` call per
query. A query without any word gets no results; such queries are counted and reported on stderr. Needs
sphinxsearch and a mysql client; python3 standard library only.
"""

import os
import subprocess
import sys

import collection

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "speed"))
import sphinx_peer  # noqa: E402


def main():
    parser = collection.server_runner_arguments("TREC run of Sphinx", "sphinx")
    parser.add_argument("--ranker", help="a SphinxQL ranker instead of the default (proximity_bm25)")
    args = parser.parse_args()

    os.makedirs(args.workdir, exist_ok=True)
    tsv = os.path.join(args.workdir, "docs.tsv")
    documents = collection.write_peer_tsv(args.docs, tsv, "sphinx_run", args.lang)
    folder = os.path.join(args.workdir, "sphinx")
    if sphinx_peer.index(folder, tsv, (args.lang,)) != 0:
        return 1
    sphinx_peer.start(folder)
    mysql = ["mysql", "-h", "127.0.0.1", "-P", str(sphinx_peer.port_of(folder)), "--protocol=tcp", "-N", "-B"]
    failures, lines_written = [], 0
    try:
        with open(args.run, "w", encoding="utf-8") as run:
            for qid, text in collection.read_queries(args.queries, "sphinx_run"):
                words = collection.query_words(text)
                if not words:
                    failures.append((qid, "no word in the query", text))
                    continue
                sql = sphinx_peer.query_sql("", None, limit=args.limit, ranker=args.ranker, langs=(args.lang,),
                                            facets=False, match=" | ".join(words))
                p = subprocess.run(mysql + ["-e", sql], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   check=False)
                if p.returncode != 0:
                    failures.append((qid, p.stderr.strip(), text))
                    continue
                rank = 0
                for line in p.stdout.splitlines():
                    cells = line.split("\t")
                    if len(cells) != 2 or cells[0] == "total_found":
                        continue
                    rank += 1
                    run.write(f"{qid} Q0 {cells[0]} {rank} {cells[1]} {args.tag}\n")
                lines_written += rank
    finally:
        sphinx_peer.stop(folder)
    print(f"sphinx_run: {documents} documents; {lines_written} run lines; {len(failures)} queries without results "
          "because they have no word or Sphinx refused them", file=sys.stderr)
    for qid, message, text in failures:
        print(f"sphinx_run:   query {qid}: {message} -- {text!r}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
