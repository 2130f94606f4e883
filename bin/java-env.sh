# Sourced by bin/jsmdb and bin/test: finds a Java 25 (or newer) JDK without starting a JVM,
# by reading the "release" file every JDK ships. Sets JSMDB_JAVA_HOME, or fails.
# Shell builtins where it can (no sed, no dirname): bin/jsmdb's start-up is counted in ms.

jsmdb_read_major() { # JDK home -> JSMDB_MAJOR (its major version), or fails
    local line v
    JSMDB_MAJOR=
    [ -r "$1/release" ] || return 1
    while IFS= read -r line || [ -n "$line" ]; do
        case "$line" in
            JAVA_VERSION=*)
                v=${line#JAVA_VERSION=}
                v=${v#\"}
                v=${v%%[!0-9]*}
                [ -n "$v" ] || return 1
                JSMDB_MAJOR=$v
                return 0
                ;;
        esac
    done <"$1/release"
    return 1
}

jsmdb_java_major() { # JDK home -> major version on stdout, or nothing
    jsmdb_read_major "$1" && echo "$JSMDB_MAJOR"
}

jsmdb_find_java() {
    local want=25 cand home java best="" bestmajor=0
    local candidates=()
    [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
    candidates+=(PATH)
    for cand in /usr/lib/jvm/*; do [ -d "$cand" ] && candidates+=("$cand"); done
    for home in "${candidates[@]}"; do
        if [ "$home" = PATH ]; then
            # the JDK of the java on PATH (only looked up when JAVA_HOME is not new enough)
            java=$(command -v java 2>/dev/null) || continue
            java=$(readlink -f "$java") || continue
            home=${java%/bin/java}
            [ "$home" != "$java" ] || continue
        fi
        jsmdb_read_major "$home" || continue
        [ -x "$home/bin/java" ] || continue
        # JAVA_HOME and PATH win when they are new enough; otherwise the newest under /usr/lib/jvm.
        if [ "$JSMDB_MAJOR" -ge "$want" ]; then best="$home"; bestmajor="$JSMDB_MAJOR"; break; fi
        if [ "$JSMDB_MAJOR" -gt "$bestmajor" ]; then best="$home"; bestmajor="$JSMDB_MAJOR"; fi
    done
    if [ -z "$best" ] || [ "$bestmajor" -lt "$want" ]; then
        echo "jsmdb: needs Java $want or newer (set JAVA_HOME; looked at JAVA_HOME, PATH and /usr/lib/jvm)" >&2
        return 1
    fi
    JSMDB_JAVA_HOME="$best"
}
