# Shared set-up of the lab-feed benchmarks (sourced): the peers' folder, the local services, a
# release build of leuko, and a wait for a listening port.
PEERS="$(cd ../shared/peers && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/work/target}"
DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"
cargo build --release --quiet -p leuko-cli -p mllp-load
LEUKO="$CARGO_TARGET_DIR/release/leuko"
wait_port() { for _ in $(seq 100); do (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null && return; sleep 0.1; done; echo "port $1 not open"; exit 1; }
# Sends COUNT messages over CONNECTIONS connections to a loopback port, every ACK checked: with
# the peers' mllp_send.py, or with SENDER=rust with bench/mllp-load (the same messages and ACK
# checks at a fraction of the CPU: on two cores the Python sender takes a whole core).
send() {
  if [ "${SENDER:-python}" = rust ]; then
    "$CARGO_TARGET_DIR/release/mllp-load" 127.0.0.1 "$1" --count "$COUNT" --concurrency "$CONNECTIONS"
  else
    "$PEERS/.venv/bin/python" "$PEERS/hl7/mllp_send.py" 127.0.0.1 "$1" --count "$COUNT" --concurrency "$CONNECTIONS" | tail -n 3
  fi
}
