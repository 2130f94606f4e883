package io.jsmdb.v8.graph;

import java.util.Arrays;

/**
 * A small in-memory {@link HeapGraph} for tests, built node by node: add nodes, then edges in any
 * order; {@link #build} sorts the edges by source (stable, so each node keeps its edges' order).
 * Node 0 is the root ("(root)", synthetic). Addresses are 0x1000 * node + 1 for non-synthetic
 * nodes (tagged, like V8's).
 */
final class TestGraph implements HeapGraph {
    private int nodes;
    private NodeType[] types = new NodeType[16];
    private String[] names = new String[16];
    private long[] sizes = new long[16];

    private int edges;
    private int[] from = new int[16], to = new int[16], index = new int[16];
    private EdgeType[] etypes = new EdgeType[16];
    private String[] enames = new String[16];

    // built
    private int[] first;
    private int[] eTo, eIndex;
    private EdgeType[] eType;
    private String[] eName;

    TestGraph() {
        node(NodeType.SYNTHETIC, "(root)", 0);
    }

    int node(NodeType type, String name, long size) {
        if (nodes == types.length) {
            int n = nodes * 2;
            types = Arrays.copyOf(types, n);
            names = Arrays.copyOf(names, n);
            sizes = Arrays.copyOf(sizes, n);
        }
        types[nodes] = type;
        names[nodes] = name;
        sizes[nodes] = size;
        first = null;
        return nodes++;
    }

    /** An object node named name (a constructor name) of size bytes. */
    int object(String name, long size) {
        return node(NodeType.OBJECT, name, size);
    }

    TestGraph edge(int a, EdgeType t, String name, int b) {
        return add(a, t, name, t.isIndexed() ? Integer.parseInt(name) : -1, b);
    }

    TestGraph property(int a, String name, int b) { return edge(a, EdgeType.PROPERTY, name, b); }
    TestGraph internal(int a, String name, int b) { return edge(a, EdgeType.INTERNAL, name, b); }
    TestGraph weak(int a, String name, int b) { return edge(a, EdgeType.WEAK, name, b); }
    TestGraph element(int a, int i, int b) { return add(a, EdgeType.ELEMENT, String.valueOf(i), i, b); }

    private TestGraph add(int a, EdgeType t, String name, int idx, int b) {
        if (edges == from.length) {
            int n = edges * 2;
            from = Arrays.copyOf(from, n);
            to = Arrays.copyOf(to, n);
            index = Arrays.copyOf(index, n);
            etypes = Arrays.copyOf(etypes, n);
            enames = Arrays.copyOf(enames, n);
        }
        from[edges] = a;
        to[edges] = b;
        index[edges] = idx;
        etypes[edges] = t;
        enames[edges] = name;
        edges++;
        first = null;
        return this;
    }

    /** Groups the edges by source node (counting sort: stable). */
    TestGraph build() {
        first = new int[nodes + 1];
        for (int i = 0; i < edges; i++) first[from[i] + 1]++;
        for (int v = 0; v < nodes; v++) first[v + 1] += first[v];
        int[] fill = Arrays.copyOf(first, nodes);
        eTo = new int[edges];
        eIndex = new int[edges];
        eType = new EdgeType[edges];
        eName = new String[edges];
        for (int i = 0; i < edges; i++) {
            int at = fill[from[i]]++;
            eTo[at] = to[i];
            eIndex[at] = index[i];
            eType[at] = etypes[i];
            eName[at] = enames[i];
        }
        return this;
    }

    private void built() {
        if (first == null) build();
    }

    @Override public int nodeCount() { return nodes; }
    @Override public int edgeCount() { return edges; }
    @Override public long address(int node) { return types[node] == NodeType.SYNTHETIC ? 0 : 0x1000L * node + 1; }

    @Override
    public int nodeOf(long address) {
        if ((address & 0xfff) != 1) return -1;
        long n = address / 0x1000;
        return n > 0 && n < nodes && types[(int) n] != NodeType.SYNTHETIC ? (int) n : -1;
    }

    @Override public NodeType type(int node) { return types[node]; }
    @Override public String name(int node) { return names[node]; }
    @Override public long selfSize(int node) { return sizes[node]; }
    @Override public int firstEdge(int node) { built(); return first[node]; }
    @Override public int edgeEnd(int node) { built(); return first[node + 1]; }
    @Override public EdgeType edgeType(int edge) { built(); return eType[edge]; }
    @Override public int edgeTarget(int edge) { built(); return eTo[edge]; }
    @Override public String edgeName(int edge) { built(); return eName[edge]; }
    @Override public int edgeIndex(int edge) { built(); return eIndex[edge]; }
}
