package io.jsmdb.v8.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Shortest retainer paths from the root of a {@link HeapGraph} to any node, as Chrome DevTools'
 * Retainers pane finds them: one breadth-first search of the whole graph over references that are
 * not weak (HeapSnapshot.ts, calculateDistances), kept with each node's distance and the edge it
 * was first reached by, and an index of every node's retainers.
 *
 * <p>The search goes as DevTools' does: first from the user roots (the root's edges to objects,
 * V8's shortcuts to the global objects), so a program's objects are reached through their global
 * object; then from the root for the rest (what only GC roots hold). It leaves out the edges
 * DevTools leaves out of distances: a native context's {@code sloppy_function_map}, the key and
 * detail slots of a "(map descriptors)" array (maps may share descriptor arrays, so those links
 * are not valid for all of them), and of the two edges V8 gives a WeakMap value (from the key and
 * from the table) the first met, so the value is placed after both. Nodes only those edges reach
 * are then reached by a last pass that takes every edge but weak ones, so "no distance" means
 * exactly: no strong path from the root (garbage a core still holds, or only weakly held).
 *
 * <p>Memory: 12 bytes per node and 4 per edge (the retainer index), int arrays.
 */
public final class RetainerPaths {
    /** DevTools' distance of the root when user roots exist (HeapSnapshotModel.baseSystemDistance). */
    public static final int BASE_SYSTEM_DISTANCE = 100_000_000;
    private static final int NONE = -1;

    private final HeapGraph graph;
    private final int[] distance;
    private final int[] parentEdge;
    private final int[] retainerStart;
    private final int[] retainerEdges;
    private final long nanos;

    /** One path: nodes[0] is the root, nodes[last] the target; edges[i] leads from nodes[i] to nodes[i+1]. */
    public record Path(int[] nodes, int[] edges) {
        public int target() { return nodes[nodes.length - 1]; }
        public int length() { return edges.length; }
    }

    /** How the root reaches a node. */
    public enum Reach {
        /** By references that are not weak. */
        STRONG,
        /** Only weak references from reachable objects point at it: the next GC frees it. */
        WEAK_ONLY,
        /** No reachable object points at it: garbage the core still holds. */
        UNREACHABLE
    }

    private RetainerPaths(HeapGraph graph, int[] distance, int[] parentEdge, int[] retainerStart, int[] retainerEdges, long nanos) {
        this.graph = graph;
        this.distance = distance;
        this.parentEdge = parentEdge;
        this.retainerStart = retainerStart;
        this.retainerEdges = retainerEdges;
        this.nanos = nanos;
    }

    /** Distances and the retainer index of g. cancel is polled (it throws to stop). */
    public static RetainerPaths compute(HeapGraph g, Runnable cancel) {
        long t0 = System.nanoTime();
        int n = g.nodeCount();
        if (n <= 0) throw new IllegalArgumentException("the heap graph has no nodes");
        int root = g.rootNode();
        int[] dist = new int[n];
        Arrays.fill(dist, NONE);
        int[] parent = new int[n];
        Arrays.fill(parent, NONE);
        int[] queue = new int[n];
        int tail = 0;
        Filter filter = new Filter(g);

        for (int e = g.firstEdge(root), end = g.edgeEnd(root); e < end; e++) {
            int c = g.edgeTarget(e);
            if (c == root || g.type(c) == NodeType.SYNTHETIC || dist[c] != NONE || g.edgeType(e) == EdgeType.WEAK) continue;
            dist[c] = 1;
            parent[c] = e;
            queue[tail++] = c;
        }
        tail = bfs(g, queue, 0, tail, dist, parent, filter, cancel);
        int head = tail;
        dist[root] = tail > 0 ? BASE_SYSTEM_DISTANCE : 0;
        queue[tail++] = root;
        tail = bfs(g, queue, head, tail, dist, parent, filter, cancel);
        // what only the filtered edges reach: still reachable, so it gets a distance too
        tail = bfs(g, queue, 0, tail, dist, parent, null, cancel);

        // the retainer index: every edge, grouped by target
        int[] start = new int[n + 1];
        int edges = g.edgeCount();
        for (int v = 0; v < n; v++) {
            if ((v & 0xfff) == 0) cancel.run();
            for (int e = g.firstEdge(v), end = g.edgeEnd(v); e < end; e++) start[g.edgeTarget(e) + 1]++;
        }
        for (int v = 0; v < n; v++) start[v + 1] += start[v];
        int[] byTarget = new int[edges];
        int[] fill = Arrays.copyOf(start, n);
        for (int v = 0; v < n; v++) {
            if ((v & 0xfff) == 0) cancel.run();
            for (int e = g.firstEdge(v), end = g.edgeEnd(v); e < end; e++) byTarget[fill[g.edgeTarget(e)]++] = e;
        }
        return new RetainerPaths(g, dist, parent, start, byTarget, System.nanoTime() - t0);
    }

