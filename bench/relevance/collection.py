"""Reading the shared test collections' files, for the peers' runners (fts5_run.py, quest_run.py)."""

import json
import re
import sys

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
