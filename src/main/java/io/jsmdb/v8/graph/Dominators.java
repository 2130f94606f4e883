package io.jsmdb.v8.graph;

import java.util.Arrays;

/**
 * The dominator tree of a {@link HeapGraph} from its root (node 0) and every node's retained
 * size, as Chrome DevTools computes them (HeapSnapshot.ts, buildDominatorTreeAndCalculateRetainedSizes),
 * so a figure here means what the same figure means in DevTools' Summary and Containment views.
 *
 * <p>Which references count (DevTools' "essential" edges, see {@link EssentialEdges}): weak
 * references never retain; a self reference is ignored; a shortcut edge counts only from the root
 * (V8 puts one from the root to each global object: the user roots); an edge into an object the
 * global objects own ("page-owned": reachable from a user root) from an object they do not own is
 * ignored, so a handle or a stack slot that also holds a user object does not take its ownership
 * away from the object tree; and a WeakMap's value is retained through its key, not through the
 * WeakMap's table (V8 gives both an edge named "part of key ... pair in WeakMap").
 *
 * <p>Nodes the root does not reach over those edges are garbage a core still holds (or objects
 * only weak references hold): as DevTools does, each one whose every reference is non-essential
 * starts a search of its own hung under the root, and what is left after that hangs under the
 * root one by one, so every node has a dominator and a retained size; {@link #isReachable} tells
 * them apart. One difference from DevTools, which never sees garbage (V8 collects before it takes
 * a snapshot): a reference from garbage to a live object is not a path to it, so the live
 * objects' dominators are those of the live graph alone.
 *
 * <p>The algorithm is Lengauer and Tarjan's ("A fast algorithm for finding dominators in a
 * flowgraph", 1979) in its simple form (path compression, O(E log N)), on int arrays with an
 * explicit stack for the depth-first search and for path compression: no recursion, so a chain
 * of millions of objects is fine. Memory while it runs: about 40 bytes per node plus 4 per
 * essential edge (plus 1 bit per edge); afterwards 12 bytes per node (dominator, retained size)
 * and 1 bit.
 */
public final class Dominators {
    private final HeapGraph graph;
    private final int[] idom;
    private final long[] retained;
    /** Bit per node: reached from the root over essential edges. */
    private final long[] reachable;
    private final int reachableCount;
    private final long nanos;

    private Dominators(HeapGraph graph, int[] idom, long[] retained, long[] reachable, int reachableCount, long nanos) {
        this.graph = graph;
        this.idom = idom;
        this.retained = retained;
        this.reachable = reachable;
        this.reachableCount = reachableCount;
        this.nanos = nanos;
    }

