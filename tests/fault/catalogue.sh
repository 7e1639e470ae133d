# The catalogue of malformed and hostile inputs (part 3 of the fault suite; sourced by run.sh and by each case).
#
# Each case names its expected exit code and message. Where the message is given here it is exact; the cases of the
# strict reading of exports (DTDs and entities, characters XML forbids, what may follow the root, over-long fields,
# encodings, FIFOs and devices, folder entries that cannot be read) assert exit 1, a located message (FILE:LINE:COL:
# error: … or FILE: error: …) naming the file, no hang and an unchanged database, and print the message; their exact
# wording is pinned by tests/index_cli_test.cpp and tests/export_reader_test.cpp. A case marked xfail in
# catalogue_cases is a known fault: it prints XFAIL until fixed, then XPASS.

# --- Fixtures -------------------------------------------------------------------------------------------------------

# A live database built from the bundled corpus: DB ($CASE_DIR/db/live.db, generation 000001), DB_DIGEST, and the
# folder $CASE_DIR/in where the inputs of a case are written and index_run runs.
live_db() {
  mkdir -p "$CASE_DIR/db" "$CASE_DIR/in"
  DB=$CASE_DIR/db/live.db
  run_cmd 60 "$INDEX" -q --db "$DB" "$FAULT_SRC/corpus/citego-partners.xml"
  [ "$RC" -eq 0 ] || { why "setup: the first build failed: $(head -c 300 "$CASE_DIR/err")"; return 1; }
  DB_DIGEST=$(tree_digest "$CASE_DIR/db")
}

