#!/usr/bin/env bash
# Indexing speed of citego-index side by side with its peers, in one run, alternating the order between rounds.
#
#   bench/speed/bench_index.sh [--keep] N [ROUNDS]        (ROUNDS defaults to 2)
#
# Environment: CITEGO_BUILD_DIR (default: build, relative to the repository root), CITEGO_BASE_BUILD_DIR (another
# build whose citego-index the tool "citego-base" runs, to compare two versions in one run), BENCH_DIR (default: a new
# mktemp -d folder, removed at the end unless --keep; a BENCH_DIR you name is always kept), BENCH_TOOLS (default:
# "citego scriptindex scriptindex-1000 fts5 pg sphinx": the indexers to run; a 1M-document run may leave out the slow
# ones).
# bench_query.sh needs the databases this leaves in BENCH_DIR.
#
# Steps: copies the binaries into BENCH_DIR/bin (so that a rebuild during the run changes nothing), generates the
# corpus once (citego-generate --format-version 1 --docs N --seed 42 --files 10: the version 1 corpus of
# bench/RESULTS.md; reused when BENCH_DIR/corpus-N has the same stamp),
# converts it once (export_to_peers.py), then each round rebuilds from scratch, under /usr/bin/time -v:
#   citego        citego-index --db citego.db corpus-N/            (default settings: --jobs = cores, at most 8)
#   citego-base   the same with CITEGO_BASE_BUILD_DIR's citego-index (not in the default BENCH_TOOLS)
#   scriptindex   scriptindex --overwrite DB citego.index-script DUMP   (default flush threshold, 10000 docs)
#   scriptindex   the same with XAPIAN_FLUSH_THRESHOLD=1000
#   fts5          fts5_load.py --db fts5.sqlite TSV                 (contentless FTS5, one transaction)
#   pg            pg_peer.py load --dir pg TSV       (initdb, start, COPY, GIN and facet indexes, ANALYZE, stop)
#   sphinx        sphinx_peer.py index --dir sphinx TSV              (indexer --all: one index per language)
# in that order in odd rounds and in the reverse order in even rounds. After the last round: xapian-compact of both
# scriptindex databases, FTS5 'optimize' + VACUUM, each timed once. citego's database is already compacted
# (citego-index compacts before it publishes). Sizes are du -sm (PostgreSQL: its base/ folder, without the WAL).
# PostgreSQL's max RSS is the highest total PSS of its server processes (pg_peer.py --peak-file), or the client's
# if higher: /usr/bin/time sees only the processes it waits for.
# Writes BENCH_DIR/results/index-N.tsv (raw rows), machine-N.txt and index-N.md, and prints index-N.md.
set -euo pipefail

keep=0
args=()
for a in "$@"; do
  case "$a" in
    --keep) keep=1 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) args+=("$a") ;;
  esac
done
if [ "${#args[@]}" -lt 1 ] || [ "${#args[@]}" -gt 2 ]; then
  echo "usage: $0 [--keep] N [ROUNDS]" >&2; exit 2
fi
N=${args[0]}
ROUNDS=${args[1]:-2}
[[ "$N" =~ ^[0-9]+$ && "$ROUNDS" =~ ^[0-9]+$ && "$ROUNDS" -ge 1 ]] || { echo "N and ROUNDS must be numbers" >&2; exit 2; }

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${CITEGO_BUILD_DIR:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
for b in indexer/citego-index searcher/citego-search searcher/citego-client corpus/generator/citego-generate; do
  if [ ! -x "$BUILD/$b" ]; then
    echo "missing $BUILD/$b: build first (cmake -S $ROOT -B $BUILD && cmake --build $BUILD -j2)" >&2; exit 1
  fi
done
TOOLS=${BENCH_TOOLS:-citego scriptindex scriptindex-1000 fts5 pg sphinx}
need=(python3 /usr/bin/time)
case " $TOOLS " in *" scriptindex"*) need+=(scriptindex xapian-compact) ;; esac
case " $TOOLS " in *" fts5 "*) need+=(sqlite3) ;; esac
case " $TOOLS " in *" pg "*) need+=(psql "${PG_BIN:-/usr/lib/postgresql/15/bin}/initdb") ;; esac
case " $TOOLS " in *" sphinx "*) need+=(indexer searchd) ;; esac
for tool in "${need[@]}"; do
  command -v "$tool" >/dev/null || { echo "missing $tool (bench/README.md lists the packages)" >&2; exit 1; }
