#!/usr/bin/env bash
# Rebuilds one SQLite database of a format 3 backup from its layers with stock tools only
# (bash, jq, dd, truncate, sha256sum, and zstd / gpg for those storages). FORMAT.md,
# "Databases at page granularity", is the specification; a test runs this script.
#
# usage: reassemble-sqlite.sh ENTRY_JSON OBJECTS_DIR OUT_FILE
#   ENTRY_JSON  the database's entry line from the backup's entries (e.g. jq -c 'select(.path=="webui.db")')
#   OBJECTS_DIR the repository's objects/ folder (for S3: download the layer objects into the same layout first)
#   OUT_FILE    where the database is written (Open WebUI stopped, or a scratch path)
# environment: OWUI_PASSPHRASE_FILE, a file holding the backup passphrase for pgp storages (gpg
#   --passphrase-file); without it gpg decrypts with its own keyring (key pair)
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 ENTRY_JSON OBJECTS_DIR OUT_FILE" >&2; exit 2; }
entry=$1 objects=$2 out=$3
ps=$(jq -r .pageSize "$entry")
pc=$(jq -r .pageCount "$entry")
storage=$(jq -r '.storage // "plain"' "$entry")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gpg_opts=(--batch -q)
[ -z "${OWUI_PASSPHRASE_FILE:-}" ] || gpg_opts+=(--pinentry-mode loopback --passphrase-file "$OWUI_PASSPHRASE_FILE")

# Every object is named by the SHA-256 of its stored bytes: check that first, then decode.
decode() {
  local o=$1 f="$objects/${1:0:2}/$1"
  echo "$o  $f" | sha256sum -c --quiet - >&2 || { echo "object $o is damaged or missing" >&2; exit 1; }
  case $storage in
    plain) cat "$f" ;;
    zstd) zstd -dcq "$f" ;;
    pgp) gpg "${gpg_opts[@]}" -d "$f" ;;
    zstd+pgp) gpg "${gpg_opts[@]}" -d "$f" | zstd -dcq ;;
    *) echo "unknown storage $storage" >&2; exit 1 ;;
  esac
}

n=$(jq '.layers | length' "$entry")
for ((i = 0; i < n; i++)); do
  o=$(jq -r ".layers[$i].object" "$entry")
  if [ "$i" -eq 0 ]; then            # the image
    decode "$o" > "$out"
    continue
  fi
  decode "$o" > "$tmp/set"           # a page set: its pages, in the order its runs name them
  off=0
  while read -r first count; do
    dd if="$tmp/set" of="$out" bs="$ps" skip="$off" seek=$((first - 1)) count="$count" conv=notrunc status=none
    off=$((off + count))
  done < <(jq -r ".layers[$i].runs[] | \"\(.[0]) \(.[1])\"" "$entry")
done
truncate -s $((pc * ps)) "$out"
actual=$(sha256sum "$out" | cut -d' ' -f1)
if [ "$actual" != "$(jq -r .sha256 "$entry")" ]; then
  echo "the rebuilt $out has SHA-256 $actual, not the manifest's" >&2
  exit 1
fi
echo "$out: ok ($pc pages of $ps bytes, $n layer(s))"
