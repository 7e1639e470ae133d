#!/usr/bin/env bash
# Per-process query latency of citego-search side by side with quest, sqlite3 (FTS5), PostgreSQL, Sphinx and a
# do-nothing process.
#
#   BENCH_DIR=DIR bench/speed/bench_query.sh N
#
# Uses the databases that `BENCH_DIR=DIR bench/speed/bench_index.sh N` (or `bench_index.sh --keep N`) left in DIR:
# DIR/db-N/citego.db, scriptindex-default.compact.db, fts5.sqlite (optimized), and DIR/bin/citego-search, the copy
# of the searcher that was benchmarked with them, with DIR/bin/citego-client. Builds DIR/bin/noop (int main(){return
# 0;}, g++ -O2). Starts `DIR/bin/citego-search --serve DIR/citego.sock --db DIR/db-N/citego.db` for the client's
# timings and stops it at the end; likewise the PostgreSQL cluster DIR/db-N/pg and Sphinx's searchd (DIR/db-N/sphinx)
# when bench_index.sh made them (pg_peer.py start/stop, sphinx_peer.py start/stop).
#
# Environment: BENCH_DIR (required), QUERIES (default: bench/speed/queries.txt; "auto" makes queries of DIR's
# corpus with make_queries.py --seed 42), RUNS (20), WARMUP (3).
# One hyperfine -N call per query times the five commands; see bench_query.py. Writes DIR/results/query-N/ and
# prints the summary.
set -euo pipefail

if [ "$#" -ne 1 ] || ! [[ "$1" =~ ^[0-9]+$ ]]; then
  sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2
fi
N=$1
HERE=$(cd "$(dirname "$0")" && pwd)
[ -n "${BENCH_DIR:-}" ] || { echo "set BENCH_DIR to the folder bench_index.sh $N used" >&2; exit 2; }
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
DB=$BENCH_DIR/db-$N
need=(hyperfine g++ python3 /usr/bin/time)
[ -e "$DB/scriptindex-default.compact.db" ] && need+=(quest)
[ -e "$DB/fts5.sqlite" ] && need+=(sqlite3)
[ -d "$DB/pg/data" ] && need+=(psql)
[ -e "$DB/sphinx/sphinx.conf" ] && need+=(searchd mysql)
for tool in "${need[@]}"; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done
for b in citego-search citego-client; do
  [ -x "$BENCH_DIR/bin/$b" ] || { echo "no $BENCH_DIR/bin/$b: run bench_index.sh first" >&2; exit 1; }
done

if [ ! -x "$BENCH_DIR/bin/noop" ]; then
  printf 'int main() { return 0; }\n' > "$BENCH_DIR/bin/noop.cpp"
  g++ -O2 -o "$BENCH_DIR/bin/noop" "$BENCH_DIR/bin/noop.cpp"
fi

QUERIES=${QUERIES:-$HERE/queries.txt}
if [ "$QUERIES" = auto ]; then
  QUERIES=$BENCH_DIR/results/queries-$N.txt
  mkdir -p "$BENCH_DIR/results"
  python3 "$HERE/make_queries.py" --seed 42 "$BENCH_DIR/peers-$N/docs.tsv" > "$QUERIES"
fi

meta="Machine: $(uname -n), $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1), nproc $(nproc), \
$(free -g | awk '/^Mem:/{print $2" GiB"}'); xapian $(xapian-config --version 2>/dev/null | awk '{print $NF}'), \
sqlite $(sqlite3 --version | cut -d' ' -f1), postgresql $(psql --version | awk '{print $NF}'), \
sphinx $(searchd --help 2>/dev/null | head -1 | awk '{print $2}'), $(hyperfine --version); $(date -u +%Y-%m-%dT%H:%M:%SZ); \
queries: $QUERIES; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench_query: $meta" >&2

SOCKET=$BENCH_DIR/citego.sock
"$BENCH_DIR/bin/citego-search" --serve "$SOCKET" --db "$BENCH_DIR/db-$N/citego.db" 2> "$BENCH_DIR/results/serve-$N.log" &
server=$!
stop_servers() {
  kill $server 2>/dev/null; wait $server 2>/dev/null
  [ -d "$DB/pg/data" ] && python3 "$HERE/pg_peer.py" stop --dir "$DB/pg"
  [ -e "$DB/sphinx/sphinx.conf" ] && python3 "$HERE/sphinx_peer.py" stop --dir "$DB/sphinx"
  return 0
}
trap stop_servers EXIT
for _ in $(seq 100); do [ -S "$SOCKET" ] && break; sleep 0.1; done
[ -S "$SOCKET" ] || { echo "the search server did not start: $(cat "$BENCH_DIR/results/serve-$N.log")" >&2; exit 1; }
sphinx_args=()
[ -d "$DB/pg/data" ] && python3 "$HERE/pg_peer.py" start --dir "$DB/pg"
if [ -e "$DB/sphinx/sphinx.conf" ]; then
  python3 "$HERE/sphinx_peer.py" start --dir "$DB/sphinx"
  sphinx_args=(--sphinx-port "$(cat "$DB/sphinx/port")")
fi

python3 "$HERE/bench_query.py" --bench-dir "$BENCH_DIR" --docs "$N" --queries "$QUERIES" --socket "$SOCKET" \
  "${sphinx_args[@]}" --runs "${RUNS:-20}" --warmup "${WARMUP:-3}" --meta "$meta" > "$BENCH_DIR/results/query-$N.md.tmp"
stop_servers
trap - EXIT
load_end="load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
{ cat "$BENCH_DIR/results/query-$N.md.tmp"; echo "$load_end"; } > "$BENCH_DIR/results/query-$N.md"
rm -f "$BENCH_DIR/results/query-$N.md.tmp"
echo "$load_end" >> "$BENCH_DIR/results/query-$N/summary.md"
echo "server: $(tail -1 "$BENCH_DIR/results/serve-$N.log")" >> "$BENCH_DIR/results/query-$N.md"
cat "$BENCH_DIR/results/query-$N.md"
