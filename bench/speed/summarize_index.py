#!/usr/bin/env python3
"""Markdown tables from the raw rows of bench_index.sh.

    python3 bench/speed/summarize_index.py RESULTS/index-N.tsv [RESULTS/machine-N.txt]

Medians over rounds for each indexer; ratios are taken within one round (citego's docs/s divided by the peer's
docs/s of the same round, i.e. the peer's wall time over citego's) and their median over rounds is given.
"""

import csv
import statistics
import sys

INDEXERS = [("citego-index", "default"), ("citego-index", "base"), ("scriptindex", "default"), ("scriptindex", "flush1000"),
            ("fts5", "contentless"), ("postgresql", "gin+unaccent"), ("sphinx", "4-languages")]
LABEL = {
    ("citego-index", "default"): "citego-index (default: --jobs = cores, compacts before publishing)",
    ("citego-index", "base"): "citego-index of the base build (CITEGO_BASE_BUILD_DIR), same settings",
    ("scriptindex", "default"): "scriptindex, default flush (10000 docs)",
    ("scriptindex", "flush1000"): "scriptindex, `XAPIAN_FLUSH_THRESHOLD=1000`",
    ("fts5", "contentless"): "FTS5 contentless (python3 + sqlite3), one transaction",
    ("postgresql", "gin+unaccent"): "PostgreSQL 15: COPY, tsvector per language + unaccent, GIN, facet tables "
                                    "(CPU and RSS: server included)",
    ("sphinx", "4-languages"): "Sphinx 2.2 `indexer --all`: 4 indexes (one stemmer each), tsvpipe",
}


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def f(x, digits=2):
    if x is None:
        return "-"
    return f"{x:,.{digits}f}"


def main():
    rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8"), delimiter="\t"))
    machine = open(sys.argv[2], encoding="utf-8").read().strip() if len(sys.argv) > 2 else ""
    for r in rows:
        for k in ("wall_s", "user_s", "sys_s", "max_rss_mib"):
            r[k] = float(r[k])
        r["size_mib"] = int(r["size_mib"]) if r["size_mib"] else None
        r["round"] = int(r["round"])
        r["ok"] = r["exit"] == "0"
    docs = int(rows[0]["docs"])
    rounds = sorted({r["round"] for r in rows if r["round"] > 0})
    by = {}
    for r in rows:
        by.setdefault((r["tool"], r["variant"]), []).append(r)
    failed = [r for r in rows if not r["ok"]]

    def wall(key, rnd):
        for r in by.get(key, []):
            if r["round"] == rnd and r["ok"]:
                return r["wall_s"]
        return None

    citego = ("citego-index", "default")
    out = [f"#### Indexing, {docs:,} documents, {len(rounds)} round(s), order alternated between rounds\n"]
    out.append("| indexer | runs | median wall s | docs/s | median CPU s (user+sys) | max RSS MiB | size MiB "
               "(last round) | citego docs/s ÷ its docs/s (same round, median) | per round |")
    out.append("|---|---|---|---|---|---|---|---|---|")
    for key in INDEXERS:
        ok = [r for r in by.get(key, []) if r["ok"]]
        if not ok:
            continue
        w = med([r["wall_s"] for r in ok])
        per_round = []
        for rnd in rounds:
            a, b = wall(citego, rnd), wall(key, rnd)
            per_round.append(b / a if a and b else None)
        ratio = med(per_round)
        last = max(ok, key=lambda r: r["round"])
        out.append(f"| {LABEL[key]} | {len(ok)} | {f(w)} | {f(docs / w, 0)} | "
                   f"{f(med([r['user_s'] + r['sys_s'] for r in ok]))} | {f(max(r['max_rss_mib'] for r in ok), 0)} | "
                   f"{last['size_mib'] if last['size_mib'] is not None else '-'} | "
                   f"{'1' if key == citego else '**' + f(ratio) + '**'} | "
                   f"{' / '.join(f(x) for x in per_round) if key != citego else ''} |")

    compact = {r["variant"]: r for r in by.get(("xapian-compact", "scriptindex-default"), [])
               + by.get(("xapian-compact", "scriptindex-flush1000"), [])}
    cdef = compact.get("scriptindex-default")
    if cdef and cdef["ok"]:
        per_round = []
        for rnd in rounds:
            a, b = wall(citego, rnd), wall(("scriptindex", "default"), rnd)
            per_round.append((b + cdef["wall_s"]) / a if a and b else None)
        out.append(f"| scriptindex default + one `xapian-compact` ({f(cdef['wall_s'])} s), for a compacted db "
                   f"like citego's | | | | | | {cdef['size_mib']} | **{f(med(per_round))}** | "
                   f"{' / '.join(f(x) for x in per_round)} |")
    out.append("")

    out.append("| one-off step | wall s | CPU s | max RSS MiB | size MiB after |")
    out.append("|---|---|---|---|---|")
    for key, label in ((("convert", "export_to_peers"), "XML → scriptindex dump + FTS5 TSV (`export_to_peers.py`, "
                        "once; not counted in the peers' times)"),
                       (("xapian-compact", "scriptindex-default"), "`xapian-compact` of scriptindex default"),
                       (("xapian-compact", "scriptindex-flush1000"), "`xapian-compact` of scriptindex flush1000"),
                       (("fts5-optimize", "optimize+vacuum"), "FTS5 `optimize` + `VACUUM`")):
        for r in by.get(key, []):
            out.append(f"| {label} | {f(r['wall_s'])} | {f(r['user_s'] + r['sys_s'])} | {f(r['max_rss_mib'], 0)} | "
                       f"{r['size_mib'] if r['size_mib'] else '-'} |")
    out.append("")

    def last_size(key):
        ok = [r for r in by.get(key, []) if r["ok"]]
        return max(ok, key=lambda r: r["round"])["size_mib"] if ok else None

    out.append("| database | size MiB (du -sm) |")
    out.append("|---|---|")
    out.append(f"| citego (already compacted by citego-index) | {last_size(citego)} |")
    for v in ("default", "flush1000"):
        if last_size(("scriptindex", v)) is None:
            continue
        out.append(f"| scriptindex {v}: as built / after xapian-compact | {last_size(('scriptindex', v))} / "
                   f"{compact[f'scriptindex-{v}']['size_mib'] if f'scriptindex-{v}' in compact else '-'} |")
    opt = by.get(("fts5-optimize", "optimize+vacuum"), [])
    if last_size(("fts5", "contentless")) is not None:
        out.append(f"| FTS5 contentless: as loaded / after optimize + VACUUM | {last_size(('fts5', 'contentless'))} / "
                   f"{opt[0]['size_mib'] if opt else '-'} |")
    out.append("")
    if failed:
        out.append("**Failed runs (excluded):** " + ", ".join(f"{r['tool']} {r['variant']} round {r['round']} "
                                                             f"(exit {r['exit']})" for r in failed))
        out.append("")
    out.append("Rounds (wall s, in run order, load average before each):")
    out.append("")
    for rnd in rounds:
        seq = sorted((r for r in rows if r["round"] == rnd), key=lambda r: int(r["position"]))
        out.append(f"- round {rnd}: " + "; ".join(f"{r['tool']} {r['variant']} {f(r['wall_s'])} (load "
                                                  f"{r['load1_before']})" for r in seq))
    out.append("")
    if machine:
        out.append("```\n" + machine + "\n```")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
