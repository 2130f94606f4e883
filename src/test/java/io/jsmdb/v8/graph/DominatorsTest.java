package io.jsmdb.v8.graph;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Dominators and retained sizes on synthetic graphs, held against DevTools' rules and a brute force. */
class DominatorsTest {
    private static final Runnable NO_CANCEL = () -> {};

    /** A graph with a global object (the root's shortcut, as V8 makes it). */
    private static int global(TestGraph g) {
        int gl = g.object("global", 100);
        g.edge(0, EdgeType.SHORTCUT, "1", gl);
        return gl;
    }

    @Test
    void diamond() {
        TestGraph g = new TestGraph();
        int gl = global(g);
        int a = g.object("A", 10), b = g.object("B", 20), c = g.object("C", 30), d = g.object("D", 40);
        g.property(gl, "a", a).property(gl, "b", b).property(a, "c", c).property(b, "c", c).property(c, "d", d);
        Dominators dom = Dominators.compute(g.build(), NO_CANCEL);
        assertEquals(gl, dom.dominator(a));
        assertEquals(gl, dom.dominator(b));
        assertEquals(gl, dom.dominator(c), "two paths join at c: only the global object dominates it");
        assertEquals(c, dom.dominator(d));
        assertEquals(0, dom.dominator(gl));
        assertEquals(0, dom.dominator(0));
        assertEquals(10, dom.retainedSize(a), "a shares c with b: it retains only itself");
        assertEquals(70, dom.retainedSize(c));
        assertEquals(200, dom.retainedSize(gl));
        assertEquals(200, dom.retainedSize(0));
        for (int v = 0; v < g.nodeCount(); v++) assertTrue(dom.isReachable(v));
    }

    @Test
    void cycle() {
        TestGraph g = new TestGraph();
        int gl = global(g);
        int x = g.object("X", 8), y = g.object("Y", 16), z = g.object("Z", 32);
        g.property(gl, "x", x).property(x, "y", y).property(y, "x", x).property(y, "z", z).property(z, "self", z);
        Dominators dom = Dominators.compute(g.build(), NO_CANCEL);
        assertEquals(gl, dom.dominator(x));
        assertEquals(x, dom.dominator(y));
        assertEquals(y, dom.dominator(z));
        assertEquals(56, dom.retainedSize(x));
        assertEquals(32, dom.retainedSize(z), "a self reference changes nothing");
    }

    @Test
    void weakEdgesDoNotRetain() {
        TestGraph g = new TestGraph();
        int gl = global(g);
        int a = g.object("A", 10), b = g.object("B", 20), w = g.object("W", 40), wc = g.object("WChild", 5);
        g.weak(gl, "a", a).property(gl, "b", b).property(b, "a", a);
        g.weak(gl, "w", w).property(w, "child", wc);
        Dominators dom = Dominators.compute(g.build(), NO_CANCEL);
        assertEquals(b, dom.dominator(a), "the weak edge from the global object does not count");
        assertEquals(30, dom.retainedSize(b));
        assertFalse(dom.isReachable(w), "only a weak edge points at w");
        assertFalse(dom.isReachable(wc));
        assertEquals(0, dom.dominator(w), "an object only weakly held hangs under the root, as in DevTools");
        assertEquals(w, dom.dominator(wc));
        assertEquals(45, dom.retainedSize(w));
        assertEquals(130, dom.retainedSize(gl), "the global object does not retain what it holds weakly");
        assertEquals(175, dom.retainedSize(0), "the root's figure counts every node once");
        assertEquals(4, dom.reachableCount());
    }

    @Test
    void unreachableNodesHangUnderTheRoot() {
        TestGraph g = new TestGraph();
        int gl = global(g);
        int p = g.object("P", 1), q = g.object("Q", 2), r = g.object("R", 4);
        // a garbage cycle (each held by the other) and what it holds
        g.property(p, "q", q).property(q, "p", p).property(q, "r", r);
        Dominators dom = Dominators.compute(g.build(), NO_CANCEL);
        assertFalse(dom.isReachable(p));
        assertEquals(0, dom.dominator(p));
        assertEquals(0, dom.dominator(q));
        assertEquals(0, dom.dominator(r), "r is held by q, itself hung under the root as garbage");
        assertEquals(107, dom.retainedSize(0));
        assertEquals(100, dom.retainedSize(gl));
    }

