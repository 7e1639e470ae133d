#!/usr/bin/env python3
"""Per-process query latency of citego-search against quest, sqlite3 (FTS5), PostgreSQL, Sphinx and a do-nothing
process.

Run through bench/speed/bench_query.sh, which finds the databases that bench_index.sh left in BENCH_DIR:

    python3 bench/speed/bench_query.py --bench-dir DIR --docs N --socket S [--sphinx-port P] [--queries FILE]
                                        [--runs 20] [--warmup 3]

For every query of FILE (QID<TAB>CATEGORY<TAB>FILTER<TAB>QUERY, see make_queries.py) one hyperfine call times the
commands side by side, all with -N (no shell); hyperfine runs each command's warm-up and runs in turn, so they
are measured within a second or two of each other and the per-query ratios cancel most of the machine's drift:
  citego  DIR/bin/citego-search --db DIR/db-N/citego.db --format json --and [--filter F=V] -- QUERY
          JSON with hits, the five facets and snippets, as the site calls it
  client  DIR/bin/citego-client --socket SOCKET (the same arguments): the same bytes, answered by a
          `citego-search --serve SOCKET` that bench_query.sh starts before and stops after
  quest   quest -d DIR/db-N/scriptindex-default.compact.db -o and [-b F:PREFIX] 'QUERY [F:V]'   (top 10, estimate)
  sqlite3 sqlite3 -json DIR/db-N/fts5.sqlite "<top 10 by bm25 + ids>; <total and 5 facet counts, CROSS JOIN>"
  postgres psql -X -q -A -t -h DIR/db-N/pg -U bench -d postgres -c "<pg_peer.query_sql>": one statement, top 10
          by ts_rank_cd with ts_headline snippets, exact total, five facet counts by GROUP BY (server: bench_query.sh)
  sphinx  mysql -h 127.0.0.1 -P PORT -N -B -e "<sphinx_peer.query_sql>": SELECT top 10 by weight with five FACET
          clauses; SHOW META (total_found, exact); searchd started by bench_query.sh
  pg_connect  the same psql with -c 'SELECT 1': PostgreSQL's floor (psql, a connection, a backend process)
  noop    DIR/bin/noop   (int main(){return 0;} built with g++ -O2: the process-start floor)
A peer whose database is not in DIR/db-N (bench_index.sh run with another BENCH_TOOLS) is left out.
Before timing, each command runs once to take its hit count (quest: a separate exact count, -m 0 -c 10^9) and once
under /usr/bin/time -f %R for its minor page faults. The databases are read once first (warm cache).

Reported per command: the median over queries of the per-query median and of the per-query p90 (of hyperfine's
runs), the p90 of all runs pooled; per pair, the median of the per-query ratios of medians and of p90s.
Writes DIR/results/query-N/: one hyperfine JSON per query, queries.tsv (per-query medians, p90s, hits, faults),
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

import export_to_peers
import pg_peer
import sphinx_peer

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
COMMANDS = ("citego", "client", "quest", "sqlite3", "postgres", "sphinx", "pg_connect", "noop")
PEERS = ("quest", "sqlite3", "postgres", "sphinx")
# The database each command needs in DIR/db-N; a peer whose database is missing is left out of the run.
DATABASES = {"quest": "scriptindex-default.compact.db", "sqlite3": "fts5.sqlite", "postgres": "pg/data",
             "sphinx": "sphinx/sphinx.conf"}


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
    facets = [facet.format(name=f"'{name}'", col=f"f.{col}", table=f"{table} f", on="f.docid = m.docid")
              for name, table, col in export_to_peers.FACET_TABLES] + [
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
    postgres = pg_peer.psql_argv(os.path.join(db, "pg")) + ["-c", pg_peer.query_sql(query, flt)]
    sphinx = ["mysql", "-h", "127.0.0.1", "-P", str(args.sphinx_port), "--protocol=tcp", "-N", "-B", "-e",
              sphinx_peer.query_sql(query, flt)]
    pg_connect = pg_peer.psql_argv(os.path.join(db, "pg")) + ["-c", "SELECT 1"]
    noop = [os.path.join(args.bench_dir, "bin", "noop")]
    every = {"citego": citego, "client": client, "quest": quest, "sqlite3": sqlite, "postgres": postgres,
             "sphinx": sphinx, "pg_connect": pg_connect, "noop": noop}
    return {name: every[name] for name in args.commands}


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
    if name == "postgres":
        m = re.search(r"^total\|\|(\d+)\|", run(argv).stdout, re.M)
        return int(m.group(1)) if m else None
    if name == "sphinx":
        m = re.search(r"^total_found\t(\d+)$", run(argv).stdout, re.M)
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


LABEL = {
    "citego": "(a) `citego-search --format json --and` (top 10, exact total, 5 facets, snippets)",
    "client": "(a') `citego-client` with the same arguments, answered by `citego-search --serve` (same bytes)",
    "quest": "(b) `quest -o and` on the compacted scriptindex db (top 10, estimated total)",
    "sqlite3": "(c) `sqlite3 -json` FTS5: top 10 by bm25 + total + 5 facet counts (CROSS JOIN)",
    "postgres": "(e) `psql -c` PostgreSQL: top 10 by ts_rank_cd + ts_headline, total, 5 facet counts (GROUP BY)",
    "sphinx": "(f) `mysql -e` SphinxQL: top 10 by weight, 5 FACET clauses, SHOW META total_found",
    "pg_connect": "(e0) `psql -c 'SELECT 1'` (PostgreSQL's floor: psql, connection, backend start)",
    "noop": "(d) `noop` (process-start floor)",
}


def p90(values):
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    return values[min(len(values) - 1, int(0.9 * len(values)))] if len(values) < 10 else \
        statistics.quantiles(values, n=10, method="inclusive")[8]


def ratios(rows, a, b, stat):
    return [r[f"{a}_{stat}"] / r[f"{b}_{stat}"] for r in rows if r.get(f"{a}_{stat}") and r.get(f"{b}_{stat}")]


def summarize(rows, args, meta):
    cmds = args.commands
    peers = [c for c in PEERS if c in cmds]
    out = []
    out.append(f"#### Per-process query latency, corpus {args.docs:,} docs ({len(rows)} queries, hyperfine -N, "
               f"{args.runs} runs + {args.warmup} warm-up per query and command)\n")
    out.append("| command | median of per-query medians, ms | median of per-query p90, ms | p90 of all runs, ms | "
               "sum of per-query medians, ms | minor faults, median over queries |")
    out.append("|---|---|---|---|---|---|")
    for c in cmds:
        valid = [r[f"{c}_ms"] for r in rows if r[f"{c}_ms"] is not None]
        pooled = [t for r in rows for t in r.get(f"{c}_times", [])]
        out.append(f"| {LABEL[c]} | {fmt(median(valid))} | {fmt(median([r[f'{c}_p90'] for r in rows]))} | "
                   f"{fmt(p90(pooled))} | {fmt(sum(valid), 0)} | {fmt(median([r[f'{c}_faults'] for r in rows]), 0)} |")
    out.append("")
    pairs = ([("citego", p) for p in peers] + [("client", p) for p in peers] + [("citego", "noop"), ("client", "noop")]
             + [(p, "noop") for p in peers] + [("postgres", "pg_connect"), ("pg_connect", "noop")])
    out.append("| ratio: median of per-query ratios (same hyperfine call) | of medians | of p90s | queries |")
    out.append("|---|---|---|---|")
    for a, b in pairs:
        if a in cmds and b in cmds:
            med_r, p90_r = ratios(rows, a, b, "ms"), ratios(rows, a, b, "p90")
            out.append(f"| {a} / {b} | **{fmt(median(med_r))}** | **{fmt(median(p90_r))}** | {len(med_r)} |")
    out.append("")
    bands = [(0, 99), (100, 999), (1000, 4999), (5000, 10 ** 12)]
    out.append("| citego hits | queries | " + " | ".join(f"{c} ms" for c in cmds) + " |")
    out.append("|---|---|" + "---|" * len(cmds))
    for lo, hi in bands:
        sel = [r for r in rows if r["hits_citego"] is not None and lo <= r["hits_citego"] <= hi]
        if not sel:
            continue
        name = f"{lo:,}-{hi:,}" if hi < 10 ** 12 else f"{lo:,}+"
        out.append(f"| {name} | {len(sel)} | " + " | ".join(fmt(median([r[f'{c}_ms'] for r in sel])) for c in cmds)
                   + " |")
    out.append("")
    first = rows[0]
    out.append(f"Minor page faults of one run, query {first['qid']} (`{first['query']}`): "
               + ", ".join(f"{c} {fmt(first[f'{c}_faults'], 0)}" for c in cmds) + ".")
    out.append("")
    engines = ["citego"] + peers
    out.append("Match counts, median over queries: " + ", ".join(
        f"{e} {fmt(median([r[f'hits_{e}'] for r in rows]), 0)}" for e in engines) + "; equal to citego's on: "
        + ", ".join(f"{e} {sum(r[f'hits_{e}'] == r['hits_citego'] for r in rows)}/{len(rows)}" for e in peers) + ".")
    out.append("")
    out.append("<details><summary>Per query: category, filter, query, hits, medians ms</summary>\n")
    out.append("| qid | category | filter | query | " + " | ".join(f"hits {e}" for e in engines) + " | "
               + " | ".join(cmds) + " |")
    out.append("|---|---|---|---|" + "---|" * (len(engines) + len(cmds)))
    for r in rows:
        out.append(f"| {r['qid']} | {r['category']} | {r['filter']} | `{r['query']}` | "
                   + " | ".join(fmt(r[f'hits_{e}']) for e in engines) + " | "
                   + " | ".join(fmt(r[f'{c}_ms']) for c in cmds) + " |")
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
    parser.add_argument("--sphinx-port", type=int, help="port of the running searchd (SphinxQL)")
    args = parser.parse_args()
    out_dir = os.path.join(args.bench_dir, "results", f"query-{args.docs}")
    os.makedirs(out_dir, exist_ok=True)
    db = os.path.join(args.bench_dir, f"db-{args.docs}")
    if not os.path.exists(os.path.join(db, "citego.db")):
        sys.exit(f"bench_query: {os.path.join(db, 'citego.db')} missing: run bench_index.sh {args.docs} first "
                 "with the same BENCH_DIR")
    missing = [p for p in PEERS if not os.path.exists(os.path.join(db, DATABASES[p]))
               or (p == "sphinx" and not args.sphinx_port)]
    missing += ["pg_connect"] if "postgres" in missing else []
    for p in missing:
        print(f"bench_query: no {os.path.join(db, DATABASES[p])}: {p} left out", file=sys.stderr)
    args.commands = [c for c in COMMANDS if c not in missing]
    warm([os.path.realpath(os.path.join(db, "citego.db"))]
         + [os.path.join(db, DATABASES[p]) for p in ("quest", "sqlite3") if p in args.commands])

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
        for name in args.commands:
            hf += ["-n", name, shlex.join(cmds[name])]
        p = subprocess.run(hf, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
        if p.returncode != 0:
            print(f"bench_query: {qid}: hyperfine failed: {p.stderr.strip()[-500:]}", file=sys.stderr)
            for name in args.commands:
                row[f"{name}_ms"] = row[f"{name}_p90"] = None
        else:
            with open(export) as f:
                results = {r["command"]: r for r in json.load(f)["results"]}
            for name in args.commands:
                times = [t * 1000.0 for t in results[name]["times"]]
                row[f"{name}_ms"] = results[name]["median"] * 1000.0
                row[f"{name}_p90"] = p90(times)
                row[f"{name}_times"] = times
        rows.append(row)
        print(f"bench_query: {i}/{len(queries)} {qid} {category} hits "
              + "/".join(str(row.get(f"hits_{c}")) for c in args.commands if c not in ("client", "pg_connect", "noop"))
              + " ms " + " ".join(fmt(row[f'{c}_ms']) for c in args.commands)
              + f" ({time.monotonic() - started:.0f} s)", file=sys.stderr)
    if os.path.exists(scratch):
        os.remove(scratch)

    engines = [c for c in args.commands if c not in ("client", "pg_connect", "noop")]
    cols = (["qid", "category", "filter", "query"] + [f"hits_{e}" for e in engines]
            + [f"{c}_{k}" for k in ("ms", "p90", "faults") for c in args.commands])
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
