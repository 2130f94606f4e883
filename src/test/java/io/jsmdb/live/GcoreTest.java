package io.jsmdb.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jsmdb.cmd.CommandRunner;
import io.jsmdb.cmd.DcmdRegistry;
import io.jsmdb.cmd.Dcmds;
import io.jsmdb.node.NodeTarget;
import io.jsmdb.testing.NodeBinaries;
import io.jsmdb.testing.TestCores;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * jsmdb's own gcore against gdb's, on a live node of every version at one quiet moment (the
 * program has settled and waits on its event loop: nothing in it runs between the two captures):
 * every command gives the same answer on both cores, the process is alive and answers afterwards.
 */
@org.junit.jupiter.api.Timeout(value = 10, unit = TimeUnit.MINUTES)
class GcoreTest {
    static Stream<String> versions() { return TestCores.VERSIONS.stream(); }

    /**
     * A quiet program: objects of a class of its own, a listening server, a long interval; it says
     * "ready" once start-up work has settled, and answers each line on stdin with "pong".
     */
    static final String PROGRAM = """
            class JsmdbLiveThing { constructor(i) { this.i = i; this.label = 'thing-' + i; } }
            globalThis.jsmdbLive = Array.from({ length: 3000 }, (_, i) => new JsmdbLiveThing(i));
            const server = require('net').createServer(() => {}).listen(0, '127.0.0.1');
            setInterval(function jsmdbLiveTick() {}, 1e9);
            process.stdin.on('data', () => process.stdout.write('pong\\n'));
            setTimeout(() => process.stdout.write('ready ' + process.pid + '\\n'), 1500);
            """;

    /**
     * A node running PROGRAM, ready, and its stdin/stdout to check that it still answers. It runs
     * under a shell, not as this JVM's child: the JVM's process reaper waits for its children and
     * would take the ptrace-stop reports that belong to the tracer (and think the child ended).
     */
    record LiveNode(Process shell, int pid, BufferedReader out, OutputStream in) implements AutoCloseable {
        static LiveNode start(Path node) throws IOException {
            return start(node, PROGRAM);
        }

        static LiveNode start(Path node, String program) throws IOException {
            // a background job's stdin is /dev/null unless redirected: node gets the shell's (the pipe) through fd 3
            Process p = new ProcessBuilder("sh", "-c", "exec 3<&0; \"$0\" -e \"$1\" <&3 3<&- & wait", node.toString(), program)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String ready = r.readLine();
            assertTrue(ready != null && ready.startsWith("ready "), "node did not start: " + ready);
            // the line arrives while node may still be in its write(2): let it return to its event loop
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new LiveNode(p, Integer.parseInt(ready.substring(6)), r, p.getOutputStream());
        }

