#!/usr/bin/env python3
"""Per-process query latency of citego-search against quest, sqlite3 (FTS5) and a do-nothing process.

Run through bench/speed/bench_query.sh, which finds the databases that bench_index.sh left in BENCH_DIR:

    python3 bench/speed/bench_query.py --bench-dir DIR --docs N [--queries FILE] [--runs 20] [--warmup 3]

For every query of FILE (QID<TAB>CATEGORY<TAB>FILTER<TAB>QUERY, see make_queries.py) one hyperfine call times five
commands side by side, all with -N (no shell); hyperfine runs each command's warm-up and runs in turn, so the four
are measured within a second or two of each other and the per-query ratios cancel most of the machine's drift:
  citego  DIR/bin/citego-search --db DIR/db-N/citego.db --format json --and [--filter F=V] -- QUERY
          JSON with hits, the five facets and snippets, as the site calls it
  client  DIR/bin/citego-client --socket SOCKET (the same arguments): the same bytes, answered by a
          `citego-search --serve SOCKET` that bench_query.sh starts before and stops after
  quest   quest -d DIR/db-N/scriptindex-default.compact.db -o and [-b F:PREFIX] 'QUERY [F:V]'   (top 10, estimate)
  sqlite3 sqlite3 -json DIR/db-N/fts5.sqlite "<top 10 by bm25 + ids>; <total and 5 facet counts, CROSS JOIN>"
  noop    DIR/bin/noop   (int main(){return 0;} built with g++ -O2: the process-start floor)
Before timing, each command runs once to take its hit count (quest: a separate exact count, -m 0 -c 10^9) and once
under /usr/bin/time -f %R for its minor page faults. The databases are read once first (warm cache).

Writes DIR/results/query-N/: one hyperfine JSON per query, queries.tsv (per-query medians, hits, faults),
summary.md; prints summary.md.
"""

import argparse
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import time

TOKEN = re.compile(r'"[^"]*"|\S+')
QUEST_PREFIX = {"type": "XT", "kind": "XK", "lang": "XL", "year": "XY", "doctype": "XD"}
# "+rowid": the unary + keeps the filter away from FTS5's xBestIndex. A bare "rowid IN (...)" makes SQLite run one
# FTS5 lookup per listed rowid (plan "INDEX 0:=M2"): 132 ms instead of 15 ms for `local` with lang=es at 10k.
SQL_FILTER = {
    "type": "+rowid IN (SELECT docid FROM doc_type WHERE type = {v})",
    "kind": "+rowid IN (SELECT docid FROM doc_kind WHERE kind = {v})",
    "year": "+rowid IN (SELECT docid FROM doc_year WHERE year = {v})",
    "lang": "+rowid IN (SELECT rowid FROM doc WHERE lang = {v})",
    "doctype": "+rowid IN (SELECT rowid FROM doc WHERE doc_type = {v})",
}
COMMANDS = ("citego", "client", "quest", "sqlite3", "noop")


def sql_str(text):
    return "'" + text.replace("'", "''") + "'"


def fts5_match(query):
    """Bare words become "word" (implicit AND in FTS5); "phrases" stay phrases."""
    parts = []
    for token in TOKEN.findall(query):
        inner = token.strip('"')
        if inner:
            parts.append('"' + inner.replace('"', '""') + '"')
    return " ".join(parts)


def sqlite_sql(query, flt):
    match = sql_str(fts5_match(query))
    where = f"docs MATCH {match}"
    if flt:
        facet, value = flt
        where += " AND " + SQL_FILTER[facet].format(v=value if facet == "year" else sql_str(value))
    facet = ("SELECT * FROM (SELECT {name}, {col}, count(*) AS c FROM m CROSS JOIN {table} ON {on} "
             "GROUP BY {col} ORDER BY c DESC LIMIT 10)")
    facets = [
        facet.format(name="'year'", col="f.year", table="doc_year f", on="f.docid = m.docid"),
        facet.format(name="'project_type'", col="f.type", table="doc_type f", on="f.docid = m.docid"),
        facet.format(name="'organisation_kind'", col="f.kind", table="doc_kind f", on="f.docid = m.docid"),
        facet.format(name="'doc_type'", col="f.doc_type", table="doc f", on="f.rowid = m.docid"),
        facet.format(name="'lang'", col="f.lang", table="doc f", on="f.rowid = m.docid"),
    ]
    return ("PRAGMA temp_store = MEMORY; "
            "SELECT d.id, s.score FROM (SELECT rowid, bm25(docs, 4.0, 1.0) AS score FROM docs "
            f"WHERE {where} ORDER BY score LIMIT 10) s CROSS JOIN doc d ON d.rowid = s.rowid ORDER BY s.score; "
            f"CREATE TEMP TABLE m AS SELECT rowid AS docid FROM docs WHERE {where}; "
            "SELECT 'total' AS facet, NULL AS value, count(*) AS c FROM m UNION ALL "
            + " UNION ALL ".join(facets) + ";")


