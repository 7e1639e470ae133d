#!/usr/bin/env python3
"""Two builds of citego side by side in one run: indexing throughput and per-process query latency.

    python3 bench/speed/bench_versions.py --base BUILD_A --new BUILD_B --docs N [--rounds R] --bench-dir DIR

BUILD_A and BUILD_B are build folders (each with indexer/citego-index, searcher/citego-search and
corpus/generator/citego-generate). Their binaries are copied into DIR/base-bin and DIR/new-bin first, so that a
rebuild during the run changes nothing. Each build's own generator writes its corpus (citego-generate --docs N
--seed 42 --files 10, with its default format version; EXTRA_NEW_GENERATE / EXTRA_BASE_GENERATE add arguments), so
each indexer reads the exports it was written for. Then:

  1. indexing, R rounds (default 1), alternating which build goes first: citego-index --db DIR/X.db DIR/corpus-X/
     under /usr/bin/time -v (wall s, max RSS); reported: docs/s of each and new/base of docs/s within a round.
  2. queries: for each line of bench/speed/queries.txt (QID, CATEGORY, FILTER, QUERY; or --queries FILE), one
     `hyperfine -N` call times both searchers, `citego-search --db DB --format json --and [--filter F] -- QUERY`
     (the site's call: top 10, snippets, exact total, every facet counted); reported: the median of the per-query
     ratios new/base of the medians, and by category.

Quote the ratios, which are taken within one round or one hyperfine call, not the absolute times. Writes
DIR/results/versions-N.md (and the hyperfine JSON per query), and prints it.
"""
import argparse
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BINARIES = {"index": "indexer/citego-index", "search": "searcher/citego-search",
            "generate": "corpus/generator/citego-generate"}


def copy_binaries(build, target):
    os.makedirs(target, exist_ok=True)
    out = {}
    for name, rel in BINARIES.items():
        src = os.path.join(build, rel)
        if not os.access(src, os.X_OK):
            sys.exit(f"bench_versions: missing {src}: build it first")
        dst = os.path.join(target, os.path.basename(rel))
        shutil.copy2(src, dst)
        out[name] = dst
    return out


def generate(bins, corpus, docs, extra):
    stamp = os.path.join(corpus, ".stamp")
    wanted = f"{docs} {' '.join(extra)} {os.path.getsize(bins['generate'])}"
    if os.path.exists(stamp) and open(stamp).read() == wanted:
        return
    shutil.rmtree(corpus, ignore_errors=True)
    subprocess.run([bins["generate"], "--docs", str(docs), "--seed", "42", "--files", "10", "--out", corpus, *extra],
                   check=True, stderr=subprocess.DEVNULL)
    with open(stamp, "w") as f:
        f.write(wanted)


def index_once(bins, db, corpus):
    shutil.rmtree(db, ignore_errors=True)
    shutil.rmtree(db + ".generations", ignore_errors=True)
    p = subprocess.run(["/usr/bin/time", "-v", bins["index"], "--db", db, corpus + "/"], capture_output=True,
                       text=True)
    if p.returncode != 0:
        sys.exit(f"bench_versions: {bins['index']} failed: {p.stderr[-2000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", p.stderr).group(1)
    parts = [float(x) for x in wall.split(":")]
    seconds = parts[-1] + 60 * parts[-2] + (3600 * parts[-3] if len(parts) == 3 else 0)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1)) / 1024
    return seconds, rss


def read_queries(path):
    out = []
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        qid, category, flt, query = line.rstrip("\n").split("\t")
        out.append((qid, category, None if flt == "-" else flt, query))
    return out


def search_argv(bins, db, flt, query):
    argv = [bins["search"], "--db", db, "--format", "json", "--and"]
    if flt:
        argv += ["--filter", flt]
    return argv + ["--", *query.split()]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True)
    ap.add_argument("--new", required=True)
    ap.add_argument("--docs", type=int, required=True)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--bench-dir", required=True)
    ap.add_argument("--queries", default=os.path.join(HERE, "queries.txt"))
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--skip-index", action="store_true", help="reuse the databases of an earlier run")
    args = ap.parse_args()
    d = os.path.abspath(args.bench_dir)
    os.makedirs(os.path.join(d, "results", f"versions-{args.docs}"), exist_ok=True)
    builds = {"base": copy_binaries(args.base, os.path.join(d, "base-bin")),
              "new": copy_binaries(args.new, os.path.join(d, "new-bin"))}
    extra = {"base": os.environ.get("EXTRA_BASE_GENERATE", "").split(),
             "new": os.environ.get("EXTRA_NEW_GENERATE", "").split()}
    corpus = {k: os.path.join(d, f"corpus-{k}-{args.docs}") for k in builds}
    db = {k: os.path.join(d, f"{k}-{args.docs}.db") for k in builds}
    for k in builds:
        generate(builds[k], corpus[k], args.docs, extra[k])
    load_start = open("/proc/loadavg").read().split()[:3]

    out = [f"#### Two builds side by side, {args.docs:,} generated documents",
           "", f"base: `{args.base}`; new: `{args.new}`; load average at start: {' '.join(load_start)}", ""]
    if not args.skip_index:
        rows = []
        for r in range(args.rounds):
            order = ["base", "new"] if r % 2 == 0 else ["new", "base"]
            got = {k: index_once(builds[k], db[k], corpus[k]) for k in order}
            rows.append(got)
        out += ["| indexing | wall s (median) | docs/s | max RSS MiB | new/base docs/s (median of rounds) |",
                "|---|---:|---:|---:|---:|"]
        ratios = [row["base"][0] / row["new"][0] for row in rows]
        for k in ("base", "new"):
            wall = statistics.median(row[k][0] for row in rows)
            rss = max(row[k][1] for row in rows)
            ratio = f"{statistics.median(ratios):.2f}" if k == "new" else "1"
            out.append(f"| {k} | {wall:.1f} | {args.docs / wall:,.0f} | {rss:.0f} | {ratio} |")
        out.append("")

    queries = read_queries(args.queries)
    per_query = []
    for qid, category, flt, query in queries:
        cmds = {k: search_argv(builds[k], db[k], flt, query) for k in builds}
        export = os.path.join(d, "results", f"versions-{args.docs}", f"{qid}.json")
        hf = ["hyperfine", "-N", "--warmup", str(args.warmup), "--runs", str(args.runs), "--style", "none",
              "--export-json", export]
        for k in ("base", "new"):
            hf += ["-n", k, shlex.join(cmds[k])]
        p = subprocess.run(hf, capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(f"bench_versions: {qid}: hyperfine failed: {p.stderr[-1000:]}")
        results = {r["command"]: r for r in json.load(open(export))["results"]}
        med = {k: statistics.median(results[k]["times"]) for k in builds}
        per_query.append((qid, category, med["base"], med["new"], med["new"] / med["base"]))

    out += ["| queries | base median ms | new median ms | new/base (median of per-query ratios) | queries |",
            "|---|---:|---:|---:|---:|"]
    groups = {"all": per_query}
    for row in per_query:
        groups.setdefault(row[1], []).append(row)
    for name, rows in groups.items():
        out.append(f"| {name} | {statistics.median(r[2] for r in rows) * 1000:.1f} | "
                   f"{statistics.median(r[3] for r in rows) * 1000:.1f} | {statistics.median(r[4] for r in rows):.2f} | "
                   f"{len(rows)} |")
    out += ["", f"load average at end: {' '.join(open('/proc/loadavg').read().split()[:3])}", ""]
    text = "\n".join(out)
    with open(os.path.join(d, "results", f"versions-{args.docs}.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
