#!/usr/bin/env bash
# bench/relevance/run.sh passes a collection's language (its `lang` file, or --lang) to the export, to citego-search
# and to both peers: run on the small French fixture bench/relevance/fixtures/french, and refused for a bad language.
#   bash tests/relevance_lang_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1
build=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/citego-relevance-lang.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_line() {  # expect_line FILE FIXED_STRING
  grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "no line with '$2' in the output above"; }
}

fixture=$src/bench/relevance/fixtures/french
CITEGO_BUILD_DIR=$build bash "$src/bench/relevance/run.sh" --keep "$work/keep" --systems citego,quest,fts5 "$fixture" > "$work/out" 2>&1 ||
  { cat "$work/out" >&2; fail "run.sh failed on the French fixture"; }
expect_line "$work/out" "== french ($fixture): 6 documents, 4 queries, language fr"
expect_line "$work/out" "citego_batch: citego-search --lang fr: "
expect_line "$work/out" "quest_run: 6 documents indexed with the french stemmer;"
expect_line "$work/out" "fts5_run: 6 documents, tokenizer 'unicode61 remove_diacritics 2';"
grep -qF '<citego-export version="1" xml:lang="fr">' "$work/keep/french/export.xml" || fail "the export is not French"
# Every system finds the one relevant document of each query that has a single one, so each has a result line.
for system in citego quest fts5; do
  grep -qE "^  $system +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+\$" "$work/out" || { cat "$work/out" >&2; fail "no measures for $system"; }
done

# --lang overrides the lang file.
CITEGO_BUILD_DIR=$build bash "$src/bench/relevance/run.sh" --systems citego,fts5 --lang en "$fixture" > "$work/en" 2>&1 ||
  { cat "$work/en" >&2; fail "run.sh --lang en failed"; }
expect_line "$work/en" "language en"
expect_line "$work/en" "citego_batch: citego-search --lang en: "
expect_line "$work/en" "tokenizer 'porter unicode61 remove_diacritics 2'"

# A bad lang file stops the run before any work, with exit status 1 and a message naming the file.
cp -r "$fixture" "$work/bad"
echo xx > "$work/bad/lang"
status=0
CITEGO_BUILD_DIR=$build bash "$src/bench/relevance/run.sh" "$work/bad" > "$work/bad.out" 2> "$work/bad.err" || status=$?
[[ $status == 1 ]] || fail "a bad lang file gave exit status $status, expected 1"
[[ $(cat "$work/bad.err") == "run.sh: $work/bad/lang: unknown language 'xx' (expected fr, en, es or pt)" ]] ||
  fail "unexpected message for a bad lang file: $(cat "$work/bad.err")"
echo "1 passed, 0 failed"
