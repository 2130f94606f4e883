package io.jsmdb.v8.graph;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Dominators and retainer paths on a heap-shaped synthetic graph of a million nodes and five
 * million edges (a spanning tree from the global object, cross references, 5 % weak ones, a
 * thousand garbage nodes): the results hold together, and the time and the peak Java heap each
 * analysis takes are printed (the figures quoted in docs and reports come from here).
 */
class GraphScaleTest {
    /** Nodes and edges as int arrays: the shape of the real graph's storage, without a String per edge. */
    static final class CompactGraph implements HeapGraph {
        private static final EdgeType[] TYPES = EdgeType.values();
        final int n;
        final int[] first, to;
        final byte[] type;
        final long[] size;

        CompactGraph(int n, int[] first, int[] to, byte[] type, long[] size) {
            this.n = n;
            this.first = first;
            this.to = to;
            this.type = type;
            this.size = size;
        }

        @Override public int nodeCount() { return n; }
        @Override public int edgeCount() { return to.length; }
        @Override public long address(int node) { return node == 0 ? 0 : 16L * node + 1; }
        @Override public int nodeOf(long address) { return (int) ((address - 1) / 16); }
        @Override public NodeType type(int node) { return node == 0 ? NodeType.SYNTHETIC : NodeType.OBJECT; }
        @Override public String name(int node) { return node == 0 ? "(root)" : "Object"; }
        @Override public long selfSize(int node) { return size[node]; }
        @Override public int firstEdge(int node) { return first[node]; }
        @Override public int edgeEnd(int node) { return first[node + 1]; }
        @Override public EdgeType edgeType(int edge) { return TYPES[type[edge]]; }
        @Override public int edgeTarget(int edge) { return to[edge]; }
        @Override public String edgeName(int edge) { return "p"; }
        @Override public int edgeIndex(int edge) { return -1; }
    }

    static CompactGraph heapLike(int n, int edgesPerNode, long seed) {
        Random rnd = new Random(seed);
        int m = n * edgesPerNode;
        int[] first = new int[n + 1];
        int[] to = new int[m];
        byte[] type = new byte[m];
        long[] size = new long[n];
        int garbage = 1000;
        int e = 0;
        for (int v = 0; v < n; v++) {
            first[v] = e;
            size[v] = v == 0 ? 0 : 16 + 8 * rnd.nextInt(8);
            if (v == 0) {
                to[e] = 1;
                type[e++] = (byte) EdgeType.SHORTCUT.ordinal();
                continue;
            }
            // the spanning tree: v's children are about edgesPerNode * v .. (a heap's fan-out)
            for (int k = 0; k < edgesPerNode && e < m; k++) {
                int c;
                if (k == 0) c = Math.min(n - garbage - 1, v + 1 + rnd.nextInt(4));
                else c = 1 + rnd.nextInt(n - 1);
                to[e] = c;
                type[e++] = (byte) (rnd.nextInt(20) == 0 ? EdgeType.WEAK : EdgeType.PROPERTY).ordinal();
            }
        }
        first[n] = e;
        int[] trimmed = java.util.Arrays.copyOf(to, e);
        byte[] ttype = java.util.Arrays.copyOf(type, e);
        return new CompactGraph(n, first, trimmed, ttype, size);
    }

    /** Runs job while a sampler records the peak heap use above the use before it. */
    private static long peakHeap(Runnable job) {
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        System.gc();
        long base = mx.getHeapMemoryUsage().getUsed();
        AtomicLong peak = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(mx.getHeapMemoryUsage().getUsed() - base, Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException ex) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        try {
            job.run();
        } finally {
            sampler.interrupt();
        }
        peak.accumulateAndGet(mx.getHeapMemoryUsage().getUsed() - base, Math::max);
        return peak.get();
    }

    @Test
    void aMillionNodesFiveMillionEdges() {
        CompactGraph g = heapLike(1_000_000, 5, 42);
        Dominators[] dom = new Dominators[1];
        RetainerPaths[] rp = new RetainerPaths[1];
        // CPU time besides wall time: the test machines are shared, so wall time says little
        var threads = ManagementFactory.getThreadMXBean();
        long c0 = threads.getCurrentThreadCpuTime();
        long domPeak = peakHeap(() -> dom[0] = Dominators.compute(g, () -> {}));
        long c1 = threads.getCurrentThreadCpuTime();
        long rpPeak = peakHeap(() -> rp[0] = RetainerPaths.compute(g, () -> {}));
        long c2 = threads.getCurrentThreadCpuTime();
        long total = 0;
        for (int v = 0; v < g.nodeCount(); v++) total += g.selfSize(v);
        assertEquals(total, dom[0].retainedSize(0), "the root retains every node once");
        for (int v = 1; v < g.nodeCount(); v += 997) {
            // a node's dominator is on every path: in particular on the search's path to it
            if (!dom[0].isReachable(v)) continue;
            assertTrue(rp[0].distance(v) > 0, "reachable node " + v + " has a distance");
            RetainerPaths.Path p = rp[0].paths(v, 1).getFirst();
            int d = dom[0].dominator(v);
            boolean onPath = false;
            for (int x : p.nodes()) onPath |= x == d;
            assertTrue(onPath, "the dominator of " + v + " is on its shortest path");
            assertTrue(dom[0].retainedSize(d) >= dom[0].retainedSize(v));
        }
        System.out.printf("GraphScale: %,d nodes, %,d edges: Dominators %d ms (CPU %d ms), peak heap +%,d MB;"
                        + " RetainerPaths %d ms (CPU %d ms), peak heap +%,d MB%n",
                g.nodeCount(), g.edgeCount(), dom[0].nanos() / 1_000_000, (c1 - c0) / 1_000_000, domPeak >> 20,
                rp[0].nanos() / 1_000_000, (c2 - c1) / 1_000_000, rpPeak >> 20);
    }
}
