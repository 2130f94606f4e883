package io.jsmdb.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The test cores made by {@code cores/make-cores} (see cores/README.md): for every Node version
 * of the matrix and every fixture, a core file, the node binary that made it and the oracle
 * (V8's own view of the moment the process died).
 *
 * <p>Layout: {@code root()/<VERSION>/<FIXTURE>-<KIND>/{core, node, oracle.json, stdout.txt,
 * stderr.txt}}. A missing core fails the test (AssertionError), it never skips it: every
 * version must be tested.
 */
public final class TestCores {
    private TestCores() {}

    /** Node versions of the matrix (official linux-x64 builds). */
    public static final List<String> VERSIONS = NodeBinaries.VERSIONS;

    /**
     * The arm64 matrix as version keys ("arm64-20.20.2"): official linux-arm64 builds run under
     * qemu-aarch64, their cores under {@code root()/arm64/<VERSION>/}; abort cores only (gdb's
     * gcore cannot capture a qemu guest).
     */
    public static final List<String> ARM64 = NodeBinaries.ARM64_VERSIONS.stream().map(v -> "arm64-" + v).toList();

    /** Both matrices' version keys, for the tests of abort cores: x64 first, then arm64. */
    public static final List<String> ABORT_VERSIONS = java.util.stream.Stream.concat(VERSIONS.stream(), ARM64.stream()).toList();

    /**
     * Fixtures make-cores makes for arm64: abort cores of every fixture but leak (gcores only)
     * and real-ts (TypeScript under qemu takes 7 minutes a version, too long for every run).
     */
    public static final List<String> ARM64_FIXTURES =
            List.of("stack", "async", "esm", "heap", "deopt", "snapshot", "oom", "process", "rejection", "worker-error", "real-express",
                    "real-acorn", "real-orders", "sweep");

    /** The real programs of the arm64 matrix (abort cores; real-acorn with a smaller input, see make-cores). */
    public static final List<String> ARM64_REAL_PROGRAMS = List.of("real-express", "real-acorn", "real-orders");

    /** Real programs (pinned npm packages and a user's service), each as an abort and a gcore core. */
    public static final List<String> REAL_PROGRAMS = List.of("real-ts", "real-express", "real-acorn", "real-orders");

    /** Fixtures made for every version. */
    public static final List<String> FIXTURES =
            List.of("stack", "async", "esm", "heap", "deopt", "snapshot", "oom", "real-ts", "real-express", "real-acorn", "real-orders", "leak", "sweep");

    /** Every {@code <FIXTURE>-<KIND>} directory make-cores makes for each version. */
    public static final List<String> CORES =
            List.of("stack-abort", "async-abort", "esm-abort", "heap-abort", "heap-gcore", "deopt-abort",
                    "snapshot-abort", "snapshot-gcore",
                    "real-ts-abort", "real-ts-gcore", "real-express-abort", "real-express-gcore",
                    "real-acorn-abort", "real-acorn-gcore", "real-orders-abort", "real-orders-gcore", "leak-gcore", "oom-abort", "sweep-abort");

    public static final String ABORT = "abort";
    public static final String GCORE = "gcore";

    /** One core: {@code core} is the ELF core file, {@code node} the binary (a symlink). */
    public record TestCore(String version, String fixture, String kind, Path dir, Path core, Path node,
                           Path oracleJson, String arch) {
        /** True for a core of the arm64 matrix (an AArch64 core). */
        public boolean arm64() { return arch.equals("arm64"); }

        /** oracle.json parsed (see {@link Json}); read anew on each call. */
        public Map<String, Object> oracle() {
            try {
                return Json.parseObject(Files.readString(oracleJson));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + oracleJson, e);
            }
        }

        /**
         * The oracle's stack frames that are on the machine stack, innermost first: all but
         * V8's async frames (suspended functions a promise will resume).
         */
        @SuppressWarnings("unchecked")
        public List<Map<String, Object>> machineStack() {
            List<Map<String, Object>> stack = new java.util.ArrayList<>();
            for (Object o : (List<Object>) oracle().get("stack")) {
                Map<String, Object> f = (Map<String, Object>) o;
                if (!Boolean.TRUE.equals(f.get("isAsync"))) stack.add(f);
            }
            return stack;
        }

        /**
         * The second core of a fixture that takes two gcores of one process (leak: {@code core2},
         * the same process later; {@code core} is the first).
         */
        public Path core2() {
            Path c = dir.resolve("core2");
            try {
                if (!Files.isRegularFile(c) || Files.size(c) == 0) throw missing(root(), "test core " + name() + ": no second core " + c);
            } catch (IOException e) {
                throw missing(root(), "test core " + name() + ": cannot read " + c + ": " + e);
            }
            return c;
        }

        /** e.g. "22.23.3 stack-abort" ("arm64-22.23.3 stack-abort"), for test names and messages. */
        public String name() {
            return (arm64() ? "arm64-" : "") + version + " " + fixture + "-" + kind;
        }
    }

    /** System property {@code jsmdb.cores}, else {@code <cwd>/target/cores}. */
    public static Path root() {
        String p = System.getProperty("jsmdb.cores");
        if (p != null && !p.isBlank()) return Path.of(p);
        return Path.of(System.getProperty("user.dir"), "target", "cores");
    }

    /**
     * The core of {@code fixture} ("stack", "heap", ...) of {@code kind} ("abort"/"gcore") under
     * {@code version} ("22.23.3", or "arm64-22.23.3" for the arm64 matrix).
     */
    public static TestCore get(String version, String fixture, String kind) {
        return get(root(), version, fixture, kind);
    }

    /** As {@link #get(String, String, String)}, below {@code root}. */
    public static TestCore get(Path root, String versionKey, String fixture, String kind) {
        boolean arm64 = versionKey.startsWith("arm64-");
        String version = arm64 ? versionKey.substring("arm64-".length()) : versionKey;
        Path dir = (arm64 ? root.resolve("arm64") : root).resolve(version).resolve(fixture + "-" + kind);
        Path core = dir.resolve("core");
        Path node = dir.resolve("node");
        Path oracle = dir.resolve("oracle.json");
        String what = "test core " + versionKey + " " + fixture + "-" + kind;
        if (!Files.isDirectory(dir)) {
            throw missing(root, what + ": no directory " + dir);
        }
        try {
            if (!Files.isRegularFile(core) || Files.size(core) == 0) throw missing(root, what + ": no core file " + core);
        } catch (IOException e) {
            throw missing(root, what + ": cannot read " + core + ": " + e);
        }
        if (!Files.isRegularFile(oracle)) throw missing(root, what + ": no oracle " + oracle);
        if (!Files.isRegularFile(node)) {
            throw new AssertionError(what + ": node binary missing (" + node + " -> "
                    + readLink(node) + "); run cores/install-node " + (arm64 ? "--arch arm64 " : "") + version
                    + ", then cores/make-cores" + (arm64 ? " --arch arm64" : ""));
        }
        return new TestCore(version, fixture, kind, dir, core, node, oracle, arm64 ? "arm64" : "x64");
    }

    /** {@code fixture-kind} under every version of the matrix, in matrix order. */
    public static List<TestCore> all(String fixture, String kind) {
        List<TestCore> out = new ArrayList<>();
        for (String v : VERSIONS) out.add(get(v, fixture, kind));
        return out;
    }

    private static AssertionError missing(Path root, String what) {
        return new AssertionError(what + " (cores root " + root.toAbsolutePath()
                + ", set by -Djsmdb.cores). Make the test cores first: run cores/make-cores"
                + " (and cores/make-cores --arch arm64 for arm64 cores; cores/README.md); every version must be tested, nothing is skipped.");
    }

    private static String readLink(Path p) {
        try {
            return Files.isSymbolicLink(p) ? Files.readSymbolicLink(p).toString() : "not a symlink";
        } catch (IOException e) {
            return "?";
        }
    }
}
