package io.jsmdb.cmd;

import static org.junit.jupiter.api.Assertions.*;

import io.jsmdb.testing.TestCores;
import io.jsmdb.v8.heap.HeapFixture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ::jsprint against util.inspect, exactly: the heap fixture recorded (oracle "inspect")
 * util.inspect(value) and util.inspect(value, {depth: N}) of every JsmdbValues field and of
 * every field of globalThis.jsmdbInspect, on every Node version; `-d N` must print the same
 * text, character for character. The values that cannot match are listed below with the reason.
 */
class JsPrintInspectTest {
    static Stream<String> versions() {
        return TestCores.ABORT_VERSIONS.stream();
    }

    private static final DcmdRegistry REGISTRY = new DcmdRegistry(Dcmds.all());

    /**
     * Values jsmdb cannot print as util.inspect does, and why; JsPrintDcmdTest checks what
     * they do show. Not here because the oracle could not record it: JsmdbValues.error
     * (util.inspect reads error.stack, which makes V8 format the stack the fixture keeps
     * unformatted on purpose; jsmdb prints its message and the number of call sites).
     */
    static final Map<String, String> NOT_EXACT = Map.of(
            // util.inspect adds nothing for private fields; jsmdb shows them as DevTools does
            "jsmdbInspect.privateFields", "private class fields are shown (#context, #count), which util.inspect omits");

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) { return (Map<String, Object>) o; }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) { return (List<Object>) o; }

    private static CommandRunner.Captured run(HeapFixture.Opened o, String cmd) {
        return CommandRunner.runCaptured(REGISTRY, o.target(), cmd);
    }

    /** The differences of one version, one line per value and depth that differs. */
    static List<String> compare(HeapFixture.Opened o, String path, Map<String, Object> recorded, String label) {
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, Object> d : recorded.entrySet()) {
            String depth = d.getKey();
            // jsmdb's output layer escapes, after any dcmd, the invisible characters that change how
            // a line reads (bidi overrides such as U+202E, "Trojan Source"; Strings.safe), which
            // util.inspect prints raw: the text expected is util.inspect's through that same filter
            String want = Strings.safe((String) d.getValue());
            String cmd = Long.toHexString(o.values()) + "::jsprint -d " + depth + " " + path;
            CommandRunner.Captured r = run(o, cmd);
            String got = r.out().endsWith("\n") ? r.out().substring(0, r.out().length() - 1) : r.out();
            if (r.status() != CommandRunner.Status.OK || !r.err().isEmpty()) {
                failures.add(label + " -d " + depth + ": failed: " + r.err().strip());
            } else if (!want.equals(got)) {
                failures.add(label + " -d " + depth + ":\n--- util.inspect\n" + want + "\n--- jsmdb\n" + got + "\n---");
            }
        }
        return failures;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void everyRecordedValuePrintsAsUtilInspect(String version) {
        HeapFixture.Opened o = HeapFixture.get(version);
        Map<String, Object> inspect = map(o.core().oracle().get("inspect"));
        assertNotNull(inspect, version + ": the oracle has no util.inspect record (remake the cores)");
        List<String> failures = new ArrayList<>();
        int exact = 0;
        Map<String, Object> values = map(inspect.get("values"));
        for (Map.Entry<String, Object> e : values.entrySet()) {
            String label = "jsmdbValues." + e.getKey();
            if (NOT_EXACT.containsKey(label)) continue;
            failures.addAll(compare(o, "." + e.getKey(), map(e.getValue()), label));
            exact++;
        }
        Map<String, Object> extra = map(inspect.get("extra"));
        for (Object f : list(inspect.get("extraOrder"))) {
            String label = "jsmdbInspect." + f;
            if (NOT_EXACT.containsKey(label)) continue;
            failures.addAll(compare(o, ".global.jsmdbInspect." + f, map(extra.get(f)), label));
            exact++;
        }
        // what the fixture could not record, and what jsmdb cannot match, are the known few
        assertEquals(java.util.Set.of("error"), map(inspect.get("skipped")).keySet(), version + ": values the oracle skipped");
        for (String label : NOT_EXACT.keySet()) {
            String field = label.substring(label.indexOf('.') + 1);
            assertTrue((label.startsWith("jsmdbValues.") ? values : extra).containsKey(field), label + " is not in the oracle");
        }
        assertTrue(failures.isEmpty(), version + ": " + failures.size() + " differences from util.inspect:\n" + String.join("\n", failures));
        assertTrue(exact >= 150, version + ": only " + exact + " values compared");
    }
}