    @Test
    void aGcRootDoesNotTakeAPageObjectAwayFromTheGlobalObject() {
        TestGraph g = new TestGraph();
        int gl = global(g);
        int gcRoots = g.node(NodeType.SYNTHETIC, "(GC roots)", 0);
        int handles = g.node(NodeType.SYNTHETIC, "(Global handles)", 0);
        int obj = g.object("Held", 10), only = g.object("OnlyByHandle", 20);
        g.element(0, 1, gcRoots).element(gcRoots, 1, handles);
        g.internal(handles, "1", obj).internal(handles, "2", only);
        g.property(gl, "held", obj);
        Dominators dom = Dominators.compute(g.build(), NO_CANCEL);
        assertEquals(gl, dom.dominator(obj), "the handle's edge into the global object's tree is not essential");
        assertEquals(handles, dom.dominator(only));
        assertEquals(110, dom.retainedSize(gl));
        assertEquals(20, dom.retainedSize(handles));
    }

    @Test
    void shortcutsCountOnlyFromTheRoot() {
        TestGraph g = new TestGraph();
        int gl = global(g);
        int a = g.object("A", 1), b = g.object("B", 2), c = g.object("C", 4);
        g.property(gl, "a", a).edge(a, EdgeType.SHORTCUT, "b", b).property(gl, "c", c).property(c, "b", b);
        Dominators dom = Dominators.compute(g.build(), NO_CANCEL);
        assertEquals(c, dom.dominator(b));
    }

    @Test
    void aWeakMapValueIsRetainedThroughItsKey() {
        TestGraph g = new TestGraph();
        int gl = global(g);
        int wm = g.object("WeakMap", 24), table = g.node(NodeType.ARRAY, "system / EphemeronHashTable", 64);
        int key = g.object("Key", 16), value = g.object("Value", 32);
        String pair = "part of key (Key @3) -> value (Value @5) pair in WeakMap (table @7)";
        g.property(gl, "wm", wm).internal(wm, "table", table);
        g.weak(table, "3", key).weak(table, "4", value).internal(table, "3 / " + pair, value);
        g.property(gl, "key", key).internal(key, "2 / " + pair, value);
        Dominators dom = Dominators.compute(g.build(), NO_CANCEL);
        assertEquals(key, dom.dominator(value), "the table's ephemeron edge is ignored");
        assertEquals(48, dom.retainedSize(key));
        assertEquals(88, dom.retainedSize(wm));
    }

    @Test
    void groupRetainedCountsANestedMemberOnce() {
        TestGraph g = new TestGraph();
        int gl = global(g);
        int a1 = g.object("Node", 10), a2 = g.object("Node", 10), a3 = g.object("Node", 10);
        int s1 = g.node(NodeType.STRING, "payload", 5), s2 = g.node(NodeType.STRING, "payload", 5);
        int b = g.object("Other", 7);
        // a1 -> a2 (a2 inside a1's retained set), a3 on its own, b holds a3 and a string
        g.property(gl, "a1", a1).property(a1, "next", a2).property(a2, "s", s1);
        g.property(gl, "b", b).property(b, "a3", a3).property(a3, "s", s2);
        Dominators dom = Dominators.compute(g.build(), NO_CANCEL);
        int[] groupOf = new int[g.nodeCount()];
        java.util.Arrays.fill(groupOf, -1);
        groupOf[a1] = groupOf[a2] = groupOf[a3] = 0;
        groupOf[b] = 1;
        long[] r = dom.groupRetained(groupOf, 2, NO_CANCEL);
        assertEquals(25 + 15, r[0], "a1's 25 bytes include a2's 15: a2 is not counted again");
        assertEquals(22, r[1], "b retains a3 (another group's member) as well: a group's figure is its instances' retained sizes");
    }

