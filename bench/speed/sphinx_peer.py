#!/usr/bin/env python3
"""Sphinx 2.2 (Debian's sphinxsearch) as a peer of bench/speed/ and bench/relevance/: indexer and searchd with a
configuration of their own in a folder.

    python3 bench/speed/sphinx_peer.py index --dir DIR DOCS.tsv      write DIR/sphinx.conf, run indexer --all
    python3 bench/speed/sphinx_peer.py start --dir DIR               start searchd on 127.0.0.1 (port in DIR/port)
    python3 bench/speed/sphinx_peer.py stop --dir DIR                stop it
    python3 bench/speed/sphinx_peer.py sql [--filter F=V] -- QUERY   print the SphinxQL of bench_query.py
    python3 bench/speed/sphinx_peer.py feed DOCS.tsv LANG            (indexer's tsvpipe_command)

Setup, as the Sphinx 2.2 reference manual describes it for documents in several languages:
  - morphology is set per index, so there is one index per language (fr, en, es, pt), each with its Snowball
    stemmer (morphology = libstemmer_fr, stem_en, libstemmer_es, libstemmer_pt); a query names the four
    indexes (FROM fr, en, es, pt) and each stems the query words as it stems its documents;
  - accents are folded by charset_table (Sphinx has no other accent folding): every Latin letter of U+00C0..U+024F
    maps to its unaccented lower-case base letter (from Unicode's decompositions), the others to their lower case;
  - fields title and text; attributes doc_id, doc_type, lang, type, kind (strings) and year (a multi-valued
    attribute); facets are SphinxQL FACET clauses; ranking is the default ranker (proximity_bm25) or --ranker;
  - source tsvpipe (the TSV of export_to_peers.py, filtered by language by `feed`; the row number is the
    document id, as in fts5_load.py); mem_limit = 256M (the manual suggests raising the 128M default).
Clients speak SphinxQL (the MySQL protocol) to 127.0.0.1:PORT: `mysql -h 127.0.0.1 -P PORT -N -B -e SQL`.
Python standard library only.
"""

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import time
import unicodedata

import export_to_peers

LANGS = {"fr": "libstemmer_fr", "en": "stem_en", "es": "libstemmer_es", "pt": "libstemmer_pt"}
TOKEN = re.compile(r'"[^"]*"|\S+')
HERE = os.path.dirname(os.path.abspath(__file__))


def charset_table():
    """ASCII letters and digits, and U+00C0..U+024F folded to their base letter (é -> e, Ç -> c, ß -> ß)."""
    parts = ["0..9", "A..Z->a..z", "a..z"]
    for code in range(0xC0, 0x250):
        char = chr(code)
        if not char.isalpha():
            continue
        base = unicodedata.normalize("NFD", char)[0].lower()
        target = base if "a" <= base <= "z" else char.lower()
        if len(target) != 1:
            target = char
        parts.append(f"U+{code:04X}" if target == char else f"U+{code:04X}->U+{ord(target):04X}")
    return ", ".join(parts)


def config(folder, tsv_path, port, langs):
    folder = os.path.abspath(folder)
    out = []
    for lang in langs:
        morphology = LANGS[lang]
        out.append(f"""source {lang}
{{
  type = tsvpipe
  tsvpipe_command = {sys.executable} {os.path.join(HERE, "sphinx_peer.py")} feed {os.path.abspath(tsv_path)} {lang}
  tsvpipe_field = title
  tsvpipe_field = text
  tsvpipe_attr_string = doc_id
  tsvpipe_attr_string = doc_type
  tsvpipe_attr_string = lang
  tsvpipe_attr_multi = year
  tsvpipe_attr_string = type
  tsvpipe_attr_string = kind
}}
index {lang}
{{
  source = {lang}
  path = {folder}/index/{lang}
  morphology = {morphology}
  charset_table = {charset_table()}
}}
""")
    out.append(f"""indexer
{{
  mem_limit = 256M
}}
searchd
{{
  listen = 127.0.0.1:{port}:mysql41
  log = {folder}/searchd.log
  query_log = {folder}/query.log
  pid_file = {folder}/searchd.pid
  binlog_path =
  workers = threads
}}
""")
    return "\n".join(out)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def feed(tsv_path, lang):
    """tsvpipe rows of one language: docid, title, text, doc_id, doc_type, lang, year (MVA), type, kind."""
    out = sys.stdout
    for number, (doc_id, doc_type, doc_lang, title, text, years, types, kinds) in \
            export_to_peers.tsv_rows(tsv_path, "sphinx_peer"):
        if doc_lang == lang:
            out.write("\t".join((str(number), title, text, doc_id, doc_type, doc_lang, years, types, kinds)) + "\n")


