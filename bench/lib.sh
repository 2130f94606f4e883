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

# medians_ms RUNS CMD... : runs each CMD (a function or program name, run without arguments, output
# discarded) once per round, for RUNS rounds, taking turns, so that the machine's load weighs on
# each alike; prints each one's median wall ms, in the order given, on one line.
medians_ms() {
    local runs=$1; shift
    local times=() r i t0 t1
    for ((r = 0; r < runs; r++)); do
        for ((i = 1; i <= $#; i++)); do
            t0=${EPOCHREALTIME/./}
            "${!i}" >/dev/null 2>&1 || true
            t1=${EPOCHREALTIME/./}
            times+=("$i $(( (t1 - t0) / 1000 ))")
        done
    done
    for ((i = 1; i <= $#; i++)); do
        printf '%s\n' "${times[@]}" | awk -v i="$i" '$1 == i { print $2 }' | sort -n \
            | awk '{ a[NR] = $1 } END { printf "%s%s", a[int((NR + 1) / 2)], (i < n ? " " : "\n") }' i="$i" n="$#"
    done
}

# bench_core VERSION FIXTURE-KIND : path of a test core made by cores/make-cores (made if missing);
# VERSION arm64/X: the arm64 build's core (make-cores --arch arm64); JSMDB_CORES=DIR reads them
# from another checkout's target/cores
bench_core() {
    local dir="${JSMDB_CORES:-$ROOT/target/cores}/$1/$2"
    if [ ! -f "$dir/core" ]; then
        case "$1" in
            arm64/*) "$ROOT/cores/make-cores" --arch arm64 --versions "${1#arm64/}" --fixtures "${2%-*}" >&2 ;;
            *) "$ROOT/cores/make-cores" --versions "$1" --fixtures "${2%-*}" >&2 ;;
        esac
    fi
    echo "$dir"
}
