# Sourced by bin/jsmdb and bin/test: finds a Java 25 (or newer) JDK without starting a JVM,
# by reading the "release" file every JDK ships. Sets JSMDB_JAVA_HOME, or fails.

jsmdb_java_major() { # JDK home -> major version on stdout, or nothing
    local rel="$1/release" v
    [ -r "$rel" ] || return 1
    v=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$rel")
    [ -n "$v" ] && echo "$v"
}

jsmdb_find_java() {
    local want=25 cand home major best="" bestmajor=0
    local candidates=()
    [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
    if command -v java >/dev/null 2>&1; then
        home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
        candidates+=("$home")
    fi
    for cand in /usr/lib/jvm/*; do [ -d "$cand" ] && candidates+=("$cand"); done
    for home in "${candidates[@]}"; do
        major=$(jsmdb_java_major "$home") || continue
        [ -x "$home/bin/java" ] || continue
        # JAVA_HOME and PATH win when they are new enough; otherwise the newest under /usr/lib/jvm.
        if [ "$major" -ge "$want" ] && [ -z "$best" ]; then best="$home"; bestmajor="$major"; fi
        if [ "$major" -gt "$bestmajor" ] && [ "$bestmajor" -lt "$want" ]; then best="$home"; bestmajor="$major"; fi
    done
    if [ -z "$best" ] || [ "$bestmajor" -lt "$want" ]; then
        echo "jsmdb: needs Java $want or newer (set JAVA_HOME; looked at JAVA_HOME, PATH and /usr/lib/jvm)" >&2
        return 1
    fi
    JSMDB_JAVA_HOME="$best"
}
