#!/usr/bin/env python3
"""Query latency of one database against shard sets, local and remote, side by side in one run.

usage: bench_shards.py [--corpus PATH] [--layouts SHARDS,...] BUILD_DIR WORK_DIR DOCS [RUNS]
       bench_shards.py --build-times BASELINE_INDEX [--corpus PATH] BUILD_DIR WORK_DIR DOCS [ROUNDS]

Generates DOCS documents (citego-generate --seed 42) in WORK_DIR, or reads them from --corpus (never written), builds
one database and sets of 2 and 4 shards (citego-index --shards; --layouts 0,4 for one database and 4 shards only),
serves each shard of the sets with its own xapian-tcpsrv on 127.0.0.1 (the remote sets:
a folder with a stub of remote lines and the set's spelling database), and times each query of
bench/speed/queries.txt, plus each of its filter queries with a second filter (a multi-select: one more pass per
filtered facet), RUNS times (default 7) for every layout in turn: as one process (citego-search) and through
citego-client and a --serve of the layout, each request with a deadline of 60 s (a loaded machine measures rather
than refuses). Prints per layout the median and p90 of the per-query medians, in ms,
and their ratio to one database's.

--build-times: builds one database and sets of 2 and 4 shards of the same corpus with BASELINE_INDEX (another
citego-index) and with BUILD_DIR's, ROUNDS times (default 1), and prints each build's wall-clock and CPU
seconds (the indexer's user + system time) and each set's ratio to one database built by the same binary; the
binaries take turns for each layout.
"""
import argparse
import os
import resource
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# Each request's deadline, seconds: long enough that a loaded machine measures the time instead of refusing.
DEADLINE = "60"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, what):
    for _ in range(400):
        if check():
            return
        time.sleep(0.05)
    sys.exit("no " + what)


def connects(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def queries():
    out = []
    for line in open(os.path.join(HERE, "queries.txt"), encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        _, category, filt, query = line.rstrip("\n").split("\t")
        args = [] if filt == "-" else ["--filter", filt]
        out.append(args + ["--", query])
        if filt != "-":
            out.append(args + ["--filter", "doc_type=fiche", "--", query])  # two filtered facets: multi-select
    return out


def p90(values):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(0.9 * (len(values) - 1))))]


def corpus_of(args):
    if args.corpus:
        return args.corpus
    corpus = os.path.join(args.work, "corpus-%d" % args.docs)
    if not os.path.isdir(corpus):
        subprocess.run([os.path.join(args.build, "corpus", "generator", "citego-generate"), "--docs", str(args.docs),
                        "--files", "4", "--out", corpus], check=True, stdout=subprocess.DEVNULL)
    return corpus


