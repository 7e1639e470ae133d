#!/usr/bin/env bash
# Runs the README's first command (as CI would, less the package installation, in the current build directory and a
# temporary database) and checks that the README's second command is what CI runs.
# Usage: readme_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src="$1"
build="$2"
readme="$src/README.md"
first=$(grep -m1 '^    bash ' "$readme" | sed 's/^    //')
second=$(grep '^    bash ' "$readme" | sed -n 2p | sed 's/^    //')
[ "$first" = "bash .ci/quickstart" ] || { echo "README's first command is '$first'"; exit 1; }
[ "$second" = "bash .ci/test" ] || { echo "README's second command is '$second'"; exit 1; }
grep -qx 'bash .ci/test' "$src/.ci/run" || { echo ".ci/run does not run the README's test command"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$(cd "$src" && CITEGO_SKIP_DEPS=1 CITEGO_BUILD_DIR="$build" CITEGO_DB="$tmp/citego.db" $first 2>&1)
echo "$out"
grep -q "citego-index: 130 documents (14 organisations, 5 projects, 0 resources, 2 dossiers, 109 fiches; thesauri: 16 persons, 45 descriptors, 38 places) from 7 files" <<<"$out"
top3=$(grep -E "^[123]\. " <<<"$out" | head -3)
grep -q "Économie sociale, économie solidaire, économie sociale et solidaire  \[fiche, fr\]" <<<"$top3"
grep -q "\*économie\* sociale et \*solidaire\*" <<<"$out"
# The faceted search over fiches: a country filter that keeps its cities, labels in French, selected values.
grep -q "^13 results, 1-2 shown" <<<"$out"
grep -q "places: Porto Alegre (plc-porto-alegre), Paris (plc-paris)" <<<"$out"
grep -q "^    \[Brésil (plc-br) 13\]" <<<"$out"
grep -q "^    démocratie participative (dsc-participatory-democracy) 8" <<<"$out"
[ "$(readlink "$tmp/citego.db")" = "citego.db.generations/000001" ]
echo "readme_test: ok"
