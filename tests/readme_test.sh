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
grep -q "citego-index: 21 documents (14 organisations, 7 projects, 0 resources) from 1 file" <<<"$out"
top3=$(grep -E "^[123]\. " <<<"$out")
grep -q "Réseau des collectivités Territoriales pour une Economie Solidaire" <<<"$top3"
grep -q "Social and Solidarity Economy, a tool for a multi-sectoral and multi-scale approach to public action?" <<<"$top3"
grep -q "\*économie\* sociale et \*solidaire\*" <<<"$out"
[ "$(readlink "$tmp/citego.db")" = "citego.db.generations/000001" ]
echo "readme_test: ok"