# index_run [LIMIT=] ARGS...: citego-index --db $DB ARGS in $CASE_DIR/in (LIMIT seconds, default 120).
index_run() {
  local limit=120
  if [[ ${1:-} == LIMIT=* ]]; then limit=${1#LIMIT=}; shift; fi
  cd "$CASE_DIR/in" || return 1
  run_cmd "$limit" "$INDEX" --db "$DB" "$@"
  cd "$CASE_DIR" || return 1
}

# Runs COMMAND (a function that calls run_cmd) with the address space limited to KIB.
with_memory_limit() {  # KIB COMMAND...
  local kib=$1
  shift
  RUN_MEMORY_KIB=$kib "$@"
}

expect_db_unchanged() {
  [ "$(tree_digest "$CASE_DIR/db")" = "$DB_DIGEST" ] || why "the live database changed (digest of $CASE_DIR/db)"
  expect_eq "the live link" "live.db.generations/000001" "$(readlink "$DB")"
}

# The 1-based column of the first NEEDLE on LINE of FILE (the text before it is ASCII in every case here).
col_of() {  # FILE LINE NEEDLE
  local text
  text=$(sed -n "$2p" "$1")
  text=${text%%"$3"*}
  echo $((${#text} + 1))
}

# Exit 1, nothing on stdout, exactly DIAGNOSTICS (lines ending in newlines) then the summary on stderr, tidy messages,
# and the live database as it was.
expect_refused_exact() {  # DIAGNOSTICS
  local n
  n=$(printf '%s' "$1" | grep -c '')
  local errors="$n errors"
  [ "$n" -eq 1 ] && errors="1 error"
  expect_no_hang_or_crash
  expect_eq "exit status" 1 "$RC"
  [ -s "$CASE_DIR/out" ] && why "stdout is not empty: $(head -c 200 "$CASE_DIR/out")"
  expect_file_text "stderr" "$CASE_DIR/err" "$1citego-index: $errors in the inputs; $DB is unchanged"$'\n'
  expect_tidy "stderr" "$CASE_DIR/err"
  expect_db_unchanged
}

# "To pin": exit 1, a first line `FILE:LINE:COL: error: …` or `FILE: error: …` naming FILE, a last line saying the
# database is unchanged, tidy messages, and the live database as it was.
expect_refused_located() {  # FILE
  local file=$1 first last rest
  expect_no_hang_or_crash
  expect_eq "exit status" 1 "$RC"
  [ -s "$CASE_DIR/out" ] && why "stdout is not empty: $(head -c 200 "$CASE_DIR/out")"
  first=$(head -n1 "$CASE_DIR/err" | cut -c1-300)
  last=$(tail -n1 "$CASE_DIR/err" | cut -c1-300)
  rest=${first#"$file:"}
  if [[ $first != "$file:"* ]] || ! [[ $rest =~ ^([0-9]+:[0-9]+:)?\ error:\ .+ ]]; then
    why "the first line of stderr is not a located error about $file: '$first'"
  fi
  [[ $last == *"; $DB is unchanged" ]] || why "the last line of stderr does not say $DB is unchanged: '$last'"
  expect_tidy "stderr" "$CASE_DIR/err"
  expect_db_unchanged
  note "said: ${first#"$CASE_DIR/"}"
}

# The build was accepted and published generation 000002 with COUNT documents.
expect_published() {  # COUNT
  expect_no_hang_or_crash
  expect_eq "exit status" 0 "$RC"
  expect_eq "the live link" "live.db.generations/000002" "$(readlink "$DB")"
  expect_match "the summary" "^citego-index: $1 documents? .* is generation 000002$" "$(tail -n1 "$CASE_DIR/err")"
}

# --- XML: declarations, entities, characters, what follows the root ---------------------------------------------------

case_billion_laughs() {
  live_db || return 1
  {
    echo "$XML_DECL"
    echo '<!DOCTYPE citego-export ['
    echo '  <!ENTITY lol0 "lol">'
    for i in 1 2 3 4 5 6 7 8 9; do
      printf '  <!ENTITY lol%d "%s">\n' "$i" "$(for _ in 1 2 3 4 5 6 7 8 9 10; do printf '&lol%d;' $((i - 1)); done)"
    done
    echo ']>'
    echo '<citego-export version="1" xml:lang="en">'
    org org-laughs 'Laughs &lol9;'
    echo '</citego-export>'
  } >in/laughs.xml
  with_memory_limit 1048576 index_run laughs.xml
  expect_refused_located laughs.xml
}

# The external entity is named in a name; wherever it is read, its content must be refused.
case_external_entity_refused() {
  live_db || return 1
  {
    echo "$XML_DECL"
    echo '<!DOCTYPE citego-export [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>'
    echo '<citego-export version="1" xml:lang="en">'
    org org-xxe 'Leak &xxe;'
    echo '</citego-export>'
  } >in/xxe.xml
  index_run xxe.xml
  expect_refused_located xxe.xml
}

# Whatever the indexer decides, no word of an external entity's target ends up in a database: general and parameter
# entities, /etc/passwd and a local file holding a marker word.
case_external_entity_never_indexed() {
  mkdir -p in
  local marker=zqxjvexternalmarker
  printf 'secret %s text\n' "$marker" >secret.txt
  printf '<!ENTITY leak "%s">\n' "$marker" >secret.dtd
  local -a variants=(
    "<!DOCTYPE citego-export [ <!ENTITY xxe SYSTEM \"file:///etc/passwd\"> ]>|&xxe;"
    "<!DOCTYPE citego-export [ <!ENTITY xxe SYSTEM \"file://$CASE_DIR/secret.txt\"> ]>|&xxe;"
    "<!DOCTYPE citego-export [ <!ENTITY % ext SYSTEM \"file://$CASE_DIR/secret.dtd\"> %ext; ]>|&leak;"
    "<!DOCTYPE citego-export SYSTEM \"file://$CASE_DIR/secret.dtd\">|&leak;"
  )
  # Words of /etc/passwd that the export itself does not hold.
  local passwd_words
  passwd_words=$(tr -cs 'a-zA-Z0-9' '\n' </etc/passwd | tr 'A-Z' 'a-z' | awk 'length($0) >= 4' | sort -u |
    grep -vx -e leak -e title -e summary -e organisation -e foundation)
  local i=0 variant db
  for variant in "${variants[@]}"; do
    i=$((i + 1))
    db=$CASE_DIR/db$i
    {
      echo "$XML_DECL"
      echo "${variant%%|*}"
      echo '<citego-export version="1" xml:lang="en">'
      echo "  <resource id=\"res-leak\"><title>Leak ${variant##*|}</title><summary>${variant##*|}</summary></resource>"
      echo '</citego-export>'
    } >"in/leak$i.xml"
    run_cmd 30 "$INDEX" --db "$db" "in/leak$i.xml"
    expect_no_hang_or_crash
    grep -q "$marker" out err && why "variant $i: the marker is echoed by citego-index"
    if [ -L "$db" ]; then
      timeout 60 xapian-delve -a "$db" | tr ' ' '\n' >terms
      grep -qi "$marker" terms && why "variant $i: the content of the external file is indexed ($marker)"
      local leaked
      leaked=$(grep -Fxf <(echo "$passwd_words") terms | head -3 | paste -sd' ')
      [ -n "$leaked" ] && why "variant $i: words of /etc/passwd are indexed: $leaked"
      run_cmd 20 "$SEARCH" --db "$db" --format json "$marker"
      expect_match "variant $i: a search for the marker" '"total":0,' "$(cat out)"
      note "variant $i accepted (exit 0), nothing leaked"
    else
      note "variant $i refused (exit $RC)"
    fi
  done
}

case_external_dtd() {
  live_db || return 1
  {
    echo "$XML_DECL"
    echo '<!DOCTYPE citego-export SYSTEM "http://127.0.0.1:9/citego.dtd">'
    echo '<citego-export version="1" xml:lang="en">'
    org org-dtd 'External DTD'
    echo '</citego-export>'
  } >in/dtd.xml
  index_run LIMIT=20 dtd.xml
  expect_refused_located dtd.xml
}

# An internal subset that declares elements and a default attribute (which a DTD-aware reader would add).
case_internal_subset() {
  live_db || return 1
  {
    echo "$XML_DECL"
    echo '<!DOCTYPE citego-export [ <!ELEMENT citego-export ANY> <!ATTLIST organisation xml:lang CDATA "de"> ]>'
    echo '<citego-export version="1" xml:lang="en">'
    org org-subset 'Internal subset'
    echo '</citego-export>'
  } >in/subset.xml
  index_run subset.xml
  expect_refused_located subset.xml
}

case_undeclared_entity() {
  live_db || return 1
  export_file in/entity.xml "$(org org-entity 'Network &lol9; of cities')"
  index_run entity.xml
  expect_refused_located entity.xml
}

case_char_ref_nul() {
  live_db || return 1
  export_file in/nul-ref.xml "$(org org-nul 'Before&#0;After')"
  index_run nul-ref.xml
  expect_refused_located nul-ref.xml
}

case_char_ref_control() {
  live_db || return 1
  export_file in/ctl-ref.xml "$(org org-ctl 'Red &#27;[31mtitle')"
  index_run ctl-ref.xml
  expect_refused_located ctl-ref.xml
}

case_raw_control_chars() {
  live_db || return 1
  export_file in/ctl.xml "$(org org-ctl $'Red \x1b[31mtitle\x1b[0m and a bell \x07')"
  index_run ctl.xml
  expect_refused_located ctl.xml
}

case_raw_nul_byte() {
  live_db || return 1
  export_file in/nul.xml "$(org org-nul 'BeforeNULAfter')"
  sed -i 's/NUL/\x00/' in/nul.xml
  index_run nul.xml
  expect_refused_located nul.xml
}

case_second_root() {
  live_db || return 1
  export_file in/two-roots.xml "$(org org-first First)"
  printf '<citego-export version="1" xml:lang="en">%s</citego-export>\n' "$(org org-second Second)" >>in/two-roots.xml
  index_run two-roots.xml
  expect_refused_located two-roots.xml
}

case_text_after_root() {
  live_db || return 1
  export_file in/trailing.xml "$(org org-trailing Trailing)"
  echo 'text after the root' >>in/trailing.xml
  index_run trailing.xml
  expect_refused_located trailing.xml
}

case_second_xml_declaration() {
  live_db || return 1
  export_file in/decl.xml "$(org org-decl Declaration)"
  echo "$XML_DECL" >>in/decl.xml
  index_run decl.xml
  expect_refused_located decl.xml
}

# XML allows comments and processing instructions after the root: such an export is accepted.
case_comment_after_root() {
  live_db || return 1
  export_file in/comment.xml "$(org org-comment Comment)"
  printf '<!-- exported on Monday -->\n<?citego-export-tool done?>\n' >>in/comment.xml
  index_run --allow-shrink comment.xml
  expect_published 1
}

# Unique Att Spec: an attribute given twice is not well-formed XML (here a second id).
case_duplicate_attribute() {
  live_db || return 1
  export_file in/dup-attr.xml '  <organisation id="org-first" id="org-second"><name>Twice</name><kind>foundation</kind></organisation>'
  index_run dup-attr.xml
  expect_refused_located dup-attr.xml
}

# The file cut in the middle of an element.
case_truncated_export() {
  live_db || return 1
  cp "$FAULT_SRC/corpus/citego-partners.xml" in/cut.xml
  truncate -s $(($(stat -c %s in/cut.xml) / 2)) in/cut.xml
  index_run cut.xml
  expect_refused_located cut.xml
}

case_empty_file() {
  live_db || return 1
  : >in/empty.xml
  index_run empty.xml
  expect_refused_located empty.xml
}

# --- XML: size and depth ---------------------------------------------------------------------------------------------

case_deep_nesting_in_text() {
  live_db || return 1
  {
    echo "$XML_DECL"
    echo '<citego-export version="1" xml:lang="en">'
    printf '  <organisation id="org-deep"><name>Deep</name><kind>foundation</kind><description>'
    repeat_text '<a>' 100000
    printf 'x'
    repeat_text '</a>' 100000
    printf '</description></organisation>\n</citego-export>\n'
  } >in/deep.xml
  local a description
  description=$(col_of in/deep.xml 3 '<description>')
  a=$((description + 13))
  index_run deep.xml
  expect_refused_exact "deep.xml:3:$a: error: <organisation> \"org-deep\" has an element <a> inside <description>, which holds text only
deep.xml:3:$description: error: <organisation> \"org-deep\" has an empty <description>
"
}

case_deep_nesting_under_root() {
  live_db || return 1
  {
    echo "$XML_DECL"
    printf '<citego-export version="1" xml:lang="en">'
    repeat_text '<a>' 100000
    repeat_text '</a>' 100000
    printf '</citego-export>\n'
  } >in/deep-root.xml
  index_run deep-root.xml
  expect_refused_exact "deep-root.xml:2:42: error: unknown element <a> in <citego-export> (expected <organisation>, <project> or <resource>)
"
}

# 100k elements opened and never closed before the root's end tag.
case_deep_nesting_unclosed() { oversized_case unclosed.xml '' '<a>' 100000 ''; }

# 100,000 distinct unknown attributes: every one is an error; 100 are shown (the default --max-errors).
case_many_attributes() {
  live_db || return 1
  {
    echo "$XML_DECL"
    echo '<citego-export version="1" xml:lang="en">'
    printf '  <organisation id="org-attrs"'
    seq 0 99999 | sed 's/.*/ a&="v"/' | tr -d '\n'
    printf '><name>Attributes</name><kind>foundation</kind></organisation>\n</citego-export>\n'
  } >in/attrs.xml
  index_run attrs.xml
  local expected
  expected=$(seq 0 99 | sed 's/.*/attrs.xml:3:3: error: <organisation> "org-attrs" has an unknown attribute a&/')
  expect_no_hang_or_crash
  expect_eq "exit status" 1 "$RC"
  expect_file_text "stderr" err "$expected
citego-index: 100000 errors in the inputs (100 shown); reading stopped at the limit of 100 (--max-errors); $DB is unchanged
"
  expect_db_unchanged
}

# oversized_case FILE HEAD TEXT COUNT TAIL: an export of HEAD, TEXT repeated COUNT times and TAIL inside the root; refused.
oversized_case() {
  live_db || return 1
  {
    printf '%s\n<citego-export version="1" xml:lang="en">\n%s' "$XML_DECL" "$2"
    repeat_text "$3" "$4"
    printf '%s\n</citego-export>\n' "$5"
  } >"in/$1"
  index_run LIMIT=120 "$1"
  expect_refused_located "$1"
}

# A 64 MiB <body> (an over-long field).
case_huge_text_node() {
  oversized_case huge-body.xml '  <resource id="res-huge"><title>Huge</title><body>' 'word ' $((64 * 1024 * 1024 / 5)) \
    '</body></resource>'
}

# A 16 MiB id: refused (not an id), and the message must not echo it whole.
case_huge_id_attribute() {
  oversized_case huge-id.xml '  <organisation id="' a $((16 * 1024 * 1024)) \
    '"><name>Huge id</name><kind>foundation</kind></organisation>'
}

# A 16 MiB role attribute (validated only, never stored: an over-long field all the same).
case_huge_attribute() {
  oversized_case huge-role.xml "$(org org-role Role)
  <project id=\"prj-role\"><title>Role</title><type>mooc</type><period start=\"2016\"/><participants><participant ref=\"org-role\" role=\"" \
    r $((16 * 1024 * 1024)) '"/></participants></project>'
}

# A minified export (every document on one line) is read in about the time of the same export with its line breaks:
# the locations of messages must not be found by rescanning the line. Compares the reading ("check") times that
# --verbose prints, measured in the same run: at most 3 times the baseline + 0.5 s.
case_minified_export() {
  mkdir -p in
  local docs=600
  [ "$FAULT_MODE" = long ] && docs=4000
  run_cmd 60 "$GENERATE" --format-version 1 --docs "$docs" --files 1 --out lines
  [ "$RC" -eq 0 ] || { why "setup: citego-generate failed: $(head -c 300 err)"; return 1; }
  mkdir -p minified
  tr '\n' ' ' <lines/part-0001.xml >minified/part-0001.xml
  run_cmd 300 "$INDEX" -v --db lines.db lines
  [ "$RC" -eq 0 ] || { why "setup: the build with line breaks failed: $(head -c 300 err)"; return 1; }
  local baseline total limit check
  baseline=$(sed -n 's/^citego-index: check \([0-9.]*\) s, .*/\1/p' err)
  [ -n "$baseline" ] || { why "setup: no check time in: $(tail -n1 err)"; return 1; }
  limit=$(awk -v b="$RUN_SECONDS" 'BEGIN { printf "%.0f", 2 * b + 5 }')
  run_cmd "$limit" "$INDEX" -v --db minified.db minified
  expect_no_hang_or_crash
  expect_eq "exit status" 0 "$RC"
  check=$(sed -n 's/^citego-index: check \([0-9.]*\) s, .*/\1/p' err)
  note "$docs documents read in $baseline s with line breaks, ${check:-?} s on one line"
  awk -v b="$baseline" -v c="${check:-1e9}" 'BEGIN { exit !(c <= 3 * b + 0.5) }' ||
    why "reading took ${check:-more than $limit} s on one line, $baseline s with line breaks"
  if [ "$RC" -eq 0 ]; then
    # The same documents: line breaks inside text are white space, collapsed either way.
    timeout 60 "$SEARCH" --db lines.db --format json --limit 20 democracy >a.json
    timeout 60 "$SEARCH" --db minified.db --format json --limit 20 democracy >b.json
    cmp -s a.json b.json || why "the minified export answers differently from the one with line breaks"
  fi
}

# --- Encodings -------------------------------------------------------------------------------------------------------

# One export whose organisation name holds BYTES (printf escapes); the exact message names the <name> element.
invalid_utf8_case() {  # FILE BYTES
  live_db || return 1
  export_file "in/$1" "$(org org-utf8 "Name $2 here")"
  printf -v bytes '%b' "$(cat "in/$1")"
  printf '%s' "$bytes" >"in/$1"
  local col
  col=$(col_of "in/$1" 3 '<name>')
  index_run "$1"
  expect_refused_exact "$1:3:$col: error: <organisation> \"org-utf8\" has invalid UTF-8 in <name>
"
}
case_invalid_utf8() { invalid_utf8_case invalid.xml '\xff\xfe'; }
case_overlong_utf8() { invalid_utf8_case overlong.xml '\xc0\xaf'; }
case_surrogate_utf8() { invalid_utf8_case surrogate.xml '\xed\xa0\x80'; }
case_beyond_unicode_utf8() { invalid_utf8_case beyond.xml '\xf4\x90\x80\x80'; }
case_truncated_utf8_sequence() { invalid_utf8_case cut-sequence.xml '\xe2\x82'; }

case_invalid_utf8_in_attribute() {
  live_db || return 1
  export_file in/attr-utf8.xml "$(org org-attr Attribute)
  <project id=\"prj-attr\"><title>Attribute</title><type>mooc</type><period start=\"2016\"/><participants><participant ref=\"org-attr\" role=\"part\\xffner\"/></participants></project>"
  printf -v bytes '%b' "$(cat in/attr-utf8.xml)"
  printf '%s' "$bytes" >in/attr-utf8.xml
  index_run attr-utf8.xml
  expect_refused_located attr-utf8.xml
}

utf16_case() {  # FILE ICONV_ENCODING BOM_BYTES
  live_db || return 1
  export_file plain.xml "$(org org-utf16 'Économie')"
  { printf '%b' "$3"; iconv -f UTF-8 -t "$2" plain.xml; } >"in/$1"
  index_run "$1"
  expect_refused_located "$1"
}
case_utf16le_bom() { utf16_case utf16le-bom.xml UTF-16LE '\xff\xfe'; }
case_utf16be_bom() { utf16_case utf16be-bom.xml UTF-16BE '\xfe\xff'; }
case_utf16le_no_bom() { utf16_case utf16le.xml UTF-16LE ''; }

case_latin1_declared() {
  live_db || return 1
  printf '<?xml version="1.0" encoding="ISO-8859-1"?>\n<citego-export version="1" xml:lang="fr">\n%s\n</citego-export>\n' \
    "$(org org-latin1 $'\xc9conomie')" >in/latin1.xml
  index_run --allow-shrink latin1.xml
  expect_published 1
}

# Declared UTF-16, written in UTF-8: the declaration does not match the bytes.
case_encoding_declaration_mismatch() {
  live_db || return 1
  printf '<?xml version="1.0" encoding="UTF-16"?>\n<citego-export version="1" xml:lang="fr">\n%s\n</citego-export>\n' \
    "$(org org-mismatch 'Économie')" >in/mismatch.xml
  index_run mismatch.xml
  expect_refused_located mismatch.xml
}

# A UTF-8 byte order mark is allowed.
case_utf8_bom() {
  live_db || return 1
  export_file plain.xml "$(org org-bom 'Économie solidaire')"
  { printf '\xef\xbb\xbf'; cat plain.xml; } >in/bom.xml
  index_run --allow-shrink bom.xml
  expect_published 1
}

# --- Inputs that are not plain files ---------------------------------------------------------------------------------

case_fifo_input() {
  live_db || return 1
  mkfifo in/pipe.xml
  index_run LIMIT=5 pipe.xml
  expect_refused_located pipe.xml
}

case_device_null() {
  live_db || return 1
  index_run LIMIT=10 /dev/null
  expect_refused_located /dev/null
}

# An endless device, under a 2 GiB address-space limit: refused, not read until memory runs out.
case_device_zero() {
  live_db || return 1
  with_memory_limit 2097152 index_run LIMIT=30 /dev/zero
  expect_refused_located /dev/zero
}

# folder_entry_case ENTRY COMMAND...: a folder "exports" holding a good export, and ENTRY made by COMMAND (run in the
# folder, e.g. "ln -s gone.xml dangling.xml"): the build is refused, and the message names the entry.
folder_entry_case() {
  local entry=$1
  shift
  live_db || return 1
  mkdir in/exports
  export_file in/exports/a.xml "$(org org-a A)"
  (cd in/exports && "$@") || { why "setup: $* failed"; return 1; }
  index_run LIMIT=10 exports
  expect_refused_located "exports/$entry"
}
case_fifo_in_folder() { folder_entry_case pipe.xml mkfifo pipe.xml; }
# l.xml → m.xml → l.xml, beside a good export after them.
case_symlink_loop_in_folder() {
  folder_entry_case l.xml bash -c 'ln -s m.xml l.xml && ln -s l.xml m.xml && cp a.xml z.xml && sed -i s/org-a/org-z/ z.xml'
}
case_self_symlink_in_folder() { folder_entry_case self.xml ln -s self.xml self.xml; }
case_dangling_symlink_in_folder() { folder_entry_case dangling.xml ln -s gone.xml dangling.xml; }
# A folder's subfolders are not read, whatever their name (schema/README.md): sub.xml/b.xml is not indexed.
case_directory_named_xml_in_folder() {
  live_db || return 1
  mkdir in/exports
  export_file in/exports/a.xml "$(org org-a A)"
  mkdir in/exports/sub.xml
  export_file in/exports/sub.xml/b.xml "$(org org-b B)"
  index_run LIMIT=10 --allow-shrink exports
  expect_published 1
}

case_symlink_loop_as_input() {
  live_db || return 1
  ln -s loop.xml in/loop.xml
  index_run loop.xml
  expect_refused_located loop.xml
}

case_dangling_symlink_as_input() {
  live_db || return 1
  ln -s gone.xml in/dangling.xml
  index_run dangling.xml
  expect_refused_located dangling.xml
}

# A directory named *.xml given as an input is refused by name (schema/README.md: a folder must not be named *.xml).
case_directory_named_xml_as_input() {
  live_db || return 1
  mkdir in/sub.xml
  index_run sub.xml
  expect_refused_exact "sub.xml: error: is a folder, not an export file (a folder given as input must not be named *.xml)
"
}

case_empty_folder() {
  live_db || return 1
  mkdir in/nothing
  index_run nothing
  expect_refused_exact "nothing: error: folder has no *.xml file
"
}

case_missing_input() {
  live_db || return 1
  index_run absent.xml
  expect_refused_exact "absent.xml: error: no such file or folder
"
}

# The same file twice: each document is a duplicate of itself.
case_same_file_twice() {
  live_db || return 1
  export_file in/twice.xml "$(org org-twice Twice)"
  index_run twice.xml twice.xml
  expect_refused_located twice.xml
}

case_unreadable_file() {
  if [ "$(id -u)" -eq 0 ]; then
    skip_because "runs as root, who reads a file of mode 000"
    return 77
  fi
  live_db || return 1
  export_file in/secret.xml "$(org org-secret Secret)"
  chmod 000 in/secret.xml
  index_run secret.xml
  expect_refused_exact "secret.xml: error: cannot read: Permission denied
"
}

# --- The database path -----------------------------------------------------------------------------------------------

# citego-index --db DB_PATH (under area/, which the case made) on the bundled corpus is refused with exactly MESSAGE,
# and leaves area/ as it was.
expect_db_path_refused() {  # DB_PATH MESSAGE
  local before
  before=$(tree_digest area)
  run_cmd 30 "$INDEX" --db "$1" "$FAULT_SRC/corpus/citego-partners.xml"
  expect_no_hang_or_crash
  expect_eq "exit status" 1 "$RC"
  expect_file_text "stderr" err "$2"$'\n'
  expect_eq "the folder holding it" "$before" "$(tree_digest area)"
}

case_db_under_a_file() {
  mkdir -p area
  echo "not a folder" >area/file
  expect_db_path_refused area/file/live.db "citego-index: cannot create area/file/live.db: area/file is not a folder"
}

case_read_only_db_folder() {
  mkdir -p db in
  DB=$CASE_DIR/db/live.db
  local read_only expected
  if [ "$(id -u)" -eq 0 ]; then
    mount -t tmpfs -o size=8m tmpfs db || { skip_because "cannot mount a tmpfs"; return 77; }
    live_db || return 1
    mount -o remount,ro db || { why "setup: cannot remount the tmpfs read-only"; return 1; }
    read_only="a tmpfs remounted read-only"
    expected="citego-index: cannot open $DB.generations/lock: Read-only file system"$'\n'
  else
    live_db || return 1
    chmod -R a-w db
    read_only="chmod a-w"
    expected="citego-index: cannot open $DB.generations/lock: Permission denied"$'\n'
  fi
  index_run --allow-shrink "$FAULT_SRC/corpus/fixtures/multilingual"  # 10 documents replace 21
  expect_no_hang_or_crash
  expect_eq "exit status" 1 "$RC"
  expect_file_text "stderr" err "$expected"
  expect_db_unchanged
  note "$read_only"
  if [ "$(id -u)" -eq 0 ]; then mount -o remount,rw db; else chmod -R u+w db; fi
  index_run --allow-shrink "$FAULT_SRC/corpus/fixtures/multilingual"  # 10 documents replace 21
  expect_eq "exit status of the next build, once writable" 0 "$RC" || why "its stderr: $(head -c 300 err)"
}

# A full disk: a small tmpfs when root, else a file-size limit. FILL leaves that many KiB free before the build.
full_disk_case() {  # FREE_KIB INPUT
  mkdir -p db in
  DB=$CASE_DIR/db/live.db
  local how
  if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=64m tmpfs db; then
    live_db || return 1
    # Fill the disk, then free what the case asks for.
    dd if=/dev/zero of=db/filler bs=4k 2>/dev/null
    [ "$1" -gt 0 ] && truncate -s "-$1K" db/filler
    DB_DIGEST=$(tree_digest db)
    how="a 64 MiB tmpfs with $1 KiB free"
    index_run --allow-shrink "$2"
  else
    live_db || return 1
    how="ulimit -f 4 (not root, or no tmpfs)"
    cd in && run_cmd 60 bash -c 'ulimit -f 4 && exec "$@"' _ "$INDEX" --db "$DB" --allow-shrink "$2"
    cd "$CASE_DIR" || return 1
  fi
  expect_no_hang_or_crash
  expect_eq "exit status" 1 "$RC"
  local err
  err=$(cat err)
  [[ $err == "citego-index: cannot write the database: "*"; $DB is unchanged" ]] ||
    why "stderr: '$(head -c 300 err)'"
  [[ $how == ulimit* ]] || [[ $err == *"No space left on device"* ]] || why "stderr does not say the disk is full"
  expect_db_unchanged
  note "$how"
  rm -f db/filler
  index_run --allow-shrink "$2"
  expect_eq "exit status of the next build, with room" 0 "$RC" || why "its stderr: $(head -c 300 err)"
  expect_eq "what the store holds after it" "000001 000002 lock" "$(ls db/live.db.generations | paste -sd' ')"
}
case_full_disk() { full_disk_case 0 "$FAULT_SRC/corpus/fixtures/multilingual"; }
case_full_disk_mid_build() { full_disk_case 600 "$FAULT_FIX/corpus-400"; }

# Two builds of one database at once: the second is refused while the first holds the lock (stopped with SIGSTOP
# once it has started writing), and the first then completes.
case_two_builds_at_once() {
  live_db || return 1
  start_background timeout -k 5 300 "$INDEX" -q --db "$DB" "$FAULT_FIX/corpus-400"
  local first=$BG_PID i
  for i in $(seq 1 600); do
    compgen -G "$DB.generations/staging-*" >/dev/null && break
    sleep 0.05
  done
  # timeout's child is the build; stop both, so that timeout does not count the pause against it.
  local build
  build=$(tr -d ' ' <"/proc/$first/task/$first/children" 2>/dev/null)
  [ -n "$build" ] || { why "setup: no build process under timeout ($first)"; return 1; }
  kill -STOP "$build"
  index_run "$FAULT_SRC/corpus/fixtures/multilingual"
  kill -CONT "$build"
  expect_no_hang_or_crash
  expect_eq "exit status of the second build" 1 "$RC"
  expect_file_text "stderr of the second build" err \
    "citego-index: another citego-index is building $DB (lock $DB.generations/lock is held)"$'\n'
  wait "$first"
  expect_eq "exit status of the first build" 0 "$?"
  expect_eq "the live link" "live.db.generations/000002" "$(readlink "$DB")"
  expect_eq "what the store holds" "000001 000002 lock" "$(ls "$DB.generations" | paste -sd' ')"
  timeout 60 "$SEARCH" --db "$DB" --format json --limit 20 democracy >live.json
  cmp -s live.json "$FAULT_FIX/answers-400/q01.json" || why "the database does not answer as one built from the 400-document corpus"
}

# Two builds started together: each either publishes or is refused with the lock message, and the database is whole.
case_two_builds_racing() {
  live_db || return 1
  local a b rc_a rc_b
  start_background timeout -k 5 300 "$INDEX" -q --db "$DB" "$FAULT_FIX/corpus-400" 2>err-a
  a=$BG_PID
  start_background timeout -k 5 300 "$INDEX" -q --db "$DB" "$FAULT_FIX/corpus-400" 2>err-b
  b=$BG_PID
  wait "$a"; rc_a=$?
  wait "$b"; rc_b=$?
  local lock_message="citego-index: another citego-index is building $DB (lock $DB.generations/lock is held)"
  local r e
  for r in "a $rc_a" "b $rc_b"; do
    e=$(cat "err-${r% *}")
    case "${r#* }" in
      0) [ -z "$e" ] || why "build ${r% *} succeeded but wrote: $e" ;;
      1) expect_eq "stderr of refused build ${r% *}" "$lock_message" "$e" ;;
      *) why "build ${r% *} exited ${r#* }: $e" ;;
    esac
  done
  [ "$rc_a" -eq 0 ] || [ "$rc_b" -eq 0 ] || why "neither build published"
  note "exits $rc_a and $rc_b"
  timeout 120 xapian-check "$DB" >/dev/null || why "xapian-check finds the live database damaged"
  timeout 60 "$SEARCH" --db "$DB" --format json --limit 20 democracy >live.json
  cmp -s live.json "$FAULT_FIX/answers-400/q01.json" || why "the database does not answer as one built from the 400-document corpus"
  local leftovers
  leftovers=$(store_leftovers "$DB" "$( [ "$rc_a" -eq 0 ] && [ "$rc_b" -eq 0 ] && echo 000002 || echo 000001)")
  [ -z "$leftovers" ] || why "left behind: $leftovers"
}

# A Xapian database that citego-index did not make (made with xapian-metadata) is never replaced.
case_foreign_database_at_db_path() {
  mkdir -p area
  timeout 60 xapian-metadata set area/foreign.db owner someone-else || { why "setup: xapian-metadata failed"; return 1; }
  expect_db_path_refused area/foreign.db "citego-index: area/foreign.db exists and is not a database published by citego-index (a link into foreign.db.generations/); move it away or choose another --db"
}

case_foreign_link_at_db_path() {
  mkdir -p area/elsewhere
  ln -s elsewhere area/live.db
  expect_db_path_refused area/live.db "citego-index: area/live.db exists and is not a database published by citego-index (a link into live.db.generations/); move it away or choose another --db"
}

# `--db ""` is a usage error, and nothing is created in the working directory.
case_empty_db_path() {
  mkdir -p cwd
  cd cwd || return 1
  run_cmd 30 "$INDEX" --db "" "$FAULT_SRC/corpus/citego-partners.xml"
  cd "$CASE_DIR" || return 1
  expect_no_hang_or_crash
  expect_eq "exit status" 2 "$RC"
  expect_eq "what the working directory holds" "" "$(ls -A cwd)"
}

case_jobs_out_of_range() {
  live_db || return 1
  index_run --jobs 100000 "$FAULT_SRC/corpus/citego-partners.xml"
  expect_no_hang_or_crash
  expect_eq "exit status" 2 "$RC"
  expect_match "stderr" '^citego-index: .*--jobs' "$(head -n1 err)"
  expect_db_unchanged
}

# --- Databases the searcher cannot trust -------------------------------------------------------------------------------

# search_json EXPECTED_EXIT DB ARGS...: citego-search --format json; checks the exit status, that stdout is one JSON
# object, and no crash. JSON_KIND is what faultlib.py json says of it.
search_json() {
  local expected=$1 db=$2
  shift 2
  run_cmd 30 "$SEARCH" --db "$db" --format json "$@"
  expect_no_hang_or_crash
  expect_eq "exit status of citego-search $*" "$expected" "$RC"
  JSON_KIND=$(python3 "$FAULT_DIR/faultlib.py" json out) || why "stdout of citego-search $*: $JSON_KIND"
}

case_search_foreign_database() {
  timeout 60 xapian-metadata set foreign.db owner someone-else || { why "setup: xapian-metadata failed"; return 1; }
  search_json 1 foreign.db democracy
  expect_file_text "stdout" out '{"version":2,"error":{"code":"schema_mismatch","message":"foreign.db was not built by citego-index (no schema version); rebuild it with: citego-index --db foreign.db INPUT..."}}
'
  expect_file_text "stderr" err 'citego-search: foreign.db was not built by citego-index (no schema version); rebuild it with: citego-index --db foreign.db INPUT...
'
}

case_search_other_schema_version() {
  cp -r "$(readlink -f "$FAULT_FIX/small.db")" other.db
  timeout 60 xapian-metadata set other.db citego.schema_version 999 || { why "setup: xapian-metadata failed"; return 1; }
  search_json 1 other.db democracy
  expect_file_text "stdout" out '{"version":2,"error":{"code":"schema_mismatch","message":"other.db was built with schema version 999; this citego-search reads version 3: rebuild it with: citego-index --db other.db INPUT..."}}
'
}

case_search_missing_database() {
  search_json 1 absent.db democracy
  expect_file_text "stdout" out '{"version":2,"error":{"code":"database_missing","message":"no database at absent.db (build one with: citego-index --db absent.db corpus/)"}}
'
}

# A copy of the 400-document database to damage: DAMAGED.
damaged_copy() {
  DAMAGED=$CASE_DIR/damaged.db
  cp -r "$(readlink -f "$FAULT_FIX/db-400")" "$DAMAGED"
}

# Every one of these queries on DAMAGED exits 1 with a JSON error of code CODE.
expect_every_query_refused() {  # CODE
  local q
  for q in democracy 'a*' ''; do
    search_json 1 "$DAMAGED" -- ${q:+"$q"}
    expect_eq "the answer to '$q'" "error $1" "$JSON_KIND"
  done
}

case_table_emptied() {
  local table
  for table in postlist termlist position; do
    damaged_copy
    : >"$DAMAGED/$table.glass"
    expect_every_query_refused database_error
    rm -rf "$DAMAGED"
  done
}

case_version_file_damaged() {
  damaged_copy
  head -c 130 /dev/urandom >"$DAMAGED/iamglass"
  expect_every_query_refused database_error
  rm -rf "$DAMAGED"
  damaged_copy
  rm "$DAMAGED/iamglass"
  expect_every_query_refused database_missing
}

case_table_missing() {
  damaged_copy
  rm "$DAMAGED/postlist.glass"
  expect_every_query_refused database_missing
}

# Damage that a query may or may not read: each query answers (exit 0) or gives a JSON error (exit 1), never crashes.
expect_answer_or_error() {
  local q outcome
  for q in democracy 'a*' 'd*' 'e*' 'gouvern*' 'particip*' ''; do
    run_cmd 30 "$SEARCH" --db "$DAMAGED" --format json --limit 10 -- ${q:+"$q"}
    expect_no_hang_or_crash
    [ "$RC" -eq 0 ] || [ "$RC" -eq 1 ] || why "$1, query '$q': exit $RC"
    outcome=$(python3 "$FAULT_DIR/faultlib.py" json out) || why "$1, query '$q': stdout: $outcome"
    [ "$RC" -ne 1 ] || [[ $outcome == error* ]] || why "$1, query '$q': exit 1 without a JSON error"
    [ "$RC" -ne 0 ] || [[ $outcome == answer* ]] || why "$1, query '$q': exit 0 without an answer"
    [ "$RC" -ge 128 ] && why "to reproduce: citego-generate --format-version 1 --docs 400 --files 1 --out C; citego-index --db D C; cp -r D DB; faultlib.py flip DB/$2; citego-search --db DB --format json --limit 10 -- '$q'"
    echo "$1 '$q': $RC ${outcome%% *}" >>outcomes
  done
}

# Seeds 1 to 3 (quick) or 1 to 12 (long) of 16 flipped bits in TABLE.
bit_flip_case() {  # TABLE
  local seed seeds=3
  [ "$FAULT_MODE" = long ] && seeds=12
  for seed in $(seq 1 "$seeds"); do
    damaged_copy
    python3 "$FAULT_DIR/faultlib.py" flip "$DAMAGED/$1.glass" 16 "$seed"
    expect_answer_or_error "16 bits flipped in $1.glass, seed $seed" "$1.glass 16 $seed"
    rm -rf "$DAMAGED"
  done
  note "$(grep -c ': 0 answer' outcomes) answers, $(grep -c ': 1 error' outcomes) JSON errors of $(grep -c '' outcomes)"
}
case_bit_flips_termlist() { bit_flip_case termlist; }
case_bit_flips_postlist() { bit_flip_case postlist; }
case_bit_flips_docdata() { bit_flip_case docdata; }
case_bit_flips_position() { bit_flip_case position; }

case_tables_cut_in_half() {
  local table
  for table in postlist docdata termlist position; do
    damaged_copy
    truncate -s $(($(stat -c %s "$DAMAGED/$table.glass") / 2)) "$DAMAGED/$table.glass"
    expect_answer_or_error "$table.glass cut in half" "$table.glass (truncated to half instead)"
    rm -rf "$DAMAGED"
  done
  note "$(grep -c ': 0 answer' outcomes) answers, $(grep -c ': 1 error' outcomes) JSON errors of $(grep -c '' outcomes)"
}

# waits until the socket SOCKET exists (the server is up), at most 20 s.
wait_for_socket() {
  local i
  for i in $(seq 1 200); do
    [ -S "$1" ] && return 0
    sleep 0.1
  done
  why "setup: the server did not create $1"
  return 1
}

# A server on a damaged database keeps serving after a query that reads the damage (issue #8, item 4).
case_server_survives_damaged_database() {
  damaged_copy
  # The damage and the query of a crash of case_bit_flips_termlist (seed 1, gouvern*: SIGSEGV in
  # Enquire::get_matching_terms_begin, called for the snippets).
  python3 "$FAULT_DIR/faultlib.py" flip "$DAMAGED/termlist.glass" 16 1
  start_background timeout -k 5 120 "$SEARCH" --db "$DAMAGED" --serve "$CASE_DIR/s.sock" --threads 2 2>server.err
  local server=$BG_PID
  wait_for_socket "$CASE_DIR/s.sock" || return 1
  local q
  for q in 'gouvern*' 'a*' 'particip*'; do
    run_cmd 60 "$CLIENT" --socket "$CASE_DIR/s.sock" --db "$DAMAGED" --format json --limit 10 -- "$q"
  done
  kill -0 "$server" 2>/dev/null || why "the server is gone after the queries (stderr: $(tail -c 200 server.err))"
  run_cmd 60 "$CLIENT" --socket "$CASE_DIR/s.sock" --db "$DAMAGED" --format json --limit 10 -- democracy
  expect_eq "exit status of an ordinary query after them" 0 "$RC"
  kill -0 "$server" 2>/dev/null || why "the server is gone after an ordinary query"
  kill -TERM "$server" 2>/dev/null
  wait "$server"
  return 0
}

# --- Hostile queries --------------------------------------------------------------------------------------------------

# hostile_query EXITS ARGS...: on the fixture's search database, citego-search --format json ARGS must exit with one of
# EXITS (e.g. "0 2"), print one JSON object, leave tidy stderr, and finish within the deadline (2 s) + 0.5 s with a
# peak RSS under 256 MiB (bounds not checked under AddressSanitizer). JSON_KIND says what the answer was.
hostile_query() {
  local exits=$1
  shift
  python3 "$FAULT_DIR/faultlib.py" measure usage -- timeout -k 5 60 "$SEARCH" --db "$FAULT_FIX/search.db" --format json "$@" \
    >out 2>err </dev/null
  local seconds rss
  read -r RC seconds rss <usage
  RUN_WHAT=citego-search
  RUN_LIMIT=60
  expect_no_hang_or_crash
  [[ " $exits " == *" $RC "* ]] || why "exit status $RC, expected one of: $exits"
  JSON_KIND=$(python3 "$FAULT_DIR/faultlib.py" json out) || why "stdout: $JSON_KIND"
  expect_tidy "stderr" err
  if [ "$FAULT_ASAN" != 1 ]; then
    awk -v s="$seconds" 'BEGIN { exit !(s <= 2.5) }' || why "took $seconds s (more than the 2 s deadline + 0.5 s)"
    [ "$rss" -lt 262144 ] || why "peak RSS $rss KiB (256 MiB at most)"
  fi
  note "exit $RC, ${JSON_KIND%% *}, $seconds s, $((rss / 1024)) MiB"
}

# At most 4096 bytes of prefix wildcards (aa* ab* … then three letters).
wildcards_4k() {
  local words=() a b c text=""
  for a in {a..z}; do for b in {a..z}; do words+=("$a$b*"); done; done
  for a in {a..z}; do for b in {a..z}; do for c in {a..z}; do words+=("$a$b$c*"); done; done; done
  for a in "${words[@]}"; do
    [ $((${#text} + ${#a} + 1)) -gt 4096 ] && break
    text+="$a "
  done
  printf '%s' "${text% }"
}

case_query_4k_of_wildcards() { hostile_query "0 1 2" -- "$(wildcards_4k)"; }

case_query_4k_of_wildcards_and_filters() {
  if [ "$FAULT_ASAN" = 1 ]; then
    skip_because "its point is the time bound, not measured under AddressSanitizer"
    return 77
  fi
  hostile_query "0 1 2" --filter year=2000..2030 --filter lang=en --filter kind=foundation --filter type=mooc \
    --filter doctype=resource --limit 100 --facet-limit 0 -- "$(wildcards_4k)"
}

# 1,000 terms under the default operator (OR), two and three letters each: 3.3 KB.
case_query_1000_terms() {
  local terms
  terms=$(printf '%s ' {a..z}{a..z} {a..m}{a..z}{a..z} | cut -d' ' -f1-1000)
  hostile_query "0 1 2" -- "$terms"
}

# 1,000 explicitly OR'ed terms do not fit the 4096-byte limit on a query.
case_query_1000_ored_terms() {
  local terms
  terms=$(printf 'w%d OR ' $(seq 1 1000))
  terms=${terms% OR }
  hostile_query 2 -- "$terms"
  expect_file_text "stdout" out '{"version":2,"error":{"code":"query_too_long","message":"query of '"${#terms}"' bytes is longer than the limit of 4096"}}
'
}

case_query_deep_brackets() {
  hostile_query "0 2" -- "$(repeat_text '(' 2000)democracy$(repeat_text ')' 2000)"
}

case_query_unbalanced_brackets() { hostile_query "0 2" -- "$(repeat_text '(' 4000)democracy"; }

case_query_near_chain() {
  local terms
  terms=$(printf 'w%d NEAR ' $(seq 1 400))
  hostile_query "0 1 2" -- "${terms% NEAR } democracy"
}

case_query_quotes_and_dashes() {
  hostile_query "0 2" -- "$(repeat_text '"' 2000)$(repeat_text '-' 2000)"
}

case_query_control_characters() {
  hostile_query "0 2" -- $'demo\x01cra\x1b[31mcy\x7f'
  run_cmd 30 "$SEARCH" --db "$FAULT_FIX/search.db" --format text -- $'demo\x01cra\x1b[31mcy\x7f'
  expect_tidy "the text output" out
  run_cmd 30 "$SEARCH" --db "$FAULT_FIX/search.db" --format csv -- $'demo\x01cra\x1b[31mcy\x7f'
  expect_tidy "the CSV output" out crlf
}

case_query_invalid_utf8() { hostile_query "0 2" -- $'\xff\xfe democracy \xc0\xaf'; }

case_query_offset_19_digits() {
  hostile_query 2 --offset 9999999999999999999 democracy
  expect_file_text "stdout" out '{"version":2,"error":{"code":"usage","message":"the argument ('"'"'9999999999999999999'"'"') for option '"'"'--offset'"'"' is invalid"}}
'
}

# An offset past the last hit gives an empty page with the true total (issue #8, item 7).
case_query_offset_past_the_end() {
  hostile_query 0 --offset 999999 democracy
  [[ $JSON_KIND =~ ^answer\ [1-9][0-9]*\ $ ]] || why "expected an empty page with the total, got: $JSON_KIND"
}

case_query_limit_above_maximum() {
  hostile_query 2 --limit 101 democracy
  expect_file_text "stdout" out '{"version":2,"error":{"code":"usage","message":"--limit 101 is above the maximum of 100"}}
'
}

# A year filter that does not parse matches nothing and warns (issue #8, item 7: a stale URL is no error page).
case_query_bad_year_filter() {
  hostile_query 0 --filter year=0..9999 democracy
  expect_match "the answer" '^answer 0 $' "$JSON_KIND"
  grep -qF '"warnings":[{"code":"unknown_filter_value","message":"bad year filter \"0..9999\" (expected YYYY, YYYY..YYYY, ..YYYY or YYYY.., years 1000 to 2999); it matches no document"}]' out ||
    why "the answer has not the year filter's warning"
}

# Facet values in the wrong case match (issue #8, item 7).
case_query_upper_case_facet_value() {
  hostile_query 0 --filter lang=FR --
  [[ $JSON_KIND =~ ^answer\ [1-9] ]] || why "expected the French documents, got: $JSON_KIND"
  "$SEARCH" --db "$FAULT_FIX/search.db" --format json --filter lang=fr -- >lower 2>/dev/null
  cmp -s out lower || why "lang=FR does not answer as lang=fr"
}

# An unknown facet value gives no hits and a warning, not an error (issue #8, item 7).
case_query_unknown_facet_value() {
  hostile_query 0 --filter kind=no-such-kind democracy
  expect_match "the answer" '^answer 0 $' "$JSON_KIND"
  grep -q '"warnings":' out || why "the answer has no warnings entry"
}

# --batch goes on past bad lines: they are named on stderr, the TREC run stays valid (issue #8, item 6).
case_batch_with_bad_lines() {
  {
    printf 'q1\tdemocracy\n'
    printf 'no tab on this line\n'
    printf 'q3\tgovernance\n'
    printf 'q4\t%s\n' "$(repeat_text 'x ' 3000)"
    printf 'q5\tcooperation\n'
  } >queries.tsv
  run_cmd 60 "$SEARCH" --db "$FAULT_FIX/search.db" --batch queries.tsv --limit 5
  expect_no_hang_or_crash
  expect_eq "exit status" 2 "$RC"
  local bad
  bad=$(grep -cvE '^q[0-9] Q0 [a-z0-9-]+ [0-9]+ -?[0-9.]+ citego$' out)
  expect_eq "lines of stdout that are not TREC lines" 0 "$bad"
  expect_eq "queries answered" "q1 q3 q5" "$(cut -d' ' -f1 out | uniq | paste -sd' ')"
  grep -q '^citego-search: line 2: ' err || why "stderr does not name line 2: $(head -c 200 err)"
  grep -q '^citego-search: line 4: ' err || why "stderr does not name line 4: $(head -c 200 err)"
}

# --- The client and the server -----------------------------------------------------------------------------------------

# The client prints exactly what citego-search prints, with its exit status (within CLIENT_LIMIT seconds, default 60).
expect_client_like_search() {  # SOCKET ARGS...
  local socket=$1
  shift
  run_cmd 60 "$SEARCH" --db "$FAULT_FIX/search.db" --format json "$@"
  cp out search.out
  local search_rc=$RC
  run_cmd "${CLIENT_LIMIT:-60}" "$CLIENT" --socket "$socket" --db "$FAULT_FIX/search.db" --format json "$@"
  expect_no_hang_or_crash
  expect_eq "exit status of citego-client" "$search_rc" "$RC"
  cmp -s out search.out || why "citego-client printed $(wc -c <out) bytes, not citego-search's $(wc -c <search.out)"
}

# A server that closes each connection without reading it is no server: the client runs the search itself.
case_client_server_closes_unread() {
  start_background timeout -k 5 120 python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(64)
while True:
    c, _ = s.accept()
    c.close()
' "$CASE_DIR/closing.sock"
  wait_for_socket "$CASE_DIR/closing.sock" || return 1
  local i
  for i in 1 2 3 4 5 6 7 8 9 10; do
    expect_client_like_search "$CASE_DIR/closing.sock" --limit 20 democracy || { note "call $i of 10 failed"; break; }
  done
}

case_client_socket_is_a_file() {
  echo "not a socket" >plain-file
  expect_client_like_search "$CASE_DIR/plain-file" --limit 20 democracy
}

case_client_stale_socket() {
  python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$CASE_DIR/stale.sock"
  expect_client_like_search "$CASE_DIR/stale.sock" --limit 20 democracy
}

# Connections that send nothing do not hold the server's workers: with both busy with idle sockets, a query is
# answered well within a second.
case_server_idle_connections() {
  start_background timeout -k 5 120 "$SEARCH" --db "$FAULT_FIX/search.db" --serve "$CASE_DIR/s.sock" --threads 2 2>server.err
  local server=$BG_PID
  wait_for_socket "$CASE_DIR/s.sock" || return 1
  start_background timeout -k 5 60 python3 -c '
import socket, sys, time
idle = []
for _ in range(4):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    idle.append(s)
time.sleep(50)
' "$CASE_DIR/s.sock"
  sleep 0.5
  CLIENT_LIMIT=3 expect_client_like_search "$CASE_DIR/s.sock" --limit 20 democracy
  awk -v s="$RUN_SECONDS" 'BEGIN { exit !(s <= 1.0) }' || why "the query took $RUN_SECONDS s behind 4 idle connections"
  note "answered in $RUN_SECONDS s"
  kill -TERM "$server" 2>/dev/null
  return 0
}

# A second SIGTERM while the server finishes a request still stops it cleanly: exit 0 and its last log line.
case_server_second_sigterm() {
  start_background timeout --foreground -k 5 120 "$SEARCH" --db "$FAULT_FIX/search.db" --serve "$CASE_DIR/s.sock" --threads 2 2>server.err
  local server=$BG_PID
  wait_for_socket "$CASE_DIR/s.sock" || return 1
  # A slow request in flight (4 KB of wildcards with filters: seconds on the 2k database), so that the shutdown waits.
  start_background timeout -k 5 60 "$CLIENT" --socket "$CASE_DIR/s.sock" --db "$FAULT_FIX/search.db" --format json \
    --filter year=2000..2030 --filter lang=en --filter kind=foundation --filter type=mooc --filter doctype=resource \
    --limit 100 --facet-limit 0 -- "$(wildcards_4k)" >slow.out 2>slow.err
  sleep 0.5
  kill -TERM "$server"
  sleep 0.3
  kill -TERM "$server"
  wait "$server"
  expect_eq "exit status of the server" 0 "$?"
  expect_match "its last line" '^citego-search: stopped serving ' "$(tail -n1 server.err)"
}

# --- The list ----------------------------------------------------------------------------------------------------------

catalogue_cases() {
  local strict="#8 item 5: strict XML reading"
  run_case "xml: billion laughs (entities nested 10 deep, 10^9 expansions)" case_billion_laughs
  run_case "xml: external entity SYSTEM file:///etc/passwd is refused" case_external_entity_refused
  run_case "xml: no external entity's content is ever indexed (4 variants)" case_external_entity_never_indexed
  run_case "xml: external DTD on the network" case_external_dtd
  run_case "xml: internal subset with element and default-attribute declarations" case_internal_subset
  run_case "xml: undeclared entity &lol9;" case_undeclared_entity
  run_case "xml: character reference &#0;" case_char_ref_nul
  run_case "xml: character reference &#27; (ESC)" case_char_ref_control
  run_case "xml: raw ESC and BEL in a name" case_raw_control_chars
  run_case "xml: raw NUL byte in a name" case_raw_nul_byte
  run_case "xml: a second root element" case_second_root
  run_case "xml: text after the root" case_text_after_root
  run_case "xml: a second XML declaration after the root" case_second_xml_declaration
  run_case "xml: a comment and a PI after the root are accepted" case_comment_after_root
  run_case "xml: an attribute given twice (id=\"a\" id=\"b\")" case_duplicate_attribute
  run_case "xml: export cut in the middle" case_truncated_export
  run_case "xml: empty file" case_empty_file
  run_case "xml: 100k levels of elements inside <description>" case_deep_nesting_in_text
  run_case "xml: 100k levels of elements under the root" case_deep_nesting_under_root
  run_case "xml: 100k unclosed elements" case_deep_nesting_unclosed
  run_case "xml: 100k unknown attributes on one document (100 shown)" case_many_attributes
  run_case "xml: 64 MiB text node (over-long field)" case_huge_text_node
  run_case "xml: 16 MiB id attribute, not echoed whole" case_huge_id_attribute
  run_case "xml: 16 MiB role attribute (over-long field)" case_huge_attribute
  run_case "xml: minified export (one line) indexes in linear time" case_minified_export
  run_case "utf-8: invalid bytes FF FE" case_invalid_utf8
  run_case "utf-8: overlong encoding C0 AF" case_overlong_utf8
  run_case "utf-8: encoded surrogate ED A0 80" case_surrogate_utf8
  run_case "utf-8: beyond U+10FFFF (F4 90 80 80)" case_beyond_unicode_utf8
  run_case "utf-8: sequence cut short (E2 82)" case_truncated_utf8_sequence
  run_case "utf-8: invalid bytes in an attribute" case_invalid_utf8_in_attribute
  run_case "encoding: UTF-16LE with BOM" case_utf16le_bom
  run_case "encoding: UTF-16BE with BOM" case_utf16be_bom
  run_case "encoding: UTF-16LE without BOM" case_utf16le_no_bom
  run_case "encoding: ISO-8859-1 declared and used" case_latin1_declared
  run_case "encoding: UTF-16 declared, UTF-8 written" case_encoding_declaration_mismatch
  run_case "encoding: UTF-8 with a byte order mark is accepted" case_utf8_bom
  run_case "input: a FIFO" case_fifo_input
  run_case "input: a FIFO named *.xml in a folder" case_fifo_in_folder
  run_case "input: /dev/null" case_device_null
  run_case "input: /dev/zero under a 2 GiB memory limit" case_device_zero
  run_case "input: symlink loop in a folder" case_symlink_loop_in_folder
  run_case "input: symlink to itself in a folder" case_self_symlink_in_folder
  run_case "input: dangling symlink in a folder" case_dangling_symlink_in_folder
  run_case "input: symlink loop given as input" case_symlink_loop_as_input
  run_case "input: dangling symlink given as input" case_dangling_symlink_as_input
  run_case "input: directory named *.xml in a folder" case_directory_named_xml_in_folder
  run_case "input: directory named *.xml given as input" case_directory_named_xml_as_input
  run_case "input: empty folder" case_empty_folder
  run_case "input: missing file" case_missing_input
  run_case "input: the same file twice" case_same_file_twice
  run_case "input: unreadable file" case_unreadable_file
  run_case "db: path under a regular file" case_db_under_a_file
  run_case "db: read-only database folder" case_read_only_db_folder
  run_case "db: full disk (no space at all)" case_full_disk
  run_case "db: full disk half-way through a build (400 documents)" case_full_disk_mid_build
  run_case "db: two builds at once (the first stopped mid-build)" case_two_builds_at_once
  run_case "db: two builds started together" case_two_builds_racing
  run_case "db: a foreign Xapian database at --db" case_foreign_database_at_db_path
  run_case "db: a foreign link at --db" case_foreign_link_at_db_path
  run_case "db: --db \"\" is a usage error, creates nothing" case_empty_db_path
  run_case "db: --jobs 100000" case_jobs_out_of_range
  run_case "searcher: a foreign Xapian database" case_search_foreign_database
  run_case "searcher: a database of schema version 999" case_search_other_schema_version
  run_case "searcher: no database" case_search_missing_database
  run_case "searcher: postlist, termlist, position tables emptied" case_table_emptied
  run_case "searcher: iamglass damaged, then missing" case_version_file_damaged
  run_case "searcher: postlist table missing" case_table_missing
  run_case "searcher: 16 flipped bits in termlist.glass (3 or 12 seeds × 7 queries)" case_bit_flips_termlist
  run_case "searcher: 16 flipped bits in postlist.glass (3 or 12 seeds × 7 queries)" case_bit_flips_postlist
  run_case "searcher: 16 flipped bits in docdata.glass (3 or 12 seeds × 7 queries)" case_bit_flips_docdata
  run_case "searcher: 16 flipped bits in position.glass (3 or 12 seeds × 7 queries)" case_bit_flips_position
  run_case "searcher: each table cut in half (7 queries each)" case_tables_cut_in_half
  run_case "server: survives a query that reads a damaged termlist" case_server_survives_damaged_database
  run_case "query: 4 KB of wildcards" case_query_4k_of_wildcards
  run_case "query: 4 KB of wildcards with 5 filters, 100 hits, all facets" case_query_4k_of_wildcards_and_filters
  run_case "query: 1000 terms (default OR)" case_query_1000_terms
  run_case "query: 1000 explicitly OR'ed terms (5 KB)" case_query_1000_ored_terms
  run_case "query: 2000 nested brackets" case_query_deep_brackets
  run_case "query: 4000 unclosed brackets" case_query_unbalanced_brackets
  run_case "query: 400 NEAR operators" case_query_near_chain
  run_case "query: 4 KB of quotes and dashes" case_query_quotes_and_dashes
  run_case "query: control characters (JSON, text, CSV)" case_query_control_characters
  run_case "query: invalid UTF-8" case_query_invalid_utf8
  run_case "query: --offset of 19 digits" case_query_offset_19_digits
  run_case "query: --offset past the last hit" case_query_offset_past_the_end
  run_case "query: --limit 101" case_query_limit_above_maximum
  run_case "query: --filter year=0..9999" case_query_bad_year_filter
  run_case "query: --filter lang=FR" case_query_upper_case_facet_value
  run_case "query: --filter kind=no-such-kind" case_query_unknown_facet_value
  run_case "query: --batch with a malformed and a too-long line" case_batch_with_bad_lines
  run_case "client: a server that closes connections unread" case_client_server_closes_unread
  run_case "client: the socket path is a regular file" case_client_socket_is_a_file
  run_case "client: a stale socket (no server)" case_client_stale_socket
  run_case "server: 4 idle connections do not delay a query (2 threads)" case_server_idle_connections
  run_case "server: a second SIGTERM during the shutdown" case_server_second_sigterm
}
