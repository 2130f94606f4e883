package io.jsmdb.v8.heap;

import static io.jsmdb.testing.LeakOracle.created;
import static io.jsmdb.testing.LeakOracle.shapes;
import static io.jsmdb.testing.LeakOracle.snapshotBytes;
import static io.jsmdb.testing.LeakOracle.snapshotCount;
import static org.junit.jupiter.api.Assertions.*;

import io.jsmdb.node.NodeTarget;
import io.jsmdb.testing.TestCores;
import io.jsmdb.testing.TestCores.TestCore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CensusDiff on the leak fixture's two gcores of one process (cores/fixtures/leak.js), every
 * version: for each of the fixture's classes, the instances in each core are what the fixture
 * held at that moment, their bytes what V8's heap snapshot gave as their self sizes, per
 * constructor and per shape; the rows come growth first.
 */
class CensusDiffTest {
    static final List<String> CLASSES = List.of("JsmdbLeakRequest", "JsmdbLeakPayload", "JsmdbLeakListener",
            "JsmdbLeakStable", "JsmdbLeakTemp", "JsmdbLeakMorph");

    static Stream<String> versions() {
        return TestCores.VERSIONS.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void theRowsOfTheFixturesClassesAreWhatItBuiltAndWhatV8Measured(String version) throws Exception {
        TestCore tc = TestCores.get(version, "leak", TestCores.GCORE);
        Map<String, Object> oracle = tc.oracle();
        try (NodeTarget t1 = NodeTarget.open(tc.node(), tc.core(), List.of());
             NodeTarget t2 = NodeTarget.open(tc.node(), tc.core2(), List.of())) {
            JsObjectScan s1 = t1.heapScan(2, () -> {}, x -> {}), s2 = t2.heapScan(2, () -> {}, x -> {});

            // every group's bytes are whole objects of at least a map, properties and elements word
            // each (a literal boilerplate taken out of a group takes its own size with it)
            int word = t1.metadata().pointerSize();
            for (JsObjectScan s : List.of(s1, s2)) {
                for (JsObjectScan.Group g : s.groups()) {
                    assertTrue(g.bytes() % word == 0 && g.bytes() >= 3L * word * g.count(),
                            tc.name() + ": " + g.constructor() + " " + g.properties() + ": " + g.count() + " objects, " + g.bytes() + " bytes");
                }
            }

            List<CensusDiff.Row> byName = CensusDiff.of(s1, s2, CensusDiff.By.CONSTRUCTOR);
            for (String cls : CLASSES) {
                // V8's snapshot agrees with what the fixture holds (else the oracle is no oracle)
                for (int i = 0; i < 2; i++) {
                    assertEquals(created(oracle, i, cls), snapshotCount(oracle, i, cls), tc.name() + " moment " + (i + 1) + " " + cls);
                }
                List<CensusDiff.Row> rows = byName.stream().filter(r -> r.constructor().equals(cls)).toList();
                assertEquals(1, rows.size(), tc.name() + " " + cls + ": one row per constructor: " + rows);
                CensusDiff.Row r = rows.getFirst();
                String what = tc.name() + " " + cls + ": " + r;
                assertEquals(created(oracle, 0, cls), r.count1(), what);
                assertEquals(created(oracle, 1, cls), r.count2(), what);
                assertEquals(snapshotBytes(oracle, 0, cls), r.bytes1(), what);
                assertEquals(snapshotBytes(oracle, 1, cls), r.bytes2(), what);
                assertEquals(created(oracle, 1, cls) - created(oracle, 0, cls), r.countDelta(), what);
                assertEquals(snapshotBytes(oracle, 1, cls) - snapshotBytes(oracle, 0, cls), r.bytesDelta(), what);
                assertFalse(r.malformed() || r.array(), what);
                assertTrue(r.properties().isEmpty(), what);
            }
            // the fixture's populations move as it moved them: the leak grows, the cache shrinks,
            // the stable and the reshaped ones keep their numbers
            assertTrue(row(byName, "JsmdbLeakRequest").countDelta() > 0, tc.name());
            assertTrue(row(byName, "JsmdbLeakTemp").countDelta() < 0, tc.name());
            assertTrue(row(byName, "JsmdbLeakStable").unchanged(), tc.name());
            assertTrue(row(byName, "JsmdbLeakMorph").unchanged(), tc.name());
            assertSortedByGrowth(byName, tc.name());

            List<CensusDiff.Row> byShape = CensusDiff.of(s1, s2, CensusDiff.By.SHAPE);
            for (String cls : CLASSES) {
                Map<String, long[]> got = new HashMap<>();
                long bytes1 = 0, bytes2 = 0;
                for (CensusDiff.Row r : byShape) {
                    if (!r.constructor().equals(cls)) continue;
                    assertEquals(r.properties().size(), r.nprops(), tc.name() + " " + r);
                    assertNull(got.put(String.join(",", r.properties()), new long[] {r.count1(), r.count2()}),
                            tc.name() + " " + cls + ": two rows of one shape");
                    bytes1 += r.bytes1();
                    bytes2 += r.bytes2();
                }
                Map<String, long[]> want = new HashMap<>();
                for (int i = 0; i < 2; i++) {
                    for (var e : shapes(oracle, i, cls).entrySet()) want.computeIfAbsent(e.getKey(), k -> new long[2])[i] = e.getValue();
                }
                assertEquals(render(want), render(got), tc.name() + " " + cls + ": shapes {properties=[count1, count2]}");
                assertEquals(snapshotBytes(oracle, 0, cls), bytes1, tc.name() + " " + cls + ": bytes of its shapes");
                assertEquals(snapshotBytes(oracle, 1, cls), bytes2, tc.name() + " " + cls + ": bytes of its shapes");
            }
            assertSortedByGrowth(byShape, tc.name());
            // JsmdbLeakMorph: 45 objects moved from one shape to the other
            assertEquals(2, byShape.stream().filter(r -> r.constructor().equals("JsmdbLeakMorph")).count(), tc.name());

            // a census against itself: every row unchanged
            assertTrue(CensusDiff.of(s2, s2, CensusDiff.By.SHAPE).stream().allMatch(CensusDiff.Row::unchanged), tc.name());
        }
    }

    static CensusDiff.Row row(List<CensusDiff.Row> rows, String cls) {
        return rows.stream().filter(r -> r.constructor().equals(cls)).findFirst().orElseThrow(() -> new AssertionError("no row " + cls));
    }

    static void assertSortedByGrowth(List<CensusDiff.Row> rows, String name) {
        for (int i = 1; i < rows.size(); i++) {
            CensusDiff.Row a = rows.get(i - 1), b = rows.get(i);
            boolean ok = a.bytesDelta() > b.bytesDelta() || (a.bytesDelta() == b.bytesDelta() && a.countDelta() >= b.countDelta());
            assertTrue(ok, name + ": rows out of order at " + i + ": " + a + " before " + b);
        }
    }

    private static Map<String, List<Long>> render(Map<String, long[]> m) {
        Map<String, List<Long>> out = new java.util.TreeMap<>();
        m.forEach((k, v) -> out.put(k, List.of(v[0], v[1])));
        return out;
    }
}
