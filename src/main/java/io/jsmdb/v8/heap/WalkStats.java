package io.jsmdb.v8.heap;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** What a heap walk covered: bytes, objects, pages, and every page that was not walked to its end. */
public final class WalkStats {
    /** Why a page's walk ended. */
    public enum Stop {
        /** reached the area end (or the one object of a large page): the whole page was walked */
        END,
        /** reached the allocation top: the rest of the page is unallocated */
        TOP,
        /** a zero map word: unused tail of a page being filled (its top was not found) */
        ZERO,
        /** a word that is not a map pointer: stale data after an unknown top, or damage */
        NOT_A_MAP,
        /** an object whose size is impossible */
        BAD_SIZE,
        /** the core lacks the page's bytes (or part of them) */
        UNREADABLE,
        /** a read-only-space hole object: the rest of the page is inaccessible */
        HOLE
    }

    /** A page that was not walked to its end. */
    public record Partial(HeapPage page, Stop why, long stoppedAt, long objects) {
        public long bytesNotWalked() { return page.areaEnd() - stoppedAt; }
    }

    long pagesFound;
    long codePages;
    long fromPages;
    long unusedNewPages;
    NewSpace newSpace;
    long pagesWalked;
    long bytesWalked;
    long bytesNotWalked;
    long objects;
    long nanos;
    final Map<Stop, Long> byStop = new EnumMap<>(Stop.class);
    final Map<HeapPage.Space, Long> objectBytesBySpace = new EnumMap<>(HeapPage.Space.class);
    final List<Partial> partial = new ArrayList<>();
    /** Where a walked page's walk ended, and why (END, TOP, a ZERO tail, or an early stop). */
    public record PageEnd(HeapPage page, Stop why, long stoppedAt) {}

    /** Where every walked page's walk ended, for checks of the walk itself. */
    final List<PageEnd> ends = new ArrayList<>();
    final List<Skip> skips = new ArrayList<>();
    long bytesSkipped, bytesMaybeLive, bytesUnallocated;
    long unsweptPages, unsweptUnverified, deadObjects, deadBytes, unlinkedPages;
    /** Pages of other isolates' heaps (worker threads), not walked, and how many such heaps. */
    long otherIsolatePages, otherIsolates;
    boolean sweepingKnown;
    final List<HeapPage> unverified = new ArrayList<>();

    synchronized void unswept(HeapPage p, boolean verified) {
        unsweptPages++;
        if (!verified) {
            unsweptUnverified++;
            unverified.add(p);
        }
    }

    synchronized void dead(long objs, long bytes) {
        deadObjects += objs;
        deadBytes += bytes;
    }

    /** Why the walk stepped over a range inside a page and went on after it. */
    public enum GapKind {
        /** an open linear allocation area [top, limit) whose {start, top, limit} was found: never objects */
        ALLOCATION_AREA,
        /** zero words: an allocation area whose top was not found, or unused memory: never objects (a map word is never 0) */
        ZEROS,
        /**
         * dead bytes no filler covers: their first word points to free space where a map was
         * (a live object's map is never freed), and the walk goes on at the first object from
         * which objects chain: never live objects
         */
        STALE,
        /** bytes that do not decode as objects (stale data after an unknown top, or damage): live objects may be in them */
        UNDECODED;

        /** True if live objects may have been lost in such a gap. */
        public boolean mayHoldLiveObjects() { return this == UNDECODED; }
    }

    /** A range inside a page that the walk stepped over, resuming at to. */
    public record Skip(HeapPage page, long from, long to, GapKind kind) {}

    synchronized void skipped(HeapPage p, long from, long to, GapKind kind) {
        skips.add(new Skip(p, from, to, kind));
        bytesSkipped += to - from;
        if (kind.mayHoldLiveObjects()) {
            bytesNotWalked += to - from;
            bytesMaybeLive += to - from;
        } else {
            bytesUnallocated += to - from;
        }
    }

    /** Where the walk stepped over a range inside a page and went on, by address. */
    public List<Skip> skips() {
        List<Skip> out = new ArrayList<>(skips);
        out.sort((a, b) -> Long.compareUnsigned(a.from(), b.from()));
        return out;
    }

    /**
     * Bytes of walked pages that were not decoded as objects and may hold live ones: undecodable
     * gaps, and page tails after a stop other than the area end, an allocation top or a zero tail.
     * When this is not 0 a census may under-count, and says so.
     */
    public long bytesMaybeLive() { return bytesMaybeLive; }

    /** Bytes inside open allocation areas and zero runs: unallocated, never objects. */
    public long bytesUnallocated() { return bytesUnallocated; }

