#!/usr/bin/env bash
# ::jsstack benchmark: `jsmdb NODE CORE -e '::jsstack -v'` (whole process: start-up, open,
# unwind, decode every JS frame with arguments) against `gdb -batch -ex bt NODE CORE` on the
# same Node 20 abort core, measured side by side in one run.
# Usage: bench/jsstack.sh [RUNS]   (default 7; prints medians and the ratio; goal <= 1.5)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
RUNS=${1:-7}
DIR=$(bench_core 20.20.2 stack-abort)
NODE="$DIR/node"; CORE="$DIR/core"
"$ROOT/bin/jsmdb" "$NODE" "$CORE" -e '::jsstack -v' >/dev/null   # builds the jar and trains its AOT cache once
j=$(median_ms "$RUNS" "$ROOT/bin/jsmdb" "$NODE" "$CORE" -e '::jsstack -v')
g=$(median_ms "$RUNS" gdb -batch -ex bt "$NODE" "$CORE")
echo "core: $CORE ($(du -h "$CORE" | cut -f1))"
echo "jsmdb -e '::jsstack -v'  median ${j} ms over $RUNS runs ($("$ROOT/bin/jsmdb" "$NODE" "$CORE" -e '::jsstack -v' | grep -c '^js:') JS frames)"
echo "gdb -batch -ex bt        median ${g} ms over $RUNS runs"
awk -v j="$j" -v g="$g" 'BEGIN { printf "ratio jsmdb/gdb          %.2f (goal: <= 1.50)\n", j / g }'
