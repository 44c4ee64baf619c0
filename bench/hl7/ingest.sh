#!/usr/bin/env bash
# End-to-end MLLP ingest with durable ACK: the peers' sender (every ACK checked)
# against a release `leuko ingest --listen` on loopback, for the embedded SQLite store, the
# embedded PostgreSQL store, and queue mode (JetStream publish ack) drained by 1 and 2 workers
# (bench/hl7/queue.sh).
# Usage: bench/hl7/ingest.sh [messages] [connections] [sqlite|postgres|queue ...]
# PostgreSQL and NATS are read from DATABASE_URL / NATS_URL (defaults: the local servers).
# SENDER=rust sends with bench/mllp-load (see bench/hl7/common.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT="${1:-4000}"; CONNECTIONS="${2:-8}"; shift 2 || true
MODES=("${@:-sqlite}")
. bench/hl7/common.sh
WORK="$(mktemp -d)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
# How far processing (inbox -> history) and re-assessment lag behind the last acknowledgement:
# polls the inbox cursor and the pending markers until every message is processed and re-assessed.
lag_sqlite() {
  python3 - "$1" "$2" <<'PY'
import sqlite3, sys, time
t0 = time.perf_counter(); db = sqlite3.connect(sys.argv[1], timeout=30); processed = None
received = int(sys.argv[2])
while True:
    # The journal numbers received messages 1, 2, …: all are processed when the cursor is there.
    inbox = received - db.execute("SELECT COALESCE(MAX(seq), 0) FROM hl7_cursor").fetchone()[0]
    pending = db.execute("SELECT COUNT(*) FROM pending_assessment").fetchone()[0]
    if inbox == 0 and processed is None: processed = time.perf_counter() - t0
    if inbox == 0 and pending == 0: break
    time.sleep(0.02)
stored = db.execute("SELECT COUNT(*) FROM hl7_messages").fetchone()[0]
print(f"lag after the last ACK: processed {processed:.2f} s, re-assessed {time.perf_counter() - t0:.2f} s ({stored} messages stored)")
PY
}
lag_postgres() {
  local start=$SECONDS processed=""
  while :; do
    read -r inbox pending < <(psql "$DATABASE_URL" -Atc "SELECT (SELECT COUNT(*) FROM $1.hl7_inbox WHERE seq > (SELECT COALESCE(MAX(seq), 0) FROM $1.hl7_cursor)), (SELECT COUNT(*) FROM $1.pending_assessment)" | tr '|' ' ')
    [ "$inbox" = 0 ] && [ -z "$processed" ] && processed=$((SECONDS - start))
    [ "$inbox" = 0 ] && [ "$pending" = 0 ] && break
    sleep 0.05
  done
  echo "lag after the last ACK: processed ${processed} s, re-assessed $((SECONDS - start)) s (whole seconds)"
}
for mode in "${MODES[@]}"; do
  case "$mode" in
    sqlite)
      DB="$WORK/ingest-$RANDOM.db"
      "$LEUKO" ingest --listen 127.0.0.1:12575 --database "sqlite:$DB" 2>/dev/null & PIDS+=($!)
      wait_port 12575; echo "== embedded SQLite, $CONNECTIONS connections"; send 12575
      lag_sqlite "$DB" "$COUNT"
      kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true ;;
    postgres)
      SCHEMA="bench_$$"; URL="$DATABASE_URL?options=-csearch_path%3D$SCHEMA"
      psql "$DATABASE_URL" -qc "CREATE SCHEMA $SCHEMA"
      "$LEUKO" ingest --listen 127.0.0.1:12576 --database "$URL" 2>/dev/null & PIDS+=($!)
      wait_port 12576; echo "== embedded PostgreSQL, $CONNECTIONS connections"; send 12576
      lag_postgres "$SCHEMA"
      kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true
      psql "$DATABASE_URL" -qc "SET client_min_messages = warning; DROP SCHEMA $SCHEMA CASCADE" ;;
    queue)
      bench/hl7/queue.sh "$COUNT" "$CONNECTIONS" ;;
  esac
done
