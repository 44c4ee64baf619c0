#!/usr/bin/env bash
# End-to-end MLLP ingest with durable ACK (issue #6): the peers' sender (every ACK checked)
# against a release `leuko ingest --listen` on loopback, for the embedded SQLite store, the
# embedded PostgreSQL store, and queue mode (JetStream publish ack) drained by 1 and 2 workers
# (bench/hl7/queue.sh).
# Usage: bench/hl7/ingest.sh [messages] [connections] [sqlite|postgres|queue ...]
# PostgreSQL and NATS are read from DATABASE_URL / NATS_URL (defaults: the local servers).
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT="${1:-4000}"; CONNECTIONS="${2:-8}"; shift 2 || true
MODES=("${@:-sqlite}")
. bench/hl7/common.sh
WORK="$(mktemp -d)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
send() { "$PEERS/.venv/bin/python" "$PEERS/hl7/mllp_send.py" 127.0.0.1 "$1" --count "$COUNT" --concurrency "$CONNECTIONS" | tail -n 3; }
for mode in "${MODES[@]}"; do
  case "$mode" in
    sqlite)
      "$LEUKO" ingest --listen 127.0.0.1:12575 --database "sqlite:$WORK/ingest.db" 2>/dev/null & PIDS+=($!)
      wait_port 12575; echo "== embedded SQLite, $CONNECTIONS connections"; send 12575 ;;
    postgres)
      SCHEMA="bench_$$"; URL="$DATABASE_URL?options=-csearch_path%3D$SCHEMA"
      psql "$DATABASE_URL" -qc "CREATE SCHEMA $SCHEMA"
      "$LEUKO" ingest --listen 127.0.0.1:12576 --database "$URL" 2>/dev/null & PIDS+=($!)
      wait_port 12576; echo "== embedded PostgreSQL, $CONNECTIONS connections"; send 12576
      kill "${PIDS[-1]}"; psql "$DATABASE_URL" -qc "DROP SCHEMA $SCHEMA CASCADE" ;;
    queue)
      bench/hl7/queue.sh "$COUNT" "$CONNECTIONS" ;;
  esac
done