    @Test
    void agreesWithABruteForceOnRandomGraphs() {
        Random rnd = new Random(9);
        for (int round = 0; round < 40; round++) {
            TestGraph g = new TestGraph();
            int n = 2 + rnd.nextInt(60);
            int[] ids = new int[n];
            for (int i = 0; i < n; i++) ids[i] = g.object("N" + i, 1 + rnd.nextInt(100));
            for (int i = 0; i < 1 + rnd.nextInt(3); i++) g.edge(0, EdgeType.SHORTCUT, "u" + i, ids[rnd.nextInt(n)]);
            int m = rnd.nextInt(3 * n);
            for (int i = 0; i < m; i++) {
                int a = ids[rnd.nextInt(n)], b = ids[rnd.nextInt(n)];
                if (rnd.nextInt(8) == 0) g.weak(a, "w" + i, b);
                else g.property(a, "p" + i, b);
            }
            g.build();
            Dominators dom = Dominators.compute(g, NO_CANCEL);
            int[] expected = bruteForceIdom(g);
            for (int v = 1; v < g.nodeCount(); v++) {
                if (expected[v] == -2) {
                    assertFalse(dom.isReachable(v), "round " + round + " node " + v);
                    continue;
                }
                assertTrue(dom.isReachable(v), "round " + round + " node " + v);
                assertEquals(expected[v], dom.dominator(v), "round " + round + " node " + v);
            }
            // retained = self sizes of the nodes each one dominates (among the reachable)
            for (int v = 0; v < g.nodeCount(); v++) {
                if (!dom.isReachable(v)) continue;
                long sum = 0;
                for (int w = 0; w < g.nodeCount(); w++) {
                    if (!dom.isReachable(w)) continue;
                    for (int x = w; ; x = dom.dominator(x)) {
                        if (x == v) {
                            sum += g.selfSize(w);
                            break;
                        }
                        if (x == 0) break;
                    }
                }
                if (v != 0) assertEquals(sum, dom.retainedSize(v), "round " + round + " retained of " + v);
            }
        }
    }

    /** Immediate dominators by definition (d dominates v when removing d cuts v off); -2: unreachable. */
    private static int[] bruteForceIdom(TestGraph g) {
        int n = g.nodeCount();
        BitSet all = reach(g, -1);
        int[] idom = new int[n];
        List<BitSet> doms = new ArrayList<>();
        for (int v = 0; v < n; v++) {
            BitSet d = new BitSet();
            if (all.get(v)) {
                for (int x = 0; x < n; x++) if (x == v || x == 0 || !reach(g, x).get(v)) d.set(x);
            }
            doms.add(d);
        }
        for (int v = 0; v < n; v++) {
            if (!all.get(v)) {
                idom[v] = -2;
                continue;
            }
            if (v == 0) continue;
            // the strict dominator that every other strict dominator dominates
            BitSet strict = (BitSet) doms.get(v).clone();
            strict.clear(v);
            int best = 0;
            for (int d = strict.nextSetBit(0); d >= 0; d = strict.nextSetBit(d + 1)) {
                if (doms.get(d).cardinality() > doms.get(best).cardinality()) best = d;
            }
            idom[v] = best;
        }
        return idom;
    }

    /** Nodes the root reaches over non-weak, non-self edges, with node `without` removed. */
    private static BitSet reach(TestGraph g, int without) {
        BitSet seen = new BitSet();
        if (without == 0) return seen;
        java.util.ArrayDeque<Integer> q = new java.util.ArrayDeque<>();
        seen.set(0);
        q.add(0);
        while (!q.isEmpty()) {
            int v = q.poll();
            for (int e = g.firstEdge(v); e < g.edgeEnd(v); e++) {
                if (g.edgeType(e) == EdgeType.WEAK) continue;
                int c = g.edgeTarget(e);
                if (c == without || seen.get(c)) continue;
                seen.set(c);
                q.add(c);
            }
        }
        return seen;
    }

    /** A chain of a million objects: no recursion anywhere, so no stack overflow; time and memory printed. */
    @Test
    void aChainOfAMillionNodes() {
        int n = 1_000_000;
        TestGraph g = new TestGraph();
        int prev = global(g);
        int firstLink = -1;
        for (int i = 0; i < n; i++) {
            int v = g.object("Link", 32);
            if (firstLink < 0) firstLink = v;
            g.property(prev, "next", v);
            prev = v;
        }
        g.build();
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long before = rt.totalMemory() - rt.freeMemory();
        Dominators dom = Dominators.compute(g, NO_CANCEL);
        long after = rt.totalMemory() - rt.freeMemory();
        assertEquals(firstLink, dom.dominator(firstLink + 1));
        assertEquals(prev - 1, dom.dominator(prev));
        assertEquals(32L * n, dom.retainedSize(firstLink));
        assertEquals(32, dom.retainedSize(prev));
        int[] groups = new int[g.nodeCount()];
        java.util.Arrays.fill(groups, -1);
        for (int v = firstLink; v <= prev; v++) groups[v] = 0;
        assertEquals(32L * n, dom.groupRetained(groups, 1, NO_CANCEL)[0], "one chain is counted once");
        System.out.printf("Dominators: chain of %,d nodes: %d ms, heap grew by %,d bytes while kept%n", n, dom.nanos() / 1_000_000, after - before);
    }
}
