#!/usr/bin/env bash
# citego-index --update against a full rebuild, side by side in one run.
#
#   bench/speed/bench_update.sh N [REPEATS]        (REPEATS of each update, default 5)
#
# Environment: CITEGO_BUILD_DIR (default: build), BENCH_DIR (default: a new mktemp -d folder, removed at the end).
# Steps: copies the binaries into BENCH_DIR/bin; generates a version 2 corpus (citego-generate --docs N --seed 42
# --files 10); then, each timed as a whole process with /usr/bin/time (wall s, CPU s = user + system, max RSS):
#   build 1     citego-index --db db corpus/                      (a full build)
#   one fiche   citego-index --update --db db one.xml             (one fiche whose title changed), REPEATS times
#   1000 docs   citego-index --update --db db batch.xml           (1000 fiches whose titles changed), REPEATS times
#   delete      citego-index --delete ID --db db                  (a fiche no record refers to), once
#   copy        cp -a of the live generation, REPEATS times: the least an update published as a new generation costs
#   build 2     citego-index --db db corpus/                      (a full build again, beside the updates)
# BENCH_SECOND_BUILD=0 leaves out build 2 (a 100k build takes 10-20 minutes here). The ratios are taken against the
# mean of the builds, of wall time and of CPU time (on a machine others load, CPU time moves less than wall time).
# A corpus already in BENCH_DIR/corpus-N/ is used as it is. Prints a markdown table and keeps it, with the raw rows,
# in BENCH_DIR/results/update-N.{md,tsv}.
set -euo pipefail

N=${1:?usage: $0 N [REPEATS]}
REPEATS=${2:-5}
[[ "$N" =~ ^[0-9]+$ && "$REPEATS" =~ ^[0-9]+$ && "$REPEATS" -ge 1 ]] || { echo "N and REPEATS must be numbers" >&2; exit 2; }
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${CITEGO_BUILD_DIR:-build}
[[ "$build" = /* ]] || build="$root/$build"
if [ -n "${BENCH_DIR:-}" ]; then
  dir=$BENCH_DIR
  mkdir -p "$dir"
else
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
fi
mkdir -p "$dir/bin" "$dir/results"
cp "$build/indexer/citego-index" "$build/corpus/generator/citego-generate" "$dir/bin/"
corpus="$dir/corpus-$N"
if [ ! -f "$corpus/part-0001.xml" ]; then
  "$dir/bin/citego-generate" --docs "$N" --out "$corpus" --seed 42 --files 10 >/dev/null
fi

# The changed exports: fiches of the corpus, their titles changed, in exports of their own.
python3 - "$corpus" "$dir" <<'EOF'
import glob, sys, xml.etree.ElementTree as ET
corpus, out = sys.argv[1], sys.argv[2]
part = sorted(glob.glob(corpus + "/part-*.xml"))[-1]
root = ET.parse(part).getroot()
fiches = [e for e in root if e.tag == "fiche" and e.find("translation-of") is None]
referred = {ref for e in root for ref in [x.get("ref") for x in e.iter()] if ref}
def write(name, elements):
    export = ET.Element(root.tag, root.attrib)
    for e in elements:
        e.find("title").text += " (revised)"
        export.append(e)
    ET.ElementTree(export).write(out + "/" + name, encoding="utf-8", xml_declaration=True)
alone = [e for e in fiches if e.get("id") not in referred]
write("one.xml", [alone[0]])
write("batch.xml", fiches[1:1001])
open(out + "/delete.txt", "w").write(alone[-1].get("id") + "\n")
EOF

tsv="$dir/results/update-$N.tsv"
printf 'step\twall_s\tmax_rss_kb\tcpu_s\n' >"$tsv"
timed() {  # timed STEP COMMAND...: one row of the table
  local step=$1
  shift
  /usr/bin/time -f '%e %M %U %S' -o "$dir/time.txt" "$@" >/dev/null
  read -r wall rss user system <"$dir/time.txt"
  printf '%s\t%s\t%s\t%s\n' "$step" "$wall" "$rss" "$(python3 -c "print('%.2f' % ($user + $system))")" >>"$tsv"
}
rm -rf "$dir/db" "$dir/db.generations"
timed build "$dir/bin/citego-index" -q --db "$dir/db" "$corpus"
for _ in $(seq "$REPEATS"); do timed one "$dir/bin/citego-index" -q --update --db "$dir/db" "$dir/one.xml"; done
for _ in $(seq "$REPEATS"); do timed batch "$dir/bin/citego-index" -q --update --db "$dir/db" "$dir/batch.xml"; done
timed delete "$dir/bin/citego-index" -q --db "$dir/db" --delete-from "$dir/delete.txt"
# What publishing each update as a generation of its own would cost at least: a copy of the live one.
for _ in $(seq "$REPEATS"); do
  rm -rf "$dir/copy"
  timed copy cp -a "$(readlink -f "$dir/db")" "$dir/copy"
done
rm -rf "$dir/copy"
if [ "${BENCH_SECOND_BUILD:-1}" = 1 ]; then timed build "$dir/bin/citego-index" -q --db "$dir/db" "$corpus"; fi
size=$(du -sm "$dir/db/" | cut -f1)

python3 - "$tsv" "$N" "$size" >"$dir/results/update-$N.md" <<'EOF'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])][1:]
n, size = int(sys.argv[2]), sys.argv[3]
by = {}
for step, wall, rss, cpu in rows:
    by.setdefault(step, []).append((float(wall), int(rss), float(cpu)))
build = statistics.mean(w for w, _, _ in by["build"])
build_cpu = statistics.mean(c for _, _, c in by["build"])
print("%d documents (version 2 corpus), database %s MB; full build: %s s wall (mean %.2f s), %s s CPU (mean %.2f s)\n"
      % (n, size, ", ".join("%.2f" % w for w, _, _ in by["build"]), build,
         ", ".join("%.2f" % c for _, _, c in by["build"]), build_cpu))
print("| step | runs | wall s (each run) | median wall s | median CPU s | max RSS MiB | ratio to a build: wall, CPU |")
print("|---|---|---|---|---|---|---|")
ratio = lambda whole, part: "1/%.0f" % (whole / part) if part > 0 else "-"
for step, label in (("one", "update: one fiche"), ("batch", "update: 1000 fiches"), ("delete", "delete: one fiche"),
                    ("copy", "copy of the live generation (cp -a)")):
    walls = [w for w, _, _ in by[step]]
    median = statistics.median(walls)
    cpu = statistics.median(c for _, _, c in by[step])
    print("| %s | %d | %s | %.2f | %.2f | %.0f | %s, %s |" % (label, len(walls), ", ".join("%.2f" % w for w in walls),
          median, cpu, max(r for _, r, _ in by[step]) / 1024, ratio(build, median), ratio(build_cpu, cpu)))
EOF
cat "$dir/results/update-$N.md"
