#!/usr/bin/env bash
# The fatal exception of a real program's abort core (TypeScript 5.9 compiling in-process, Node 20):
# `jsmdb -e ::jsexception` against what a user did before it existed, a census of the error's
# class piped into ::jsprint (`::findjsobjects -c TypeError | ::jsprint`, which also prints every
# other TypeError in the heap), and against `gdb -batch -ex bt`, whole processes, side by side.
# Usage: bench/jsexception.sh [RUNS]   (default 5; prints medians and the ratios)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
RUNS=${1:-5}
DIR=$(bench_core 20.20.2 real-ts-abort)
NODE="$DIR/node"; CORE="$DIR/core"
"$ROOT/bin/jsmdb" "$NODE" "$CORE" -e ::status >/dev/null   # builds the jar and trains its AOT cache once
x=$(median_ms "$RUNS" "$ROOT/bin/jsmdb" "$NODE" "$CORE" -e ::jsexception)
c=$(median_ms "$RUNS" "$ROOT/bin/jsmdb" "$NODE" "$CORE" -e '::findjsobjects -c TypeError | ::jsprint')
g=$(median_ms "$RUNS" gdb -batch -ex bt "$NODE" "$CORE")
echo "core: $CORE ($(du -h "$CORE" | cut -f1))"
echo "jsmdb -e ::jsexception                           median ${x} ms over $RUNS runs"
echo "jsmdb -e '::findjsobjects -c TypeError | ::jsprint' median ${c} ms over $RUNS runs"
echo "gdb -batch -ex bt                                median ${g} ms over $RUNS runs"
awk -v x="$x" -v c="$c" -v g="$g" 'BEGIN { printf "ratio jsexception/census %.2f, jsexception/gdb %.2f\n", x / c, x / g }'
