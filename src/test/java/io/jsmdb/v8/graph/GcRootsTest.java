package io.jsmdb.v8.graph;

import static org.junit.jupiter.api.Assertions.*;

import io.jsmdb.core.AddressSpace;
import io.jsmdb.core.MemoryFault;
import io.jsmdb.core.ThreadState;
import io.jsmdb.node.NodeTarget;
import io.jsmdb.testing.TestCores;
import io.jsmdb.v8.frames.Frame;
import io.jsmdb.v8.heap.HeapFixture;
import io.jsmdb.v8.heap.V8Heap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The GC roots of the main isolate on the fixtures' cores of every Node version. */
class GcRootsTest {
    static Stream<String> versions() {
        return TestCores.VERSIONS.stream();
    }

    record Root(String category, String name, long target, boolean weak) {}

    /**
     * {read-only roots, strong roots} in V8's own heap snapshot of each binary (the edges of its
     * "(Read-only roots)" and "(Strong roots)" / "(Strong root list)" nodes, written by
     * v8.writeHeapSnapshot() in a fixture run of that node). The roots table is fixed per binary.
     */
    static final Map<String, int[]> V8_ROOTS_TABLE = Map.of(
            "16.20.2", new int[] {590, 76}, "18.20.8", new int[] {697, 81}, "20.20.2", new int[] {739, 85},
            "22.23.3", new int[] {760, 96}, "24.21.0", new int[] {1028, 104}, "25.9.0", new int[] {1042, 100},
            "26.12.1", new int[] {1049, 99});

    /**
     * {eternal handles, startup object cache, shareable object cache} in V8's own snapshot of each
     * binary: fixed once node has started (node's per-isolate eternals, the deserializer's caches;
     * V8 9.4 has no shareable cache).
     */
    static final Map<String, int[]> V8_FIXED_HOLDERS = Map.of(
            "16.20.2", new int[] {355, 9178, 0}, "18.20.8", new int[] {385, 4842, 4997}, "20.20.2", new int[] {487, 5790, 5594},
            "22.23.3", new int[] {553, 4898, 7116}, "24.21.0", new int[] {543, 5320, 7703}, "25.9.0", new int[] {520, 5142, 7328},
            "26.12.1", new int[] {536, 5216, 8204});

    /** Edges of "(Builtins)" in V8's own snapshot: every builtin, then (V8 11+) the tier-0 table's copies. */
    static final Map<String, Integer> V8_BUILTINS = Map.of("16.20.2", 1726, "18.20.8", 2064, "20.20.2", 2189,
            "22.23.3", 2311, "24.21.0", 2391, "25.9.0", 2148, "26.12.1", 2422);

    private static List<Root> roots(RootSource s) {
        List<Root> out = new ArrayList<>();
        s.forEachRoot((c, n, t, w) -> out.add(new Root(c, n, t, w)));
        return out;
    }

    private static Set<Long> targets(List<Root> roots, String category, boolean weak) {
        Set<Long> out = new HashSet<>();
        for (Root r : roots) if (r.category().equals(category) && r.weak() == weak) out.add(r.target());
        return out;
    }