def commands(args, qid, query, flt):
    db = os.path.join(args.bench_dir, f"db-{args.docs}")
    citego = [os.path.join(args.bench_dir, "bin", "citego-search"), "--db", os.path.join(db, "citego.db"),
              "--format", "json", "--and"]
    quest = ["quest", "-d", os.path.join(db, "scriptindex-default.compact.db"), "-o", "and"]
    quest_query = query
    if flt:
        facet, value = flt
        citego += ["--filter", f"{facet}={value}"]
        quest += ["-b", f"{facet}:{QUEST_PREFIX[facet]}"]
        quest_query = f"{query} {facet}:{value}"
    citego += ["--", query]
    client = [os.path.join(args.bench_dir, "bin", "citego-client"), "--socket", args.socket] + citego[1:]
    quest += [quest_query]
    sqlite = ["sqlite3", "-json", os.path.join(db, "fts5.sqlite"), sqlite_sql(query, flt)]
    noop = [os.path.join(args.bench_dir, "bin", "noop")]
    return {"citego": citego, "client": client, "quest": quest, "sqlite3": sqlite, "noop": noop}


def run(argv):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=False)


def hits(name, argv):
    """Match count of one command (None for noop or on failure)."""
    if name in ("citego", "client"):
        p = run(argv)
        return json.loads(p.stdout)["total"] if p.returncode == 0 else None
    if name == "quest":
        counted = argv[:-1] + ["-m", "0", "-c", "1000000000", argv[-1]]
        m = re.search(r"Exactly (\d+) matches", run(counted).stdout)
        return int(m.group(1)) if m else None
    if name == "sqlite3":
        p = run(argv)
        m = re.search(r'"facet":"total","value":null,"c":(\d+)', p.stdout.replace(" ", ""))
        return int(m.group(1)) if m else None
    return None


