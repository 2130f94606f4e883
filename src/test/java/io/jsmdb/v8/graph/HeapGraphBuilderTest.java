package io.jsmdb.v8.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jsmdb.testing.Json;
import io.jsmdb.v8.heap.HeapWalker;
import io.jsmdb.v8.heap.WalkStats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HeapGraphBuilder and HeapSnapshotWriter on a synthetic heap of five objects and a filler,
 * walked by two threads out of address order, with a small model and root source: the node and
 * edge layout V8's snapshot has, dropped references counted, and a file that parses.
 */
class HeapGraphBuilderTest {
    static final int OBJ = 10, STR = 11, FILLER = 12;
    static final long TAG = 1;
    // untagged addresses: page A at 0x10000, page B at 0x20000
    static final long A1 = 0x10000, FILL = 0x10020, A2 = 0x10030, B1 = 0x20000, B2 = 0x20028;
    static final String TEXT = "hello \"q\" \\ \u00e9\n\ud800";

    record Obj(long addr, int type, int size) {}

    static final List<Obj> PAGE_A = List.of(new Obj(A1, OBJ, 32), new Obj(FILL, FILLER, 16), new Obj(A2, STR, 24));
    static final List<Obj> PAGE_B = List.of(new Obj(B1, OBJ, 40), new Obj(B2, OBJ, 16));

    /** Two "threads": the first visitor gets page B, the second page A. */
    static HeapGraphBuilder.Walk walk() {
        return new HeapGraphBuilder.Walk() {
            @Override
            public WalkStats walk(Supplier<? extends HeapWalker.Visitor> visitors, int threads, Runnable cancel, LongConsumer progress) {
                HeapWalker.Visitor v1 = visitors.get(), v2 = visitors.get();
                for (Obj o : PAGE_B) v1.object(o.addr, 0x777, o.type, o.size);
                for (Obj o : PAGE_A) v2.object(o.addr, 0x777, o.type, o.size);
                progress.accept(128);
                return null;
            }

            @Override
            public long totalBytes() {
                return 128;
            }
        };
    }

    static final ObjectModel MODEL = new ObjectModel() {
        @Override public boolean isNode(long addr, long map, int type, int size) { return type != FILLER; }
        @Override public NodeType type(long addr, long map, int type, int size) { return type == STR ? NodeType.STRING : NodeType.OBJECT; }
        @Override public String name(long addr, long map, int type, int size) { return type == STR ? TEXT : "Thing"; }
        @Override public long selfSize(long addr, long map, int type, int size) { return size; }

        @Override
        public void edges(long addr, long map, int type, int size, EdgeVisitor out) {
            if (addr == A1 + TAG) {
                out.edge(EdgeType.PROPERTY, "next", -1, B1 + TAG);
                out.edge(EdgeType.ELEMENT, null, 0, A2 + TAG);
                out.edge(EdgeType.PROPERTY, "inside", -1, A1 + TAG + 8); // not an object start: dropped
                out.edge(EdgeType.PROPERTY, "filler", -1, FILL + TAG); // not a node: dropped
            } else if (addr == B1 + TAG) {
                out.edge(EdgeType.INTERNAL, "map", -1, B2 + TAG);
                out.edge(EdgeType.WEAK, "target", -1, A1 + TAG);
            }
        }
    };

    static final RootSource ROOTS = out -> {
        out.root("(Strong roots)", "empty_fixed_array", B2 + TAG, false);
        out.root(HeapGraphBuilder.GLOBAL_OBJECTS, null, B1 + TAG, false);
        out.root("(Global handles)", null, A1 + TAG, true);
        out.root("(Strong roots)", null, A2 + TAG, false);
        out.root("(Global handles)", null, 0x99999, false); // no object there: dropped
    };

    static CsrHeapGraph build() {
        return HeapGraphBuilder.build(walk(), TAG, MODEL, ROOTS, 2, () -> {}, x -> {});
    }

    record E(EdgeType type, String name, int to) {}

    static List<E> edges(HeapGraph g, int node) {
        List<E> out = new ArrayList<>();
        for (int e = g.firstEdge(node); e < g.edgeEnd(node); e++) out.add(new E(g.edgeType(e), g.edgeName(e), g.edgeTarget(e)));
        return out;
    }

