#!/usr/bin/env python3
"""A shard set answers as one database: the same requests, byte for byte.

usage: shard_test.py SOURCE_DIR BUILD_DIR [REQUESTS]

Builds one database and shard sets of the same exports (the bundled corpus and a generated one of 1,000 documents)
with citego-index --shards, starts three xapian-tcpsrv (Xapian's stock server) on free ports of 127.0.0.1, one per
shard of a 3-shard set, and writes a stub naming them. Then REQUESTS (default 260) seeded random requests (words of
the documents, a misspelt word, phrases, filters on every facet, both year orders, pages, year buckets,
collapsed translations, facet searches) must give the same bytes and exit status from the one database, from the
2-shard set opened locally, from the remote set and from a stub of its first shard local and the others remote (at
least 200 of them); a query with a wildcard, which each
shard expands to its own most frequent words, an answer from each. The one database is the oracle: it is counted by the facet id
path (FacetIds), the shards by the facet set slots (SlotFacetCounter) or the packed strings. Then a shard is stopped
(SIGSTOP: it accepts connections and answers nothing) and the search must end within its deadline with
deadline_exceeded, and a shard is killed and it must end with shard_unavailable, never with partial counts.

Sites: the bundled and the generated corpus built as two sites (--site), combined by a local stub and by a remote
one, must count and filter each site's documents as Python's XML parser counts them in the exports. Updates: an
--update and a --delete on a 2-shard set must answer as a rebuild with --shards 2 of the final exports.
"""
import collections
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET


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


DOC_TYPES = ("organisation", "project", "resource", "dossier", "fiche")


def count_documents(inputs):
    """The oracle of the site counts: the documents of the exports by type, and their ids, read with Python's XML
    parser (the children of each export's root element that are documents)."""
    counts = collections.Counter()
    ids = set()
    for path in inputs:
        files = sorted(os.path.join(path, f) for f in os.listdir(path) if f.lower().endswith(".xml")) \
            if os.path.isdir(path) else [path]
        for name in files:
            for child in ET.parse(name).getroot():
                tag = child.tag.split("}")[-1]
                if tag in DOC_TYPES:
                    counts[tag] += 1
                    ids.add(child.get("id"))
    return counts, ids


def serve(path, servers):
    """Starts xapian-tcpsrv on a free port of 127.0.0.1 for the database at `path`; returns its stub line."""
    port = free_port()
    server = subprocess.Popen(["xapian-tcpsrv", "--interface", "127.0.0.1", "--port", str(port), path],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              start_new_session=True)  # it signals its own process group
    servers.append(server)
    wait_listening(port, server)
    return "remote 127.0.0.1:%d\n" % port


def answer(search, db, args):
    got = run([search, "--db", db, "--format", "json"] + args + ["--"], check=False)
    if got.returncode != 0:
        fail("%s %s: exit %d: %s" % (db, " ".join(args), got.returncode, got.stderr.decode()))
    return got.stdout


