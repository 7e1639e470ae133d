#!/usr/bin/env bash
# Builds the libFuzzer harnesses of tests/fuzz with clang (in build-fuzz/) and runs them one after another.
#
#   tests/fuzz/run.sh --quick [HARNESS...]     each harness for 25 s (CITEGO_FUZZ_SECONDS) on its seed corpus, in a
#                                              temporary folder: the regression check CI runs
#   tests/fuzz/run.sh --hours N [HARNESS...]   each harness for N hours (decimals allowed) on a corpus kept in
#                                              CITEGO_FUZZ_WORK (default: ~/.cache/citego-fuzz), which grows from one
#                                              run to the next
#
# HARNESS names one of build-fuzz/tests/fuzz/harnesses.txt (export, query; default: all). Arguments after "--" go to
# libFuzzer itself (for example -max_len=8192). Fails on any crash, leak, timeout or sanitizer report: the input
# that caused it is kept as FOLDER/HARNESS-crash-… (or -leak-, -timeout-), and the line to reproduce it is printed.
# Ends with a table per harness: executions, executions per second (over the whole time given), corpus files, peak
# memory.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
build=${CITEGO_FUZZ_BUILD:-build-fuzz}

usage() {
  sed -n '3,8p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

mode=
hours=
selected=()
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) mode=quick ;;
    --hours)
      [ $# -ge 2 ] || usage
      mode=long hours=$2
      shift
      ;;
    --) shift; extra=("$@"); break ;;
    -*) usage ;;
    *) selected+=("$1") ;;
  esac
  shift
done
[ -n "$mode" ] || usage

if [ "$mode" = quick ]; then
  seconds=${CITEGO_FUZZ_SECONDS:-25}
  work=$(mktemp -d "${TMPDIR:-/tmp}/citego-fuzz.XXXXXX")
  keep_work=0
else
  seconds=$(awk -v h="$hours" 'BEGIN { if (h !~ /^[0-9]*\.?[0-9]+$/ || h <= 0) exit 1; printf "%d", h * 3600 }') ||
    { echo "run.sh: --hours needs a positive number, not \"$hours\"" >&2; exit 2; }
  work=${CITEGO_FUZZ_WORK:-$HOME/.cache/citego-fuzz}
  keep_work=1
fi
mkdir -p "$work"
cleanup() { if [ "$keep_work" = 0 ]; then rm -rf "$work"; fi; }
trap cleanup EXIT

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCITEGO_FUZZ=ON -DCITEGO_BUILD_TESTS=OFF -DCITEGO_WERROR=ON >/dev/null
mapfile -t harnesses < "$build/tests/fuzz/harnesses.txt"
[ ${#selected[@]} -gt 0 ] || selected=("${harnesses[@]}")
targets=()
for name in "${selected[@]}"; do
  printf '%s\n' "${harnesses[@]}" | grep -qx -- "$name" ||
    { echo "run.sh: no harness \"$name\" (have: ${harnesses[*]})" >&2; exit 2; }
  targets+=("fuzz_$name")
done
cmake --build "$build" -j "$(nproc)" --target "${targets[@]}"

# Leaks inside Xapian, each named and justified in the file; UBSan's reports abort (-fno-sanitize-recover).
export LSAN_OPTIONS="suppressions=$root/tests/fuzz/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1"

summary=()
failed=()
for name in "${selected[@]}"; do
  corpus=$work/$name
  mkdir -p "$corpus"
  # Seeds: the harness's own (tests/fuzz/seeds/NAME) and those its CMake line names, under names that keep their path.
  while IFS= read -r seed; do
    [ -n "$seed" ] || continue
    copy=$corpus/seed-$(printf '%s' "${seed#"$root"/}" | tr '/' '_')
    [ -e "$copy" ] || cp "$seed" "$copy"
  done < "$build/tests/fuzz/$name.seeds"
  log=$work/$name.log
  : >"$log"
  echo "== fuzz_$name: $seconds s on $corpus (log: $log)"
  # A long run goes in segments of CITEGO_FUZZ_SEGMENT seconds (default 600), each a new process on the corpus the
  # previous ones grew: the memory that ASan keeps of freed blocks and the Xapian leak of lsan.supp otherwise grow
  # until libFuzzer's 2 GB limit.
  status=0 runs=0 rss=0 left=$seconds
  touch "$log.start"
  while [ "$left" -gt 0 ] && [ "$status" -eq 0 ]; do
    segment=$left
    [ "$mode" = quick ] || [ "$segment" -le "${CITEGO_FUZZ_SEGMENT:-600}" ] || segment=${CITEGO_FUZZ_SEGMENT:-600}
    offset=$(stat -c %s "$log")
    "$build/tests/fuzz/fuzz_$name" -dict="tests/fuzz/$name.dict" -max_total_time="$segment" -timeout=10 \
      -print_final_stats=1 -artifact_prefix="$work/$name-" "${extra[@]}" "$corpus" >>"$log" 2>&1 || status=$?
    done_runs=$(tail -c +$((offset + 1)) "$log" | sed -n 's/^stat::number_of_executed_units: *//p' | tail -1)
    peak=$(tail -c +$((offset + 1)) "$log" | sed -n 's/^stat::peak_rss_mb: *//p' | tail -1)
    runs=$((runs + ${done_runs:-0}))
    [ "${peak:-0}" -le "$rss" ] || rss=$peak
    left=$((left - segment))
  done
  rate=$((runs / seconds))
  files=$(find "$corpus" -type f | wc -l)
  if [ "$status" -ne 0 ]; then
    grep -v '^#[0-9]' "$log" | tail -60 >&2
    artifacts=$(find "$work" -maxdepth 1 -name "$name-*" -newer "$log.start" | tr '\n' ' ')
    echo "run.sh: fuzz_$name failed (exit $status); input: ${artifacts:-none}" >&2
    [ -z "$artifacts" ] || echo "run.sh: reproduce with: $build/tests/fuzz/fuzz_$name $artifacts" >&2
    keep_work=1
    failed+=("$name")
    summary+=("$(printf '%-8s %8s %12s %10s %8s %8s  FAILED' "$name" "$seconds" "$runs" "$rate" "$files" "$rss")")
  else
    summary+=("$(printf '%-8s %8s %12s %10s %8s %8s  ok' "$name" "$seconds" "$runs" "$rate" "$files" "$rss")")
  fi
  rm -f "$log.start"
done

printf '%-8s %8s %12s %10s %8s %8s  %s\n' harness seconds executions exec/s corpus rss_mb result
printf '%s\n' "${summary[@]}"
[ ${#failed[@]} -eq 0 ] || { echo "run.sh: kept $work" >&2; exit 1; }