def timed_build(index, db, shards, corpus):
    """Wall-clock and CPU seconds (user + system) of one citego-index run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    subprocess.run([index, "-q", "--db", db] + (["--shards", str(shards)] if shards else []) + [corpus], check=True)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def build_times(args):
    corpus = corpus_of(args)
    binaries = (("baseline", args.build_times), ("this", os.path.join(args.build, "indexer", "citego-index")))
    rounds = args.runs or 1
    results = {}
    for r in range(rounds):
        for shards in (0, 2, 4):
            for name, index in binaries:
                db = os.path.join(args.work, "times-%s-%d-%d-%d" % (name, args.docs, shards, r))
                if os.path.exists(db):
                    sys.exit(db + " exists: remove it first")
                wall, cpu = timed_build(index, db, shards, corpus)
                results.setdefault((name, shards), []).append((wall, cpu))
                print("round %d %-8s %s: %.1f s wall, %.1f s CPU, load %.1f" % (
                    r + 1, name, "one database" if not shards else "%d shards" % shards, wall, cpu,
                    os.getloadavg()[0]), flush=True)
                subprocess.run(["rm", "-rf", db, db + ".generations"], check=True)
    print("%d documents, %d round(s); s, median over the rounds" % (args.docs, rounds))
    for name, _ in binaries:
        one_wall = statistics.median(w for w, _ in results[(name, 0)])
        one_cpu = statistics.median(c for _, c in results[(name, 0)])
        for shards in (0, 2, 4):
            wall = statistics.median(w for w, _ in results[(name, shards)])
            cpu = statistics.median(c for _, c in results[(name, shards)])
            print("%-8s %-12s wall %7.1f (%.2fx one)  CPU %7.1f (%.2fx one)" % (
                name, "one database" if not shards else "%d shards" % shards, wall, wall / one_wall, cpu,
                cpu / one_cpu))


def main():
    parser = argparse.ArgumentParser(description="one database against shard sets (see the module's docstring)")
    parser.add_argument("--corpus", help="the exports to index (default: generated in WORK_DIR)")
    parser.add_argument("--layouts", default="0,2,4", help="shard counts to build, 0 for one database")
    parser.add_argument("--build-times", metavar="BASELINE_INDEX", help="time builds against another citego-index")
    parser.add_argument("build")
    parser.add_argument("work")
    parser.add_argument("docs", type=int)
    parser.add_argument("runs", type=int, nargs="?")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    if args.build_times:
        build_times(args)
        return
    build, work, docs = args.build, args.work, args.docs
    runs = args.runs or 7
    index = os.path.join(build, "indexer", "citego-index")
    search = os.path.join(build, "searcher", "citego-search")
    client = os.path.join(build, "searcher", "citego-client")
    corpus = corpus_of(args)
    layouts = {}
    servers = []
    try:
        for shards in (int(n) for n in args.layouts.split(",")):
            db = os.path.join(work, "db-%d-%d" % (docs, shards))
            if not os.path.exists(db):
                wall, cpu = timed_build(index, db, shards, corpus)
                print("built %s in %.1f s (%.1f s CPU), load %.1f" % (db, wall, cpu, os.getloadavg()[0]), flush=True)
            layouts["one" if not shards else "%d local" % shards] = db
            if not shards:
                continue
            remote = os.path.join(work, "remote-%d-%d" % (docs, shards))
            os.makedirs(remote, exist_ok=True)
            lines = []
            for k in range(1, shards + 1):
                port = free_port()
                servers.append(subprocess.Popen(["xapian-tcpsrv", "--interface", "127.0.0.1", "--port", str(port),
                                                 os.path.join(db, "shard-%d" % k)], stdout=subprocess.DEVNULL,
                                                stderr=subprocess.DEVNULL, start_new_session=True))
                wait_for(lambda: connects(port), "xapian-tcpsrv on %d" % port)
                lines.append("remote 127.0.0.1:%d\n" % port)
            with open(os.path.join(remote, "XAPIANDB"), "w") as stub:
                stub.writelines(lines)
            if not os.path.exists(os.path.join(remote, "spelling")):
                os.symlink(os.path.join(db, "spelling"), os.path.join(remote, "spelling"))
            layouts["%d remote" % shards] = remote
        sockets = {}
        for name, db in layouts.items():
            sock = os.path.join(work, "serve-%s.sock" % name.replace(" ", "-"))
            servers.append(subprocess.Popen([search, "--serve", sock, "--db", db, "--max-deadline", DEADLINE],
                                            stdout=subprocess.DEVNULL,
                                            stderr=subprocess.DEVNULL))
            wait_for(lambda: os.path.exists(sock), "socket " + sock)
            sockets[name] = sock
        qs = queries()
        times = {(name, way): [[] for _ in qs] for name in layouts for way in ("process", "client")}
        for _ in range(runs):
            for i, q in enumerate(qs):
                for name, db in layouts.items():
                    for way, command in (("process", [search, "--db", db]),
                                         ("client", [client, "--socket", sockets[name], "--db", db])):
                        started = time.perf_counter()
                        done = subprocess.run(command + ["--format", "json", "--deadline", DEADLINE] + q,
                                              stdout=subprocess.DEVNULL,
                                              stderr=subprocess.DEVNULL)
                        times[(name, way)][i].append(time.perf_counter() - started)
                        if done.returncode != 0:
                            sys.exit("%s %s: exit %d for %s" % (name, way, done.returncode, q))
        print("%d documents, %d queries (%d with two filters), %d runs each; ms, median and p90 of the per-query "
              "medians" % (docs, len(qs), sum("doc_type=fiche" in q for q in qs), runs))
        for way in ("process", "client"):
            base = statistics.median(statistics.median(t) for t in times[("one", way)])
            for name in layouts:
                medians = [statistics.median(t) for t in times[(name, way)]]
                median = statistics.median(medians)
                print("%-8s %-9s median %7.2f  p90 %7.2f  ratio to one %.2f" % (
                    way, name, 1000 * median, 1000 * p90(medians), median / base))
    finally:
        for server in servers:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
