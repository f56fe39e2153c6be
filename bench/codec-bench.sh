#!/usr/bin/env bash
# Side-by-side benchmark of per-file storage: plain against zstd at several levels and against
# OpenPGP encryption (alone and after zstd), on one generated instance, in one run: stored size
# (ratio against plain), wall and CPU time and throughput of a first backup, and the cost of
# encryption. See bench/README.md ("Compression and encryption").
#
# Usage (from the repository root):
#   bench/codec-bench.sh [--size-mb N] [--runs N] [--levels L1,L2,..] [--threads N] [--no-build] [--clean] [--seed S]
#
#   --size-mb N   size of the generated instance in MiB (default 1024)
#   --runs N      repetitions; the table shows medians (default 1)
#   --levels L    zstd levels to compare (default 1,3,9); zstd+pgp and pgp use the first of
#                 --pgp-level (default 3)
#   --pgp-level L the zstd level of the zstd+pgp variant (default 3)
#   --threads N   owui.threads of every variant (default 4, the plugin's default)
#   --no-build    do not compile; use what backup-maven-plugin/target holds now
#   --clean       remove the generated instance (and everything else in BENCH_DIR) at the end
#   --seed S      fixture seed (default 1)
# Environment: BENCH_DIR (default bench/work-codec), BENCH_TIMEOUT (seconds per timed command,
# default 3600), M2_REPO (the local Maven repository, default ~/.m2/repository).
#
# Each variant is one first backup of the same instance into its own fresh target, run as its own
# JVM through the engine (dev.owui.backup.codec.CodecBenchMain in the test tree) under
# /usr/bin/time: Maven's start-up, the same for every variant, is left out so the table compares
# the storage alone. The build is `./mvnw -o test-compile` of the plugin module only (nothing is
# installed); the classes and the dependency class path are copied to BENCH_DIR/tools first.
# Variants run in an order rotated by one per repetition; an untimed `sync` precedes each.
# Stored = du -sk of the variant's target (manifest included); ratio = stored / plain's stored;
# throughput = bytes of content / wall seconds; encryption cost = wall(zstd+pgp) / wall(zstd) and
# wall(pgp) / wall(plain) at the same level.
set -euo pipefail
shopt -s inherit_errexit
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BENCH_NAME=codec-bench

SIZE_MB=1024
RUNS=1
BUILD=1
CLEAN=0
SEED=1
LEVELS=1,3,9
PGP_LEVEL=3
THREADS=4

while [ $# -gt 0 ]; do
    case "$1" in
        --size-mb) SIZE_MB=${2:?--size-mb needs a value}; shift 2 ;;
        --runs) RUNS=${2:?--runs needs a value}; shift 2 ;;
        --seed) SEED=${2:?--seed needs a value}; shift 2 ;;
        --levels) LEVELS=${2:?--levels needs a value}; shift 2 ;;
        --pgp-level) PGP_LEVEL=${2:?--pgp-level needs a value}; shift 2 ;;
        --threads) THREADS=${2:?--threads needs a value}; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --clean) CLEAN=1; shift ;;
        -h|--help) usage 0 ;;
        *) echo "unknown option: $1" >&2; usage 2 >&2 ;;
    esac
done
check_common_options
[[ $LEVELS =~ ^[0-9]+(,[0-9]+)*$ ]] || { echo "--levels must be a comma-separated list of numbers" >&2; exit 2; }
[[ $PGP_LEVEL =~ ^[0-9]+$ && $THREADS =~ ^[1-9][0-9]*$ ]] || { echo "--pgp-level and --threads must be numbers" >&2; exit 2; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-$ROOT/bench/work-codec}
M2_REPO=${M2_REPO:-$HOME/.m2/repository}
TIMEOUT_S=${BENCH_TIMEOUT:-3600}

