#!/usr/bin/env python3
"""Peer system "quest": a plain Xapian database built by Omega's scriptindex, searched with Xapian's quest.

    python3 bench/relevance/quest_run.py DOCS_JSONL QUERIES_TSV RUN_OUT --workdir DIR [--tag quest] [--lang en]

1. Writes DIR/scriptindex.input (one record per document: id, title, text; line breaks become spaces) and
   DIR/index.script:
       id : field=id boolean=Q unique=Q     the id is stored in the document data ("id=...") and as term Q<id>
       title : index                        free text with positions, wdf 1, no prefix
       text : index
   and runs `scriptindex --overwrite --stemmer=STEMMER DIR/quest.db DIR/index.script DIR/scriptindex.input`, STEMMER
   being the Snowball stemmer of --lang (english, french, spanish or portuguese; default english)
   (scriptindex's defaults otherwise: STEM_SOME, i.e. unstemmed terms with positions plus Z-prefixed stems).
2. Runs `quest -d DIR/quest.db -m 1000 -s STEMMER -- QUERY` once per query: quest's defaults otherwise (BM25 with
   Xapian's default parameters, QueryParser with FLAG_DEFAULT, default operator OR, STEM_SOME, and quest's built-in
   stopword list: a about an and are as at be by en for from how i in is it of on or that the this to was what when
   where which who why will with).
   The query goes to quest as one argument, never through a shell.
3. Parses quest's "DOCID: [WEIGHT]" lines and the "id=" data line that follows each into a TREC run
   (QID Q0 DOCID RANK WEIGHT TAG). quest prints weights with 6 significant digits.
A query quest refuses (it exits non-zero, e.g. "Couldn't parse query") gets no results; such queries are counted,
listed in DIR/quest-failures.tsv and reported on stderr. Python standard library only.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

import collection

INDEX_SCRIPT = """id : field=id boolean=Q unique=Q
title : index
text : index
"""
HIT = re.compile(r"^(\d+): \[([^\]]*)\]$")
WHITESPACE = re.compile(r"\s+")


def one_line(text):
    return WHITESPACE.sub(" ", text).strip()


def write_input(docs_path, input_path):
    count = 0
    with open(input_path, "w", encoding="utf-8") as out:
        for doc_id, title, text in collection.read_docs(docs_path, "quest_run"):
            out.write(f"id={doc_id}\ntitle={one_line(title)}\ntext={one_line(text)}\n\n")
            count += 1
    return count


def parse_quest(output):
    """[(doc id, weight as printed)] from quest's output, in quest's order."""
    hits = []
    lines = output.splitlines()
    for i, line in enumerate(lines):
        match = HIT.match(line)
        if not match:
            continue
        doc_id = None
        for data_line in lines[i + 1:]:
            if not data_line or HIT.match(data_line):
                break
            if data_line.startswith("id="):
                doc_id = data_line[3:]
                break
        if doc_id is None:
            raise RuntimeError(f"quest hit {match.group(1)} has no id= data line")
        hits.append((doc_id, match.group(2)))
    return hits


def main():
    parser = argparse.ArgumentParser(description="TREC run of Xapian's quest over a scriptindex database")
    parser.add_argument("docs")
    parser.add_argument("queries")
    parser.add_argument("run")
    parser.add_argument("--workdir", required=True, help="folder for the database and intermediate files")
    parser.add_argument("--tag", default="quest")
    parser.add_argument("--limit", type=int, default=1000, help="quest -m (default 1000)")
    collection.add_lang_argument(parser)
    args = parser.parse_args()
    stemmer = collection.STEMMERS[args.lang]
    for tool in ("scriptindex", "quest"):
        if shutil.which(tool) is None:
            sys.exit(f"quest_run: {tool} not found: install the Debian packages xapian-omega and xapian-tools")

    os.makedirs(args.workdir, exist_ok=True)
    script = os.path.join(args.workdir, "index.script")
    input_path = os.path.join(args.workdir, "scriptindex.input")
    db = os.path.join(args.workdir, "quest.db")
    with open(script, "w", encoding="utf-8") as out:
        out.write(INDEX_SCRIPT)
    documents = write_input(args.docs, input_path)
    built = subprocess.run(["scriptindex", "--overwrite", "--stemmer=" + stemmer, db, script, input_path],
                           capture_output=True, text=True)
    if built.returncode != 0:
        sys.exit(f"quest_run: scriptindex failed:\n{built.stdout}{built.stderr}")

    failures = []
    lines_written = 0
    with open(args.run, "w", encoding="utf-8") as run:
        for qid, text in collection.read_queries(args.queries, "quest_run"):
            text = text.replace("\0", " ")
            result = subprocess.run(["quest", "-d", db, "-m", str(args.limit), "-s", stemmer, "--", text],
                                    capture_output=True, text=True)
            if result.returncode != 0:
                message = one_line(result.stderr + " " + result.stdout)
                failures.append((qid, message, text))
                continue
            for rank, (doc_id, weight) in enumerate(parse_quest(result.stdout), 1):
                run.write(f"{qid} Q0 {doc_id} {rank} {weight} {args.tag}\n")
                lines_written += 1
    with open(os.path.join(args.workdir, "quest-failures.tsv"), "w", encoding="utf-8") as out:
        for qid, message, text in failures:
            out.write(f"{qid}\t{message}\t{text}\n")
    print(f"quest_run: {documents} documents indexed with the {stemmer} stemmer; {lines_written} run lines; "
          f"{len(failures)} queries refused by quest", file=sys.stderr)
    for qid, message, text in failures:
        print(f"quest_run:   refused query {qid}: {message} -- {text!r}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
