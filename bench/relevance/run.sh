#!/usr/bin/env bash
# Ranking quality of citego-search against four peers (Xapian's quest, SQLite FTS5, PostgreSQL, Sphinx) on public
# test collections.
#
#   bash bench/relevance/run.sh [--keep DIR] [--systems citego,quest,fts5,postgres,sphinx] [--lang L]
#                               [--citego-args 'ARGS'] [COLLECTION_DIR...]
#
# A collection folder holds docs.jsonl, queries.tsv and qrels.tsv (see ../shared/data/README.md), and may hold a file
# `lang` naming its language (fr, en, es or pt; default en, or --lang): the export's xml:lang, citego-search's
# --lang, quest's stemmer and FTS5's tokenizer (porter for en; for other languages unicode61 alone). Default: every
# folder under ../shared/data (relative to the repository root) that has a docs.jsonl. Prints, per collection,
# nDCG@10, MAP, Recall@100 and P@10 of each system, computed as trec_eval -c -M 1000 does (citego-trec-eval).
# Everything is written in a temporary folder, removed at the end unless --keep DIR is given.
# CITEGO_BUILD_DIR (default: build, relative to the repository root) is where the binaries are. See README.md.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${CITEGO_BUILD_DIR:-build}
[[ $build = /* ]] || build=$repo/$build

usage() {
  sed -n '2,12s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
  echo
  echo "Options:"
  echo "  --keep DIR          keep the work files (exports, databases, runs, per-query measures, logs) in DIR"
  echo "  --systems LIST      comma-separated subset of citego,quest,fts5,postgres,sphinx (default: all five)"
  echo "  --lang L            the language of every collection (fr, en, es or pt), over their lang files"
  echo "  --citego-args ARGS  extra options for citego-search --batch, e.g. '--and' or '--expand'"
}
die() { echo "run.sh: $*" >&2; exit 1; }

keep=""
systems="citego,quest,fts5,postgres,sphinx"
citego_args=()
lang_option=""
collections=()
while (($#)); do
  case $1 in
    --keep) (($# >= 2)) || die "--keep needs a folder"; keep=$2; shift 2 ;;
    --keep=*) keep=${1#*=}; shift ;;
    --systems) (($# >= 2)) || die "--systems needs a list"; systems=$2; shift 2 ;;
    --systems=*) systems=${1#*=}; shift ;;
    --lang) (($# >= 2)) || die "--lang needs a language"; lang_option=$2; shift 2 ;;
    --lang=*) lang_option=${1#*=}; shift ;;
    --citego-args) (($# >= 2)) || die "--citego-args needs a value"; read -ra citego_args <<<"$2"; shift 2 ;;
    --citego-args=*) read -ra citego_args <<<"${1#*=}"; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; collections+=("$@"); break ;;
    -*) usage >&2; die "unknown option $1" ;;
    *) collections+=("$1"); shift ;;
  esac
done

IFS=, read -ra system_list <<<"$systems"
((${#system_list[@]})) || die "--systems is empty"
for s in "${system_list[@]}"; do
  case $s in citego|quest|fts5|postgres|sphinx) ;;
    *) die "unknown system '$s' (expected citego, quest, fts5, postgres or sphinx)" ;; esac
done
has_system() { [[ ",$systems," == *",$1,"* ]]; }
check_lang() {  # check_lang VALUE WHERE
  case $1 in fr|en|es|pt) ;; *) die "$2: unknown language '$1' (expected fr, en, es or pt)" ;; esac
}
[[ -z $lang_option ]] || check_lang "$lang_option" "--lang"
# lang_of COLLECTION_DIR: --lang, else the first word of the collection's lang file, else en.
lang_of() {
  if [[ -n $lang_option ]]; then echo "$lang_option"; return; fi
  if [[ -f $1/lang ]]; then
    local l
    l=$(tr -s ' \t\r\n' ' ' < "$1/lang" | awk '{ print $1 }')
    check_lang "$l" "$1/lang"
    echo "$l"
    return
  fi
  echo en
}

# Tools. The evaluator is always needed; the others only for the systems asked for.
trec_eval=$build/bench/relevance/citego-trec-eval
index_bin=$build/indexer/citego-index
search_bin=$build/searcher/citego-search
need=("$trec_eval")
has_system citego && need+=("$index_bin" "$search_bin")
for bin in "${need[@]}"; do
  [[ -x $bin ]] || die "missing $bin: build first (cmake -S . -B build && cmake --build build -j2), or point CITEGO_BUILD_DIR at a build folder"
done
command -v python3 >/dev/null || die "python3 not found"
if has_system quest; then
  command -v scriptindex >/dev/null || die "scriptindex not found: install the Debian package xapian-omega"
  command -v quest >/dev/null || die "quest not found: install the Debian package xapian-tools"
fi
if has_system postgres; then
  [[ -x ${PG_BIN:-/usr/lib/postgresql/15/bin}/initdb ]] && command -v psql >/dev/null ||
    die "PostgreSQL 15 not found: install the Debian package postgresql-15 (or set PG_BIN)"
fi
if has_system sphinx; then
  command -v indexer >/dev/null && command -v searchd >/dev/null ||
    die "indexer/searchd not found: install the Debian package sphinxsearch"
  command -v mysql >/dev/null || die "mysql not found: install the Debian package default-mysql-client"
fi

# Collections.
if ((${#collections[@]} == 0)); then
  data=$repo/../shared/data
  [[ -d $data ]] || die "no collection folder given and $data does not exist: the test collections are not in the repository; pass COLLECTION_DIR (a folder with docs.jsonl, queries.tsv, qrels.tsv)"
  for d in "$data"/*/; do
    if [[ -f $d/docs.jsonl ]]; then collections+=("${d%/}"); fi
  done
  ((${#collections[@]})) || die "no folder with a docs.jsonl under $data"
fi
for c in "${collections[@]}"; do
  [[ -d $c ]] || die "collection folder $c not found (the collections are not copied into the repository: they live in ../shared/data/NAME; see bench/relevance/README.md)"
  for f in docs.jsonl queries.tsv qrels.tsv; do
    [[ -f $c/$f ]] || die "collection folder $c has no $f"
  done
  lang_of "$c" > /dev/null  # stops on a bad lang file before any work
done

# Work folder.
if [[ -n $keep ]]; then
  mkdir -p "$keep"
  work=$(cd "$keep" && pwd)
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/citego-relevance.XXXXXX")
  trap 'rm -rf "$work"' EXIT
fi

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# step NAME LOG COMMAND...: runs COMMAND with stderr (and stdout unless redirected by the caller) in LOG, records
# the seconds in step_time[NAME], and prints the end of LOG if it fails.
declare -A step_time
step() {
  local name=$1 log=$2 start status=0
  shift 2
  start=$(now)
  "$@" 2>"$log" || status=$?
  step_time[$name]=$(elapsed "$start" "$(now)")
  if ((status != 0)); then
    echo "run.sh: $name failed (exit $status); end of $log:" >&2
    tail -n 20 "$log" >&2
  fi
  return $status
}

# citego_batch QUERIES W: W/citego.export-ids.run from citego-search --batch. A query citego-search refuses gets no
# results (as with quest); --batch names it on stderr ("line N: query QID refused: ...") and exits 2 after the others.
citego_batch() {
  local queries=$1 w=$2 status=0 start seconds
  start=$(now)
  "$search_bin" --db "$w/citego.db" --batch "$queries" --limit 1000 --run-tag citego \
    --lang "$lang" "${citego_args[@]}" > "$w/citego.export-ids.run" 2> "$w/citego-batch.err" || status=$?
  cat "$w/citego-batch.err" >&2
  seconds=$(elapsed "$start" "$(now)")
  sed -n 's/^citego-search: line [0-9]*: query \([^ ]*\) refused: \(.*\)/\1\t\2/p' "$w/citego-batch.err" \
    > "$w/citego-refused.tsv"
  if ((status != 0)) && ! [[ $status == 2 && -s $w/citego-refused.tsv ]]; then return "$status"; fi
  echo "citego_batch: citego-search --lang $lang${citego_args[*]:+ ${citego_args[*]}}: $(wc -l < "$w/citego.export-ids.run") run lines; $(wc -l < "$w/citego-refused.tsv") queries refused by citego-search; last batch ${seconds}s" >&2
  while IFS=$'\t' read -r qid message; do
    echo "citego_batch:   refused query $qid: $message" >&2
  done < "$w/citego-refused.tsv"
}

echo "citego relevance benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores"
has_system citego && echo "  $("$search_bin" --version)${citego_args[*]:+; citego-search options: ${citego_args[*]}}"
has_system quest && echo "  $(quest --version | head -n 1); $(scriptindex --version | head -n 1)"
has_system fts5 && echo "  SQLite $(python3 -c 'import sqlite3; print(sqlite3.sqlite_version)') FTS5"
has_system postgres && echo "  $("${PG_BIN:-/usr/lib/postgresql/15/bin}/postgres" --version)"
has_system sphinx && echo "  $(indexer 2>/dev/null | head -n 1)"
echo "  work folder: $work${keep:+ (kept)}"

overall_status=0
for c in "${collections[@]}"; do
  c=$(cd "$c" && pwd)
  name=$(basename "$c")
  w=$work/$name
  rm -rf "$w"
  mkdir -p "$w"
  step_time=()
  docs=$(grep -c . "$c/docs.jsonl" || true)
  queries=$(grep -v '^#' "$c/queries.tsv" | grep -c . || true)
  echo
  lang=$(lang_of "$c")
  echo "== $name ($c): $docs documents, $queries queries, language $lang"

  declare -A ok=()
  if has_system citego; then
    ok[citego]=0
    if step convert "$w/convert.log" python3 "$here/jsonl_to_export.py" "$c/docs.jsonl" "$w/export.xml" \
         --idmap "$w/idmap.tsv" --lang "$lang" &&
       step index "$w/index.log" "$index_bin" --quiet --db "$w/citego.db" "$w/export.xml" &&
       step citego "$w/citego.log" citego_batch "$c/queries.tsv" "$w"
    then
      # Back to the collection's ids where the converter had to change them.
      awk 'FILENAME == ARGV[1] { split($0, f, "\t"); id[f[1]] = f[2]; next } ($3 in id) { $3 = id[$3] } { print }' \
        "$w/idmap.tsv" "$w/citego.export-ids.run" > "$w/citego.run"
      ok[citego]=1
    fi
    grep -h 'citego_batch:' "$w/citego.log" 2>/dev/null | sed 's/^/  /' || true
  fi
  if has_system quest; then
    ok[quest]=0
    step quest "$w/quest.log" python3 "$here/quest_run.py" "$c/docs.jsonl" "$c/queries.tsv" "$w/quest.run" \
      --workdir "$w/quest" --lang "$lang" && ok[quest]=1
    grep -h 'quest_run:' "$w/quest.log" | sed 's/^/  /' || true
  fi
  if has_system fts5; then
    ok[fts5]=0
    step fts5 "$w/fts5.log" python3 "$here/fts5_run.py" "$c/docs.jsonl" "$c/queries.tsv" "$w/fts5.run" \
      --db "$w/fts5.sqlite" --lang "$lang" && ok[fts5]=1
    grep -h 'fts5_run:' "$w/fts5.log" | sed 's/^/  /' || true
  fi
  for s in postgres sphinx; do
    has_system $s || continue
    ok[$s]=0
    runner=$here/${s/postgres/pg}_run.py
    step $s "$w/$s.log" python3 "$runner" "$c/docs.jsonl" "$c/queries.tsv" "$w/$s.run" --workdir "$w/$s" \
      --lang "$lang" && ok[$s]=1
    grep -h '_run:' "$w/$s.log" | grep -v '^pg_run:   query\|^sphinx_run:   query' | sed 's/^/  /' || true
  done

  declare -A ndcg=() map=() r100=() p10=()
  num_q=""
  eval_start=$(now)
  for s in "${system_list[@]}"; do
    if [[ ${ok[$s]} != 1 ]]; then
      overall_status=1
      continue
    fi
    if ! "$trec_eval" -q "$c/qrels.tsv" "$w/$s.run" > "$w/$s.eval" 2> "$w/$s.eval.log"; then
      echo "run.sh: citego-trec-eval failed on $w/$s.run:" >&2
      cat "$w/$s.eval.log" >&2
      ok[$s]=0
      overall_status=1
      continue
    fi
    read -r num_q ndcg[$s] map[$s] r100[$s] p10[$s] < <(awk -F'\t' '$2 == "all" {
        gsub(/ /, "", $1); v[$1] = $3 }
      END { print v["num_q"], v["ndcg_cut_10"], v["map"], v["recall_100"], v["P_10"] }' "$w/$s.eval")
  done
  step_time[eval]=$(elapsed "$eval_start" "$(now)")

  echo "  measures over ${num_q:-?} judged queries (trec_eval -c -M 1000):"
  printf '  %-8s %8s %8s %8s %8s\n' system nDCG@10 MAP R@100 P@10
  for s in "${system_list[@]}"; do
    if [[ ${ok[$s]} == 1 ]]; then
      printf '  %-8s %8s %8s %8s %8s\n' "$s" "${ndcg[$s]}" "${map[$s]}" "${r100[$s]}" "${p10[$s]}"
    else
      printf '  %-8s %s\n' "$s" "failed: see the log above"
    fi
  done
  times=""
  for t in convert index citego quest fts5 postgres sphinx eval; do
    if [[ -n ${step_time[$t]:-} ]]; then times+="${times:+, }$t ${step_time[$t]}s"; fi
  done
  echo "  wall time: $times"
  for s in "${system_list[@]}"; do
    if [[ -s $w/$s.eval.log ]]; then sed "s/^citego-trec-eval: note: /  note ($s): /" "$w/$s.eval.log"; fi
  done

  peers=()
  for s in "${system_list[@]}"; do [[ $s != citego && ${ok[$s]:-0} == 1 ]] && peers+=("$s"); done
  if [[ ${ok[citego]:-0} == 1 ]] && ((${#peers[@]})); then
    best_n=0 best_m=0 best_n_name="" best_m_name=""
    for s in "${peers[@]}"; do
      awk -v a="${ndcg[$s]}" -v b="$best_n" 'BEGIN { exit !(a > b) }' && { best_n=${ndcg[$s]}; best_n_name=$s; }
      awk -v a="${map[$s]}" -v b="$best_m" 'BEGIN { exit !(a > b) }' && { best_m=${map[$s]}; best_m_name=$s; }
    done
    awk -v name="$name" -v peers="${peers[*]}" -v cn="${ndcg[citego]}" -v cm="${map[citego]}" -v bn="$best_n" \
        -v bm="$best_m" -v nn="$best_n_name" -v mn="$best_m_name" 'BEGIN {
      n = cn > bn; m = cm > bm; gsub(/ /, ", ", peers)
      printf "  %s: citego beats every peer (%s) on nDCG@10 and MAP: %s (nDCG@10 %s vs best peer %s %s: %s; MAP %s vs best peer %s %s: %s)\n",
        name, peers, (n && m) ? "YES" : "NO", cn, nn, bn, n ? "better" : "not better", cm, mn, bm, m ? "better" : "not better" }'
  fi
done
exit $overall_status