    /** The dominator tree of g. cancel is polled (it throws to stop) every few thousand nodes. */
    public static Dominators compute(HeapGraph g, Runnable cancel) {
        long t0 = System.nanoTime();
        int n = g.nodeCount();
        if (n <= 0) throw new IllegalArgumentException("the heap graph has no nodes");
        int r = g.rootNode();
        EssentialEdges ess = EssentialEdges.of(g, cancel);

        // predecessors over essential edges, grouped by target (CSR)
        int[] predStart = new int[n + 1];
        for (int v = 0; v < n; v++) {
            if ((v & 0xfff) == 0) cancel.run();
            for (int e = g.firstEdge(v), end = g.edgeEnd(v); e < end; e++) {
                if (ess.isEssential(e)) predStart[g.edgeTarget(e) + 1]++;
            }
        }
        for (int v = 0; v < n; v++) predStart[v + 1] += predStart[v];
        int[] preds = new int[predStart[n]];
        int[] fill = Arrays.copyOf(predStart, n);
        for (int v = 0; v < n; v++) {
            if ((v & 0xfff) == 0) cancel.run();
            for (int e = g.firstEdge(v), end = g.edgeEnd(v); e < end; e++) {
                if (ess.isEssential(e)) preds[fill[g.edgeTarget(e)]++] = v;
            }
        }
        fill = null;

        Lt lt = new Lt(g, ess, n, cancel);
        lt.dfs(r, -1);
        int reachableCount = lt.count;
        long[] reachable = new long[(n + 63) >>> 6];
        for (int i = 1; i <= reachableCount; i++) {
            int v = lt.vertex[i];
            reachable[v >>> 6] |= 1L << v;
        }
        // garbage: first the nodes only non-essential references point at, each the start of a
        // search hung under the root; then the rest (cycles of garbage), one by one
        long[] artificial = new long[(n + 63) >>> 6];
        if (lt.count < n) {
            for (int v = 0; v < n; v++) {
                if ((v & 0xfff) == 0) cancel.run();
                if (lt.semi[v] == 0 && predStart[v] == predStart[v + 1]) {
                    artificial[v >>> 6] |= 1L << v;
                    lt.dfs(v, r);
                }
            }
        }
        if (lt.count < n) {
            for (int v = 0; v < n; v++) {
                if (lt.semi[v] != 0) continue;
                artificial[v >>> 6] |= 1L << v;
                lt.visit(v, r);
            }
        }
        int[] idom = lt.dominators(predStart, preds, artificial, reachable);
        preds = null;

        long[] retained = new long[n];
        for (int v = 0; v < n; v++) retained[v] = g.selfSize(v);
        // children before their dominators: the reverse of the search's order
        for (int i = lt.count; i >= 2; i--) {
            int w = lt.vertex[i];
            retained[idom[w]] += retained[w];
        }
        return new Dominators(g, idom, retained, reachable, reachableCount, System.nanoTime() - t0);
    }

    /** The Lengauer-Tarjan state, indexed by node; DFS numbers start at 1 (0: not visited). */
    private static final class Lt {
        final HeapGraph g;
        final EssentialEdges ess;
        final Runnable cancel;
        final int[] semi, vertex, parent, ancestor, label;
        int[] cursor;
        int count;

        Lt(HeapGraph g, EssentialEdges ess, int n, Runnable cancel) {
            this.g = g;
            this.ess = ess;
            this.cancel = cancel;
            semi = new int[n];
            vertex = new int[n + 1];
            parent = new int[n];
            ancestor = new int[n];
            label = new int[n];
            cursor = new int[n];
        }

        void visit(int v, int parentNode) {
            parent[v] = parentNode;
            semi[v] = ++count;
            vertex[count] = v;
            label[v] = v;
            cursor[v] = g.firstEdge(v);
            if ((count & 0xfff) == 0) cancel.run();
        }

        /** Iterative depth-first search from start over essential edges (start's parent: parentNode). */
        void dfs(int start, int parentNode) {
            visit(start, parentNode);
            int v = start;
            while (v >= 0) {
                int next = -1;
                for (int end = g.edgeEnd(v); cursor[v] < end; ) {
                    int e = cursor[v]++;
                    if (!ess.isEssential(e)) continue;
                    int w = g.edgeTarget(e);
                    if (semi[w] == 0) {
                        visit(w, v);
                        next = w;
                        break;
                    }
                }
                if (next >= 0) v = next;
                else v = v == start ? -1 : parent[v];
            }
        }

        /** Immediate dominators of every visited node (the root's is itself). */
        int[] dominators(int[] predStart, int[] preds, long[] artificial, long[] reachable) {
            int n = semi.length;
            int root = vertex[1];
            cursor = null;
            Arrays.fill(ancestor, -1);
            int[] dom = new int[n];
            int[] bucketHead = new int[n];
            Arrays.fill(bucketHead, -1);
            int[] bucketNext = new int[n];
            int[] stack = new int[n];
            for (int i = count; i >= 2; i--) {
                if ((i & 0xfff) == 0) cancel.run();
                int w = vertex[i];
                int s = semi[w];
                if ((artificial[w >>> 6] & (1L << w)) != 0) {
                    // hung under the root by an edge the graph does not have: the root is a predecessor
                    s = semi[root];
                } else {
                    boolean live = (reachable[w >>> 6] & (1L << w)) != 0;
                    for (int k = predStart[w], end = predStart[w + 1]; k < end; k++) {
                        int v = preds[k];
                        // garbage holding a live object is no path to it (a V8 snapshot has no
                        // garbage, a core may): live objects get the dominators of the live graph
                        if (live && (reachable[v >>> 6] & (1L << v)) == 0) continue;
                        int u = eval(v, stack);
                        if (semi[u] < s) s = semi[u];
                    }
                }
                semi[w] = s;
                int b = vertex[s];
                bucketNext[w] = bucketHead[b];
                bucketHead[b] = w;
                int p = parent[w];
                ancestor[w] = p;
                for (int v = bucketHead[p]; v >= 0; v = bucketNext[v]) {
                    int u = eval(v, stack);
                    dom[v] = semi[u] < semi[v] ? u : p;
                }
                bucketHead[p] = -1;
            }
            dom[root] = root;
            for (int i = 2; i <= count; i++) {
                int w = vertex[i];
                if (dom[w] != vertex[semi[w]]) dom[w] = dom[dom[w]];
            }
            return dom;
        }