done

if [ -n "${BENCH_DIR:-}" ]; then
  mkdir -p "$BENCH_DIR"; BENCH_DIR=$(cd "$BENCH_DIR" && pwd); keep=1
else
  BENCH_DIR=$(mktemp -d /tmp/citego-speed.XXXXXX)
fi
if [ "$keep" = 0 ]; then trap 'rm -rf "$BENCH_DIR"' EXIT; fi
# The default runs must run with Xapian's default flush threshold.
if [ -n "${XAPIAN_FLUSH_THRESHOLD:-}" ]; then
  echo "note: unsetting XAPIAN_FLUSH_THRESHOLD=$XAPIAN_FLUSH_THRESHOLD for the default runs" >&2
  unset XAPIAN_FLUSH_THRESHOLD
fi

BIN=$BENCH_DIR/bin CORPUS=$BENCH_DIR/corpus-$N PEERS=$BENCH_DIR/peers-$N DB=$BENCH_DIR/db-$N
RES=$BENCH_DIR/results TIMES=$BENCH_DIR/results/time-$N
mkdir -p "$BIN" "$DB" "$RES" "$TIMES" "$PEERS"
cp "$BUILD/indexer/citego-index" "$BUILD/searcher/citego-search" "$BUILD/searcher/citego-client" \
  "$BUILD/corpus/generator/citego-generate" "$BIN/"
for b in citego-index citego-search citego-generate; do  # a copy taken mid-link would not run (--help: every tool has it)
  "$BIN/$b" --help >/dev/null 2>&1 || { echo "$BIN/$b (copied from $BUILD) does not run: is a build running?" >&2; exit 1; }
done
case " $TOOLS " in *" citego-base "*)
  [ -n "${CITEGO_BASE_BUILD_DIR:-}" ] || { echo "citego-base needs CITEGO_BASE_BUILD_DIR" >&2; exit 2; }
  cp "$CITEGO_BASE_BUILD_DIR/indexer/citego-index" "$BIN/citego-index-base"
  "$BIN/citego-index-base" --help >/dev/null 2>&1 || { echo "$BIN/citego-index-base does not run" >&2; exit 1; } ;;
esac
SCRIPT=$HERE/citego.index-script
TSV=$RES/index-$N.tsv
MACHINE=$RES/machine-$N.txt
log() { echo "bench_index: $*" >&2; }

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(uname -n), kernel $(uname -r), $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1), nproc $(nproc)"
  echo "memory (free -g): $(free -g | awk '/^Mem:/{print "total "$2" GiB, used "$3", available "$7}')"
  echo "xapian: $(xapian-config --version 2>/dev/null | awk "{print \$NF}") ($(dpkg-query -W -f='omega ${Version}' xapian-omega 2>/dev/null))"
  echo "postgresql: $("${PG_BIN:-/usr/lib/postgresql/15/bin}/postgres" --version 2>/dev/null | awk "{print \$3}"), sphinx: $(indexer 2>/dev/null | head -1 | awk '{print $2}')"
  echo "sqlite3: $(sqlite3 --version | cut -d' ' -f1), python3 $(python3 -c 'import sqlite3,sys;print(sys.version.split()[0], "with sqlite", sqlite3.sqlite_version)')"
  echo "repository: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" status --porcelain -- indexer searcher schema 2>/dev/null | grep -q . && echo ' (indexer/searcher/schema modified in the working tree)')"
  echo "binaries (copied from $BUILD): $(cd "$BIN" && for f in citego-index citego-search; do echo -n "$f $(date -r "$f" +%H:%M) sha256 $(sha256sum "$f" | cut -c1-12); "; done)"
  [ -x "$BIN/citego-index-base" ] && echo "base citego-index (copied from $CITEGO_BASE_BUILD_DIR): sha256 $(sha256sum "$BIN/citego-index-base" | cut -c1-12)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$MACHINE"
