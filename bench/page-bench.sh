#!/usr/bin/env bash
# Page storage of the databases over simulated days, against storing each capture whole and
# against restic backing up the very same captures, side by side in one run.
#
#   bench/page-bench.sh [--size-mb N] [--days K] [--percent P] [--seed S] [--no-build]
#
# Each day mutates a generated instance (PageBenchMain: new uploads, chats, chats that grow,
# deleted chats, last_active_at of every user, a growing vector segment), captures webui.db and
# chroma.sqlite3 with the backup API, stores them our way (zstd objects: an image or a page set),
# then runs `restic backup` of the same two captured files. Prints per-day figures and totals.
# Needs restic and a JDK 17; the work directory is BENCH_DIR (default bench/work/pages).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SIZE_MB=200 DAYS=7 PERCENT=2 SEED=1 BUILD=1
while [ $# -gt 0 ]; do
    case $1 in
        --size-mb) SIZE_MB=$2; shift 2 ;;
        --days) DAYS=$2; shift 2 ;;
        --percent) PERCENT=$2; shift 2 ;;
        --seed) SEED=$2; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
command -v restic >/dev/null || { echo "page-bench: needs restic (apt-get install restic)" >&2; exit 1; }
W=${BENCH_DIR:-$ROOT/bench/work/pages}
rm -rf "$W/objects" "$W/restic" "$W/captures"
mkdir -p "$W"
cd "$ROOT"
if [ "$BUILD" = 1 ]; then
    ./mvnw -B -q -o -pl backup-maven-plugin test-compile
fi
./mvnw -B -q -o -pl backup-maven-plugin dependency:build-classpath -Dmdep.outputFile="$W/cp.txt" -Dmdep.includeScope=test >/dev/null
export RESTIC_PASSWORD=bench RESTIC_REPOSITORY=$W/restic RESTIC_CACHE_DIR=$W/restic-cache
restic init -q
# restic gets the same captured files, under a fixed path, once per day; its repository size is what it holds.
AFTER='restic backup -q --compression auto "'$W'/captures/current" && echo "restic-after-day $DAY $(du -sb "'$W'/restic" | cut -f1)"'
java -cp "backup-maven-plugin/target/test-classes:backup-maven-plugin/target/classes:$(cat "$W/cp.txt")" \
    dev.owui.backup.repo.pages.PageBenchMain --dir "$W" --size-mb "$SIZE_MB" --days "$DAYS" --percent "$PERCENT" --seed "$SEED" \
    --after-day "$AFTER" 2>/dev/null | tee "$W/last-report.txt"
OURS=$(du -sb "$W/objects" | cut -f1)
RESTIC=$(du -sb "$W/restic" | cut -f1)
awk -v o="$OURS" -v r="$RESTIC" 'BEGIN { printf "after the last day: ours %.1f MiB, restic %.1f MiB, ours/restic %.2f\n", o/1048576, r/1048576, o/r }' | tee -a "$W/last-report.txt"
