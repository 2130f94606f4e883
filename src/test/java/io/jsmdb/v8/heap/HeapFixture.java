package io.jsmdb.v8.heap;

import io.jsmdb.core.CoreFile;
import io.jsmdb.core.LoadSegment;
import io.jsmdb.core.MemoryFault;
import io.jsmdb.node.NodeTarget;
import io.jsmdb.testing.TestCores;
import io.jsmdb.testing.TestCores.TestCore;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The heap fixture's cores, opened once per version and shared by the tests, with the address of
 * the one JsmdbValues instance, found by a bounded scan of the core's writable segments for an
 * object whose map's constructor is named JsmdbValues.
 */
public final class HeapFixture {
    public record Opened(TestCore core, NodeTarget target, V8Heap heap, long values) {}

    private static final Map<String, Opened> OPEN = new ConcurrentHashMap<>();

    private HeapFixture() {}

    /** The heap-abort core of version, opened once; AssertionError if missing. */
    public static Opened get(String version) {
        return OPEN.computeIfAbsent(version, v -> {
            TestCore tc = TestCores.get(v, "heap", TestCores.ABORT);
            try {
                NodeTarget t = NodeTarget.open(tc.node(), tc.core(), List.of());
                V8Heap heap = new V8Heap(t.core(), t.metadata());
                // The live instance: a stale copy of it may sit in C++ memory (e.g. the heap
                // snapshot's buffers); the real one holds smi: 42 as the fixture stored it.
                long values = findInstance(t.core(), heap, "JsmdbValues", o -> heap.ownDataProperty(o, "smi").orElse(0)
                        == (42L << t.metadata().smiShift()))
                        .orElseThrow(() -> new AssertionError(tc.name() + ": no JsmdbValues instance found"));
                return new Opened(tc, t, heap, values);
            } catch (Exception e) {
                throw new AssertionError(tc.name() + ": " + e, e);
            }
        });
    }

    /** The object's properties and elements words are heap objects with valid maps (or a Smi hash). */
    static boolean plausible(V8Heap heap, long obj) {
        try {
            long props = heap.field(obj, 8), elems = heap.field(obj, 16);
            if (!heap.isSmi(props) && !heap.isMap(heap.mapOf(props))) return false;
            if (!heap.isHeapObject(elems) || !heap.isMap(heap.mapOf(elems))) return false;
            // every property value is a Smi or a valid heap object (a stale copy in C++ memory is not)
            for (V8Heap.Property p : heap.properties(obj, 4096)) {
                long v = p.value();
                if (!heap.isSmi(v) && !(heap.isHeapObject(v) && heap.isMap(heap.mapOf(v)))) return false;
            }
            return true;
        } catch (MemoryFault | HeapException e) {
            return false;
        }
    }

    /**
     * The first object (tagged address) in a writable segment whose map's constructor name is
     * name. A word W at address A is a candidate map when W is tagged; the map check and its
     * constructor name are cached per distinct W.
     */
    public static Optional<Long> findInstance(CoreFile core, V8Heap heap, String name, java.util.function.LongPredicate accept) {
        Map<Long, Boolean> verdict = new HashMap<>();
        for (LoadSegment s : core.loadSegments()) {
            if ((s.flags() & 2) == 0 || s.filesz() == 0) continue;
            long a = s.vaddr();
            while (a < s.end()) {
                Optional<MemorySegment> seg = core.segmentAt(a, s.end() - a);
                if (seg.isEmpty()) {
                    a = (a + 4096) & ~4095L;
                    continue;
                }
                MemorySegment m = seg.get();
                long n = m.byteSize() / 8;
                for (long i = 0; i < n; i++) {
                    long w = m.get(ValueLayout.JAVA_LONG_UNALIGNED, i * 8);
                    if ((w & 3) != 1 || w < 0x10000) continue;
                    Boolean ok = verdict.get(w);
                    if (ok == null) {
                        ok = false;
                        try {
                            if (heap.isMap(w) && heap.isJSObjectType(heap.instanceType(w))) {
                                ok = heap.constructorName(w).map(name::equals).orElse(false);
                            }
                        } catch (MemoryFault | HeapException e) {
                            ok = false;
                        }
                        verdict.put(w, ok);
                    }
                    if (ok && plausible(heap, a + i * 8 + 1) && accept.test(a + i * 8 + 1)) return Optional.of(a + i * 8 + 1);
                }
                a += m.byteSize();
            }
        }
        return Optional.empty();
    }
}
