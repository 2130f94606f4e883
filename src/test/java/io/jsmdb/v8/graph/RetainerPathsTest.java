package io.jsmdb.v8.graph;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Shortest retainer paths and their hop names on synthetic graphs shaped as V8's snapshot shapes them. */
class RetainerPathsTest {
    private static final Runnable NO_CANCEL = () -> {};

    private static int global(TestGraph g) {
        int gl = g.object("global", 100);
        g.edge(0, EdgeType.SHORTCUT, "1", gl);
        return gl;
    }

    private static String only(TestGraph g, int target) {
        RetainerPaths rp = RetainerPaths.compute(g.build(), NO_CANCEL);
        List<RetainerPaths.Path> ps = rp.paths(target, 5);
        assertEquals(1, ps.size(), "paths to " + target);
        return new HopLabels(g, null).summary(ps.getFirst());
    }

    @Test
    void propertiesAndElements() {
        TestGraph g = new TestGraph();
        int gl = global(g);
        int heap = g.object("Object", 20), arr = g.node(NodeType.OBJECT, "Array", 32), leak = g.object("JsmdbLeakA", 40);
        int elems = g.node(NodeType.ARRAY, "(object elements)", 80);
        g.property(gl, "jsmdbHeap", heap).property(heap, "leakA", arr);
        // V8: the array's element edges, and its backing store's internal slots
        g.internal(arr, "elements", elems).internal(elems, "17", leak).element(arr, 17, leak);
        RetainerPaths rp = RetainerPaths.compute(g.build(), NO_CANCEL);
        List<RetainerPaths.Path> ps = rp.paths(leak, 5);
        HopLabels l = new HopLabels(g, null);
        assertEquals(2, ps.size(), "the array and its backing store both hold it, as V8's snapshot shows");
        assertEquals("global \u2192 jsmdbHeap \u2192 leakA \u2192 [17]", l.summary(ps.get(0)));
        assertEquals("global \u2192 jsmdbHeap \u2192 leakA \u2192 elements \u2192 {17}", l.summary(ps.get(1)));
    }

    @Test
    void theIssuesExample() {
        // (root) -> global -> registry (a Map) -> table -> slot 7 (key 'grove' in slot 6) -> Grove.rows -> [2500]
        TestGraph g = new TestGraph();
        int gl = global(g);
        int map = g.object("Map", 24), table = g.node(NodeType.ARRAY, "system / OrderedHashMap", 200);
        int key = g.node(NodeType.STRING, "grove", 24), grove = g.object("Grove", 32);
        int rows = g.node(NodeType.OBJECT, "Array", 32), row = g.object("Row", 16);
        g.property(gl, "registry", map).internal(map, "table", table);
        g.internal(table, "6", key).internal(table, "7", grove);
        g.property(grove, "rows", rows).element(rows, 2500, row);
        assertEquals("global \u2192 registry \u2192 Map entry 'grove' \u2192 Grove.rows \u2192 [2500]", only(g, row));
    }

    @Test
    void closureContextVariables() {
        TestGraph g = new TestGraph();
        int gl = global(g);
        int keeper = g.node(NodeType.CLOSURE, "keeper", 64), ctx = g.node(NodeType.OBJECT, "system / Context", 48);
        int hoard = g.node(NodeType.OBJECT, "Array", 32), item = g.object("Item", 16);
        g.property(gl, "keeper", keeper).internal(keeper, "context", ctx);
        g.edge(ctx, EdgeType.CONTEXT, "hoard", hoard).element(hoard, 17, item);
        assertEquals("global \u2192 keeper \u2192 context \u2192 hoard \u2192 [17]", only(g, item));
    }

    @Test
    void whatOnlyAGcRootHoldsStartsAtItsCategory() {
        TestGraph g = new TestGraph();
        global(g);
        int gcRoots = g.node(NodeType.SYNTHETIC, "(GC roots)", 0), handles = g.node(NodeType.SYNTHETIC, "(Global handles)", 0);
        int held = g.object("Session", 40), data = g.object("Object", 8);
        g.element(0, 2, gcRoots).element(gcRoots, 4, handles).internal(handles, "12", held).property(held, "data", data);
        RetainerPaths rp = RetainerPaths.compute(g.build(), NO_CANCEL);
        assertEquals("(Global handles) \u2192 Session \u2192 Session.data", new HopLabels(g, null).summary(rp.paths(data, 1).getFirst()));
        assertEquals(RetainerPaths.BASE_SYSTEM_DISTANCE + 4, rp.distance(data), "what only GC roots hold counts from DevTools' system base");
    }

