#!/usr/bin/env python3
"""A seeded random sequence of additions, replacements and deletions applied with citego-index --update/--delete to a
database of the bundled corpus gives the same answers as a full build of the final exports.

usage: update_sequence_test.py SOURCE_DIR BUILD_DIR [SEED] [OPERATIONS]

The exports are kept here as one XML element per record; each step changes a few of them, writes the changed ones to
an export and runs citego-index on the database. A deletion is expected to be refused exactly when a record this
script still holds refers to the id (found by scanning the ref="..." attributes, not by citego's code), and the
refusal must name every referrer. At the end the final exports are built from scratch and a fixed set of searches
(every page of hits, totals, facets with all their values) must give byte-identical JSON from both databases, and so
must the counts of --stats.
"""
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
RECORD_TAGS = {"organisation", "project", "resource", "dossier", "fiche", "person", "descriptor", "place"}
REF = re.compile(r'\b(?:ref|parent)="([^"]+)"')


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


class Corpus:
    """Every record as its own element, in the file it came from (so its format version stays right)."""

    def __init__(self, files):
        self.files = []  # (name, root attributes, [ids])
        self.records = {}  # id -> (file index, element)
        for path in files:
            root = ET.parse(path).getroot()
            ids = []
            for element in root:
                if not isinstance(element.tag, str) or element.tag not in RECORD_TAGS:
                    continue
                ids.append(element.get("id"))
                self.records[element.get("id")] = (len(self.files), element)
            self.files.append((os.path.basename(path), dict(root.attrib), ids))

    def text_of(self, record_id):
        return ET.tostring(self.records[record_id][1], encoding="unicode")

    def referrers(self, targets):
        out = {}
        for record_id in self.records:
            if record_id in targets:
                continue
            for ref in REF.findall(self.text_of(record_id)):
                if ref in targets:
                    out.setdefault(ref, set()).add(record_id)
        return out

    def export(self, path, file_index, ids):
        name, attributes, _ = self.files[file_index]
        root = ET.Element("citego-export", attributes)
        for record_id in ids:
            root.append(self.records[record_id][1])
        ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)

    def write_all(self, folder):
        os.makedirs(folder)
        for index, (name, _, ids) in enumerate(self.files):
            self.export(os.path.join(folder, name), index, ids)


def mutate(element, rng, step, kinds):
    """A valid change of the record: its title, period, kind, date, a label or name, or one descriptor fewer."""
    changes = []
    title = element.find("title")
    if title is not None:
        changes.append(lambda: setattr(title, "text", (title.text or "") + " révision%d" % step))
    period = element.find("period")
    if period is not None:
        def shift():
            start = int(period.get("start")) - rng.randint(1, 3)
            period.set("start", str(start))
        changes.append(shift)
    kind = element.find("kind")
    if kind is not None and element.tag == "organisation":
        changes.append(lambda: setattr(kind, "text", rng.choice(kinds)))
    date = element.find("date")
    if date is not None:
        changes.append(lambda: setattr(date, "text", str(int(date.text[:4]) - rng.randint(1, 5)) + date.text[4:]))
    for label in element.findall("label"):
        changes.append(lambda label=label: setattr(label, "text", label.text + " v%d" % step))
    name = element.find("name")
    if name is not None and element.tag == "person":
        changes.append(lambda: setattr(name, "text", name.text + " V%d" % step))
    descriptors = element.find("descriptors")
    if descriptors is not None and len(descriptors) > 1:
        changes.append(lambda: descriptors.remove(descriptors[rng.randrange(len(descriptors))]))
    if not changes:
        return False
    for change in rng.sample(changes, min(len(changes), rng.randint(1, 2))):
        change()
    return True


def clone(element, new_id):
    copy = ET.fromstring(ET.tostring(element, encoding="unicode"))
    copy.set("id", new_id)
    # A fiche's copy stands alone: two fiches of one language cannot share a translation group.
    for translation in copy.findall("translation-of"):
        copy.remove(translation)
    return copy


def first_difference(a, b, path="$"):
    """Where two JSON values first differ, and the two values there."""
    if type(a) is not type(b):
        return path, a, b
    if isinstance(a, dict):
        for key in list(a) + [k for k in b if k not in a]:
            if a.get(key) != b.get(key):
                return first_difference(a.get(key), b.get(key), path + "." + key)
    elif isinstance(a, list):
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return first_difference(x, y, "%s[%d]" % (path, i))
        if len(a) != len(b):
            return path + ".length", len(a), len(b)
    return path, a, b


def run(args, expect=None):
    result = subprocess.run(args, capture_output=True, text=True)
    if expect is not None and result.returncode != expect:
        fail("%s: exit %d, expected %d\n%s%s" % (" ".join(args), result.returncode, expect, result.stdout,
                                                   result.stderr))
    return result


