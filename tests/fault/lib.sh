# Shared by the parts of the fault suite (sourced by run.sh, and by each case's own bash process).
#
# A case is a shell function run by run_case in a fresh directory (CASE_DIR, also its working directory), in its own
# bash process under `timeout`. It records each failed expectation with `why` and carries on; it passes when it
# recorded none and returned 0, and is skipped when it returns 77 after saying why with `skip_because`. Everything it
# starts in the background goes through `start_background`, so that the runner can end it by its id afterwards.
#
# The environment run.sh exports: FAULT_SRC (source tree), FAULT_DIR (this folder), FAULT_TMP (the run's temporary
# root), FAULT_FIX (fixtures shared read-only by the cases), FAULT_MODE (quick or long), INDEX, SEARCH, CLIENT,
# GENERATE (the binaries), FAULT_CASE_LIMIT (seconds a case may take).

# --- Results --------------------------------------------------------------------------------------------------------

# One result line: STATUS NAME [DETAIL]; kept in $FAULT_TMP/results for the summary.
report() {
  local status=$1 name=$2 detail=${3:-}
  printf '%-5s %s%s\n' "$status" "$name" "${detail:+ — $detail}"
  printf '%s\n' "$status" >>"$FAULT_TMP/results"
}

# Records a failed expectation of the current case.
why() { printf '%s\n' "$*" >>"$CASE_DIR/.why"; return 1; }

# Skips the current case: `skip_because "reason"; return 77`.
skip_because() { printf '%s\n' "$*" >"$CASE_DIR/.skip"; }

# A line of the current case for its result (figures, which path it took): `note "gen 000002 kept"`.
note() { printf '%s\n' "$*" >>"$CASE_DIR/.note"; }

# run_case NAME FUNCTION [XFAIL_REASON]
# Runs FUNCTION (defined in the file $FAULT_CASES) as one case. With XFAIL_REASON the case is known to fail until a
# fix lands: a failure prints XFAIL and is not counted as one; a pass prints XPASS (remove the mark).
run_case() {
  local name=$1 fn=$2 xfail=${3:-}
  if [ -n "${FAULT_ONLY:-}" ] && ! [[ $name =~ $FAULT_ONLY ]]; then return 0; fi
  local dir log started rc CASE_DIR
  dir=$(mktemp -d "$FAULT_TMP/case.XXXXXX")
  CASE_DIR=$dir
  log="$FAULT_TMP/logs/$(basename "$dir").log"
  started=$(date +%s.%N)
  # In the background so that its id (timeout leads a process group) is known: the cleanup ends what is left of it.
  timeout -k 10 "$FAULT_CASE_LIMIT" bash -c \
    'source "$1"; source "$2"; cd "$3" || exit 1; CASE_DIR="$3"; "$4"' _ "$FAULT_DIR/lib.sh" "$FAULT_CASES" "$dir" "$fn" \
    >"$log" 2>&1 </dev/null &
  local case_pid=$!
  remember_pid "$case_pid" "$dir/.pids"
  wait "$case_pid"
  rc=$?
  local seconds
  seconds=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] && why "the case itself ran out of time (${FAULT_CASE_LIMIT} s)"
  local detail="${seconds} s"
  [ -s "$dir/.note" ] && detail="$detail; $(paste -sd ';' "$dir/.note" | sed 's/;/; /g')"
  if [ "$rc" -eq 77 ] && [ -s "$dir/.skip" ]; then
    report SKIP "$name" "$(cat "$dir/.skip")"
  elif [ "$rc" -eq 0 ] && [ ! -s "$dir/.why" ]; then
    if [ -n "$xfail" ]; then
      report XPASS "$name" "$detail; passes now: remove its xfail mark ($xfail)"
    else
      report PASS "$name" "$detail"
    fi
  else
    [ "$rc" -ne 0 ] && [ ! -s "$dir/.why" ] && why "the case stopped with status $rc (log: $log)"
    # Paths inside the case's directory are shown relative to it. A known fault shows its first symptom only.
    # A known fault stands for the fault only: a case whose setup failed is a failure, marked or not.
    if [ -n "$xfail" ] && ! grep -q '^setup: ' "$dir/.why"; then
      report XFAIL "$name" "${seconds} s; known: $xfail"
      head -n1 "$dir/.why" | sed "s|$dir/||g; s/^/        /" | cut -c1-300
    else
      report FAIL "$name" "$detail"
      sed "s|$dir/||g; s/^/        /" "$dir/.why" | cut -c1-400
    fi
  fi
  cleanup_case_dir "$dir"
}

