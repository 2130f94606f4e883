#!/usr/bin/env bash
# Heap snapshot export: jsmdb from a core versus V8's own v8.writeHeapSnapshot() inside the
# process, on the same heap, side by side in one run. For each SCALE (bench/fixtures/bigheap.js:
# SCALE 1 = ~12 M objects, ~1 GB heap; 0.17 = ~2 M objects) under node VERSION:
#   1. starts bigheap.js, waits until its heap is built, gcores it (the core jsmdb reads);
#   2. asks the same process to write V8's snapshot and reads how long writeHeapSnapshot took;
#   3. times `jsmdb heapsnapshot NODE CORE -o FILE` as a whole process (JVM start included),
#      with its peak RSS (GNU time) and the smallest -Xmx of 512m 1g 2g 4g that succeeds;
#   4. prints node and edge counts of both files and the ratio V8 ms / jsmdb ms (goal: >= 2 on
#      the 2 M-object heap).
# Usage: bench/heapsnapshot.sh [VERSION] [SCALES...]   (default: 20.20.2 0.17 1)
# Needs ~3x the heap size of free disk per scale (core, two snapshots); removes them after.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
V=${1:-20.20.2}
shift || true
SCALES=${*:-0.17 1}
JSMDB=${JSMDB:-$ROOT/bin/jsmdb}
NODE=${JSMDB_NODE_CACHE:-$HOME/.cache/jsmdb/node}/$V/node
[ -x "$NODE" ] || "$ROOT/cores/install-node" "$V" >&2
WORK=$ROOT/target/bench-snapshot
"$JSMDB" --help >/dev/null 2>&1 || true   # builds the jar once

counts() { # FILE -> "N nodes, E edges"
    "$NODE" -e '
      const fs = require("fs"); const fd = fs.openSync(process.argv[1], "r");
      const b = Buffer.alloc(4096); fs.readSync(fd, b, 0, 4096, 0);
      const h = b.toString("latin1");
      const n = /"node_count":(\d+)/.exec(h), e = /"edge_count":(\d+)/.exec(h);
      console.log((n ? n[1] : "?") + " nodes, " + (e ? e[1] : "?") + " edges");' "$1"
}

for scale in $SCALES; do
    dir=$WORK/$V-$scale
    rm -rf "$dir"; mkdir -p "$dir"
    "$NODE" --expose-gc --max-old-space-size=6144 "$ROOT/bench/fixtures/bigheap.js" "$dir/ready" "$scale" &
    pid=$!
    for _ in $(seq 1 1200); do [ -s "$dir/ready" ] && break; kill -0 $pid 2>/dev/null || break; sleep 0.5; done
    [ -s "$dir/ready" ] || { echo "bigheap.js did not get ready under node $V" >&2; kill $pid 2>/dev/null; exit 1; }
    t0=$(date +%s%N)
    gcore -o "$dir/core" $pid >"$dir/gcore.log" 2>&1
    t1=$(date +%s%N)
    mv "$dir/core.$pid" "$dir/core"
    echo "== node $V, scale $scale: $(cat "$dir/ready" | tr -d '\n')"
    echo "gcore: $(( (t1 - t0) / 1000000 )) ms, core $(du -h --apparent-size "$dir/core" | cut -f1)"

    echo "$dir/v8.heapsnapshot" >"$dir/ready.snap"
    for _ in $(seq 1 2400); do [ -s "$dir/ready.snapdone" ] && break; kill -0 $pid 2>/dev/null || break; sleep 0.5; done
    kill $pid 2>/dev/null; wait $pid 2>/dev/null || true
    [ -s "$dir/ready.snapdone" ] || { echo "V8 did not write its snapshot" >&2; exit 1; }
    v8ms=$("$NODE" -p 'JSON.parse(require("fs").readFileSync(process.argv[1])).ms' "$dir/ready.snapdone")
    echo "V8 v8.writeHeapSnapshot (in the process):     ${v8ms} ms; $(counts "$dir/v8.heapsnapshot"), $(du -h "$dir/v8.heapsnapshot" | cut -f1)"
    rm -f "$dir/v8.heapsnapshot"

    "$JSMDB" "$NODE" "$dir/core" -e ::status >/dev/null 2>&1 || true   # page cache, AOT/CDS archive
    t0=$(date +%s%N)
    /usr/bin/time -f '%M' -o "$dir/rss" "$JSMDB" heapsnapshot "$NODE" "$dir/core" -o "$dir/jsmdb.heapsnapshot" >"$dir/jsmdb.out" 2>&1 \
        || { echo "jsmdb heapsnapshot failed:" >&2; tail -5 "$dir/jsmdb.out" >&2; exit 1; }
    t1=$(date +%s%N)
    jms=$(( (t1 - t0) / 1000000 ))
    echo "jsmdb heapsnapshot (whole process, from core): ${jms} ms, peak RSS $(( $(tail -1 "$dir/rss") / 1024 )) MB; $(counts "$dir/jsmdb.heapsnapshot"), $(du -h "$dir/jsmdb.heapsnapshot" | cut -f1)"
    rm -f "$dir/jsmdb.heapsnapshot"
    need=""
    for x in 512m 1g 2g 4g; do
        if JSMDB_JAVA_OPTS="-Xmx$x" "$JSMDB" heapsnapshot "$NODE" "$dir/core" -o "$dir/x.heapsnapshot" >/dev/null 2>&1; then need=$x; break; fi
    done
    rm -f "$dir/x.heapsnapshot"
    echo "Java heap needed (smallest -Xmx that works): ${need:-more than 4g}"
    awk -v a="$v8ms" -v b="$jms" 'BEGIN { printf "ratio V8 / jsmdb: %.2f (goal: >= 2 on the 2 M-object heap)\n", a / b }'
    rm -f "$dir/core"
done