    /**
     * The heap fixture's JsmdbValues instance is a property of the main global object
     * (globalThis.jsmdbValues): that global object is reported under the snapshot root, and its
     * native context is a strong root; node's process object is held by a strong global handle
     * (Environment's process_object); the roots table names its entries.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void heapAbortCore(String version) {
        HeapFixture.Opened o = HeapFixture.get(version);
        GcRoots gc = (GcRoots) o.target().gcRoots();
        assertSame(gc, o.target().gcRoots(), "built once per target");
        List<Root> roots = roots(gc);
        String name = o.core().name();
        System.out.println(name + ": " + gc.countsByCategory() + "; isolate " + gc.how().get("isolate"));
        assertEquals(List.of(), gc.problems(), name);
        V8Heap h = o.heap();

        // the main global object: the one holding jsmdbValues, linked from the snapshot root
        List<Long> mains = new ArrayList<>();
        int extension = o.target().metadata().get(io.jsmdb.v8.V8Fact.CONTEXT_HEADER_SIZE) + 8 * io.jsmdb.v8.Fallbacks.CONTEXT_EXTENSION_INDEX;
        for (Root r : roots) {
            if (!r.category().equals(GcRoots.SNAPSHOT_ROOT)) continue;
            long g = r.target();
            if (version.startsWith("26.")) { // V8 14.6's snapshot links the native context, whose extension is the global
                assertEquals("NATIVE_CONTEXT_TYPE", h.typeName(h.typeOf(g)), name);
                g = h.field(g, extension);
            }
            assertEquals("JS_GLOBAL_OBJECT_TYPE", h.typeName(h.typeOf(g)), name);
            if (h.properties().ownDataProperty(g, "jsmdbValues").orElse(0) == o.values()) mains.add(g);
        }
        assertEquals(1, mains.size(), name + ": global objects holding jsmdbValues");
        long global = mains.getFirst();
        // ... and its native context is a strong root (a global handle of node's Environment)
        boolean contextRooted = false;
        for (Root r : roots) {
            if (r.weak() || r.category().equals(GcRoots.SNAPSHOT_ROOT)) continue;
            try {
                if (!h.typeName(h.typeOf(r.target())).equals("NATIVE_CONTEXT_TYPE")) continue;
            } catch (RuntimeException e) {
                continue;
            }
            long ext = h.field(r.target(), extension);
            if (ext == global) contextRooted = true;
        }
        assertTrue(contextRooted, name + ": the main native context is a strong root");

        // global handles: many, node's process object among the strong ones
        long handles = roots.stream().filter(r -> r.category().equals(GcRoots.GLOBAL_HANDLES)).count();
        assertTrue(handles > 50, name + ": " + handles + " global handles");
        Set<Long> strongHandles = targets(roots, GcRoots.GLOBAL_HANDLES, false);
        boolean process = false;
        for (long t : strongHandles) {
            try {
                if (h.constructorNameOf(t).orElse("").equals("process")) process = true;
            } catch (RuntimeException e) {
                // not a JS object
            }
        }
        assertTrue(process, name + ": no strong global handle holds node's process object");

        // the roots table: named entries, read-only ones first
        long undefined = gc.root("undefined_value").orElseThrow();
        assertEquals("ODDBALL_TYPE", h.typeName(h.typeOf(undefined)), name);
        assertTrue(roots.contains(new Root(GcRoots.READ_ONLY_ROOTS, "undefined_value", undefined, false)), name);
        // each read-only or strong root is named by the first roots-table entry holding its target (as V8's
        // GetStrongGcSubrootName: a strong root still holding empty_fixed_array is named "empty_fixed_array")
        int strong = 0;
        for (Root r : roots) {
            if (!r.category().equals(GcRoots.READ_ONLY_ROOTS) && !r.category().equals(gc.strongRootsCategory())) continue;
            assertNotNull(r.name(), name + ": " + r);
            assertEquals(r.target(), gc.root(r.name()).orElseThrow(), name + ": " + r);
            if (r.category().equals(gc.strongRootsCategory())) strong++;
        }
        // V8's own heap snapshots of these binaries (v8.writeHeapSnapshot) have exactly this many
        // edges under "(Read-only roots)" and "(Strong roots)" / "(Strong root list)"
        int[] v8 = V8_ROOTS_TABLE.get(version);
        assertEquals(v8[0], gc.countsByCategory().get(GcRoots.READ_ONLY_ROOTS), name + ": read-only roots");
        assertEquals(v8[1], strong, name + ": strong roots");
        assertEquals(version.compareTo("20") < 0 ? "(Strong roots)" : version.startsWith("20.") ? "(Strong roots)" : "(Strong root list)",
                gc.strongRootsCategory(), name);
        // every root targets an object start (a heap pointer whose map word is a Map)
        for (Root r : roots) assertTrue(gc.isObjectStart(r.target()), name + ": " + r);
        // eternal handles: node keeps its per-isolate strings and templates there
        assertTrue(targets(roots, GcRoots.ETERNAL_HANDLES, false).size() > 100, name);
    }

    /** The receiver and arguments of every JS frame ::jsstack shows are stack roots, on each abort core. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void stackRootsHoldTheFramesValues(String version) throws Exception {
        for (String fixture : List.of("stack", "deopt", "async")) {
            TestCores.TestCore c = TestCores.get(version, fixture, TestCores.ABORT);
            try (NodeTarget t = NodeTarget.open(c.node(), c.core(), List.of())) {
                GcRoots gc = (GcRoots) t.gcRoots();
                List<Root> roots = roots(gc);
                System.out.println(c.name() + ": " + gc.countsByCategory());
                assertEquals(List.of(), gc.problems(), c.name());
                Set<Long> stack = targets(roots, GcRoots.STACK_ROOTS, false);
                int checked = 0;
                ThreadState dying = t.core().threads().getFirst();
                for (Frame f : t.stackWalker().walk(dying)) {
                    if (f.kind() != Frame.Kind.JS || f.js() == null) continue;
                    List<Long> values = new ArrayList<>();
                    values.add(f.js().receiver());
                    if (f.js().args() != null) for (long a : f.js().args()) values.add(a);
                    if (f.js().function() != 0) values.add(f.js().function());
                    for (long v : values) {
                        if (!gc.isObjectStart(v)) continue; // Smis and unknown words are no references
                        assertTrue(stack.contains(v), String.format("%s: %s's value %#x is no stack root", c.name(), f.js().displayName(), v));
                        checked++;
                    }
                }
                assertTrue(checked >= 3, c.name() + ": only " + checked + " frame values checked");
                // the gcore of an idle process has no JS frames: no stack roots, by V8's rules too
            }
        }
    }

    /**
     * A corrupt isolate: every word of it after the roots table points at itself (so every holder
     * the isolate points to "is" the isolate, every list links to itself), or the roots table is
     * unreadable. Nothing throws, nothing hangs, the problems are named in one line each.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void corruptIsolate(String version) throws Exception {
        HeapFixture.Opened o = HeapFixture.get(version);
        NodeTarget t = o.target();
        GcRoots good = (GcRoots) t.gcRoots();
        long iso = good.isolate();
        assertNotEquals(0, iso);
        // the isolate's own words after the roots table (its C++ holders' pointers) all point at themselves
        long from = good.rootsTable() + 8L * 2000, to = iso + 0x20000;
        AddressSpace selfPointing = new Patched(t.core(), from, to, a -> a);
        GcRoots bad = find(t, selfPointing);
        assertFalse(bad.problems().isEmpty());
        assertTrue(bad.problems().stream().anyMatch(p -> p.startsWith("global handles:")), bad.problems().toString());
        assertEquals(good.countsByCategory().get(GcRoots.READ_ONLY_ROOTS), bad.countsByCategory().get(GcRoots.READ_ONLY_ROOTS));
        for (String p : bad.problems()) assertFalse(p.contains("\n"), p);

        // the roots table unreadable: no read-only or strong roots, a one-line problem, the rest still tried
        AddressSpace unreadable = new Patched(t.core(), good.rootsTable() - 64, good.rootsTable() + 4096, a -> {
            throw new MemoryFault(a, 8, "patched out");
        });
        GcRoots noTable = find(t, unreadable);
        assertTrue(noTable.problems().stream().anyMatch(p -> p.startsWith("roots table:")), noTable.problems().toString());
        assertNull(noTable.countsByCategory().get(GcRoots.READ_ONLY_ROOTS));
    }

    private static GcRoots find(NodeTarget t, AddressSpace mem) {
        return GcRoots.find(mem, t.core().threads(), t.nodeBinary(), t.metadata(), t.heapPages(), t.heap(), t.stackWalker());
    }

    /** The core's memory with the words in [from, to) replaced by f(address) (or a fault f throws). */
    record Patched(AddressSpace base, long from, long to, java.util.function.LongUnaryOperator f) implements AddressSpace {
        private boolean patched(long addr) { return addr >= from && addr < to; }
        public boolean isReadable(long addr, long len) { return base.isReadable(addr, len); }
        public byte readByte(long addr) {
            return patched(addr) ? (byte) (f.applyAsLong(addr & ~7L) >>> (8 * (addr & 7))) : base.readByte(addr);
        }
        public short readShort(long addr) { return (short) ((readByte(addr) & 0xff) | (readByte(addr + 1) << 8)); }
        public int readInt(long addr) { return (readShort(addr) & 0xffff) | (readShort(addr + 2) << 16); }
        public long readLong(long addr) {
            if (patched(addr) && (addr & 7) == 0) return f.applyAsLong(addr);
            return (readInt(addr) & 0xffffffffL) | ((long) readInt(addr + 4) << 32);
        }
        public byte[] readBytes(long addr, int len) {
            byte[] b = new byte[len];
            for (int i = 0; i < len; i++) b[i] = readByte(addr + i);
            return b;
        }
    }

