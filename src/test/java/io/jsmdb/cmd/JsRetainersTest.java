package io.jsmdb.cmd;

import static org.junit.jupiter.api.Assertions.*;

import io.jsmdb.node.NodeTarget;
import io.jsmdb.testing.TestCores;
import io.jsmdb.v8.graph.Dominators;
import io.jsmdb.v8.graph.HeapGraph;
import io.jsmdb.v8.heap.JsKind;
import io.jsmdb.v8.heap.V8Heap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code ADDR::jsretainers} and {@code ::findjsobjects -s} on the heap fixture (cores/fixtures/heap.js)
 * of every Node version, abort and gcore cores: each object is retained through the path the
 * fixture's source builds ({@code globalThis.jsmdbHeap.leakA[i]}, the referrers block's Map, Set,
 * closure and property holders), and the JsmdbLeakA row's sizes are what its instances hold.
 */
class JsRetainersTest {
    private static final String ARROW = " \u2192 ";
    private static final Map<String, NodeTarget> OPEN = new ConcurrentHashMap<>();

    static Stream<Arguments> cores() {
        return Stream.concat(
                TestCores.VERSIONS.stream().flatMap(v -> Stream.of(Arguments.of(v, TestCores.ABORT), Arguments.of(v, TestCores.GCORE))),
                TestCores.ARM64.stream().map(v -> Arguments.of(v, TestCores.ABORT)));
    }

    static Stream<String> versions() {
        return TestCores.VERSIONS.stream();
    }

    private static NodeTarget open(String version, String kind) {
        NodeTarget t = OPEN.computeIfAbsent(version + "/" + kind, k -> {
            TestCores.TestCore tc = TestCores.get(version, "heap", kind);
            try {
                return NodeTarget.open(tc.node(), tc.core(), List.of());
            } catch (Exception e) {
                throw new AssertionError(tc.name() + ": " + e, e);
            }
        });
        return t;
    }

    private static String run(NodeTarget t, String cmds) {
        CommandRunner.Captured r = CommandRunner.runCaptured(DcmdRegistry.standard(), t, cmds);
        assertEquals(CommandRunner.Status.OK, r.status(), t.core().path() + ": " + cmds + ": " + r.err());
        return r.out();
    }

    private static List<Long> instances(NodeTarget t, String cls) {
        List<Long> out = new ArrayList<>();
        for (String line : run(t, "::findjsobjects -c " + cls + " | ::findjsobjects").split("\n")) {
            if (!line.isBlank()) out.add(Long.parseUnsignedLong(line.strip(), 16));
        }
        return out;
    }

    /** A path as printed: its summary and its hops (address or 0, label). */
    record Printed(String summary, List<long[]> addresses, List<String> labels) {}

