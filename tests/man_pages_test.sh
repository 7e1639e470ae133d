#!/usr/bin/env bash
# The man pages are their programs' --help: each built page is what help2man makes now from the binary beside it (the
# date line aside), and names every option --help names; citego-export(5) is what man/markdown_to_man.py makes from
# schema/README.md, and names every element of the XSD.
# Usage: man_pages_test.sh SOURCE_DIR BUILD_DIR VERSION
set -euo pipefail
src="$1"
build="$2"
version="$3"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "man_pages_test: $*" >&2; exit 1; }
undated() { grep -v '^\.TH ' "$1"; }

for binary in "$build/indexer/citego-index" "$build/searcher/citego-search" "$build/searcher/citego-client"; do
  program=$(basename "$binary")
  page="$build/man/$program.1"
  [ -f "$page" ] || fail "no $page"
  help2man --no-info --section=1 --version-string="$version" --include="$src/man/$program.h2m" \
    --output="$tmp/$program.1" "$binary"
  diff <(undated "$page") <(undated "$tmp/$program.1") >/dev/null ||
    fail "$page is not the --help of $binary: rebuild (cmake --build) to remake it"
  grep -q "^\.TH \"\?${program^^}\"\? \"\?1\"\? .*\"$program $version\"" "$page" || fail "$page: no .TH line of version $version"
  # Every option of --help is in the page, where help2man writes "-" as "\-".
  options=$("$binary" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u)
  [ -n "$options" ] || fail "$program --help names no option"
  for option in $options; do
    grep -qF -- "${option//-/\\-}" "$page" || fail "$page lacks $option"
  done
done

page="$build/man/citego-export.5"
python3 "$src/man/markdown_to_man.py" "$src/schema/README.md" "$tmp/citego-export.5"
cmp -s "$page" "$tmp/citego-export.5" || fail "$page is not made from the current schema/README.md: rebuild"
for element in $(grep -oE 'xs:element name="[a-z-]+"' "$src/schema/citego-export.xsd" | sed 's/.*="//; s/"$//' | sort -u); do
  grep -qF -- "<${element//-/\\-}" "$page" || fail "$page does not name the element <$element>"
done
echo "man_pages_test: ok"
