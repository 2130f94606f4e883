#!/usr/bin/env bash
# ::findjsobjects on a ~1 GB heap: makes a gcore of bench/fixtures/bigheap.js under Node 20 and
# Node 24 (into target/bench-cores/<VERSION>/, kept for later runs), then reports for each:
#   - whole-process wall time of `jsmdb NODE CORE -e ::findjsobjects` (median of RUNS),
#   - the walk rate (heap bytes walked / walk time, from ::findjsobjects -v),
#   - the smallest Java heap (-Xmx, of 64m 128m 256m 512m 1g 2g) the command succeeds with,
#   - llnode's `v8 findjsobjects` time, when an llnode plugin is given in LLNODE_PLUGIN
#     (built outside the project) and lldb is installed.
# Usage: bench/findjsobjects.sh [RUNS] [SCALE]     (default 3 runs; SCALE 1 = ~1 GB heap)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
RUNS=${1:-3}
SCALE=${2:-1}
JSMDB=${JSMDB:-$ROOT/bin/jsmdb}
OUT=$ROOT/target/bench-cores

make_core() { # VERSION -> dir with node, core, ready
    local v=$1 dir=$OUT/$1 node
    node=${JSMDB_NODE_CACHE:-$HOME/.cache/jsmdb/node}/$v/node
    [ -x "$node" ] || "$ROOT/cores/install-node" "$v" >&2
    mkdir -p "$dir"
    if [ ! -s "$dir/core" ] || [ "$dir/core" -ot "$ROOT/bench/fixtures/bigheap.js" ]; then
        rm -f "$dir/core" "$dir/ready"
        ln -sfn "$node" "$dir/node"
        "$node" --expose-gc --max-old-space-size=6144 "$ROOT/bench/fixtures/bigheap.js" "$dir/ready" "$SCALE" &
        local pid=$!
        for _ in $(seq 1 600); do [ -s "$dir/ready" ] && break; kill -0 $pid 2>/dev/null || break; sleep 0.5; done
        [ -s "$dir/ready" ] || { echo "bigheap.js did not get ready under node $v" >&2; kill $pid 2>/dev/null; exit 1; }
        gcore -o "$dir/core" $pid >"$dir/gcore.log" 2>&1
        kill $pid; wait $pid 2>/dev/null || true
        mv "$dir/core.$pid" "$dir/core"
        fallocate --dig-holes "$dir/core" 2>/dev/null || true
    fi
    echo "$dir"
}

"$JSMDB" --help >/dev/null 2>&1 || true   # builds the jar once
for v in 20.20.2 24.21.0; do
    dir=$(make_core $v)
    core=$dir/core node=$dir/node
    echo "== node $v: $core ($(du -h --apparent-size "$core" | cut -f1) apparent, $(du -h "$core" | cut -f1) on disk); $(cat "$dir/ready")"
    "$JSMDB" "$node" "$core" -e ::findjsobjects >/dev/null    # AOT cache, page cache
    t=$(median_ms "$RUNS" "$JSMDB" "$node" "$core" -e ::findjsobjects)
    echo "jsmdb -e ::findjsobjects        median ${t} ms over $RUNS runs (goal: < 3000 ms)"
    v_out=$("$JSMDB" "$node" "$core" -e '::findjsobjects -v')
    echo "$v_out" | grep -E 'elapsed time|heap bytes walked|walk rate|heap objects|JavaScript objects|not walked' | sed 's/^/  /'
    echo "$v_out" | grep -E ' (BenchSession|BenchItem|Object: a, b, c|Array)' | grep -E '^ *[0-9a-f]+ +[0-9]{6,}' | sed 's/^/  /'
    need=""
    for x in 64m 128m 256m 512m 1g 2g; do
        if JSMDB_JAVA_OPTS="-Xmx$x" "$JSMDB" "$node" "$core" -e ::findjsobjects >/dev/null 2>&1; then need=$x; break; fi
    done
    echo "Java heap needed (smallest -Xmx that works): ${need:-more than 2g}"
    if [ -n "${LLNODE_PLUGIN:-}" ] && command -v lldb >/dev/null; then
        l=$(median_ms 1 lldb --batch -o "plugin load $LLNODE_PLUGIN" -o "target create $node --core $core" -o "v8 findjsobjects")
        echo "llnode v8 findjsobjects (whole lldb process)  ${l} ms"
    else
        echo "llnode: not measured (set LLNODE_PLUGIN to an llnode build and install lldb)"
    fi
done
