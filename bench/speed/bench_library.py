#!/usr/bin/env python3
"""The reader's requests against a plain query, side by side, through citego-client.

For each query of QUERIES (bench/speed/queries.txt by default: --rows rows evenly spaced, one of each category),
--warmup then --runs interleaved rounds time
four whole processes of citego-client on a running `citego-search --serve`:

  plain     citego-client --db DB --format json --and -- QUERY
  facet     the same with --facet-search descriptor=PREFIX (the prefixes of PREFIXES, in turn)
  collapse  the same with --collapse translation --prefer-lang fr,en (--lang would change the query's stemming)
  related   citego-client --db DB --format json --related FICHE (a fiche with descriptors, a different one per row)

and prints, per request kind, the median over rows of (median time of the kind / median time of plain), all from the
same rounds. Targets (issue 10): facet within 1.2x, collapse and related within 1.5x.

Usage: bench_library.py --bin DIR --db DB [--rows N] [--runs N] [--queries FILE] [--out DIR]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

PREFIXES = ["terr", "gouv", "hab", "par", "dev", "ré"]
TARGETS = {"facet": 1.2, "collapse": 1.5, "related": 1.5}


def read_queries(path, rows):
    queries = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            qid, _category, filt, query = line.rstrip("\n").split("\t")
            queries.append((qid, None if filt == "-" else filt, query))
    step = max(1, len(queries) // rows)  # evenly spaced: every category of the file
    return queries[::step][:rows]


def fiches_with_descriptors(search, db, count):
    out = subprocess.run([search, "--db", db, "--format", "json", "--filter", "doc_type=fiche", "--limit",
                          str(min(100, count * 3)), "--facet-limit", "1", "--deadline", "60"], capture_output=True,
                         text=True, check=True)
    ids = [h["id"] for h in json.loads(out.stdout)["hits"] if h["descriptors"]]
    return ids[:count]


def start_server(search, db, socket, log_path, max_deadline=None):
    """Starts `citego-search --serve` on `socket` (its stderr in `log_path`) and waits for the socket. With
    `max_deadline` (seconds), the server lets a command run that long when it asks (--max-deadline)."""
    log = open(log_path, "w")
    extra = ["--max-deadline", str(max_deadline)] if max_deadline else []
    server = subprocess.Popen([search, "--db", db, "--serve", socket, *extra], stderr=log)
    for _ in range(100):
        if os.path.exists(socket):
            return server
        time.sleep(0.1)
    server.terminate()
    sys.exit("the search server did not start (see %s)" % log_path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--rows", type=int, default=10)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--queries", default=os.path.join(os.path.dirname(__file__), "queries.txt"))
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    search = os.path.join(args.bin, "citego-search")
    client = os.path.join(args.bin, "citego-client")
    out_dir = args.out or tempfile.mkdtemp(prefix="citego-library-")
    os.makedirs(out_dir, exist_ok=True)
    socket = os.path.join(out_dir, "library.sock")
    # The first request of each kind (untimed, --deadline 60) may read the database from disk on a busy machine:
    # the server lets it take that long. The timed requests keep the default deadline.
    server = start_server(search, args.db, socket, os.path.join(out_dir, "serve.log"), max_deadline=60)
    try:
        queries = read_queries(args.queries, args.rows)
        fiches = fiches_with_descriptors(search, args.db, len(queries))
        ratios = {kind: [] for kind in TARGETS}
        medians = {kind: [] for kind in ["plain", *TARGETS]}
        rows = []
        for i, (qid, filt, query) in enumerate(queries):
            base = [client, "--socket", socket, "--db", args.db, "--format", "json"]
            filters = ["--filter", filt] if filt else []
            commands = {
                "plain": base + ["--and"] + filters + ["--", query],
                "facet": base + ["--and"] + filters + ["--facet-search", "descriptor=" + PREFIXES[i % len(PREFIXES)],
                                                        "--", query],
                "collapse": base + ["--and"] + filters + ["--collapse", "translation", "--prefer-lang", "fr,en", "--",
                                                        query],
                "related": base + filters + ["--related", fiches[i % len(fiches)]],
            }
            for kind, command in commands.items():  # each must succeed before it is timed
                # with a long deadline: a first request on a cold page cache may take seconds, and it warms it
                at = command.index("--") if "--" in command else len(command)
                subprocess.run(command[:at] + ["--deadline", "60"] + command[at:], check=True, capture_output=True)
            # Rounds interleave the four kinds (plain, facet, collapse, related, then again), so that the noise of a
            # shared machine falls on all of them alike; hyperfine would time all runs of one kind, then the next.
            times = {kind: [] for kind in commands}
            for round_ in range(args.warmup + args.runs):
                for kind, command in commands.items():
                    started = time.perf_counter()
                    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
                    if round_ >= args.warmup:
                        times[kind].append(time.perf_counter() - started)
            with open(os.path.join(out_dir, "%s.json" % qid), "w") as f:
                json.dump({"commands": commands, "times": times}, f)
            results = {kind: statistics.median(t) for kind, t in times.items()}
            for kind, seconds in results.items():
                medians[kind].append(seconds)
            for kind in TARGETS:
                ratios[kind].append(results[kind] / results["plain"])
            rows.append((qid, query, fiches[i % len(fiches)], results))
        print("| query | plain ms | facet-search | collapse | related (fiche) |")
        print("|---|---|---|---|---|")
        for qid, query, fiche, r in rows:
            print("| %s `%s` | %.2f | %.2fx | %.2fx | %.2fx (%s) |" % (
                qid, query, r["plain"] * 1000, r["facet"] / r["plain"], r["collapse"] / r["plain"],
                r["related"] / r["plain"], fiche))
        print()
        print("| request | median of medians, ms | median ratio to plain | target | |")
        print("|---|---|---|---|---|")
        print("| plain query | %.2f | 1.00x | | |" % (statistics.median(medians["plain"]) * 1000))
        for kind, target in TARGETS.items():
            ratio = statistics.median(ratios[kind])
            print("| %s | %.2f | %.2fx | within %.1fx | %s |" % (
                kind, statistics.median(medians[kind]) * 1000, ratio, target, "met" if ratio <= target else "not met"))
        print("\nraw times: %s" % out_dir)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