    /** Breadth-first from queue[head, tail), appending what it reaches; filter null: every edge but weak ones. */
    private static int bfs(HeapGraph g, int[] queue, int head, int tail, int[] dist, int[] parent, Filter filter, Runnable cancel) {
        while (head < tail) {
            if ((head & 0xfff) == 0) cancel.run();
            int v = queue[head++];
            int d = dist[v] + 1;
            for (int e = g.firstEdge(v), end = g.edgeEnd(v); e < end; e++) {
                if (g.edgeType(e) == EdgeType.WEAK) continue;
                int c = g.edgeTarget(e);
                if (dist[c] != NONE) continue;
                if (filter != null && !filter.follows(v, e)) continue;
                dist[c] = d;
                parent[c] = e;
                queue[tail++] = c;
            }
        }
        return tail;
    }

    /** DevTools' distance filter (JSHeapSnapshot.calculateDistances). */
    private static final class Filter {
        final HeapGraph g;
        final Set<String> pendingEphemerons = new HashSet<>();

        Filter(HeapGraph g) {
            this.g = g;
        }

        boolean follows(int holder, int e) {
            NodeType ht = g.type(holder);
            // the edge's kind first: an indexed edge's name would be a new string each time
            if (ht == NodeType.HIDDEN && g.edgeType(e) == EdgeType.INTERNAL && "sloppy_function_map".equals(g.edgeName(e))
                    && "system / NativeContext".equals(g.name(holder))) {
                return false;
            }
            if (ht == NodeType.ARRAY && "(map descriptors)".equals(g.name(holder))) {
                int index = g.edgeType(e).isIndexed() ? g.edgeIndex(e) : parseIndex(g.edgeName(e));
                // [0] the number of descriptors, [1] the enum cache; then key, details, value per descriptor
                return index < 2 || index % 3 != 1;
            }
            if (g.edgeType(e) == EdgeType.INTERNAL) {
                String name = g.edgeName(e);
                if (EssentialEdges.isEphemeronName(name)) {
                    // the two edges differ only in their "N / " prefix: skip the first of the pair
                    String pair = name.substring(name.indexOf(" / ") + 1);
                    if (!pendingEphemerons.remove(pair)) {
                        pendingEphemerons.add(pair);
                        return false;
                    }
                }
            }
            return true;
        }

