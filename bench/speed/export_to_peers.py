#!/usr/bin/env python3
"""Convert CITEGO XML exports into the inputs of the two peers measured by bench/speed/.

    python3 bench/speed/export_to_peers.py --dump OUT.dump --tsv OUT.tsv INPUT...

INPUT is an export file or a folder of *.xml files (read directly inside it, sorted by name, as citego-index does).
The XML is read with xml.etree.ElementTree.iterparse and every document element is cleared as soon as it has been
written, so memory stays flat whatever the corpus size. The inputs are assumed valid (run citego-index on them to
check): this is a benchmark converter, not a validator.

Text elements are whitespace-collapsed like citego-index does (runs of space, tab, CR, LF become one space).

(a) --dump: a scriptindex dump, one record per document, "name=value" lines, a blank line after each record. A
    value holding newlines is continued on lines starting with "=" (scriptindex's format). Fields, in this order:
      id  doctype  lang  title  acronym  summary  body  author*  keyword*  year*  type  kind  yearmin  yearmax
      facets  url
    title is the project/resource <title> or the organisation <name>; summary is <summary> or the organisation
    <description>. author, keyword and year repeat. facets is citego's packed slot-0 value ("Y2016\\nTdossier\\n...")
    built from the facets below, so the document values weigh about what citego's do.
    bench/speed/citego.index-script maps these fields like citego does.

(b) --tsv: one line per document for bench/speed/fts5_load.py, tab-separated, no header:
      id  doc_type  lang  title  text  years  types  kinds
    title = title/name + acronym; text = summary/description + body + authors + keywords (space-joined);
    years, types, kinds = comma-separated facet values (may be empty). Tabs and newlines cannot occur (whitespace is
    collapsed); a stray one would be replaced by a space.

Facets are the document's OWN values only, simpler than citego's derivation through references:
    organisation: kind = its <kind>; no years, no type
    project:      years = every year of <period> (start..end, or start); type = its <type>; no kind
    resource:     years = its <year> if any; no type, no kind
citego-index additionally passes years/types/kinds along participants and links (schema/README.md, "Facets").

Prints one summary line on stderr: documents by kind, seconds.
"""

import argparse
import os
import re
import sys
import time
import xml.etree.ElementTree as ET

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SPACES = re.compile(r"[ \t\r\n]+")
KINDS = ("organisation", "project", "resource")
# The facets of the SQL peers (fts5_load.py, pg_peer.py): (name in the answers, table of one row per value, its
# value column); doc_type and lang are columns of the table doc.
FACET_TABLES = (("year", "doc_year", "year"), ("project_type", "doc_type", "type"),
                ("organisation_kind", "doc_kind", "kind"))


def collapse(text):
    return SPACES.sub(" ", text or "").strip()


def child_text(elem, tag):
    child = elem.find(tag)
    return collapse(child.text) if child is not None else ""


def list_texts(elem, tag, item):
    parent = elem.find(tag)
    if parent is None:
        return []
    return [t for t in (collapse(c.text) for c in parent.findall(item)) if t]


def input_files(inputs):
    for path in inputs:
        if os.path.isdir(path):
            for name in sorted(os.listdir(path)):
                full = os.path.join(path, name)
                if name.endswith(".xml") and os.path.isfile(full):
                    yield full
        else:
            yield path


def documents(path):
    """Yields one dict per document of one export file, clearing each element once it is read."""
    root = None
    root_lang = ""
    depth = 0
    for event, elem in ET.iterparse(path, events=("start", "end")):
        if event == "start":
            depth += 1
            if depth == 1:
                root = elem
                root_lang = elem.get(XML_LANG, "")
            continue
        depth -= 1
        if depth != 1:
            continue
        kind = elem.tag
        if kind not in KINDS:
            root.clear()
            continue
        doc = {
            "id": elem.get("id", ""),
            "doctype": kind,
            "lang": elem.get(XML_LANG, root_lang),
            "title": "", "acronym": "", "summary": "", "body": "", "url": child_text(elem, "url"),
            "authors": [], "keywords": [], "years": [], "types": [], "kinds": [],
        }
        if kind == "organisation":
            doc["title"] = child_text(elem, "name")
            doc["acronym"] = child_text(elem, "acronym")
            doc["summary"] = child_text(elem, "description")
            k = child_text(elem, "kind")
            doc["kinds"] = [k] if k else []
        else:
            doc["title"] = child_text(elem, "title")
            doc["summary"] = child_text(elem, "summary")
            doc["body"] = child_text(elem, "body")
            if kind == "project":
                t = child_text(elem, "type")
                doc["types"] = [t] if t else []
                period = elem.find("period")
                if period is not None and period.get("start"):
                    start = int(period.get("start"))
                    end = int(period.get("end") or start)
                    doc["years"] = [str(y) for y in range(start, end + 1)]
            else:
                y = child_text(elem, "year")
                doc["years"] = [y] if y else []
                doc["authors"] = list_texts(elem, "authors", "author")
                doc["keywords"] = list_texts(elem, "keywords", "keyword")
        # Free the element and everything the root still holds: memory stays flat.
        elem.clear()
        root.clear()
        yield doc


