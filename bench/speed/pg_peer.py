#!/usr/bin/env python3
"""PostgreSQL full-text search as a peer of bench/speed/ and bench/relevance/: a throw-away cluster in a folder.

    python3 bench/speed/pg_peer.py load --dir DIR DOCS.tsv [--peak-file F]   initdb, start, load, index, stop
    python3 bench/speed/pg_peer.py start --dir DIR                           start the cluster DIR/data
    python3 bench/speed/pg_peer.py stop --dir DIR                            stop it (fast shutdown)
    python3 bench/speed/pg_peer.py sql [--filter F=V] -- QUERY               print the query of bench_query.py

The server (Debian's postgresql-15: /usr/lib/postgresql/15/bin, or PG_BIN) listens on a Unix socket in DIR only
(listen_addresses = ''); clients connect with `psql -h DIR -U bench -d postgres` (trust: a local benchmark
cluster). As root, the server runs as the user "postgres" (PostgreSQL refuses to run as root).

Setup, as the PostgreSQL 15 manual recommends for a multilingual site (chapter 12, "Full Text Search"; 14.4,
"Populating a Database"):
  - one text search configuration per language, copied from the built-in french / english / spanish / portuguese
    (Snowball stemmer + stop words), with `unaccent` before the stemmer for words (F.46, unaccent: ALTER MAPPING FOR
    hword, hword_part, word WITH unaccent, LANG_stem);
  - doc.tsv, a stored generated column (12.2.2): title weighted A, text weighted B, each parsed with the
    configuration of the document's own language (the immutable SQL function citego_cfg(lang));
  - facet tables doc_year, doc_type, doc_kind (one row per value) counted by GROUP BY;
  - bulk load: one transaction, table created in it, COPY, indexes after the data (GIN on doc.tsv, btree on the
    facet tables), maintenance_work_mem = 256MB, wal_level = minimal, then ANALYZE.
Inputs: the TSV of export_to_peers.py (id, doc_type, lang, title, text, years, types, kinds); the row number is
the rowid, as in fts5_load.py. The query side (top 10 by ts_rank_cd with ts_headline snippets, exact total, five
facet counts, in one statement) is query_sql() below, shared with bench_query.py.

--peak-file: the highest total PSS of the server's processes, sampled every 0.1 s during the load, in KiB, and the
CPU seconds of the server (the postmaster and its finished children), are written there, one line "KIB SECONDS"
(/usr/bin/time sees only the client side). Python standard library only.
"""

import argparse
import os
import pwd
import re
import shutil
import subprocess
import sys
import threading
import time

import export_to_peers

PG_BIN = os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin")
LANGS = {"fr": "french", "en": "english", "es": "spanish", "pt": "portuguese"}
TOKEN = re.compile(r'"[^"]*"|\S+')

SCHEMA = """
CREATE EXTENSION IF NOT EXISTS unaccent;
{configs}
CREATE FUNCTION citego_cfg(lang text) RETURNS regconfig LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
  $$ SELECT CASE lang {cases} ELSE 'simple'::regconfig END $$;
CREATE TABLE doc (
  rowid integer PRIMARY KEY, id text NOT NULL, doc_type text NOT NULL, lang text NOT NULL,
  title text NOT NULL, text text NOT NULL,
  tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector(citego_cfg(lang), title), 'A')
                                    || setweight(to_tsvector(citego_cfg(lang), text), 'B')) STORED);
CREATE TABLE doc_year (docid integer NOT NULL, year integer NOT NULL);
CREATE TABLE doc_type (docid integer NOT NULL, type text NOT NULL);
CREATE TABLE doc_kind (docid integer NOT NULL, kind text NOT NULL);
"""
INDEXES = """
CREATE INDEX doc_tsv ON doc USING gin (tsv);
CREATE UNIQUE INDEX doc_id ON doc (id);
CREATE INDEX doc_year_docid ON doc_year (docid, year);
CREATE INDEX doc_year_year ON doc_year (year, docid);
CREATE INDEX doc_type_docid ON doc_type (docid, type);
CREATE INDEX doc_type_type ON doc_type (type, docid);
CREATE INDEX doc_kind_docid ON doc_kind (docid, kind);
CREATE INDEX doc_kind_kind ON doc_kind (kind, docid);
"""
SERVER_SETTINGS = {
    "listen_addresses": "''",
    "shared_buffers": "128MB",
    "maintenance_work_mem": "256MB",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_wal_size": "4GB",
    "jit": "off",
}


def schema_sql():
    configs, cases = [], []
    for code, name in LANGS.items():
        configs.append(f"CREATE TEXT SEARCH CONFIGURATION citego_{code} (COPY = {name});\n"
                       f"ALTER TEXT SEARCH CONFIGURATION citego_{code} ALTER MAPPING FOR hword, hword_part, word "
                       f"WITH unaccent, {name}_stem;")
        cases.append(f"WHEN '{code}' THEN 'citego_{code}'::regconfig")
    return SCHEMA.format(configs="\n".join(configs), cases=" ".join(cases))