def index(folder, tsv_path, langs=tuple(LANGS)):
    """Indexes the documents of each language of LANGS (an index of no document is an error for indexer)."""
    folder = os.path.abspath(folder)
    os.makedirs(os.path.join(folder, "index"), exist_ok=True)
    stop(folder)
    for name in os.listdir(os.path.join(folder, "index")):
        os.remove(os.path.join(folder, "index", name))
    port = free_port()
    with open(os.path.join(folder, "sphinx.conf"), "w", encoding="utf-8") as f:
        f.write(config(folder, tsv_path, port, langs))
    with open(os.path.join(folder, "langs"), "w") as f:
        f.write(" ".join(langs) + "\n")
    with open(os.path.join(folder, "port"), "w") as f:
        f.write(f"{port}\n")
    started = time.monotonic()
    p = subprocess.run(["indexer", "--config", os.path.join(folder, "sphinx.conf"), "--all"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    if p.returncode != 0 or "ERROR" in p.stdout:
        sys.exit(f"sphinx_peer: indexer failed:\n{p.stdout[-2000:]}")
    docs = sum(int(n) for n in re.findall(r"collected (\d+) docs", p.stdout))
    print(f"sphinx_peer: {docs} documents into {folder}/index in {time.monotonic() - started:.2f} s",
          file=sys.stderr)
    return 0 if docs else 1


def port_of(folder):
    with open(os.path.join(folder, "port")) as f:
        return int(f.read())


def start(folder):
    folder = os.path.abspath(folder)
    subprocess.run(["searchd", "--config", os.path.join(folder, "sphinx.conf")], stdout=subprocess.DEVNULL,
                   check=True)
    port = port_of(folder)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"sphinx_peer: searchd does not answer on 127.0.0.1:{port} (see {folder}/searchd.log)")


def stop(folder):
    pid_file = os.path.join(os.path.abspath(folder), "searchd.pid")
    try:
        with open(pid_file) as f:
            pid = int(f.read())
    except (OSError, ValueError):
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    for _ in range(100):
        if not os.path.exists(f"/proc/{pid}"):
            return
        time.sleep(0.1)


def sql_str(text):
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def match_text(query):
    """Sphinx's extended syntax: bare words are ANDed, "phrases" stay phrases; other operators are escaped."""
    parts = []
    for token in TOKEN.findall(query):
        inner = re.sub(r'([\\()|\-!@~/^$<=&*"])', r"\\\1", token.strip('"'))
        if inner:
            parts.append(f'"{inner}"' if token.startswith('"') else inner)
    return " ".join(parts)


def query_sql(query, flt, limit=10, ranker=None, langs=tuple(LANGS), facets=True, match=None):
    """The top LIMIT by weight, then the five facets (FACET clauses), then SHOW META (total_found: the exact
    total). MATCH: a ready query in Sphinx's syntax instead of QUERY."""
    where = f"MATCH({sql_str(match if match is not None else match_text(query))})"
    if flt:
        facet, value = flt
        where += f" AND {facet} = {int(value) if facet == 'year' else sql_str(value)}"
    option = f" OPTION ranker={ranker}, max_matches={max(limit, 1000)}" if ranker else \
        f" OPTION max_matches={max(limit, 1000)}"
    facet = "".join(f" FACET {f} ORDER BY COUNT(*) DESC LIMIT 11" for f in ("year", "type", "kind", "doc_type", "lang")
                    if facets)
    return (f"SELECT doc_id, WEIGHT() AS w FROM {', '.join(langs)} WHERE {where} ORDER BY w DESC, id ASC "
            f"LIMIT {limit}{option}{facet}; SHOW META LIKE 'total_found'")


def main():
    parser = argparse.ArgumentParser(description="Sphinx peer: indexer and searchd with their own configuration")
    parser.add_argument("action", choices=("index", "start", "stop", "sql", "feed"))
    parser.add_argument("--dir", help="folder of the configuration, indexes, logs and pid")
    parser.add_argument("--filter", help="sql: FACET=VALUE")
    parser.add_argument("--ranker", help="sql: a SphinxQL ranker (default: the server's, proximity_bm25)")
    parser.add_argument("args", nargs="*", help="index: DOCS.tsv; sql: the query; feed: DOCS.tsv LANG")
    args = parser.parse_intermixed_args()
    if args.action == "feed":
        if len(args.args) != 2 or args.args[1] not in LANGS:
            parser.error("feed needs DOCS.tsv and a language (fr, en, es, pt)")
        feed(*args.args)
        return 0
    if args.action == "sql":
        print(query_sql(" ".join(args.args), tuple(args.filter.split("=", 1)) if args.filter else None,
                        ranker=args.ranker))
        return 0
    if not args.dir:
        parser.error(f"{args.action} needs --dir")
    if args.action == "index":
        if len(args.args) != 1:
            parser.error("index needs DOCS.tsv")
        return index(args.dir, args.args[0])
    if args.action == "start":
        start(args.dir)
    else:
        stop(args.dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
