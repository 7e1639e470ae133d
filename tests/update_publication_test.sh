#!/usr/bin/env bash
# Publication of updates: citego-index --update killed with SIGKILL at random points leaves the database answering
# exactly as before it (or, killed after its commit, exactly as after it), passing xapian-check, and the next update
# works; a running citego-search --serve answers from an update within a second of its end; --rollback and --keep.
#
#   update_publication_test.sh SOURCE_DIR BUILD_DIR [KILLS]
set -uo pipefail

source_dir=$1
build=$2
kills=${3:-12}
index=$build/indexer/citego-index
search=$build/searcher/citego-search
client=$build/searcher/citego-client
work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

corpus=("$source_dir/corpus/citego-partners.xml" "$source_dir/corpus/library")
# The update: every fiche of one file, its title changed (a transaction of some size), and one fiche more.
python3 - "$source_dir/corpus/library/fiches-power-to-act.xml" "$work/update.xml" <<'EOF'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
fiches = [e for e in root if e.tag == "fiche"]
for e in fiches:
    e.find("title").text += " zebrawood"
extra = ET.fromstring(ET.tostring(fiches[0], encoding="unicode"))
extra.set("id", "fic-added-by-update")
for t in extra.findall("translation-of"):
    extra.remove(t)
root.append(extra)
ET.ElementTree(root).write(sys.argv[2], encoding="utf-8", xml_declaration=True)
EOF

answers() {  # DB: the fixed searches, as JSON
  for q in "zebrawood" "pouvoir d'agir" "--filter doc_type=fiche --sort -year" ""; do
    # shellcheck disable=SC2086
    "$search" --db "$1" --format json --limit 100 --facet-limit 0 ${q:+--} $q
  done
}

# What the database answers before and after the update.
"$index" -q --db "$work/after.db" "${corpus[@]}" || fail "build of after.db"
"$index" -q --update --db "$work/after.db" "$work/update.xml" || fail "update of after.db"
answers "$work/after.db" >"$work/answers-after"
"$index" -q --db "$work/live.db" "${corpus[@]}" || fail "build of live.db"
answers "$work/live.db" >"$work/answers-before"
cmp -s "$work/answers-before" "$work/answers-after" && fail "the update changes no answer: the test would see nothing"

# Kills at random points: the time of one update sets their range.
start=$(date +%s%N)
cp -a "$work/live.db.generations" "$work/probe.db.generations" && ln -s probe.db.generations/000001 "$work/probe.db"
"$index" -q --update --db "$work/probe.db" "$work/update.xml" || fail "update of probe.db"
range_ms=$(( ($(date +%s%N) - start) * 13 / 10000000 + 20 ))  # up to 130 % of an update: some finish
before_kills=0 after_kills=0
RANDOM=42
for round in $(seq "$kills"); do
  delay_ms=$(( RANDOM % range_ms + 1 ))
  (timeout -s KILL "$(printf '0.%03d' "$delay_ms")" "$index" -q --update --db "$work/live.db" "$work/update.xml"
   exit $?) 2>/dev/null
  answers "$work/live.db" >"$work/answers-now" 2>"$work/err"
  if cmp -s "$work/answers-now" "$work/answers-before"; then
    before_kills=$((before_kills + 1))
  elif cmp -s "$work/answers-now" "$work/answers-after"; then
    after_kills=$((after_kills + 1))
    # Done: start again from the state before, by a build.
    "$index" -q --db "$work/live.db" "${corpus[@]}" || fail "round $round: build after a finished update"
  else
    fail "round $round (killed after ${delay_ms} ms): the database answers neither as before nor as after"
    head -c 300 "$work/err"
  fi
  xapian-check "$work/live.db" >/dev/null 2>&1 || fail "round $round: xapian-check fails after the kill"
done
"$index" -q --update --db "$work/live.db" "$work/update.xml" || fail "the update after the kills"
answers "$work/live.db" >"$work/answers-now"
cmp -s "$work/answers-now" "$work/answers-after" || fail "the update after the kills does not answer as after"
echo "kills: $kills ($before_kills left the state before, $after_kills came after the commit)"

# The server: an update is answered within a second of its end.
"$index" -q --db "$work/served.db" "${corpus[@]}" || fail "build of served.db"
"$search" --db "$work/served.db" --serve "$work/sock" --workers 1 2>"$work/server-err" &
server=$!
for _ in $(seq 100); do [ -S "$work/sock" ] && break; sleep 0.05; done
count() { "$client" --socket "$work/sock" --db "$work/served.db" --format json zebrawood | python3 -c \
  'import json, sys; print(json.load(sys.stdin)["total"])'; }
[ "$(count)" = 0 ] || fail "the served database has zebrawood before the update"
"$index" -q --update --db "$work/served.db" "$work/update.xml" || fail "update of served.db"
updated=$(date +%s%N)
seen=""
while [ $(( $(date +%s%N) - updated )) -lt 1000000000 ]; do
  if [ "$(count)" != 0 ]; then seen=$(( ($(date +%s%N) - updated) / 1000000 )); break; fi
  sleep 0.02
done
[ -n "$seen" ] && echo "the server answered from the update ${seen} ms after it" ||
  fail "the server does not answer from the update within a second"

# --rollback makes the generation the last build replaced live again; --keep.
for _ in 1 2 3; do "$index" -q --keep 3 --db "$work/roll.db" "${corpus[@]}" || fail "build of roll.db"; done
[ "$(ls "$work/roll.db.generations" | grep -c '^[0-9]\{6\}$')" = 3 ] || fail "--keep 3 does not keep 3 generations"
"$index" -q --db "$work/roll.db" "${corpus[@]}"
[ "$(ls "$work/roll.db.generations" | grep -c '^[0-9]\{6\}$')" = 2 ] || fail "the default does not keep 2 generations"
[ "$(readlink "$work/roll.db")" = roll.db.generations/000004 ] || fail "the fourth build is not live"
"$index" -q --rollback --db "$work/roll.db" || fail "--rollback"
[ "$(readlink "$work/roll.db")" = roll.db.generations/000003 ] || fail "--rollback does not go to 000003"
"$index" -q --rollback --db "$work/roll.db" 2>"$work/err" && fail "a second --rollback with no older generation"
grep -q "no generation before 000003" "$work/err" || fail "the refused rollback says: $(cat "$work/err")"

[ "$failures" = 0 ] && echo ok
exit $((failures > 0))