cat "$MACHINE" >&2

# --- corpus and conversion (once) ---
stamp="format=1 docs=$N seed=42 files=10 generator=$(sha256sum "$BIN/citego-generate" | cut -c1-16)"
if [ -f "$CORPUS/.stamp" ] && [ "$(cat "$CORPUS/.stamp")" = "$stamp" ]; then
  log "reusing corpus $CORPUS"
else
  rm -rf "$CORPUS"
  log "generating $N documents into $CORPUS"
  "$BIN/citego-generate" --format-version 1 --docs "$N" --out "$CORPUS" --seed 42 --files 10
  echo "$stamp" > "$CORPUS/.stamp"
fi

printf 'docs\tround\tposition\ttool\tvariant\twall_s\tuser_s\tsys_s\tmax_rss_mib\tsize_mib\texit\tload1_before\n' > "$TSV"

# run_timed ROUND POSITION TOOL VARIANT SIZE_PATH -- COMMAND...: time -v one command, append a row.
run_timed() {
  local round=$1 pos=$2 tool=$3 variant=$4 sizepath=$5; shift 6
  local tag="$tool-$variant-r$round" load rc=0 size=0 peak=0 cpu=0
  load=$(cut -d' ' -f1 /proc/loadavg)
  log "round $round #$pos: $tool $variant (load $load)"
  /usr/bin/time -v -o "$TIMES/$tag.time" "$@" > "$TIMES/$tag.out" 2> "$TIMES/$tag.err" || rc=$?
  if [ "$rc" != 0 ]; then log "FAILED ($rc): $*"; tail -5 "$TIMES/$tag.err" >&2; fi
  [ -n "$sizepath" ] && [ -e "$sizepath" ] && size=$(du -sm "$sizepath" | cut -f1)
  # A server's peak memory (KiB) and CPU seconds, which /usr/bin/time cannot see (pg_peer.py --peak-file).
  [ -s "$TIMES/$tag.peak" ] && read -r peak cpu < "$TIMES/$tag.peak"
  awk -F': ' -v n="$N" -v r="$round" -v p="$pos" -v t="$tool" -v v="$variant" -v s="$size" -v x="$rc" -v l="$load" \
      -v k="$peak" -v c="$cpu" '
    BEGIN {m=k/1024} /User time/ {u=$2+c} /System time/ {y=$2} /Maximum resident/ {if ($2/1024 > m) m=$2/1024}
    /Elapsed \(wall clock\)/ { k=split($NF, a, ":"); w=0; for (i=1;i<=k;i++) w=w*60+a[i] }
    END { printf "%s\t%s\t%s\t%s\t%s\t%.2f\t%.2f\t%.2f\t%.0f\t%s\t%s\t%s\n", n,r,p,t,v,w,u,y,m,s,x,l }' \
    "$TIMES/$tag.time" >> "$TSV"
  tail -1 "$TSV" | cut -f4-11 | tr '\t' ' ' | sed 's/^/bench_index:   /' >&2
  return 0
}


