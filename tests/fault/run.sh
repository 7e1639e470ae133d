#!/usr/bin/env bash
# The fault suite: citego-index killed mid-build, searches during rebuilds, and a catalogue of malformed and hostile
# inputs, run against the built binaries. See tests/fault/README.md.
#
#   tests/fault/run.sh --quick [--build DIR]     what CI runs (ctest fault_suite_quick): a few minutes on 2 cores
#   tests/fault/run.sh --long [--build DIR]      the real run: 30 kills of 20k-document builds, 1,000+ searches
#
# Prints one line per case (PASS, FAIL, XFAIL, XPASS or SKIP and its name), the figures of the run, then
# "N passed, N failed"; exits 1 when a case failed, 2 on a usage error.
set -uo pipefail

usage() {
  cat <<'EOF'
Usage: tests/fault/run.sh [--quick | --long] [OPTIONS]
  --quick            a few kills of 2k-document builds, about 200 searches, the whole catalogue (the default)
  --long             30 kills of 20k-document builds, 1,000 searches during 6 rebuilds, the whole catalogue
  --build DIR        the build folder holding the binaries (default: build/ of the source tree)
  --index PATH, --search PATH, --client PATH, --generate PATH
                     one binary each, instead of those of --build
  --parts LIST       comma-separated: kill, search, catalogue (default: all three)
  --only REGEX       only the catalogue cases whose name matches REGEX
  --kills N, --docs N, --files N, --searches N, --rebuilds N
                     override the mode's figures
  --seed N           seed of the random kill points (default: from the clock; printed)
  --keep             keep the temporary folder (its path is printed)
  -h, --help         this help
Exit status: 0 no case failed (XFAIL, XPASS and SKIP are not failures); 1 a case failed; 2 usage error.
EOF
}

FAULT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FAULT_SRC=$(cd "$FAULT_DIR/../.." && pwd)
FAULT_MODE=quick
build_dir=$FAULT_SRC/build
INDEX="" SEARCH="" CLIENT="" GENERATE=""
parts=kill,search,catalogue
FAULT_ONLY=""
keep=0
seed=""
kills="" docs="" files="" searches="" rebuilds=""
while [ $# -gt 0 ]; do
  case $1 in
    --quick) FAULT_MODE=quick ;;
    --long) FAULT_MODE=long ;;
    --build) build_dir=${2:?}; shift ;;
    --index) INDEX=${2:?}; shift ;;
    --search) SEARCH=${2:?}; shift ;;
    --client) CLIENT=${2:?}; shift ;;
    --generate) GENERATE=${2:?}; shift ;;
    --parts) parts=${2:?}; shift ;;
    --only) FAULT_ONLY=${2:?}; shift ;;
    --kills) kills=${2:?}; shift ;;
    --docs) docs=${2:?}; shift ;;
    --files) files=${2:?}; shift ;;
    --searches) searches=${2:?}; shift ;;
    --rebuilds) rebuilds=${2:?}; shift ;;
    --seed) seed=${2:?}; shift ;;
    --keep) keep=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

