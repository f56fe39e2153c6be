#!/usr/bin/env bash
# Restores a whole format 3 backup with stock tools only: bash, jq, sha256sum, zstd, gpg (for
# encrypted backups), dd and truncate (through reassemble-sqlite.sh), and rclone for a remote
# repository. FORMAT.md, "Recovery with stock tools", describes the layout; a test runs this script
# against real backups on a folder and on S3.
#
# What lies outside the data directory is written BESIDE it, never into it: a PostgreSQL
# instance's dumps (`pg-dump` entries) into OUT_DIR.postgres/<name>, followed by the createdb and
# pg_restore line for each dump, and the uploads Open WebUI keeps in object storage (`external`
# entries) into OUT_DIR.object-storage/s3/<bucket>/<key>, followed by the line that puts each
# bucket's objects back. Both folders must be absent or empty. Nothing else is written (but
# SECRET_KEY_OUT). A content is one `object`, or (pg-dump entries) `chunks`, decoded each and
# concatenated in order; either way the whole is checked against the entry's sha256 and size.
#
# usage: restore-format3.sh REPOSITORY BACKUP_ID|latest OUT_DIR [SECRET_KEY_OUT]
#   REPOSITORY      the instance's folder at the target: a local folder <target>/<instance>, or an
#                   rclone remote path such as s3remote:bucket/prefix/<instance> (rclone takes the
#                   remote from its config file or from the environment, e.g.
#                   RCLONE_CONFIG_S3REMOTE_TYPE=s3 RCLONE_CONFIG_S3REMOTE_PROVIDER=Other
#                   RCLONE_CONFIG_S3REMOTE_ENDPOINT=… RCLONE_CONFIG_S3REMOTE_ACCESS_KEY_ID=…
#                   RCLONE_CONFIG_S3REMOTE_SECRET_ACCESS_KEY=… RCLONE_CONFIG_S3REMOTE_FORCE_PATH_STYLE=true)
#   BACKUP_ID       a backup id (backups/<id>.json), or latest
#   OUT_DIR         an empty or absent folder: the data directory is restored into it (and,
#                   when the backup holds them, OUT_DIR.postgres and OUT_DIR.object-storage)
#   SECRET_KEY_OUT  where to write the instance's secret key when the backup holds one (optional;
#                   without it the key is not written)
# environment:
#   OWUI_PASSPHRASE_FILE  a file holding the backup passphrase, for encrypted backups (gpg
#                         --passphrase-file); without it gpg decrypts with its own keyring (key pair)
set -euo pipefail
[ $# -ge 3 ] && [ $# -le 4 ] || { echo "usage: $0 REPOSITORY BACKUP_ID|latest OUT_DIR [SECRET_KEY_OUT]" >&2; exit 2; }
repo=${1%/} id=$2 out=$3 secret_out=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "restore-format3: $*" >&2; exit 1; }
# Absolute, without resolving symlinks and without a trailing slash, so that the siblings
# <out>.postgres and <out>.object-storage are beside OUT_DIR ("out/" must not give "out/.postgres").
out=$(realpath -ms -- "$out")

# A local folder is read in place; anything else of the form remote:path goes through rclone.
if [ -d "$repo" ]; then
  remote=
elif [[ $repo =~ ^[A-Za-z0-9_.-]+: ]]; then
  remote=yes
  command -v rclone >/dev/null || fail "$repo is a remote path and rclone is not installed (apt-get install rclone)"
else
  fail "$repo is neither a folder nor an rclone remote path (remote:bucket/prefix/instance)"
fi
[ ! -e "$out" ] || [ -d "$out" ] && [ -z "$(ls -A "$out" 2>/dev/null)" ] || fail "$out is not an empty folder; nothing was written"
[ -z "$secret_out" ] || [ ! -e "$secret_out" ] || fail "$secret_out already exists; name a new file for the secret key"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# cat_key KEY: a repository key's bytes on stdout.
cat_key() {
  if [ -n "$remote" ]; then rclone cat "$repo/$1"; else cat "$repo/$1"; fi
}

# The backup id: `latest` is the newest head. Ids are <yyyymmdd>T<hhmmss>Z with an optional -<n>
# for a second backup in the same second, so they sort by the time, then by n as a number.
if [ "$id" = latest ]; then
  if [ -n "$remote" ]; then
    heads=$(rclone lsf --files-only "$repo/backups/")
  else
    heads=$(ls "$repo/backups/")
  fi
  id=$(printf '%s\n' "$heads" | sed -n 's/^\([0-9]\{8\}T[0-9]\{6\}Z\(-[0-9]\{1,\}\)\{0,1\}\)\.json$/\1/p' \
    | LC_ALL=C sort -t- -k1,1 -k2,2n | tail -n 1)
  [ -n "$id" ] || fail "no backup at $repo (no backups/<id>.json)"
