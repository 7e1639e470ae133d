#!/usr/bin/env bash
# Peak memory of a full citego-index build as the corpus grows, the largest input file kept the same size.
#
#   bench/speed/bench_memory.sh N...                          (e.g. 10000 100000 1000000)
#
# Environment: CITEGO_BUILD_DIR (default: build, relative to the repository root): the citego-index and
# citego-generate to measure; BASE_BIN (optional): a folder holding a baseline citego-index, run on the same corpus
# right after, for the ratio; BENCH_DIR (default: /tmp/citego-memory, kept: the corpora are reused when present);
# TRACE=1 (optional): also write BENCH_DIR/trace-N-NAME.txt, one line a second: seconds, peak MiB, resident MiB and
# the build's progress line (--progress), so that a build too long to wait for still says what it had reached where.
#
# Each corpus is `citego-generate --docs N --seed 42 --files F` with F = N / 10000 (at least 1), so every part file
# holds 10,000 documents (about 43 MB) whatever N: what peak memory may depend on is the largest input file, and
# this keeps it fixed. Each build is a fresh database, run niced under /usr/bin/time -v with default settings.
# Prints one markdown row per N and indexer: documents, files, largest file MiB, wall s, max RSS MiB.
set -euo pipefail

[ "$#" -ge 1 ] || { echo "usage: $0 N..." >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${CITEGO_BUILD_DIR:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
BENCH_DIR=${BENCH_DIR:-/tmp/citego-memory}
mkdir -p "$BENCH_DIR/bin"
cp "$BUILD/indexer/citego-index" "$BUILD/corpus/generator/citego-generate" "$BENCH_DIR/bin/"
indexers=("new:$BENCH_DIR/bin/citego-index")
if [ -n "${BASE_BIN:-}" ]; then
  mkdir -p "$BENCH_DIR/base"
  cp "$BASE_BIN/citego-index" "$BENCH_DIR/base/"
  indexers+=("base:$BENCH_DIR/base/citego-index")
fi

echo "| documents | files | largest file MiB | indexer | wall s | max RSS MiB |"
echo "| ---: | ---: | ---: | --- | ---: | ---: |"
for N in "$@"; do
  files=$(( N / 10000 )); [ "$files" -ge 1 ] || files=1
  corpus="$BENCH_DIR/corpus-$N"
  if [ ! -f "$corpus/.done-$files" ]; then
    rm -rf "$corpus"
    nice "$BENCH_DIR/bin/citego-generate" --docs "$N" --seed 42 --files "$files" --out "$corpus" >/dev/null 2>&1
    touch "$corpus/.done-$files"
  fi
  largest=$(find "$corpus" -name '*.xml' -printf '%s\n' | sort -n | tail -1)
  for entry in "${indexers[@]}"; do
    name=${entry%%:*} bin=${entry#*:}
    rm -rf "$BENCH_DIR/db" "$BENCH_DIR/db.generations"
    if [ -n "${TRACE:-}" ]; then
      trace="$BENCH_DIR/trace-$N-$name.txt"
      : >"$trace"
      nice /usr/bin/time -v -o "$BENCH_DIR/time-$N-$name.txt" "$bin" --progress --db "$BENCH_DIR/db" "$corpus" \
        2>"$trace.progress" &
      timer=$!
      start=$(date +%s)
      while kill -0 "$timer" 2>/dev/null; do
        pid=$(pgrep -P "$timer" | head -1 || true)
        if [ -n "$pid" ] && [ -r "/proc/$pid/status" ]; then
          status=$(awk '/^VmRSS|^VmHWM/ {printf "%d ", $2 / 1024}' "/proc/$pid/status" 2>/dev/null || true)
          line=$(tail -c 300 "$trace.progress" | tr '\r' '\n' | grep -v '^$' | tail -1 || true)
          echo "$(($(date +%s) - start)) $status| $line" >>"$trace"
        fi
        sleep 1
      done
      wait "$timer"
    else
      nice /usr/bin/time -v "$bin" -q --db "$BENCH_DIR/db" "$corpus" 2>"$BENCH_DIR/time-$N-$name.txt"
    fi
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$BENCH_DIR/time-$N-$name.txt")
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$BENCH_DIR/time-$N-$name.txt")
    printf '| %s | %s | %d | %s | %s | %d |\n' "$N" "$files" $(( largest / 1048576 )) "$name" "$wall" $(( rss / 1024 ))
  done
  rm -rf "$BENCH_DIR/db" "$BENCH_DIR/db.generations"
done
