package io.jsmdb.cmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jsmdb.node.DeathCause;
import io.jsmdb.node.FatalException;
import io.jsmdb.node.NodeTarget;
import io.jsmdb.testing.TestCores;
import io.jsmdb.testing.TestCores.TestCore;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ::jsexception against what the dying process printed to stderr, on every version: V8's
 * "Uncaught TypeError: ..." line and its list of the frames at the throw (FROM), node's report of
 * an unhandled rejection (util.inspect of the reason: stack with its async frame, code, [cause]),
 * and for the process fixture the stack V8 formatted for a twin of the error's cause (made at the
 * same call site) against the cause's call sites formatted by jsmdb.
 */
class JsExceptionDcmdTest {
    static Stream<String> uncaught() {
        List<String> out = new ArrayList<>();
        for (String v : TestCores.ABORT_VERSIONS) {
            for (String f : List.of("stack", "deopt", "heap", "snapshot", "process", "real-orders", "real-ts", "real-express", "real-acorn")) {
                if (v.startsWith("arm64-") && !TestCores.ARM64_FIXTURES.contains(f)) continue;
                out.add(v + " " + f);
            }
        }
        return out.stream();
    }

    static Stream<String> versions() { return TestCores.VERSIONS.stream(); }

    static Stream<String> abortVersions() { return TestCores.ABORT_VERSIONS.stream(); }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) { return (Map<String, Object>) o; }

    private static String run(NodeTarget t, String cmd) {
        CommandRunner.Captured r = CommandRunner.runCaptured(new DcmdRegistry(Dcmds.all()), t, cmd);
        assertEquals("", r.err(), cmd);
        return r.out();
    }

    /** V8's "FROM" list: the frames at the throw, one per line, as its stack serializer writes them. */
    private static List<String> fromList(String stderr) {
        int from = stderr.indexOf("\n\nFROM\n");
        if (from < 0) return List.of();
        List<String> lines = new ArrayList<>();
        for (String l : stderr.substring(from + 7).split("\n")) {
            if (l.isEmpty() || l.startsWith(" ") || l.startsWith("-")) break;
            lines.add(l);
        }
        return lines;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("uncaught")
    void theThrownValueIsWhatV8Printed(String spec) throws Exception {
        String[] a = spec.split(" ");
        TestCore tc = TestCores.get(a[0], a[1], "abort");
        String stderr = Files.readString(tc.dir().resolve("stderr.txt"));
        String uncaught = stderr.lines().findFirst().orElse("");
        assertTrue(uncaught.startsWith("Uncaught "), tc.name() + ": the fixture did not die of an uncaught throw: " + uncaught);
        try (NodeTarget t = NodeTarget.open(tc.node(), tc.core(), List.of())) {
            FatalException e = FatalException.of(t).orElseThrow(() -> new AssertionError(tc.name() + ": no exception found"));
            assertEquals(FatalException.Kind.UNCAUGHT, e.kind(), tc.name());
            String out = run(t, "::jsexception");
            String[] lines = out.split("\n");
            assertTrue(lines[0].startsWith("uncaught exception, thrown in ") && lines[0].endsWith(String.format(": 0x%x", e.value())), lines[0]);
            assertEquals(uncaught.substring("Uncaught ".length()), lines[1], tc.name());
            DeathCause cause = DeathCause.of(t);
            assertEquals(DeathCause.Kind.UNCAUGHT_EXCEPTION, cause.kind(), tc.name());
            assertTrue(cause.text().startsWith("uncaught exception: " + uncaught.substring("Uncaught ".length())), cause.text());

            if (a[1].equals("process")) {
                // the cause's call sites, never formatted in the process, as V8 formatted its twin's
                Map<String, Object> cause0 = map(map(tc.oracle().get("exception")).get("cause"));
                String twin = ((String) cause0.get("stack")).replace("\n", "\n  ");
                assertTrue(out.contains("  [cause]: " + twin + "\n}"), tc.name() + ":\n" + out + "\nexpected the cause as:\n" + twin);
                assertTrue(out.contains("\n  code: 'E_MANIFEST',\n"), out);
                return;
            }
            // errors V8 made at the throw: their call sites are the frames V8 listed (at most 10)
            List<String> from = fromList(stderr);
            List<String> ours = Arrays.stream(lines).skip(2).filter(l -> l.startsWith("    at ")).map(l -> l.substring(7)).toList();
            // (V8 10 writes the list without line breaks: nothing to compare frame by frame)
            if (from.size() < 2 || !a[1].matches("real-orders|real-express")) return;
            int unknown = 0;
            for (int i = 0; i < Math.min(ours.size(), from.size()); i++) {
                String mine = ours.get(i);
                if (mine.endsWith(":<position unknown>)")) {
                    // V8 14 keeps optimized code's offsets, which jsmdb does not map (said in place)
                    unknown++;
                    assertTrue(from.get(i).startsWith(mine.substring(0, mine.indexOf(":<position unknown>"))), mine + " vs " + from.get(i));
                    continue;
                }
                assertEquals(from.get(i), mine, tc.name() + " frame " + i);
            }
            assertTrue(unknown == 0 || tc.version().startsWith("26.") || tc.version().startsWith("25."), tc.name() + ": " + unknown + " unknown positions");
            assertEquals(Math.min(10, from.size()), ours.size(), tc.name() + ": Error.stackTraceLimit frames");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("abortVersions")
    void anUnhandledRejectionIsWhatNodeReported(String version) throws Exception {
        TestCore tc = TestCores.get(version, "rejection", "abort");
        String stderr = Files.readString(tc.dir().resolve("stderr.txt"));
        try (NodeTarget t = NodeTarget.open(tc.node(), tc.core(), List.of())) {
            FatalException e = FatalException.of(t).orElseThrow(() -> new AssertionError(tc.name() + ": no rejection found"));
            assertEquals(FatalException.Kind.UNHANDLED_REJECTION, e.kind(), tc.name());
            String out = run(t, "::jsexception");
            String header = out.substring(0, out.indexOf('\n'));
            assertTrue(header.startsWith("unhandled promise rejection, handed to node by "), header);
            String inspected = out.substring(out.indexOf('\n') + 1).stripTrailing();
            assertTrue(inspected.startsWith("JsmdbVoyageError: no berth at Rotterdam\n    at jsmdbLoadCargo ("), inspected);
            assertTrue(inspected.contains("\n    at async jsmdbVoyage ("), inspected);
            // node printed util.inspect(reason) after the source line it was thrown at
            assertTrue(stderr.contains("\n" + inspected + "\n"), tc.name() + ": node printed\n" + stderr + "\njsmdb printed\n" + inspected);
            // in a dcmd pipe the value's address goes on
            assertEquals(inspected, run(t, "::jsexception | ::jsprint").stripTrailing(), tc.name());
            DeathCause cause = DeathCause.of(t);
            assertEquals(DeathCause.Kind.UNHANDLED_REJECTION, cause.kind(), tc.name());
            assertEquals("unhandled promise rejection: JsmdbVoyageError: no berth at Rotterdam (::jsexception shows it)", cause.text());
        }
    }

    /**
     * A worker's TypeError, thrown on in its parent: node's copy of it there is no native error
     * but an object on TypeError.prototype with own name, message and stack; util.inspect (and
     * so ::jsexception) shows it as an error, with the frames of the worker it died in.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("abortVersions")
    void aWorkersErrorThrownInItsParentIsShownAsAnError(String version) throws Exception {
        TestCore tc = TestCores.get(version, "worker-error", "abort");
        Map<String, Object> ex = map(tc.oracle().get("exception"));
        assertEquals(Boolean.FALSE, ex.get("nativeError"), tc.name() + ": the parent's copy is no native error");
        String stderr = Files.readString(tc.dir().resolve("stderr.txt"));
        assertEquals("Uncaught TypeError: " + ex.get("message"), stderr.lines().findFirst().orElse(""), tc.name());
        try (NodeTarget t = NodeTarget.open(tc.node(), tc.core(), List.of())) {
            FatalException e = FatalException.of(t).orElseThrow(() -> new AssertionError(tc.name() + ": no exception found"));
            assertEquals(FatalException.Kind.UNCAUGHT, e.kind(), tc.name());
            String out = run(t, "::jsexception");
            String inspected = out.substring(out.indexOf('\n') + 1).stripTrailing();
            assertEquals(ex.get("inspected"), inspected, tc.name());
            assertTrue(inspected.contains("\n    at jsmdbChecksum ("), inspected);
            assertEquals(inspected, run(t, "::jsexception | ::jsprint").stripTrailing(), tc.name());
            DeathCause cause = DeathCause.of(t);
            assertEquals(DeathCause.Kind.UNCAUGHT_EXCEPTION, cause.kind(), tc.name());
            assertTrue(cause.text().startsWith("uncaught exception: TypeError: " + ex.get("message") + ", thrown in "), cause.text());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("abortVersions")
    void deathsWithoutAThrowSaySo(String version) throws Exception {
        for (String[] c : new String[][] {{"async", "abort", "no exception: process.abort() called by jsmdbAsyncAbort ("},
                {"heap", "gcore", "no exception: none: a snapshot of a running process (gcore); it went on running"}}) {
            if (version.startsWith("arm64-") && c[1].equals("gcore")) continue; // no gcores of qemu guests
            TestCore tc = TestCores.get(version, c[0], c[1]);
            try (NodeTarget t = NodeTarget.open(tc.node(), tc.core(), List.of())) {
                String out = run(t, "::jsexception").strip();
                assertTrue(c[2].endsWith("(") ? out.startsWith(c[2]) : out.equals(c[2]), tc.name() + ": " + out);
            }
        }
        TestCore oom = TestCores.get(version, "oom", "abort");
        try (NodeTarget t = NodeTarget.open(oom.node(), oom.core(), List.of())) {
            assertTrue(run(t, "::jsexception").startsWith("no exception: out of memory"), oom.name());
        }
    }
}