fi
cat_key "backups/$id.json" > "$work/head.json" 2>"$work/err" || fail "no backup $id at $repo: $(cat "$work/err")"
[ "$(jq -r .formatVersion "$work/head.json")" = 3 ] || fail "backups/$id.json is not a format 3 head"

gpg_opts=(--batch -q)
[ -z "${OWUI_PASSPHRASE_FILE:-}" ] || gpg_opts+=(--pinentry-mode loopback --passphrase-file "$OWUI_PASSPHRASE_FILE")

# decode STORAGE FILE: the content of a stored object on stdout.
decode() {
  case $1 in
    plain) cat "$2" ;;
    zstd) zstd -dcq "$2" ;;
    pgp) gpg "${gpg_opts[@]}" -d "$2" ;;
    zstd+pgp) gpg "${gpg_opts[@]}" -d "$2" | zstd -dcq ;;
    *) fail "unknown storage $1" ;;
  esac
}

# check_name NAME FILE: an object's name is the SHA-256 of its stored bytes.
check_name() {
  [[ $1 =~ ^[0-9a-f]{64}$ ]] || fail "an entry names the object '$1', which is not an object name (64 hex digits)"
  echo "$1  $2" | sha256sum -c --quiet - >/dev/null 2>&1 || fail "object $1 is damaged or missing"
}

# The entries: every chunk named by the head, decoded by the head's chunkStorage, in order.
chunk_storage=$(jq -r .chunkStorage "$work/head.json")
: > "$work/entries.jsonl"
while read -r obj sha; do
  cat_key "objects/${obj:0:2}/$obj" > "$work/chunk" || fail "cannot read chunk object $obj"
  check_name "$obj" "$work/chunk"
  decode "$chunk_storage" "$work/chunk" > "$work/chunk.jsonl"
  [ "$(sha256sum < "$work/chunk.jsonl" | cut -d' ' -f1)" = "$sha" ] || fail "chunk $obj does not decode to its sha256 $sha"
  cat "$work/chunk.jsonl" >> "$work/entries.jsonl"
done < <(jq -r '.chunks[] | "\(.object) \(.sha256)"' "$work/head.json")
echo "backup $id: $(wc -l < "$work/entries.jsonl") entries"

# A PostgreSQL instance's dumps and the uploads in object storage go beside the data directory;
# those folders are checked before anything is written, as OUT_DIR was.
pg_out=$out.postgres ext_out=$out.object-storage
sibling_free() {
  [ ! -L "$1" ] && { [ ! -e "$1" ] || { [ -d "$1" ] && [ -z "$(ls -A "$1")" ]; }; } \
    || fail "$1 is not an empty folder and the backup's $2 go there, beside $out; move it away or choose another OUT_DIR; nothing was written"
}
[ -z "$(jq -r 'select(.type=="pg-dump") | .path' "$work/entries.jsonl")" ] || sibling_free "$pg_out" "PostgreSQL dumps"
[ -z "$(jq -r 'select(.type=="external") | .path' "$work/entries.jsonl")" ] || sibling_free "$ext_out" "uploads from object storage"

# The objects: read in place from a folder; from a remote, the ones this backup names are
# downloaded first into the same objects/ab/<name> layout (one rclone run, not one per object).
if [ -n "$remote" ]; then
  objects=$work/objects
  jq -r '(.object // empty), (.chunks[]?.object), (.layers[]?.object)' "$work/entries.jsonl" | sort -u \
    | sed 's|^\(..\)|\1/\1|' > "$work/needed"
  mkdir -p "$objects"
  rclone copy --files-from-raw "$work/needed" --no-traverse "$repo/objects" "$objects"
else
  objects=$repo/objects
fi

mkdir -p "$out"
out=$(cd "$out" && pwd -P)

