#!/usr/bin/env bash
# `citego-search --format csv --all` of two builds, side by side in one run: whole processes, alternated, each
# query's export by each build in every round, timed with /usr/bin/time (wall s, CPU s = user + system, max RSS),
# and the two outputs compared byte for byte.
#
#   bench/speed/bench_export.sh BASE_SEARCH NEW_SEARCH DB [ROUNDS] [QUERY...]
#
# BASE_SEARCH and NEW_SEARCH are citego-search binaries (copy them out of their build folders first); DB a database
# both read. ROUNDS defaults to 2; the queries default to one of about a third of a generated corpus (gouvernance)
# and one of nearly all of it (le OR la OR de OR the). Each export gets --deadline 600. Prints a markdown table.
set -euo pipefail

base=${1:?usage: $0 BASE_SEARCH NEW_SEARCH DB [ROUNDS] [QUERY...]}
new=${2:?usage: $0 BASE_SEARCH NEW_SEARCH DB [ROUNDS] [QUERY...]}
db=${3:?usage: $0 BASE_SEARCH NEW_SEARCH DB [ROUNDS] [QUERY...]}
rounds=${4:-2}
shift $(($# < 4 ? $# : 4))
queries=("$@")
[ ${#queries[@]} -gt 0 ] || queries=("gouvernance" "le OR la OR de OR the")
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "ROUNDS must be a number" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat "$db"/*.glass > /dev/null 2>&1 || true  # the database in the page cache before the first run
echo "| query | build | rows | wall s (each round) | CPU s (each round) | max RSS MiB |"
echo "|---|---|---:|---|---|---:|"
for q in "${queries[@]}"; do
  declare -A wall=() cpu=() rss=() rows=()
  for round in $(seq "$rounds"); do
    for side in base new; do
      bin=$base; [ "$side" = new ] && bin=$new
      /usr/bin/time -o "$work/time" -f "%e %U %S %M" "$bin" --db "$db" --deadline 600 --format csv --all "$q" \
        > "$work/$side.csv" 2> "$work/$side.err"
      read -r w u s m < "$work/time"
      wall[$side]+="${wall[$side]:+, }$w"
      cpu[$side]+="${cpu[$side]:+, }$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')"
      rss[$side]=$((m / 1024))
      rows[$side]=$(($(wc -l < "$work/$side.csv") - 1))
    done
    cmp -s "$work/base.csv" "$work/new.csv" || { echo "the two builds export different bytes for: $q" >&2; exit 1; }
  done
  for side in base new; do
    echo "| \`$q\` | $side | ${rows[$side]} | ${wall[$side]} | ${cpu[$side]} | ${rss[$side]} |"
  done
  unset wall cpu rss rows
done
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
