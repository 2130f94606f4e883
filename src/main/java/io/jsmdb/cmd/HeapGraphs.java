package io.jsmdb.cmd;

import io.jsmdb.node.NodeTarget;
import io.jsmdb.v8.MissingMetadataException;
import io.jsmdb.v8.graph.Dominators;
import io.jsmdb.v8.graph.HeapGraph;
import io.jsmdb.v8.graph.RetainerPaths;
import io.jsmdb.v8.heap.HeapWalker;
import java.util.function.LongConsumer;

/**
 * The heap graph and its analyses as the dcmds ask for them: the target builds each once and
 * keeps it (see NodeTarget); here, a progress indicator on a terminal and one-line failures.
 */
final class HeapGraphs {
    private HeapGraphs() {}

    static HeapGraph graph(DcmdContext ctx) throws DcmdException {
        return made(ctx, "building the heap graph", (t, p) -> t.heapGraph(ctx::checkCancelled, p));
    }

    static Dominators dominators(DcmdContext ctx) throws DcmdException {
        graph(ctx);
        return made(ctx, "computing dominators", (t, p) -> t.dominators(ctx::checkCancelled, p));
    }

    static RetainerPaths retainerPaths(DcmdContext ctx) throws DcmdException {
        graph(ctx);
        return made(ctx, "finding distances from the GC roots", (t, p) -> t.retainerPaths(ctx::checkCancelled, p));
    }

    private interface Job<T> {
        T run(NodeTarget t, LongConsumer progress);
    }

    private static <T> T made(DcmdContext ctx, String what, Job<T> job) throws DcmdException {
        NodeTarget t = ctx.target();
        if (t == null) throw new DcmdException("no core is open");
        try (Progress p = ctx.out().progress(what)) {
            long total = walkable(t);
            return job.run(t, done -> p.update(done, total));
        } catch (IllegalStateException | MissingMetadataException e) {
            throw new DcmdException("the heap graph is not available: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new DcmdException("cannot analyse the heap graph: " + e.getMessage(), e);
        }
    }

    /** The bytes a graph build walks (its progress total); 0 (unknown) when the pages cannot be found. */
    private static long walkable(NodeTarget t) {
        try {
            HeapWalker w = t.heapWalker();
            long total = 0;
            for (var page : w.walkablePages(true)) total += page.areaEnd() - page.areaStart();
            return total;
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
