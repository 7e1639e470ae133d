#!/usr/bin/env python3
"""Convert a test collection's docs.jsonl into one citego export (schema/citego-export.xsd) of <resource> documents.

    python3 bench/relevance/jsonl_to_export.py DOCS_JSONL EXPORT_XML [--idmap IDMAP_TSV] [--lang en]

Each JSON line becomes one <resource>:
  id         the collection's "id". An id that is not already citego's id syntax ([a-z0-9][a-z0-9-]*, at most 64
             characters) is lower-cased, every other character becomes '-', a leading '-' gets a 'd' in front, and
             one longer than 64 characters is cut to 55 plus '-' and 8 hex digits of its SHA-1. Two documents whose
             ids end up equal are refused. --idmap writes "EXPORT_ID<TAB>COLLECTION_ID" for every id that changed
             (an empty file when none did), so that runs can be mapped back to the collection's ids.
  <title>    "title"; the format requires a non-empty title, so an empty or missing title becomes the doc id.
  <body>     "text"; omitted when empty.
  <authors>  "authors": a list of names, or a string split on ';' and on ' and ' (lower case, with its spaces;
             a name that itself contains " and " is split too). Omitted when there are none.
  <keywords> "keywords": a list, or a string split on ';' and ','. Omitted when there are none.
  Other fields ("source", ...) are dropped; no <summary>, <year>, <category> or <links> are written.
Characters that XML 1.0 does not allow (most control characters, lone surrogates, U+FFFE, U+FFFF) are dropped.
Python standard library only. Exit status: 0 success; 1 bad input; 2 usage error.
"""

import argparse
import hashlib
import json
import re
import sys

ID_OK = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
MAX_ID = 64
# Characters outside XML 1.0's Char production.
NOT_XML_CHAR = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
AUTHOR_SPLIT = re.compile(r";| and ")
KEYWORD_SPLIT = re.compile(r"[;,]")


class InputError(Exception):
    pass


def export_id(raw):
    if ID_OK.match(raw) and len(raw) <= MAX_ID:
        return raw
    result = re.sub(r"[^a-z0-9-]", "-", raw.lower())
    if not result or result[0] == "-":
        result = "d" + result
    if len(result) > MAX_ID:
        result = result[:55] + "-" + hashlib.sha1(raw.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return result


def clean(text):
    return NOT_XML_CHAR.sub("", text)


def escape(text):
    return clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def names(value, splitter, where, field):
    """The non-empty items of a list, or of a string split by `splitter`."""
    if value is None:
        return []
    if isinstance(value, str):
        items = splitter.split(value)
    elif isinstance(value, list):
        items = value
    else:
        raise InputError(f"{where}: \"{field}\" must be a string or a list of strings")
    result = []
    for item in items:
        if not isinstance(item, str):
            raise InputError(f"{where}: \"{field}\" must be a string or a list of strings")
        item = clean(item).strip()
        if item:
            result.append(item)
    return result


def text_field(doc, field, where):
    value = doc.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(f"{where}: \"{field}\" must be a string")
    return clean(value).strip()


def convert(docs_path, out, lang):
    """Writes the export to `out`; returns (statistics, {export id: collection id} for changed ids)."""
    stats = {"documents": 0, "ids_changed": 0, "empty_titles": 0, "empty_texts": 0}
    seen = {}  # export id -> collection id
    changed = {}
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(f'<citego-export version="1" xml:lang="{lang}">\n')
    with open(docs_path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            where = f"{docs_path}:{number}"
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
            except json.JSONDecodeError as e:
                raise InputError(f"{where}: not JSON: {e}") from None
            if not isinstance(doc, dict) or "id" not in doc:
                raise InputError(f"{where}: expected a JSON object with an \"id\"")
            raw_id = doc["id"]
            if isinstance(raw_id, int) and not isinstance(raw_id, bool):
                raw_id = str(raw_id)
            if not isinstance(raw_id, str) or not raw_id:
                raise InputError(f"{where}: \"id\" must be a non-empty string")
            if re.search(r"\s", raw_id):
                raise InputError(f"{where}: id {raw_id!r} contains whitespace, which TREC runs cannot represent")
            eid = export_id(raw_id)
            if eid in seen:
                raise InputError(f"{where}: id {raw_id!r} becomes {eid!r}, like the id {seen[eid]!r} "
                                 "of an earlier document (duplicate or colliding ids)")
            seen[eid] = raw_id
            if eid != raw_id:
                changed[eid] = raw_id
                stats["ids_changed"] += 1

            title = text_field(doc, "title", where)
            if not title:
                title = clean(raw_id)
                stats["empty_titles"] += 1
            body = text_field(doc, "text", where)
            if not body:
                stats["empty_texts"] += 1
            authors = names(doc.get("authors"), AUTHOR_SPLIT, where, "authors")
            keywords = names(doc.get("keywords"), KEYWORD_SPLIT, where, "keywords")

            parts = [f'  <resource id="{eid}">\n', f"    <title>{escape(title)}</title>\n"]
            if authors:
                parts.append("    <authors>" + "".join(f"<author>{escape(a)}</author>" for a in authors) +
                             "</authors>\n")
            if keywords:
                parts.append("    <keywords>" + "".join(f"<keyword>{escape(k)}</keyword>" for k in keywords) +
                             "</keywords>\n")
            if body:
                parts.append(f"    <body>{escape(body)}</body>\n")
            parts.append("  </resource>\n")
            out.write("".join(parts))
            stats["documents"] += 1
    out.write("</citego-export>\n")
    return stats, changed


def main():
    parser = argparse.ArgumentParser(description="docs.jsonl -> citego export XML of <resource> documents")
    parser.add_argument("docs", help="docs.jsonl of a test collection")
    parser.add_argument("export", help="export XML to write")
    parser.add_argument("--idmap", help="write EXPORT_ID<TAB>COLLECTION_ID for every id that had to change")
    parser.add_argument("--lang", default="en", choices=["fr", "en", "es", "pt"],
                        help="xml:lang of the export (default: en)")
    args = parser.parse_args()
    try:
        with open(args.export, "w", encoding="utf-8", newline="\n") as out:
            stats, changed = convert(args.docs, out, args.lang)
        if args.idmap:
            with open(args.idmap, "w", encoding="utf-8", newline="\n") as idmap:
                for eid, raw_id in changed.items():
                    idmap.write(f"{eid}\t{raw_id}\n")
    except (InputError, OSError, UnicodeDecodeError) as e:
        print(f"jsonl_to_export: {e}", file=sys.stderr)
        return 1
    print(f"jsonl_to_export: {stats['documents']} documents; {stats['ids_changed']} ids changed; "
          f"{stats['empty_titles']} empty titles replaced by the id; {stats['empty_texts']} without text",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
