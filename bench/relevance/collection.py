"""Reading the shared test collections' files, for the peers' runners (fts5_run.py, quest_run.py)."""

import re
import sys


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