    @Test
    void nPathsOneRetainerEachNearestFirst() {
        TestGraph g = new TestGraph();
        int gl = global(g);
        int far1 = g.object("Far", 8), far2 = g.object("Far2", 8), near = g.object("Near", 8), target = g.object("T", 8);
        g.property(gl, "far1", far1).property(far1, "far2", far2).property(far2, "t", target);
        g.property(gl, "near", near).property(near, "t", target).property(near, "again", target);
        g.weak(gl, "weakly", target);
        RetainerPaths rp = RetainerPaths.compute(g.build(), NO_CANCEL);
        List<RetainerPaths.Path> ps = rp.paths(target, 10);
        HopLabels l = new HopLabels(g, null);
        assertEquals(2, ps.size(), "one path per retainer; the weak edge is not a path");
        assertEquals("global \u2192 near \u2192 Near.t", l.summary(ps.get(0)));
        assertEquals("global \u2192 far1 \u2192 Far.far2 \u2192 Far2.t", l.summary(ps.get(1)));
        assertEquals(1, rp.paths(target, 1).size());
        assertEquals(3, rp.distance(target));
    }

    @Test
    void weaklyHeldAndUnreachable() {
        TestGraph g = new TestGraph();
        int gl = global(g);
        int weakOnly = g.object("WeakOnly", 8), garbage = g.object("Garbage", 8), byGarbage = g.object("ByGarbage", 8);
        g.weak(gl, "w", weakOnly).property(garbage, "x", byGarbage);
        RetainerPaths rp = RetainerPaths.compute(g.build(), NO_CANCEL);
        assertEquals(RetainerPaths.Reach.WEAK_ONLY, rp.reach(weakOnly));
        assertEquals(RetainerPaths.Reach.UNREACHABLE, rp.reach(garbage));
        assertEquals(RetainerPaths.Reach.UNREACHABLE, rp.reach(byGarbage));
        assertTrue(rp.paths(weakOnly, 3).isEmpty());
        assertTrue(rp.paths(byGarbage, 3).isEmpty());
        assertEquals(RetainerPaths.Reach.STRONG, rp.reach(gl));
        assertEquals(-1, rp.distance(garbage));
    }

    @Test
    void descriptorArraySlotsAreNotPathsButStillReach() {
        // a map's descriptor array holds a key, details and value per descriptor: DevTools skips
        // key/details links for distances; a value reached only through one is still reachable
        TestGraph g = new TestGraph();
        int gl = global(g);
        int map = g.node(NodeType.OBJECT_SHAPE, "system / Map", 80), descs = g.node(NodeType.ARRAY, "(map descriptors)", 64);
        int viaSkipped = g.node(NodeType.STRING, "key", 16), viaValue = g.object("Value", 8);
        g.internal(gl, "map", map).internal(map, "descriptors", descs);
        g.internal(descs, "4", viaSkipped).internal(descs, "6", viaValue);
        RetainerPaths rp = RetainerPaths.compute(g.build(), NO_CANCEL);
        assertEquals(4, rp.distance(viaValue));
        assertTrue(rp.distance(viaSkipped) > 0, "reached by the last pass");
        assertEquals(RetainerPaths.Reach.STRONG, rp.reach(viaSkipped));
    }

    @Test
    void aNativeContextsSloppyFunctionMapIsNoPath() {
        TestGraph g = new TestGraph();
        int gl = global(g);
        int nc = g.node(NodeType.HIDDEN, "system / NativeContext", 8), map = g.node(NodeType.OBJECT_SHAPE, "system / Map", 80);
        int a = g.object("A", 8), descs = g.node(NodeType.ARRAY, "(map descriptors)", 40);
        g.internal(gl, "native_context", nc).internal(nc, "sloppy_function_map", map);
        g.property(gl, "a", a).internal(a, "map", map).internal(map, "descriptors", descs);
        RetainerPaths rp = RetainerPaths.compute(g.build(), NO_CANCEL);
        // the map's own retainers are both listed (as DevTools' pane lists them), but the path to
        // what the map holds goes the way DevTools measures the map's distance
        assertEquals(2, rp.paths(map, 5).size());
        assertEquals("global \u2192 a \u2192 map \u2192 descriptors", new HopLabels(g, null).summary(rp.paths(descs, 1).getFirst()),
                "DevTools does not measure distances through a native context's sloppy_function_map");
    }

