# Shared by the benchmark scripts in bench/ (backup-bench.sh, snapshot-bench.sh); sourced, not run.
# Defines functions and one array only. A script sets BENCH_NAME (the prefix of its error
# messages), ROOT, BENCH_DIR, M2_REPO, TIMEOUT_S, PLUGIN, SIZE_MB, RUNS, SEED and BUILD before it
# calls them; see backup-bench.sh for the order.

# usage [STATUS]: the calling script's header comment (line 2 up to `set -euo`), then exit.
usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
    exit "${1:-0}"
}

# check_common_options: --size-mb, --runs and --seed are well-formed.
check_common_options() {
    [[ $SIZE_MB =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "--size-mb must be a number, not '$SIZE_MB'" >&2; exit 2; }
    [[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "--runs must be a positive integer, not '$RUNS'" >&2; exit 2; }
    [[ $SEED =~ ^[0-9]+$ ]] || { echo "--seed must be a non-negative integer, not '$SEED'" >&2; exit 2; }
}

# ---------------------------------------------------------------------------------------- tools
missing=()
need() { # command, Debian package
    if ! command -v "$1" >/dev/null 2>&1; then
        missing+=("$1 (Debian package: $2)")
    fi
}
# need_common: what every benchmark needs (the plugin's JDK, the fixture, the measuring).
need_common() {
    need java openjdk-17-jdk-headless
    need timeout coreutils
    need du coreutils
    need sha256sum coreutils
    need awk mawk
    [ -x /usr/bin/time ] || missing+=("/usr/bin/time (Debian package: time)")
}
# fail_if_missing: names the Debian package of every missing tool and exits.
fail_if_missing() {
    if [ ${#missing[@]} -gt 0 ]; then
        echo "$BENCH_NAME: missing tools; install them with apt-get install -y <package>:" >&2
        printf '  %s\n' "${missing[@]}" >&2
        exit 1
    fi
}

# setup_bench_dir: makes BENCH_DIR absolute (refusing one whose cleaning would hurt) and sets the
# paths inside it.
setup_bench_dir() {
    mkdir -p "$BENCH_DIR"
    BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
    case "$BENCH_DIR" in
        /|"$HOME"|"$ROOT") echo "refusing BENCH_DIR=$BENCH_DIR: it would be cleaned" >&2; exit 2 ;;
    esac
    TOOLS=$BENCH_DIR/tools
    BASE=$BENCH_DIR/data.base
    DATA=$BENCH_DIR/data
    RUN=$BENCH_DIR/run
    LOGS=$BENCH_DIR/logs
    RESULTS=$BENCH_DIR/results.tsv
    REPORT=$BENCH_DIR/last-report.txt
}

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ---------------------------------------------------------------------------------------- build
# build_and_copy_tools: builds the plugin (unless BUILD=0), then copies test-classes, the
# sqlite-jdbc jar and the installed plugin into TOOLS right away: another build may rewrite target/
# or the installed plugin while we measure. Sets JDBC_JAR, MEASURED and MVN_OURS (Maven against
# the private copy, offline; the script appends the goal).
build_and_copy_tools() {
    if [ "$BUILD" = 1 ]; then
        log "building the plugin: ./mvnw -B -q install -DskipTests -Dinvoker.skip"
        (cd "$ROOT" && ./mvnw -B -q install -DskipTests -Dinvoker.skip)
    fi
    SQLITE_JDBC_VERSION=$(sed -n 's:.*<sqlite.jdbc.version>\(.*\)</sqlite.jdbc.version>.*:\1:p' "$ROOT/pom.xml" | head -1)
    SQLITE_JDBC_VERSION=${SQLITE_JDBC_VERSION:-3.53.4.0}
    JDBC_JAR=$M2_REPO/org/xerial/sqlite-jdbc/$SQLITE_JDBC_VERSION/sqlite-jdbc-$SQLITE_JDBC_VERSION.jar
    local f
    for f in "$ROOT/backup-maven-plugin/target/test-classes/dev/owui/backup/testkit/FixtureMain.class" "$JDBC_JAR" \
             "$M2_REPO/dev/owui/backup-maven-plugin/0.1.0-SNAPSHOT"; do
        [ -e "$f" ] || { echo "$BENCH_NAME: $f is missing; run without --no-build (or ./mvnw install -DskipTests -Dinvoker.skip)" >&2; exit 1; }
    done
    rm -rf "$TOOLS"
    mkdir -p "$TOOLS/m2/dev"
    cp -a "$ROOT/backup-maven-plugin/target/test-classes" "$TOOLS/test-classes"
    cp -a "$JDBC_JAR" "$TOOLS/"
    cp -a "$M2_REPO/dev/owui" "$TOOLS/m2/dev/"
    MEASURED="plugin jar built $(date -u -r "$TOOLS/m2/dev/owui/backup-maven-plugin/0.1.0-SNAPSHOT/backup-maven-plugin-0.1.0-SNAPSHOT.jar" '+%Y-%m-%d %H:%M:%S UTC')$([ "$BUILD" = 1 ] || echo ' (--no-build)'); HEAD $(TZ=UTC git -C "$ROOT" log -1 --format='%h of %cd' --date='format-local:%Y-%m-%d %H:%M:%S UTC' 2>/dev/null || echo '?')"
    if [ -n "$(git -C "$ROOT" status --porcelain -- backup-maven-plugin 2>/dev/null)" ]; then
        MEASURED="$MEASURED, backup-maven-plugin/ has uncommitted changes"
    fi
    MVN_OURS=("$ROOT/mvnw" -B -o "-Dmaven.repo.local=$TOOLS/m2" "-Dmaven.repo.local.tail=$M2_REPO")
}
fixture() { java -cp "$TOOLS/test-classes:$TOOLS/$(basename "$JDBC_JAR")" dev.owui.backup.testkit.FixtureMain "$@"; }

# -------------------------------------------------------------------------------------- fixture
# prepare_instance: generates the instance into BASE with a fixed seed, unless a marker says it is
# already there with the same size and seed. Sets MARKER.
prepare_instance() {
    MARKER="size-mb=$SIZE_MB seed=$SEED"
    if [ -f "$BASE.ok" ] && [ "$(cat "$BASE.ok")" = "$MARKER" ] && [ -d "$BASE" ]; then
        log "reusing the instance in $BASE ($MARKER)"
    else
        log "generating a $SIZE_MB MiB instance (seed $SEED) into $BASE"
        rm -rf "$BASE" "$BASE.ok" "$DATA"
        fixture generate --dir "$BASE" --size-mb "$SIZE_MB" --seed "$SEED" >&2
        echo "$MARKER" > "$BASE.ok"
    fi
}
reset_data() { rsync -a --delete "$BASE/" "$DATA/"; }
# mutate_data: the 1% change (fixed seed) on DATA; prints what changed.
mutate_data() {
    fixture mutate --dir "$DATA" --percent 1 --seed "$SEED" | sed 's/^mutated [^:]*: //; s/ in [0-9.]* s$//'
}

# ------------------------------------------------------------------------------------ measuring
start_results() {
    rm -rf "$LOGS"
    mkdir -p "$LOGS"
    : > "$RESULTS"
}
kib() { du -sk "$1" | awk '{print $1}'; }

# timed TOOL ROUND REP SIZE_ROOT -- command...: runs it, appends "tool round rep wall rss_kib size_kib cpu_s".
# The size is du of SIZE_ROOT after the run, minus before it in the change round. When the script
# defines a function timed_extra, its output (called with TOOL ROUND REP after the run, untimed)
# is appended to the line as more tab-separated fields.
timed() {
    local tool=$1 round=$2 rep=$3 sizeroot=$4; shift 5
    local tag=$tool.$round.$rep
    local before=0
    [ "$round" != first ] && before=$(kib "$sizeroot")
    sync
    if ! /usr/bin/time -f '%e %M %U %S' -o "$LOGS/$tag.time" timeout -k 10 "$TIMEOUT_S" "$@" >"$LOGS/$tag.log" 2>&1; then
        echo "$BENCH_NAME: $tool ($round, run $rep) failed; its output ($LOGS/$tag.log) ends:" >&2
        tail -n 30 "$LOGS/$tag.log" >&2
        cat "$LOGS/$tag.time" >&2
        exit 1
    fi
    local wall rss usr sys
    read -r wall rss usr sys < <(tail -n 1 "$LOGS/$tag.time")
    local after extra=
    after=$(kib "$sizeroot")
    if declare -F timed_extra >/dev/null; then
        extra=$'\t'$(timed_extra "$tool" "$round" "$rep")
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s%s\n' "$tool" "$round" "$rep" "$wall" "$rss" "$((after - before))" \
        "$(awk -v u="$usr" -v s="$sys" 'BEGIN {print u + s}')" "$extra" >> "$RESULTS"
    log "  $tool $round: ${wall} s, $((rss / 1024)) MiB peak RSS, $(((after - before) / 1024)) MiB stored, load $(cut -d' ' -f1 /proc/loadavg)"
}

# The excludes ours applies by default (cache/, audit.log, audit*.log), in rsync's words.
RSYNC_EXCLUDES=(--exclude /cache --exclude /audit.log --exclude '/audit*.log')

# round ROUND REP: every tool of TOOL_ORDER once, through the script's one_backup TOOL ROUND REP,
# in an order rotated by one per repetition, so no tool always follows the same neighbour (the
# machine's state after a big write or delete differs).
round() {
    local round=$1 rep=$2 i k=${#TOOL_ORDER[@]}
    for ((i = 0; i < k; i++)); do
        one_backup "${TOOL_ORDER[$(((i + rep - 1) % k))]}" "$round" "$rep"
    done
}

# ---------------------------------------------------------------------------------------- facts
# facts_machine: the lines about the machine, the plugin and its JVM; facts_run: load and instance
# (needs LOAD_START, MARKER and CHANGE).
facts_machine() {
    echo "date:        $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "machine:     $(uname -srm), $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1))"
    echo "memory:      $(awk '/^MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
    echo "disk:        $(df -hT "$BENCH_DIR" | awk 'NR==2 {print $2 " on " $7 ", " $5 " free of " $3}')"
    echo "measured:    $MEASURED"
    echo "java:        $(java -version 2>&1 | head -1)"
    echo "maven:       $(sed -n 's:.*apache-maven-\([0-9.]*\)-bin.zip:\1:p' "$ROOT/.mvn/wrapper/maven-wrapper.properties") (wrapper)"
}
facts_run() {
    echo "load:        $LOAD_START (1/5/15 min) at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
    echo "instance:    $(du -sh "$BASE" | cut -f1) in $(find "$BASE" -type f | wc -l) files (generated, $MARKER); change: $CHANGE"
}

# -------------------------------------------------------------------------------------- report
# median TOOL ROUND FIELD(4=wall 5=rss 6=size 7=cpu, then the script's extra fields)
median() {
    awk -F'\t' -v t="$1" -v r="$2" -v f="$3" '$1==t && $2==r {print $f}' "$RESULTS" | sort -g |
        awk '{v[NR]=$1} END {if (NR==0) {print "nan"; exit} if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'
}
maxof() { awk -F'\t' -v t="$1" -v f="$2" '$1==t && ($f+0)>m {m=$f+0} END {print m+0}' "$RESULTS"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b==0) print "n/a"; else printf "%.2f", a/b}'; }
verdict() { awk -v v="$1" -v lim="$2" 'BEGIN {if (v !~ /^[0-9.]+$/) print "n/a"; else print ((v+0) <= (lim+0) ? "PASS" : "FAIL")}'; }
