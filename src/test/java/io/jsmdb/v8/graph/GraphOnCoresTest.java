package io.jsmdb.v8.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jsmdb.node.NodeTarget;
import io.jsmdb.testing.TestCores;
import io.jsmdb.testing.TestCores.TestCore;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The builder and the writer at a real heap's scale, on the snapshot fixture's cores of every
 * version, with the stand-in {@link ConservativeModel} (independent of the real model and
 * roots): every walked object becomes one node, in address order; edges lead only to nodes;
 * the file is well formed, its meta is the one V8's own snapshot of that process has, and memlab
 * loads it ({@link Memlab}).
 */
class GraphOnCoresTest {
    static Stream<String> versions() {
        return TestCores.VERSIONS.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void wholeHeapAsAGraph(String version, @TempDir Path dir) throws Exception {
        TestCore tc = TestCores.get(version, "snapshot", TestCores.ABORT);
        try (NodeTarget t = NodeTarget.open(tc.node(), tc.core(), List.of())) {
            long tag = t.metadata().heapObjectTag();
            ConservativeModel stand = new ConservativeModel(t.core(), tag, t.metadata().heapObjectTagMask());
            long[] offered = {0};
            ObjectModel model = new ObjectModel() {
                public boolean isNode(long a, long m, int it, int sz) { return stand.isNode(a, m, it, sz); }
                public NodeType type(long a, long m, int it, int sz) { return stand.type(a, m, it, sz); }
                public String name(long a, long m, int it, int sz) { return stand.name(a, m, it, sz); }
                public long selfSize(long a, long m, int it, int sz) { return stand.selfSize(a, m, it, sz); }
                public void edges(long a, long m, int it, int sz, EdgeVisitor out) {
                    stand.edges(a, m, it, sz, (type, name, index, target) -> {
                        offered[0]++;
                        out.edge(type, name, index, target);
                    });
                }
            };
            RootSource roots = out -> out.root("(Strong roots)", "a map", 0, false); // no object at 0: dropped
            CsrHeapGraph g = HeapGraphBuilder.build(HeapGraphBuilder.of(t.heapWalker()), tag, model, roots, 2, () -> {}, x -> {});
            CsrHeapGraph.Stats s = g.stats();
            assertEquals(s.walk().objects(), s.objectsWalked(), "the builder saw every object the walk visited");
            assertEquals(0, s.objectsLeftOut());
            assertEquals(1, s.rootsDropped());
            assertEquals(3, g.firstObjectNode());
            assertEquals(g.firstObjectNode() + s.objectsWalked(), g.nodeCount());
            assertTrue(g.nodeCount() > 30_000, "nodes: " + g.nodeCount());
            for (int n = g.firstObjectNode() + 1; n < g.nodeCount(); n++) {
                assertTrue(g.address(n - 1) < g.address(n), "addresses ascend at node " + n);
            }
            // every reference the model gave is either an edge or counted as dropped (maps in spaces
            // the walk does not visit, words that only look like pointers)
            assertEquals(offered[0], g.edgeCount() - (1 + 1) + s.edgesDropped(), "edges offered = kept + dropped");
            int mapEdges = 0;
            for (int n = g.firstObjectNode(); n < g.nodeCount(); n++) {
                int e = g.firstEdge(n);
                if (e < g.edgeEnd(n) && g.edgeType(e) == EdgeType.INTERNAL && "map".equals(g.edgeName(e))) {
                    assertEquals(t.core().readLong(g.address(n) - tag), g.address(g.edgeTarget(e)), "node " + n + "'s map");
                    mapEdges++;
                }
            }
            assertTrue(mapEdges > g.nodeCount() / 2, "map edges: " + mapEdges);
            for (int e = 0; e < g.edgeCount(); e++) {
                int to = g.edgeTarget(e);
                assertTrue(to >= 0 && to < g.nodeCount(), "edge " + e);
            }
            Path file = dir.resolve("conservative.heapsnapshot");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
                HeapSnapshotWriter.write(g, HeapSnapshotWriter.Format.forV8Major(t.v8Version().orElseThrow().major()),
                        new FunctionLocations(t.heap()), out, () -> {}, x -> {});
            }
            SnapshotFile f = new SnapshotFile(file);
            assertEquals(List.of(), f.faults());
            assertEquals(g.nodeCount(), f.nodeCount);
            assertEquals(g.edgeCount(), f.edgeCount);
            // the layout of V8's own snapshot of the same process: meta and header keys alike
            SnapshotFile v8 = new SnapshotFile(tc.dir().resolve("v8.heapsnapshot"));
            assertEquals(v8.snapshot.get("meta"), f.snapshot.get("meta"));
            assertEquals(v8.snapshot.keySet(), f.snapshot.keySet());
            Memlab.checkLoads(file);
        }
    }
}