    @Test
    void collectionsNameMapEntriesFromTheHeap() {
        TestGraph g = new TestGraph();
        int gl = global(g);
        int map = g.object("Registry", 24), table = g.node(NodeType.ARRAY, "system / OrderedHashMap", 200), v = g.object("V", 8);
        g.property(gl, "reg", map).internal(map, "table", table).internal(table, "9", v);
        RetainerPaths rp = RetainerPaths.compute(g.build(), NO_CANCEL);
        HopLabels.Collections c = (holder, member) -> holder == g.address(map) && member == g.address(v)
                ? Optional.of("Map entry 3") : Optional.empty();
        assertEquals("global \u2192 reg \u2192 Map entry 3", new HopLabels(g, c).summary(rp.paths(v, 1).getFirst()));
        assertEquals("global \u2192 reg \u2192 table \u2192 {9}", new HopLabels(g, null).summary(rp.paths(v, 1).getFirst()),
                "a subclass of Map named otherwise is not guessed from the graph alone");
    }

    @Test
    void aCycleBackToTheTargetIsNoPath() {
        TestGraph g = new TestGraph();
        int gl = global(g);
        int a = g.object("A", 8), b = g.object("B", 8), nc = g.node(NodeType.HIDDEN, "system / NativeContext", 8);
        g.property(gl, "a", a).property(a, "b", b).property(b, "a", a);
        g.internal(gl, "native_context", nc).internal(nc, "global_object", gl);
        RetainerPaths rp = RetainerPaths.compute(g.build(), NO_CANCEL);
        HopLabels l = new HopLabels(g, null);
        List<RetainerPaths.Path> ps = rp.paths(a, 5);
        assertEquals(1, ps.size(), "b holds a, but the search reached b through a");
        assertEquals("global \u2192 a", l.summary(ps.getFirst()));
        List<RetainerPaths.Path> toGlobal = rp.paths(gl, 5);
        assertEquals(1, toGlobal.size(), "the global object is a user root; its native context is reached through it");
        assertEquals("global", l.summary(toGlobal.getFirst()));
    }

    @Test
    void pathsNodesAndEdgesAgree() {
        TestGraph g = new TestGraph();
        int gl = global(g);
        int a = g.object("A", 8), b = g.object("B", 8);
        g.property(gl, "a", a).property(a, "b", b);
        RetainerPaths rp = RetainerPaths.compute(g.build(), NO_CANCEL);
        RetainerPaths.Path p = rp.paths(b, 1).getFirst();
        assertArrayEquals(new int[]{0, gl, a, b}, p.nodes());
        for (int i = 0; i < p.length(); i++) {
            assertEquals(p.nodes()[i], rp.source(p.edges()[i]));
            assertEquals(p.nodes()[i + 1], g.edgeTarget(p.edges()[i]));
        }
        assertEquals(List.of(gl, a, b), new HopLabels(g, null).hops(p).stream().map(HopLabels.Hop::node).toList());
    }

    @Test
    void aChainOfAMillionNodes() {
        int n = 1_000_000;
        TestGraph g = new TestGraph();
        int prev = global(g);
        for (int i = 0; i < n; i++) {
            int v = g.object("Link", 32);
            g.property(prev, "next", v);
            prev = v;
        }
        RetainerPaths rp = RetainerPaths.compute(g.build(), NO_CANCEL);
        assertEquals(n + 1, rp.distance(prev));
        RetainerPaths.Path p = rp.paths(prev, 3).getFirst();
        assertEquals(n + 1, p.length());
        System.out.printf("RetainerPaths: chain of %,d nodes: %d ms%n", n, rp.nanos() / 1_000_000);
    }
}
