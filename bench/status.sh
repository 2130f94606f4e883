#!/usr/bin/env bash
# Start-up benchmark: `jsmdb NODE CORE -e ::status` against `gdb -batch -ex bt NODE CORE` on the
# same Node 20 abort core (the stack fixture's, cores/fixtures/stack.js), whole processes, side by
# side: the commands take turns, round by round, so that the machine's load weighs on each alike.
#   BEFORE=PATH/bin/jsmdb  also times another launcher in the same rounds (a checkout of an older
#                          commit, built): its ratio to gdb, and this one's to it
#   ALSO_OPTS='-XX:...'    also times bin/jsmdb with these JVM options (JSMDB_JAVA_OPTS)
#   JSMDB_CORES=DIR        the test cores (default target/cores, made by cores/make-cores if missing)
# Usage: bench/status.sh [RUNS]   (default 11; prints medians and ratios; goal jsmdb/gdb <= 0.40)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
RUNS=${1:-11}
DIR=$(bench_core 20.20.2 stack-abort)
NODE="$DIR/node"; CORE="$DIR/core"
jsmdb() { "$ROOT/bin/jsmdb" "$NODE" "$CORE" -e ::status; }
gdb_bt() { gdb -batch -ex bt "$NODE" "$CORE"; }
before() { "$BEFORE" "$NODE" "$CORE" -e ::status; }
also() { JSMDB_JAVA_OPTS="$ALSO_OPTS" "$ROOT/bin/jsmdb" "$NODE" "$CORE" -e ::status; }
cmds=(jsmdb gdb_bt)
[ -n "${BEFORE:-}" ] && cmds+=(before)
[ -n "${ALSO_OPTS:-}" ] && cmds+=(also)
# once each, untimed: builds the jar and its AOT cache (an older launcher: its CDS archive), and
# brings the core and the binary into the page cache
for c in "${cmds[@]}"; do "$c" >/dev/null 2>&1 || true; done
read -r -a ms <<<"$(medians_ms "$RUNS" "${cmds[@]}")"
j=${ms[0]} g=${ms[1]}
echo "core: $CORE ($(du -h "$CORE" | cut -f1)), $RUNS rounds"
echo "jsmdb -e ::status   median ${j} ms   ($ROOT/bin/jsmdb)"
echo "gdb -batch -ex bt   median ${g} ms"
awk -v j="$j" -v g="$g" 'BEGIN { printf "ratio jsmdb/gdb     %.2f (goal: <= 0.40)\n", j / g }'
i=2
if [ -n "${BEFORE:-}" ]; then
    b=${ms[$i]}; i=$((i + 1))
    echo "before              median ${b} ms   ($BEFORE)"
    awk -v j="$j" -v g="$g" -v b="$b" 'BEGIN { printf "ratio before/gdb    %.2f; jsmdb/before %.2f\n", b / g, j / b }'
fi
if [ -n "${ALSO_OPTS:-}" ]; then
    a=${ms[$i]}
    echo "with $ALSO_OPTS  median ${a} ms"
    awk -v a="$a" -v g="$g" 'BEGIN { printf "ratio that/gdb      %.2f\n", a / g }'
fi
