package io.jsmdb.cmd;

import static org.junit.jupiter.api.Assertions.*;

import io.jsmdb.node.NodeTarget;
import io.jsmdb.testing.TestCores;
import io.jsmdb.testing.TestCores.TestCore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** ::status on every Node version and both kinds of core, checked against what the fixture recorded. */
class StatusDcmdTest {
    static Stream<String> cores() {
        List<String> out = new ArrayList<>();
        for (String v : TestCores.VERSIONS) for (String c : TestCores.CORES) out.add(v + " " + c);
        for (String v : TestCores.ARM64) for (String f : TestCores.ARM64_FIXTURES) out.add(v + " " + f + "-" + TestCores.ABORT);
        return out.stream();
    }

    private static TestCore core(String spec) {
        String[] p = spec.split(" ");
        int dash = p[1].lastIndexOf('-');
        return TestCores.get(p[0], p[1].substring(0, dash), p[1].substring(dash + 1));
    }

    private static String field(String out, String key) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(key) + ":\\s+(.*)$").matcher(out);
        assertTrue(m.find(), "no '" + key + ":' line in\n" + out);
        return m.group(1);
    }

    @org.junit.jupiter.api.Test
    void argumentsAreQuotedAsAShellNeedsThemAndEscaped() {
        io.jsmdb.core.CommandLine stack = new io.jsmdb.core.CommandLine(
                List.of("node", "-e", "a b", "", "it's", "\u001b[31mred", "--x=1,2:3@4%5+6"), List.of(),
                io.jsmdb.core.CommandLine.Source.INITIAL_STACK, null);
        assertEquals("node -e 'a b' '' 'it'\\''s' '\\x1b[31mred' --x=1,2:3@4%5+6", StatusDcmd.commandLine(stack));
        io.jsmdb.core.CommandLine psinfo = new io.jsmdb.core.CommandLine(List.of("node -e a b \u001b]0;x\u0007"), List.of(),
                io.jsmdb.core.CommandLine.Source.PSINFO, "no argc");
        assertEquals("node -e a b \\x1b]0;x\\x07", StatusDcmd.commandLine(psinfo), "one joined string, shown as it is");
        assertEquals("from psinfo (arguments joined by spaces); not from the initial stack: no argc", psinfo.describeSource());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cores")
    void statusMatchesTheOracle(String spec) throws Exception {
        TestCore tc = core(spec);
        Map<String, Object> oracle = tc.oracle();
        try (NodeTarget t = NodeTarget.open(tc.node(), tc.core(), List.of())) {
            CommandRunner.Captured r = CommandRunner.runCaptured(new DcmdRegistry(Dcmds.all()), t, "::status");
            assertEquals("", r.err(), tc.name());
            String out = r.out();
            assertEquals(oracle.get("node"), field(out, "node version"), tc.name());
            assertEquals(oracle.get("v8"), field(out, "V8 version"), tc.name());
            String pid = String.valueOf(((Number) oracle.get("pid")).longValue());
            assertTrue(field(out, "pid").startsWith(pid + " "), tc.name() + ": " + field(out, "pid"));
            assertTrue(field(out, "core file").startsWith(tc.core().toString()), tc.name());
            // The whole command line (psinfo keeps 79 characters, gcore's only the program name),
            // and the line after it says where it came from.
            assertEquals(String.join(" ", io.jsmdb.core.CommandLineCoresTest.expectedArgv(oracle)), field(out, "command line"), tc.name());
            Matcher source = Pattern.compile("(?m)^command line:.*\\n\\s+(.*)$").matcher(out);
            assertTrue(source.find(), out);
            assertEquals("(from the initial stack)", source.group(1), tc.name());
            int threads = Integer.parseInt(field(out, "threads"));
            assertTrue(threads >= 2, tc.name() + ": node runs a main thread and platform workers, got " + threads);
            String signal = field(out, "signal");
            if (tc.kind().equals(TestCores.GCORE)) {
                assertTrue(signal.startsWith("none"), tc.name() + ": a gcore of a live process has no fatal signal: " + signal);
            } else {
                // --abort-on-uncaught-exception traps (int3 -> SIGTRAP, or SIGILL from ud2), process.abort() raises SIGABRT.
                // (qemu-user writes no siginfo: no " (raised by ...)")
                assertTrue(signal.matches("(SIGTRAP|SIGILL|SIGABRT)( .*)?, thread \\d+"), tc.name() + ": " + signal);
            }
            assertEquals(tc.arm64() ? "AArch64" : "x86-64", field(out, "machine"), tc.name());
            if (tc.arm64()) {
                assertEquals("from the dynamic linker's list in the process (the core lists none, as qemu-user's cores do not)",
                        field(out, "mapped files"), tc.name());
                // qemu leaves the binary's text out of some cores, and with it the build-id note
                String w = field(out, "warnings");
                assertTrue(w.equals("none") || w.equals("cannot verify " + tc.node() + " against the core: no build-id in the core"
                        + " (it holds no page of the file)"), tc.name() + ": " + w);
            } else {
                assertEquals("none", field(out, "warnings"), tc.name() + ": every file the core maps is on this machine");
                assertFalse(out.contains("mapped files:"), tc.name());
            }
        }
    }
}
