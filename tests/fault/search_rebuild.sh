# Part 2 of the fault suite: searches while the database is rebuilt again and again (sourced by run.sh).
#
# A `citego-search --serve` server runs on the live database while it is rebuilt, alternately from corpus B and A,
# at least FAULT_REBUILDS times and until FAULT_SEARCHES searches are done. Two searchers run the fixed queries in
# turn, alternately as a citego-search process and through citego-client. Every search must exit 0 and print an
# answer byte-identical to that corpus A's or corpus B's database gives to the same query.

# One searcher: runs until the file DONE exists; one line per search in LOG: "OK|FAIL VIA QUERY MATCHED SECONDS".
searcher_loop() {  # ID DB SOCKET DONE LOG
  local id=$1 db=$2 socket=$3 done_file=$4 log=$5 i=0 n via rc matched started out
  out=$(dirname "$log")/out.$id
  while [ ! -e "$done_file" ]; do
    i=$((i + 1))
    n=$(((i + 3 * id) % FIXED_QUERIES + 1))
    query_args "$n"
    started=$(date +%s.%N)
    if [ $((i % 2)) -eq 0 ]; then
      via=process
      timeout -k 5 60 "$SEARCH" --db "$db" --format json "${QARGS[@]}" >"$out" 2>"$out.err"
    else
      via=client
      timeout -k 5 60 "$CLIENT" --socket "$socket" --db "$db" --format json "${QARGS[@]}" >"$out" 2>"$out.err"
    fi
    rc=$?
    local name
    name=q$(printf %02d "$n").json
    if cmp -s "$out" "$FAULT_FIX/answers-a/$name"; then matched=a
    elif cmp -s "$out" "$FAULT_FIX/answers-b/$name"; then matched=b
    else matched=none
    fi
    if [ "$rc" -eq 0 ] && [ "$matched" != none ]; then
      echo "OK $via $n $matched $(seconds_since "$started")" >>"$log"
    else
      echo "FAIL $via $n $matched $(seconds_since "$started") exit=$rc $(head -c 200 "$out.err" | tr '\n' ' ')" >>"$log"
      cp "$out" "$log.failed-$i"
    fi
    # A pause between searches leaves the rebuilds some of the machine (quick run).
    [ "$FAULT_SEARCH_PAUSE" = 0 ] || sleep "$FAULT_SEARCH_PAUSE"
  done
}

search_part() {
  local dir=$FAULT_TMP/search
  mkdir -p "$dir"
  local CASE_DIR=$dir db=$dir/live.db socket=$dir/s.sock started
  started=$(date +%s.%N)
  if ! timeout -k 5 1200 "$INDEX" -q --db "$db" "$FAULT_FIX/corpus-a" 2>"$dir/err"; then
    report FAIL "searches during rebuilds: the first build" "$(head -c 300 "$dir/err")"
    return
  fi
  # --foreground: timeout passes SIGTERM on to the server only, not to its process group as well (a second SIGTERM
  # during the shutdown ends the server with status 143; see the catalogue's "server: a second SIGTERM").
  timeout --foreground -k 5 7200 "$SEARCH" --db "$db" --serve "$socket" 2>"$dir/server.err" &
  local server=$!
  remember_pid "$server" "$FAULT_TMP/.pids"
  local i
  for i in $(seq 1 200); do [ -S "$socket" ] && break; sleep 0.1; done
  if [ ! -S "$socket" ]; then
    report FAIL "searches during rebuilds: the server did not start" "$(head -c 300 "$dir/server.err")"
    return
  fi

  # The rebuilds, in the background; the searchers stop when they are over.
  (
    r=0
    while :; do
      r=$((r + 1))
      corpus=$([ $((r % 2)) -eq 1 ] && echo b || echo a)
      s=$(date +%s.%N)
      timeout -k 5 1200 "$INDEX" -q --db "$db" "$FAULT_FIX/corpus-$corpus" 2>>"$dir/rebuilds.err"
      echo "$r $corpus $? $(seconds_since "$s")" >>"$dir/rebuilds.log"
      done_searches=$(cat "$dir"/searches.* 2>/dev/null | grep -c '')
      if [ "$r" -ge "$FAULT_REBUILDS" ] && [ "$done_searches" -ge "$FAULT_SEARCHES" ]; then break; fi
      [ "$r" -ge $((4 * FAULT_REBUILDS)) ] && break
    done
    touch "$dir/rebuilds.done"
  ) &
  local rebuilder=$!
  remember_pid "$rebuilder" "$FAULT_TMP/.pids"
  searcher_loop 1 "$db" "$socket" "$dir/rebuilds.done" "$dir/searches.1" &
  local s1=$!
  searcher_loop 2 "$db" "$socket" "$dir/rebuilds.done" "$dir/searches.2" &
  local s2=$!
  remember_pid "$s1" "$FAULT_TMP/.pids"
  remember_pid "$s2" "$FAULT_TMP/.pids"
  wait "$rebuilder" "$s1" "$s2"

  kill -TERM "$server" 2>/dev/null
  wait "$server"
  local server_rc=$?

  local total ok failed by_process by_client rebuilds rebuild_failed matched_a matched_b
  total=$(cat "$dir"/searches.* | grep -c '')
  ok=$(cat "$dir"/searches.* | grep -c '^OK ')
  failed=$((total - ok))
  by_process=$(cat "$dir"/searches.* | grep -c ' process ')
  by_client=$(cat "$dir"/searches.* | grep -c ' client ')
  matched_a=$(cat "$dir"/searches.* | grep -c '^OK [a-z]* [0-9]* a ')
  matched_b=$(cat "$dir"/searches.* | grep -c '^OK [a-z]* [0-9]* b ')
  rebuilds=$(grep -c '' "$dir/rebuilds.log")
  rebuild_failed=$(awk '$3 != 0' "$dir/rebuilds.log" | grep -c '')
  local slowest
  slowest=$(cat "$dir"/searches.* | awk '{ if ($5 > m) m = $5 } END { print m + 0 }')
  local line="$total searches ($by_process citego-search, $by_client citego-client; $matched_a answered as A, $matched_b as B) during $rebuilds rebuilds ($rebuild_failed failed); $failed failed; slowest ${slowest} s; server: $(tail -n1 "$dir/server.err")"
  local status=PASS
  [ "$failed" -eq 0 ] && [ "$rebuild_failed" -eq 0 ] && [ "$server_rc" -eq 0 ] && [ "$total" -ge "$FAULT_SEARCHES" ] &&
    [ "$rebuilds" -ge "$FAULT_REBUILDS" ] || status=FAIL
  report "$status" "searches during rebuilds" "$line"
  if [ "$status" = FAIL ]; then
    [ "$server_rc" -eq 0 ] || echo "        the server exited $server_rc: $(tail -c 300 "$dir/server.err")"
    cat "$dir"/searches.* | grep -v '^OK ' | head -10 | sed 's/^/        /'
    awk '$3 != 0' "$dir/rebuilds.log" | head -5 | sed 's/^/        rebuild /'
  fi
  FIGURES+=("searches during rebuilds: $line; $(seconds_since "$started") s")
  rm -rf "$dir"
}
