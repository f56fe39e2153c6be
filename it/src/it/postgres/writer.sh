#!/usr/bin/env bash
# Open WebUI's users chatting while the backup runs: one transaction per chat (the chat row and its
# two messages), ids writer-1, writer-2, ... in order, each committed before the next begins. After
# each commit it appends "<n> <ms when the transaction began> <ms after its COMMIT returned>" to
# committed.txt, so verify.groovy can hold the restore to every chat committed before the backup
# started. Stops when the file `stop` appears, after 20 failed transactions in a row (the server is
# gone), or after 15 minutes (nothing is left running if the IT is killed).
# Environment: PSQL (the psql binary), PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSFILE.
set -u
cd "$(dirname "$0")"
user='9a1c3f52-0b7e-4a8e-9d61-2f4b8e0c1a11'
n=0
failed=0
deadline=$(( $(date +%s) + 900 ))
while [ ! -e stop ] && [ "$(date +%s)" -lt "$deadline" ]; do
  n=$((n + 1))
  began=$(date +%s%3N)
  now=$((began / 1000))
  # ON_ERROR_STOP: a failed statement ends psql before COMMIT, so the transaction is rolled back.
  if "$PSQL" -X -q -v ON_ERROR_STOP=1 >/dev/null 2>>writer.err <<SQL
BEGIN;
INSERT INTO chat (id, user_id, title, chat, created_at, updated_at, archived, pinned, meta)
  VALUES ('writer-$n', '$user', 'Writer chat $n', '{"title":"Writer chat $n","messages":[]}', $now, $now, false, false, '{}');
INSERT INTO chat_message (id, chat_id, user_id, role, parent_id, content, model_id, created_at, updated_at) VALUES
  ('writer-$n-q', 'writer-$n', '$user', 'user', NULL, 'Question $n', NULL, $now, $now),
  ('writer-$n-a', 'writer-$n', '$user', 'assistant', 'writer-$n-q', 'Answer $n', 'llama3.1:8b', $now, $now);
COMMIT;
SQL
  then
    echo "$n $began $(date +%s%3N)" >> committed.txt
    failed=0
  else
    failed=$((failed + 1))
    if [ "$failed" -ge 20 ]; then
      echo "writer: 20 transactions failed in a row, stopping (see writer.err)" >&2
      exit 1
    fi
    sleep 0.2
  fi
done