need rsync rsync
need_common
fail_if_missing
setup_bench_dir
cleanup() {
    rm -rf "$RUN"
    if [ "$CLEAN" = 1 ]; then
        rm -rf "$TOOLS" "$BASE" "$DATA" "$BASE.ok" "$LOGS" "$RESULTS"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------- build
if [ "$BUILD" = 1 ]; then
    log "compiling the plugin module: ./mvnw -B -q -o test-compile -pl backup-maven-plugin"
    (cd "$ROOT" && ./mvnw -B -q -o test-compile -pl backup-maven-plugin)
fi
rm -rf "$TOOLS"
mkdir -p "$TOOLS"
(cd "$ROOT" && ./mvnw -B -q -o dependency:build-classpath -pl backup-maven-plugin -Dmdep.includeScope=test \
    "-Dmdep.outputFile=$TOOLS/classpath.txt" >/dev/null)
cp -a "$ROOT/backup-maven-plugin/target/classes" "$TOOLS/classes"
cp -a "$ROOT/backup-maven-plugin/target/test-classes" "$TOOLS/test-classes"
CP="$TOOLS/classes:$TOOLS/test-classes:$(cat "$TOOLS/classpath.txt")"
MEASURED="classes of HEAD $(git -C "$ROOT" log -1 --format=%h 2>/dev/null || echo '?')$([ -z "$(git -C "$ROOT" status --porcelain -- backup-maven-plugin 2>/dev/null)" ] || echo ', with uncommitted changes')"
JDBC_JAR=$(tr ':' '\n' < "$TOOLS/classpath.txt" | grep sqlite-jdbc | head -1)
cp -a "$JDBC_JAR" "$TOOLS/"
prepare_instance
start_results
CHANGE="none (first backups only)"
export OWUI_BENCH_PASSPHRASE="bench passphrase, not a secret"

# ------------------------------------------------------------------------------------- variants
VARIANTS=(plain)
IFS=, read -r -a LEVEL_LIST <<< "$LEVELS"
for l in "${LEVEL_LIST[@]}"; do VARIANTS+=("zstd-$l"); done
VARIANTS+=("pgp" "zstd-$PGP_LEVEL+pgp")

one_backup() { # VARIANT ROUND REP
    local v=$1 storage level=$PGP_LEVEL dest=$RUN/$1
    case "$v" in
        plain) storage=plain ;;
        pgp) storage=pgp ;;
        zstd-*+pgp) storage=zstd+pgp; level=${v#zstd-}; level=${level%+pgp} ;;
        zstd-*) storage=zstd; level=${v#zstd-} ;;
    esac
    rm -rf "$dest"; mkdir -p "$dest"
    timed "$v" first "$3" "$dest" -- java -cp "$CP" dev.owui.backup.codec.CodecBenchMain "$DATA" "$dest" "$storage" "$level" "$THREADS"
    local tag=$v.first.$3
    tail -n 1 "$LOGS/$tag.log" > "$LOGS/$tag.sizes"
    rm -rf "$dest" # one variant's tree at a time on disk
}

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
reset_data
for rep in $(seq 1 "$RUNS"); do
    log "repetition $rep of $RUNS"
    k=${#VARIANTS[@]}
    for ((i = 0; i < k; i++)); do
        one_backup "${VARIANTS[$(((i + rep - 1) % k))]}" first "$rep"
    done
done

# --------------------------------------------------------------------------------------- report
CONTENT=$(cut -f1 "$LOGS/plain.first.1.sizes")
PLAIN_KIB=$(median plain first 6)
PLAIN_WALL=$(median plain first 4)
{
    echo "owui codec benchmark: --size-mb $SIZE_MB --runs $RUNS --threads $THREADS (medians of $RUNS), first backup of each variant"
    echo
    facts_machine
    echo "zstd:        zstd-jni $(tr ':' '\n' < "$TOOLS/classpath.txt" | sed -n 's:.*/zstd-jni-\([^/]*\)\.jar$:\1:p'); OpenPGP: BouncyCastle $(tr ':' '\n' < "$TOOLS/classpath.txt" | sed -n 's:.*/bcpg-jdk18on-\([^/]*\)\.jar$:\1:p'), AES-256 + MDC, passphrase (SKESK)"
    facts_run
    echo "content:     $(awk -v b="$CONTENT" 'BEGIN {printf "%.1f MiB", b/1048576}') backed up (cache/ excluded)"
    echo
    printf '%-14s %8s %7s %11s %9s %11s %13s  %s\n' variant "wall s" "CPU s" "stored MiB" "ratio" "MB/s" "vs plain wall" note
    printf '%-14s %8s %7s %11s %9s %11s %13s  %s\n' -------------- -------- ------- ----------- --------- ----------- ------------- ----
    for v in "${VARIANTS[@]}"; do
        w=$(median "$v" first 4); c=$(median "$v" first 7); s=$(median "$v" first 6)
        note=
        case "$v" in
            pgp) note="encryption cost: $(ratio "$w" "$PLAIN_WALL") x plain's wall" ;;
            zstd-*+pgp) z=$(median "zstd-$PGP_LEVEL" first 4); [ "$z" != nan ] && note="encryption cost: $(ratio "$w" "$z") x zstd-$PGP_LEVEL's wall" ;;
        esac
        printf '%-14s %8.2f %7.2f %11.1f %9s %11.1f %13s  %s\n' "$v" "$w" "$c" "$(awk -v k="$s" 'BEGIN {print k/1024}')" \
            "$(ratio "$s" "$PLAIN_KIB")" "$(awk -v b="$CONTENT" -v w="$w" 'BEGIN {print (w > 0 ? b / 1e6 / w : 0)}')" \
            "$(ratio "$w" "$PLAIN_WALL")" "$note"
    done
    echo "(wall and CPU of the whole JVM (start-up ~0.5 s included, Maven's not); stored = du -sk of the target, manifest"
    echo " included; ratio = stored / plain's stored; MB/s = content bytes (10^6) / wall; vs plain wall = wall / plain's wall)"
} | tee "$REPORT"
