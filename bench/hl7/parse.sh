#!/usr/bin/env bash
# Parse throughput of leuko-hl7 against python-hl7 on the same bytes, in one run.
# The peers' script times python-hl7 (and hl7apy) on the messages they parse correctly and writes
# those exact bytes MLLP-framed; leuko's example then times the same corpus.
# Usage: bench/hl7/parse.sh [messages]   (needs ../shared/peers/.venv: see ../shared/peers/README.md)
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT="${1:-20000}"
PEERS="$(cd ../shared/peers && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/work/target}"
[ -x "$PEERS/.venv/bin/python" ] || { echo "create the peers' venv first: cd $PEERS && python3 -m venv .venv && .venv/bin/pip install -r requirements.txt"; exit 1; }
cargo build --release --quiet -p leuko-hl7 --example parse_bench
CORPUS="$(mktemp -d)/corpus.mllp"
trap 'rm -rf "$(dirname "$CORPUS")"' EXIT
"$PEERS/.venv/bin/python" "$PEERS/hl7/parse_bench.py" --count "$COUNT" --max-seconds 120 --write-corpus "$CORPUS" | grep -E "msgs in|^python"
"$CARGO_TARGET_DIR/release/examples/parse_bench" "$CORPUS"
