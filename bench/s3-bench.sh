#!/usr/bin/env bash
# Side-by-side benchmark of an S3 target: `mvn owui:backup -Dowui.target=s3://…` against
# `rclone sync` of the same data directory to the same S3 server (S3Proxy on loopback, run as its
# own process), first backup and after a 1% change, with ratios and PASS/FAIL against the
# project's targets. See bench/README.md ("S3 benchmark").
#
# Usage (from the repository root):
#   bench/s3-bench.sh [--size-mb N] [--runs N] [--no-build] [--clean] [--seed S]
#
#   --size-mb N   size of the generated instance in MiB (default 256)
#   --runs N      repetitions; the table shows medians (default 3)
#   --no-build    do not build; use the plugin already installed in BENCH_DIR/tools/m2 and the
#                 test classes and classpath already copied there by an earlier run
#   --clean       remove the generated instance (and everything else in BENCH_DIR) at the end
#   --seed S      fixture seed, for generate and mutate (default 1)
# Environment: BENCH_DIR (default bench/work-s3), BENCH_TIMEOUT (seconds per timed command,
# default 3600), M2_REPO (the local Maven repository, default ~/.m2/repository).
#
# Design (each repetition is independent and starts from the same bytes):
#   0. once: build the plugin into a private local repository (BENCH_DIR/tools/m2, chained to
#      M2_REPO as a read-only tail; never into M2_REPO itself), copy the test classes and write the
#      test classpath (S3Proxy, the fixture generator) there. Generate the instance with a fixed
#      seed unless a marker says it is there. Write a settings.xml with the S3 keys (server id
#      bench-s3) and an rclone remote in the environment. One untimed warm-up run of ours.
#   1. per repetition, untimed: reset the data from the generated copy; start a fresh S3Proxy
#      (dev.owui.backup.store.s3.S3Server: filesystem store in BENCH_DIR/run/s3, a free loopback
#      port, bucket "backups") as its own JVM.
#   2. round "first", timed: ours into s3://backups/owui, rclone sync into backups/rclone.
#   3. untimed: FixtureMain mutate --percent 1 (fixed seed); list what changed.
#   4. round "1% change", timed: both again onto what they wrote in round 2.
# Measured per command: wall seconds, CPU seconds and peak RSS (/usr/bin/time), the bytes S3Proxy
# received in uploads (objects and parts, counted inside S3Proxy: the payload, no HTTP overhead),
# and the bytes over loopback (lo's rx counter in /proc/net/dev: both directions, HTTP included,
# and anything else on loopback meanwhile), and how much the server's folder grew.
set -euo pipefail
shopt -s inherit_errexit
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BENCH_NAME=s3-bench

SIZE_MB=256
RUNS=3
BUILD=1
CLEAN=0
SEED=1

while [ $# -gt 0 ]; do
    case "$1" in
        --size-mb) SIZE_MB=${2:?--size-mb needs a value}; shift 2 ;;
        --runs) RUNS=${2:?--runs needs a value}; shift 2 ;;
        --seed) SEED=${2:?--seed needs a value}; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --clean) CLEAN=1; shift ;;
        -h|--help) usage 0 ;;
        *) echo "unknown option: $1" >&2; usage 2 >&2 ;;
    esac
done
check_common_options

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-$ROOT/bench/work-s3}
M2_REPO=${M2_REPO:-$HOME/.m2/repository}
TIMEOUT_S=${BENCH_TIMEOUT:-3600}
PLUGIN=dev.owui:backup-maven-plugin:0.1.0-SNAPSHOT

need rclone rclone
need rsync rsync
need_common
fail_if_missing