def check_sites(index, search, tmp, corpora, servers):
    """Two sites' databases (citego-index --site) in one stub, local and through xapian-tcpsrv: the site facet and
    --filter site= give the documents of each site's exports, counted by type from the XML."""
    sites = {"citego": corpora["bundled"], "autre": corpora["generated"]}
    oracle = {name: count_documents(inputs) for name, inputs in sites.items()}
    if oracle["citego"][1] & oracle["autre"][1]:
        fail("the two sites' exports share ids")
    local = os.path.join(tmp, "sites-local")
    remote = os.path.join(tmp, "sites-remote")
    os.mkdir(local)
    os.mkdir(remote)
    local_lines, remote_lines, spellings = [], [], []
    for name, inputs in sites.items():
        db = os.path.join(tmp, "site-" + name)
        run([index, "-q", "--shards", "1", "--site", name, "--db", db] + inputs)
        local_lines.append("auto %s\n" % os.path.join(db, "shard-1"))
        remote_lines.append(serve(os.path.join(db, "shard-1"), servers))
        spellings.append(os.path.join(db, "spelling"))
        # One site's database alone lists its site; a database built without --site has no site key.
        alone = json.loads(answer(search, db, ["--limit", "0"]))
        total = sum(oracle[name][0].values())
        if alone["facets"].get("site") != [{"value": name, "count": total}]:
            fail("site %s alone: %s" % (name, alone["facets"].get("site")))
    if "site" in json.loads(answer(search, os.path.join(tmp, "bundled-one"), ["--limit", "0"]))["facets"]:
        fail("a database built without --site lists a site facet")
    # The README's recipe: one spelling database made of the sites' own.
    run(["xapian-compact", "-q"] + spellings + [os.path.join(local, "spelling")])
    os.symlink(os.path.join(local, "spelling"), os.path.join(remote, "spelling"))
    for stub, lines in ((local, local_lines), (remote, remote_lines)):
        with open(os.path.join(stub, "XAPIANDB"), "w") as out:
            out.writelines(lines)

    def expect(args, total, facets):
        for stub in (local, remote):
            got = json.loads(answer(search, stub, ["--limit", "0", "--facet-limit", "0"] + args))
            counts = {f: {v["value"]: v["count"] for v in got["facets"][f]} for f in facets}
            if got["total"] != total or counts != facets:
                fail("%s %s: total %d, %s; want %d, %s" % (stub, " ".join(args), got["total"], counts, total, facets))

    types = {name: {t: n for t, n in oracle[name][0].items() if n} for name in sites}
    sizes = {name: sum(types[name].values()) for name in sites}
    everything = collections.Counter(oracle["citego"][0]) + collections.Counter(oracle["autre"][0])
    expect([], sum(sizes.values()), {"site": sizes, "doc_type": dict(everything)})
    for name in sites:
        # Multi-select: the site facet still counts both sites; doc_type counts the filtered site's documents.
        expect(["--filter", "site=" + name], sizes[name], {"site": sizes, "doc_type": types[name]})
        expect(["--", "site:" + name.upper()], sizes[name], {"doc_type": types[name]})
        for doc_type, n in types[name].items():
            others = {other: types[other].get(doc_type, 0) for other in sites}
            expect(["--filter", "site=" + name, "--filter", "doc_type=" + doc_type], n,
                   {"site": {k: v for k, v in others.items() if v}, "doc_type": types[name]})
    expect(["--filter", "site=citego", "--filter", "site=autre"], sum(sizes.values()), {"site": sizes})
    expect(["--filter", "site=nowhere"], 0, {"site": dict(sizes, nowhere=0)})
    # Queries: each site's count is that site's database's own total, and local and remote give the same bytes.
    compared = 0
    for word in ("gouvernance", "territoire", "economie", "participation", "public", "local"):
        alone = {name: json.loads(answer(search, os.path.join(tmp, "site-" + name), ["--limit", "0", word]))["total"]
                 for name in sites}
        want = {name: n for name, n in alone.items() if n}
        expect([word], sum(alone.values()), {"site": want})
        for args in (["--limit", "5", word], ["--filter", "site=autre", "--sort", "-year", word],
                     ["--filter", "site=citego", "--filter", "lang=fr", "--offset", "2", word]):
            if answer(search, local, args) != answer(search, remote, args):
                fail("two sites: local and remote stubs differ for %s" % " ".join(args))
            compared += 1
    print("two sites (%s): counts and filters as the exports', local and remote; %d requests the same bytes" % (
        ", ".join("%s %d documents" % (name, sizes[name]) for name in sites), compared))


