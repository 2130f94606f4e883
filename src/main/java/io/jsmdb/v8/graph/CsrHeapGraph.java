package io.jsmdb.v8.graph;

import io.jsmdb.v8.heap.WalkStats;
import java.util.Arrays;

/**
 * The heap graph in compressed sparse rows: one primitive array per node field and per edge
 * field, so 8 M objects and 40 M references fit in about 600 MB of Java heap (node: 8-byte
 * address, 1-byte type, 4-byte name id, 4-byte self size, 4-byte first edge = 21 bytes; edge:
 * 4-byte target, 1-byte type, 4-byte name id or index = 9 bytes). Node and edge names are ids
 * into one deduplicated string table, which a snapshot writer uses as its "strings" as is.
 *
 * <p>Nodes: 0 the synthetic root, 1 "(GC roots)", then one synthetic node per root category,
 * then the heap objects in ascending address order from {@link #firstObjectNode()} (so
 * {@link #nodeOf} is a binary search). Built by {@link HeapGraphBuilder}; immutable.
 */
public final class CsrHeapGraph implements HeapGraph {
    /** What the build met on its way: counts that say how complete the graph is. */
    public record Stats(long objectsWalked, long objectsLeftOut, long edgesDropped, long rootsDropped,
                        long rootsWeak, WalkStats walk, long nanos) {
        /**
         * @param objectsWalked objects the heap walk visited
         * @param objectsLeftOut of those, objects the model says V8's snapshot leaves out
         * @param edgesDropped references to an address that is no node (not an object start,
         *                     or an object left out): dropped, as V8 never makes such an edge
         * @param rootsDropped roots whose target is no node
         * @param rootsWeak weak roots kept (as weak edges)
         * @param walk the heap walk's own figures (bytes not walked, partial pages), or null
         * @param nanos the build's wall time
         */
        public Stats {}
    }

    private final long[] address;
    private final byte[] type;
    private final int[] name;
    private final int[] selfSize;
    private final int[] firstEdge;
    private final int[] edgeTarget;
    private final byte[] edgeType;
    private final int[] edgeName;
    private final String[] strings;
    private final int firstObject;
    private final Stats stats;
    private static final NodeType[] NODE_TYPES = NodeType.values();
    private static final EdgeType[] EDGE_TYPES = EdgeType.values();

    CsrHeapGraph(long[] address, byte[] type, int[] name, int[] selfSize, int[] firstEdge,
                 int[] edgeTarget, byte[] edgeType, int[] edgeName, String[] strings, int firstObject, Stats stats) {
        this.address = address;
        this.type = type;
        this.name = name;
        this.selfSize = selfSize;
        this.firstEdge = firstEdge;
        this.edgeTarget = edgeTarget;
        this.edgeType = edgeType;
        this.edgeName = edgeName;
        this.strings = strings;
        this.firstObject = firstObject;
        this.stats = stats;
    }

    @Override public int nodeCount() { return address.length; }
    @Override public int edgeCount() { return edgeTarget.length; }
    @Override public long address(int node) { return address[node]; }

    /** The first heap-object node; nodes before it are synthetic. */
    public int firstObjectNode() { return firstObject; }

    public Stats stats() { return stats; }

    @Override
    public int nodeOf(long addr) {
        int i = Arrays.binarySearch(address, firstObject, address.length, addr);
        return i >= 0 ? i : -1;
    }

    @Override public NodeType type(int node) { return NODE_TYPES[type[node]]; }
    @Override public String name(int node) { return strings[name[node]]; }
    @Override public long selfSize(int node) { return selfSize[node]; }
    @Override public int firstEdge(int node) { return firstEdge[node]; }
    @Override public int edgeEnd(int node) { return firstEdge[node + 1]; }
    @Override public EdgeType edgeType(int edge) { return EDGE_TYPES[edgeType[edge]]; }
    @Override public int edgeTarget(int edge) { return edgeTarget[edge]; }

    @Override
    public String edgeName(int edge) {
        int v = edgeName[edge];
        return EDGE_TYPES[edgeType[edge]].isIndexed() ? Integer.toString(v) : strings[v];
    }

    @Override
    public int edgeIndex(int edge) {
        return EDGE_TYPES[edgeType[edge]].isIndexed() ? edgeName[edge] : -1;
    }

    // ---- the raw ids, for a writer that shares the string table

    /** The node type's ordinal (the number a .heapsnapshot stores). */
    public int typeOrdinal(int node) { return type[node]; }
    /** The node name's id in {@link #strings()}. */
    public int nameId(int node) { return name[node]; }
    public int edgeTypeOrdinal(int edge) { return edgeType[edge]; }
    /** A named edge's name id in {@link #strings()}, an indexed edge's index. */
    public int edgeNameOrIndex(int edge) { return edgeName[edge]; }
    /** The number of strings in the table. */
    public int stringCount() { return strings.length; }
    public String string(int id) { return strings[id]; }
}