# place I PATH: sets $place to where entry I (PATH) goes in OUT_DIR, or fails. A backup whose
# entries were tampered with or damaged must not write outside OUT_DIR through one of its own
# symbolic links (`uploads` -> /etc, then `uploads/x`): an entry at or below a link entry (the
# path normalized, so `uploads/` and `./uploads` are the same link) is refused, and the place
# must resolve to itself (no link on the way: realpath -m follows links, realpath -ms does not).
declare -A linkset=()
place() {
  local q rel pre
  q=$(realpath -ms -- "$out/$2")
  [[ $q == "$out"/* ]] || fail "entry $1 has a path outside $out: $2; the backup is damaged or not ours, restore another backup"
  rel=${q#"$out"/}
  [ -z "${linkset[$rel]+x}" ] || fail "entry $1 ($2) is at the place of the backup's symbolic link $rel; the backup is damaged or not ours, restore another backup"
  pre=$rel
  while [[ $pre == */* ]]; do
    pre=${pre%/*}
    [ -z "${linkset[$pre]+x}" ] \
      || fail "entry $1 ($2) lies below the backup's symbolic link $pre and would be written through it; the backup is damaged or not ours, restore another backup"
  done
  [ "$(realpath -m -- "$q")" = "$q" ] \
    || fail "entry $1 ($2) would be written through a symbolic link, to $(realpath -m -- "$q"); the backup is damaged or not ours, restore another backup"
  place=$q
}

# set_meta PATH MODE MTIME: mode like rw-r--r-- (FORMAT.md), mtime ISO-8601 with nanoseconds.
set_meta() {
  local m=$2
  chmod "u=$(tr -d - <<<"${m:0:3}"),g=$(tr -d - <<<"${m:3:3}"),o=$(tr -d - <<<"${m:6:3}")" "$1"
  [ "$3" = null ] || touch -d "$3" "$1"
}

# restore_file OBJECTS STORAGE SHA256 DEST [SIZE]: OBJECTS is one object name, or several (an
# entry's `chunks`, space-separated, in order) whose decoded contents are concatenated. Each is
# checked by its name, then the whole by the entry's sha256 (and size when the entry has one).
restore_file() {
  local o f objs
  read -r -a objs <<<"$1" # no glob expansion of the names
  : >"$4"
  for o in "${objs[@]}"; do
    f="$objects/${o:0:2}/$o"
    check_name "$o" "$f"
    decode "$2" "$f" >>"$4"
  done
  [ "$(sha256sum < "$4" | cut -d' ' -f1)" = "$3" ] || fail "$4 does not have the backup's SHA-256 $3"
  [ -z "${5:-}" ] || [ "$5" = null ] || [ "$(stat -c %s "$4")" = "$5" ] || fail "$4 is not $5 bytes long as the backup says"
}

# One pass over the entries, fields separated by NUL so any path survives.
files=0 dbs=0 links=0 dumps=0 externals=0
dirs=()
pg_names=() buckets=()
i=0
while IFS= read -r -d '' type && IFS= read -r -d '' path && IFS= read -r -d '' mode && IFS= read -r -d '' mtime \
  && IFS= read -r -d '' storage && IFS= read -r -d '' obj && IFS= read -r -d '' sha && IFS= read -r -d '' target \
  && IFS= read -r -d '' size; do
  i=$((i + 1))
  case $path in /* | ../* | */../* | .. | */..) fail "entry $i has an unsafe path: $path" ;; esac
  # the data directory's entries: the place checked once, and the folder it goes into made (a dir: itself, below)
  case $type in file | sqlite | symlink) place "$i" "$path"; p=$place; mkdir -p "$(dirname "$p")" ;; dir) place "$i" "$path"; p=$place ;; esac
  case $type in
    dir)
      mkdir -p "$p"
      dirs+=("$path" "$mode" "$mtime")
      ;;
    file)
      restore_file "$obj" "$storage" "$sha" "$p" "$size"
      set_meta "$p" "$mode" "$mtime"
      files=$((files + 1))
      ;;
    pg-dump)
      # _outside-data-dir/postgres/<name>: openwebui.dump (custom format: one file), or
      # openwebui.dump/toc.dat, openwebui.dump/<n>.dat.gz (directory format: one entry per file)
      name=${path#_outside-data-dir/postgres/}
      [ "$name" != "$path" ] && [ -n "$name" ] || fail "entry $i is a pg-dump outside _outside-data-dir/postgres/: $path"
      # a dump holds the whole database (password hashes too): only the owner reads the folder
      [ -d "$pg_out" ] || { mkdir -p "$pg_out" && chmod 700 "$pg_out"; }
      q="$pg_out/$name"
      mkdir -p "$(dirname "$q")"
      restore_file "$obj" "$storage" "$sha" "$q" "$size"
      set_meta "$q" "$mode" "$mtime"
      dumps=$((dumps + 1))
      [[ " ${pg_names[*]} " == *" ${name%%/*} "* ]] || pg_names+=("${name%%/*}")
      ;;
    external)
      # _outside-data-dir/object-storage/s3/<bucket>/<key>
      rest=${path#_outside-data-dir/object-storage/}
      [ "$rest" != "$path" ] && [[ $rest == ?*/?*/?* ]] \
        || fail "entry $i is an external object outside _outside-data-dir/object-storage/<provider>/<bucket>/: $path"
      q="$ext_out/$rest"
      mkdir -p "$(dirname "$q")"
      restore_file "$obj" "$storage" "$sha" "$q" "$size"
      set_meta "$q" "$mode" "$mtime"
      externals=$((externals + 1))
      b=$(cut -d/ -f1-2 <<<"$rest")
      [[ " ${buckets[*]} " == *" $b "* ]] || buckets+=("$b")
      ;;
    sqlite)
      sed -n "${i}p" "$work/entries.jsonl" > "$work/db.json"
      OWUI_PASSPHRASE_FILE=${OWUI_PASSPHRASE_FILE:-} bash "$here/reassemble-sqlite.sh" "$work/db.json" "$objects" "$p" >/dev/null
      set_meta "$p" "$mode" "$mtime"
      dbs=$((dbs + 1))
      ;;
    symlink)
      # -T: never into a folder already there; like any ln -s, never over anything already there
      ln -sT -- "$target" "$p" 2>"$work/err" \
        || fail "entry $i ($path) is a symbolic link where the backup already restored something: $(cat "$work/err"); the backup is damaged or not ours, restore another backup"
      linkset[${p#"$out"/}]=1
      [ "$mtime" = null ] || touch -h -d "$mtime" "$p"
      links=$((links + 1))
      ;;
    secret-key)
      if [ -n "$secret_out" ]; then
        mkdir -p "$(dirname "$secret_out")"
        (umask 077 && restore_file "$obj" "$storage" "$sha" "$secret_out")
        chmod 600 "$secret_out"
        echo "the instance's secret key: $secret_out"
      else
        echo "the backup holds the instance's secret key; give SECRET_KEY_OUT to write it"
      fi
      ;;
    *) fail "entry $path has type $type, which this script does not know" ;;
  esac