    @Test
    void layoutFollowsV8sSnapshot() {
        CsrHeapGraph g = build();
        assertEquals(8, g.nodeCount());
        assertEquals(4, g.firstObjectNode());
        assertEquals(List.of("", "(GC roots)", "(Strong roots)", "(Global handles)", "Thing", TEXT, "Thing", "Thing"),
                List.of(g.name(0), g.name(1), g.name(2), g.name(3), g.name(4), g.name(5), g.name(6), g.name(7)));
        for (int i = 0; i < 4; i++) {
            assertEquals(NodeType.SYNTHETIC, g.type(i));
            assertEquals(0, g.address(i));
            assertEquals(0, g.selfSize(i));
        }
        // objects by ascending tagged address, whatever order the threads met them in
        assertEquals(List.of(A1 + TAG, A2 + TAG, B1 + TAG, B2 + TAG), List.of(g.address(4), g.address(5), g.address(6), g.address(7)));
        assertEquals(NodeType.STRING, g.type(5));
        assertEquals(24, g.selfSize(5));
        assertEquals(5, g.nodeOf(A2 + TAG));
        assertEquals(-1, g.nodeOf(FILL + TAG));
        assertEquals(-1, g.nodeOf(A1 + TAG + 8));

        assertEquals(List.of(new E(EdgeType.ELEMENT, "1", 1), new E(EdgeType.SHORTCUT, "2", 6)), edges(g, 0));
        assertEquals(List.of(new E(EdgeType.ELEMENT, "1", 2), new E(EdgeType.ELEMENT, "2", 3)), edges(g, 1));
        assertEquals(List.of(new E(EdgeType.INTERNAL, "1 / empty_fixed_array", 7), new E(EdgeType.INTERNAL, "2", 5)), edges(g, 2));
        assertEquals(List.of(new E(EdgeType.WEAK, "1", 4)), edges(g, 3));
        assertEquals(List.of(new E(EdgeType.PROPERTY, "next", 6), new E(EdgeType.ELEMENT, "0", 5)), edges(g, 4));
        assertEquals(0, g.edgeIndex(g.firstEdge(4) + 1));
        assertEquals(-1, g.edgeIndex(g.firstEdge(4)));
        assertEquals(List.of(), edges(g, 5));
        assertEquals(List.of(new E(EdgeType.INTERNAL, "map", 7), new E(EdgeType.WEAK, "target", 4)), edges(g, 6));
        assertEquals(List.of(), edges(g, 7));
        assertEquals(g.edgeEnd(7), g.edgeCount());

        CsrHeapGraph.Stats s = g.stats();
        assertEquals(5, s.objectsWalked(), s.toString());
        assertEquals(1, s.objectsLeftOut());
        assertEquals(2, s.edgesDropped());
        assertEquals(1, s.rootsDropped());
        assertEquals(1, s.rootsWeak());
    }

    /** An unnamed node takes the tag of the first reference the tagger names (V8's TagObject); named ones keep theirs. */
    @Test
    void taggerNamesUnnamedNodes() {
        ObjectModel unnamedB2 = new ObjectModel() {
            public boolean isNode(long a, long m, int t, int sz) { return MODEL.isNode(a, m, t, sz); }
            public NodeType type(long a, long m, int t, int sz) { return MODEL.type(a, m, t, sz); }
            public String name(long a, long m, int t, int sz) { return a == B2 + TAG ? "" : MODEL.name(a, m, t, sz); }
            public long selfSize(long a, long m, int t, int sz) { return sz; }
            public void edges(long a, long m, int t, int sz, EdgeVisitor out) { MODEL.edges(a, m, t, sz, out); }
        };
        List<String> asked = new ArrayList<>();
        HeapGraphBuilder.Tagger tagger = (type, name) -> {
            asked.add(type + " " + name);
            return type == EdgeType.INTERNAL && "map".equals(name) ? "(the map)" : null;
        };
        CsrHeapGraph g = HeapGraphBuilder.build(walk(), TAG, unnamedB2, tagger, ROOTS, 2, () -> {}, x -> {});
        assertEquals("(the map)", g.name(7));
        assertEquals(TEXT, g.name(5), "a named node keeps its name");
        assertEquals("Thing", g.name(6));
        assertEquals(List.of("INTERNAL map"), asked, "asked only for references to unnamed nodes, until named");
    }

    @Test
    void cancelStopsTheBuild() {
        RuntimeException stop = new RuntimeException("cancelled");
        int[] polls = {0};
        RuntimeException got = assertThrows(RuntimeException.class, () -> HeapGraphBuilder.build(walk(), TAG, MODEL, ROOTS, 2,
                () -> { if (++polls[0] > 2) throw stop; }, x -> {}));
        assertEquals(stop, got);
    }

