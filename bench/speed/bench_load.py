#!/usr/bin/env python3
"""Ordinary queries through citego-client while the server is under hostile load, side by side with an idle server.

    python3 bench/speed/bench_load.py --bin DIR/bin --db DIR/db-N/citego.db [--rounds 3] [--queries FILE]
                                      [--hostile FILE] [--out DIR/results/load-N]

Starts `citego-search --serve` (default workers: one per core) on the database, then, in each round, measures the
latency of every ordinary query of --queries (bench/speed/queries.txt: QID, CATEGORY, FILTER, QUERY) run as one
`citego-client --format json --and [--filter F=V] -- QUERY` process each, sequentially, under four conditions, in an
order that rotates from round to round:
  idle        nothing else runs
  hostile     two other clients keep sending the heaviest request of --hostile (each as soon as the last returned)
  idle-conns  twenty connections are kept open without sending anything (each reopened when the server drops it)
  burst       1000 citego-client processes with ordinary queries are started at once when the measurement starts
Reported per condition: median and p90 over all rounds, and the ratio to the idle condition's p90; every client's
answer is checked (a non-empty output, exit status 0, or 3 with the "busy" error for the burst's clients), and the
numbers of busy answers and of empty answers are counted.

Then every hostile request runs alone, once as a `citego-search` process under /usr/bin/time -v (wall seconds and
peak RSS) and once through the client: its exit status, its error code if any, and whether it finished within the
deadline + 0.5 s.

Writes OUT/summary.md (and prints it) and OUT/latencies.json.
"""

import argparse
import json
import os
import re
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEADLINE = 2.0


def read_queries(path):
    queries = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            qid, _category, flt, query = line.rstrip("\n").split("\t", 3)
            args = ["--format", "json", "--and"]
            if flt != "-":
                args += ["--filter", flt]
            queries.append((qid, args + ["--", query]))
    return queries


def read_hostile(path):
    hostile = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            fields = line.rstrip("\n").split("\t")
            hostile.append((fields[0], fields[1:]))
    return hostile


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


class Server:
    def __init__(self, bindir, db, sock, log):
        self.sock = sock
        self.log = open(log, "w")
        self.proc = subprocess.Popen([os.path.join(bindir, "citego-search"), "--db", db, "--serve", sock],
                                     stderr=self.log)
        for _ in range(500):
            if os.path.exists(sock):
                try:
                    s = socket.socket(socket.AF_UNIX)
                    s.connect(sock)
                    s.close()
                    return
                except OSError:
                    pass
            time.sleep(0.01)
        raise SystemExit("the server did not start: see " + log)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait()
        self.log.close()


def client_command(bindir, sock, db, args):
    return [os.path.join(bindir, "citego-client"), "--socket", sock, "--db", db] + args


def timed_call(command):
    started = time.perf_counter()
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return time.perf_counter() - started, result


class Background:
    """A load that runs in threads until stopped."""

    def __init__(self):
        self.stopping = threading.Event()
        self.threads = []
        self.calls = 0

    def start(self, target, count):
        for _ in range(count):
            t = threading.Thread(target=target, daemon=True)
            t.start()
            self.threads.append(t)

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join()


