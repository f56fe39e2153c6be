#!/usr/bin/env bash
# Format 3 (owui.format=3) through real Maven, side by side with its peers in one run, against
# the targets of issue 11 ("Benchmarks"). See bench/README.md ("Format 3 benchmark").
#
# Usage (from the repository root):
#   bench/format3-bench.sh [--size-mb N] [--runs N] [--days K] [--parts LIST] [--no-build] [--clean] [--seed S]
#
#   --size-mb N   size of the generated instance in MiB (default 1024)
#   --runs N      repetitions of each timed comparison; the tables show medians (default 3)
#   --days K      daily backups before the restore (default 7: day 0 to day K-1)
#   --parts LIST  some of local,s3,restore (default all three; restore needs local)
#   --no-build    reuse the plugin, test classes and classpath in BENCH_DIR/tools from an earlier run
#   --clean       remove the generated instance (and everything else in BENCH_DIR) at the end
#   --seed S      fixture seed (default 1)
# Environment: BENCH_DIR (default bench/work-format3), BENCH_TIMEOUT (seconds per timed command,
# default 3600), M2_REPO (the local Maven repository used as a read-only tail, default ~/.m2/repository).
#
# Parts:
#   local    per repetition, from the same bytes: a first backup of each tool (timed, not judged),
#            the simulated day (FixtureMain day --percent 1: new uploads and chats, a growing vector
#            segment, every user's last_active_at, a tenth of the chats grown, 3 chats deleted), then
#            the second backup, timed: `mvn owui:backup -Dowui.format=3` (local target) against
#            `restic backup` (same repository as its first). Target: ours <= 0.7 x restic.
#   s3       per repetition: a fresh S3Proxy (its own JVM, filesystem store), first backup of each
#            (ours: owui.format=3 to s3://backups/owui; rclone sync to backups/rclone), the day,
#            then both again, timed, with every HTTP request to the server counted (tcpdump on lo,
#            request lines only). Targets: ours' requests <= objects it writes + a small constant;
#            wall <= 1.0 x rclone sync.
#   restore  after the last local repetition: days 2 .. K-1 more (both tools back up each day), so
#            both hold K dailies; then per repetition, into fresh folders: `mvn owui:restore` of the
#            newest, `restic restore latest`, and `cp -a` of the data directory. Target: ours <= 1.0 x restic.
# Ours runs as `mvn owui:backup` / `owui:restore` does in a folder without a pom: ./mvnw -o against
# a private local repository (BENCH_DIR/tools/m2, M2_REPO as a read-only tail), with its own
# user.home (BENCH_DIR/home: ours' page-map cache and capture space, fresh per repetition, so no
# other run's cache helps or hurts). Tools take turns (rotated per repetition); an untimed sync
# before each timed command; no caches dropped.
set -euo pipefail
shopt -s inherit_errexit
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BENCH_NAME=format3-bench

SIZE_MB=1024
RUNS=3
DAYS=7
PARTS=local,s3,restore
BUILD=1
CLEAN=0
SEED=1
while [ $# -gt 0 ]; do
    case "$1" in
        --size-mb) SIZE_MB=${2:?--size-mb needs a value}; shift 2 ;;
        --runs) RUNS=${2:?--runs needs a value}; shift 2 ;;
        --days) DAYS=${2:?--days needs a value}; shift 2 ;;
        --parts) PARTS=${2:?--parts needs a value}; shift 2 ;;
        --seed) SEED=${2:?--seed needs a value}; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --clean) CLEAN=1; shift ;;
        -h|--help) usage 0 ;;
        *) echo "unknown option: $1" >&2; usage 2 >&2 ;;
    esac
done
check_common_options
[[ $DAYS =~ ^[2-9]$|^[1-9][0-9]+$ ]] || { echo "--days must be 2 or more, not '$DAYS'" >&2; exit 2; }
part() { [[ ,$PARTS, == *,$1,* ]]; }
if part restore && ! part local; then echo "--parts: restore needs local (its dailies continue the local part's)" >&2; exit 2; fi

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-$ROOT/bench/work-format3}
M2_REPO=${M2_REPO:-$HOME/.m2/repository}
TIMEOUT_S=${BENCH_TIMEOUT:-3600}
PLUGIN=dev.owui:backup-maven-plugin:0.1.0-SNAPSHOT

