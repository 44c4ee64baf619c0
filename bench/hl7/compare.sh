#!/usr/bin/env bash
# Durable MLLP acknowledgement, leuko against the peers' server, in one run on one machine: in
# alternating rounds, the same sender (bench/mllp-load, every ACK checked) sends COUNT messages
# over CONNECTIONS connections to
#   - `leuko ingest --listen` on a fresh embedded SQLite database (journal, group commit), and
#   - the peers' Python MLLP server with group commit (mllp_echo_server.py --batch 0: one fsync
#     per group of messages, none acknowledged before it), and
#   - the same server with no fsync at all (--no-fsync: not durable; the machine's loopback and
#     scheduling ceiling for a minimal server, shown for scale), and
#   - mllp-floor (bench/mllp-load/src/bin/mllp-floor.rs): a minimal Rust listener that only
#     writes each group of frames and syncs it before its ACKs (thread per connection, one
#     pwrite and one fdatasync per group, no parsing, no store) — the floor of durable
#     acknowledgement on this machine and disk, which leuko's figure is read against,
# each after 200 warm-up messages, and prints each round and the mean ratio. The absolute
# figures move with the machine (its disk's sync time, its scheduler); the ratio is the
# comparison that carries across machines.
# Usage: bench/hl7/compare.sh [messages] [connections] [rounds]
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT="${1:-20000}"; CONNECTIONS="${2:-8}"; ROUNDS="${3:-5}"
. bench/hl7/common.sh
PY="$PEERS/.venv/bin/python"
[ -x "$PY" ] || { echo "the peers' venv is missing: cd $PEERS && python3 -m venv .venv && .venv/bin/pip install -r requirements.txt"; exit 1; }
WORK="$(mktemp -d)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
LOAD="$CARGO_TARGET_DIR/release/mllp-load"
rate() { "$LOAD" 127.0.0.1 "$1" --count "$COUNT" --concurrency "$CONNECTIONS" | grep -o '[0-9.]* acked msg/s' | cut -d' ' -f1; }
warm() { "$LOAD" 127.0.0.1 "$1" --count 200 --concurrency "$CONNECTIONS" > /dev/null; }
stop() { kill "$1"; wait "$1" 2>/dev/null || true; }
echo "round  leuko-sqlite  python-group-commit  ratio   python-no-fsync  rust-floor  leuko/floor   ($COUNT messages, $CONNECTIONS connections, mllp-load)"
ratios=(); floors=()
for round in $(seq "$ROUNDS"); do
  "$LEUKO" ingest --listen 127.0.0.1:12577 --database "sqlite:$WORK/compare-$round.db" 2>/dev/null & PIDS+=($!)
  wait_port 12577; warm 12577; leuko=$(rate 12577); stop "${PIDS[-1]}"
  rm -f "$WORK/echo.log"
  "$PY" "$PEERS/hl7/mllp_echo_server.py" --port 12578 --log "$WORK/echo.log" --max-seconds 600 --batch 0 > "$WORK/echo.out" 2>&1 & PIDS+=($!)
  wait_port 12578; warm 12578; peer=$(rate 12578); stop "${PIDS[-1]}"
  rm -f "$WORK/echo.log"
  "$PY" "$PEERS/hl7/mllp_echo_server.py" --port 12578 --log "$WORK/echo.log" --max-seconds 600 --batch 0 --no-fsync > "$WORK/echo.out" 2>&1 & PIDS+=($!)
  wait_port 12578; warm 12578; nosync=$(rate 12578); stop "${PIDS[-1]}"
  "$CARGO_TARGET_DIR/release/mllp-floor" 127.0.0.1:12579 "$WORK/floor.log" 2>/dev/null & PIDS+=($!)
  wait_port 12579; warm 12579; floor=$(rate 12579); stop "${PIDS[-1]}"
  ratio=$(python3 -c "print(f'{$leuko / $peer:.2f}')")
  of_floor=$(python3 -c "print(f'{$leuko / $floor:.2f}')")
  ratios+=("$ratio"); floors+=("$of_floor")
  printf '%5d  %12s  %19s  %5sx  %15s  %10s  %10s\n' "$round" "$leuko" "$peer" "$ratio" "$nosync" "$floor" "$of_floor"
done
summary='import statistics, sys; r = [float(x) for x in sys.argv[2:]]; print(f"{sys.argv[1]} mean {statistics.mean(r):.2f}x, median {statistics.median(r):.2f}x, range {min(r):.2f}-{max(r):.2f}x")'
python3 -c "$summary" "leuko / python group commit:" "${ratios[@]}"
python3 -c "$summary" "leuko / rust floor:" "${floors[@]}"
