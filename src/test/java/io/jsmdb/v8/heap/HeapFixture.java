package io.jsmdb.v8.heap;

import io.jsmdb.cmd.CommandRunner;
import io.jsmdb.cmd.DcmdRegistry;
import io.jsmdb.core.MemoryFault;
import io.jsmdb.node.NodeTarget;
import io.jsmdb.testing.TestCores.TestCore;
import io.jsmdb.testing.TestCores;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The heap fixture's cores, opened once per version and shared by the tests, with the address of
 * the one JsmdbValues instance: {@code ::findjsobjects -c JsmdbValues | ::findjsobjects} lists the
 * instances V8's heap holds, and the live one is the instance whose {@code marker} field holds the
 * oracle's {@code valuesMarker} (a string unique to that process) and whose {@code smi} is 42.
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
                V8Heap heap = t.heap();
                String marker = (String) tc.oracle().get("valuesMarker");
                if (marker == null) throw new AssertionError(tc.name() + ": oracle has no valuesMarker (run cores/make-cores)");
                CommandRunner.Captured r = CommandRunner.runCaptured(DcmdRegistry.standard(), t, "::findjsobjects -c JsmdbValues | ::findjsobjects");
                if (r.status() != CommandRunner.Status.OK) throw new AssertionError(tc.name() + ": ::findjsobjects -c JsmdbValues: " + r.err());
                List<Long> live = new ArrayList<>();
                for (String line : r.out().split("\n")) {
                    if (line.isBlank()) continue;
                    long a = Long.parseUnsignedLong(line.strip(), 16);
                    if (isTheInstance(heap, t, a, marker)) live.add(a);
                }
                if (live.size() != 1) {
                    throw new AssertionError(tc.name() + ": " + live.size() + " JsmdbValues instances hold " + marker + " (of " + r.out().strip() + ")");
                }
                return new Opened(tc, t, heap, live.getFirst());
            } catch (Exception e) {
                throw new AssertionError(tc.name() + ": " + e, e);
            }
        });
    }

    /** The live instance: its marker is the oracle's and it holds smi: 42 as the fixture stored it. */
    private static boolean isTheInstance(V8Heap heap, NodeTarget t, long obj, String marker) {
        try {
            if (!plausible(heap, obj)) return false;
            if (heap.properties().ownDataProperty(obj, "smi").orElse(0) != (42L << t.metadata().smiShift())) return false;
            var m = heap.properties().ownDataProperty(obj, "marker");
            if (m.isEmpty() || heap.kindOf(m.getAsLong()) != JsKind.STRING) return false;
            V8Strings.JsString s = heap.strings().readString(m.getAsLong(), marker.length() + 1);
            return !s.truncated() && s.text().equals(marker);
        } catch (MemoryFault | HeapException e) {
            return false;
        }
    }

    /** The object's properties and elements words are heap objects with valid maps (or a Smi hash). */
    static boolean plausible(V8Heap heap, long obj) {
        try {
            long props = heap.field(obj, 8), elems = heap.field(obj, 16);
            if (!heap.isSmi(props) && !heap.isMap(heap.mapOf(props))) return false;
            if (!heap.isHeapObject(elems) || !heap.isMap(heap.mapOf(elems))) return false;
            // every property value is a Smi or a valid heap object (a stale copy in C++ memory is not)
            for (V8Properties.Property p : heap.properties().properties(obj, 4096)) {
                long v = p.value();
                if (!heap.isSmi(v) && !(heap.isHeapObject(v) && heap.isMap(heap.mapOf(v)))) return false;
            }
            return true;
        } catch (MemoryFault | HeapException e) {
            return false;
        }
    }
}
