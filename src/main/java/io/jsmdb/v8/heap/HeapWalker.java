package io.jsmdb.v8.heap;

import io.jsmdb.core.CoreFile;
import io.jsmdb.core.MemoryFault;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Walks V8's heap object by object: every page of every space (new space's to-space, old,
 * map, large-object, trusted, read-only; not code), from the area start, each object sized
 * from its map, to the area end or the allocation top. New space: only the to-space pages in
 * list order up to the one being filled, that one up to the new-space top (see {@link NewSpace}). A page stops early at a word that is
 * not a map (stale bytes after an allocation top that was not found, a zero tail, or damage);
 * the rest of such a page is not walked, never guessed, and the page is reported in the
 * statistics. Pages are walked in parallel; each thread has its own map cache and visitor.
 */
public final class HeapWalker {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;

    /** Receives every object (not fillers, not free space). Called from one thread per instance. */
    public interface Visitor {
        /**
         * @param addr the object's address (untagged)
         * @param mapWord the map pointer (tagged)
         * @param type the instance type
         * @param size the object's size in bytes
         */
        void object(long addr, long mapWord, int type, int size);
    }

    private final CoreFile core;
    private final HeapLayout layout;
    private final HeapPages pages;

    public HeapWalker(CoreFile core, HeapLayout layout, HeapPages pages) {
        this.core = core;
        this.layout = layout;
        this.pages = pages;
    }

    public HeapLayout layout() { return layout; }
    public HeapPages pages() { return pages; }

    /** The pages a walk visits. */
    public List<HeapPage> walkablePages() {
        List<HeapPage> out = new ArrayList<>();
        for (HeapPage p : pages.pages()) {
            if (p.space().isCode()) continue;
            if (p.space() == HeapPage.Space.NEW && (p.flags() & layout.fromPageFlag) != 0) continue;
            if (p.space() == HeapPage.Space.NEW && !pages.newSpace().walks(p)) continue;
            out.add(p);
        }
        return out;
    }