run_citego() {
  rm -rf "$DB/citego.db" "$DB/citego.db.generations" "$DB"/citego.db.link-*
  run_timed "$1" "$2" citego-index default "$DB/citego.db.generations" -- "$BIN/citego-index" --db "$DB/citego.db" "$CORPUS"
}
run_citego_base() {
  rm -rf "$DB/citego-base.db" "$DB/citego-base.db.generations" "$DB"/citego-base.db.link-*
  run_timed "$1" "$2" citego-index base "$DB/citego-base.db.generations" -- \
    "$BIN/citego-index-base" --db "$DB/citego-base.db" "$CORPUS"
}
run_scriptindex() {
  rm -rf "$DB/scriptindex-default.db"
  run_timed "$1" "$2" scriptindex default "$DB/scriptindex-default.db" -- \
    scriptindex --overwrite "$DB/scriptindex-default.db" "$SCRIPT" "$PEERS/docs.dump"
}
run_scriptindex_1000() {
  rm -rf "$DB/scriptindex-flush1000.db"
  run_timed "$1" "$2" scriptindex flush1000 "$DB/scriptindex-flush1000.db" -- \
    env XAPIAN_FLUSH_THRESHOLD=1000 scriptindex --overwrite "$DB/scriptindex-flush1000.db" "$SCRIPT" "$PEERS/docs.dump"
}
run_fts5() {
  rm -f "$DB/fts5.sqlite"
  run_timed "$1" "$2" fts5 contentless "$DB/fts5.sqlite" -- \
    python3 "$HERE/fts5_load.py" --db "$DB/fts5.sqlite" "$PEERS/docs.tsv"
}
run_pg() {
  run_timed "$1" "$2" postgresql "gin+unaccent" "$DB/pg/data/base" -- \
    python3 "$HERE/pg_peer.py" load --dir "$DB/pg" --peak-file "$TIMES/postgresql-gin+unaccent-r$1.peak" \
    "$PEERS/docs.tsv"
}
run_sphinx() {
  run_timed "$1" "$2" sphinx "4-languages" "$DB/sphinx/index" -- \
    python3 "$HERE/sphinx_peer.py" index --dir "$DB/sphinx" "$PEERS/docs.tsv"
}

order=()
for tool in $TOOLS; do
  case "$tool" in
    citego) order+=(run_citego) ;;
    citego-base) order+=(run_citego_base) ;;
    scriptindex) order+=(run_scriptindex) ;;
    scriptindex-1000) order+=(run_scriptindex_1000) ;;
    fts5) order+=(run_fts5) ;;
    pg) order+=(run_pg) ;;
    sphinx) order+=(run_sphinx) ;;
    *) echo "unknown tool in BENCH_TOOLS: $tool (citego, citego-base, scriptindex, scriptindex-1000, fts5, pg, sphinx)" >&2; exit 2 ;;
  esac
done
if [ -n "$(printf '%s\n' "${order[@]}" | grep -v '^run_citego')" ]; then  # the peers read the corpus converted once
  run_timed 0 0 convert export_to_peers "" -- \
    python3 "$HERE/export_to_peers.py" --dump "$PEERS/docs.dump" --tsv "$PEERS/docs.tsv" "$CORPUS"
fi
for ((r = 1; r <= ROUNDS; r++)); do
  seq=()
  if ((r % 2 == 1)); then seq=("${order[@]}"); else for ((i = ${#order[@]} - 1; i >= 0; i--)); do seq+=("${order[i]}"); done; fi
  pos=1
  for step in "${seq[@]}"; do "$step" "$r" "$pos"; pos=$((pos + 1)); done
done

# --- after the last round: compaction and FTS5 optimize, once each ---
for v in default flush1000; do
  rm -rf "$DB/scriptindex-$v.compact.db"
  [ -d "$DB/scriptindex-$v.db" ] || continue
  run_timed 0 0 xapian-compact "scriptindex-$v" "$DB/scriptindex-$v.compact.db" -- \
    xapian-compact "$DB/scriptindex-$v.db" "$DB/scriptindex-$v.compact.db"
done
if [ -f "$DB/fts5.sqlite" ]; then
  run_timed 0 0 fts5-optimize optimize+vacuum "$DB/fts5.sqlite" -- \
    python3 "$HERE/fts5_load.py" --db "$DB/fts5.sqlite" --optimize-only
fi
# The flush-1000 databases are only measured; drop them to save disk (about 2 GB each at 100k).
rm -rf "$DB/scriptindex-flush1000.db" "$DB/scriptindex-flush1000.compact.db"

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$MACHINE"
echo "xml input: $(du -sm "$CORPUS" | cut -f1) MiB in $(ls "$CORPUS"/*.xml | wc -l) files; bench dir: $BENCH_DIR" >> "$MACHINE"
python3 "$HERE/summarize_index.py" "$TSV" "$MACHINE" | tee "$RES/index-$N.md"
[ "$keep" = 1 ] && log "kept $BENCH_DIR (for bench_query.sh: BENCH_DIR=$BENCH_DIR bench/speed/bench_query.sh $N)"
exit 0
