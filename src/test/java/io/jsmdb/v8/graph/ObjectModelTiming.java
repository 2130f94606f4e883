package io.jsmdb.v8.graph;

import io.jsmdb.node.NodeTarget;
import io.jsmdb.v8.heap.HeapWalker;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Times ObjectModel.edges (with type and name) over every object of a core: one heap walk that
 * asks the model for each object's node kind, name and references. Run:
 * {@code java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -cp target/classes:target/test-classes
 * io.jsmdb.v8.graph.ObjectModelTiming NODE CORE [THREADS [edges]]} ("edges": edges() only, no names)
 */
public final class ObjectModelTiming {
    public static void main(String[] args) throws Exception {
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        boolean edgesOnly = args.length > 3 && args[3].equals("edges");
        try (NodeTarget t = NodeTarget.open(Path.of(args[0]), Path.of(args[1]), List.of())) {
            long tag = t.metadata().heapObjectTag();
            long w0 = System.nanoTime();
            AtomicLong walkOnly = new AtomicLong();
            t.heapWalker().walk(() -> (a, m, ty, s) -> walkOnly.incrementAndGet(), threads, () -> {}, b -> {});
            long w1 = System.nanoTime();
            ObjectModel model = t.objectModel();
            AtomicLong nodes = new AtomicLong(), edges = new AtomicLong(), bytes = new AtomicLong(), names = new AtomicLong();
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            long c0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            t.heapWalker().walk(() -> {
                long[] local = new long[4];
                EdgeVisitor ev = (type, name, index, target) -> local[1]++;
                return new HeapWalker.Visitor() {
                    @Override
                    public void object(long addr, long map, int type, int size) {
                        long a = addr + tag;
                        if (!model.isNode(a, map, type, size)) return;
                        nodes.incrementAndGet();
                        if (!edgesOnly) {
                            model.type(a, map, type, size);
                            names.addAndGet(model.name(a, map, type, size).length());
                            bytes.addAndGet(model.selfSize(a, map, type, size));
                        }
                        long before = local[1];
                        model.edges(a, map, type, size, ev);
                        edges.addAndGet(local[1] - before);
                    }
                };
            }, threads, () -> {}, b -> {});
            long t1 = System.nanoTime();
            long c1 = mx.getCurrentThreadCpuTime();
            Runtime rt = Runtime.getRuntime();
            System.out.printf("%s: %,d objects walked in %.2f s; model (" + (edgesOnly ? "edges" : "type, name, size, edges") + ") over %,d nodes, %,d edges, %,d bytes: %.2f s with %d thread(s) (%.2f s CPU of this thread: all of it with 1 thread); heap used %d MB%n",
                    t.summary(), walkOnly.get(), (w1 - w0) / 1e9, nodes.get(), edges.get(), bytes.get(), (t1 - t0) / 1e9, threads, (c1 - c0) / 1e9,
                    (rt.totalMemory() - rt.freeMemory()) >> 20);
        }
    }
}