        private int eval(int v0, int[] stack) {
            if (ancestor[v0] < 0) return v0;
            // path compression without recursion
            int sp = 0;
            for (int v = v0; ancestor[ancestor[v]] >= 0; v = ancestor[v]) stack[sp++] = v;
            while (sp > 0) {
                int w = stack[--sp];
                int a = ancestor[w];
                if (semi[label[a]] < semi[label[w]]) label[w] = label[a];
                ancestor[w] = ancestor[a];
            }
            return label[v0];
        }
    }

    public HeapGraph graph() { return graph; }

    /** The node's immediate dominator; the root's is the root. */
    public int dominator(int node) {
        return idom[node];
    }

    /** The bytes the node keeps alive: its self size and that of every node it dominates. */
    public long retainedSize(int node) {
        return retained[node];
    }

    /** True when the root reaches the node over references that retain (not garbage, not only weakly held). */
    public boolean isReachable(int node) {
        return (reachable[node >>> 6] & (1L << node)) != 0;
    }

    /** Nodes the root reaches over references that retain. */
    public int reachableCount() {
        return reachableCount;
    }

    /** How long compute took. */
    public long nanos() {
        return nanos;
    }

    /**
     * The retained size of each group of nodes, counting each node once: for group g, the sum of
     * the retained sizes of its members that no other member of g dominates (a member inside
     * another member's retained set is already in that member's figure). groupOf[node] is the
     * node's group (0..groups-1) or -1. This is DevTools' "Retained Size" of a class in the
     * Summary view. A walk of the dominator tree with an explicit stack.
     */
    public long[] groupRetained(int[] groupOf, int groups, Runnable cancel) {
        int n = idom.length;
        if (groupOf.length != n) throw new IllegalArgumentException("groupOf has " + groupOf.length + " entries for " + n + " nodes");
        int root = graph.rootNode();
        // the dominator tree's children lists
        int[] first = new int[n + 1];
        for (int v = 0; v < n; v++) if (v != root) first[idom[v] + 1]++;
        for (int v = 0; v < n; v++) first[v + 1] += first[v];
        int[] children = new int[first[n]];
        int[] fill = Arrays.copyOf(first, n);
        for (int v = 0; v < n; v++) if (v != root) children[fill[idom[v]]++] = v;
        fill = null;
        int members = 0;
        for (int v = 0; v < n; v++) if (groupOf[v] >= 0) members++;

        long[] out = new long[groups];
        int[] active = new int[groups];
        // a member pushes ~member to leave its group's count when its subtree is done
        int[] stack = new int[n + members + 1];
        int sp = 0, steps = 0;
        stack[sp++] = root;
        while (sp > 0) {
            if ((++steps & 0xfff) == 0) cancel.run();
            int x = stack[--sp];
            if (x < 0) {
                active[groupOf[~x]]--;
                continue;
            }
            int grp = groupOf[x];
            if (grp >= 0) {
                if (active[grp] == 0) out[grp] += retained[x];
                active[grp]++;
                stack[sp++] = ~x;
            }
            for (int k = first[x]; k < first[x + 1]; k++) stack[sp++] = children[k];
        }
        return out;
    }
}
