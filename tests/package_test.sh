#!/usr/bin/env bash
# The Debian package: cpack builds it from the build folder, dpkg-deb unpacks it into a scratch folder (no
# installation), and the unpacked binaries run: --version, a build of the corpus the package ships, a search of it,
# the client; the package depends on the libraries the binaries link, and holds the man pages and documents.
# Usage: package_test.sh BUILD_DIR VERSION
set -euo pipefail
build="$1"
version="$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "package_test: $*" >&2; exit 1; }

cpack --config "$build/CPackConfig.cmake" -G DEB -B "$tmp/out" >"$tmp/cpack.log" 2>&1 || { cat "$tmp/cpack.log"; fail "cpack failed"; }
debs=("$tmp"/out/citego-search_"$version"_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "no citego-search_${version}_ARCH.deb in $(ls "$tmp/out")"
deb="${debs[0]}"
[ "$(dpkg-deb -f "$deb" Package)" = citego-search ] || fail "Package is not citego-search"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "Version is not $version"
depends=$(dpkg-deb -f "$deb" Depends)
# What the binaries link against (ldd), each library's package named in Depends.
linked=$(ldd "$build/indexer/citego-index" "$build/searcher/citego-search")
for lib in libxapian.so.30 libpugixml.so.1 libboost_program_options.so.1.74.0 libutf8proc.so.2 libstdc++.so.6; do
  grep -q "$lib" <<<"$linked" || fail "the binaries do not link $lib"
done
depended=$(tr ',' '\n' <<<"$depends" | sed 's/^ *//; s/ .*//')  # the package names, one a line
for package in libxapian30 libpugixml1v5 libboost-program-options1.74.0 libutf8proc2 libstdc++6 libc6; do
  grep -qxF "$package" <<<"$depended" || fail "Depends lacks $package: $depends"
done

root="$tmp/root"
dpkg-deb -x "$deb" "$root"
for file in usr/bin/citego-index usr/bin/citego-search usr/bin/citego-client \
            usr/share/man/man1/citego-index.1 usr/share/man/man1/citego-search.1 usr/share/man/man1/citego-client.1 \
            usr/share/man/man5/citego-export.5 usr/share/doc/citego-search/README.md \
            usr/share/doc/citego-search/schema.md usr/share/doc/citego-search/search-response.md \
            usr/share/doc/citego-search/citego-export.xsd usr/share/citego-search/corpus/citego-partners.xml; do
  [ -f "$root/$file" ] || fail "the package has no /$file"
done
# Nothing else in bin: no test or benchmark program.
[ "$(ls "$root/usr/bin" | tr '\n' ' ')" = "citego-client citego-index citego-search " ] || fail "bin holds: $(ls "$root/usr/bin")"

bin="$root/usr/bin"
[[ "$("$bin/citego-index" --version)" == "citego-index $version (Xapian "* ]] || fail "citego-index --version"
[[ "$("$bin/citego-search" --version)" == "citego-search $version (Xapian "* ]] || fail "citego-search --version"
[ "$("$bin/citego-client" --version)" = "citego-client $version" ] || fail "citego-client --version"
corpus="$root/usr/share/citego-search/corpus"
built=$("$bin/citego-index" --db "$tmp/citego.db" "$corpus/" "$corpus/library/" 2>&1) || { echo "$built"; fail "citego-index failed"; }
grep -q "^citego-index: 130 documents (" <<<"$built" || { echo "$built"; fail "the corpus did not give 130 documents"; }
found=$("$bin/citego-search" --db "$tmp/citego.db" --format text --lang fr --filter doc_type=fiche --filter place=plc-br \
        --limit 2 budget participatif)
grep -q "^13 results, 1-2 shown$" <<<"$found" || { echo "$found"; fail "the search did not find 13 results"; }
# The client with no server runs the citego-search beside it, the unpacked one.
[ "$(cd "$tmp" && PATH=/nonexistent "$bin/citego-client" --format text --lang fr --filter doc_type=fiche \
     --filter place=plc-br --limit 2 budget participatif)" = "$found" ] || fail "citego-client did not run the unpacked citego-search"
echo "package_test: ok ($(basename "$deb"), Depends: $depends)"
