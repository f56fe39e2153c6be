#!/usr/bin/env bash
# Side-by-side benchmark: `mvn owui:snapshot` against the tutorial's snapshot script
# (`rsync -a --delete --link-dest=<previous snapshot>` into timestamped folders), locally and over
# ssh to the same sshd, on one generated instance, after a 1% change, with ratios and PASS/FAIL
# against the targets of issue 3: wall ours/rsync <= 1.0 and disk ours <= rsync, locally and over
# ssh. See bench/README.md.
#
# Usage (from the repository root):
#   bench/snapshot-bench.sh [--size-mb N] [--runs N] [--no-build] [--no-ssh] [--tools LIST] [--clean] [--seed S]
#
#   --size-mb N   size of the generated instance in MiB (default 1024)
#   --runs N      repetitions; the table shows medians (default 3)
#   --no-build    do not run `./mvnw install`; use what target/ and the local repository hold now
#   --no-ssh      the local part only: no sshd, no ssh (same as --tools rsync-local,ours-local)
#   --tools LIST  only these of rsync-local,ours-local,rsync-ssh,ours-ssh (comma-separated; for
#                 debugging one side; a target whose tools did not both run reads n/a)
#   --clean       remove the generated instance (and everything else in BENCH_DIR) at the end
#   --seed S      fixture seed, for generate and mutate (default 1)
# Environment: BENCH_DIR (default bench/work-snapshot), BENCH_TIMEOUT (seconds per timed command,
# default 3600), M2_REPO (the local Maven repository, default ~/.m2/repository).
#
# Design of the rounds (each repetition is independent and starts from the same bytes):
#   0. once: build the plugin and copy it, test-classes and the sqlite-jdbc jar into BENCH_DIR/tools
#      (ours runs offline against this private copy, so a concurrent `mvn install` cannot change
#      what we measure); generate the instance into BENCH_DIR/data.base with a fixed seed unless a
#      marker says it is there. Unless --no-ssh: start our own sshd on a free loopback port with
#      keys made by ssh-keygen in BENCH_DIR/sshd (stopped on exit), known_hosts by ssh-keyscan.
#      Untimed warm-ups on sample/data: ours locally, rsync over ssh, ours over ssh.
#   1. per repetition, untimed: reset BENCH_DIR/data from data.base (rsync -a --delete, mtimes
#      kept), remove the previous repetition's snapshot roots.
#   2. round "first", timed and reported (no target): each tool's first snapshot into its own
#      empty snapshot root: rsync without --link-dest (nothing to link to), ours a full snapshot.
#   3. untimed: `FixtureMain mutate --percent 1` with the fixed seed (new uploads, chats, a growing
#      vector segment): the same change in every repetition.
#   4. round "1% change", timed: each tool's second snapshot into the same root:
#      rsync-local  rsync -a --delete --link-dest=<root>/<first> data/ <root>/snapshot_<time>/
#      ours-local   owui:snapshot -Dowui.snapshotDir=<root> (unchanged files hard-linked)
#      rsync-ssh    the same rsync with -e "ssh -F <config>" to bench:<root>/snapshot_<time>/
#      ours-ssh     owui:snapshot -Dowui.snapshotDir=sftp://bench<root> (SFTP, same sshd)
#   The tools run in an order rotated by one per repetition. Every timed command runs as a whole
#   process under /usr/bin/time -f '%e %M' (wall seconds; peak RSS of the largest single local
#   process: the Maven JVM for ours; over ssh the server side is not counted, for either tool) and
#   under `timeout`, after an untimed `sync`; no caches are dropped.
# Disk: "first" = du -sk of the tool's snapshot root; "1% change" = how much du -sk of the whole
# root grew in the round (du counts a hard-linked file once: what the second snapshot added).
# Exclusions: cache/, audit.log, audit*.log (ours' defaults; rsync gets the same as --exclude).
set -euo pipefail
shopt -s inherit_errexit
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BENCH_NAME=snapshot-bench