    /**
     * Walks the heap. visitors supplies one visitor per thread; cancel is polled on the
     * calling thread (it throws to cancel: workers stop, the exception propagates, nothing is
     * returned); progress gets bytes of page area done.
     */
    public WalkStats walk(Supplier<? extends Visitor> visitors, int threads, Runnable cancel, LongConsumer progress) {
        long t0 = System.nanoTime();
        List<HeapPage> todo = walkablePages();
        WalkStats stats = new WalkStats();
        stats.pagesFound = pages.pages().size();
        for (HeapPage p : pages.pages()) {
            if (p.space().isCode()) stats.codePages++;
            else if (p.space() == HeapPage.Space.NEW && (p.flags() & layout.fromPageFlag) != 0) stats.fromPages++;
        }
        stats.newSpace = pages.newSpace();
        stats.unusedNewPages = pages.newSpace().unusedPages();
        AtomicInteger next = new AtomicInteger();
        AtomicLong done = new AtomicLong();
        int n = Math.max(1, Math.min(threads, todo.size()));
        List<WalkStats> parts = new ArrayList<>();
        List<Runnable> jobs = new ArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        for (int i = 0; i < n; i++) {
            WalkStats part = new WalkStats();
            parts.add(part);
            jobs.add(() -> {
                Visitor v = visitors.get();
                MapCache cache = new MapCache(core, layout);
                int k;
                while (!stop.get() && (k = next.getAndIncrement()) < todo.size()) {
                    HeapPage p = todo.get(k);
                    walkPage(p, cache, v, part);
                    done.addAndGet(p.areaEnd() - p.areaStart());
                }
            });
        }
        if (n == 1) {
            // still poll cancellation between pages
            Visitor v = visitors.get();
            MapCache cache = new MapCache(core, layout);
            WalkStats part = parts.get(0);
            long lastPoll = System.nanoTime();
            for (HeapPage p : todo) {
                walkPage(p, cache, v, part);
                done.addAndGet(p.areaEnd() - p.areaStart());
                if (System.nanoTime() - lastPoll > 50_000_000L) {
                    lastPoll = System.nanoTime();
                    cancel.run();
                    progress.accept(done.get());
                }
            }
        } else {
            ExecutorService ex = Executors.newFixedThreadPool(n, r -> {
                Thread t = new Thread(r, "jsmdb-heap-walk");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<?>> fs = new ArrayList<>();
                for (Runnable j : jobs) fs.add(ex.submit(j));
                for (Future<?> f : fs) {
                    while (true) {
                        try {
                            f.get(50, TimeUnit.MILLISECONDS);
                            break;
                        } catch (TimeoutException e) {
                            try {
                                cancel.run();
                            } catch (RuntimeException c) {
                                stop.set(true);
                                throw c;
                            }
                            progress.accept(done.get());
                        }
                    }
                }
            } catch (InterruptedException e) {
                stop.set(true);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("heap walk interrupted", e);
            } catch (ExecutionException e) {
                stop.set(true);
                Throwable c = e.getCause();
                if (c instanceof RuntimeException re) throw re;
                if (c instanceof Error er) throw er;
                throw new IllegalStateException(c);
            } finally {
                stop.set(true);
                ex.shutdownNow();
            }
        }
        cancel.run();
        for (WalkStats part : parts) stats.add(part);
        stats.nanos = System.nanoTime() - t0;
        return stats;
    }

    /** At most this many map-looking words are tried when resynchronising inside a page. */
    private static final int MAX_RESYNC_CANDIDATES = 256;
    private static final int MAX_RESYNCS_PER_PAGE = 4;

    /** Where a run of objects ended. */
    private static final class Run {
        long off;
        long objects;
        WalkStats.Stop why;
    }

    /**
     * Walks one page; objects go to v, counts to stats. Where the walk meets a word that is
     * not a map (or an object of impossible size) in an old-generation page, it falls back
     * inside that page only: it looks for the next word from which objects chain exactly to
     * the area end (or allocation top), skips the bytes in between (reported), and goes on
     * from there. New-space pages are never resynchronised (bytes after an unknown
     * allocation top there are stale copies that would chain just as well).
     */
    void walkPage(HeapPage p, MapCache cache, Visitor v, WalkStats stats) {
        long start = p.areaStart();
        long end = p.areaEnd();
        Optional<MemorySegment> segOpt = core.segmentAt(start, end - start);
        if (segOpt.isEmpty()) {
            stats.page(p, WalkStats.Stop.UNREADABLE, start, 0, start);
            return;
        }
        MemorySegment seg = segOpt.get();
        long limit = seg.byteSize();
        long[] tops = pages.allocationTops(p.base());
        boolean large = p.space().isLarge();
        Run r = new Run();
        run(seg, start, 0, limit, tops, large, cache, v, r);
        long objects = r.objects;
        int resyncs = 0;
        boolean canResync = !large && p.space() != HeapPage.Space.NEW && p.space() != HeapPage.Space.READ_ONLY;
        while (canResync && resyncs < MAX_RESYNCS_PER_PAGE
                && (r.why == WalkStats.Stop.NOT_A_MAP || r.why == WalkStats.Stop.BAD_SIZE)) {
            long stoppedAt = r.off;
            long resume = resync(seg, start, stoppedAt + 8, limit, tops, cache);
            if (resume < 0) break;
            resyncs++;
            stats.skipped(p, start + stoppedAt, start + resume);
            run(seg, start, resume, limit, tops, large, cache, v, r);
            objects += r.objects;
        }
        WalkStats.Stop why = r.why;
        if (why == WalkStats.Stop.END && limit < end - start && !large) why = WalkStats.Stop.UNREADABLE;
        stats.page(p, why, start + r.off, objects, start);
    }

    /** The first offset from `from` where objects chain to the area end or a top, or -1. */
    private long resync(MemorySegment seg, long start, long from, long limit, long[] tops, MapCache cache) {
        Run dry = new Run();
        int tries = 0;
        for (long o = from; o + 8 <= limit && tries < MAX_RESYNC_CANDIDATES; o += 8) {
            long w = seg.get(LONG, o + layout.mapOffset);
            if ((w & 3) != 1 || cache.info(w) == MapCache.NOT_A_MAP) continue;
            tries++;
            run(seg, start, o, limit, tops, false, cache, null, dry);
            if (dry.why == WalkStats.Stop.END || dry.why == WalkStats.Stop.TOP) return o;
        }
        return -1;
    }

    /** Walks objects from off; v null: a dry run that only checks the chain. */
    private void run(MemorySegment seg, long start, long off, long limit, long[] tops, boolean large, MapCache cache,
                     Visitor v, Run r) {
        int ti = 0;
        long objects = 0;
        WalkStats.Stop why = WalkStats.Stop.END;
        HeapLayout l = layout;
        while (off < limit) {
            long addr = start + off;
            while (ti < tops.length && tops[ti] < addr) ti++;
            if (ti < tops.length && tops[ti] == addr) {
                why = WalkStats.Stop.TOP;
                break;
            }
            long mapWord = seg.get(LONG, off + l.mapOffset);
            if (mapWord == 0) {
                why = WalkStats.Stop.ZERO;
                break;
            }
            int info = cache.info(mapWord);
            if (info == MapCache.NOT_A_MAP) {
                why = WalkStats.Stop.NOT_A_MAP;
                break;
            }
            int type = info & 0xffff;
            long size = size(seg, off, limit, type, (info >>> 16) & 0xff, cache);
            if (size < 8 || off + size > limit) {
                why = WalkStats.Stop.BAD_SIZE;
                break;
            }
            if (type != l.fillerType && type != l.freeSpaceType) {
                if (type == l.holeType) {
                    why = WalkStats.Stop.HOLE;
                    off += size;
                    break;
                }
                if (v != null) v.object(addr, mapWord, type, (int) Math.min(size, Integer.MAX_VALUE));
                objects++;
            }
            off += size;
            if (large) break;
        }
        r.off = off;
        r.objects = objects;
        r.why = why;
    }

    /** The object's size in bytes, or -1 if it cannot be sized. */
    private long size(MemorySegment seg, long off, long limit, int type, int words, MapCache cache) {
        HeapLayout l = layout;
        if (words != 0) return (long) words << 3;
        if (type >= l.rule.length) return scan(seg, off, limit, cache);
        switch (l.rule[type]) {
            case HeapLayout.R_ARRAY: {
                if (off + 16 > limit) return -1;
                long len;
                long at = off + l.lenOffset[type];
                switch (l.lenKind[type]) {
                    case HeapLayout.L_SMI -> len = seg.get(LONG, at) >> l.smiShift;
                    case HeapLayout.L_SMI_LOW10 -> len = (seg.get(LONG, at) >> l.smiShift) & 0x3ff;
                    case HeapLayout.L_I32 -> len = seg.get(INT, at);
                    case HeapLayout.L_U16 -> len = seg.get(SHORT, at) & 0xffff;
                    default -> len = (seg.get(INT, at) >>> 1) & 0x3fffffff; // BigInt bitfield: length in bits 1..30
                }
                if (len < 0 || len > (1L << 34)) return -1;
                return (l.header[type] + l.elemSize[type] * len + 7) & ~7L;
            }
            case HeapLayout.R_SEQ1: {
                if (off + 16 > limit) return -1;
                long len = seg.get(INT, off + l.stringLengthOffset);
                return len < 0 ? -1 : (16 + len + 7) & ~7L;
            }
            case HeapLayout.R_SEQ2: {
                if (off + 16 > limit) return -1;
                long len = seg.get(INT, off + l.stringLengthOffset);
                return len < 0 ? -1 : (16 + 2 * len + 7) & ~7L;
            }
            case HeapLayout.R_FREE: {
                if (off + 16 > limit) return off + 8 <= limit ? 8 : -1;
                long w = seg.get(LONG, off + l.freeSpaceSizeOffset);
                if ((w & 1) != 0) return -1;
                return (w >> l.smiShift) << l.freeSpaceSizeShift;
            }
            case HeapLayout.R_PREPARSE: {
                if (off + 16 > limit) return -1;
                long data = seg.get(INT, off + 8), children = seg.get(INT, off + 12);
                if (data < 0 || children < 0) return -1;
                return ((16 + data + 7) & ~7L) + 8 * children;
            }
            case HeapLayout.R_MAP:
                return -1;
            default:
                return scan(seg, off, limit, cache);
        }
    }

    /**
     * For types without a size formula: the object ends at the next word that is a tagged
     * pointer to a Map (such bodies hold no strong map pointers; weak ones carry tag 3), or at
     * the end of the readable area.
     */
    private long scan(MemorySegment seg, long off, long limit, MapCache cache) {
        for (long o = off + 16; o + 8 <= limit; o += 8) {
            long w = seg.get(LONG, o);
            if ((w & 3) == 1 && cache.info(w) != MapCache.NOT_A_MAP) return o - off;
        }
        return limit - off;
    }
}
