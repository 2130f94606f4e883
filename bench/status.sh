#!/usr/bin/env bash
# Start-up benchmark: `jsmdb NODE CORE -e ::status` against `gdb -batch -ex bt NODE CORE`
# on the same Node 20 abort core, whole processes, measured side by side in one run.
# Usage: bench/status.sh [RUNS]   (default 7; prints medians and the ratio)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
RUNS=${1:-7}
DIR=$(bench_core 20.20.2 stack-abort)
NODE="$DIR/node"; CORE="$DIR/core"
"$ROOT/bin/jsmdb" "$NODE" "$CORE" -e ::status >/dev/null   # builds the jar and the CDS archive once
j=$(median_ms "$RUNS" "$ROOT/bin/jsmdb" "$NODE" "$CORE" -e ::status)
g=$(median_ms "$RUNS" gdb -batch -ex bt "$NODE" "$CORE")
echo "core: $CORE ($(du -h "$CORE" | cut -f1))"
echo "jsmdb -e ::status   median ${j} ms over $RUNS runs"
echo "gdb -batch -ex bt   median ${g} ms over $RUNS runs"
awk -v j="$j" -v g="$g" 'BEGIN { printf "ratio jsmdb/gdb     %.2f (goal: <= 1.00)\n", j / g }'