        private static int parseIndex(String s) {
            if (s == null || s.isEmpty() || s.length() > 9) return -1;
            int v = 0;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') return -1;
                v = v * 10 + (c - '0');
            }
            return v;
        }
    }

    public HeapGraph graph() { return graph; }

    /** How long compute took. */
    public long nanos() { return nanos; }

    /**
     * The node's distance from the root as DevTools shows it (1 for a global object; what only GC
     * roots hold counts from {@link #BASE_SYSTEM_DISTANCE}), or -1: no strong path reaches it.
     */
    public int distance(int node) {
        return distance[node];
    }

    /** The number of edges that point at the node (every kind, weak ones too). */
    public int retainerCount(int node) {
        return retainerStart[node + 1] - retainerStart[node];
    }

    /** The i-th edge that points at the node. */
    public int retainerEdge(int node, int i) {
        return retainerEdges[retainerStart[node] + i];
    }

    /** The node an edge starts from (a binary search of the graph's edge ranges). */
    public int source(int edge) {
        int lo = 0, hi = graph.nodeCount() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (graph.firstEdge(mid) <= edge) lo = mid;
            else hi = mid - 1;
        }
        // nodes without edges share their first edge with the next one: the last of them is the holder
        return lo;
    }

    /** How the root reaches node: strongly, only through weak references, or not at all. */
    public Reach reach(int node) {
        if (distance[node] != NONE) return Reach.STRONG;
        for (int i = retainerStart[node]; i < retainerStart[node + 1]; i++) {
            int e = retainerEdges[i];
            if (graph.edgeType(e) == EdgeType.WEAK && distance[source(e)] != NONE) return Reach.WEAK_ONLY;
        }
        return Reach.UNREACHABLE;
    }

    /**
     * Up to max paths from the root to target, as the Retainers pane lists them: one per direct
     * retainer (a different last holder each), nearest retainer first (by distance, then by edge
     * kind: properties, elements, context variables and shortcuts before V8's internal fields and
     * hidden references, then in the graph's order). The first is a shortest path; each other is
     * the shortest path through its retainer (distances as the search measures them: a retainer
     * reached only through an edge DevTools leaves out of distances counts the longer way). Empty
     * when no strong path reaches target (see
     * {@link #reach}). The root itself has one path of no edges.
     */
    public List<Path> paths(int target, int max) {
        List<Path> out = new ArrayList<>();
        if (max <= 0 || distance[target] == NONE) return out;
        int root = graph.rootNode();
        if (target == root) {
            out.add(new Path(new int[]{root}, new int[0]));
            return out;
        }
        int count = retainerCount(target);
        long[] keys = new long[count];
        int k = 0;
        for (int i = 0; i < count; i++) {
            int e = retainerEdge(target, i);
            if (graph.edgeType(e) == EdgeType.WEAK) continue;
            int s = source(e);
            if (s == target || distance[s] == NONE) continue;
            // distance (31 bits; the root's own edges first), kind rank (2 bits), retainer slot
            long d = s == root ? 0 : distance[s];
            keys[k++] = (d << 32) | ((long) rank(graph.edgeType(e)) << 30) | i;
        }
        keys = Arrays.copyOf(keys, k);
        Arrays.sort(keys);
        Set<Integer> holders = new HashSet<>();
        for (long key : keys) {
            if (out.size() >= max) break;
            int e = retainerEdge(target, (int) (key & ((1 << 30) - 1)));
            int s = source(e);
            if (holders.contains(s)) continue;
            Path p = pathThrough(s, e, target);
            // a holder the search reached through target itself (a cycle back to it) is no path to it
            if (p == null) continue;
            holders.add(s);
            out.add(p);
        }
        return out;
    }

    private static int rank(EdgeType t) {
        return switch (t) {
            case PROPERTY, ELEMENT, CONTEXT, SHORTCUT -> 0;
            case INTERNAL -> 1;
            default -> 2;
        };
    }

    /** The search's path from the root to holder, then the edge to target; null if it passes target. */
    private Path pathThrough(int holder, int lastEdge, int target) {
        int root = graph.rootNode();
        List<Integer> edges = new ArrayList<>();
        edges.add(lastEdge);
        int v = holder;
        // parent edges form a tree, so this ends at the root; the bound is for a damaged graph
        for (int steps = 0; v != root && steps < distance.length; steps++) {
            int e = parentEdge[v];
            if (e == NONE) break;
            edges.add(e);
            v = source(e);
            if (v == target) return null;
        }
        int len = edges.size();
        int[] es = new int[len];
        int[] ns = new int[len + 1];
        ns[0] = v;
        for (int i = 0; i < len; i++) {
            es[i] = edges.get(len - 1 - i);
            ns[i + 1] = graph.edgeTarget(es[i]);
        }
        ns[len] = target;
        return new Path(ns, es);
    }
}
