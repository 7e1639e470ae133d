#!/usr/bin/env python3
"""A shard set answers as one database: the same requests, byte for byte.

usage: shard_test.py SOURCE_DIR BUILD_DIR [REQUESTS]

Builds one database and shard sets of the same exports (the bundled corpus and a generated one of 1,000 documents)
with citego-index --shards, starts three xapian-tcpsrv (Xapian's stock server) on free ports of 127.0.0.1, one per
shard of a 3-shard set, and writes a stub naming them. Then REQUESTS (default 260) seeded random requests (words of
the documents, a misspelt word, phrases, filters on every facet, both year orders, pages, year buckets,
collapsed translations, facet searches) must give the same bytes and exit status from the one database, from the
2-shard set opened locally, and from the remote set (at least 200 of them); a query with a wildcard, which each
shard expands to its own most frequent words, an answer from each. The one database is the oracle: it is counted by the facet id
path (FacetIds), the shards by the facet set slots (SlotFacetCounter) or the packed strings. Then a shard is stopped
(SIGSTOP: it accepts connections and answers nothing) and the search must end within its deadline with
deadline_exceeded, and a shard is killed and it must end with shard_unavailable, never with partial counts.
"""
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, server):
    for _ in range(200):
        if server.poll() is not None:
            fail("xapian-tcpsrv on port %d ended: %s" % (port, server.stderr.read().decode()))
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    fail("xapian-tcpsrv on port %d does not listen" % port)


def run(args, check=True):
    done = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if check and done.returncode != 0:
        fail("%s: exit %d: %s" % (" ".join(args), done.returncode, done.stderr.decode()))
    return done


def vocabulary(search, db):
    """Words and facet values to ask for, read from the documents (not from any count)."""
    hits = json.loads(run([search, "--db", db, "--format", "json", "--limit", "100", "--facet-limit", "30",
                           "--"]).stdout)
    words = set()
    for hit in hits["hits"]:
        for word in (hit["title"] + " " + (hit["snippet"] or "")).split():
            word = word.strip(".,;:!?'\"()«»&#39").lower()
            if word.isalpha() and 4 <= len(word) <= 12:
                words.add(word)
    values = {facet: [v["value"] for v in counts] for facet, counts in hits["facets"].items()}
    return sorted(words), values


def requests(rng, words, values, count):
    out = []
    for _ in range(count):
        args = ["--format", "json"]
        shape = rng.random()
        if shape < 0.15:
            query = []
        elif shape < 0.25:
            word = rng.choice(words)
            cut = rng.randrange(1, len(word) - 1)
            query = [word[:cut] + word[cut + 1:]]  # a misspelling: a suggestion may come
        elif shape < 0.32:
            query = ['"%s %s"' % (rng.choice(words), rng.choice(words))]
        elif shape < 0.38:
            query = [rng.choice(words)[:4] + "*"]
        elif shape < 0.45:
            query = [rng.choice(words), "OR", rng.choice(words)]
        else:
            query = rng.sample(words, rng.choice([1, 1, 2]))
        for facet in rng.sample(sorted(values), rng.choice([0, 0, 1, 1, 2, 3])):
            if facet == "year":
                first = rng.randrange(2000, 2026)
                args += ["--filter", "year=%d..%d" % (first, first + rng.randrange(0, 6))]
            elif values[facet]:
                for value in rng.sample(values[facet], min(len(values[facet]), rng.choice([1, 1, 2]))):
                    args += ["--filter", "%s=%s" % (facet, value)]
        if rng.random() < 0.4:
            args += ["--sort", rng.choice(["year", "-year"])]
        args += ["--limit", str(rng.choice([0, 1, 3, 10, 10, 25]))]
        if rng.random() < 0.4:
            args += ["--offset", str(rng.choice([1, 2, 7, 10, 30]))]
        if rng.random() < 0.2:
            args += ["--facet-limit", str(rng.choice([0, 2, 5]))]
        if rng.random() < 0.15:
            args += ["--facet-ranges", rng.choice(["year=decades", "year=2000..2009,2005..2019,2020.."])]
        if rng.random() < 0.1:
            args += ["--collapse", "translation", "--lang", rng.choice(["fr", "en", "es", "pt"])]
        elif rng.random() < 0.2:
            args += ["--lang", rng.choice(["fr", "en", "es", "pt"])]
        if rng.random() < 0.05 and values.get("descriptor"):
            args += ["--facet-search", "descriptor=" + rng.choice(words)[:2]]
        out.append(args + ["--"] + query)
    return out


