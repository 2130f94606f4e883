package io.jsmdb.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The official node binaries the tests run against, and a helper to ask binutils about them. */
final class NodeBinaries {
    static final List<String> VERSIONS = ElfTiming.NODE_VERSIONS;
    static final Path LIBC = Path.of("/lib/x86_64-linux-gnu/libc.so.6");

    private NodeBinaries() {}

    /** The binary for a version; a missing binary fails the test (it is not skipped). */
    static Path path(String version) {
        Path p = ElfTiming.nodeBinary(version);
        assertTrue(Files.isRegularFile(p), "missing node binary " + p + " (download it to run the tests)");
        return p;
    }

    /** Runs a command and returns its stdout; fails the test on a non-zero exit. */
    static String run(String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "exit status of " + String.join(" ", cmd));
        return out;
    }

    /** The build id that `readelf -n` prints. */
    static String readelfBuildId(Path p) throws IOException, InterruptedException {
        for (String line : run("readelf", "-n", p.toString()).split("\n")) {
            line = line.strip();
            if (line.startsWith("Build ID:")) return line.substring("Build ID:".length()).strip();
        }
        throw new AssertionError("readelf -n printed no build id for " + p);
    }
}