SIZE_MB=1024
RUNS=3
BUILD=1
CLEAN=0
SEED=1
ALL_TOOLS=(rsync-local ours-local rsync-ssh ours-ssh)
TOOLS_ARG=$(IFS=,; echo "${ALL_TOOLS[*]}")

while [ $# -gt 0 ]; do
    case "$1" in
        --size-mb) SIZE_MB=${2:?--size-mb needs a value}; shift 2 ;;
        --runs) RUNS=${2:?--runs needs a value}; shift 2 ;;
        --seed) SEED=${2:?--seed needs a value}; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --no-ssh) TOOLS_ARG=rsync-local,ours-local; shift ;;
        --tools) TOOLS_ARG=${2:?--tools needs a value}; shift 2 ;;
        --clean) CLEAN=1; shift ;;
        -h|--help) usage 0 ;;
        *) echo "unknown option: $1" >&2; usage 2 >&2 ;;
    esac
done
check_common_options
TOOL_ORDER=()
for t in "${ALL_TOOLS[@]}"; do
    [[ ,$TOOLS_ARG, == *,$t,* ]] && TOOL_ORDER+=("$t")
done
for t in ${TOOLS_ARG//,/ }; do
    [[ " ${ALL_TOOLS[*]} " == *" $t "* ]] || { echo "--tools: unknown tool '$t' (known: ${ALL_TOOLS[*]})" >&2; exit 2; }
done
[ ${#TOOL_ORDER[@]} -gt 0 ] || { echo "--tools names no tool" >&2; exit 2; }
SSH=0
[[ " ${TOOL_ORDER[*]} " == *-ssh* ]] && SSH=1
has() { [[ " ${TOOL_ORDER[*]} " == *" $1 "* ]]; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-$ROOT/bench/work-snapshot}
M2_REPO=${M2_REPO:-$HOME/.m2/repository}
TIMEOUT_S=${BENCH_TIMEOUT:-3600}
PLUGIN=dev.owui:backup-maven-plugin:0.1.0-SNAPSHOT

# ---------------------------------------------------------------------------------------- tools
need rsync rsync
need find findutils
if [ "$SSH" = 1 ]; then
    [ -x /usr/sbin/sshd ] || missing+=("/usr/sbin/sshd (Debian package: openssh-server)")
    need ssh openssh-client
    need ssh-keygen openssh-client
    need ssh-keyscan openssh-client
fi
need_common
fail_if_missing

setup_bench_dir
if [ "$SSH" = 1 ] && [[ $BENCH_DIR =~ [[:space:]] ]]; then
    echo "refusing BENCH_DIR='$BENCH_DIR' for the ssh part: it holds white space (the sftp:// URL and rsync's remote path)" >&2
    exit 2
fi
SSHD_DIR=$BENCH_DIR/sshd
SSHD_PID=

stop_sshd() {
    if [ -n "$SSHD_PID" ] && kill -0 "$SSHD_PID" 2>/dev/null; then
        kill "$SSHD_PID" 2>/dev/null || true
        wait "$SSHD_PID" 2>/dev/null || true
    fi
    SSHD_PID=
}
cleanup() {
    stop_sshd
    rm -rf "$RUN" "$BENCH_DIR/warmup"
    if [ "$CLEAN" = 1 ]; then
        rm -rf "$TOOLS" "$BASE" "$DATA" "$BASE.ok" "$LOGS" "$RESULTS" "$SSHD_DIR"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------- build
build_and_copy_tools
OURS=("${MVN_OURS[@]}" "$PLUGIN:snapshot")
cd "$BENCH_DIR" # no pom here: ours runs as `mvn owui:snapshot` does in a directory without a project

# -------------------------------------------------------------------------------------- fixture
prepare_instance

# ------------------------------------------------------------------------------------ measuring
start_results

# -------------------------------------------------------------------------------------- the sshd
# Our own sshd on a free loopback port: host and user keys made here, nothing of the system's
# ssh configuration used (sshd -f, ssh -F, the plugin's owui.sshConfig and owui.knownHosts).
SSH_CONFIG=$SSHD_DIR/ssh_config
KNOWN_HOSTS=$SSHD_DIR/known_hosts
SSH_PORT=
SSH_CIPHER=
unset SSH_AUTH_SOCK # only the generated key, for both tools: no agent

free_port() { # a loopback port nobody listens on (sshd is retried if another takes it meanwhile)
    local p i
    for i in $(seq 1 100); do
        p=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return
        fi
    done
    echo "$BENCH_NAME: found no free loopback port" >&2
    return 1
}

start_sshd() {
    rm -rf "$SSHD_DIR"
    mkdir -p "$SSHD_DIR"
    chmod 700 "$SSHD_DIR"
    ssh-keygen -q -t ed25519 -N '' -C owui-bench-host -f "$SSHD_DIR/ssh_host_ed25519_key"
    ssh-keygen -q -t ed25519 -N '' -C owui-bench-user -f "$SSHD_DIR/id_ed25519"
    cp "$SSHD_DIR/id_ed25519.pub" "$SSHD_DIR/authorized_keys"
    if [ "$(id -u)" = 0 ]; then
        mkdir -p /run/sshd # sshd's privilege separation directory; it refuses to start without it
        chmod 755 /run/sshd
    fi
    local attempt i keys=
    for attempt in 1 2 3 4 5; do
        SSH_PORT=$(free_port)
        cat > "$SSHD_DIR/sshd_config" <<EOF
# generated by bench/snapshot-bench.sh: a throw-away sshd for the benchmark
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $SSHD_DIR/ssh_host_ed25519_key
AuthorizedKeysFile $SSHD_DIR/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
PidFile $SSHD_DIR/sshd.pid
Subsystem sftp internal-sftp
EOF
        /usr/sbin/sshd -t -f "$SSHD_DIR/sshd_config" >>"$LOGS/sshd.log" 2>&1 \
            || { echo "$BENCH_NAME: sshd refuses its config:" >&2; tail -n 20 "$LOGS/sshd.log" >&2; exit 1; }
        /usr/sbin/sshd -D -e -f "$SSHD_DIR/sshd_config" >>"$LOGS/sshd.log" 2>&1 &
        SSHD_PID=$!
        for i in $(seq 1 50); do
            kill -0 "$SSHD_PID" 2>/dev/null || break
            keys=$(ssh-keyscan -T 2 -p "$SSH_PORT" -t ed25519 127.0.0.1 2>/dev/null || true)
            [ -n "$keys" ] && break
            sleep 0.2
        done
        [ -n "$keys" ] && break
        stop_sshd # e.g. the port was taken between free_port and the bind: try another
    done
    [ -n "$keys" ] || { echo "$BENCH_NAME: sshd did not start; its log ($LOGS/sshd.log) ends:" >&2; tail -n 20 "$LOGS/sshd.log" >&2; exit 1; }
    # ssh-keyscan writes "[127.0.0.1]:PORT ssh-ed25519 AAAA…", the name both OpenSSH and the plugin
    # (JSch) look up for host 127.0.0.1 on a port other than 22, also when reached by the alias.
    printf '%s\n' "$keys" > "$KNOWN_HOSTS"
    cat > "$SSH_CONFIG" <<EOF
# generated by bench/snapshot-bench.sh: the benchmark's sshd, for ssh -F and owui.sshConfig
Host bench
    HostName 127.0.0.1
    Port $SSH_PORT
    User $(id -un)
    IdentityFile $SSHD_DIR/id_ed25519
    IdentitiesOnly yes
    UserKnownHostsFile $KNOWN_HOSTS
    GlobalKnownHostsFile /dev/null
    StrictHostKeyChecking yes
    BatchMode yes
EOF
    local out
    if ! out=$(ssh -v -F "$SSH_CONFIG" bench true 2>&1); then
        echo "$BENCH_NAME: cannot log in to our sshd with ssh -F $SSH_CONFIG bench:" >&2
        printf '%s\n' "$out" | grep -v '^debug1' | tail -n 20 >&2
        tail -n 20 "$LOGS/sshd.log" >&2
        exit 1
    fi
    SSH_CIPHER=$(printf '%s\n' "$out" | sed -n 's/.*kex: client->server cipher: \([^ ]*\).*/\1/p' | head -1)
    log "sshd (pid $SSHD_PID) on 127.0.0.1:$SSH_PORT, Host bench in $SSH_CONFIG"
}

# ------------------------------------------------------------------------------------ the tools
SSH_OPTS=() # set once the sshd runs
declare -A SNAP=() # the newest snapshot_<time> of each rsync tool in this repetition

# rsync_name ROOT: the tutorial's snapshot_<UTC time>, unique in ROOT.
rsync_name() {
    local name n=1
    name=snapshot_$(date -u +%Y%m%dT%H%M%SZ)
    while [ -e "$1/$name" ]; do
        n=$((n + 1))
        name=snapshot_$(date -u +%Y%m%dT%H%M%SZ)-$n
    done
    echo "$name"
}

# newest_snapshot TOOL: the folder of the tool's newest snapshot (ours: complete ids only).
newest_snapshot() {
    case "$1" in
        rsync-*) echo "$RUN/$1/${SNAP[$1]}" ;;
        ours-*)
            local id
            id=$(ls -1 "$RUN/$1/open-webui" | grep -E '^[0-9]{8}T[0-9]{6}Z(-[0-9]+)?$' | sort -V | tail -n 1)
            echo "$RUN/$1/open-webui/$id" ;;
    esac
}

# timed_extra TOOL ROUND REP (called by timed after the run, untimed): files in the new snapshot,
# and how many of them are hard links (link count > 1).
timed_extra() {
    local dir
    dir=$(newest_snapshot "$1")
    printf '%s\t%s' "$(find "$dir" -type f | wc -l)" "$(find "$dir" -type f -links +1 | wc -l)"
}

# one_backup TOOL ROUND REP: the tool's snapshot for the round ("first" or "change").
one_backup() {
    local tool=$1 round=$2 rep=$3
    local root=$RUN/$tool
    case "$tool" in
        rsync-local|rsync-ssh)
            local prev=${SNAP[$tool]:-} name link=() dest
            name=$(rsync_name "$root")
            [ -n "$prev" ] && link=("--link-dest=$root/$prev")
            SNAP[$tool]=$name
            if [ "$tool" = rsync-local ]; then
                timed "$tool" "$round" "$rep" "$root" -- rsync -a --delete "${link[@]}" "${RSYNC_EXCLUDES[@]}" \
                    "$DATA/" "$root/$name/"
            else
                timed "$tool" "$round" "$rep" "$root" -- rsync -a --delete "${link[@]}" "${RSYNC_EXCLUDES[@]}" \
                    -e "ssh -F $SSH_CONFIG" "$DATA/" "bench:$root/$name/"
            fi ;;
        ours-local) timed "$tool" "$round" "$rep" "$root" -- "${OURS[@]}" -q "-Dowui.dataDir=$DATA" "-Dowui.snapshotDir=$root" ;;
        ours-ssh) timed "$tool" "$round" "$rep" "$root" -- "${OURS[@]}" -q "-Dowui.dataDir=$DATA" \
            "-Dowui.snapshotDir=sftp://bench$root" "${SSH_OPTS[@]}" ;;
    esac
}

