#!/usr/bin/env bash
# The format 3 engine (RepoBackupRunner) over simulated days, against restic backing up the very
# same data directory each day, side by side in one run.
#
#   bench/repo-bench.sh [--size-mb N] [--days K] [--percent P] [--seed S] [--no-build]
#
# Each day mutates a generated instance (RepoBenchMain, the days of PageBenchMain), backs it up
# into a local format 3 repository (zstd-3, databases at page granularity), then runs
# `restic backup` of the data directory itself (restic reads the live SQLite files: no capture,
# which flatters restic a little). Prints per-day figures and both repositories' sizes at the end.
# Needs restic and a JDK 17; the work directory is BENCH_DIR (default bench/work/repo).
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
command -v restic >/dev/null || { echo "repo-bench: needs restic (apt-get install restic)" >&2; exit 1; }
W=${BENCH_DIR:-$ROOT/bench/work/repo}
rm -rf "$W"
mkdir -p "$W"
cd "$ROOT"
if [ "$BUILD" = 1 ]; then
    ./mvnw -B -q -o -pl backup-maven-plugin test-compile
fi
./mvnw -B -q -o -pl backup-maven-plugin dependency:build-classpath -Dmdep.outputFile="$W/cp.txt" -Dmdep.includeScope=test >/dev/null
export RESTIC_PASSWORD=bench RESTIC_REPOSITORY=$W/restic RESTIC_CACHE_DIR=$W/restic-cache
restic init -q
AFTER='restic backup -q --compression auto "'$W'/data" && echo "restic-after-day $DAY $(du -sb "'$W'/restic" | cut -f1)"'
java -cp "backup-maven-plugin/target/test-classes:backup-maven-plugin/target/classes:$(cat "$W/cp.txt")" \
    dev.owui.backup.repo.engine.RepoBenchMain --dir "$W" --size-mb "$SIZE_MB" --days "$DAYS" --percent "$PERCENT" --seed "$SEED" \
    --after-day "$AFTER" 2>/dev/null | tee "$W/last-report.txt"
OURS=$(du -sb "$W/repo" | cut -f1)
RESTIC=$(du -sb "$W/restic" | cut -f1)
awk -v o="$OURS" -v r="$RESTIC" 'BEGIN { printf "after the last day: ours %.1f MiB, restic %.1f MiB, ours/restic %.2f\n", o/1048576, r/1048576, o/r }' | tee -a "$W/last-report.txt"
