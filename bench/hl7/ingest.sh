#!/usr/bin/env bash
# End-to-end MLLP ingest with durable ACK (issue #6): the peers' sender (every ACK checked)
# against a release `leuko ingest --listen` on loopback, for the embedded SQLite store, the
# embedded PostgreSQL store, and queue mode (JetStream publish ack) drained by 1 and 2 workers.
# Usage: bench/hl7/ingest.sh [messages] [connections] [sqlite|postgres|queue ...]
# PostgreSQL and NATS are read from DATABASE_URL / NATS_URL (defaults: the local servers).
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT="${1:-4000}"; CONNECTIONS="${2:-8}"; shift 2 || true
MODES=("${@:-sqlite}")
PEERS="$(cd ../shared/peers && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/work/target}"
DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"
cargo build --release --quiet -p leuko-cli
LEUKO="$CARGO_TARGET_DIR/release/leuko"
WORK="$(mktemp -d)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
wait_port() { for _ in $(seq 100); do (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null && return; sleep 0.1; done; echo "port $1 not open"; exit 1; }
send() { "$PEERS/.venv/bin/python" "$PEERS/hl7/mllp_send.py" 127.0.0.1 "$1" --count "$COUNT" --concurrency "$CONNECTIONS" | tail -n 3; }
# Waits until the store holds COUNT messages more than BEFORE; prints the seconds it took.
drain_time() {
  local started; started=$(date +%s.%N)
  for _ in $(seq 600); do
    local n; n=$(psql "$1" -tAc "SELECT COUNT(*) FROM $2.hl7_messages" 2>/dev/null || echo 0)
    [ "$n" -ge "$COUNT" ] && break; sleep 0.1
  done
  echo "$(date +%s.%N) - $started" | bc
}
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
      echo "see bench/runs for the queue-mode procedure (stream LEUKO_HL7 must be empty first)" ;;
  esac
done