def searches(search, db):
    """The fixed searches, each page until the last, as JSON text."""
    queries = [[], ["ville"], ["économie solidaire"], ["mooc"], ["city", "--lang", "en"], ["gouvern*"],
               ["--filter", "doc_type=fiche"], ["--sort", "year"], ["--filter", "lang=fr", "--sort", "-year"],
               ["participation", "--filter", "doc_type=fiche"], ["type:mooc"], ["kind:foundation"],
               ["descr:dsc-public-action"], ["place:plc-europe"], ["--facet-ranges", "year=decades"]]
    out = []
    for query in queries:
        offset = 0
        while True:
            args = [search, "--db", db, "--format", "json", "--limit", "100", "--facet-limit", "0",
                    "--offset", str(offset)]
            options = [q for q in query if q.startswith("--")]
            args += query if options else ["--"] + query
            result = run(args)
            if result.returncode not in (0, 1):
                fail("search %s: exit %d\n%s" % (query, result.returncode, result.stderr))
            out.append((query, offset, result.stdout))
            hits = json.loads(result.stdout).get("hits", []) if result.returncode == 0 else []
            if len(hits) < 100:
                break
            offset += 100
    return out


def main():
    source, build = sys.argv[1], sys.argv[2]
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    operations = int(sys.argv[4]) if len(sys.argv) > 4 else 300
    index = os.path.join(build, "indexer", "citego-index")
    search = os.path.join(build, "searcher", "citego-search")
    exports = [os.path.join(source, "corpus", "citego-partners.xml")] + sorted(
        os.path.join(source, "corpus", "library", f) for f in os.listdir(os.path.join(source, "corpus", "library"))
        if f.endswith(".xml"))
    rng = random.Random(seed)
    work = tempfile.mkdtemp(prefix="citego-update-")
    try:
        corpus = Corpus(exports)
        kinds = sorted({e.findtext("kind") for _, e in corpus.records.values() if e.tag == "organisation"})
        db = os.path.join(work, "updated.db")
        run([index, "-q", "--db", db] + exports, expect=0)
        done = {"add": 0, "replace": 0, "delete": 0, "refused": 0}
        step = 0
        while sum(done.values()) < operations:
            step += 1
            if rng.random() < 0.3:
                # Deletions: one id, or an id with every record that refers to it.
                target = rng.choice(sorted(corpus.records))
                ids = {target}
                if rng.random() < 0.4:
                    ids |= corpus.referrers({target}).get(target, set())
                referrers = corpus.referrers(ids)
                args = [index, "-q", "--db", db]
                for record_id in sorted(ids):
                    args += ["--delete", record_id]
                result = run(args, expect=1 if referrers else 0)
                if referrers:
                    for target_id, by in referrers.items():
                        line = [l for l in result.stderr.splitlines() if 'cannot delete "%s"' % target_id in l]
                        if not line or any('"%s"' % r not in line[0] for r in by):
                            fail("refusal of %s does not name %s:\n%s" % (target_id, sorted(by), result.stderr))
                    done["refused"] += 1
                    continue
                for record_id in ids:
                    file_index, _ = corpus.records.pop(record_id)
                    corpus.files[file_index][2].remove(record_id)
                done["delete"] += len(ids)
                continue
            # Additions and replacements, a few at a time.
            changed = {}
            for _ in range(rng.randint(1, 4)):
                record_id = rng.choice(sorted(corpus.records))
                file_index, element = corpus.records[record_id]
                if rng.random() < 0.35:
                    new_id = "%s-n%d" % (record_id, step)
                    if new_id in corpus.records:
                        continue
                    corpus.records[new_id] = (file_index, clone(element, new_id))
                    corpus.files[file_index][2].append(new_id)
                    changed[new_id] = file_index
                    done["add"] += 1
                elif mutate(element, rng, step, kinds):
                    changed[record_id] = file_index
                    done["replace"] += 1
            if not changed:
                continue
            inputs = []  # one export per file of origin: its root gives the version and the default language
            for file_index in sorted(set(changed.values())):
                path = os.path.join(work, "step-%d-%d.xml" % (step, file_index))
                corpus.export(path, file_index, [r for r, i in changed.items() if i == file_index])
                inputs.append(path)
            run([index, "-q", "--update", "--db", db] + inputs, expect=0)
        final = os.path.join(work, "final")
        corpus.write_all(final)
        rebuilt = os.path.join(work, "rebuilt.db")
        run([index, "-q", "--db", rebuilt, final], expect=0)
        updated_answers, rebuilt_answers = searches(search, db), searches(search, rebuilt)
        for (query, offset, a), (_, _, b) in zip(updated_answers, rebuilt_answers):
            if a != b:
                where, x, y = first_difference(json.loads(a), json.loads(b)) if a and b else ("$", a, b)
                fail("search %s at offset %d differs at %s:\nupdated: %s\nrebuilt: %s\n(updated ids: %s\nrebuilt ids: %s)"
                     % (query, offset, where, x, y, [h["id"] for h in json.loads(a).get("hits", [])],
                        [h["id"] for h in json.loads(b).get("hits", [])]))
        stats = [json.loads(run([index, "--stats", "--format", "json", "--db", d], expect=0).stdout)
                 for d in (db, rebuilt)]
        for key in ("documents", "by_type", "by_language", "top_values"):
            if stats[0][key] != stats[1][key]:
                fail("--stats %s differs: %s vs %s" % (key, stats[0][key], stats[1][key]))
        print("ok: seed %d, %d steps: %s; %d documents; %d searches identical"
              % (seed, step, done, stats[0]["documents"], len(updated_answers)))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
