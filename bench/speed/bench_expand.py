#!/usr/bin/env python3
"""What --expand costs per query, through citego-client, side by side with the plain query.

For each query of QUERIES (those of bench_library.py: --rows rows evenly spaced, one of each category), --warmup
then --runs interleaved rounds time two whole processes of citego-client on a running `citego-search --serve`:

  plain     citego-client --db DB --format json --and [--filter F] -- QUERY
  expand    the same with --expand

and prints a row per query (median times, their ratio) and the median ratio and extra time over the rows.

Usage: bench_expand.py --bin DIR --db DB [--rows N] [--runs N] [--warmup N] [--queries FILE]
"""
import argparse
import os
import statistics
import subprocess
import tempfile
import time

from bench_library import read_queries, start_server


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--rows", type=int, default=10)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--queries", default=os.path.join(os.path.dirname(__file__), "queries.txt"))
    args = ap.parse_args()
    search = os.path.join(args.bin, "citego-search")
    client = os.path.join(args.bin, "citego-client")
    out_dir = tempfile.mkdtemp(prefix="citego-expand-")
    socket = os.path.join(out_dir, "expand.sock")
    server = start_server(search, args.db, socket, os.path.join(out_dir, "serve.log"))
    try:
        queries = read_queries(args.queries, args.rows)
        times = {qid: {"plain": [], "expand": []} for qid, _, _ in queries}
        for r in range(args.warmup + args.runs):
            for qid, filt, query in queries:
                base = [client, "--socket", socket, "--db", args.db, "--format", "json", "--and"]
                base += ["--filter", filt] if filt else []
                for kind, extra in (("plain", []), ("expand", ["--expand"])):
                    started = time.perf_counter()
                    subprocess.run(base + extra + ["--", query], stdout=subprocess.DEVNULL, check=True)
                    if r >= args.warmup:
                        times[qid][kind].append(time.perf_counter() - started)
    finally:
        server.terminate()
        server.wait()
    print("| query | plain ms | `--expand` ms | ratio |")
    print("|---|---:|---:|---:|")
    ratios, extra = [], []
    for qid, _, query in queries:
        plain = statistics.median(times[qid]["plain"])
        expand = statistics.median(times[qid]["expand"])
        ratios.append(expand / plain)
        extra.append(expand - plain)
        print("| %s `%s` | %.2f | %.2f | %.2fx |" % (qid, query, plain * 1000, expand * 1000, expand / plain))
    print("\nmedian ratio %.2fx, median extra %.2f ms" % (statistics.median(ratios), statistics.median(extra) * 1000))


if __name__ == "__main__":
    main()