setup_bench_dir
SERVER_PID=
stop_server() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
    fi
}
cleanup() {
    stop_server
    rm -rf "$RUN" "$BENCH_DIR/warmup"
    if [ "$CLEAN" = 1 ]; then
        rm -rf "$TOOLS" "$BASE" "$DATA" "$BASE.ok" "$LOGS" "$RESULTS"
    fi
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------- build
# The plugin goes into a private local repository, never into M2_REPO (others' builds use it).
if [ "$BUILD" = 1 ]; then
    rm -rf "$TOOLS"
    mkdir -p "$TOOLS/m2"
    log "building the plugin into $TOOLS/m2 (./mvnw install -pl backup-maven-plugin -am -DskipTests, private repository)"
    (cd "$ROOT" && ./mvnw -B -q -o install -pl backup-maven-plugin -am -DskipTests -Dinvoker.skip \
        "-Dmaven.repo.local=$TOOLS/m2" "-Dmaven.repo.local.tail=$M2_REPO")
    (cd "$ROOT" && ./mvnw -B -q -o dependency:build-classpath -pl backup-maven-plugin -Dmdep.includeScope=test \
        "-Dmdep.outputFile=$TOOLS/test.classpath" "-Dmaven.repo.local=$TOOLS/m2" "-Dmaven.repo.local.tail=$M2_REPO")
    cp -a "$ROOT/backup-maven-plugin/target/test-classes" "$TOOLS/test-classes"
    cp -a "$ROOT/backup-maven-plugin/target/classes" "$TOOLS/classes"
fi
for f in "$TOOLS/test.classpath" "$TOOLS/test-classes" "$TOOLS/m2/dev/owui/backup-maven-plugin/0.1.0-SNAPSHOT"; do
    [ -e "$f" ] || { echo "$BENCH_NAME: $f is missing; run without --no-build" >&2; exit 1; }
done
JDBC_JAR=$(tr ':' '\n' < "$TOOLS/test.classpath" | grep '/sqlite-jdbc-[^/]*\.jar$' | head -1)
cp -a "$JDBC_JAR" "$TOOLS/"
MEASURED="plugin jar built $(date -u -r "$TOOLS/m2/dev/owui/backup-maven-plugin/0.1.0-SNAPSHOT/backup-maven-plugin-0.1.0-SNAPSHOT.jar" '+%Y-%m-%d %H:%M:%S UTC')$([ "$BUILD" = 1 ] || echo ' (--no-build)'); HEAD $(TZ=UTC git -C "$ROOT" log -1 --format='%h of %cd' --date='format-local:%Y-%m-%d %H:%M:%S UTC' 2>/dev/null || echo '?')"
MVN_OURS=("$ROOT/mvnw" -B -o "-Dmaven.repo.local=$TOOLS/m2" "-Dmaven.repo.local.tail=$M2_REPO")

# The S3 keys S3Server serves (test keys, not secrets), as an operator would give them.
ACCESS=owui-test-access
SECRET=owui-test-secret-Xy9
cat > "$TOOLS/settings.xml" <<XML
<settings>
  <servers>
    <server><id>bench-s3</id><username>$ACCESS</username><password>$SECRET</password></server>
  </servers>
</settings>
XML
: > "$TOOLS/rclone.conf"
cd "$BENCH_DIR" # no pom here: ours runs as `mvn owui:backup` does in a directory without a project

prepare_instance
start_results

# start_server DIR: a fresh S3Proxy JVM on a free loopback port; sets ENDPOINT and SERVER_PID.
start_server() {
    mkdir -p "$1"
    java -Xmx1g -cp "$TOOLS/test-classes:$TOOLS/classes:$(cat "$TOOLS/test.classpath")" dev.owui.backup.store.s3.S3Server \
        "$1" 0 backups "$RUN/stats" > "$LOGS/s3server.log" 2>&1 &
    SERVER_PID=$!
    local i
    for i in $(seq 1 600); do
        ENDPOINT=$(sed -n 's/^ready //p' "$LOGS/s3server.log")
        [ -n "$ENDPOINT" ] && [ -f "$RUN/stats" ] && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "$BENCH_NAME: S3Proxy did not start:" >&2
    tail -n 30 "$LOGS/s3server.log" >&2
    exit 1
}
s3_bytes() { sleep 0.3; cut -d' ' -f1 "$RUN/stats"; } # after the server's 100 ms refresh
lo_bytes() { awk '$1 == "lo:" {print $2}' /proc/net/dev; }
# server_ticks: CPU of the S3Proxy JVM (user + system, clock ticks): what the server spent on a command
server_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
TICKS=$(getconf CLK_TCK)

# The two timed commands as scripts, so /usr/bin/time measures the whole process tree of each.
cat > "$TOOLS/ours.sh" <<SH
#!/usr/bin/env bash
# ours.sh PREFIX DATA ENDPOINT: one owui:backup into s3://backups/PREFIX, quiet
exec $(printf '%q ' "${MVN_OURS[@]}") -q -s "$TOOLS/settings.xml" "$PLUGIN:backup" "-Dowui.dataDir=\$2" \
    "-Dowui.target=s3://backups/\$1" "-Dowui.s3.endpoint=\$3" -Dowui.serverId=bench-s3
SH
cat > "$TOOLS/rclone.sh" <<SH
#!/usr/bin/env bash
# rclone.sh DATA ENDPOINT: rclone sync into backups/rclone (rclone 1.60's S3 client breaks on AWS_CA_BUNDLE: unset)
exec env -u AWS_CA_BUNDLE RCLONE_CONFIG_BENCH_TYPE=s3 RCLONE_CONFIG_BENCH_PROVIDER=Other \
    RCLONE_CONFIG_BENCH_ACCESS_KEY_ID=$ACCESS RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY=$SECRET \
    RCLONE_CONFIG_BENCH_ENDPOINT="\$2" RCLONE_CONFIG_BENCH_REGION=us-east-1 RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE=true \
    rclone --config "$TOOLS/rclone.conf" sync "\$1" bench:backups/rclone --exclude '/cache/**' --exclude '/audit*.log'
SH
chmod +x "$TOOLS/ours.sh" "$TOOLS/rclone.sh"

# timed_extra: bytes S3Proxy received and loopback bytes during the command (lib.sh's timed calls it).
S3_BEFORE=0
LO_BEFORE=0
TICKS_BEFORE=0
mark() { S3_BEFORE=$(s3_bytes); LO_BEFORE=$(lo_bytes); TICKS_BEFORE=$(server_ticks); }
timed_extra() {
    printf '%s\t%s\t%s' "$(($(s3_bytes) - S3_BEFORE))" "$(($(lo_bytes) - LO_BEFORE))" \
        "$(awk -v t="$(($(server_ticks) - TICKS_BEFORE))" -v hz="$TICKS" 'BEGIN {printf "%.2f", t / hz}')"
}

TOOL_ORDER=(ours rclone)
one_backup() {
    local tool=$1 round=$2 rep=$3
    mark
    case "$tool" in
        ours) timed ours "$round" "$rep" "$RUN/s3/backups/owui" -- "$TOOLS/ours.sh" owui "$DATA" "$ENDPOINT" ;;
        rclone) timed rclone "$round" "$rep" "$RUN/s3/backups/rclone" -- "$TOOLS/rclone.sh" "$DATA" "$ENDPOINT" ;;
    esac
}