        void assertAnswers() throws IOException {
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the process died");
            in.write("ping\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertEquals("pong", out.readLine(), "the process does not answer");
        }

        @Override
        public void close() throws Exception {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            shell.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    static final List<String> COMMANDS = List.of("::status", "::jsstack", "::findjsobjects", "::findjsobjects -c JsmdbLiveThing",
            "::nodeinfo", "::nodehandles", "::noderequests", "::isolates", "::jsexception",
            "::findjsobjects -c JsmdbLiveThing | ::jsprint");

    /**
     * A command's output with what differs between two cores of one process taken out: the core's
     * name and writer, and the event loop's clock (uptime, a timer's "due in"), which moves on when
     * the test talks to the process between the captures.
     */
    static String comparable(String command, String out) {
        return out.lines().filter(l -> !l.startsWith("core file:") && !l.startsWith("signal:") && !l.startsWith("uptime:"))
                .map(l -> l.replaceAll("\\(due in \\d+ ms\\)", "(due in N ms)")).reduce("", (a, b) -> a + b + "\n");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void likeGdbsGcore(String version, @TempDir Path dir) throws Exception {
        Path node = NodeBinaries.binary(version);
        try (LiveNode live = LiveNode.start(node)) {
            Path ours = dir.resolve("jsmdb.core");
            Gcore.Result r = Gcore.capture(live.pid(), ours);
            assertTrue(r.threads() >= 5 && r.bytes() == Files.size(ours), r.toString());
            // nothing talks to the process until both cores are made: they are of one quiet moment
            Path gdbs = dir.resolve("gdb.core");
            Process gdb = new ProcessBuilder("gcore", "-o", dir.resolve("gdb").toString(), Integer.toString(live.pid()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            assertTrue(gdb.waitFor(120, TimeUnit.SECONDS) && gdb.exitValue() == 0, "gdb's gcore failed");
            Files.move(dir.resolve("gdb." + live.pid()), gdbs);
            List<String> differences = new ArrayList<>();
            try (NodeTarget a = NodeTarget.open(node, ours, List.of()); NodeTarget b = NodeTarget.open(node, gdbs, List.of())) {
                assertTrue(a.core().capturedByJsmdb().isPresent() && b.core().capturedByJsmdb().isEmpty());
                assertEquals(List.of(), a.core().warnings(), version + ": warnings on jsmdb's core");
                for (String c : COMMANDS) {
                    CommandRunner.Captured x = CommandRunner.runCaptured(new DcmdRegistry(Dcmds.all()), a, c);
                    CommandRunner.Captured y = CommandRunner.runCaptured(new DcmdRegistry(Dcmds.all()), b, c);
                    assertEquals(CommandRunner.Status.OK, x.status(), version + " " + c + ": " + x.err());
                    if (!comparable(c, x.out()).equals(comparable(c, y.out())) || !x.err().equals(y.err())) {
                        differences.add(c + "\n--- jsmdb gcore:\n" + x.out() + x.err() + "--- gdb gcore:\n" + y.out() + y.err());
                    }
                }
                String status = CommandRunner.runCaptured(new DcmdRegistry(Dcmds.all()), a, "::status").out();
                assertTrue(status.contains("signal:         none: a snapshot of a live process, written by jsmdb gcore"), status);
                String census = CommandRunner.runCaptured(new DcmdRegistry(Dcmds.all()), a, "::findjsobjects").out();
                assertTrue(census.matches("(?s).*\\s3000\\s+2 JsmdbLiveThing: i, label\\n.*"), census);
            }
            assertEquals(List.of(), differences, version);
            live.assertAnswers();
        }
    }

    /**
     * An error V8 throws itself (null.x) in a short script: its Script hangs under a private
     * symbol, and its source (under 256 characters, ending in a newline) was once printed as the
     * error's stack. Now the stack is formatted from the call sites, as V8 would.
     */
    static final String SHORT_SCRIPT = """
            globalThis.e = (() => { try { null.x; } catch (e) { return e; } })();
            setInterval(() => {}, 1e9);
            process.stdin.on('data', () => process.stdout.write('pong\\n'));
            process.stdout.write('ready ' + process.pid + '\\n');
            """;

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void anErrorV8ThrewInAShortScript(String version, @TempDir Path dir) throws Exception {
        Path node = NodeBinaries.binary(version);
        try (LiveNode live = LiveNode.start(node, SHORT_SCRIPT)) {
            Path core = dir.resolve("core");
            Gcore.capture(live.pid(), core);
            try (NodeTarget t = NodeTarget.open(node, core, List.of())) {
                CommandRunner.Captured r = CommandRunner.runCaptured(new DcmdRegistry(Dcmds.all()), t,
                        "::findjsobjects -c TypeError | ::findjsobjects | ::jsprint");
                assertTrue(r.out().contains("TypeError: Cannot read properties of null (reading 'x')\n    at "), version + ": " + r.out());
                assertTrue(!r.out().contains("globalThis.e ="), version + ": the script's source printed as a stack\n" + r.out());
            }
            live.assertAnswers();
        }
    }

    @Test
    void gdbOpensIt(@TempDir Path dir) throws Exception {
        Path node = NodeBinaries.binary("20.20.2");
        try (LiveNode live = LiveNode.start(node)) {
            Path core = dir.resolve("core");
            Gcore.capture(live.pid(), core);
            Process gdb = new ProcessBuilder("gdb", "-batch", "-nx", "-ex", "thread apply all bt 3", node.toString(), core.toString())
                    .redirectErrorStream(true).start();
            String out = new String(gdb.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(gdb.waitFor(120, TimeUnit.SECONDS));
            assertTrue(out.contains("uv__io_poll") || out.contains("epoll_wait") || out.contains("epoll_pwait"), out);
            assertTrue(out.lines().filter(l -> l.startsWith("Thread ")).count() >= 5, out);
            assertTrue(!out.contains("is not a core dump") && !out.contains("not in executable format"), out);
            // every thread's NT_FPREGSET, as gdb reads it and as ::fpregs shows it
            io.jsmdb.core.FpRegistersGdbTest.assertAgreesWithGdb("jsmdb gcore of node 20.20.2", node, core);
        }
    }

    @Test
    void errorsAreOneLine(@TempDir Path dir) throws Exception {
        Path core = dir.resolve("core");
        Gcore.GcoreException none = org.junit.jupiter.api.Assertions.assertThrows(Gcore.GcoreException.class,
                () -> Gcore.capture(999_999_999, core));
        assertEquals("no such process: 999999999", none.getMessage());
        Gcore.GcoreException self = org.junit.jupiter.api.Assertions.assertThrows(Gcore.GcoreException.class,
                () -> Gcore.capture((int) ProcessHandle.current().pid(), core));
        assertTrue(self.getMessage().startsWith("jsmdb cannot capture itself"), self.getMessage());
        assertTrue(!Files.exists(core));
        // a full disk: /dev/full fails every write; the device is not removed (only a file the capture made is)
        try (LiveNode live = LiveNode.start(NodeBinaries.binary("20.20.2"))) {
            Gcore.GcoreException full = org.junit.jupiter.api.Assertions.assertThrows(Gcore.GcoreException.class,
                    () -> Gcore.capture(live.pid(), Path.of("/dev/full")));
            assertEquals("disk full writing /dev/full", full.getMessage());
            assertTrue(Files.exists(Path.of("/dev/full")));
            live.assertAnswers();
        }
    }
}