done < <(jq -j '[.type, .path, (.mode // "rw-r--r--"), (.mtime // "null"), (.storage // "plain"), (if .chunks then [.chunks[].object] else [.object // empty] end | join(" ")),
  (.sha256 // ""), (.linkTarget // ""), (.size // "null")] | map(tostring + "\u0000") | add' "$work/entries.jsonl")

# Directories last, in reverse path order (children before parents): writing into a folder
# changes its mtime.
for ((d = ${#dirs[@]} - 3; d >= 0; d -= 3)); do
  set_meta "$out/${dirs[d]}" "${dirs[d + 1]}" "${dirs[d + 2]}"
done
echo "restored backup $id into $out: $files files, $dbs databases, $links symlinks"
if [ "$dumps" -gt 0 ]; then
  major=$(jq -r '[.postgres[]?.pgDumpMajor | numbers] | max // empty' "$work/head.json")
  echo "the PostgreSQL dumps ($dumps files) are in $pg_out; restore each into an empty database" \
    "(name yours) with pg_restore${major:+ $major or newer}:"
  for name in "${pg_names[@]}"; do
    db=${name%.dump}
    if [ -d "$pg_out/$name" ]; then # directory format: restored in parallel, not in one transaction
      printf '  createdb -T template0 %q && pg_restore --no-owner --exit-on-error -j 4 -d %q %q\n' "$db" "$db" "$pg_out/$name"
    else
      printf '  createdb -T template0 %q && pg_restore --no-owner --exit-on-error --single-transaction -d %q %q\n' "$db" "$db" "$pg_out/$name"
    fi
  done
fi
if [ "$externals" -gt 0 ]; then
  echo "the uploads from object storage ($externals objects) are in $ext_out; put them back with" \
    "(add --endpoint-url for a service other than AWS; or rclone copy FOLDER REMOTE:BUCKET):"
  for b in "${buckets[@]}"; do
    if [ "${b%%/*}" = s3 ]; then
      printf '  aws s3 cp --recursive %q %q\n' "$ext_out/$b" "s3://${b#*/}/"
    else
      printf '  %q (provider %s: copy it into the bucket %s)\n' "$ext_out/$b" "${b%%/*}" "${b#*/}"
    fi
  done
fi
