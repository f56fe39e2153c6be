#!/usr/bin/env bash
# Side-by-side benchmark: `mvn owui:backup` against the usual ways of backing up an Open WebUI data
# directory (cp -a, rsync, the tutorial's sqlite3 + tar script, restic), on one generated instance,
# in one run, with ratios and PASS/FAIL against the project's targets. See bench/README.md.
#
# Usage (from the repository root):
#   bench/backup-bench.sh [--size-mb N] [--runs N] [--no-build] [--diag] [--clean] [--seed S]
#
#   --size-mb N   size of the generated instance in MiB (default 1024)
#   --runs N      repetitions; the table shows medians (default 3)
#   --no-build    do not run `./mvnw install`; use what target/ and the local repository hold now
#   --diag        afterwards, where ours spends its time: owui.threads=2/1, owui.sync=false, Maven
#                 start-up alone (owui.skip=true), and the floors sha256sum / sqlite3 .backup
#   --clean       remove the generated instance (and everything else in BENCH_DIR) at the end
#   --seed S      fixture seed, for generate and mutate (default 1)
# Environment: BENCH_DIR (default bench/work), BENCH_TIMEOUT (seconds per timed command, default
# 3600), M2_REPO (the local Maven repository, default ~/.m2/repository).
#
# Design of the rounds (each repetition is independent and starts from the same bytes):
#   0. once: build the plugin, copy test-classes, the sqlite-jdbc jar and the installed plugin into
#      BENCH_DIR/tools (so a concurrent `mvn install` elsewhere cannot change what we measure; ours
#      runs against a private local repository, BENCH_DIR/tools/m2, chained to M2_REPO as a
#      read-only tail for its dependencies, offline). Generate the instance into BENCH_DIR/data.base
#      with a fixed seed, unless a marker says it is already there with the same size and seed.
#      One untimed warm-up run of ours (on sample/data) so Maven's first resolution is not timed.
#   1. per repetition, untimed: reset BENCH_DIR/data from data.base (rsync -a --delete, mtimes kept)
#      and remove the previous repetition's destinations.
#   2. round "first", timed: each tool backs up data/ into its own fresh destination.
#   3. untimed: `FixtureMain mutate --percent 1` with the fixed seed: new uploads, chats, a growing
#      vector segment. Same starting bytes + same seed = the same change in every repetition.
#   4. round "1% change", timed, on top of this repetition's first-round destinations:
#      cp -a     a full copy again into a second directory (cp has no incremental mode)
#      rsync     rsync -a --delete onto the first-round destination (one version kept, no history)
#      native    the tutorial's script again, full, into a second directory
#      restic    restic backup again into the same repository (its parent snapshot is the first)
#      ours      owui:backup again into the same target (unchanged files hard-linked)
# Every timed command runs as a whole process under /usr/bin/time -f '%e %M' (wall seconds, peak
# RSS of the largest single process in the tree: the Maven JVM for ours) and under `timeout`.
# An untimed `sync` precedes each timed command so no tool pays for another's writeback; no
# caches are dropped (no root tricks), so every tool reads a warm page cache.
# Sizes: "first" = du -sk of the tool's destination; "1% change" = how much du -sk of the tool's
# whole destination root grew in the round (du counts a hard-linked file once, so for ours this is
# what the new backup added; for cp and native it is a full second copy; for rsync only the net
# growth of its single, overwritten copy).
# Exclusions: cache/ and audit*.log are left out by ours (its defaults), rsync and restic; cp -a
# cannot exclude (it copies them); the native script takes only webui.db, vector_db/ and uploads/.
set -euo pipefail
shopt -s inherit_errexit
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BENCH_NAME=backup-bench

SIZE_MB=1024
RUNS=3
BUILD=1
DIAG=0
CLEAN=0
SEED=1

while [ $# -gt 0 ]; do
    case "$1" in
        --size-mb) SIZE_MB=${2:?--size-mb needs a value}; shift 2 ;;
        --runs) RUNS=${2:?--runs needs a value}; shift 2 ;;
        --seed) SEED=${2:?--seed needs a value}; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --diag) DIAG=1; shift ;;
        --clean) CLEAN=1; shift ;;
        -h|--help) usage 0 ;;
        *) echo "unknown option: $1" >&2; usage 2 >&2 ;;
    esac
