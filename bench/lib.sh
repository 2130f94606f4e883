# Shared by the benchmark scripts: timing of whole processes, side by side.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# median_ms RUNS CMD... : runs CMD RUNS times (output discarded), prints the median wall ms.
median_ms() {
    local runs=$1; shift
    local times=() i t0 t1
    for ((i = 0; i < runs; i++)); do
        t0=$(date +%s%N)
        "$@" >/dev/null 2>&1 || true
        t1=$(date +%s%N)
        times+=($(( (t1 - t0) / 1000000 )))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

# bench_core VERSION FIXTURE-KIND : path of a test core made by cores/make-cores (made if missing)
bench_core() {
    local dir="$ROOT/target/cores/$1/$2"
    if [ ! -f "$dir/core" ]; then
        "$ROOT/cores/make-cores" --versions "$1" --fixtures "${2%-*}" >&2
    fi
    echo "$dir"
}