    /** The paths ADDR::jsretainers -n N prints. */
    private static List<Printed> paths(NodeTarget t, long addr, int n) {
        String out = run(t, String.format("%x::jsretainers -n %d", addr, n));
        String[] lines = out.split("\n");
        assertTrue(lines[0].startsWith(Long.toHexString(addr) + " ("), out);
        List<Printed> ps = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            if (!lines[i].startsWith("path ")) continue;
            String summary = lines[i].substring(lines[i].indexOf(": ") + 2);
            List<long[]> as = new ArrayList<>();
            List<String> ls = new ArrayList<>();
            for (int j = i + 1; j < lines.length && lines[j].startsWith("  "); j++) {
                String[] f = lines[j].strip().split("\\s+", 2);
                as.add(new long[]{f[0].equals("-") ? 0 : Long.parseUnsignedLong(f[0], 16)});
                ls.add(f.length > 1 ? f[1] : "");
            }
            ps.add(new Printed(summary, as, ls));
        }
        return ps;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cores")
    void leakAInstancesAreHeldByTheFixturesArray(String version, String kind) {
        NodeTarget t = open(version, kind);
        V8Heap heap = t.heap();
        List<Long> leak = instances(t, "JsmdbLeakA");
        assertEquals(1000, leak.size(), t.core().path() + ": JsmdbLeakA instances");
        for (long a : List.of(leak.getFirst(), leak.get(500), leak.getLast())) {
            long id = heap.smiValue(heap.properties().ownDataProperty(a, "id").orElseThrow());
            List<Printed> ps = paths(t, a, 1);
            assertEquals(1, ps.size(), t.core().path() + ": paths to " + Long.toHexString(a));
            Printed p = ps.getFirst();
            String where = t.core().path() + " " + Long.toHexString(a) + ": " + p.summary();
            assertEquals("global" + ARROW + "jsmdbHeap" + ARROW + "leakA" + ARROW + "[" + id + "]", p.summary(), where);
            // the hop lines: the global object, jsmdbHeap, the leakA array, the instance
            assertEquals(4, p.addresses().size(), where);
            assertEquals(JsKind.GLOBAL_OBJECT, heap.kindOf(p.addresses().get(0)[0]), where);
            long array = p.addresses().get(2)[0];
            assertEquals(JsKind.ARRAY, heap.kindOf(array), where);
            assertEquals(a, heap.properties().elementAt(array, id).orElseThrow().value(), where + ": leakA[" + id + "]");
            assertEquals(a, p.addresses().get(3)[0], where);
        }
        // in a dcmd pipe the holders go on (not the object itself)
        String types = run(t, String.format("%x::jsretainers -n 1 | ::v8type", leak.getFirst()));
        String[] lines = types.strip().split("\n");
        assertEquals(3, lines.length, types);
        assertTrue(lines[0].contains("JS_GLOBAL_OBJECT_TYPE"), types);
        assertTrue(lines[2].contains("JS_ARRAY_TYPE"), types);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cores")
    void theReferrersBlockHoldsEachObjectItsWay(String version, String kind) {
        NodeTarget t = open(version, kind);
        Map<String, String> expected = Map.of(
                "JsmdbRefTraveller", "jsmdbReferrers" + ARROW + "route" + ARROW + "JsmdbRefRoute.traveller",
                "JsmdbRefMapValue", "jsmdbReferrers" + ARROW + "mapByValue" + ARROW + "Map entry 'jsmdb-ref-value'",
                "JsmdbRefMapKey", "jsmdbReferrers" + ARROW + "mapByKey" + ARROW + "Map key (entry 2)",
                "JsmdbRefSetEntry", "jsmdbReferrers" + ARROW + "set" + ARROW + "Set entry 3",
                "JsmdbRefCaptured", "jsmdbReferrers" + ARROW + "closure" + ARROW + "context" + ARROW + "jsmdbCaptured");
        for (var e : expected.entrySet()) {
            List<Long> inst = instances(t, e.getKey());
            assertEquals(1, inst.size(), t.core().path() + ": " + e.getKey());
            Printed p = paths(t, inst.getFirst(), 1).getFirst();
            assertEquals("global" + ARROW + e.getValue(), p.summary(), t.core().path() + ": " + e.getKey());
        }
        if (kind.equals(TestCores.ABORT)) {
            // held by nothing in the heap, only by the module function's frame
            List<Long> inst = instances(t, "JsmdbRefStackOnly");
            assertEquals(1, inst.size(), t.core().path() + ": JsmdbRefStackOnly");
            Printed p = paths(t, inst.getFirst(), 3).getFirst();
            assertTrue(p.summary().startsWith("(Stack roots)" + ARROW), t.core().path() + ": " + p.summary());
        }
    }

    /** -n N gives at most N paths, each through another holder; the first is the shortest. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void morePathsEachThroughAnotherHolder(String version) {
        NodeTarget t = open(version, TestCores.ABORT);
        long a = instances(t, "JsmdbLeakA").get(7);
        List<Printed> ps = paths(t, a, 10);
        assertTrue(ps.size() >= 2, "the array and its elements store both hold it: " + ps);
        assertTrue(ps.size() <= 10);
        List<Long> holders = new ArrayList<>();
        for (Printed p : ps) {
            long h = p.addresses().get(p.addresses().size() - 2)[0];
            assertFalse(holders.contains(h), "two paths through " + Long.toHexString(h));
            holders.add(h);
            assertTrue(p.summary().split(ARROW).length >= ps.getFirst().summary().split(ARROW).length, p.summary());
        }
        assertEquals(2, paths(t, a, 2).size());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cores")
    void leakARowSizes(String version, String kind) {
        NodeTarget t = open(version, kind);
        V8Heap heap = t.heap();
        HeapGraph g = t.heapGraph(() -> {}, d -> {});
        Dominators dom = t.dominators(() -> {}, d -> {});
        long shallow = 0, retained = 0;
        for (long a : instances(t, "JsmdbLeakA")) {
            int n = g.nodeOf(a);
            assertTrue(n >= 0, Long.toHexString(a) + " is not in the graph");
            long name = heap.properties().ownDataProperty(a, "name").orElseThrow(), payload = heap.properties().ownDataProperty(a, "payload").orElseThrow();
            // each instance alone holds its name string ('a' + i) and its payload ({x: i})
            long own = g.selfSize(n) + g.selfSize(g.nodeOf(name)) + g.selfSize(g.nodeOf(payload));
            assertEquals(own, dom.retainedSize(n), t.core().path() + ": retained size of " + Long.toHexString(a));
            assertEquals(n, dom.dominator(g.nodeOf(payload)));
            shallow += g.selfSize(n);
            retained += own;
        }
        String out = run(t, "::findjsobjects -s");
        Matcher m = Pattern.compile("(?m)^ *[0-9a-f]+ +1000 +3 +(\\d+) +(\\d+) JsmdbLeakA: id, name, payload$").matcher(out);
        assertTrue(m.find(), out);
        assertEquals(shallow, Long.parseLong(m.group(1)), "SHALLOW");
        assertEquals(retained, Long.parseLong(m.group(2)), "RETAINED: the instances are not nested, so their retained sizes add up");
        assertTrue(out.startsWith(String.format("%16s %8s %8s %12s %12s %s%n", "OBJECT", "#OBJECTS", "#PROPS", "SHALLOW", "RETAINED", "CONSTRUCTOR: PROPS")), out);
    }
}