# ---------------------------------------------------------------------------------------- facts
facts() {
    facts_machine
    echo "rsync:       $(rsync --version | head -1)"
    if [ "$SSH" = 1 ]; then
        echo "ssh:         $(ssh -V 2>&1 | head -1) (client and sshd), sshd on 127.0.0.1:$SSH_PORT; OpenSSH client cipher $SSH_CIPHER"
    fi
    facts_run
}

# ------------------------------------------------------------------------------------------ run
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
warm_up() { # what, command...
    local what=$1; shift
    log "warm-up: $what (untimed) on sample/data"
    "$@" >"$LOGS/warmup.$what.log" 2>&1 && return
    echo "$BENCH_NAME: the warm-up run of $what failed; its output ($LOGS/warmup.$what.log) ends:" >&2
    tail -n 30 "$LOGS/warmup.$what.log" >&2
    if [ "$what" = ours-ssh ]; then
        echo "$BENCH_NAME: ours over ssh does not work with this build; --no-ssh measures the local part," \
            "--tools rsync-local,ours-local,rsync-ssh everything else" >&2
    fi
    exit 1
}
rm -rf "$BENCH_DIR/warmup"
mkdir -p "$BENCH_DIR/warmup/ours-local" "$BENCH_DIR/warmup/rsync-ssh" "$BENCH_DIR/warmup/ours-ssh"
if [ "$SSH" = 1 ]; then
    start_sshd
    SSH_OPTS=("-Dowui.sshConfig=$SSH_CONFIG" "-Dowui.knownHosts=$KNOWN_HOSTS")