done
check_common_options

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-$ROOT/bench/work}
M2_REPO=${M2_REPO:-$HOME/.m2/repository}
TIMEOUT_S=${BENCH_TIMEOUT:-3600}
PLUGIN=dev.owui:backup-maven-plugin:0.1.0-SNAPSHOT

# ---------------------------------------------------------------------------------------- tools
need rsync rsync
need restic restic
need sqlite3 sqlite3
need tar tar
need gzip gzip
need_common
fail_if_missing

setup_bench_dir
DIAGDIR=$BENCH_DIR/diag

cleanup() {
    rm -rf "$RUN" "$DIAGDIR" "$BENCH_DIR/warmup"
    if [ "$CLEAN" = 1 ]; then
        rm -rf "$TOOLS" "$BASE" "$DATA" "$BASE.ok" "$LOGS" "$RESULTS"
    fi
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------- build
build_and_copy_tools
OURS=("${MVN_OURS[@]}" "$PLUGIN:backup")
cd "$BENCH_DIR" # no pom here: ours runs as `mvn owui:backup` does in a directory without a project

# -------------------------------------------------------------------------------------- fixture
prepare_instance

# ------------------------------------------------------------------------------------ measuring
start_results

NATIVE='set -e; sqlite3 "$1/webui.db" ".backup '"'"'$2/webui.db'"'"'"; tar czf "$2/vector_db.tgz" -C "$1" vector_db; tar czf "$2/uploads.tgz" -C "$1" uploads'
RESTIC_EXCLUDES=(--exclude "$DATA/cache" --exclude "$DATA/audit.log" --exclude "$DATA/audit*.log")
export RESTIC_PASSWORD=owui-bench-not-a-secret

TOOL_ORDER=(cp rsync native restic ours)

# one_backup TOOL ROUND REP: the tool's backup for the round ("first" or "change").
one_backup() {
    local tool=$1 round=$2 rep=$3
    local n=1
    [ "$round" = change ] && n=2
    case "$tool" in
        cp) timed cp "$round" "$rep" "$RUN/cp" -- cp -a "$DATA" "$RUN/cp/r$n" ;;
        rsync)
            local del=()
            [ "$round" = change ] && del=(--delete)
            timed rsync "$round" "$rep" "$RUN/rsync" -- rsync -a "${del[@]}" "${RSYNC_EXCLUDES[@]}" "$DATA/" "$RUN/rsync/dest/" ;;
        native)
            mkdir -p "$RUN/native/r$n"
            timed native "$round" "$rep" "$RUN/native" -- bash -c "$NATIVE" native "$DATA" "$RUN/native/r$n" ;;
        restic)
            if [ "$round" = first ]; then
                RESTIC_REPOSITORY=$RUN/restic/repo RESTIC_CACHE_DIR=$RUN/restic-cache restic init -q >"$LOGS/restic.init.$rep.log" 2>&1
            fi
            timed restic "$round" "$rep" "$RUN/restic/repo" -- env RESTIC_REPOSITORY="$RUN/restic/repo" \
                RESTIC_CACHE_DIR="$RUN/restic-cache" restic backup --host owui-bench "${RESTIC_EXCLUDES[@]}" "$DATA" ;;
        ours) timed ours "$round" "$rep" "$RUN/ours" -- "${OURS[@]}" -q "-Dowui.dataDir=$DATA" "-Dowui.target=$RUN/ours/target" ;;
    esac
}

# ---------------------------------------------------------------------------------------- facts
facts() {
    facts_machine
    echo "restic:      $(restic version | head -1); repository format 2, compression auto (defaults), cache in BENCH_DIR"
    echo "rsync:       $(rsync --version | head -1)"
    echo "sqlite3:     $(sqlite3 --version | cut -d' ' -f1), tar: $(tar --version | head -1), gzip: $(gzip --version | head -1)"
    facts_run
}

# ------------------------------------------------------------------------------------------ run
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
log "warm-up run of ours (untimed) on sample/data"
"${OURS[@]}" -q "-Dowui.dataDir=$ROOT/sample/data" "-Dowui.target=$BENCH_DIR/warmup" >"$LOGS/warmup.log" 2>&1 \
    || { echo "backup-bench: the warm-up run of ours failed:" >&2; tail -n 30 "$LOGS/warmup.log" >&2; exit 1; }
