package io.jsmdb.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jsmdb.cli.Io;
import io.jsmdb.cli.Main;
import io.jsmdb.cmd.DcmdRegistry;
import io.jsmdb.node.NodeTarget;
import io.jsmdb.testing.NodeBinaries;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line of live processes: {@code jsmdb gcore [-o FILE] PID} and {@code jsmdb -p PID};
 * and the errors a user meets (no such process, a process of another user).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class GcoreCliTest {
    record Run(int status, String out, String err) {}

    static Run jsmdb(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Main.run(args, Io.of(new ByteArrayInputStream(new byte[0]), out, new PrintStream(err, true, StandardCharsets.UTF_8), Map.of()),
                NodeTarget::open, DcmdRegistry::standard);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void gcoreThenOpenIt(@TempDir Path dir) throws Exception {
        Path node = NodeBinaries.binary("22.23.3");
        try (GcoreTest.LiveNode live = GcoreTest.LiveNode.start(node)) {
            Path core = dir.resolve("live.core");
            Run g = jsmdb("gcore", "-o", core.toString(), Integer.toString(live.pid()));
            assertEquals(0, g.status(), g.err());
            assertTrue(g.out().matches("jsmdb: wrote " + java.util.regex.Pattern.quote(core.toString())
                    + " \\(\\d+\\.\\d MiB, \\d+ threads\\) in \\d+\\.\\d\\d s; the process was stopped for \\d+ ms\\n"), g.out());
            live.assertAnswers();
            Run r = jsmdb(node.toString(), core.toString(), "-e", "::findjsobjects -c JsmdbLiveThing | ::findjsobjects | ::jsprint ! grep -c thing-");
            assertEquals(0, r.status(), r.err());
            assertEquals("3000\n", r.out());
        }
    }

    @Test
    void aLiveProcess() throws Exception {
        Path node = NodeBinaries.binary("24.21.0");
        try (GcoreTest.LiveNode live = GcoreTest.LiveNode.start(node)) {
            Run r = jsmdb("-p", Integer.toString(live.pid()), "-e", "::status", "-e", "::findjsobjects ! grep JsmdbLiveThing");
            assertEquals(0, r.status(), r.err());
            assertTrue(r.err().matches("jsmdb: process " + live.pid() + " was stopped for \\d+ ms while its memory \\(.*\\) was copied"
                    + " into jsmdb's memory; it runs on, the commands read that moment\\n"), r.err());
            assertTrue(r.out().contains("core file:      none: a copy of the live process in jsmdb's memory (jsmdb -p)"), r.out());
            assertTrue(r.out().contains("node binary:    " + node.toRealPath()), r.out());
            assertTrue(r.out().contains("pid:            " + live.pid() + " "), r.out());
            assertTrue(r.out().matches("(?s).*\\s3000\\s+2 JsmdbLiveThing: i, label\\n.*"), r.out());
            live.assertAnswers();
        }
    }

    @Test
    void usageAndErrors() {
        Run none = jsmdb("gcore", "999999999");
        assertEquals(1, none.status());
        assertEquals("jsmdb: gcore: no such process: 999999999\n", none.err());
        assertEquals(2, jsmdb("gcore").status());
        Run bad = jsmdb("gcore", "12x");
        assertEquals(2, bad.status());
        assertEquals("jsmdb: not a process id: '12x'\n", bad.err());
        Run gone = jsmdb("-p", "999999999", "-e", "::status");
        assertEquals(2, gone.status());
        assertEquals("jsmdb: no such process: 999999999\n", gone.err());
        Run both = jsmdb("-p", "1", "core");
        assertEquals(2, both.status());
        assertTrue(both.err().startsWith("jsmdb: -p PID looks at a live process and takes no NODE or CORE"), both.err());
    }

    /**
     * As another user (nobody), a root process cannot be traced: the error says why and what to
     * do, in one line, and the process is untouched. The classes run from a copy nobody can read.
     */
    @Test
    void anotherUsersProcess(@TempDir Path dir) throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path classes = dir.resolve("classes");
        for (String tree : new String[] {"target/classes", "target/test-classes"}) {
            Path from = Path.of(tree, "io", "jsmdb", "live");
            Path to = classes.resolve("io").resolve("jsmdb").resolve("live");
            Files.createDirectories(to);
            try (Stream<Path> s = Files.list(from)) {
                for (Path f : s.filter(p -> p.toString().endsWith(".class")).toList()) Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        try (GcoreTest.LiveNode live = GcoreTest.LiveNode.start(NodeBinaries.binary("20.20.2"))) {
            Process p = new ProcessBuilder("runuser", "-u", "nobody", "--", java.toString(), "--enable-native-access=ALL-UNNAMED",
                    "-cp", classes.toString(), "io.jsmdb.live.GcoreProbe", Integer.toString(live.pid()), "/tmp/jsmdb-nobody.core")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals("not permitted to trace " + live.pid() + ": it belongs to uid 0, jsmdb runs as uid 65534: run jsmdb as"
                    + " that user or as root\n", out);
            assertTrue(!Files.exists(Path.of("/tmp/jsmdb-nobody.core")));
            live.assertAnswers();
        }
    }
}