def main():
    source, build = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 260
    index = os.path.join(build, "indexer", "citego-index")
    search = os.path.join(build, "searcher", "citego-search")
    generate = os.path.join(build, "corpus", "generator", "citego-generate")
    rng = random.Random(12)
    servers = []
    with tempfile.TemporaryDirectory() as tmp:
        try:
            generated = os.path.join(tmp, "generated")
            run([generate, "--docs", "1000", "--seed", "7", "--out", generated])
            corpora = {
                "bundled": [os.path.join(source, "corpus"), os.path.join(source, "corpus", "library")],
                "generated": [generated],
            }
            total = 0
            wildcards = 0
            for name, inputs in corpora.items():
                one = os.path.join(tmp, name + "-one")
                two = os.path.join(tmp, name + "-two")
                three = os.path.join(tmp, name + "-three")
                run([index, "-q", "--db", one] + inputs)
                run([index, "-q", "--shards", "2", "--db", two] + inputs)
                run([index, "-q", "--shards", "3", "--db", three] + inputs)
                # The remote set: a folder with a stub of remote lines and the set's spelling database.
                remote = os.path.join(tmp, name + "-remote")
                os.mkdir(remote)
                lines = []
                for k in (1, 2, 3):
                    port = free_port()
                    server = subprocess.Popen(["xapian-tcpsrv", "--interface", "127.0.0.1", "--port", str(port),
                                               os.path.join(three, "shard-%d" % k)],
                                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                              start_new_session=True)  # it signals its own process group
                    servers.append(server)
                    wait_listening(port, server)
                    lines.append("remote 127.0.0.1:%d\n" % port)
                with open(os.path.join(remote, "XAPIANDB"), "w") as stub:
                    stub.writelines(lines)
                os.symlink(os.path.join(three, "spelling"), os.path.join(remote, "spelling"))
                words, values = vocabulary(search, one)
                for args in requests(rng, words, values, count // 2):
                    want = run([search, "--db", one] + args, check=False)
                    if want.returncode not in (0, 2):
                        fail("one database: %s: exit %d: %s" % (args, want.returncode, want.stderr.decode()))
                    for layout in (two, remote):
                        got = run([search, "--db", layout] + args, check=False)
                        if any(word.endswith("*") for word in args):
                            # Each shard expands a wildcard itself, to its own most frequent words and with its own
                            # statistics (README, "Running shards"): an answer, not the same one.
                            if got.returncode != want.returncode:
                                fail("%s: exit %d for %s: %s" % (layout, got.returncode, " ".join(args),
                                                                 got.stderr.decode()))
                            wildcards += layout == two
                            continue
                        if (got.returncode, got.stdout) != (want.returncode, want.stdout):
                            fail("%s differs from one database for %s:\n%s\nwant:\n%s\n%s" % (
                                layout, " ".join(args), got.stdout.decode()[:3000], want.stdout.decode()[:3000],
                                got.stderr.decode()))
                    total += 1
            compared = total - wildcards
            print("%d requests: %d the same bytes from one database, 2 local shards and 3 remote shards; %d with a "
                  "wildcard answered by each" % (total, compared, wildcards))
            if compared < 200:
                fail("only %d requests compared byte for byte" % compared)

            # A stopped shard: the deadline's error within the deadline and its grace, no partial answer.
            remote = os.path.join(tmp, "generated-remote")
            stopped = servers[-1]
            stopped.send_signal(signal.SIGSTOP)
            started = time.monotonic()
            got = run([search, "--db", remote, "--format", "json", "--deadline", "0.5", "--", words[0]], check=False)
            seconds = time.monotonic() - started
            stopped.send_signal(signal.SIGCONT)
            answer = json.loads(got.stdout)
            if got.returncode != 3 or answer.get("error", {}).get("code") != "deadline_exceeded" or seconds > 2.0:
                fail("stopped shard: exit %d after %.2f s: %s" % (got.returncode, seconds, got.stdout.decode()))
            print("a stopped shard: deadline_exceeded, exit 3, after %.2f s (deadline 0.5 s)" % seconds)
            # A killed shard: shard_unavailable.
            stopped.kill()
            stopped.wait()
            got = run([search, "--db", remote, "--format", "json", "--", words[0]], check=False)
            answer = json.loads(got.stdout)
            if got.returncode != 1 or answer.get("error", {}).get("code") != "shard_unavailable":
                fail("killed shard: exit %d: %s" % (got.returncode, got.stdout.decode()))
            print("a killed shard: shard_unavailable, exit 1: " + answer["error"]["message"])
        finally:
            for server in servers:
                if server.poll() is None:
                    server.send_signal(signal.SIGCONT)
                    server.terminate()
                    server.wait()
    print("PASS")


if __name__ == "__main__":
    main()