def sql_str(text):
    return "'" + text.replace("'", "''") + "'"


def web_query(query):
    """bench_query.py's query text as websearch_to_tsquery reads it: words ANDed, "phrases" kept."""
    return " ".join(t for t in TOKEN.findall(query) if t.strip('"'))


SQL_FILTER = {
    "type": "rowid IN (SELECT docid FROM doc_type WHERE type = {v})",
    "kind": "rowid IN (SELECT docid FROM doc_kind WHERE kind = {v})",
    "year": "rowid IN (SELECT docid FROM doc_year WHERE year = {v})",
    "lang": "lang = {v}",
    "doctype": "doc_type = {v}",
}


def query_sql(query, flt, limit=10):
    """One statement: the top LIMIT by ts_rank_cd with ts_headline, the exact total and the five facet counts.

    Rows (kind, value, count, score, snippet): ('hit', id, NULL, score, snippet) for the top LIMIT, best first;
    ('total', NULL, N, NULL, NULL); (facet, value, count, NULL, NULL), at most 10 values per facet.

    The query is parsed in the four languages' configurations and the four tsqueries are ORed, so a document
    matches the query stemmed as its own language is (what citego does with its four stemmings)."""
    text = sql_str(web_query(query))
    tsq = " || ".join(f"websearch_to_tsquery('citego_{c}', {text})" for c in LANGS)
    where = "tsv @@ q.q"
    if flt:
        facet, value = flt
        where += " AND " + SQL_FILTER[facet].format(v=value if facet == "year" else sql_str(value))
    facet = ("(SELECT {name}, {col}::text, count(*) AS c FROM m JOIN {table} f ON {on} GROUP BY 2 "
             "ORDER BY 3 DESC, 2 LIMIT 10)")
    facets = [facet.format(name=f"'{name}'", col=f"f.{col}", table=table, on="f.docid = m.rowid")
              for name, table, col in export_to_peers.FACET_TABLES] + [
        "(SELECT 'doc_type', doc_type, count(*) FROM m GROUP BY 2 ORDER BY 3 DESC, 2 LIMIT 10)",
        "(SELECT 'lang', lang, count(*) FROM m GROUP BY 2 ORDER BY 3 DESC, 2 LIMIT 10)",
    ]
    return (f"WITH q AS (SELECT {tsq} AS q), "
            f"m AS MATERIALIZED (SELECT rowid, doc_type, lang, ts_rank_cd(tsv, q.q) AS score FROM doc, q "
            f"WHERE {where}), "
            f"top AS (SELECT rowid, score FROM m ORDER BY score DESC, rowid LIMIT {limit}) "
            "SELECT 'hit', d.id, NULL, top.score, ts_headline(citego_cfg(d.lang), d.text, q.q) "
            "FROM top JOIN doc d USING (rowid), q "
            "UNION ALL SELECT 'total', NULL, count(*), NULL, NULL FROM m UNION ALL "
            + " UNION ALL ".join(f"SELECT *, NULL, NULL FROM {f} x" for f in facets) + ";")


def psql_argv(folder):
    return ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", os.path.abspath(folder), "-U", "bench",
            "-d", "postgres"]


def as_server_user(argv):
    if os.geteuid() != 0:
        return argv
    return ["runuser", "-u", "postgres", "--"] + argv


def server_pids(data):
    try:
        with open(os.path.join(data, "postmaster.pid")) as f:
            main = int(f.readline())
    except (OSError, ValueError):
        return []
    pids = [main]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == main:
                        pids.append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    return pids