def packed_facets(doc):
    parts = [f"Y{y}" for y in doc["years"]] + [f"T{t}" for t in doc["types"]] + [f"K{k}" for k in doc["kinds"]]
    parts += [f"D{doc['doctype']}", f"L{doc['lang']}"]
    return "".join(p + "\n" for p in parts)


def dump_field(out, name, value):
    if value == "":
        return
    # scriptindex: a newline inside a value is written as newline + "=".
    out.write(name + "=" + value.replace("\n", "\n=") + "\n")


def write_dump(out, doc):
    dump_field(out, "id", doc["id"])
    dump_field(out, "doctype", doc["doctype"])
    dump_field(out, "lang", doc["lang"])
    dump_field(out, "title", doc["title"])
    dump_field(out, "acronym", doc["acronym"])
    dump_field(out, "summary", doc["summary"])
    dump_field(out, "body", doc["body"])
    for a in doc["authors"]:
        dump_field(out, "author", a)
    for k in doc["keywords"]:
        dump_field(out, "keyword", k)
    for y in doc["years"]:
        dump_field(out, "year", y)
    for t in doc["types"]:
        dump_field(out, "type", t)
    for k in doc["kinds"]:
        dump_field(out, "kind", k)
    if doc["years"]:
        dump_field(out, "yearmin", min(doc["years"]))
        dump_field(out, "yearmax", max(doc["years"]))
    dump_field(out, "facets", packed_facets(doc).rstrip("\n"))
    dump_field(out, "url", doc["url"])
    out.write("\n")


def tsv_cell(text):
    return text.replace("\t", " ").replace("\n", " ").replace("\r", " ")


def write_tsv(out, doc):
    title = " ".join(t for t in (doc["title"], doc["acronym"]) if t)
    text = " ".join(t for t in [doc["summary"], doc["body"]] + doc["authors"] + doc["keywords"] if t)
    cells = [doc["id"], doc["doctype"], doc["lang"], title, text,
             ",".join(doc["years"]), ",".join(doc["types"]), ",".join(doc["kinds"])]
    out.write("\t".join(tsv_cell(c) for c in cells) + "\n")


def tsv_rows(path, tool):
    """Reads a TSV written by --tsv: yields (row number from 1, [the 8 cells]); exits with `tool: path:line: ...` on
    a line of another shape. The peers use the row number as the document's id."""
    with open(path, encoding="utf-8", newline="\n") as tsv:
        for number, line in enumerate(tsv, 1):
            cells = line.rstrip("\n").split("\t")
            if len(cells) != 8:
                sys.exit(f"{tool}: {path}:{number}: expected 8 tab-separated cells, got {len(cells)}")
            yield number, cells


def main():
    parser = argparse.ArgumentParser(description="CITEGO exports -> scriptindex dump and FTS5 TSV")
    parser.add_argument("inputs", nargs="+", help="export files or folders of *.xml")
    parser.add_argument("--dump", help="scriptindex dump to write")
    parser.add_argument("--tsv", help="TSV for fts5_load.py to write")
    args = parser.parse_args()
    if not args.dump and not args.tsv:
        parser.error("give --dump and/or --tsv")

    started = time.monotonic()
    counts = {k: 0 for k in KINDS}
    dump = open(args.dump, "w", encoding="utf-8", newline="\n") if args.dump else None
    tsv = open(args.tsv, "w", encoding="utf-8", newline="\n") if args.tsv else None
    try:
        for path in input_files(args.inputs):
            for doc in documents(path):
                counts[doc["doctype"]] += 1
                if dump:
                    write_dump(dump, doc)
                if tsv:
                    write_tsv(tsv, doc)
    finally:
        for f in (dump, tsv):
            if f:
                f.close()
    total = sum(counts.values())
    print(f"export_to_peers: {total} documents ({counts['organisation']} organisations, {counts['project']} "
          f"projects, {counts['resource']} resources) in {time.monotonic() - started:.2f} s", file=sys.stderr)
    return 0 if total else 1


if __name__ == "__main__":
    sys.exit(main())
