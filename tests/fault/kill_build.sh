# Part 1 of the fault suite: citego-index killed with SIGKILL at random points of a build (sourced by run.sh).
#
# The database alternates between two corpora of the same size (A and B, other seeds), so a build that published
# would show. Each round starts a build of the other corpus and kills it after a random delay (timeout -s KILL), then
# checks that the live database answers the fixed queries byte-identically to before — or, if the kill came after
# the new link was renamed into place, identically to the new corpus — and passes xapian-check; then runs the same
# build to the end and checks that it publishes, answers as its corpus, and leaves nothing in DB.generations/ but the
# two generations kept (the live one and the one it replaced, see indexer/src/live_database.cpp) and the lock.

# What a killed build left, seen from the store: the phase it was killed in.
kill_phase() {  # DB LINK_BEFORE
  local db=$1 live newest
  if [ "$(readlink "$db")" != "$2" ]; then echo "after publishing"; return; fi
  live=$(basename "$2")
  newest=$(ls "$db.generations" | grep -E '^[0-9]{6}$' | sort | tail -n1)
  if [ "$newest" != "$live" ]; then echo "merging"
  elif compgen -G "$db.generations/staging-*" >/dev/null; then echo "writing"
  else echo "reading"
  fi
}

kill_part() {
  local dir=$FAULT_TMP/kill
  mkdir -p "$dir"
  local CASE_DIR=$dir db=$dir/live.db
  local started
  started=$(date +%s.%N)
  # The time of the last complete build sets the range of the kill points (up to 110 % of it, so that some builds
  # finish): it follows the load of a shared machine.
  local build_seconds
  build_seconds=$(cat "$FAULT_FIX/build-seconds")
  if ! timeout -k 5 1200 "$INDEX" -q --db "$db" "$FAULT_FIX/corpus-a" 2>"$dir/err"; then
    report FAIL "kill: the first build" "$(head -c 300 "$dir/err")"
    return
  fi
  local current=a next=b previous="" round=0 kills=0 finished=0 after_publish=0 failures=0
  local most_left=0 most_store_kib=0 phases="" left
  local range_ms
  while [ "$kills" -lt "$FAULT_KILLS" ] && [ "$round" -lt $((3 * FAULT_KILLS)) ]; do
    round=$((round + 1))
    range_ms=$(awk -v s="$build_seconds" 'BEGIN { printf "%d", s * 1100 }')
    local delay_ms=$(((RANDOM * 32768 + RANDOM) % range_ms + 50))
    local delay
    delay=$(awk -v m="$delay_ms" 'BEGIN { printf "%.3f", m / 1000 }')
    local link_before round_started
    link_before=$(readlink "$db")
    round_started=$(date +%s.%N)
    # timeout kills its process group, itself included. A subshell that waits for it (the exit keeps bash from
    # replacing the subshell with timeout) reports "Killed" to /dev/null, and passes on the status.
    (timeout -s KILL "$delay" "$INDEX" -q --db "$db" "$FAULT_FIX/corpus-$next" 2>"$dir/err"; exit $?) 2>/dev/null
    local rc=$?
    : >"$dir/.why"
    if [ "$rc" -eq 0 ]; then
      # Finished within the delay: a complete build, checked like the others below.
      finished=$((finished + 1))
      build_seconds=$(seconds_since "$round_started")
      answers "$db" "$dir/now" >/dev/null && same_answers "$dir/now" "$FAULT_FIX/answers-$next" >/dev/null ||
        why "a build that finished before its kill does not answer as corpus $next"
      previous=$(basename "$link_before")
      current=$next
      next=$([ "$next" = a ] && echo b || echo a)
      if [ -s "$dir/.why" ]; then report FAIL "kill: round $round" "$(cat "$dir/.why")"; failures=$((failures + 1)); fi
      continue
    fi
    kills=$((kills + 1))
    local phase
    phase=$(kill_phase "$db" "$link_before")
    phases="$phases$phase"$'\n'
    [ "$rc" -eq 137 ] || why "the build exited $rc before its kill: $(head -c 300 "$dir/err")"
    local expected=$current
    if [ "$phase" = "after publishing" ]; then
      expected=$next
      after_publish=$((after_publish + 1))
    fi
    local why_answers
    if why_answers=$(answers "$db" "$dir/now"); then
      why_answers=$(same_answers "$dir/now" "$FAULT_FIX/answers-$expected") ||
        why "after the kill, the live database does not answer as corpus $expected: $why_answers"
    else
      why "after the kill, the live database does not answer: $why_answers"
    fi
    timeout 600 xapian-check "$(readlink -f "$db")" >/dev/null 2>&1 || why "after the kill, xapian-check finds the live database damaged"
    left=$(store_leftovers "$db" "$([ "$phase" = "after publishing" ] && basename "$link_before" || echo "$previous")" | grep -c '')
    [ "$left" -gt "$most_left" ] && most_left=$left

    # The next build of the same corpus, to the end.
    local link_now build_started
    link_now=$(readlink "$db")
    build_started=$(date +%s.%N)
    timeout -k 5 1200 "$INDEX" --db "$db" "$FAULT_FIX/corpus-$next" 2>"$dir/err"
    rc=$?
    [ "$rc" -eq 0 ] && build_seconds=$(seconds_since "$build_started")
    local generation
    generation=$(sed -n 's/.* is generation \([0-9]\{6\}\)$/\1/p' "$dir/err")
    if [ "$rc" -ne 0 ] || [ -z "$generation" ]; then
      why "the next build exited $rc: $(head -c 300 "$dir/err")"
    else
      expect_eq "the live link after the next build" "live.db.generations/$generation" "$(readlink "$db")"
      if why_answers=$(answers "$db" "$dir/now"); then
        why_answers=$(same_answers "$dir/now" "$FAULT_FIX/answers-$next") ||
          why "after the next build, the database does not answer as corpus $next: $why_answers"
      else
        why "after the next build, the database does not answer: $why_answers"
      fi
      previous=$(basename "$link_now")
      local leftovers
      leftovers=$(store_leftovers "$db" "$previous" | paste -sd' ')
      [ -z "$leftovers" ] || why "the next build left behind: $leftovers"
      expect_eq "generations kept" 2 "$(ls "$db.generations" | grep -cE '^[0-9]{6}$')"
    fi
    local store_kib
    store_kib=$(du -sk "$db.generations" | cut -f1)
    [ "$store_kib" -gt "$most_store_kib" ] && most_store_kib=$store_kib
    local line="at $delay s ($phase): live answered as corpus $expected; next build $generation in $(seconds_since "$build_started") s"
    if [ -s "$dir/.why" ]; then
      report FAIL "kill $kills/$FAULT_KILLS" "$line"
      sed 's/^/        /' "$dir/.why" | cut -c1-400
      failures=$((failures + 1))
    else
      report PASS "kill $kills/$FAULT_KILLS" "$line"
    fi
    current=$next
    next=$([ "$next" = a ] && echo b || echo a)
  done
  [ "$kills" -ge "$FAULT_KILLS" ] || { report FAIL "kill: only $kills kills in $round rounds"; failures=$((failures + 1)); }
  local by_phase
  by_phase=$(printf '%s' "$phases" | sort | uniq -c | awk '{ c = $1; $1 = ""; printf "%s%s %d", sep, substr($0, 2), c; sep = ", " }')
  FIGURES+=("kill -9: $kills kills of $(cat "$FAULT_FIX/docs")-document builds ($by_phase), $finished builds finished before their kill, $failures failures; at most $most_left leftover entries right after a kill, none after the next build; store at most $((most_store_kib / 1024)) MiB; $(seconds_since "$started") s")
  rm -rf "$dir"
}