absolute() { [ -e "$1" ] && echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
INDEX=$(absolute "${INDEX:-$build_dir/indexer/citego-index}")
SEARCH=$(absolute "${SEARCH:-$build_dir/searcher/citego-search}")
CLIENT=$(absolute "${CLIENT:-$build_dir/searcher/citego-client}")
GENERATE=$(absolute "${GENERATE:-$build_dir/corpus/generator/citego-generate}")
for binary in "$INDEX" "$SEARCH" "$CLIENT" "$GENERATE"; do
  [ -x "$binary" ] || { echo "run.sh: a binary is missing (build first, or give --build DIR): ${binary:-?}" >&2; exit 2; }
done
for tool in timeout xapian-check xapian-delve xapian-metadata python3 iconv mkfifo; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is needed (see README.md, Dependencies)" >&2; exit 2; }
done

if [ "$FAULT_MODE" = long ]; then
  FAULT_KILLS=${kills:-30} FAULT_DOCS=${docs:-20000} FAULT_FILES=${files:-10}
  FAULT_SEARCHES=${searches:-1000} FAULT_REBUILDS=${rebuilds:-6} FAULT_SEARCH_PAUSE=0
else
  FAULT_KILLS=${kills:-3} FAULT_DOCS=${docs:-2000} FAULT_FILES=${files:-4}
  FAULT_SEARCHES=${searches:-200} FAULT_REBUILDS=${rebuilds:-3} FAULT_SEARCH_PAUSE=0.05
fi
seed=${seed:-$(($(date +%s) % 32768))}
RANDOM=$seed
FAULT_ASAN=0
ldd "$INDEX" 2>/dev/null | grep -q libasan && FAULT_ASAN=1
FAULT_CASE_LIMIT=300

FAULT_TMP=$(mktemp -d "${TMPDIR:-/tmp}/citego-fault.XXXXXX")
FAULT_FIX=$FAULT_TMP/fixtures
FAULT_CASES=$FAULT_DIR/catalogue.sh
mkdir -p "$FAULT_TMP/logs" "$FAULT_FIX"
: >"$FAULT_TMP/results"
: >"$FAULT_TMP/.pids"
export FAULT_DIR FAULT_SRC FAULT_MODE FAULT_TMP FAULT_FIX FAULT_CASES FAULT_ONLY FAULT_ASAN FAULT_CASE_LIMIT
export INDEX SEARCH CLIENT GENERATE

source "$FAULT_DIR/lib.sh"
source "$FAULT_DIR/kill_build.sh"
source "$FAULT_DIR/search_rebuild.sh"
source "$FAULT_DIR/catalogue.sh"

finish() {
  end_remembered "$FAULT_TMP/.pids"
  local mount
  while read -r mount; do umount -l "$mount" 2>/dev/null; done < <(awk -v d="$FAULT_TMP/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r)
  if [ "$keep" = 1 ]; then
    echo "kept $FAULT_TMP"
  else
    chmod -R u+rwx "$FAULT_TMP" 2>/dev/null
    rm -rf "$FAULT_TMP"
  fi
}
trap finish EXIT
trap 'exit 130' INT TERM

# The corpora and databases the parts share, read-only: the 2k-document corpus and its database (the hostile queries,
# and corpus A of the quick run), the bundled corpus's database, a 400-document corpus and its database (the builds
# and damaged databases of the catalogue), corpora A and B of the mode's size (seeds 42 and 7), the reference answers
# of each database to the fixed queries.
build_fixtures() {
  local f=$FAULT_FIX s
  timeout 300 "$GENERATE" --format-version 1 --docs 2000 --files 4 --out "$f/corpus-2k" 2>/dev/null || return 1
  s=$(date +%s.%N)
  timeout 600 "$INDEX" -q --db "$f/db-2k" "$f/corpus-2k" || return 1
  local seconds_2k
  seconds_2k=$(seconds_since "$s")
  answers "$f/db-2k" "$f/answers-2k" || return 1
  timeout 60 "$INDEX" -q --db "$f/small.db" "$FAULT_SRC/corpus/citego-partners.xml" || return 1
  timeout 300 "$GENERATE" --format-version 1 --docs 400 --files 1 --out "$f/corpus-400" 2>/dev/null || return 1
  timeout 600 "$INDEX" -q --db "$f/db-400" "$f/corpus-400" || return 1
  answers "$f/db-400" "$f/answers-400" || return 1
  if [ "$FAULT_DOCS" = 2000 ] && [ "$FAULT_FILES" = 4 ]; then
    ln -s corpus-2k "$f/corpus-a"
    ln -s db-2k "$f/ref-a.db"
    ln -s answers-2k "$f/answers-a"
    echo "$seconds_2k" >"$f/build-seconds"
  else
    timeout 600 "$GENERATE" --format-version 1 --docs "$FAULT_DOCS" --files "$FAULT_FILES" --out "$f/corpus-a" 2>/dev/null || return 1
    s=$(date +%s.%N)
    timeout 1800 "$INDEX" -q --db "$f/ref-a.db" "$f/corpus-a" || return 1
    seconds_since "$s" >"$f/build-seconds"
    answers "$f/ref-a.db" "$f/answers-a" || return 1
  fi
  timeout 600 "$GENERATE" --format-version 1 --docs "$FAULT_DOCS" --files "$FAULT_FILES" --seed 7 --out "$f/corpus-b" 2>/dev/null || return 1
  s=$(date +%s.%N)
  timeout 1800 "$INDEX" -q --db "$f/ref-b.db" "$f/corpus-b" || return 1
  local seconds_b
  seconds_b=$(seconds_since "$s")
  awk -v a="$(cat "$f/build-seconds")" -v b="$seconds_b" 'BEGIN { print (a > b ? a : b) }' >"$f/build-seconds"
  answers "$f/ref-b.db" "$f/answers-b" || return 1
  ln -s ref-a.db "$f/search.db"
  echo "$FAULT_DOCS" >"$f/docs"
  # The two corpora must tell their databases apart, or a kill that published would go unseen.
  local n differ=0 name
  for n in $(seq 1 "$FIXED_QUERIES"); do
    name=q$(printf %02d "$n").json
    cmp -s "$f/answers-a/$name" "$f/answers-b/$name" || differ=$((differ + 1))
  done
  [ "$differ" -ge $((FIXED_QUERIES - 1)) ] || { echo "corpora A and B answer alike to $((FIXED_QUERIES - differ)) queries"; return 1; }
}

started=$(date +%s.%N)
FIGURES=()
echo "fault suite, $FAULT_MODE: $FAULT_KILLS kills and $FAULT_SEARCHES searches on $FAULT_DOCS documents; seed $seed (--seed $seed repeats the kill points)"
echo "binaries: $INDEX $SEARCH $CLIENT; temporary folder $FAULT_TMP$([ "$FAULT_ASAN" = 1 ] && echo '; AddressSanitizer build: no memory limits')"
if ! fixture_error=$(build_fixtures 2>&1); then
  report FAIL "fixtures" "$fixture_error"
else
  echo "fixtures ready in $(seconds_since "$started") s (a build of $FAULT_DOCS documents: $(cat "$FAULT_FIX/build-seconds") s)"
  [[ ,$parts, == *,kill,* ]] && kill_part
  [[ ,$parts, == *,search,* ]] && search_part
  [[ ,$parts, == *,catalogue,* ]] && catalogue_cases
fi

count() { grep -cx "$1" "$FAULT_TMP/results"; }
passed=$(count PASS) failed=$(count FAIL) xfailed=$(count XFAIL) xpassed=$(count XPASS) skipped=$(count SKIP)
echo
for figure in "${FIGURES[@]}"; do echo "$figure"; done
echo "$xfailed expected failures (XFAIL), $xpassed unexpected passes (XPASS), $skipped skipped; $(seconds_since "$started") s in all"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
