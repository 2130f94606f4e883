package io.jsmdb.cli;

import io.jsmdb.cmd.AddressMode;
import io.jsmdb.cmd.DcmdRegistry;
import io.jsmdb.cmd.FakeDcmd;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code jsmdb demo} with a stand-in node and cores/make-demo-core (JSMDB_HOME, PATH and TMPDIR
 * of the test): the core it makes is opened with the node found on PATH, the overview runs when
 * not on a terminal, and the temporary directory is gone afterwards, whatever happened.
 */
class DemoCommandTest {
    @TempDir
    Path dir;
    Path home, bin, tmp;
    final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    final List<String> opened = new ArrayList<>();
    final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void standIns() throws IOException {
        home = Files.createDirectories(dir.resolve("home"));
        bin = Files.createDirectories(dir.resolve("bin"));
        tmp = Files.createDirectories(dir.resolve("tmp"));
        script(home.resolve("cores/make-demo-core"), "printf 'not really a core' > \"$1/core\"; echo \"$2\" > \"$1/node-given\"; echo \"$1/core\"");
        script(bin.resolve("node"), "echo v99.1.2");
        env.putAll(Map.of("JSMDB_HOME", home.toString(), "PATH", bin + ":/usr/bin:/bin", "TMPDIR", tmp.toString()));
    }

    private static void script(Path p, String body) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private int run(String... args) {
        Io io = Io.of(new ByteArrayInputStream(new byte[0]), out, new PrintStream(err, true, StandardCharsets.UTF_8), env);
        DcmdRegistry registry = new DcmdRegistry(List.of(
                FakeDcmd.of("status", AddressMode.NONE, (self, ctx, inv) -> ctx.out().println("status of the demo")),
                FakeDcmd.of("jsstack", AddressMode.NONE, (self, ctx, inv) -> ctx.out().println("stack " + String.join(" ", inv.args()))),
                FakeDcmd.of("echo", AddressMode.NONE, (self, ctx, inv) -> ctx.out().println(String.join(" ", inv.args())))));
        return Main.run(args, io, (n, c, s) -> {
            assertTrue(Files.isRegularFile(c), "the core exists while it is open");
            opened.add(n + " " + c);
            return null;
        }, () -> registry);
    }

    private List<Path> leftInTmp() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.toList();
        }
    }

    @Test
    void makesTheCoreOpensItWithTheOverviewAndRemovesIt() throws IOException {
        assertEquals(0, run("demo", "-e", "::echo after the overview"));
        assertEquals("== ::status\nstatus of the demo\n\n== ::jsstack -v\nstack -v\nafter the overview\n",
                out.toString(StandardCharsets.UTF_8), "the overview's dcmds that exist, then -e");
        assertEquals(1, opened.size());
        String node = bin.resolve("node").toString();
        assertTrue(opened.getFirst().matches(java.util.regex.Pattern.quote(node + " " + tmp + "/jsmdb-demo.") + "[^/]+/core"), opened.toString());
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.matches("jsmdb: making a core of cores/fixtures/demo.js with " + java.util.regex.Pattern.quote(node)
                + " \\(v99\\.1\\.2\\) in " + java.util.regex.Pattern.quote(tmp.toString()) + "/jsmdb-demo\\.\\S+ \\.\\.\\.\n"), e);
        assertEquals(List.of(), leftInTmp(), "the demo's directory is removed");
    }

    @Test
    void aCoreThatCannotBeMadeIsExit2WithTheReason() throws IOException {
        script(home.resolve("cores/make-demo-core"), "echo \"make-demo-core: error: no core produced\" >&2; exit 1");
        assertEquals(2, run("demo"));
        assertEquals(List.of("make-demo-core: error: no core produced", "jsmdb: could not make the demo core"),
                err.toString(StandardCharsets.UTF_8).lines().skip(1).toList());
        assertEquals(List.of(), opened);
        assertEquals(List.of(), leftInTmp());
    }

    @Test
    void withoutNodeOrTheSourceTreeIsExit2BeforeAnythingIsMade() throws IOException {
        env.put("PATH", dir.resolve("empty").toString());
        assertEquals(2, run("demo"));
        assertEquals("jsmdb: demo needs a node binary on PATH\n", err.toString(StandardCharsets.UTF_8));
        err.reset();
        env.put("PATH", bin.toString());
        env.put("JSMDB_HOME", dir.resolve("nowhere").toString());
        assertEquals(2, run("demo"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("jsmdb: demo needs jsmdb's source tree: no "), err.toString());
        assertEquals(List.of(), leftInTmp());
        assertEquals(List.of(), opened);
    }

    @Test
    void theSourceTreeIsFoundFromTheClassesWithoutJsmdbHome() {
        Path found = DemoCommand.home(Io.of(new ByteArrayInputStream(new byte[0]), out, System.err, Map.of()));
        assertTrue(Files.isExecutable(found.resolve("cores/make-demo-core")), found.toString());
        assertTrue(Files.isRegularFile(found.resolve("cores/fixtures/demo.js")), found.toString());
    }

    @Test
    void pathLookupIsTheShells() throws IOException {
        Path other = Files.createDirectories(dir.resolve("other"));
        Files.writeString(other.resolve("node"), "not executable");
        assertEquals(bin.resolve("node"), DemoCommand.onPath("node", other + "::" + bin));
        assertNull(DemoCommand.onPath("node", other.toString()));
        assertNull(DemoCommand.onPath("node", null));
    }
}