# Ends what a case left running (by id), unmounts what it mounted, and removes its directory.
cleanup_case_dir() {
  local dir=$1 mount
  [ -f "$dir/.pids" ] && end_remembered "$dir/.pids"
  # Deepest first; /proc/mounts escapes spaces as \040 (the case directories have none).
  while read -r mount; do umount -l "$mount" 2>/dev/null; done < <(awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r)
  chmod -R u+rwx "$dir" 2>/dev/null
  rm -rf "$dir"
}

# The start time of process PID (field 22 of /proc/PID/stat), which tells it from a later process given the same id.
start_time_of() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f20; }

# remember_pid PID FILE: notes PID and its start time in FILE, for end_remembered.
remember_pid() { echo "$1 $(start_time_of "$1")" >>"$2"; }

# Ends every process noted in FILE that still runs (SIGTERM, which timeout passes on to its command, then SIGKILL),
# and what is left of the process group it leads (timeout makes one). A noted id now used by another process (its
# start time differs) is left alone.
end_remembered() {  # FILE
  local pid started
  while read -r pid started; do
    if [ -r "/proc/$pid/stat" ]; then
      [ "$(start_time_of "$pid")" = "$started" ] || continue
      kill -TERM "$pid" 2>/dev/null
      sleep 0.2
      kill -KILL "$pid" 2>/dev/null
    fi
    # A group whose leader is gone keeps its id reserved: this cannot reach another user's processes.
    kill -KILL -- "-$pid" 2>/dev/null
  done <"$1"
  : >"$1"
}

# start_background COMMAND...: runs COMMAND in the background, remembers its id (in BG_PID and for the cleanup).
start_background() {
  "$@" &
  BG_PID=$!
  remember_pid "$BG_PID" "$CASE_DIR/.pids"
}

# --- Expectations ---------------------------------------------------------------------------------------------------

expect_eq() {  # WHAT EXPECTED ACTUAL
  [ "$2" = "$3" ] || why "$1: expected '$2', got '$3'"
}

expect_match() {  # WHAT EXTENDED_REGEX ACTUAL
  [[ $3 =~ $2 ]] || why "$1: '$3' does not match /$2/"
}

# Compares a file with the text expected (exactly, newlines included); shows the first difference.
expect_file_text() {  # WHAT FILE EXPECTED_TEXT
  if ! printf '%s' "$3" | cmp -s - "$2"; then
    why "$1 differs from what was expected:"
    diff <(printf '%s' "$3") "$2" | head -6 | cut -c1-300 >>"$CASE_DIR/.why"
    return 1
  fi
}

# The command run by run_cmd did not hang and did not die of a signal.
expect_no_hang_or_crash() {
  case "$RC" in
    124 | 137) why "'$RUN_WHAT' did not finish within $RUN_LIMIT s (killed by timeout)" ;;
    *) [ "$RC" -lt 128 ] || why "'$RUN_WHAT' died of signal $((RC - 128)) (exit $RC): a crash" ;;
  esac
}

# No line of the file is longer than 1,000 bytes, and it holds no terminal control character (C0 except tab and
# newline, DEL): messages must not flood a terminal or recolour it. With "crlf", lines may end in CR LF (CSV).
expect_tidy() {  # WHAT FILE [crlf]
  local text=$2 longest
  if [ "${3:-}" = crlf ]; then
    text=$CASE_DIR/.tidy
    sed 's/\r$//' "$2" >"$text"
  fi
  longest=$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$text")
  [ "$longest" -le 1000 ] || why "$1 has a line of $longest bytes (a value echoed whole?)"
  if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$text" || [ "$(tr -d '\000' <"$text" | wc -c)" -ne "$(wc -c <"$text")" ]; then
    why "$1 holds a raw control character"
  fi
}

# --- Running the binaries -------------------------------------------------------------------------------------------

