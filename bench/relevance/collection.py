"""Reading the shared test collections' files, for the peers' runners (fts5_run.py, quest_run.py, pg_run.py,
sphinx_run.py)."""

import argparse
import json
import re
import sys

WORD = re.compile(r"[^\W_]+")

# The collection languages run.sh passes on (--lang), and the name of each one's Snowball stemmer in Xapian.
STEMMERS = {"fr": "french", "en": "english", "es": "spanish", "pt": "portuguese"}


def add_lang_argument(parser):
    parser.add_argument("--lang", default="en", choices=sorted(STEMMERS),
                        help="the collection's language (default: en)")


def read_queries(path, tool):
    """queries.tsv -> [(query_id, text)]; exits with `tool: path:line: …` on a malformed line."""
    queries = []
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            line = line.rstrip("\r\n")
            if not line or line.startswith("#"):
                continue
            qid, tab, text = line.partition("\t")
            if not tab or not qid or re.search(r"\s", qid):
                sys.exit(f"{tool}: {path}:{number}: expected QUERY_ID<TAB>QUERY")
            queries.append((qid, text))
    return queries


def read_docs(path, tool):
    """docs.jsonl -> (doc_id, title, text) for every document; exits with `tool: path:line: …` on a bad id."""
    with open(path, encoding="utf-8") as docs:
        for number, line in enumerate(docs, 1):
            if not line.strip():
                continue
            doc = json.loads(line)
            doc_id = str(doc["id"])
            if not doc_id or re.search(r"\s", doc_id):
                sys.exit(f"{tool}: {path}:{number}: empty id or id with whitespace")
            yield doc_id, doc.get("title") or "", doc.get("text") or ""


def write_peer_tsv(docs_path, tsv_path, tool, lang):
    """docs.jsonl -> the TSV of bench/speed/export_to_peers.py (resources in `lang`, no facet values), the input of
    bench/speed/pg_peer.py and sphinx_peer.py; returns the number of documents."""
    count = 0
    with open(tsv_path, "w", encoding="utf-8", newline="\n") as out:
        for doc_id, title, text in read_docs(docs_path, tool):
            cells = (doc_id, "resource", lang, title, text, "", "", "")
            out.write("\t".join(re.sub(r"[\t\r\n]", " ", c) for c in cells) + "\n")
            count += 1
    return count


def query_words(text):
    """The query's words (runs of Unicode letters and digits), duplicates after case folding dropped, first
    occurrence kept: what every peer's runner ORs together."""
    words, seen = [], set()
    for word in WORD.findall(text):
        key = word.casefold()
        if key not in seen:
            seen.add(key)
            words.append(word)
    return words


def server_runner_arguments(description, tag):
    """The command line of a peer's runner that keeps a server in a work folder (pg_run.py, sphinx_run.py):
    DOCS_JSONL QUERIES_TSV RUN_OUT --workdir DIR [--tag TAG] [--limit 1000] [--lang L]; add options, then parse_args()."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("docs")
    parser.add_argument("queries")
    parser.add_argument("run")
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--tag", default=tag)
    parser.add_argument("--limit", type=int, default=1000)
    add_lang_argument(parser)
    return parser
