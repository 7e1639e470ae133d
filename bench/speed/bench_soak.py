#!/usr/bin/env python3
"""The memory of `citego-search --serve` over many requests of every kind.

    python3 bench/speed/bench_soak.py --bin DIR/bin --db DIR/db-N/citego.db [--requests 100000] [--every 10000]
                                      [--worker-requests N] [--out DIR/results/soak-N]

Starts a server on the database and sends it requests over its socket directly (the exchange of
searcher/include/citego/search_wire.h, without a client process per request, so that the server is what is
measured), cycling through ordinary queries (bench/speed/queries.txt), hostile ones (bench/speed/hostile.txt), the
query that leaks inside Xapian 1.4's QueryParser (`-x NEAR y:z`), usage errors, broken requests (bad magic, a request
cut short), and a client that leaves before its answer. Every `--every` requests it sums the resident memory (VmRSS)
of the server and its workers. Prints a table, and whether the last sample is within 10% of the first one taken
after the warm-up.
"""

import argparse
import os
import signal
import socket
import struct
import subprocess
import sys
import time

from bench_load import read_hostile, read_queries

HERE = os.path.dirname(os.path.abspath(__file__))
MAGIC = b"citego-search/1\n"


def encode(cwd, args):
    fields = [cwd.encode(), b"0"] + [a.encode() for a in args]
    out = MAGIC + struct.pack("=I", len(fields))
    for f in fields:
        out += struct.pack("=I", len(f)) + f
    return out


def read_exactly(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def read_answer(s):
    status, = struct.unpack("=i", read_exactly(s, 4))
    out = read_exactly(s, struct.unpack("=I", read_exactly(s, 4))[0])
    err = read_exactly(s, struct.unpack("=I", read_exactly(s, 4))[0])
    return status, out, err


def ask(path, payload, leave=False):
    """Sends one request; returns the reply's kind (A, D, K then A or D, or '' when the server closed)."""
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(30)
    try:
        s.connect(path)
        s.sendall(payload)
        kind = s.recv(1)
        if kind == b"K":
            read_exactly(s, 4)
            read_answer(s)
            if leave:
                return "K-left"
            kind = s.recv(1)
        if kind == b"A":
            read_answer(s)
        return kind.decode()
    except (EOFError, OSError):
        return ""
    finally:
        s.close()


def tree_rss_kib(pid):
    pids = [pid]
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            pids += [int(p) for p in f.read().split()]
    except OSError:
        pass
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total, len(pids) - 1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--requests", type=int, default=100000)
    parser.add_argument("--every", type=int, default=10000)
    parser.add_argument("--worker-requests", type=int, default=None)
    parser.add_argument("--out", required=True)
    a = parser.parse_args()
    os.makedirs(a.out, exist_ok=True)
    db = os.path.abspath(a.db)
    sock = os.path.join(a.out, "citego.sock")
    command = [os.path.join(os.path.abspath(a.bin), "citego-search"), "--db", db, "--serve", sock]
    if a.worker_requests:
        command += ["--worker-requests", str(a.worker_requests)]
    log = open(os.path.join(a.out, "server.log"), "w")
    server = subprocess.Popen(command, stderr=log)
    for _ in range(500):
        if os.path.exists(sock):
            break
        time.sleep(0.01)
    time.sleep(0.5)

    requests = [("ordinary", encode("/", ["--db", db] + args))
                for _qid, args in read_queries(os.path.join(HERE, "queries.txt"))]
    requests += [("hostile", encode("/", ["--db", db] + args))
                 for _name, args in read_hostile(os.path.join(HERE, "hostile.txt"))]
    for _ in range(10):
        requests.append(("leaky", encode("/", ["--db", db, "--format", "json", "-x NEAR y:z"])))
    requests.append(("usage", encode("/", ["--db", db, "--limit", "1000", "x"])))
    requests.append(("broken", b"GET / HTTP/1.0\r\n\r\n"))
    requests.append(("broken", encode("/", ["--db", db, "x"])[:-3]))
    requests.append(("leaves", encode("/", ["--db", db, "--format", "json", "a*"])))

    rows = []
    kinds = {}
    started = time.time()
    try:
        for i in range(a.requests):
            name, payload = requests[i % len(requests)]
            kind = ask(sock, payload, leave=name == "leaves")
            kinds[(name, kind)] = kinds.get((name, kind), 0) + 1
            if (i + 1) % a.every == 0 or i == 0:
                rss, workers = tree_rss_kib(server.pid)
                rows.append((i + 1, rss, workers, time.time() - started))
                print(f"bench_soak: {i + 1} requests, {rss / 1024:.1f} MiB in {workers} workers + supervisor",
                      file=sys.stderr)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait()
        log.close()
    lines = [f"# Server memory over {a.requests} requests ({db}; --worker-requests "
             f"{a.worker_requests or 'default'})", "", "| requests | RSS of server + workers, MiB | workers | seconds |",
             "|---:|---:|---:|---:|"]
    for n, rss, workers, seconds in rows:
        lines.append(f"| {n} | {rss / 1024:.1f} | {workers} | {seconds:.0f} |")
    # Workers are replaced every --worker-requests commands, so memory is a saw tooth: compare the peaks of the two
    # halves of the run (the first sample, before the warm-up, left out).
    samples = [rss for _n, rss, _w, _s in rows[1:]] or [rows[0][1]]
    half = max(1, len(samples) // 2)
    first, second = max(samples[:half]), max(samples[half:] or samples)
    lines += ["", f"Peak of the second half against the first: {second / first:.2f}x "
              f"({'flat' if second <= first * 1.10 else 'GROWS'}).", "",
              "Replies by kind of request: " + ", ".join(f"{n}/{k or 'closed'} {c}" for (n, k), c in sorted(kinds.items())),
              "", "Server log: " + " / ".join(open(os.path.join(a.out, "server.log")).read().strip().splitlines())]
    summary = "\n".join(lines) + "\n"
    with open(os.path.join(a.out, "summary.md"), "w") as f:
        f.write(summary)
    print(summary)


if __name__ == "__main__":
    main()