need restic restic
need rsync rsync
if part s3; then
    need rclone rclone
    need tcpdump tcpdump
fi
need_common
fail_if_missing

setup_bench_dir
SERVER_PID=
TCPDUMP_PID=
stop_server() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
    fi
}
cleanup() {
    [ -z "$TCPDUMP_PID" ] || kill "$TCPDUMP_PID" 2>/dev/null || true
    stop_server
    rm -rf "$RUN" "$BENCH_DIR/home" "$BENCH_DIR/warmup"
    if [ "$CLEAN" = 1 ]; then
        rm -rf "$TOOLS" "$BASE" "$DATA" "$BASE.ok" "$LOGS" "$RESULTS"
    fi
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------- build
# As s3-bench.sh: into a private local repository, never into M2_REPO (others' builds use it).
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
for f in "$TOOLS/test.classpath" "$TOOLS/test-classes" "$TOOLS/classes" "$TOOLS/m2/dev/owui/backup-maven-plugin/0.1.0-SNAPSHOT"; do
    [ -e "$f" ] || { echo "$BENCH_NAME: $f is missing; run without --no-build" >&2; exit 1; }
done
CP="$TOOLS/test-classes:$TOOLS/classes:$(cat "$TOOLS/test.classpath")"
fixture() { java -cp "$CP" dev.owui.backup.testkit.FixtureMain "$@" 2>/dev/null; } # lib.sh's, with the day command's classes
MEASURED="plugin jar built $(date -u -r "$TOOLS/m2/dev/owui/backup-maven-plugin/0.1.0-SNAPSHOT/backup-maven-plugin-0.1.0-SNAPSHOT.jar" '+%Y-%m-%d %H:%M:%S UTC')$([ "$BUILD" = 1 ] || echo ' (--no-build)'); HEAD $(TZ=UTC git -C "$ROOT" log -1 --format='%h of %cd' --date='format-local:%Y-%m-%d %H:%M:%S UTC' 2>/dev/null || echo '?')"
# ours' own user.home: its page-map cache and capture space (~/.cache/owui-backup), reset per repetition
HOMEDIR=$BENCH_DIR/home
MVN_OURS=(env "MAVEN_OPTS=${MAVEN_OPTS:-} -Duser.home=$HOMEDIR" "$ROOT/mvnw" -B -o "-Dmaven.repo.local=$TOOLS/m2" "-Dmaven.repo.local.tail=$M2_REPO")

ACCESS=owui-test-access   # the test keys S3Server serves (not secrets)
SECRET=owui-test-secret-Xy9
cat > "$TOOLS/settings.xml" <<XML
<settings>
  <servers>
    <server><id>bench-s3</id><username>$ACCESS</username><password>$SECRET</password></server>
  </servers>
</settings>
XML
: > "$TOOLS/rclone.conf"
cat > "$TOOLS/rclone.sh" <<SH
#!/usr/bin/env bash
# rclone.sh DATA ENDPOINT: rclone sync into backups/rclone (rclone 1.60's S3 client breaks on AWS_CA_BUNDLE: unset)
exec env -u AWS_CA_BUNDLE RCLONE_CONFIG_BENCH_TYPE=s3 RCLONE_CONFIG_BENCH_PROVIDER=Other \
    RCLONE_CONFIG_BENCH_ACCESS_KEY_ID=$ACCESS RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY=$SECRET \
    RCLONE_CONFIG_BENCH_ENDPOINT="\$2" RCLONE_CONFIG_BENCH_REGION=us-east-1 RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE=true \
    rclone --config "$TOOLS/rclone.conf" sync "\$1" bench:backups/rclone --exclude '/cache/**' --exclude '/audit*.log'
SH
chmod +x "$TOOLS/rclone.sh"
cd "$BENCH_DIR" # no pom here: ours runs as `mvn owui:backup` does in a directory without a project

prepare_instance
start_results

RESTIC_EXCLUDES=(--exclude "$DATA/cache" --exclude "$DATA/audit.log" --exclude "$DATA/audit*.log")
export RESTIC_PASSWORD=owui-bench-not-a-secret
restic_env=(env "RESTIC_REPOSITORY=$BENCH_DIR/run/restic" "RESTIC_CACHE_DIR=$BENCH_DIR/run/restic-cache")

# ours' closing line "backup <id>: N files and databases (…), M objects written (…)": prints M
objects_written() { sed -n 's/.*, \([0-9,]*\) objects written (.*/\1/p' "$1" | head -1 | tr -d ,; }

# ------------------------------------------------------------------------------------ S3 server
# start_server DIR: a fresh S3Proxy JVM on a free loopback port (as s3-bench.sh); sets ENDPOINT, PORT, SERVER_PID.
start_server() {
    mkdir -p "$1"
    java -Xmx1g -cp "$CP" dev.owui.backup.store.s3.S3Server "$1" 0 backups "$RUN/stats" > "$LOGS/s3server.log" 2>&1 &
    SERVER_PID=$!
    local i
    for i in $(seq 1 600); do
        ENDPOINT=$(sed -n 's/^ready //p' "$LOGS/s3server.log")
        if [ -n "$ENDPOINT" ] && [ -f "$RUN/stats" ]; then
            PORT=${ENDPOINT##*:}
            return 0
        fi
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "$BENCH_NAME: S3Proxy did not start:" >&2
    tail -n 30 "$LOGS/s3server.log" >&2
    exit 1
}
# Request counting: tcpdump on lo keeps only TCP segments to the server's port whose payload starts
# with an HTTP method (a request line: GET, PUT, HEAD, POST, DELETE); the kernel filters, so bodies
# cost nothing. Counted per timed command, by method. S3Proxy serves HTTP/1.1 without pipelining:
# one request line per request.
BPF_METHODS='(tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x47455420 or tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x50555420 or tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x48454144 or tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x504f5354 or tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x44454c45)'
count_start() { # TAG
    tcpdump -i lo -nn -U -s 256 -w "$LOGS/$1.pcap" "tcp dst port $PORT and $BPF_METHODS" 2>"$LOGS/$1.tcpdump" &
    TCPDUMP_PID=$!
    local i
    for i in $(seq 1 100); do grep -qs 'listening on' "$LOGS/$1.tcpdump" && return 0; sleep 0.05; done
    echo "$BENCH_NAME: tcpdump did not start: $(cat "$LOGS/$1.tcpdump")" >&2
    exit 1
}
count_stop() { # TAG: prints "total GET PUT HEAD POST DELETE dropped"
    sleep 0.2
    kill -INT "$TCPDUMP_PID"
    wait "$TCPDUMP_PID" 2>/dev/null || true
    TCPDUMP_PID=
    tcpdump -r "$LOGS/$1.pcap" -nn -A 2>/dev/null | grep -aoE '(GET|PUT|HEAD|POST|DELETE) /[^ ]* HTTP/1' > "$LOGS/$1.requests" || true
    local dropped
    dropped=$(sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' "$LOGS/$1.tcpdump")
    awk -v d="${dropped:-?}" '{n[$1]++; t++} END {printf "%d %d %d %d %d %d %s\n", t, n["GET"], n["PUT"], n["HEAD"], n["POST"], n["DELETE"], d}' "$LOGS/$1.requests"
}

# -------------------------------------------------------------------------------------- timing
# timed_extra: for S3 commands, the request counts (field 8 on) and objects ours wrote.
timed_extra() {
    local tool=$1 round=$2 rep=$3
    case "$tool" in
        ours-s3|rclone) printf '%s\t%s' "$(count_stop "$tool.$round.$rep" | tr ' ' '\t')" "$(objects_written "$LOGS/$tool.$round.$rep.log")" ;;
        ours) printf '0\t0\t0\t0\t0\t0\t-\t%s' "$(objects_written "$LOGS/$tool.$round.$rep.log")" ;;
        *) printf '0\t0\t0\t0\t0\t0\t-\t-' ;;
    esac
}