def check_update(index, search, tmp, source, args_list):
    """--update and --delete on a 2-shard set: the same bytes, for every request of `args_list`, as a rebuild with
    --shards 2 of the final exports."""
    library = os.path.join(source, "corpus", "library")
    work = os.path.join(tmp, "update")
    initial, final = os.path.join(work, "initial"), os.path.join(work, "final")
    os.makedirs(initial)
    os.makedirs(final)
    held, changed = "fiches-informality.xml", "fiches-moocs.xml"  # added by an update; a title changed

    def write(path, text):
        with open(path, "w", encoding="utf-8") as out:
            out.write(text)

    texts = {}
    for name in sorted(os.listdir(library)):
        with open(os.path.join(library, name), encoding="utf-8") as f:
            texts[name] = f.read()
        if name != held:
            write(os.path.join(initial, name), texts[name])
        if name == changed:
            texts[name] = texts[name].replace("<title>", "<title>Nouveau titre : ", 1)
        write(os.path.join(final, name), texts[name])
    corpus = os.path.join(source, "corpus")
    db = os.path.join(work, "set.db")
    run([index, "-q", "--shards", "2", "--db", db, corpus, initial])
    run([index, "-q", "--update", "--db", db, os.path.join(final, held), os.path.join(final, changed)])
    # The first fiche of the added file that no document refers to is deleted (a refused --delete changes nothing).
    for deleted in re.findall(r'<fiche id="([^"]+)"', texts[held]):
        if run([index, "-q", "--delete", deleted, "--db", db], check=False).returncode == 0:
            break
    else:
        fail("no fiche of %s could be deleted" % held)
    write(os.path.join(final, held),
          re.sub(r'\s*<fiche id="%s".*?</fiche>' % re.escape(deleted), "", texts[held], count=1, flags=re.S))
    rebuilt = os.path.join(work, "rebuilt.db")
    run([index, "-q", "--shards", "2", "--db", rebuilt, corpus, final])
    with open(os.path.join(db, "XAPIANDB")) as stub:
        if stub.read() != "auto shard-1\nauto shard-2\n":
            fail("the updated set's stub changed")
    extra = [["--limit", "100", "--"], ["--", "nouveau", "titre"], ["--", "id:" + deleted],
             ["--filter", "doc_type=fiche", "--sort", "-year", "--limit", "25", "--"]]
    for args in extra + [a for a in args_list if not any(w.endswith("*") for w in a)]:
        args = ["--format", "json"] + args if args[0] != "--format" else args
        want = run([search, "--db", rebuilt] + args, check=False)
        got = run([search, "--db", db] + args, check=False)
        if (got.returncode, got.stdout) != (want.returncode, want.stdout):
            fail("updated set differs from a rebuild for %s:\n%s\nwant:\n%s" % (
                " ".join(args), got.stdout.decode()[:2000], want.stdout.decode()[:2000]))
    print("an update and a delete (%s) on a 2-shard set: generation %s, the same bytes as a rebuild for %d requests"
          % (deleted, os.readlink(db).rsplit("/", 1)[-1], len(extra) + len(args_list)))


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
                # A stub mixing both: the first shard local, the others through their servers.
                mixed = os.path.join(tmp, name + "-mixed")
                os.mkdir(mixed)
                with open(os.path.join(mixed, "XAPIANDB"), "w") as stub:
                    stub.writelines(["auto %s\n" % os.path.join(three, "shard-1")] + lines[1:])
                os.symlink(os.path.join(three, "spelling"), os.path.join(mixed, "spelling"))
                words, values = vocabulary(search, one)
                for args in requests(rng, words, values, count // 2):
                    want = run([search, "--db", one] + args, check=False)
                    if want.returncode not in (0, 2):
                        fail("one database: %s: exit %d: %s" % (args, want.returncode, want.stderr.decode()))
                    for layout in (two, remote, mixed):
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
            # --related is refused over shards, local or remote, rather than ordered by the wrong docids.
            first = run([search, "--db", os.path.join(tmp, "bundled-one"), "--format", "json", "--filter",
                         "doc_type=fiche", "--limit", "1", "--", ""])
            fiche = json.loads(first.stdout)["hits"][0]["id"]
            for layout, code in (("bundled-two", "shards_unsupported"), ("bundled-remote", "remote_unsupported"),
                                 ("bundled-mixed", "remote_unsupported")):
                got = run([search, "--db", os.path.join(tmp, layout), "--format", "json", "--related", fiche],
                          check=False)
                if got.returncode != 2 or json.loads(got.stdout).get("error", {}).get("code") != code:
                    fail("--related over %s: exit %d: %s" % (layout, got.returncode, got.stdout.decode()))
            compared = total - wildcards
            print("%d requests: %d the same bytes from one database, 2 local shards, 3 remote shards and 3 shards of "
                  "which 1 local; %d with a wildcard answered by each" % (total, compared, wildcards))
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
            check_sites(index, search, tmp, corpora, servers)
            words, values = vocabulary(search, os.path.join(tmp, "bundled-one"))
            check_update(index, search, tmp, source, requests(rng, words, values, 40))
        finally:
            for server in servers:
                if server.poll() is None:
                    server.send_signal(signal.SIGCONT)
                    server.terminate()
                    server.wait()
    print("PASS")


if __name__ == "__main__":
    main()