# files_list: path, size, mtime of every file ours takes (cache/ and audit logs left out).
files_list() {
    (cd "$DATA" && find . -type f ! -path './cache/*' ! -name 'audit*.log' -printf '%P\t%s\t%T@\n' | sort)
}

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
mkdir -p "$RUN"
start_server "$RUN/s3"
log "warm-up run of ours (untimed) on sample/data"
"$TOOLS/ours.sh" warmup "$ROOT/sample/data" "$ENDPOINT" >"$LOGS/warmup.log" 2>&1 \
    || { echo "$BENCH_NAME: the warm-up run of ours failed:" >&2; tail -n 30 "$LOGS/warmup.log" >&2; exit 1; }
stop_server

CHANGE=
EXPECTED=()
for rep in $(seq 1 "$RUNS"); do
    log "repetition $rep of $RUNS"
    stop_server
    rm -rf "$RUN"
    mkdir -p "$RUN"
    reset_data
    start_server "$RUN/s3"
    log "  S3Proxy at $ENDPOINT"
    round first "$rep"
    files_list > "$RUN/before.lst"
    CHANGE=$(mutate_data)
    files_list > "$RUN/after.lst"
    # what "changed files + databases" means for the target: files new or different (size or
    # mtime) after the change, plus both databases whole, whether they changed or not; the WAL and
    # shared-memory files are not stored (the capture folds the WAL into webui.db)
    changed=$(comm -13 "$RUN/before.lst" "$RUN/after.lst" | awk -F'\t' '$1 !~ /(-wal|-shm|-journal)$/ && $1 != "webui.db" && $1 != "vector_db/chroma.sqlite3" {s += $2} END {print s + 0}')
    dbs=$(awk -F'\t' '$1 == "webui.db" || $1 == "vector_db/chroma.sqlite3" {s += $2} END {print s + 0}' "$RUN/after.lst")
    EXPECTED+=("$((changed + dbs))")
    log "  mutated: $CHANGE; changed files $((changed / 1024)) KiB + databases $((dbs / 1024)) KiB"
    round change "$rep"
    stop_server
