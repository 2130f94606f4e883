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
 * from its map, to the area end. New space: only the to-space pages in list order up to the one
 * being filled, that one up to the new-space top (see {@link NewSpace}); bytes after it are
 * stale. Old-generation pages go on past the gaps inside them (open allocation areas, zero
 * runs; see {@link #walkPage}); bytes that do not decode as objects are stepped over only where
 * objects chain exactly from the next start to the page end, and are reported as possibly live
 * ({@link WalkStats#bytesMaybeLive}), never guessed. Old-generation pages V8 had not swept yet
 * (a core taken soon after a full GC) still hold the objects that GC found dead: there only
 * objects whose mark bit is set are visited (see {@code unsweptMarks}). Pages are walked in
 * parallel; each thread has its own map cache and visitor.
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

    /**
     * Old-generation regular pages that are in no space's page list although their owner has
     * linked pages: chunks V8 released (pooled or about to be unmapped) whose header still names
     * the space. heap::List::Remove nulls both links (src/heap/list.h); a page in a space of two
     * or more pages has at least one. Their objects are stale. Applied only to owners with at
     * least two linked pages, which shows that the list_node_ offset reads real links.
     */
    public java.util.Set<HeapPage> unlinkedPages() {
        java.util.Set<HeapPage> out = new java.util.HashSet<>();
        if (layout.pageListNodeHint < 0) return out;
        java.util.Map<Long, Integer> linked = new java.util.HashMap<>();
        List<HeapPage> unlinked = new ArrayList<>();
        for (HeapPage p : pages.pages()) {
            if (!p.space().isSwept() || p.metadata() == 0 || p.owner() == 0) continue;
            long next, prev;
            try {
                next = core.readLong(p.metadata() + layout.pageListNodeHint);
                prev = core.readLong(p.metadata() + layout.pageListNodeHint + 8);
            } catch (MemoryFault e) {
                continue;
            }
            if (next == 0 && prev == 0) unlinked.add(p);
            else linked.merge(p.owner(), 1, Integer::sum);
        }
        for (HeapPage p : unlinked) if (linked.getOrDefault(p.owner(), 0) >= 2) out.add(p);
        return out;
    }

    /**
     * A page of the selected isolate's heap (the main one unless NodeTarget.selectIsolate chose
     * a worker's), or of no isolate's (read-only space): every isolate has a heap of its own, and
     * a walk leaves the others out (their objects would be mixed into this census).
     */
    public boolean isSelectedIsolate(HeapPage p) {
        return p.heap() == 0 || p.heap() == pages.heap();
    }

    /** The pages a walk visits (code pages not). */
    public List<HeapPage> walkablePages() {
        return walkablePages(false);
    }

    /**
     * The pages a walk visits; withCode: code-space pages too (the heap graph: V8's snapshot has
     * their objects; a census has no use for machine code, whose instructions are only sized: an
     * InstructionStream ends where the next object's map word stands).
     */
    public List<HeapPage> walkablePages(boolean withCode) {
        List<HeapPage> out = new ArrayList<>();
        java.util.Set<HeapPage> unlinked = unlinkedPages();
        for (HeapPage p : pages.pages()) {
            if (!isSelectedIsolate(p)) continue;
            if (p.space().isCode() && !withCode) continue;
            if (unlinked.contains(p)) continue;
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
        return walk(visitors, threads, cancel, progress, false);
    }

    /** {@link #walk(Supplier, int, Runnable, LongConsumer)}, with code-space pages when withCode. */
    public WalkStats walk(Supplier<? extends Visitor> visitors, int threads, Runnable cancel, LongConsumer progress, boolean withCode) {
        long t0 = System.nanoTime();
        List<HeapPage> todo = walkablePages(withCode);
        WalkStats stats = new WalkStats();
        stats.pagesFound = pages.pages().size();
        stats.sweepingKnown = layout.knowsSweeping();
        java.util.Set<Long> others = new java.util.HashSet<>();
        for (HeapPage p : pages.pages()) {
            if (!isSelectedIsolate(p)) {
                stats.otherIsolatePages++;
                others.add(p.heap());
                continue;
            }
            if (p.space().isCode() && !withCode) stats.codePages++;
            else if (p.space() == HeapPage.Space.NEW && (p.flags() & layout.fromPageFlag) != 0) stats.fromPages++;
        }
        stats.newSpace = pages.newSpace();
        stats.unusedNewPages = pages.newSpace().unusedPages();
        stats.unlinkedPages = unlinkedPages().size();
        stats.otherIsolates = others.size();
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
                MapCache cache = new MapCache(core, layout, false), codeCache = new MapCache(core, layout, true);
                int k;
                while (!stop.get() && (k = next.getAndIncrement()) < todo.size()) {
                    HeapPage p = todo.get(k);
                    walkPage(p, p.space().isCode() ? codeCache : cache, v, part);
                    done.addAndGet(p.areaEnd() - p.areaStart());
                }
            });
        }
        if (n == 1) {
            // still poll cancellation between pages
            Visitor v = visitors.get();
            MapCache cache = new MapCache(core, layout, false), codeCache = new MapCache(core, layout, true);
            WalkStats part = parts.get(0);
            long lastPoll = System.nanoTime();
            for (HeapPage p : todo) {
                walkPage(p, p.space().isCode() ? codeCache : cache, v, part);
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
    /** At most this many gaps (allocation areas, zero runs, undecodable ranges) are stepped over in one page. */
    private static final int MAX_GAPS_PER_PAGE = 16;

    /** Where a run of objects ended. */
    private static final class Run {
        long off;
        long objects;
        WalkStats.Stop why;
        /** With a marking bitmap: bytes of marked objects, and the unmarked (dead) objects skipped. */
        long markedBytes, dead, deadBytes;
        /** Filler bytes right after a marked object (tails cut off by right-trimming after the GC). */
        long trimmedBytes;
        /** Bytes of the objects visited (live objects, no fillers or free space). */
        long objectBytes;
        /** Set before a run: an allocation top at this address is not a stop (its area is empty). */
        long passTop = -1;
    }

    /** How far live_byte_count_ may miss the marked objects' bytes on a page whose bitmap is trusted. */
    private static final long SWEEP_LIVE_BYTES_SLACK = 1024;

    /** ConcurrentSweepingState::kPending / kInProgress (sweeper.h). */
    private static final long SWEEP_PENDING = 1, SWEEP_IN_PROGRESS = 2;

    /**
     * The marking bitmap of a page V8 has not swept yet, or null (swept, unknown layout, or the
     * bitmap fails the check). An unswept page still holds the objects the last full GC found
     * dead, without fillers; only marked objects are live. The bitmap is trusted only when the
     * marked objects' bytes, walked from the area start, equal the page's live_byte_count_.
     */
    private MemorySegment unsweptMarks(HeapPage p, MemorySegment seg, long start, long limit, long[] tops,
                                       MapCache cache, WalkStats stats) {
        if (!p.space().isSwept() || !layout.knowsSweeping() || p.metadata() == 0) return null;
        long state, live;
        try {
            state = core.readLong(p.metadata() + layout.sweepingStateOffset);
            if (state != SWEEP_PENDING && state != SWEEP_IN_PROGRESS) return null;
            live = core.readLong(p.metadata() + layout.liveBytesOffset);
        } catch (MemoryFault e) {
            return null;
        }
        long bytes = p.size() >>> 6; // one bit per 8-byte word
        Optional<MemorySegment> m = core.segmentAt(p.metadata() + layout.markingBitmapOffset, bytes);
        if (m.isEmpty() || m.get().byteSize() < bytes) {
            stats.unswept(p, false);
            return null;
        }
        Run dry = new Run();
        run(seg, start, 0, limit, tops, false, cache, null, dry, m.get(), start - p.base());
        // live_byte_count_ is not lowered when a marked array is right-trimmed after the GC (heap.cc
        // RightTrimArray; left-trimming is never done on an unswept page, CanMoveObjectStart): the
        // cut-off tail, now a filler right after the marked object, may still be counted. The
        // count is V8's statistic, not what its sweeper goes by (the bitmap is): it checks that
        // the bitmap is where this build keeps it, and a bitmap at a wrong place misses by far
        // more than the slack allowed (11.3 once counted 88 bytes fewer than its marked objects
        // on one page of 333 whose bits were all well formed).
        boolean ok = (dry.why == WalkStats.Stop.END || dry.why == WalkStats.Stop.TOP) && live > 0
                && dry.markedBytes <= live + SWEEP_LIVE_BYTES_SLACK
                && live <= dry.markedBytes + dry.trimmedBytes + SWEEP_LIVE_BYTES_SLACK;
        stats.unswept(p, ok);
        return ok ? m.get() : null;
    }

    /**
     * Walks one page; objects go to v, counts to stats. Objects of an old-generation page run
     * from the area start to the area end, except inside the open linear allocation areas of
     * the threads allocating into it: [top, limit) holds no object yet (zeros on a fresh page,
     * stale bytes on a reused one) and live objects follow the limit. Where the walk meets a
     * word that is no object it goes on after the gap:
     * <ul>
     * <li>at an allocation top whose area is known (near the Heap, or found anywhere in the core
     *     by {@link HeapPages#openAreaLimit}): at that area's limit;</li>
     * <li>at a zero word: after the zero run, if objects chain from there to the area end, an
     *     allocation top or the next zero run (a map word is never zero, so no object is lost);</li>
     * <li>otherwise: at the next word from which objects chain so (resynchronised; the bytes in
     *     between may hold live objects and are reported as such).</li>
     * </ul>
     * New-space, large and read-only pages stop at their first gap: bytes after a new-space top
     * are stale copies that would chain just as well.
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
        // objects start on 8-byte boundaries and every read takes a word: a readable area whose
        // size is no multiple of 8 (a damaged chunk header's area end) ends at its last whole word
        long limit = seg.byteSize() & ~7L;
        long[] tops = pages.allocationTops(p.base());
        long[] limits = pages.allocationLimits(p.base());
        boolean large = p.space().isLarge();
        Run r = new Run();
        MemorySegment marks = large ? null : unsweptMarks(p, seg, start, limit, tops, cache, stats);
        long bitBase = start - p.base();
        run(seg, start, 0, limit, tops, large, cache, v, r, marks, bitBase);
        long objects = r.objects, objectBytes = r.objectBytes;
        long dead = r.dead, deadBytes = r.deadBytes;
        int gaps = 0;
        boolean oldGeneration = !large && p.space() != HeapPage.Space.NEW && p.space() != HeapPage.Space.READ_ONLY;
        while (oldGeneration && gaps < MAX_GAPS_PER_PAGE && r.why != WalkStats.Stop.END
                && r.why != WalkStats.Stop.UNREADABLE && r.why != WalkStats.Stop.HOLE) {
            long at = r.off;
            long addr = start + at;
            long areaLimit = r.why == WalkStats.Stop.TOP ? limitAt(tops, limits, addr) : pages.openAreaLimit(addr);
            long resume;
            WalkStats.GapKind kind;
            if (areaLimit > addr) {
                if (areaLimit - start >= limit) {
                    r.why = WalkStats.Stop.TOP; // the area runs to the end of the page
                    break;
                }
                resume = areaLimit - start;
                kind = WalkStats.GapKind.ALLOCATION_AREA;
            } else if (r.why == WalkStats.Stop.TOP && areaLimit == addr) {
                // an exhausted area (top = limit): nothing to step over, objects go on right here
                gaps++;
                r.passTop = addr;
                run(seg, start, at, limit, tops, large, cache, v, r, marks, bitBase);
                objects += r.objects;
                objectBytes += r.objectBytes;
                dead += r.dead;
                deadBytes += r.deadBytes;
                continue;
            } else if (r.why == WalkStats.Stop.TOP) {
                break; // a top whose limit is unknown: the rest of the page is not walked
            } else if (r.why == WalkStats.Stop.ZERO) {
                long z = at;
                while (z + 8 <= limit && seg.get(LONG, z) == 0) z += 8;
                if (z + 8 > limit) break; // a zero tail: nothing after it
                if (chains(seg, start, z, limit, tops, cache)) {
                    resume = z;
                    kind = WalkStats.GapKind.ZEROS;
                } else {
                    resume = resync(seg, start, z + 8, limit, tops, cache);
                    kind = WalkStats.GapKind.UNDECODED;
                }
            } else {
                resume = resync(seg, start, at + 8, limit, tops, cache);
                kind = r.why == WalkStats.Stop.NOT_A_MAP && mapWasFreed(seg.get(LONG, at + layout.mapOffset), cache)
                        ? WalkStats.GapKind.STALE : WalkStats.GapKind.UNDECODED;
            }
            if (resume < 0) break;
            gaps++;
            stats.skipped(p, addr, start + resume, kind);
            run(seg, start, resume, limit, tops, large, cache, v, r, marks, bitBase);
            objects += r.objects;
            objectBytes += r.objectBytes;
            dead += r.dead;
            deadBytes += r.deadBytes;
        }
        WalkStats.Stop why = r.why;
        if ((why == WalkStats.Stop.END || why == WalkStats.Stop.ZERO) && limit < end - start && !large) {
            why = WalkStats.Stop.UNREADABLE;
            r.off = limit;
        }
        stats.page(p, why, start + r.off, objects, start);
        stats.objectBytes(p.space(), objectBytes);
        if (dead > 0) stats.dead(dead, deadBytes);
    }

    /**
     * True if mapWord points to a filler or free space: the map an object had was freed, so the
     * object is dead (a gcore of node 16 has shown 24 such bytes on a swept page, behind a two-word
     * filler: a free range the sweeper's filler does not cover).
     */
    private boolean mapWasFreed(long mapWord, MapCache cache) {
        if ((mapWord & 3) != 1) return false;
        long itsMap;
        try {
            itsMap = core.readLong(mapWord - 1 + layout.mapOffset);
        } catch (MemoryFault e) {
            return false;
        }
        int info = cache.info(itsMap);
        if (info == MapCache.NOT_A_MAP) return false;
        int type = info & 0xffff;
        return type == layout.fillerType || type == layout.freeSpaceType;
    }

    /** The limit of the known allocation area whose top is addr, or -1. */
    private static long limitAt(long[] tops, long[] limits, long addr) {
        int i = java.util.Arrays.binarySearch(tops, addr);
        return i >= 0 && i < limits.length ? limits[i] : -1;
    }

    /**
     * True if objects chain from off to the area end, an allocation top, or a zero word (the
     * start of another unused area): the test a resumption point must pass.
     */
    private boolean chains(MemorySegment seg, long start, long off, long limit, long[] tops, MapCache cache) {
        Run dry = new Run();
        run(seg, start, off, limit, tops, false, cache, null, dry, null, 0);
        return dry.why == WalkStats.Stop.END || dry.why == WalkStats.Stop.TOP || dry.why == WalkStats.Stop.ZERO
                || pages.openAreaLimit(start + dry.off) > start + dry.off;
    }

    /** The first offset from `from` where objects chain to the area end or a top, or -1. */
    private long resync(MemorySegment seg, long start, long from, long limit, long[] tops, MapCache cache) {
        int tries = 0;
        for (long o = from; o + 8 <= limit && tries < MAX_RESYNC_CANDIDATES; o += 8) {
            long w = seg.get(LONG, o + layout.mapOffset);
            if ((w & 3) != 1 || cache.info(w) == MapCache.NOT_A_MAP) continue;
            tries++;
            if (chains(seg, start, o, limit, tops, cache)) return o;
        }
        return -1;
    }

    /**
     * Walks objects from off; v null: a dry run that only checks the chain. marks: the page's
     * marking bitmap on an unswept page (unmarked objects are dead: skipped and counted), or
     * null; bitBase: the area start's offset in the page.
     */
    private void run(MemorySegment seg, long start, long off, long limit, long[] tops, boolean large, MapCache cache,
                     Visitor v, Run r, MemorySegment marks, long bitBase) {
        int ti = 0;
        long passTop = r.passTop; // a top the walk goes past (an exhausted area), once
        r.passTop = -1;
        long objects = 0, objectBytes = 0;
        long markedBytes = 0, dead = 0, deadBytes = 0, trimmed = 0;
        boolean afterMarked = false;
        WalkStats.Stop why = WalkStats.Stop.END;
        HeapLayout l = layout;
        while (off < limit) {
            long addr = start + off;
            while (ti < tops.length && tops[ti] < addr) ti++;
            if (ti < tops.length && tops[ti] == addr && addr != passTop) {
                why = WalkStats.Stop.TOP;
                break;
            }
            long mapWord = seg.get(LONG, off + l.mapOffset);
            if (marks != null && !marked(marks, bitBase + off)) {
                // An unmarked object on an unswept page is dead, and so may be its map: the
                // sweeper may already have freed that map and V8 put a new one of another size
                // in its place. The next live object is the next mark bit, not this object's end.
                if (afterMarked && mapWord != 0) {
                    int fi = cache.info(mapWord);
                    int ft = fi & 0xffff;
                    long fs = fi == MapCache.NOT_A_MAP ? -1 : size(seg, off, limit, ft, (fi >>> 16) & 0xff, cache);
                    if ((ft == l.fillerType || ft == l.freeSpaceType) && fs >= 8 && off + fs <= limit) {
                        trimmed += fs; // a right-trimmed tail: a filler right after a marked object
                        off += fs;
                        continue;
                    }
                }
                afterMarked = false;
                long next = nextMarked(marks, bitBase, off + 8, limit);
                if (ti < tops.length && tops[ti] > addr && tops[ti] - start < next) {
                    next = tops[ti] - start; // an allocation area on an unswept page: stop there as anywhere
                }
                long deadObjects = countDead(seg, off, next, cache);
                dead += deadObjects;
                deadBytes += next - off;
                off = next;
                continue;
            }
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
            if (type == l.holeType && size >= 8 && off + size > limit) {
                // a read-only hole whose inaccessible guard region the core does not hold; the
                // holes V8 12+ keeps among the read-only roots are walked past like any object
                why = WalkStats.Stop.HOLE;
                break;
            }
            if (size < 8 || off + size > limit) {
                why = WalkStats.Stop.BAD_SIZE;
                break;
            }
            if (type == l.fillerType || type == l.freeSpaceType) {
                if (afterMarked) trimmed += size;
            } else {
                if (marks != null) {
                    markedBytes += size;
                    afterMarked = true;
                }
                if (v != null) v.object(addr, mapWord, type, (int) Math.min(size, Integer.MAX_VALUE));
                objects++;
                objectBytes += size;
            }
            off += size;
            if (large) break;
        }
        r.off = off;
        r.objects = objects;
        r.objectBytes = objectBytes;
        r.why = why;
        r.markedBytes = markedBytes;
        r.dead = dead;
        r.deadBytes = deadBytes;
        r.trimmedBytes = trimmed;
    }

    /** Whether the mark bit of the word at page offset pageOff is set. */
    private static boolean marked(MemorySegment marks, long pageOff) {
        long bit = pageOff >>> 3;
        return (marks.get(ValueLayout.JAVA_BYTE, bit >>> 3) & (1 << (bit & 7))) != 0;
    }

    /**
     * The area offset of the first marked word at or after area offset from, or limit. Only an
     * object's first word has its bit set where it matters here: V8 9.4 to 11.3 also set the
     * second word's bit of a marked (black) object, but the walk never searches from inside a
     * marked object.
     */
    private static long nextMarked(MemorySegment marks, long bitBase, long from, long limit) {
        long bit = (bitBase + from) >>> 3, endBit = (bitBase + limit) >>> 3;
        long bytes = marks.byteSize();
        while (bit < endBit) {
            long b = bit >>> 3;
            if (b >= bytes) return limit;
            int v = (marks.get(ValueLayout.JAVA_BYTE, b) & 0xff) >>> (bit & 7);
            if (v == 0) {
                bit = (b + 1) << 3; // nothing more in this byte
                continue;
            }
            bit += Integer.numberOfTrailingZeros(v);
            return bit < endBit ? (bit << 3) - bitBase : limit;
        }
        return limit;
    }

    /**
     * How many dead objects lie in the area range [from, to) of an unswept page, counted by
     * their maps where they chain exactly to `to`; where they do not (a dead object's map was
     * freed and reused), the objects from there on are not countable and count as one.
     */
    private long countDead(MemorySegment seg, long from, long to, MapCache cache) {
        HeapLayout l = layout;
        long n = 0;
        long off = from;
        while (off + 8 <= to) {
            long w = seg.get(LONG, off + l.mapOffset);
            int info = w == 0 ? MapCache.NOT_A_MAP : cache.info(w);
            if (info == MapCache.NOT_A_MAP) return n + 1;
            int type = info & 0xffff;
            long size = size(seg, off, to, type, (info >>> 16) & 0xff, cache);
            if (size < 8 || off + size > to) return n + 1;
            if (type != l.fillerType && type != l.freeSpaceType) n++;
            off += size;
        }
        return n;
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
