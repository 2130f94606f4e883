package io.jsmdb.v8.graph;

/**
 * The references that retain, for the dominator tree: Chrome DevTools' "essential" edges
 * (HeapSnapshot.ts, computeIsEssentialEdge), one bit per edge.
 *
 * <ul>
 * <li>a weak edge never retains;
 * <li>a self edge is ignored;
 * <li>a shortcut edge retains only from the root (V8's edges from the root to the global objects,
 *     HeapSnapshotGenerator's SetUserGlobalReference; elsewhere a shortcut repeats a real path);
 * <li>from any node but the root, an edge into a page-owned node from a node that is not
 *     page-owned is ignored. Page-owned: reached from the root's shortcut targets (the user roots)
 *     or "(Document DOM trees)" over edges that are not weak (markPageOwnedNodes). So what the
 *     global object's tree holds is owned by that tree, even when a handle or a stack slot holds
 *     it as well;
 * <li>a WeakMap value is retained through its key, not through the table: V8 gives both the key
 *     and the EphemeronHashTable an internal edge to the value named "… part of key (…) -> value
 *     (…) pair in WeakMap (table @…)" (ExtractEphemeronHashTableReferences); the table's is
 *     ignored. The table is recognised without snapshot ids: it is the one of the two that also
 *     holds the value by a weak edge (V8's table holds keys and values weakly).
 * </ul>
 */
final class EssentialEdges {
    private final long[] bits;
    private final long[] pageOwned;

    private EssentialEdges(long[] bits, long[] pageOwned) {
        this.bits = bits;
        this.pageOwned = pageOwned;
    }

    boolean isEssential(int edge) {
        return (bits[edge >>> 6] & (1L << edge)) != 0;
    }

    boolean isPageOwned(int node) {
        return (pageOwned[node >>> 6] & (1L << node)) != 0;
    }

    static EssentialEdges of(HeapGraph g, Runnable cancel) {
        int n = g.nodeCount(), root = g.rootNode();
        long[] owned = pageOwned(g, cancel);
        long[] bits = new long[(g.edgeCount() + 63) >>> 6];
        for (int v = 0; v < n; v++) {
            if ((v & 0xfff) == 0) cancel.run();
            boolean vOwned = (owned[v >>> 6] & (1L << v)) != 0;
            for (int e = g.firstEdge(v), end = g.edgeEnd(v); e < end; e++) {
                EdgeType t = g.edgeType(e);
                if (t == EdgeType.WEAK) continue;
                int c = g.edgeTarget(e);
                if (c == v) continue;
                if (v != root) {
                    if (t == EdgeType.SHORTCUT) continue;
                    if (!vOwned && (owned[c >>> 6] & (1L << c)) != 0) continue;
                    if (t == EdgeType.INTERNAL && isEphemeronTableEdge(g, v, e, c)) continue;
                }
                bits[e >>> 6] |= 1L << e;
            }
        }
        return new EssentialEdges(bits, owned);
    }

    /** Page-owned nodes (see the class comment), one bit each. */
    static long[] pageOwned(HeapGraph g, Runnable cancel) {
        int n = g.nodeCount(), root = g.rootNode();
        long[] owned = new long[(n + 63) >>> 6];
        int[] stack = new int[n];
        int sp = 0;
        for (int e = g.firstEdge(root), end = g.edgeEnd(root); e < end; e++) {
            int c = g.edgeTarget(e);
            EdgeType t = g.edgeType(e);
            boolean entry = t == EdgeType.SHORTCUT
                    || (t == EdgeType.ELEMENT && g.type(c) == NodeType.SYNTHETIC && "(Document DOM trees)".equals(g.name(c)));
            if (!entry || (owned[c >>> 6] & (1L << c)) != 0) continue;
            owned[c >>> 6] |= 1L << c;
            stack[sp++] = c;
        }
        int steps = 0;
        while (sp > 0) {
            if ((++steps & 0xfff) == 0) cancel.run();
            int v = stack[--sp];
            for (int e = g.firstEdge(v), end = g.edgeEnd(v); e < end; e++) {
                if (g.edgeType(e) == EdgeType.WEAK) continue;
                int c = g.edgeTarget(e);
                if ((owned[c >>> 6] & (1L << c)) != 0) continue;
                owned[c >>> 6] |= 1L << c;
                stack[sp++] = c;
            }
        }
        return owned;
    }

    /** The marker V8 puts in the name of the two edges of a WeakMap entry into its value. */
    static final String EPHEMERON_MARK = " pair in WeakMap (table @";

    static boolean isEphemeronName(String name) {
        return name != null && name.length() > 40 && name.contains(EPHEMERON_MARK);
    }

    /** An ephemeron edge from the table (not the key): the holder also holds the value weakly. */
    private static boolean isEphemeronTableEdge(HeapGraph g, int holder, int edge, int value) {
        if (!isEphemeronName(g.edgeName(edge))) return false;
        for (int e = g.firstEdge(holder), end = g.edgeEnd(holder); e < end; e++) {
            if (g.edgeType(e) == EdgeType.WEAK && g.edgeTarget(e) == value) return true;
        }
        return false;
    }
}