done
rm -rf "$RUN"
EXP=$(printf '%s\n' "${EXPECTED[@]}" | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}')

mib() { awk -v b="$1" 'BEGIN {printf "%.1f", b/1048576}'; }
{
    echo "owui S3 benchmark: --size-mb $SIZE_MB --runs $RUNS (medians of $RUNS)"
    echo
    facts_machine
    echo "rclone:      $(rclone version 2>/dev/null | head -1) (defaults: 4 transfers, 8 checkers; size + modtime)"
    echo "S3 server:   S3Proxy 3.0.0, filesystem (NIO.2) store, own JVM on loopback, one per repetition"
    facts_run
    echo
    printf '%-7s %-10s %8s %7s %13s %14s %13s %11s %13s\n' tool round "wall s" "CPU s" "peak RSS MiB" "S3 bytes MiB" "loopback MiB" "stored MiB" "server CPU s"
    printf '%-7s %-10s %8s %7s %13s %14s %13s %11s %13s\n' ------- ---------- -------- ------- ------------- -------------- ------------- ----------- -------------
    for round in first change; do
        for tool in ours rclone; do
            printf '%-7s %-10s %8.2f %7.2f %13.0f %14s %13s %11.1f %13.2f\n' "$tool" "$([ "$round" = first ] && echo first || echo '1% change')" \
                "$(median "$tool" "$round" 4)" "$(median "$tool" "$round" 7)" "$(awk -v k="$(median "$tool" "$round" 5)" 'BEGIN {print k/1024}')" \
                "$(mib "$(median "$tool" "$round" 8)")" "$(mib "$(median "$tool" "$round" 9)")" "$(awk -v k="$(median "$tool" "$round" 6)" 'BEGIN {print k/1024}')" \
                "$(median "$tool" "$round" 10)"
        done
    done
    echo "(ours: ./mvnw owui:backup, JVM + Maven start-up included; rclone: rclone sync, excludes as ours."
    echo " S3 bytes = payload S3Proxy received in uploads; loopback = lo rx bytes, HTTP and responses included;"
    echo " stored = growth of the server's folder for that prefix; server CPU = the S3Proxy JVM's CPU during the"
    echo " command, on the same CPUs: a server-side copy is the server's work, a file copy in S3Proxy's filesystem store)"
    echo
    oc=$(median ours change 4); rc=$(median rclone change 4); of=$(median ours first 4); rf=$(median rclone first 4)
    ob=$(median ours change 8); rb=$(median rclone change 8)
    echo "changed files + databases after the 1% change (median): $(mib "$EXP") MiB"
    echo "Ratios (medians):"
    echo "  first backup: wall ours/rclone = $(ratio "$of" "$rf")"
    echo "  1% change:    wall ours/rclone = $(ratio "$oc" "$rc"); bytes sent ours/(changed + databases) = $(ratio "$ob" "$EXP"), rclone/(changed + databases) = $(ratio "$rb" "$EXP")"
    echo
    echo "Targets:"
    printf '  %-56s %-28s %s\n' "1% change: ours sends <= 1.1 x (changed files + databases)" "$(ratio "$ob" "$EXP") ($(mib "$ob") vs $(mib "$EXP") MiB)" "$(verdict "$(ratio "$ob" "$EXP")" 1.1)"
    printf '  %-56s %-28s %s\n' "1% change: ours no slower than rclone sync" "$(ratio "$oc" "$rc") ($oc s vs $rc s)" "$(verdict "$(ratio "$oc" "$rc")" 1.0)"
} | tee "$REPORT"
log "report saved to $REPORT; raw figures in $RESULTS, logs in $LOGS"
