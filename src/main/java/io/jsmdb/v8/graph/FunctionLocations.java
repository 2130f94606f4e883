package io.jsmdb.v8.graph;

import io.jsmdb.core.MemoryFault;
import io.jsmdb.v8.heap.HeapException;
import io.jsmdb.v8.heap.V8Heap;
import io.jsmdb.v8.heap.V8Functions;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The snapshot's "locations", as V8HeapExplorer::ExtractLocation gives them: a closure's
 * definition site, and for a JavaScript object the site of its map's constructor function:
 * the Script's id, and the 0-based line and column (with the script's line and column offsets)
 * of SharedFunctionInfo::StartPosition. Functions without a Script (builtins, API functions)
 * have none. Cached per SharedFunctionInfo; reads the heap through V8Heap, never throws.
 */
public final class FunctionLocations implements HeapSnapshotWriter.Locations {
    private static final int[] NONE = new int[0];
    private final V8Heap heap;
    private final Map<Long, int[]> bySfi = new HashMap<>();

    public FunctionLocations(V8Heap heap) {
        this.heap = heap;
    }

    @Override
    public boolean locate(HeapGraph graph, int node, int[] out) {
        long addr = graph.address(node);
        if (addr == 0) return false;
        int[] loc;
        synchronized (heap) {
            try {
                long fn;
                if (graph.type(node) == NodeType.CLOSURE) {
                    fn = addr;
                } else {
                    long map = heap.mapOf(addr);
                    if (!heap.isJSObjectType(heap.instanceType(map))) return false;
                    OptionalLong c = heap.constructorFunction(map);
                    if (c.isEmpty()) return false;
                    fn = c.getAsLong();
                }
                if (!heap.isJSFunctionType(heap.typeOf(fn))) return false;
                long sfi = heap.functions().functionShared(fn);
                loc = bySfi.get(sfi);
                if (loc == null) {
                    loc = compute(sfi);
                    bySfi.put(sfi, loc);
                }
            } catch (RuntimeException e) { // MemoryFault, HeapException: a damaged object has no location
                return false;
            }
        }
        if (loc.length == 0) return false;
        out[0] = loc[0];
        out[1] = loc[1];
        out[2] = loc[2];
        return true;
    }

    private int[] compute(long sfi) {
        try {
            long script = heap.functions().sfiScript(sfi);
            if (script == 0) return NONE;
            long id = heap.field(script, heap.metadata().scriptIdOffset());
            if (!heap.isSmi(id)) return NONE;
            int start = heap.functions().startPosition(sfi);
            if (start < 0) return NONE;
            V8Functions.LineColumn lc = heap.functions().lineColumn(script, start);
            if (lc == null) return NONE;
            return new int[] {(int) heap.smiValue(id), lc.line() - 1, lc.column() - 1};
        } catch (MemoryFault | HeapException e) {
            return NONE;
        }
    }
}
