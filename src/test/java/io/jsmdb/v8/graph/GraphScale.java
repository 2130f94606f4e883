package io.jsmdb.v8.graph;

import io.jsmdb.v8.heap.HeapWalker;
import io.jsmdb.v8.heap.WalkStats;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * The builder and the writer at the size of the 1 GB benchmark heap, synthetic: N objects (8 M
 * by default), each with 5 references (40 M edges) and one in eight with a name of its own
 * (1 M distinct names, as a heap full of strings has), walked by 2 threads. Prints build and
 * write times and the peak Java heap. Run it with the heap it must fit in:
 * {@code java -Xmx1500m -cp target/classes:target/test-classes io.jsmdb.v8.graph.GraphScale [N] [FILE]}
 */
public final class GraphScale {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 8_000_000;
        Path file = args.length > 1 ? Path.of(args[1]) : null;
        final long base = 0x100000000L, size = 32, tag = 1;
        String[] props = new String[50];
        for (int i = 0; i < props.length; i++) props[i] = "prop" + i;
        HeapGraphBuilder.Walk walk = new HeapGraphBuilder.Walk() {
            @Override
            public WalkStats walk(Supplier<? extends HeapWalker.Visitor> visitors, int threads, Runnable cancel, LongConsumer progress) {
                HeapWalker.Visitor a = visitors.get(), b = visitors.get();
                int half = n / 2;
                for (int i = half; i < n; i++) a.object(base + i * size, 0x1001, 1, (int) size);
                for (int i = 0; i < half; i++) b.object(base + i * size, 0x1001, 1, (int) size);
                return null;
            }

            @Override
            public long totalBytes() {
                return n * size;
            }
        };
        ObjectModel model = new ObjectModel() {
            public boolean isNode(long a, long m, int t, int s) { return true; }
            public NodeType type(long a, long m, int t, int s) { return NodeType.OBJECT; }
            public String name(long a, long m, int t, int s) {
                long i = (a - tag - base) / size;
                return (i & 7) == 0 ? "name " + i : "Class" + (i % 1000);
            }
            public long selfSize(long a, long m, int t, int s) { return s; }
            public void edges(long a, long m, int t, int s, EdgeVisitor out) {
                long i = (a - tag - base) / size;
                for (int k = 0; k < 4; k++) out.edge(EdgeType.PROPERTY, props[(int) ((i + k) % props.length)], -1, base + ((i * 7 + k * 13) % n) * size + tag);
                out.edge(EdgeType.ELEMENT, null, 0, base + ((i + 1) % n) * size + tag);
            }
        };
        RootSource roots = out -> out.root("(Strong roots)", "first", base + tag, false);
        long t0 = System.nanoTime();
        CsrHeapGraph g = HeapGraphBuilder.build(walk, tag, model, roots, 2, () -> {}, x -> {});
        long t1 = System.nanoTime();
        System.gc();
        long live = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        System.out.printf("built %,d nodes %,d edges in %.1f s; live heap after build %,d MB%n", g.nodeCount(), g.edgeCount(),
                (t1 - t0) / 1e9, live >> 20);
        if (file != null) {
            long t2 = System.nanoTime();
            long bytes;
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                bytes = HeapSnapshotWriter.write(g, HeapSnapshotWriter.Format.forV8Major(14), HeapSnapshotWriter.Locations.NONE, out, () -> {}, x -> {});
            }
            System.out.printf("wrote %,d bytes in %.1f s%n", bytes, (System.nanoTime() - t2) / 1e9);
        }
        long peak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) peak += p.getPeakUsage().getUsed();
        }
        System.out.printf("peak Java heap (sum of pool peaks) %,d MB, -Xmx %,d MB%n", peak >> 20, Runtime.getRuntime().maxMemory() >> 20);
    }
}