rm -rf "$BENCH_DIR/warmup"

CHANGE=
for rep in $(seq 1 "$RUNS"); do
    log "repetition $rep of $RUNS"
    rm -rf "$RUN"
    mkdir -p "$RUN/cp" "$RUN/rsync" "$RUN/native" "$RUN/restic" "$RUN/ours"
    reset_data
    round first "$rep"
    CHANGE=$(mutate_data)
    log "  mutated: $CHANGE"
    round change "$rep"
done
rm -rf "$RUN"

# ----------------------------------------------------------------------------------- diagnosis
DIAG_OUT=
if [ "$DIAG" = 1 ]; then
    log "diagnosis: ours with other settings ($RUNS repetitions), and floors"
    DIAG_RESULTS=$BENCH_DIR/diag.tsv
    : > "$DIAG_RESULTS"
    variants=("default" "threads=2" "threads=1" "sync=false")
    variant_flag() {
        case "$1" in
            default) echo "-Dowui.threads=4" ;;
            threads=*) echo "-Dowui.threads=${1#threads=}" ;;
            sync=false) echo "-Dowui.sync=false" ;;
        esac
    }
    # diag_ours VARIANT ROUND REP: ours without -q, so its phase table can be read back.
    diag_ours() {
        local v=$1 round=$2 rep=$3 tag="diag.$1.$2.$3"
        local d=$DIAGDIR/$v before=0
        [ "$round" != first ] && before=$(kib "$d")
        sync
        /usr/bin/time -f '%e %M' -o "$LOGS/$tag.time" timeout -k 10 "$TIMEOUT_S" "${OURS[@]}" "-Dowui.dataDir=$DATA" \
            "-Dowui.target=$d" "$(variant_flag "$v")" >"$LOGS/$tag.log" 2>&1 \
            || { echo "backup-bench: diagnosis run $v $round failed:" >&2; tail -n 30 "$LOGS/$tag.log" >&2; exit 1; }
        local wall rss
        read -r wall rss < <(tail -n 1 "$LOGS/$tag.time")
        # ours' phase table: "[INFO] scan  0.02 s" ... "[INFO] total  1.23 s" (the last phase is
        # called "commit", or "manifest" in older versions)
        local phases
        phases=$(awk '/^\[INFO\] [a-z]+ +[0-9.]+ s$/ {p[$2]=$3}
                      END {printf "%s\t%s\t%s\t%s\t%s", p["scan"]+0, p["databases"]+0, p["files"]+0,
                           p["commit"]+p["manifest"], p["total"]+0}' "$LOGS/$tag.log")
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$v" "$round" "$rep" "$wall" "$rss" "$phases" "$(($(kib "$d") - before))" >> "$DIAG_RESULTS"
        log "  ours $v $round: $wall s"
    }
    for rep in $(seq 1 "$RUNS"); do
        rm -rf "$DIAGDIR"
        mkdir -p "$DIAGDIR"
        reset_data
        for ((i = 0; i < ${#variants[@]}; i++)); do
            diag_ours "${variants[$(((i + rep - 1) % ${#variants[@]}))]}" first "$rep"
        done
        fixture mutate --dir "$DATA" --percent 1 --seed "$SEED" >/dev/null
        for ((i = 0; i < ${#variants[@]}; i++)); do
            diag_ours "${variants[$(((i + rep - 1) % ${#variants[@]}))]}" change "$rep"
        done
    done
    rm -rf "$DIAGDIR"
    floor() { # name command...
        local name=$1; shift
        sync
        local slug
        slug=$(printf '%s' "$name" | tr -cs 'A-Za-z0-9.=-' '-' | cut -c1-60)
        /usr/bin/time -f '%e %M' -o "$LOGS/floor.time" "$@" >"$LOGS/floor.$slug.log" 2>&1
        read -r wall rss < <(tail -n 1 "$LOGS/floor.time")
        printf '  %-66s %7.2f s %6.0f MiB\n' "$name" "$wall" "$((rss / 1024))"
    }
    # The same check through the driver ours uses (sqlite-jdbc bundles its own, newer SQLite),
    # timed inside the JVM so JVM start-up is left out.
    cat > "$TOOLS/QuickCheck.java" <<'JAVA'
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
public class QuickCheck {
    public static void main(String[] a) throws Exception {
        DriverManager.getConnection("jdbc:sqlite::memory:").close(); // load the driver and its native library first
        long t = System.nanoTime();
        String version;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + a[0] + "?immutable=1");
             ResultSet r = c.createStatement().executeQuery("PRAGMA quick_check(20)")) {
            while (r.next()) {
                r.getString(1);
            }
            ResultSet v = c.createStatement().executeQuery("SELECT sqlite_version()");
            v.next();
            version = v.getString(1);
        }
        System.out.printf(java.util.Locale.ROOT, "%.2f %s%n", (System.nanoTime() - t) / 1e9, version);
    }
}
JAVA
    jdbc_check() { # label db
        local out
        out=$(java -cp "$TOOLS/$(basename "$JDBC_JAR")" "$TOOLS/QuickCheck.java" "$2")
        printf '  %-66s %7.2f s\n' "$1 (sqlite-jdbc, SQLite ${out#* }, in-JVM time)" "${out%% *}"
    }
    mkdir -p "$DIAGDIR"
    DIAG_OUT=$(
        echo "Where ours spends its time (medians of $RUNS; phases from ours' own table, in s):"
        echo
        printf '%-11s %-9s %7s %8s %6s %9s %7s %7s %7s %9s %10s\n' variant round "wall s" "RSS MiB" scan databases files commit phases "JVM+Maven" "stored MiB"
        for round in first change; do
            for v in "${variants[@]}"; do
                awk -F'\t' -v v="$v" -v r="$round" '$1==v && $2==r' "$DIAG_RESULTS" | awk -F'\t' -v v="$v" -v r="$round" '
                    function med(col,   n, i, j, t, a) {
                        n = 0
                        for (i = 1; i <= NR; i++) a[++n] = row[i, col]
                        for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
                        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
                    }
                    { for (i = 1; i <= NF; i++) row[NR, i] = $i; row[NR, 13] = $4 - $10 }
                    END { printf "%-11s %-9s %7.2f %8.0f %6.2f %9.2f %7.2f %7.2f %7.2f %9.2f %10.1f\n",
                          v, (r == "first" ? "first" : "1% change"), med(4), med(5) / 1024, med(6), med(7), med(8),
                          med(9), med(10), med(13), med(11) / 1024 }'
            done
        done
        echo "(JVM+Maven = wall - sum of phases: JVM and Maven start-up, plugin loading, the lock, reading the"
        echo " previous manifest, exit)"
        echo
        echo "Floors on the same (changed) data, one run each:"
        floor "Maven start-up alone: owui:backup -Dowui.skip=true" "${OURS[@]}" -q -Dowui.skip=true
        if command -v openssl >/dev/null 2>&1; then
            floor "SHA-256 of every file ours takes (openssl dgst, 1 process)" bash -c \
                'cd "$1" && find . -type f ! -path "./cache/*" ! -name "audit*.log" -print0 | xargs -0 openssl dgst -sha256' _ "$DATA"
        fi
        floor "SHA-256 of every file ours takes (sha256sum, 1 process)" bash -c \
            'cd "$1" && find . -type f ! -path "./cache/*" ! -name "audit*.log" -print0 | xargs -0 sha256sum' _ "$DATA"
        floor "sqlite3 .backup of webui.db and chroma.sqlite3" bash -c \
            'sqlite3 "$1/webui.db" ".backup '"'"'$2/a.db'"'"'" && sqlite3 "$1/vector_db/chroma.sqlite3" ".backup '"'"'$2/b.db'"'"'"' _ "$DATA" "$DIAGDIR"
        floor "quick_check of the copy of webui.db (sqlite3 CLI $(sqlite3 --version | cut -d' ' -f1))" sqlite3 "$DIAGDIR/a.db" "PRAGMA quick_check"
        floor "quick_check of the copy of chroma.sqlite3 (sqlite3 CLI $(sqlite3 --version | cut -d' ' -f1))" sqlite3 "$DIAGDIR/b.db" "PRAGMA quick_check"
        jdbc_check "quick_check of the copy of webui.db" "$DIAGDIR/a.db"
        jdbc_check "quick_check of the copy of chroma.sqlite3" "$DIAGDIR/b.db"
        rm -rf "${DIAGDIR:?}"/*
        floor "cp -a of the data directory + sync (cp made durable)" bash -c 'cp -a "$1" "$2/cp" && sync' _ "$DATA" "$DIAGDIR"
    )
    rm -rf "$DIAGDIR"
fi

# -------------------------------------------------------------------------------------- report
{
    echo "owui backup benchmark: --size-mb $SIZE_MB --runs $RUNS (medians of $RUNS)"
    echo
    facts
    echo
    printf '%-8s %-10s %8s %7s %13s %11s  %s\n' tool round "wall s" "CPU s" "peak RSS MiB" "stored MiB" "what"
    printf '%-8s %-10s %8s %7s %13s %11s  %s\n' -------- ---------- -------- ------- ------------- ----------- ----
    for round in first change; do
        for tool in cp rsync native restic ours; do
            w=$(median "$tool" "$round" 4); m=$(median "$tool" "$round" 5); s=$(median "$tool" "$round" 6); c=$(median "$tool" "$round" 7)
            case "$tool/$round" in
                cp/first) what="cp -a data dest (no excludes: copies cache/, audit.log)" ;;
                cp/change) what="cp -a again, a full second copy" ;;
                rsync/first) what="rsync -a, excludes as ours" ;;
                rsync/change) what="rsync -a --delete onto the same copy (no history kept)" ;;
                native/first) what="sqlite3 .backup webui.db + tar czf vector_db, uploads" ;;
                native/change) what="the same script again, full" ;;
                restic/first) what="restic backup into a new local repository" ;;
                restic/change) what="restic backup again, same repository" ;;
                ours/first) what="./mvnw owui:backup (JVM + Maven start-up included)" ;;
                ours/change) what="./mvnw owui:backup again, unchanged files hard-linked" ;;
            esac
            printf '%-8s %-10s %8.2f %7.2f %13.0f %11.1f  %s\n' "$tool" "$([ "$round" = first ] && echo first || echo '1% change')" \
                "$w" "$c" "$(awk -v k="$m" 'BEGIN {print k/1024}')" "$(awk -v k="$s" 'BEGIN {print k/1024}')" "$what"
        done
    done
    echo "(CPU = user + system seconds of the whole process tree; stored: first = du of the destination,"
    echo " 1% change = growth of du of the tool's whole destination in the round)"
    echo
    of=$(median ours first 4); oc=$(median ours change 4)
    rf=$(median restic first 4); rc=$(median restic change 4)
    sf=$(median rsync first 4); sc=$(median rsync change 4)
    echo "Ratios of wall time (medians):"
    echo "  first backup: ours/restic = $(ratio "$of" "$rf"), ours/rsync = $(ratio "$of" "$sf")"
    echo "  1% change:    ours/restic = $(ratio "$oc" "$rc"), ours/rsync = $(ratio "$oc" "$sc")"
    echo
    rss_max=$(maxof ours 5)
    rss_mib=$(awk -v k="$rss_max" 'BEGIN {printf "%.0f", k/1024}')
    echo "Targets:"
    printf '  %-48s %-32s %s\n' "first backup: ours <= 0.35 x restic" "$(ratio "$of" "$rf") ($of s vs $rf s)" "$(verdict "$(ratio "$of" "$rf")" 0.35)"
    printf '  %-48s %-32s %s\n' "1% change:    ours <= 0.7 x restic" "$(ratio "$oc" "$rc") ($oc s vs $rc s)" "$(verdict "$(ratio "$oc" "$rc")" 0.7)"
    printf '  %-48s %-32s %s\n' "peak RSS of ours <= 512 MiB (max of all runs)" "$rss_mib MiB" "$(verdict "$rss_mib" 512)"
    if [ -n "$DIAG_OUT" ]; then
        echo
        echo "$DIAG_OUT"
    fi
} | tee "$REPORT"
log "report saved to $REPORT; raw figures in $RESULTS, logs in $LOGS"