fi
if has ours-local || has ours-ssh; then
    warm_up ours-local "${OURS[@]}" -q "-Dowui.dataDir=$ROOT/sample/data" "-Dowui.snapshotDir=$BENCH_DIR/warmup/ours-local"
fi
if has rsync-ssh; then
    warm_up rsync-ssh rsync -a --delete "${RSYNC_EXCLUDES[@]}" -e "ssh -F $SSH_CONFIG" "$ROOT/sample/data/" \
        "bench:$BENCH_DIR/warmup/rsync-ssh/snapshot/"
fi
if has ours-ssh; then
    warm_up ours-ssh "${OURS[@]}" -q "-Dowui.dataDir=$ROOT/sample/data" "-Dowui.snapshotDir=sftp://bench$BENCH_DIR/warmup/ours-ssh" \
        "${SSH_OPTS[@]}"
fi
rm -rf "$BENCH_DIR/warmup"

CHANGE=
MANIFEST_KIB=
for rep in $(seq 1 "$RUNS"); do
    log "repetition $rep of $RUNS"
    rm -rf "$RUN"
    for t in "${TOOL_ORDER[@]}"; do
        mkdir -p "$RUN/$t" # the snapshot roots exist, as an operator's would
    done
    SNAP=()
    reset_data
    round first "$rep"
    CHANGE=$(mutate_data)
    log "  mutated: $CHANGE"
    round change "$rep"
    for t in ours-local ours-ssh; do # the size of ours' manifest (file list + SHA-256s), for the report
        if has "$t"; then
            MANIFEST_KIB=$(du -k "$(newest_snapshot "$t")/manifest.json" | cut -f1)
            break
        fi
    done