one_backup() {
    local tool=$1 round=$2 rep=$3
    case "$tool" in
        ours) timed ours "$round" "$rep" "$RUN/ours" -- "${MVN_OURS[@]}" "$PLUGIN:backup" -Dowui.format=3 \
                  "-Dowui.dataDir=$DATA" "-Dowui.target=$RUN/ours" ;;
        restic) timed restic "$round" "$rep" "$RUN/restic" -- "${restic_env[@]}" restic backup -q --host owui-bench "${RESTIC_EXCLUDES[@]}" "$DATA" ;;
        ours-s3) count_start "ours-s3.$round.$rep"
                 timed ours-s3 "$round" "$rep" "$RUN/s3/backups/owui" -- "${MVN_OURS[@]}" -s "$TOOLS/settings.xml" "$PLUGIN:backup" \
                     -Dowui.format=3 "-Dowui.dataDir=$DATA" -Dowui.target=s3://backups/owui "-Dowui.s3.endpoint=$ENDPOINT" -Dowui.serverId=bench-s3 ;;
        rclone) count_start "rclone.$round.$rep"
                timed rclone "$round" "$rep" "$RUN/s3/backups/rclone" -- "$TOOLS/rclone.sh" "$DATA" "$ENDPOINT" ;;
        ours-restore) rm -rf "$RUN/restored-ours"; mkdir "$RUN/restored-ours" # an empty folder: owui:restore fills it directly
                      timed ours-restore "$round" "$rep" "$RUN/restored-ours" -- "${MVN_OURS[@]}" "$PLUGIN:restore" \
                          "-Dowui.target=$RUN/ours" "-Dowui.dataDir=$RUN/restored-ours" ;;
        restic-restore) rm -rf "$RUN/restored-restic"; mkdir "$RUN/restored-restic"
                        timed restic-restore "$round" "$rep" "$RUN/restored-restic" -- "${restic_env[@]}" restic restore -q latest \
                            --target "$RUN/restored-restic" ;;
        cp) rm -rf "$RUN/restored-cp"; mkdir "$RUN/restored-cp"
            timed cp "$round" "$rep" "$RUN/restored-cp" -- cp -a "$DATA/." "$RUN/restored-cp/" ;;
    esac
}