    synchronized void page(HeapPage p, Stop why, long stoppedAt, long objs, long start) {
        ends.add(new PageEnd(p, why, stoppedAt));
        pagesWalked++;
        bytesWalked += stoppedAt - start;
        for (Skip k : skips) if (k.page() == p) bytesWalked -= k.to() - k.from();
        objects += objs;
        byStop.merge(why, 1L, Long::sum);
        if (why == Stop.ZERO) {
            bytesUnallocated += p.areaEnd() - stoppedAt; // a zero tail to the area end holds no object
        } else if (why != Stop.END && why != Stop.TOP) {
            bytesNotWalked += p.areaEnd() - stoppedAt;
            // read-only space holds V8's immutable roots (maps, oddballs, empty arrays), never an
            // object of the program: its unwalked tail cannot make a census low
            if (p.space() != HeapPage.Space.READ_ONLY) bytesMaybeLive += p.areaEnd() - stoppedAt;
            partial.add(new Partial(p, why, stoppedAt, objs));
        }
    }

    synchronized void objectBytes(HeapPage.Space space, long bytes) {
        objectBytesBySpace.merge(space, bytes, Long::sum);
    }

    synchronized void add(WalkStats o) {
        o.objectBytesBySpace.forEach((k, v) -> objectBytesBySpace.merge(k, v, Long::sum));
        pagesWalked += o.pagesWalked;
        bytesWalked += o.bytesWalked;
        bytesNotWalked += o.bytesNotWalked;
        objects += o.objects;
        skips.addAll(o.skips);
        bytesSkipped += o.bytesSkipped;
        bytesMaybeLive += o.bytesMaybeLive;
        bytesUnallocated += o.bytesUnallocated;
        o.byStop.forEach((k, v) -> byStop.merge(k, v, Long::sum));
        partial.addAll(o.partial);
        ends.addAll(o.ends);
        unsweptPages += o.unsweptPages;
        unsweptUnverified += o.unsweptUnverified;
        unverified.addAll(o.unverified);
        deadObjects += o.deadObjects;
        deadBytes += o.deadBytes;
    }

    /** Whether this build's sweeping state and marking bitmap locations are known (else unswept pages are walked as they are). */
    public boolean sweepingKnown() { return sweepingKnown; }
    /** Old-generation pages in no page list (released by V8, stale): not walked. */
    public long unlinkedPages() { return unlinkedPages; }
    public long otherIsolatePages() { return otherIsolatePages; }
    public long otherIsolates() { return otherIsolates; }
    /** Old-generation pages V8 had not swept yet (their dead objects still lie there). */
    public long unsweptPages() { return unsweptPages; }
    /** Unswept pages whose marking bitmap failed the live-bytes check: walked unfiltered. */
    public List<HeapPage> unsweptUnverified() {
        List<HeapPage> out = new ArrayList<>(unverified);
        out.sort((a, b) -> Long.compareUnsigned(a.base(), b.base()));
        return out;
    }
    /** Unmarked (dead) objects skipped on unswept pages, and their bytes. */
    public long deadObjects() { return deadObjects; }
    public long deadBytes() { return deadBytes; }

    public long pagesFound() { return pagesFound; }
    /** Code-space pages: not walked (machine code, no JS objects). */
    public long codePages() { return codePages; }
    /** Semispace from-space pages: not walked (stale copies). */
    public long fromPages() { return fromPages; }
    /** To-space pages after the one being filled, or outside the to-space list: not walked (unused or stale). */
    public long unusedNewPages() { return unusedNewPages; }
    /** How the new space was walked: exactly to its allocation top, or (see {@link NewSpace#problem()}) not. */
    public NewSpace newSpace() { return newSpace; }
    public long pagesWalked() { return pagesWalked; }
    public long bytesWalked() { return bytesWalked; }
    /** Bytes that may hold live objects and were not walked: undecodable gaps and tails after NOT_A_MAP, BAD_SIZE, UNREADABLE, HOLE. */
    public long bytesNotWalked() { return bytesNotWalked; }
    public long objects() { return objects; }
    /**
     * Bytes of the objects walked, by space: what V8's heap statistics call a space's "used"
     * size, less the fillers it counts (trimmed tails, alignment), which are no objects.
     */
    public Map<HeapPage.Space, Long> objectBytesBySpace() { return Map.copyOf(objectBytesBySpace); }
    public long nanos() { return nanos; }
    public Map<Stop, Long> pagesByStop() { return Map.copyOf(byStop); }
    /** Every walked page with why and where its walk ended (END, TOP, a ZERO tail, or an early stop). */
    public List<PageEnd> pageEnds() { return List.copyOf(ends); }

    /** Pages not walked to their end, by address. */
    public List<Partial> partialPages() {
        List<Partial> out = new ArrayList<>(partial);
        out.sort((a, b) -> Long.compareUnsigned(a.page().base(), b.page().base()));
        return out;
    }
}