done
rm -rf "$RUN"
stop_sshd

# -------------------------------------------------------------------------------------- report
mib() { awk -v k="$1" 'BEGIN {if (k == "nan") print "nan"; else printf "%.1f", k/1024}'; }
# le A B: PASS when A <= B (both numbers), n/a when either is missing.
le() { awk -v a="$1" -v b="$2" 'BEGIN {if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/) print "n/a"; else print ((a+0) <= (b+0) ? "PASS" : "FAIL")}'; }
{
    echo "owui snapshot benchmark: --size-mb $SIZE_MB --runs $RUNS --tools $(IFS=,; echo "${TOOL_ORDER[*]}") (medians of $RUNS)"
    echo
    facts
    echo
    printf '%-6s %-6s %-10s %8s %7s %13s %9s %15s  %s\n' tool where round "wall s" "CPU s" "peak RSS MiB" "disk MiB" "files (linked)" what
    printf '%-6s %-6s %-10s %8s %7s %13s %9s %15s  %s\n' ------ ------ ---------- -------- ------- ------------- --------- --------------- ----
    for round in first change; do
        for tool in "${ALL_TOOLS[@]}"; do
            has "$tool" || continue
            w=$(median "$tool" "$round" 4); m=$(median "$tool" "$round" 5); s=$(median "$tool" "$round" 6)
            c=$(median "$tool" "$round" 7); nf=$(median "$tool" "$round" 8); nl=$(median "$tool" "$round" 9)
            case "$tool/$round" in
                rsync-local/first) what="rsync -a --delete, excludes as ours (nothing to link to yet)" ;;
                rsync-local/change) what="the same with --link-dest=<first snapshot>" ;;
                ours-local/first) what="./mvnw owui:snapshot (JVM + Maven start-up included)" ;;
                ours-local/change) what="./mvnw owui:snapshot again, unchanged files hard-linked" ;;
                rsync-ssh/first) what="as rsync local, -e 'ssh -F <config>' to bench:<root>/" ;;
                rsync-ssh/change) what="as rsync local, --link-dest on the server" ;;
                ours-ssh/first) what="owui:snapshot to sftp://bench<root> (SFTP)" ;;
                ours-ssh/change) what="the same again, unchanged files hard-linked on the server" ;;
            esac
            printf '%-6s %-6s %-10s %8.2f %7.2f %13.0f %9.1f %15s  %s\n' "${tool%-*}" "${tool#*-}" \
                "$([ "$round" = first ] && echo first || echo '1% change')" "$w" "$c" "$(awk -v k="$m" 'BEGIN {print k/1024}')" \
                "$(awk -v k="$s" 'BEGIN {print k/1024}')" "$nf ($nl)" "$what"
        done
    done
    echo "(CPU = user + system seconds of the local process tree (over ssh the server side is not counted);"
    echo " peak RSS = the largest single local process; disk: first = du of the tool's snapshot root,"
    echo " 1% change = growth of du of the whole root in the round, hard links counted once;"
    echo " files (linked) = regular files in the new snapshot, and how many of them have a link count > 1)"
    if [ -n "$MANIFEST_KIB" ]; then
        echo "(ours' disk includes its manifest.json, $(mib "$MANIFEST_KIB") MiB: the file list with sizes and SHA-256s that"
        echo " makes a snapshot count; rsync keeps none)"
    fi
    for tool in "${ALL_TOOLS[@]}"; do
        if has "$tool" && [ "$(median "$tool" change 9)" = 0 ]; then
            echo "WARNING: $tool linked no file to its first snapshot in the 1% change round"
        fi
    done
    echo
    echo "Ratios ours/rsync (medians):"
    for where in local ssh; do
        has "ours-$where" && has "rsync-$where" || continue
        printf '  %-6s first snapshot: wall %s;  after the 1%% change: wall %s, disk %s\n' "$where:" \
            "$(ratio "$(median "ours-$where" first 4)" "$(median "rsync-$where" first 4)")" \
            "$(ratio "$(median "ours-$where" change 4)" "$(median "rsync-$where" change 4)")" \
            "$(ratio "$(median "ours-$where" change 6)" "$(median "rsync-$where" change 6)")"
    done
    echo
    echo "Targets (after the 1% change, medians):"
    for where in local ssh; do
        if ! has "ours-$where" || ! has "rsync-$where"; then
            [ "$where" = local ] || [ "$SSH" = 1 ] || continue # --no-ssh: the ssh targets are simply not measured
            printf '  %-6s %-42s %-34s %s\n' "$where:" "wall ours <= 1.0 x rsync (Maven included)" "not run" n/a
            printf '  %-6s %-42s %-34s %s\n' "$where:" "disk ours <= rsync" "not run" n/a
            continue
        fi
        ow=$(median "ours-$where" change 4); rw=$(median "rsync-$where" change 4)
        od=$(median "ours-$where" change 6); rd=$(median "rsync-$where" change 6)
        printf '  %-6s %-42s %-34s %s\n' "$where:" "wall ours <= 1.0 x rsync (Maven included)" "$(ratio "$ow" "$rw") ($ow s vs $rw s)" \
            "$(verdict "$(ratio "$ow" "$rw")" 1.0)"
        printf '  %-6s %-42s %-34s %s\n' "$where:" "disk ours <= rsync" "$(mib "$od") MiB vs $(mib "$rd") MiB" "$(le "$od" "$rd")"
    done
    if [ "$SSH" = 0 ]; then
        echo "  (ssh: not measured, --no-ssh)"
    fi
} | tee "$REPORT"
log "report saved to $REPORT; raw figures in $RESULTS, logs in $LOGS"