# files_list: path, size, mtime of every file the tools take (cache/ and audit logs left out).
files_list() {
    (cd "$DATA" && find . -type f ! -path './cache/*' ! -name 'audit*.log' -printf '%P\t%s\t%T@\n' | sort)
}

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
CHANGE=
log "warm-up run of ours (untimed) on sample/data"
rm -rf "$BENCH_DIR/warmup"
mkdir -p "$BENCH_DIR/warmup"
"${MVN_OURS[@]}" -q "$PLUGIN:backup" -Dowui.format=3 "-Dowui.dataDir=$ROOT/sample/data" "-Dowui.target=$BENCH_DIR/warmup/t" >"$LOGS/warmup.log" 2>&1 \
    || { echo "$BENCH_NAME: the warm-up run of ours failed:" >&2; tail -n 30 "$LOGS/warmup.log" >&2; exit 1; }

# -------------------------------------------------------------------------------- part: local
if part local; then
    for rep in $(seq 1 "$RUNS"); do
        log "local, repetition $rep of $RUNS"
        rm -rf "$RUN" "$HOMEDIR"
        mkdir -p "$RUN/ours" "$HOMEDIR"
        reset_data
        "${restic_env[@]}" restic init -q >"$LOGS/restic.init.$rep.log" 2>&1
        TOOL_ORDER=(ours restic)
        round first "$rep"
        CHANGE=$(fixture day --dir "$DATA" --percent 1 --day 1 --seed "$SEED" | sed 's/^day [0-9]* of [^:]*: //; s/ in [0-9.]* s$//')
        log "  day 1: $CHANGE"
        round change "$rep"
    done
fi

# ------------------------------------------------------------------------------ part: restore
if part restore; then
    # The last local repetition's target and repository hold days 0 and 1; add the rest.
    for day in $(seq 2 $((DAYS - 1))); do
        fixture day --dir "$DATA" --percent 1 --day "$day" --seed "$SEED" >/dev/null
        TOOL_ORDER=(ours restic)
        round "day$day" 1
    done
    DAILY_OURS=$(find "$RUN/ours" -path '*/backups/*' -type f | wc -l)
    DAILY_RESTIC=$("${restic_env[@]}" restic snapshots --compact 2>/dev/null | grep -c 'owui-bench' || true)
    log "restore: ours holds $DAILY_OURS backup heads, restic $DAILY_RESTIC snapshots"
    for rep in $(seq 1 "$RUNS"); do
        TOOL_ORDER=(ours-restore restic-restore cp)
        round restore "$rep"
    done
    # What each restore holds (untimed): files and bytes, and whether the restored files are the
    # data directory's (ours restores webui.db and chroma.sqlite3 as captured: other bytes, same content).
    RESTORED_OURS="$(find "$RUN/restored-ours" -type f | wc -l) files, $(du -sb "$RUN/restored-ours" | cut -f1) B"
    RESTORED_RESTIC="$(find "$RUN/restored-restic" -type f | wc -l) files, $(du -sb "$RUN/restored-restic" | cut -f1) B"
    (cd "$DATA" && find . -type f ! -path './cache/*' ! -name 'audit*.log' ! -name '*.sqlite3' ! -name 'webui.db*' -print0 | xargs -0 sha256sum) > "$LOGS/data.sha256"
    RESTORE_DIFF=$( (cd "$RUN/restored-ours" && sha256sum --quiet -c "$LOGS/data.sha256" 2>/dev/null || true) | sed 's/: .*//' | paste -sd' ')
    RESTORE_DIFF=${RESTORE_DIFF:-none}
    rm -rf "$RUN/restored-ours" "$RUN/restored-restic" "$RUN/restored-cp"