# run_cmd LIMIT COMMAND...: runs COMMAND under `timeout` with stdin from /dev/null; stdout in $CASE_DIR/out, stderr in
# $CASE_DIR/err, exit status in RC, wall time in seconds in RUN_SECONDS. With RUN_MEMORY_KIB set, under that limit of
# address space (not under AddressSanitizer, which reserves terabytes of it).
run_cmd() {
  RUN_LIMIT=$1
  shift
  RUN_WHAT=$(basename "$1")
  local started
  started=$(date +%s.%N)
  if [ -n "${RUN_MEMORY_KIB:-}" ] && [ "${FAULT_ASAN:-0}" != 1 ]; then
    timeout -k 5 "$RUN_LIMIT" bash -c 'ulimit -v "$0" && exec "$@"' "$RUN_MEMORY_KIB" "$@" \
      >"$CASE_DIR/out" 2>"$CASE_DIR/err" </dev/null
  else
    timeout -k 5 "$RUN_LIMIT" "$@" >"$CASE_DIR/out" 2>"$CASE_DIR/err" </dev/null
  fi
  RC=$?
  RUN_SECONDS=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
}

# Digest of a tree: every entry's type, path and link target, and every regular file's bytes.
tree_digest() {
  (
    cd "$1" || exit 1
    find . -printf '%y %p %l\n' | LC_ALL=C sort
    find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
  ) | sha256sum | cut -d' ' -f1
}

# The entries of a database's store that are neither the live generation, the one it replaced, nor the lock: what a
# build left behind. Prints one name a line.
store_leftovers() {  # DB PREVIOUS_GENERATION
  local db=$1 previous=${2:-} live name
  live=$(basename "$(readlink "$db")")
  for name in $(ls -A "$db.generations"); do
    [ "$name" = "$live" ] || [ "$name" = "$previous" ] || [ "$name" = lock ] || echo "$name"
  done
  # A link left by a build killed between making it and renaming it over the database path.
  ls -A "$(dirname "$db")" | grep -F "$(basename "$db").link-" || true
}

# --- Exports --------------------------------------------------------------------------------------------------------

XML_DECL='<?xml version="1.0" encoding="UTF-8"?>'

# export_file FILE BODY: a one-file export (English) around BODY.
export_file() {
  printf '%s\n<citego-export version="1" xml:lang="en">\n%s\n</citego-export>\n' "$XML_DECL" "$2" >"$1"
}

# An organisation element (kind foundation) with the given id and name (XML, not escaped).
org() { printf '  <organisation id="%s"><name>%s</name><kind>foundation</kind></organisation>' "$1" "$2"; }

repeat_text() { python3 "$FAULT_DIR/faultlib.py" repeat "$1" "$2"; }

# --- The fixed queries ----------------------------------------------------------------------------------------------

# The queries whose answers must stay byte-identical through kills and rebuilds: words, a phrase, fields, filters,
# facets, paging, a wildcard, browsing. query_args N sets QARGS to query N's arguments (1 to FIXED_QUERIES).
FIXED_QUERIES=10
query_args() {
  case $1 in
    1) QARGS=(--limit 20 democracy) ;;
    2) QARGS=(--lang fr --filter year=2016..2018 économie solidaire) ;;
    3) QARGS=(--sort -year --limit 30 --) ;;
    4) QARGS=('"économie sociale"') ;;
    5) QARGS=(--filter type=mooc --facet-limit 0 governance) ;;
    6) QARGS=(--and gouvernance territoire) ;;
    7) QARGS=('title:network OR author:García') ;;
    8) QARGS=(--offset 40 --limit 20 cooperation) ;;
    9) QARGS=('particip*') ;;
    10) QARGS=(--filter kind=foundation --filter lang=es desarrollo) ;;
  esac
}

# answers DB DIR: the JSON answer of each fixed query in DIR/qNN.json. Fails (and says which) on any exit but 0.
answers() {
  local db=$1 out=$2 n rc
  mkdir -p "$out"
  for n in $(seq 1 "$FIXED_QUERIES"); do
    query_args "$n"
    timeout -k 5 60 "$SEARCH" --db "$db" --format json "${QARGS[@]}" >"$out/q$(printf %02d "$n").json" 2>"$out/err"
    rc=$?
    [ "$rc" -eq 0 ] || { echo "query $n (${QARGS[*]}) exited $rc: $(head -c 200 "$out/err")"; return 1; }
  done
  rm -f "$out/err"
}

# same_answers DIR_A DIR_B: the fixed queries' answers are byte-identical; else names the first that differs.
same_answers() {
  local n name
  for n in $(seq 1 "$FIXED_QUERIES"); do
    name=q$(printf %02d "$n").json
    cmp -s "$1/$name" "$2/$name" || { echo "query $n answers differently"; return 1; }
  done
}

# The number of seconds since START (from date +%s.%N), with one decimal.
seconds_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }
