#!/usr/bin/env bash
# Capturing a live node process: `jsmdb gcore` against gdb's `gcore`, side by side on the same
# process, for a small heap and a heap of about 1 GB. Two figures per tool:
#   - the whole command's wall time (median), as a user waits for it;
#   - how long the process was stopped, as the process itself saw it: it runs a 1 ms interval
#     timer and reports the longest gap between two ticks since it was last asked (median).
# Usage: bench/gcore.sh [RUNS] [NODE]   (default 5 runs, the node on PATH)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
RUNS=${1:-5}
NODE=${2:-$(command -v node)}
command -v gcore >/dev/null || { echo "bench/gcore.sh: needs gdb's gcore" >&2; exit 2; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/jsmdb-bench-gcore.XXXXXX")
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
"$ROOT/bin/jsmdb" --version >/dev/null   # builds the jar once
now_ms() { echo $(( ${EPOCHREALTIME/./} / 1000 )); }
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# The target: MB megabytes of small objects, a 1 ms ticker measuring its own stalls, and a FIFO
# on which "lag" asks for the longest stall since the last question (answered in WORK/lag.N).
PROGRAM='
const mb = +process.argv[1], dir = process.argv[2];
const keep = [];
for (let i = 0; i < mb * 1024 * 16; i++) keep.push({ i, s: "x" + i });   // ~64 bytes each
globalThis.keep = keep;
let last = process.hrtime.bigint(), worst = 0n, n = 0;
setInterval(() => { const t = process.hrtime.bigint(); if (t - last > worst) worst = t - last; last = t; }, 1);
const fs = require("fs");
const ask = () => fs.readFile(dir + "/ask", "utf8", () => {
  fs.writeFileSync(dir + "/lag." + (n++), String(Number(worst / 1000000n)));
  worst = 0n; ask();
});
ask();
fs.writeFileSync(dir + "/ready", String(process.pid));
'

# prints the longest stall (ms) the process saw since it was last asked
stall_ms() {
  local n=$1
  echo lag > "$WORK/ask"
  for _ in $(seq 100); do [ -s "$WORK/lag.$n" ] && break; sleep 0.05; done
  cat "$WORK/lag.$n"
}

for MB in 16 1024; do
  rm -f "$WORK"/ready "$WORK"/lag.* "$WORK/ask"; mkfifo "$WORK/ask"
  "$NODE" --max-old-space-size=4096 -e "$PROGRAM" "$MB" "$WORK" & PID=$!; PIDS+=("$PID")
  for _ in $(seq 600); do [ -s "$WORK/ready" ] && break; sleep 0.1; done
  sleep 1
  q=0; stall_ms $q >/dev/null; q=$((q + 1))   # forget start-up's stalls
  J=(); G=(); JS=(); GS=()
  for r in $(seq "$RUNS"); do
    t0=$(now_ms); "$ROOT/bin/jsmdb" gcore -o "$WORK/j.core" "$PID" >/dev/null; t1=$(now_ms)
    J+=($((t1 - t0))); JS+=("$(stall_ms $q)"); q=$((q + 1)); rm -f "$WORK/j.core"
    t0=$(now_ms); gcore -o "$WORK/g" "$PID" >/dev/null 2>&1; t1=$(now_ms)
    G+=($((t1 - t0))); GS+=("$(stall_ms $q)"); q=$((q + 1)); rm -f "$WORK/g.$PID"
  done
  rss=$(awk '/VmRSS/ { printf "%d MiB", $2 / 1024 }' "/proc/$PID/status")
  j=$(median "${J[@]}"); g=$(median "${G[@]}"); js=$(median "${JS[@]}"); gs=$(median "${GS[@]}")
  echo "heap of ${MB} MB of objects (node RSS $rss), $RUNS runs each, in turns:"
  echo "  jsmdb gcore: whole command median ${j} ms, process stopped median ${js} ms"
  echo "  gdb gcore:   whole command median ${g} ms, process stopped median ${gs} ms"
  awk -v j="$j" -v g="$g" -v js="$js" -v gs="$gs" \
    'BEGIN { printf "  ratio jsmdb/gdb: command %.2f, stopped %.2f\n", j / g, (gs > 0 ? js / gs : 0) }'
  kill "$PID"; wait "$PID" 2>/dev/null || true
done