def minor_faults(argv, scratch):
    subprocess.run(["/usr/bin/time", "-f", "%R", "-o", scratch] + argv,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    with open(scratch) as f:
        lines = [line for line in f.read().split("\n") if line.strip()]
    return int(lines[-1]) if lines and lines[-1].strip().isdigit() else None


def read_queries(path):
    queries = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            qid, category, flt, query = line.split("\t", 3)
            parsed = None
            if flt != "-":
                facet, value = flt.split("=", 1)
                parsed = (facet, value)
            queries.append((qid, category, parsed, query))
    return queries


def warm(paths):
    for top in paths:
        for root, _, files in os.walk(top):
            for name in files:
                with open(os.path.join(root, name), "rb") as f:
                    while f.read(1 << 20):
                        pass


def fmt(x, digits=2):
    if x is None:
        return "-"
    if isinstance(x, int):
        return f"{x:,}"
    return f"{x:,.{digits}f}"


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summarize(rows, args, meta):
    ms = {c: [r[f"{c}_ms"] for r in rows] for c in COMMANDS}
    ratio = {
        "citego / quest": [r["citego_ms"] / r["quest_ms"] for r in rows if r["citego_ms"] and r["quest_ms"]],
        "citego / noop": [r["citego_ms"] / r["noop_ms"] for r in rows if r["citego_ms"] and r["noop_ms"]],
        "client / quest": [r["client_ms"] / r["quest_ms"] for r in rows if r["client_ms"] and r["quest_ms"]],
        "client / noop": [r["client_ms"] / r["noop_ms"] for r in rows if r["client_ms"] and r["noop_ms"]],
        "sqlite3 / citego": [r["sqlite3_ms"] / r["citego_ms"] for r in rows if r["citego_ms"] and r["sqlite3_ms"]],
        "quest / noop": [r["quest_ms"] / r["noop_ms"] for r in rows if r["quest_ms"] and r["noop_ms"]],
        "sqlite3 / noop": [r["sqlite3_ms"] / r["noop_ms"] for r in rows if r["sqlite3_ms"] and r["noop_ms"]],
    }
    out = []
    out.append(f"#### Per-process query latency, corpus {args.docs:,} docs ({len(rows)} queries, hyperfine -N, "
               f"{args.runs} runs + {args.warmup} warm-up per query and command)\n")
    out.append("| command | median of per-query medians, ms | sum of per-query medians, ms | "
               "minor faults, median over queries |")
    out.append("|---|---|---|---|")
    label = {
        "citego": "(a) `citego-search --format json --and` (top 10, exact total, 5 facets, snippets)",
        "client": "(a') `citego-client` with the same arguments, answered by `citego-search --serve` (same bytes)",
        "quest": "(b) `quest -o and` on the compacted scriptindex db (top 10, estimated total)",
        "sqlite3": "(c) `sqlite3 -json` FTS5: top 10 by bm25 + total + 5 facet counts (CROSS JOIN)",
        "noop": "(d) `noop` (process-start floor)",
    }
    for c in COMMANDS:
        valid = [v for v in ms[c] if v is not None]
        out.append(f"| {label[c]} | {fmt(median(valid))} | {fmt(sum(valid), 0)} | "
                   f"{fmt(median([r[f'{c}_faults'] for r in rows]), 0)} |")
    out.append("")
    out.append("| ratio: median of per-query ratios (same hyperfine call) | value | queries |")
    out.append("|---|---|---|")
    for name, values in ratio.items():
        out.append(f"| {name} | **{fmt(median(values))}** | {len(values)} |")
    out.append("")
    bands = [(0, 99), (100, 999), (1000, 4999), (5000, 10 ** 12)]
    out.append("| citego hits | queries | citego ms | client ms | quest ms | sqlite3 ms | noop ms | citego/quest | "
               "sqlite3/citego |")
    out.append("|---|---|---|---|---|---|---|---|---|")
    for lo, hi in bands:
        sel = [r for r in rows if r["hits_citego"] is not None and lo <= r["hits_citego"] <= hi]
        if not sel:
            continue
        name = f"{lo:,}-{hi:,}" if hi < 10 ** 12 else f"{lo:,}+"
        out.append(f"| {name} | {len(sel)} | " + " | ".join(fmt(median([r[f'{c}_ms'] for r in sel]))
                                                        for c in COMMANDS)
                   + f" | {fmt(median([r['citego_ms'] / r['quest_ms'] for r in sel]))}"
                   + f" | {fmt(median([r['sqlite3_ms'] / r['citego_ms'] for r in sel]))} |")
    out.append("")
    first = rows[0]
    out.append(f"Minor page faults of one run, query {first['qid']} (`{first['query']}`): "
               + ", ".join(f"{c} {fmt(first[f'{c}_faults'], 0)}" for c in COMMANDS) + ".")
    out.append("")
    hx = [r["hits_citego"] for r in rows]
    out.append(f"Match counts: median hits citego {fmt(median(hx), 0)}, quest {fmt(median([r['hits_quest'] for r in rows]), 0)}, "
               f"FTS5 {fmt(median([r['hits_sqlite3'] for r in rows]), 0)}; citego == quest on "
               f"{sum(r['hits_citego'] == r['hits_quest'] for r in rows)}/{len(rows)} queries, citego == FTS5 on "
               f"{sum(r['hits_citego'] == r['hits_sqlite3'] for r in rows)}/{len(rows)}, quest == FTS5 on "
               f"{sum(r['hits_quest'] == r['hits_sqlite3'] for r in rows)}/{len(rows)}.")
    out.append("")
    out.append("<details><summary>Per query: category, filter, query, hits (citego / quest / FTS5), medians ms "
               "(citego / client / quest / sqlite3 / noop)</summary>\n")
    out.append("| qid | category | filter | query | hits citego | hits quest | hits FTS5 | citego | client | quest | "
               "sqlite3 | noop |")
    out.append("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        out.append(f"| {r['qid']} | {r['category']} | {r['filter']} | `{r['query']}` | {fmt(r['hits_citego'])} | "
                   f"{fmt(r['hits_quest'])} | {fmt(r['hits_sqlite3'])} | "
                   + " | ".join(fmt(r[f'{c}_ms']) for c in COMMANDS) + " |")
    out.append("\n</details>\n")
    out.append(meta)
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description="per-process query latency, citego vs peers")
    parser.add_argument("--bench-dir", required=True)
    parser.add_argument("--docs", type=int, required=True)
    parser.add_argument("--queries", required=True)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--meta", default="", help="text appended to the summary (machine facts)")
    parser.add_argument("--socket", required=True, help="socket of the running citego-search --serve")
    args = parser.parse_args()
    out_dir = os.path.join(args.bench_dir, "results", f"query-{args.docs}")
    os.makedirs(out_dir, exist_ok=True)
    db = os.path.join(args.bench_dir, f"db-{args.docs}")
    for path in ("citego.db", "scriptindex-default.compact.db", "fts5.sqlite"):
        if not os.path.exists(os.path.join(db, path)):
            sys.exit(f"bench_query: {os.path.join(db, path)} missing: run bench_index.sh {args.docs} first "
                     f"with the same BENCH_DIR")
    warm([os.path.realpath(os.path.join(db, "citego.db")), os.path.join(db, "scriptindex-default.compact.db"),
          os.path.join(db, "fts5.sqlite")])

    queries = read_queries(args.queries)
    scratch = os.path.join(out_dir, "faults.tmp")
    rows = []
    started = time.monotonic()
    for i, (qid, category, flt, query) in enumerate(queries, 1):
        cmds = commands(args, qid, query, flt)
        row = {"qid": qid, "category": category, "filter": f"{flt[0]}={flt[1]}" if flt else "-", "query": query}
        for name, argv in cmds.items():
            row[f"hits_{name}"] = hits(name, argv)
            row[f"{name}_faults"] = minor_faults(argv, scratch)
        if row["hits_client"] != row["hits_citego"]:
            sys.exit(f"bench_query: {qid}: citego-client found {row['hits_client']}, citego-search "
                     f"{row['hits_citego']}: is the server serving another database?")
        export = os.path.join(out_dir, f"{qid}.json")
        hf = ["hyperfine", "-N", "--warmup", str(args.warmup), "--runs", str(args.runs), "--style", "none",
              "--export-json", export]
        for name in COMMANDS:
            hf += ["-n", name, shlex.join(cmds[name])]
        p = subprocess.run(hf, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
        if p.returncode != 0:
            print(f"bench_query: {qid}: hyperfine failed: {p.stderr.strip()[-500:]}", file=sys.stderr)
            for name in COMMANDS:
                row[f"{name}_ms"] = None
        else:
            with open(export) as f:
                results = {r["command"]: r for r in json.load(f)["results"]}
            for name in COMMANDS:
                row[f"{name}_ms"] = results[name]["median"] * 1000.0
        rows.append(row)
        print(f"bench_query: {i}/{len(queries)} {qid} {category} hits {row['hits_citego']}/{row['hits_quest']}/"
              f"{row['hits_sqlite3']} ms " + " ".join(fmt(row[f'{c}_ms']) for c in COMMANDS)
              + f" ({time.monotonic() - started:.0f} s)", file=sys.stderr)
    if os.path.exists(scratch):
        os.remove(scratch)

    cols = (["qid", "category", "filter", "query", "hits_citego", "hits_quest", "hits_sqlite3"]
            + [f"{c}_ms" for c in COMMANDS] + [f"{c}_faults" for c in COMMANDS])
    with open(os.path.join(out_dir, "queries.tsv"), "w", encoding="utf-8") as f:
        f.write("\t".join(cols) + "\n")
        for r in rows:
            f.write("\t".join("" if r[c] is None else (f"{r[c]:.4f}" if isinstance(r[c], float) else str(r[c]))
                              for c in cols) + "\n")
    text = summarize(rows, args, args.meta)
    with open(os.path.join(out_dir, "summary.md"), "w", encoding="utf-8") as f:
        f.write(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