def pss_kib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def server_cpu_s(data):
    """User + system seconds of the postmaster and of the children it has waited for."""
    pids = server_pids(data)
    if not pids:
        return 0.0
    with open(f"/proc/{pids[0]}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


class PeakSampler(threading.Thread):
    """Samples the total PSS of the server's processes every 0.1 s; .peak is the highest, in KiB."""

    def __init__(self, data):
        super().__init__(daemon=True)
        self.data, self.peak, self.done = data, 0, threading.Event()

    def run(self):
        while not self.done.wait(0.1):
            self.peak = max(self.peak, sum(pss_kib(p) for p in server_pids(self.data)))


def start(folder):
    folder = os.path.abspath(folder)
    data = os.path.join(folder, "data")
    subprocess.run(as_server_user([os.path.join(PG_BIN, "pg_ctl"), "-D", data, "-l", os.path.join(folder, "server.log"),
                                   "-w", "-o", f"-k {folder}", "start"]), check=True, stdout=subprocess.DEVNULL)


def stop(folder):
    data = os.path.join(os.path.abspath(folder), "data")
    if os.path.exists(os.path.join(data, "postmaster.pid")):
        subprocess.run(as_server_user([os.path.join(PG_BIN, "pg_ctl"), "-D", data, "-m", "fast", "-w", "stop"]),
                       check=True, stdout=subprocess.DEVNULL)


def init(folder):
    folder = os.path.abspath(folder)
    if os.path.exists(os.path.join(folder, "data")):
        stop(folder)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(folder, user.pw_uid, user.pw_gid)
    data = os.path.join(folder, "data")
    subprocess.run(as_server_user([os.path.join(PG_BIN, "initdb"), "-D", data, "-U", "bench", "--auth=trust",
                                   "-E", "UTF8", "--locale=C.UTF-8"]), check=True, stdout=subprocess.DEVNULL)
    conf = "".join(f"{k} = {v}\n" for k, v in SERVER_SETTINGS.items())
    subprocess.run(as_server_user(["sh", "-c", f"cat >> {data}/postgresql.conf"]), input=conf, text=True, check=True)


def copy_cell(text):
    return text.replace("\\", "\\\\").replace("\t", " ").replace("\r", " ").replace("\n", " ")


def load_script(tsv_path, out):
    """Writes the psql script of the load: schema, COPY of every table (data inline), indexes."""
    out.write("BEGIN;\n" + schema_sql())
    facets = {"doc_year": [], "doc_type": [], "doc_kind": []}
    out.write("COPY doc (rowid, id, doc_type, lang, title, text) FROM STDIN;\n")
    count = 0
    for number, cells in export_to_peers.tsv_rows(tsv_path, "pg_peer"):
        doc_id, doc_type, lang, title, text, years, types, kinds = cells
        count = number
        out.write("\t".join([str(number)] + [copy_cell(c) for c in (doc_id, doc_type, lang, title, text)]) + "\n")
        for table, values in (("doc_year", years), ("doc_type", types), ("doc_kind", kinds)):
            facets[table].extend(f"{number}\t{copy_cell(v)}\n" for v in values.split(",") if v)
    out.write("\\.\n")
    for table, rows in facets.items():
        out.write(f"COPY {table} FROM STDIN;\n")
        out.writelines(rows)
        out.write("\\.\n")
    out.write(INDEXES + "COMMIT;\nANALYZE;\nCHECKPOINT;\n")
    return count


def load(folder, tsv_path, peak_file):
    started = time.monotonic()
    init(folder)
    start(folder)
    sampler = PeakSampler(os.path.join(os.path.abspath(folder), "data"))
    sampler.start()
    try:
        psql = subprocess.Popen(psql_argv(folder), stdin=subprocess.PIPE, text=True, encoding="utf-8")
        count = load_script(tsv_path, psql.stdin)
        psql.stdin.close()
        if psql.wait() != 0:
            sys.exit(f"pg_peer: psql failed loading {tsv_path} (see {folder}/server.log)")
        sizes = subprocess.run(psql_argv(folder) + ["-F", " ", "-c",
                               "SELECT pg_total_relation_size('doc') / 1048576, pg_relation_size('doc_tsv') / 1048576, "
                               "pg_database_size('postgres') / 1048576"], stdout=subprocess.PIPE, text=True,
                               check=True).stdout.split()
        cpu = server_cpu_s(os.path.join(os.path.abspath(folder), "data"))
    finally:
        sampler.done.set()
        sampler.join()
        stop(folder)
    if peak_file:
        with open(peak_file, "w") as f:
            f.write(f"{sampler.peak} {cpu:.2f}\n")
    print(f"pg_peer: {count} documents into {folder} in {time.monotonic() - started:.2f} s; doc with its indexes "
          f"{sizes[0]} MiB (GIN {sizes[1]} MiB), database {sizes[2]} MiB; server peak PSS "
          f"{sampler.peak / 1024:.0f} MiB, server CPU {cpu:.1f} s", file=sys.stderr)
    return 0 if count else 1


def main():
    parser = argparse.ArgumentParser(description="PostgreSQL full-text search peer: a throw-away cluster")
    parser.add_argument("action", choices=("load", "start", "stop", "sql"))
    parser.add_argument("--dir", help="folder of the cluster (DIR/data) and of its socket (load, start, stop)")
    parser.add_argument("--peak-file", help="load: write the server's peak PSS (KiB) here")
    parser.add_argument("--filter", help="sql: FACET=VALUE")
    parser.add_argument("args", nargs="*", help="load: DOCS.tsv; sql: the query")
    args = parser.parse_intermixed_args()
    if args.action != "sql" and not args.dir:
        parser.error(f"{args.action} needs --dir")
    if args.action == "load":
        if len(args.args) != 1:
            parser.error("load needs DOCS.tsv")
        return load(args.dir, args.args[0], args.peak_file)
    if args.action == "start":
        start(args.dir)
    elif args.action == "stop":
        stop(args.dir)
    else:
        print(query_sql(" ".join(args.args), tuple(args.filter.split("=", 1)) if args.filter else None))
    return 0


if __name__ == "__main__":
    sys.exit(main())
