package io.jsmdb.cmd;

import io.jsmdb.node.NodeTarget;
import io.jsmdb.v8.heap.HeapWalker;
import io.jsmdb.v8.heap.JsObjectScan;
import java.util.function.LongConsumer;

/**
 * The heap census behind {@code ::findjsobjects} and {@code ::jsfunctions}, as the commands ask
 * for it: the target makes it on first use (with a progress indicator on a terminal) and keeps
 * it for the session; a scan cut short by Ctrl-C leaves nothing behind, so the next command
 * scans again. Here: the progress, the warning about unwalked bytes, one-line failures.
 */
final class HeapScanCache {
    private HeapScanCache() {}

    static int threads() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * The cached scan of the target, or a new one (with a progress indicator on a terminal).
     * Whenever the walk left out bytes that may hold live objects, every census that stands on
     * it says so on stderr: a count that may be low is never given silently.
     */
    static JsObjectScan get(DcmdContext ctx) throws DcmdException {
        JsObjectScan s = scan(ctx);
        long maybeLive = s.walkStats().bytesMaybeLive();
        if (maybeLive > 0 && ctx.firstInLoop()) {
            ctx.warn(String.format("%,d heap bytes could not be walked and may hold live objects: counts may be low"
                    + " (::findjsobjects -v names the pages)", maybeLive));
        }
        if (ctx.firstInLoop()) {
            io.jsmdb.node.Isolates.movingGcOfSelected(ctx.target()).ifPresent(gc -> ctx.warn("the isolate's thread was in the"
                    + " middle of a garbage collection (" + Strings.escape(gc) + "), which moves objects between pages:"
                    + " counts may be off (some objects may be missed or counted twice)"));
        }
        long others = s.walkStats().otherIsolates();
        if (others > 0 && ctx.firstInLoop()) {
            boolean main = ctx.target().selectedHeap() == ctx.target().mainHeap();
            ctx.warn(String.format("%s heap only: %,d page%s of %d other isolate%s left out (::isolates lists them)",
                    main ? "the main isolate's" : "a worker isolate's (::isolate 0 selects the main one)",
                    s.walkStats().otherIsolatePages(), s.walkStats().otherIsolatePages() == 1 ? "" : "s", others, others == 1 ? "" : "s"));
        }
        return s;
    }

    private static JsObjectScan scan(DcmdContext ctx) throws DcmdException {
        NodeTarget t = ctx.target();
        if (t == null) throw new DcmdException("no core is open");
        var made = t.heapScanIfMade();
        if (made.isPresent()) return made.get();
        try (Progress p = ctx.out().progress("scanning the V8 heap")) {
            HeapWalker w = t.heapWalker();
            long total = 0;
            for (var page : w.walkablePages()) total += page.areaEnd() - page.areaStart();
            final long all = total;
            LongConsumer progress = done -> p.update(done, all);
            return t.heapScan(threads(), ctx::checkCancelled, progress);
        } catch (IllegalStateException | io.jsmdb.v8.MissingMetadataException e) {
            throw new DcmdException("cannot walk the V8 heap: " + e.getMessage(), e);
        }
    }

    /** Runs a follow-up walk of the scan with cancellation and progress. */
    static <T> T walk(DcmdContext ctx, JsObjectScan s, String what, WalkJob<T> job) {
        try (Progress p = ctx.out().progress(what)) {
            long total = s.walkStats().bytesWalked() + s.walkStats().bytesNotWalked();
            return job.run(ctx::checkCancelled, done -> p.update(done, total));
        }
    }

    interface WalkJob<T> {
        T run(Runnable cancel, LongConsumer progress);
    }
}
