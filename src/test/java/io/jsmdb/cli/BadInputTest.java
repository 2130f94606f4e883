package io.jsmdb.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.jsmdb.cmd.DcmdRegistry;
import io.jsmdb.node.NodeTarget;
import io.jsmdb.testing.TestCores;
import io.jsmdb.testing.TestCores.TestCore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input gets one clear line and exit status 2, never a Java stack trace; a truncated
 * core opens with a warning and reads of its missing part fail cleanly.
 */
class BadInputTest {
    @TempDir Path tmp;

    record Result(int status, String out, String err) {}

    static Result jsmdb(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Main.run(args, Io.of(new ByteArrayInputStream(new byte[0]), out,
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of()), NodeTarget::open, DcmdRegistry::standard);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void assertOneLineError(Result r, int status, String expected) {
        assertEquals(status, r.status(), r.toString());
        String err = r.err().strip();
        assertTrue(err.startsWith("jsmdb: "), err);
        assertTrue(err.contains(expected), "expected '" + expected + "' in: " + err);
        assertFalse(err.contains("\n"), "one line: " + err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no Java stack trace: " + err);
    }

    private static TestCore node20() {
        return TestCores.get("20.20.2", "stack", "abort");
    }

    @Test
    void missingFile() {
        TestCore c = node20();
        assertOneLineError(jsmdb(c.node().toString(), tmp.resolve("no-such-core").toString(), "-e", "::status"), 2, "no such file");
        assertOneLineError(jsmdb(tmp.resolve("no-such-node").toString(), c.core().toString(), "-e", "::status"), 2, "no such file");
    }

    @Test
    void directory() {
        assertOneLineError(jsmdb(node20().node().toString(), tmp.toString(), "-e", "::status"), 2, "directory");
    }

    @Test
    void notElf() throws Exception {
        Path text = Files.writeString(tmp.resolve("notes.txt"), "this is not a core file\n".repeat(20));
        assertOneLineError(jsmdb(node20().node().toString(), text.toString(), "-e", "::status"), 2, "not an ELF file");
    }

    @Test
    void elfThatIsNotACoreAndSwappedArguments() {
        TestCore c = node20();
        Result r = jsmdb(c.core().toString(), c.node().toString(), "-e", "::status");
        assertOneLineError(r, 2, "not a core file");
        assertTrue(r.err().contains("swap"), r.err());
    }

    @Test
    void unreadableFile() throws Exception {
        // root reads every file, so the check runs jsmdb as the unprivileged user nobody.
        Path dir = Files.createDirectories(tmp.resolve("ro"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path secret = Files.copy(Path.of("/etc/hostname"), dir.resolve("core"));
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "io.jsmdb.cli.Main", secret.toString(), "-e", "::status"));
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertOneLineError(new Result(p.exitValue(), "", err), 2, "permission denied");
    }

    @Test
    void binaryThatDoesNotMatchTheCore() {
        TestCore c = node20();
        Path other = TestCores.get("18.20.8", "stack", "abort").node();
        Result r = jsmdb(other.toString(), c.core().toString(), "-e", "::status");
        assertOneLineError(r, 2, "does not match the core");
        assertTrue(r.err().contains("build-id"), r.err());
    }

    @Test
    void binaryWithoutV8Metadata() throws Exception {
        // A core of a process that is not node at all, opened with its own binary.
        Path sleep = Path.of("/usr/bin/sleep");
        Process p = new ProcessBuilder(sleep.toString(), "60").start();
        try {
            Process g = new ProcessBuilder("gcore", "-o", tmp.resolve("sleep").toString(), Long.toString(p.pid()))
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("gcore.log").toFile()).start();
            assertTrue(g.waitFor(120, TimeUnit.SECONDS), "gcore finished");
        } finally {
            p.destroyForcibly();
        }
        Path core = tmp.resolve("sleep." + p.pid());
        assertTrue(Files.isRegularFile(core), "gcore made " + core + ": " + Files.readString(tmp.resolve("gcore.log")));
        assertOneLineError(jsmdb(sleep.toString(), core.toString(), "-e", "::status"), 2, "no V8 postmortem metadata");
    }

    @Test
    void truncatedCoreOpensWithAWarningAndItsMissingPartFailsCleanly() throws Exception {
        TestCore c = node20();
        long size = Files.size(c.core());
        Path cut = tmp.resolve("core.cut");
        try (var in = java.nio.channels.FileChannel.open(c.core());
             var out = java.nio.channels.FileChannel.open(cut, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
            long want = size * 6 / 10;
            for (long done = 0; done < want; ) done += in.transferTo(done, want - done, out);
        }
        Result status = jsmdb(c.node().toString(), cut.toString(), "-e", "::status");
        assertEquals(0, status.status(), status.toString());
        assertTrue(status.out().contains("truncated"), status.out());
        // The last mapping held in the core file lies in the part that was cut away.
        Result maps = jsmdb(c.node().toString(), cut.toString(), "-e", "::mappings");
        String missingBase = maps.out().lines().filter(l -> l.matches("\\s*[0-9a-f]+\\s+[0-9a-f]+\\s+[0-9a-f]+\\s+rw-\\s+none.*"))
                .map(l -> l.strip().split("\\s+")[0]).reduce((a, b) -> b).orElseThrow(() -> new AssertionError(maps.out()));
        Result dump = jsmdb(c.node().toString(), cut.toString(), "-e", missingBase + "::dump -n 16");
        assertOneLineError(dump, 1, "truncated");
        assertTrue(dump.err().contains("::dump"), dump.err());
    }
}