fi

# ----------------------------------------------------------------------------------- part: s3
if part s3; then
    EXPECTED=()
    for rep in $(seq 1 "$RUNS"); do
        log "s3, repetition $rep of $RUNS"
        stop_server
        rm -rf "$RUN" "$HOMEDIR"
        mkdir -p "$RUN" "$HOMEDIR"
        reset_data
        start_server "$RUN/s3"
        log "  S3Proxy at $ENDPOINT"
        TOOL_ORDER=(ours-s3 rclone)
        round first "$rep"
        files_list > "$RUN/before.lst"
        CHANGE=$(fixture day --dir "$DATA" --percent 1 --day 1 --seed "$SEED" | sed 's/^day [0-9]* of [^:]*: //; s/ in [0-9.]* s$//')
        files_list > "$RUN/after.lst"
        # changed files: new or different (size or mtime) after the day, WAL and -shm left out (the
        # capture folds the WAL in): what rclone sync has to send
        EXPECTED+=("$(comm -13 "$RUN/before.lst" "$RUN/after.lst" | awk -F'\t' '$1 !~ /(-wal|-shm|-journal)$/' | wc -l)")
        round change "$rep"
        stop_server
    done
    CHANGED_FILES=$(printf '%s\n' "${EXPECTED[@]}" | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}')
fi
rm -rf "$RUN"