    @Test
    void writesASnapshotInBothLayouts(@TempDir Path dir) throws IOException {
        CsrHeapGraph g = build();
        HeapSnapshotWriter.Locations loc = (graph, node, out) -> {
            if (graph.address(node) != A1 + TAG) return false;
            out[0] = 7;
            out[1] = 10;
            out[2] = 2;
            return true;
        };
        for (HeapSnapshotWriter.Format f : List.of(HeapSnapshotWriter.Format.forV8Major(9), HeapSnapshotWriter.Format.forV8Major(11),
                HeapSnapshotWriter.Format.forV8Major(12), HeapSnapshotWriter.Format.forV8Major(14))) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            long n = HeapSnapshotWriter.write(g, f, loc, bytes, () -> {}, x -> {});
            assertEquals(bytes.size(), n);
            String text = bytes.toString(StandardCharsets.US_ASCII);
            for (int i = 0; i < text.length(); i++) assertTrue(text.charAt(i) < 0x80, "non-ASCII byte at " + i);
            Map<String, Object> all = Json.parseObject(text); // the whole file is JSON
            assertEquals(List.of("snapshot", "nodes", "edges", "trace_function_infos", "trace_tree", "samples", "locations", "strings"),
                    new ArrayList<>(all.keySet()));
            Path file = dir.resolve("g.heapsnapshot");
            Files.write(file, bytes.toByteArray());
            SnapshotFile s = new SnapshotFile(file);
            assertEquals(List.of(), s.faults());
            assertEquals(f.traceNodeId()
                    ? List.of("type", "name", "id", "self_size", "edge_count", "trace_node_id", "detachedness")
                    : List.of("type", "name", "id", "self_size", "edge_count", "detachedness"), s.nodeFields);
            assertEquals(f.extraNativeBytes(), s.snapshot.containsKey("extra_native_bytes"));
            // as v8.writeHeapSnapshot() of node 16/18, 20, 22 and 24..26 lists them
            List<String> base = List.of("hidden", "array", "string", "object", "code", "closure", "regexp", "number", "native",
                    "synthetic", "concatenated string", "sliced string", "symbol", "bigint");
            List<String> types = new ArrayList<>(base);
            if (f.objectShape()) types.add("object shape");
            if (f.wasmObject()) types.add("wasm object");
            assertEquals(types, s.nodeTypes);
            assertEquals(8, s.nodeCount);
            assertEquals(g.edgeCount(), s.edgeCount);
            for (int i = 0; i < 8; i++) {
                assertEquals(2L * i + 1, s.id(i));
                assertEquals(g.name(i), s.name(i));
                assertEquals(g.type(i).snapshotName(), s.type(i));
                assertEquals(g.selfSize(i), s.selfSize(i));
                for (int e = g.firstEdge(i); e < g.edgeEnd(i); e++) {
                    assertEquals(g.edgeType(e).snapshotName(), s.edgeType(e));
                    assertEquals(g.edgeName(e), s.edgeName(e));
                    assertEquals(g.edgeTarget(e), s.edgeTo(e));
                }
            }
            assertEquals(List.of(4L * s.nf, 7L, 10L, 2L), List.of(s.locations[0], s.locations[1], s.locations[2], s.locations[3]));
            assertEquals(4, s.locations.length);
        }
    }

    /** A graph that is no CsrHeapGraph is written through the interface, with a string table of its own. */
    @Test
    void writesAnyHeapGraph() throws IOException {
        CsrHeapGraph g = build();
        HeapGraph view = new HeapGraph() {
            public int nodeCount() { return g.nodeCount(); }
            public int edgeCount() { return g.edgeCount(); }
            public long address(int n) { return g.address(n); }
            public int nodeOf(long a) { return g.nodeOf(a); }
            public NodeType type(int n) { return g.type(n); }
            public String name(int n) { return g.name(n); }
            public long selfSize(int n) { return g.selfSize(n); }
            public int firstEdge(int n) { return g.firstEdge(n); }
            public int edgeEnd(int n) { return g.edgeEnd(n); }
            public EdgeType edgeType(int e) { return g.edgeType(e); }
            public int edgeTarget(int e) { return g.edgeTarget(e); }
            public String edgeName(int e) { return g.edgeName(e); }
            public int edgeIndex(int e) { return g.edgeIndex(e); }
        };
        ByteArrayOutputStream a = new ByteArrayOutputStream(), b = new ByteArrayOutputStream();
        HeapSnapshotWriter.write(view, HeapSnapshotWriter.Format.forV8Major(13), HeapSnapshotWriter.Locations.NONE, a, () -> {}, x -> {});
        HeapSnapshotWriter.write(g, HeapSnapshotWriter.Format.forV8Major(13), HeapSnapshotWriter.Locations.NONE, b, () -> {}, x -> {});
        Map<String, Object> ja = Json.parseObject(a.toString(StandardCharsets.US_ASCII));
        Map<String, Object> jb = Json.parseObject(b.toString(StandardCharsets.US_ASCII));
        assertEquals(jb.get("nodes").toString().length() > 0, true);
        // same graph: same node and edge records once names are resolved through each file's strings
        Map<String, Object> ra = resolve(ja), rb = resolve(jb);
        assertEquals(rb, ra);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> resolve(Map<String, Object> j) {
        List<Object> strings = (List<Object>) j.get("strings");
        List<Object> nodes = (List<Object>) j.get("nodes"), edges = (List<Object>) j.get("edges");
        List<Object> n2 = new ArrayList<>(), e2 = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i += 6) {
            n2.add(List.of(nodes.get(i), strings.get(((Double) nodes.get(i + 1)).intValue()), nodes.get(i + 2), nodes.get(i + 3), nodes.get(i + 4)));
        }
        for (int i = 0; i < edges.size(); i += 3) {
            int t = ((Double) edges.get(i)).intValue();
            boolean indexed = EdgeType.values()[t].isIndexed();
            Object name = indexed ? edges.get(i + 1) : strings.get(((Double) edges.get(i + 1)).intValue());
            e2.add(List.of(edges.get(i), name, edges.get(i + 2)));
        }
        Map<String, Object> out = new HashMap<>();
        out.put("nodes", n2);
        out.put("edges", e2);
        return out;
    }
}
