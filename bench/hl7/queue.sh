#!/usr/bin/env bash
# Queue mode of the lab feed: `leuko ingest --listen --nats` acknowledges after
# JetStream's publish ack; then 1 and 2 `leuko worker` processes drain the stream into
# PostgreSQL. Prints the sender's figures and each drain's messages/s (how far assessment lags
# acknowledgement: the drain time of what was acknowledged).
# Usage: [SENDER=rust] bench/hl7/queue.sh [messages] [connections]. Uses the stream LEUKO_HL7 on NATS_URL
# (deleted before and after: do not run it against a NATS that carries real traffic).
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT="${1:-4000}"; CONNECTIONS="${2:-8}"
. bench/hl7/common.sh
delete_stream() {
  python3 - "$NATS_URL" <<'PY'
import socket, sys
host, port = sys.argv[1].removeprefix("nats://").split(":")
s = socket.create_connection((host, int(port))); s.recv(4096)
s.sendall(b'CONNECT {"verbose":false}\r\nSUB _INBOX.bench 1\r\nPUB $JS.API.STREAM.DELETE.LEUKO_HL7 _INBOX.bench 0\r\n\r\nPING\r\n')
s.settimeout(2); data = b""
try:
    while b"PONG" not in data or b"MSG" not in data: data += s.recv(4096)
except socket.timeout: pass
PY
}
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; delete_stream; }
trap cleanup EXIT
for workers in 1 2; do
  delete_stream
  SCHEMA="bench_queue_$$_$workers"; URL="$DATABASE_URL?options=-csearch_path%3D$SCHEMA"
  psql "$DATABASE_URL" -qc "CREATE SCHEMA $SCHEMA"
  "$LEUKO" ingest --listen 127.0.0.1:12579 --nats "$NATS_URL" 2>/dev/null & LISTENER=$!; PIDS+=("$LISTENER")
  wait_port 12579
  echo "== queue mode: publish with JetStream ack, $CONNECTIONS connections"
  send 12579 | tail -n 1
  kill "$LISTENER"
  started=$(date +%s.%N)
  for _ in $(seq "$workers"); do "$LEUKO" worker --nats "$NATS_URL" --database "$URL" 2>/dev/null & PIDS+=($!); done
  # One psql session polls every 0.1 s (a psql started per poll took 13 % of the two cores from
  # the drain it measured); the time is taken when the count is reached. The session ends early
  # while the workers have not yet created the table: it is started again, for 300 s at most.
  n=0
  for _ in $(seq 3000); do
    read -r n finished < <(printf 'SELECT COUNT(*) FROM %s.hl7_messages\n\\watch 0.1\n' "$SCHEMA" \
      | timeout 300 psql "$DATABASE_URL" -At 2>/dev/null \
      | { last=0; while read -r m; do [ -n "$m" ] && last=$m; [ "$last" -ge "$COUNT" ] && break; done; echo "$last $(date +%s.%N)"; })
    [ "$n" -ge "$COUNT" ] && break; sleep 0.1
  done
  seconds=$(echo "$finished - $started" | bc)
  echo "== $workers worker(s) on PostgreSQL: $n of $COUNT stored in ${seconds} s = $(echo "$n / $seconds" | bc) msg/s"
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; PIDS=()
  sleep 0.5
  psql "$DATABASE_URL" -qc "DROP SCHEMA $SCHEMA CASCADE" 2>/dev/null
done