    /** Per-category counts of the heap gcore of every version (printed for the report; each holder found). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void heapGcoreCore(String version) throws Exception {
        TestCores.TestCore c = TestCores.get(version, "heap", TestCores.GCORE);
        try (NodeTarget t = NodeTarget.open(c.node(), c.core(), List.of())) {
            GcRoots gc = (GcRoots) t.gcRoots();
            Map<String, Integer> counts = gc.countsByCategory();
            System.out.println(c.name() + ": " + counts);
            assertEquals(List.of(), gc.problems(), c.name());
            assertTrue(counts.getOrDefault(GcRoots.GLOBAL_HANDLES, 0) > 50, c.name());
            assertTrue(counts.getOrDefault(GcRoots.SNAPSHOT_ROOT, 0) >= 1, c.name());
            assertNull(counts.get(GcRoots.STACK_ROOTS), c.name() + ": the idle main thread runs no JavaScript");
            int[] v8 = V8_FIXED_HOLDERS.get(version);
            assertEquals(v8[0], counts.getOrDefault(GcRoots.ETERNAL_HANDLES, 0), c.name() + ": eternal handles");
            assertEquals(v8[1], counts.getOrDefault(GcRoots.STARTUP_OBJECT_CACHE, 0), c.name() + ": startup object cache");
            assertEquals(v8[2], counts.getOrDefault(GcRoots.SHAREABLE_OBJECT_CACHE, 0), c.name() + ": shareable object cache");
            assertEquals(V8_BUILTINS.get(version), counts.getOrDefault(GcRoots.BUILTINS, 0), c.name() + ": builtins");
            for (String holder : List.of("roots table", "isolate", "global handles", "eternal handles", "handle scopes", "microtask queue",
                    "string table", "external strings", "object caches", "builtins")) {
                assertTrue(gc.how().containsKey(holder), c.name() + ": " + holder + " not found");
            }
        }
    }
}