# -------------------------------------------------------------------------------------- report
# fields: 4 wall, 5 rss, 6 size, 7 cpu, 8 requests, 9 GET, 10 PUT, 11 HEAD, 12 POST, 13 DELETE, 14 dropped, 15 objects written
row() { # TOOL ROUND WHAT
    printf '%-15s %-10s %8.2f %7.2f %13.0f %10.1f  %s\n' "$1" "$2" "$(median "$1" "$2" 4)" "$(median "$1" "$2" 7)" \
        "$(awk -v k="$(median "$1" "$2" 5)" 'BEGIN {print k/1024}')" "$(awk -v k="$(median "$1" "$2" 6)" 'BEGIN {print k/1024}')" "$3"
}
has() { awk -F'\t' -v t="$1" -v r="$2" '$1==t && $2==r {f=1} END {exit !f}' "$RESULTS"; }
{
    echo "owui format 3 benchmark: --size-mb $SIZE_MB --runs $RUNS --days $DAYS --parts $PARTS (medians of $RUNS)"
    echo
    facts_machine
    echo "restic:      $(restic version | head -1); repository format 2, compression auto (defaults)"
    part s3 && echo "rclone:      $(rclone version 2>/dev/null | head -1) (defaults); S3 server: S3Proxy 3.0.0, filesystem store, own JVM, one per repetition"
    echo "ours:        ./mvnw -o owui:backup -Dowui.format=3 (default settings: owui.compression=auto, i.e. zstd-3 for format 3; 4 threads; fsync) / owui:restore, JVM + Maven start-up included"
    facts_run
    echo
    printf '%-15s %-10s %8s %7s %13s %10s  %s\n' tool round "wall s" "CPU s" "peak RSS MiB" "disk MiB" what
    printf '%-15s %-10s %8s %7s %13s %10s  %s\n' --------------- ---------- -------- ------- ------------- ---------- ----
    if part local; then
        row ours first "owui:backup -Dowui.format=3, new local target"
        row restic first "restic backup, new repository"
        row ours change "the same again after the day (1%)"
        row restic change "restic backup again"
    fi
    if part restore; then
        for day in $(seq 2 $((DAYS - 1))); do
            row ours "day$day" "daily backup (untimed in the targets)"
            row restic "day$day" ""
        done
        row ours-restore restore "owui:restore of the newest of $DAYS dailies into a new folder"
        row restic-restore restore "restic restore latest --target <new folder>"
        row cp restore "cp -a data <new folder>"
    fi
    if part s3; then
        row ours-s3 first "owui:backup -Dowui.format=3 to s3://backups/owui"
        row rclone first "rclone sync data bench:backups/rclone"
        row ours-s3 change "the same again after the day (1%)"
        row rclone change "rclone sync again"
    fi
    echo "(disk: first = du of the destination; later rounds = its growth in the round; restore = du of the restored folder)"
    echo
    if part s3; then
        echo "HTTP requests to S3Proxy (tcpdump on lo, request lines; medians):"
        printf '  %-8s %-10s %9s %6s %6s %6s %6s %7s %8s %16s\n' tool round requests GET PUT HEAD POST DELETE dropped "objects written"
        for tool in ours-s3 rclone; do
            for round in first change; do
                printf '  %-8s %-10s %9s %6s %6s %6s %6s %7s %8s %16s\n' "$tool" "$round" "$(median $tool $round 8)" "$(median $tool $round 9)" \
                    "$(median $tool $round 10)" "$(median $tool $round 11)" "$(median $tool $round 12)" "$(median $tool $round 13)" \
                    "$(awk -F'\t' -v t=$tool -v r=$round '$1==t && $2==r {print $14}' "$RESULTS" | paste -sd,)" \
                    "$([ $tool = ours-s3 ] && median $tool $round 15 || echo -)"
            done
        done
        echo "  changed files after the day (new or different, what rclone sends; median): $CHANGED_FILES"
        echo
    fi
    if part restore; then
        echo "restore: ours held $DAILY_OURS backup heads, restic $DAILY_RESTIC snapshots; restored: ours $RESTORED_OURS, restic $RESTORED_RESTIC;"
        echo "  files other than the databases that differ from the data directory in ours' restore: $RESTORE_DIFF"
        echo
    fi
    echo "Targets (medians):"
    if part local; then
        oc=$(median ours change 4); rc=$(median restic change 4)
        printf '  %-58s %-28s %s\n' "1% change, local: ours <= 0.7 x restic backup" "$(ratio "$oc" "$rc") ($oc s vs $rc s)" "$(verdict "$(ratio "$oc" "$rc")" 0.7)"
    fi
    if part s3; then
        oq=$(median ours-s3 change 8); ow=$(median ours-s3 change 15)
        os=$(median ours-s3 change 4); rs=$(median rclone change 4)
        printf '  %-58s %-28s %s\n' "1% change, S3: ours' requests <= objects written + 20" "$oq vs $ow + 20 (constant $((oq - ow)))" "$( [ "$oq" -le $((ow + 20)) ] && echo PASS || echo FAIL)"
        printf '  %-58s %-28s\n' "  (against changed files instead: requests - changed files)" "$oq - $CHANGED_FILES = $(awk -v a="$oq" -v b="$CHANGED_FILES" 'BEGIN {print a - b}')"
        printf '  %-58s %-28s %s\n' "1% change, S3: ours <= 1.0 x rclone sync" "$(ratio "$os" "$rs") ($os s vs $rs s)" "$(verdict "$(ratio "$os" "$rs")" 1.0)"
    fi
    if part restore; then
        ot=$(median ours-restore restore 4); rt=$(median restic-restore restore 4); ct=$(median cp restore 4)
        printf '  %-58s %-28s %s\n' "restore of the newest of $DAYS: ours <= 1.0 x restic restore" "$(ratio "$ot" "$rt") ($ot s vs $rt s)" "$(verdict "$(ratio "$ot" "$rt")" 1.0)"
        printf '  %-58s %-28s\n' "  (against cp -a of the data directory)" "$(ratio "$ot" "$ct") ($ot s vs $ct s)"
    fi
} | tee "$REPORT"
log "report saved to $REPORT; raw figures in $RESULTS, logs in $LOGS"
