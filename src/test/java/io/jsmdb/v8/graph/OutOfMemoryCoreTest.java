package io.jsmdb.v8.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jsmdb.node.NodeTarget;
import io.jsmdb.testing.TestCores;
import io.jsmdb.testing.TestCores.TestCore;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The post-mortem no in-process tool can make: the core of a process that died out of memory
 * (the oom fixture, --max-old-space-size=64) becomes a heap graph whose dominator tree names the
 * leak. The array the fixture grew until V8 gave up (globalThis.oomHoard) retains more than half
 * of the heap, every OomChunk is below it in the dominator tree, and the shortest retainer path
 * of a chunk goes through it. The one chunk being built when V8 gave up is held by its frame only
 * ((Stack roots)), as V8's own snapshot would show it.
 */
class OutOfMemoryCoreTest {
    static Stream<String> versions() {
        return TestCores.ABORT_VERSIONS.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void theDominatorTreeNamesTheLeakOfAnOutOfMemoryDeath(String version) throws Exception {
        TestCore tc = TestCores.get(version, "oom", TestCores.ABORT);
        String leakClass = (String) tc.oracle().get("leakClass");
        String holder = (String) tc.oracle().get("leakHolder");
        try (NodeTarget t = NodeTarget.open(tc.node(), tc.core(), List.of())) {
            HeapGraph g = t.heapGraph(() -> { }, x -> { });
            Dominators dom = t.dominators(() -> { }, x -> { });

            Set<Integer> hoards = new HashSet<>();
            long heapBytes = 0, chunks = 0, onStackOnly = 0;
            boolean pathChecked = false;
            for (int n = 0; n < g.nodeCount(); n++) {
                heapBytes += g.selfSize(n);
                for (int e = g.firstEdge(n); e < g.edgeEnd(n); e++) {
                    if (g.edgeType(e) == EdgeType.PROPERTY && holder.equals(g.edgeName(e))) hoards.add(g.edgeTarget(e));
                }
            }
            assertEquals(1, hoards.size(), tc.name() + ": objects held as " + holder + ": " + hoards);
            int hoard = hoards.iterator().next();
            assertTrue(g.type(hoard) == NodeType.ARRAY || "Array".equals(g.name(hoard)),
                    tc.name() + ": " + holder + " is " + g.type(hoard) + " " + g.name(hoard));
            long retained = dom.retainedSize(hoard);
            assertTrue(retained * 2 > heapBytes, tc.name() + ": " + holder + " retains " + retained + " of " + heapBytes + " bytes");

            RetainerPaths paths = t.retainerPaths(() -> { }, x -> { });
            for (int n = 0; n < g.nodeCount(); n++) {
                if (g.type(n) != NodeType.OBJECT || !leakClass.equals(g.name(n))) continue;
                chunks++;
                int d = n, hops = 0;
                while (d != hoard && d != g.rootNode() && d >= 0 && hops++ < 1_000) d = dom.dominator(d);
                if (d != hoard) {
                    // the chunk being built when V8 gave up is not in the hoard yet: only a frame holds it
                    List<RetainerPaths.Path> ps = paths.paths(n, 3);
                    StringBuilder why = new StringBuilder();
                    for (RetainerPaths.Path p : ps) why.append("\n  ").append(new HopLabels(g, null).summary(p));
                    assertTrue(++onStackOnly <= 2 && why.toString().startsWith("\n  (Stack roots)"),
                            tc.name() + ": " + leakClass + " at " + Long.toHexString(g.address(n)) + " is not dominated by " + holder + ":" + why);
                } else if (!pathChecked) {
                    List<RetainerPaths.Path> shortest = paths.paths(n, 1);
                    assertEquals(1, shortest.size(), tc.name() + ": no retainer path to a " + leakClass);
                    int[] via = shortest.get(0).nodes();
                    assertTrue(via.length >= 2 && via[via.length - 2] == hoard,
                            tc.name() + ": the shortest path to a " + leakClass + " does not end in " + holder + "[i]");
                    pathChecked = true;
                }
            }
            // the fixture grows the hoard to the 64 MB limit: tens of thousands of chunks
            assertTrue(chunks > 10_000, tc.name() + ": " + chunks + " " + leakClass);
        }
    }
}
