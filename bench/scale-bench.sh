#!/usr/bin/env bash
# Format 3 at scale: many small uploads, a backup with nothing changed, whole process, ours
# (RepoBackupRunner in a plain `java` process: ScaleBenchMain) against `restic backup` of the
# same data directory, side by side; then the peak RSS of ours with many more files.
#
#   bench/scale-bench.sh [--files N] [--rss-files M] [--no-build]
#
# --files N      uploads for the side-by-side (default 100000)
# --rss-files M  uploads for the peak-RSS runs, ours only, with OURS_HEAP and with -Xmx unset (default 1000000; 0: skip)
# OURS_HEAP      the heap option of every run of ours but the last one (default -Xmx256m; see bench/README.md)
# Prints wall seconds and peak RSS (KiB) of each run from /usr/bin/time -f '%e %M', the ratio
# ours/restic of the second (nothing changed) backup, and PASS/FAIL against issue 11's targets
# (<= 0.5x restic's wall time, peak RSS <= 512 MiB). Work directory: BENCH_DIR (default bench/work/scale).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FILES=100000 RSS_FILES=1000000 BUILD=1
while [ $# -gt 0 ]; do
    case $1 in
        --files) FILES=$2; shift 2 ;;
        --rss-files) RSS_FILES=$2; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
command -v restic >/dev/null || { echo "scale-bench: needs restic (apt-get install restic)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "scale-bench: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
W=${BENCH_DIR:-$ROOT/bench/work/scale}
HEAP=${OURS_HEAP:--Xmx256m}
mkdir -p "$W"
cd "$ROOT"
if [ "$BUILD" = 1 ]; then
    ./mvnw -B -q -o -pl backup-maven-plugin test-compile
fi
./mvnw -B -q -o -pl backup-maven-plugin dependency:build-classpath -Dmdep.outputFile="$W/cp.txt" -Dmdep.includeScope=test >/dev/null
CP="backup-maven-plugin/target/test-classes:backup-maven-plugin/target/classes:$(cat "$W/cp.txt")"
MAIN=dev.owui.backup.repo.engine.ScaleBenchMain

# timed LABEL CMD...: runs CMD under /usr/bin/time, prints "LABEL wall_s peak_rss_kib", keeps its output in W/LABEL.log
timed() {
    local label=$1; shift
    /usr/bin/time -o "$W/$label.time" -f '%e %M' "$@" > "$W/$label.log" 2>&1 || { echo "$label failed, see $W/$label.log" >&2; cat "$W/$label.log" >&2; exit 1; }
    echo "$label $(cat "$W/$label.time")" | tee -a "$W/results.txt"
}

generate() { # DIR N: a generated instance with N uploads, reused when it is there
    if [ ! -f "$1/.generated-$2" ]; then
        rm -rf "$1"
        java -cp "$CP" $MAIN generate "$1/data" "$2" 2>/dev/null
        touch "$1/.generated-$2"
    fi
}

: > "$W/results.txt"
S=$W/n$FILES
generate "$S" "$FILES"
rm -rf "$S/repo" "$S/repo.staging" "$S/repo.scratch" "$S/restic" "$S/restic-cache"
export RESTIC_PASSWORD=bench RESTIC_REPOSITORY=$S/restic RESTIC_CACHE_DIR=$S/restic-cache
restic init -q
EXCL=(--exclude "$S/data/cache" --exclude "$S/data/audit.log" --exclude "$S/data/audit*.log")
timed "ours-first-$FILES" java $HEAP -cp "$CP" $MAIN backup "$S/data" "$S/repo"
timed "ours-unchanged-$FILES" java $HEAP -cp "$CP" $MAIN backup "$S/data" "$S/repo"
timed "restic-first-$FILES" restic backup -q --compression auto "${EXCL[@]}" "$S/data"
timed "restic-unchanged-$FILES" restic backup -q --compression auto "${EXCL[@]}" "$S/data"
grep -h "^backup" "$W/ours-first-$FILES.log" "$W/ours-unchanged-$FILES.log" || true
read -r OW OR < "$W/ours-unchanged-$FILES.time"
read -r RW RR < "$W/restic-unchanged-$FILES.time"
awk -v ow="$OW" -v rw="$RW" -v orss="$OR" -v rrss="$RR" -v n="$FILES" 'BEGIN {
    printf "%d uploads, backup with nothing changed: ours %.2f s / %.0f MiB, restic %.2f s / %.0f MiB, ours/restic wall %.2f (target <= 0.5: %s), peak RSS %s\n",
        n, ow, orss/1024, rw, rrss/1024, ow/rw, ow/rw <= 0.5 ? "PASS" : "FAIL", orss <= 512*1024 ? "PASS" : "FAIL" }' | tee -a "$W/results.txt"

if [ "$RSS_FILES" != 0 ]; then
    L=$W/n$RSS_FILES
    generate "$L" "$RSS_FILES"
    for heap in set unset; do
        rm -rf "$L/repo" "$L/repo.staging" "$L/repo.scratch"
        X=(); [ $heap = unset ] || X=($HEAP)
        timed "ours-first-$RSS_FILES-xmx-$heap" java "${X[@]}" -cp "$CP" $MAIN backup "$L/data" "$L/repo"
        timed "ours-unchanged-$RSS_FILES-xmx-$heap" java "${X[@]}" -cp "$CP" $MAIN backup "$L/data" "$L/repo"
        grep -h "^backup" "$W/ours-first-$RSS_FILES-xmx-$heap.log" "$W/ours-unchanged-$RSS_FILES-xmx-$heap.log" || true
    done
fi
echo "figures: $W/results.txt"