def hostile_load(bindir, sock, db, args):
    load = Background()

    def loop():
        while not load.stopping.is_set():
            subprocess.run(client_command(bindir, sock, db, args), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            load.calls += 1

    load.start(loop, 2)
    time.sleep(0.3)  # both are in flight
    return load


def idle_connections(sock):
    load = Background()
    open_sockets = set()
    lock = threading.Lock()

    def keep_one():
        while not load.stopping.is_set():
            s = socket.socket(socket.AF_UNIX)
            with lock:
                open_sockets.add(s)
            try:
                s.connect(sock)
                s.recv(1)  # blocks until the server drops the connection (or stop() shuts it down)
            except OSError:
                time.sleep(0.01)
            finally:
                with lock:
                    open_sockets.discard(s)
                s.close()
            load.calls += 1

    def stop():
        load.stopping.set()
        with lock:
            for s in open_sockets:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        for t in load.threads:
            t.join()

    load.start(keep_one, 20)
    load.stop = stop
    time.sleep(0.3)
    return load


def burst(bindir, sock, db, queries, count, outcomes):
    procs = []
    for i in range(count):
        _qid, args = queries[i % len(queries)]
        procs.append(subprocess.Popen(client_command(bindir, sock, db, args), stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE))

    def collect():
        for p in procs:
            out, _err = p.communicate()
            outcomes.append((p.returncode, out))

    t = threading.Thread(target=collect, daemon=True)
    t.start()
    return t


def check(result, outcomes):
    outcomes.append((result.returncode, result.stdout))


def summarize_outcomes(outcomes):
    empty = sum(1 for code, out in outcomes if not out)
    busy = sum(1 for code, out in outcomes if code == 3 and b'"code":"busy"' in out)
    other = sum(1 for code, out in outcomes if out and code not in (0,) and not (code == 3 and b'"busy"' in out))
    return empty, busy, other


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--rounds", type=int, default=3, help="0: the hostile requests alone")
    parser.add_argument("--queries", default=os.path.join(HERE, "queries.txt"))
    parser.add_argument("--hostile", default=os.path.join(HERE, "hostile.txt"))
    parser.add_argument("--burst", type=int, default=1000)
    parser.add_argument("--out", required=True)
    a = parser.parse_args()
    os.makedirs(a.out, exist_ok=True)
    db = os.path.abspath(a.db)
    bindir = os.path.abspath(a.bin)
    queries = read_queries(a.queries)
    hostile = read_hostile(a.hostile)
    heaviest = next(args for name, args in hostile if name == "wildcards-8-filtered")
    sock = os.path.join(a.out, "citego.sock")
    server = Server(bindir, db, sock, os.path.join(a.out, "server.log"))

    conditions = ["idle", "hostile", "idle-conns", "burst"]
    latencies = {c: [] for c in conditions}
    outcomes = {c: [] for c in conditions}
    burst_outcomes = []
    try:
        for _qid, args in queries:  # warm the workers and the cache
            subprocess.run(client_command(bindir, sock, db, args), stdout=subprocess.DEVNULL)
        for r in range(a.rounds):
            order = conditions[r % len(conditions):] + conditions[:r % len(conditions)]
            for condition in order:
                load = None
                burst_thread = None
                if condition == "hostile":
                    load = hostile_load(bindir, sock, db, heaviest)
                elif condition == "idle-conns":
                    load = idle_connections(sock)
                elif condition == "burst":
                    burst_thread = burst(bindir, sock, db, queries, a.burst, burst_outcomes)
                for _qid, args in queries:
                    seconds, result = timed_call(client_command(bindir, sock, db, args))
                    latencies[condition].append(seconds)
                    check(result, outcomes[condition])
                if load:
                    load.stop()
                if burst_thread:
                    burst_thread.join()
                print(f"bench_load: round {r + 1} {condition}: p90 {percentile(latencies[condition], 0.9) * 1000:.1f} ms",
                      file=sys.stderr)
    finally:
        server.stop()
    server_log = open(os.path.join(a.out, "server.log")).read().strip().splitlines()

    lines = [f"# Ordinary queries through citego-client under load ({a.rounds} rounds of {len(queries)} queries)", "",
             f"Database: {db}; {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}; "
             f"load average at the end: {open('/proc/loadavg').read().split()[0]}", "",
             "| condition | calls | median ms | p90 ms | p90 / idle p90 | empty answers | busy | other errors |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    idle_p90 = percentile(latencies["idle"], 0.9) if latencies["idle"] else 0
    for c in conditions if a.rounds > 0 else []:
        empty, busy, other = summarize_outcomes(outcomes[c])
        p90 = percentile(latencies[c], 0.9)
        lines.append(f"| {c} | {len(latencies[c])} | {statistics.median(latencies[c]) * 1000:.2f} | {p90 * 1000:.2f} | "
                     f"{p90 / idle_p90:.2f} | {empty} | {busy} | {other} |")
    empty, busy, other = summarize_outcomes(burst_outcomes)
    lines += ["", f"The bursts' own clients: {len(burst_outcomes)} calls, {empty} empty answers, {busy} busy, "
              f"{len(burst_outcomes) - empty - busy - other} answered, {other} other errors.", "",
              "Server log: " + " / ".join(server_log), ""]

    lines += ["## Hostile requests alone", "",
              "| request | process: exit | wall s | peak RSS MiB | code | client: exit | wall s | code | "
              "within deadline + 0.5 s |", "|---|---:|---:|---:|---|---:|---:|---|---|"]
    server = Server(bindir, db, sock, os.path.join(a.out, "server-hostile.log"))
    try:
        for name, args in hostile:
            command = [os.path.join(bindir, "citego-search"), "--db", db] + args
            started = time.perf_counter()
            p = subprocess.run(["/usr/bin/time", "-f", "%M"] + command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            wall = time.perf_counter() - started
            rss = int(p.stderr.decode().strip().splitlines()[-1]) / 1024
            code = re.search(rb'"code":"([a-z_]+)"', p.stdout)
            cwall, c = timed_call(client_command(bindir, sock, db, args))
            ccode = re.search(rb'"code":"([a-z_]+)"', c.stdout)
            ok = wall <= DEADLINE + 0.5 and cwall <= DEADLINE + 0.5
            lines.append(f"| {name} | {p.returncode} | {wall:.2f} | {rss:.0f} | {code.group(1).decode() if code else '-'} | "
                         f"{c.returncode} | {cwall:.2f} | {ccode.group(1).decode() if ccode else '-'} | "
                         f"{'yes' if ok else 'NO'} |")
    finally:
        server.stop()
    summary = "\n".join(lines) + "\n"
    with open(os.path.join(a.out, "summary.md"), "w") as f:
        f.write(summary)
    with open(os.path.join(a.out, "latencies.json"), "w") as f:
        json.dump(latencies, f)
    print(summary)


if __name__ == "__main__":
    main()
