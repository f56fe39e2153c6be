#!/usr/bin/env bash
# Side-by-side benchmark: `mvn owui:install-cron` against `ansible` with its builtin cron module,
# installing the same schedule on 10 hosts (10 Unix users on one loopback OpenSSH sshd), Maven and
# Ansible start-up included. See bench/README.md ("install-bench.sh").
#
# Usage (from the repository root, as root: it creates users and starts an sshd):
#   bench/install-bench.sh [--runs N] [--forks N] [--no-build]
#
#   --runs N      repetitions; the table shows medians (default 3)
#   --forks N     hosts at once, for both: owui.forks and ansible -f (default 5)
#   --no-build    use the plugin built into BENCH_DIR/tools/m2 by an earlier run
# Environment: BENCH_DIR (default bench/work-install), M2_REPO (default ~/.m2/repository).
#
# Design:
#   0. once: build the plugin and install it into a private local repository BENCH_DIR/tools/m2
#      (`./mvnw install -pl backup-maven-plugin -am -DskipTests -Dinvoker.skip` with
#      maven.repo.local=tools/m2 and M2_REPO as a read-only tail: the shared repository is never
#      written). Start sshd on a free loopback port with fresh host and user keys; create users
#      owuib01..owuib10 (key login only); one inventory.ini and one ssh_config (the key, known_hosts,
#      strict host key checking) serve both tools. One untimed warm-up of each tool on a scratch user.
#   1. per repetition, untimed: remove every bench user's crontab and ~/owui-ops.
#   2. round "first", timed: each tool installs the plan's schedule (30 2 * * *) on the 10 hosts:
#      ours        ./mvnw -B -o owui:install-cron -Dowui.inventory=inventory.ini (a wrapper script,
#                  the ops pom and the marked crontab block per host, through `crontab -`)
#      ours-c1     the same with MAVEN_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC" (what an ops
#                  repository's .mvn/jvm.config can say: no C2 compiler threads competing for the
#                  CPU during a short run)
#      ansible     ansible all -i inventory.ini -f N -m ansible.builtin.cron (the crontab entry only;
#                  its ControlPersist SSH masters are left as Ansible configures them)
#      ansible-pl  the same with ANSIBLE_PIPELINING=True (Ansible's own speed-up: fewer round trips)
#   3. round "again", timed: the same command again; nothing changes (all report changed=0).
#   The tools take turns (the order rotates per repetition), each on its own 10 users, so none
#   inherits another's warm state. Wall time of the whole process (/usr/bin/time -f %e).
#   Also timed, per repetition: ours with owui.skip=true, the Maven start-up floor under ours.
set -euo pipefail
shopt -s inherit_errexit
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BENCH_NAME=install-bench

RUNS=3
FORKS=5
BUILD=1
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) RUNS=${2:?--runs needs a value}; shift 2 ;;
        --forks) FORKS=${2:?--forks needs a value}; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        -h|--help) usage 0 ;;
        *) echo "unknown option: $1" >&2; usage 2 >&2 ;;
    esac
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "--runs must be a positive integer" >&2; exit 2; }
[[ $FORKS =~ ^[1-9][0-9]*$ ]] || { echo "--forks must be a positive integer" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "$BENCH_NAME: run as root (it creates users and starts sshd)" >&2; exit 1; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-$ROOT/bench/work-install}
M2_REPO=${M2_REPO:-$HOME/.m2/repository}
PLUGIN=dev.owui:backup-maven-plugin:0.1.0-SNAPSHOT

need java openjdk-17-jdk-headless
need ansible ansible
need crontab cron
need useradd passwd
need ssh-keygen openssh-client
need flock util-linux
[ -x /usr/sbin/sshd ] || missing+=("/usr/sbin/sshd (Debian package: openssh-server)")
[ -x /usr/bin/time ] || missing+=("/usr/bin/time (Debian package: time)")
fail_if_missing

mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
case "$BENCH_DIR" in /|"$HOME"|"$ROOT") echo "refusing BENCH_DIR=$BENCH_DIR" >&2; exit 2 ;; esac
TOOLS=$BENCH_DIR/tools
SSHD_DIR=$BENCH_DIR/sshd
RESULTS=$BENCH_DIR/results.tsv
LOGS=$BENCH_DIR/logs
TOOL_LIST=(ours ours-c1 ansible ansible-pl)
users_of() { local t i; for t in "${!TOOL_LIST[@]}"; do [ "${TOOL_LIST[$t]}" = "$1" ] || continue; for i in $(seq -w 1 10); do echo "owuit${t}u$i"; done; done; }
ALL_USERS=()
for tool in "${TOOL_LIST[@]}"; do mapfile -t -O "${#ALL_USERS[@]}" ALL_USERS < <(users_of "$tool"); done
WARM=owuitw
SSHD_PID=

cleanup() {
    [ -z "$SSHD_PID" ] || kill "$SSHD_PID" 2>/dev/null || true
    for u in "${ALL_USERS[@]}" "$WARM"; do
        crontab -r -u "$u" 2>/dev/null || true
        userdel -r -f "$u" 2>/dev/null || true
    done
    rm -rf "$SSHD_DIR"
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------- build
if [ "$BUILD" = 1 ]; then
    log "building the plugin into $TOOLS/m2 (the shared repository is only read)"
    rm -rf "$TOOLS"
    mkdir -p "$TOOLS/m2"
    (cd "$ROOT" && ./mvnw -B -q -o install -pl backup-maven-plugin -am -DskipTests -Dinvoker.skip \
        "-Dmaven.repo.local=$TOOLS/m2" "-Dmaven.repo.local.tail=$M2_REPO") >&2
fi
[ -d "$TOOLS/m2/dev/owui/backup-maven-plugin" ] || { echo "$BENCH_NAME: no plugin in $TOOLS/m2; run without --no-build" >&2; exit 1; }
# Not -q: the per-host recap goes to the log, where the "again" round's changed=0 is checked.
MVN=("$ROOT/mvnw" -B -o "-Dmaven.repo.local=$TOOLS/m2" "-Dmaven.repo.local.tail=$M2_REPO")

# ---------------------------------------------------------------------------------------- hosts
rm -rf "$SSHD_DIR" "$LOGS"
mkdir -p "$SSHD_DIR" "$LOGS"
chmod 755 "$SSHD_DIR" # sshd reads authorized_keys as each user
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ssh-keygen -q -t ed25519 -N '' -f "$SSHD_DIR/host_ed25519"
ssh-keygen -q -t ed25519 -N '' -f "$SSHD_DIR/user_ed25519"
cp "$SSHD_DIR/user_ed25519.pub" "$SSHD_DIR/authorized_keys"
chmod 644 "$SSHD_DIR/authorized_keys"
echo "[127.0.0.1]:$PORT $(cut -d' ' -f1-2 "$SSHD_DIR/host_ed25519.pub")" > "$SSHD_DIR/known_hosts"
cat > "$SSHD_DIR/sshd_config" <<CFG
Port $PORT
ListenAddress 127.0.0.1
HostKey $SSHD_DIR/host_ed25519
AuthorizedKeysFile $SSHD_DIR/authorized_keys
PidFile $SSHD_DIR/sshd.pid
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
UsePAM no
MaxStartups 100
MaxSessions 50
Subsystem sftp internal-sftp
CFG
# One client config for both tools: the key, the known_hosts, strict checking.
cat > "$SSHD_DIR/ssh_config" <<CFG
Host 127.0.0.1
  IdentityFile $SSHD_DIR/user_ed25519
  UserKnownHostsFile $SSHD_DIR/known_hosts
  StrictHostKeyChecking yes
CFG
mkdir -p /run/sshd
/usr/sbin/sshd -D -e -f "$SSHD_DIR/sshd_config" 2>"$LOGS/sshd.log" &
SSHD_PID=$!
for u in "${ALL_USERS[@]}" "$WARM"; do
    userdel -r -f "$u" 2>/dev/null || true
    useradd -m -s /bin/bash -p '*' "$u"
done
inventory() { # FILE USER...
    local f=$1; shift
    { echo "[bench]"; for u in "$@"; do echo "$u ansible_host=127.0.0.1 ansible_port=$PORT ansible_user=$u"; done
      echo "[bench:vars]"; echo "ansible_python_interpreter=/usr/bin/python3"
      echo "ansible_ssh_common_args='-F $SSHD_DIR/ssh_config'"; } > "$f"
}
for tool in "${TOOL_LIST[@]}"; do mapfile -t us < <(users_of "$tool"); inventory "$SSHD_DIR/$tool.ini" "${us[@]}"; done
inventory "$SSHD_DIR/warm.ini" "$WARM"

OPS=$BENCH_DIR/ops
mkdir -p "$OPS"
cat > "$OPS/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>org.example.ops</groupId>
  <artifactId>ops</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <build>
    <plugins>
      <plugin>
        <groupId>dev.owui</groupId>
        <artifactId>backup-maven-plugin</artifactId>
        <version>0.1.0-SNAPSHOT</version>
        <configuration>
          <targets><target><id>nas</id><url>/srv/backups/owui</url></target></targets>
          <plans><plan><id>daily</id><targets><target>nas</target></targets><schedule>30 2 * * *</schedule></plan></plans>
        </configuration>
      </plugin>
    </plugins>
  </build>
</project>
POM
ours() { # INVENTORY [more Maven arguments]
    local inv=$1; shift
    "${MVN[@]}" -f "$OPS/pom.xml" owui:install-cron "-Dowui.inventory=$inv" "-Dowui.forks=$FORKS" \
        "-Dowui.sshConfig=$SSHD_DIR/ssh_config" "-Dowui.knownHosts=$SSHD_DIR/known_hosts" "$@"
}
# The floor under ours: the same Maven command with owui.skip=true (JVM, Maven, the ops pom, the
# plugin's class realm; no SSH, no work).
startup() { ours "$1" -Dowui.skip=true; }
ours-c1() { MAVEN_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC" ours "$@"; }
ansible-pl() { ANSIBLE_PIPELINING=True theirs "$@"; }
theirs() { # INVENTORY
    ANSIBLE_HOST_KEY_CHECKING=True ANSIBLE_NOCOLOR=1 ansible all -i "$1" -f "$FORKS" -m ansible.builtin.cron \
        -a 'name="owui backup daily" minute=30 hour=2 job=/home/{{ ansible_user }}/owui-ops/bin/owui-daily.sh'
}
reset_users() {
    for u in "$@"; do crontab -r -u "$u" 2>/dev/null || true; rm -rf "/home/$u/owui-ops"; done
}

log "warm-up (untimed): each tool once on $WARM"
ours "$SSHD_DIR/warm.ini" >"$LOGS/warm.ours.log" 2>&1 || { cat "$LOGS/warm.ours.log" >&2; exit 1; }
theirs "$SSHD_DIR/warm.ini" >"$LOGS/warm.ansible.log" 2>&1 || { cat "$LOGS/warm.ansible.log" >&2; exit 1; }

# timed TOOL ROUND REP: one whole run, its wall seconds appended to RESULTS.
timed() {
    local tool=$1 round=$2 rep=$3 inv out
    inv=$SSHD_DIR/$tool.ini
    [ "$tool" = startup ] && inv=$SSHD_DIR/ours.ini
    local fn=$tool; [ "$tool" = ansible ] && fn=theirs
    out=$LOGS/$tool.$round.$rep.log
    sync
    if ! /usr/bin/time -f '%e' -o "$out.time" bash -c "$(declare -f ours theirs startup ours-c1 ansible-pl); $(declare -p MVN OPS FORKS SSHD_DIR); $fn '$inv'" >"$out" 2>&1; then
        echo "$BENCH_NAME: $tool ($round, run $rep) failed; see $out" >&2; tail -20 "$out" >&2; exit 1
    fi
    printf '%s\t%s\t%s\t%s\n' "$tool" "$round" "$rep" "$(tail -1 "$out.time")" >> "$RESULTS"
}

: > "$RESULTS"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
for rep in $(seq 1 "$RUNS"); do
    reset_users "${ALL_USERS[@]}"
    k=$(( (rep - 1) % ${#TOOL_LIST[@]} ))
    order=("${TOOL_LIST[@]:$k}" "${TOOL_LIST[@]:0:$k}")
    for round in first again; do
        for tool in "${order[@]}"; do
            log "run $rep, $round: $tool"
            timed "$tool" "$round" "$rep"
        done
    done
    log "run $rep: Maven start-up alone (owui.skip=true)"
    timed startup skip "$rep"
done

# Both left the same schedule on every host, and the second rounds changed nothing.
for u in "${ALL_USERS[@]}"; do crontab -l -u "$u" | grep -q "^30 2 \* \* \* /home/$u/owui-ops/bin/owui-daily.sh$" || { echo "no entry for $u" >&2; exit 1; }; done
OURS_AGAIN_CHANGED=$(grep -c "changed=0 unreachable=0 failed=0" "$LOGS/ours.again.$RUNS.log" || true)
ANS_AGAIN_CHANGED=$(grep -c '"changed": false' "$LOGS/ansible.again.$RUNS.log" || true)

med() { awk -F'\t' -v t="$1" -v r="$2" '$1==t && $2==r {print $4}' "$RESULTS" | sort -g |
        awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
echo
echo "install-bench: 10 hosts (users on one loopback sshd), forks $FORKS, $RUNS run(s), medians of wall seconds"
echo "machine: $(nproc) cores, load $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end; $(ansible --version 2>/dev/null | awk 'NR==1'); $("$ROOT/mvnw" -v 2>/dev/null | head -1)"
printf '%-8s %10s %10s %10s %10s\n' round "${TOOL_LIST[@]}"
for round in first again; do
    printf '%-8s %10s %10s %10s %10s\n' "$round" "$(med ours "$round")" "$(med ours-c1 "$round")" "$(med ansible "$round")" "$(med ansible-pl "$round")"
done
echo
for round in first again; do
    r=$(ratio "$(med ours "$round")" "$(med ansible "$round")")
    r1=$(ratio "$(med ours-c1 "$round")" "$(med ansible "$round")")
    r2=$(ratio "$(med ours-c1 "$round")" "$(med ansible-pl "$round")")
    echo "ratio ours/ansible, $round: $r (target <= 0.25: $(verdict "$r" 0.25)); ours-c1/ansible $r1; ours-c1/ansible-pl $r2"
done
S=$(med startup skip)
echo "Maven start-up alone (ours with owui.skip=true): $S s; ours beyond it: first $(awk -v a="$(med ours first)" -v s="$S" 'BEGIN {printf "%.2f", a-s}') s, again $(awk -v a="$(med ours again)" -v s="$S" 'BEGIN {printf "%.2f", a-s}') s"
echo "ratio Maven start-up alone / ansible again: $(ratio "$S" "$(med ansible again)")"
# install-cron's own figure, from its log ("10 host(s) in 0.71 s"): the engine without JVM and Maven.
own() { cat "$LOGS"/ours.$1.*.log | sed -n 's/.* host(s) in \([0-9.]*\) s.*/\1/p' | sort -g |
        awk '{v[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
echo "ours' own time in the JVM (its log's 'host(s) in'), medians: first $(own first) s, again $(own again) s;" \
     "ratio to ansible: first $(ratio "$(own first)" "$(med ansible first)"), again $(ratio "$(own again)" "$(med ansible again)")"
echo "last 'again' run: ours reported changed=0 on $OURS_AGAIN_CHANGED of 10 hosts; ansible \"changed\": false on $ANS_AGAIN_CHANGED of 10"
echo "(ours also puts a wrapper script and the ops pom on each host; ansible's cron module writes the crontab entry only)"
