package io.jsmdb.core;

import static org.junit.jupiter.api.Assertions.*;

import io.jsmdb.testing.TestCores;
import io.jsmdb.testing.TestCores.TestCore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The full command line of every test core (kernel abort cores and gcore cores, all 7 versions)
 * against what the fixture recorded: the process ran node + process.execArgv + the script +
 * its arguments (process.argv is [execPath, script, args...]; make-cores starts node by its
 * absolute path, so argv[0] is process.execPath and the AT_EXECFN path too).
 */
public class CommandLineCoresTest {
    static Stream<String> cores() {
        List<String> out = new ArrayList<>();
        for (String v : TestCores.VERSIONS) for (String c : TestCores.CORES) out.add(v + " " + c);
        return out.stream();
    }

    /** The command line the fixture's process ran, from its oracle (also used by StatusDcmdTest). */
    @SuppressWarnings("unchecked")
    public static List<String> expectedArgv(Map<String, Object> oracle) {
        List<String> argv = (List<String>) oracle.get("argv");
        List<String> execArgv = (List<String>) oracle.get("execArgv");
        List<String> out = new ArrayList<>();
        out.add(argv.get(0));
        out.addAll(execArgv);
        out.addAll(argv.subList(1, argv.size()));
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cores")
    void theFullCommandLineFromTheInitialStack(String spec) throws Exception {
        String[] p = spec.split(" ");
        int dash = p[1].lastIndexOf('-');
        TestCore tc = TestCores.get(p[0], p[1].substring(0, dash), p[1].substring(dash + 1));
        List<String> expected = expectedArgv(tc.oracle());
        try (CoreFile core = CoreFile.open(tc.core())) {
            CommandLine cl = core.commandLine();
            assertEquals(CommandLine.Source.INITIAL_STACK, cl.source(), tc.name() + ": " + cl.describeSource());
            assertNull(cl.stackProblem(), tc.name());
            assertEquals(expected, cl.argv(), tc.name());
            assertTrue(cl.environment().stream().anyMatch(e -> e.startsWith("PATH=")), tc.name() + ": " + cl.environment());
            // What the notes say agrees with the stack, and is what the stack improves on.
            String psargs = core.processInfo().orElseThrow().arguments();
            if (tc.kind().equals(TestCores.GCORE)) {
                assertTrue(core.writtenByGdb(), tc.name());
                assertEquals(expected.get(0), psargs, tc.name() + ": gcore's psinfo has the program name alone");
            } else {
                String joined = String.join(" ", expected);
                assertTrue(joined.length() > CommandLine.PSINFO_ARGS_MAX, tc.name() + ": the fixtures' command lines are longer than psinfo keeps");
                assertEquals(joined.substring(0, CommandLine.PSINFO_ARGS_MAX).trim(), psargs, tc.name());
            }
            long execfn = core.auxv(InitialStack.AT_EXECFN).orElseThrow();
            assertEquals(expected.get(0), core.readCString(execfn, 4096), tc.name() + ": AT_EXECFN");
        }
    }
}
