package io.jsmdb.v8.heap;

import io.jsmdb.binary.ElfImage;
import io.jsmdb.binary.Symbol;
import io.jsmdb.core.CoreFile;
import io.jsmdb.core.LoadSegment;
import io.jsmdb.core.MemoryFault;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The V8 heap's chunks in a core, found without any global pointer: every 256 KiB-aligned
 * address of the dumped memory is tried as a chunk header and kept when its area bounds are
 * sane and its owner is a V8 Space object (its vtable is one of the binary's
 * {@code vtable for v8::internal::*Space}) or null (read-only pages). Also finds the
 * main-thread linear allocation areas ({@code {start, top, limit}} triples near the Heap):
 * objects end at {@code top} in the page being filled, and bytes after it are stale.
 */
public final class HeapPages {
    private final List<HeapPage> pages;
    private final long heap;
    private final CoreFile core;
    private final long pageAlignment;
    private final Map<Long, long[]> tops;
    private final Map<Long, long[]> limits;
    private final NewSpace newSpace;
    /** Every {start, top, limit} triple on an old-generation page, anywhere outside the heap: top -> limit. */
    private Map<Long, Long> openAreas;

    private HeapPages(CoreFile core, long pageAlignment, List<HeapPage> pages, long heap, List<NewSpace.Lab> labs, NewSpace newSpace) {
        this.core = core;
        this.pageAlignment = pageAlignment;
        this.pages = pages;
        this.heap = heap;
        this.tops = new HashMap<>();
        this.limits = new HashMap<>();
        tops(labs, tops, limits);
        this.newSpace = newSpace;
    }

    /** The new space: which to-space pages hold objects and where the allocation top is. */
    public NewSpace newSpace() { return newSpace; }

    /** Every chunk, by address. */
    public List<HeapPage> pages() { return pages; }

    /** The Heap* of the isolate these pages are read for: the main isolate's unless another was chosen (0 if none). */
    public long heap() { return heap; }

    /**
     * The same pages read for another isolate's heap (a worker's, one of the Heap* the pages
     * name): its new space and allocation areas are found anew.
     */
    public HeapPages forHeap(HeapLayout layout, long otherHeap) {
        if (otherHeap == heap) return this;
        List<NewSpace.Lab> labs = findLabs(core, layout, pages, otherHeap);
        return new HeapPages(core, pageAlignment, pages, otherHeap, labs, NewSpace.find(core, layout, pages, otherHeap, labs));
    }

    /**
     * Allocation tops in the page at base (sorted), or an empty array: for a to-space page
     * exactly the new-space top on the page being filled (none on the others) when
     * {@link NewSpace#exact()}, else every candidate found.
     */
    public long[] allocationTops(long base) {
        if (newSpace.isLive(base)) return newSpace.topsFor(base);
        long[] t = tops.get(base);
        return t == null ? new long[0] : t;
    }

    /**
     * The limits of the allocation areas whose tops {@link #allocationTops} gives, index for
     * index (an old-generation page is walked on from the limit: objects follow it).
     */
    public long[] allocationLimits(long base) {
        if (newSpace.isLive(base)) return newSpace.topsFor(base);
        long[] t = limits.get(base);
        return t == null ? new long[0] : t;
    }

    /**
     * The limit of an open linear allocation area whose top is exactly {@code top}, found
     * anywhere in the core outside the heap's pages, or -1. The main thread's areas sit near the
     * Heap ({@link #allocationTops}); a background thread's (a LocalHeap's allocator, e.g. a
     * concurrent compiler's 32 KiB area) lies in its LocalHeap, in malloc memory or on that
     * thread's stack. Searched once, on the first call: the walk asks only where it stopped at a
     * word that is no object, so a triple elsewhere that merely looks like an area is never used
     * to skip objects.
     */
    public synchronized long openAreaLimit(long top) {
        if (openAreas == null) openAreas = searchOpenAreas();
        Long l = openAreas.get(top);
        return l == null ? -1 : l;
    }

    private Map<Long, Long> searchOpenAreas() {
        Map<Long, HeapPage> oldPages = new HashMap<>();
        long lo = Long.MAX_VALUE, hi = 0;
        for (HeapPage p : pages) {
            if (p.space().isLarge() || p.space() == HeapPage.Space.NEW || p.space() == HeapPage.Space.READ_ONLY) continue;
            oldPages.put(p.base(), p);
            lo = Math.min(lo, p.areaStart());
            hi = Math.max(hi, p.areaEnd());
        }
        Map<Long, Long> out = new HashMap<>();
        if (oldPages.isEmpty()) return out;
        List<HeapPage> byBase = new ArrayList<>(pages);
        byBase.sort((x, y) -> Long.compareUnsigned(x.base(), y.base()));
        long[] skipFrom = new long[byBase.size()], skipTo = new long[byBase.size()];
        for (int i = 0; i < byBase.size(); i++) {
            skipFrom[i] = byBase.get(i).base();
            skipTo[i] = byBase.get(i).end();
        }
        for (LoadSegment s : core.loadSegments()) {
            long inCore = core.bytesInFile(s);
            if (inCore < 24) continue;
            Optional<MemorySegment> m = core.segmentAt(s.vaddr(), inCore);
            if (m.isEmpty()) continue;
            MemorySegment seg = m.get();
            long segEnd = s.vaddr() + (seg.byteSize() & ~7L);
            long a = s.vaddr();
            int next = java.util.Arrays.binarySearch(skipFrom, a); // then: the first page starting after a
            next = Math.max(0, next >= 0 ? next : -next - 2);
            while (a < segEnd) {
                while (next < skipFrom.length && skipFrom[next] <= a) next++;
                if (next > 0 && a < skipTo[next - 1]) { // the heap's own pages hold objects, not allocators
                    a = skipTo[next - 1];
                    continue;
                }
                long stop = next < skipFrom.length ? Math.min(segEnd, skipFrom[next]) : segEnd;
                for (long o = a - s.vaddr(), e = stop - s.vaddr(); o + 24 <= e; o += 8) {
                    long w0 = seg.get(ValueLayout.JAVA_LONG_UNALIGNED, o);
                    if (w0 < lo || w0 >= hi || (w0 & 7) != 0) continue;
                    long w1 = seg.get(ValueLayout.JAVA_LONG_UNALIGNED, o + 8);
                    long w2 = seg.get(ValueLayout.JAVA_LONG_UNALIGNED, o + 16);
                    if ((w1 & 7) != 0 || (w2 & 7) != 0 || !(w0 <= w1 && w1 < w2)) continue;
                    HeapPage p = oldPages.get(w0 & -pageAlignment);
                    if (p == null || w0 < p.areaStart() || w2 > p.areaEnd()) continue;
                    out.merge(w1, w2, Math::min); // two areas claiming one top: skip the least
                }
                a = stop;
            }
        }
        return out;
    }

    public static HeapPages find(CoreFile core, ElfImage binary, HeapLayout layout) {
        Map<Long, String> vtables = spaceVtables(binary);
        List<HeapPage> pages = new ArrayList<>();
        long align = layout.pageAlignment;
        long coveredTo = 0;
        for (LoadSegment s : core.loadSegments()) {
            long inCore = core.bytesInFile(s); // p_filesz can lie: only what the file holds can be a chunk
            if (inCore <= 0) continue;
            long end = s.vaddr() + inCore;
            for (long a = (s.vaddr() + align - 1) & -align; Long.compareUnsigned(a, end) < 0
                    && Long.compareUnsigned(a, s.vaddr()) >= 0; a += align) {
                if (a < coveredTo) continue;
                HeapPage p = header(core, layout, vtables, a);
                if (p != null) {
                    pages.add(p);
                    coveredTo = p.end();
                }
            }
        }
        Map<Long, Integer> votes = new HashMap<>();
        for (HeapPage p : pages) if (p.heap() != 0) votes.merge(p.heap(), 1, Integer::sum);
        long heap = mainHeap(core, votes);
        List<NewSpace.Lab> labs = findLabs(core, layout, pages, heap);
        return new HeapPages(core, layout.pageAlignment, List.copyOf(pages), heap, labs, NewSpace.find(core, layout, pages, heap, labs));
    }

    /** Bytes of a thread's stack searched for its isolate's address. */
    static final long STACK_SEARCHED = 1 << 20;
    /** An Isolate reaches this far below and above the Heap it embeds (its Heap* is what pages name). */
    static final long ISOLATE_BELOW_HEAP = 256 << 10, ISOLATE_ABOVE_HEAP = 64 << 10;

    /**
     * The main isolate's Heap among the heaps the pages name (workers have their own): the one
     * whose Isolate the main thread's stack (the thread whose id is the pid) refers to most (every
     * frame of node's event loop and V8 passes it around). One heap, or no main thread: the heap
     * with the most pages.
     */
    static long mainHeap(CoreFile core, Map<Long, Integer> pageVotes) {
        long byPages = pageVotes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(0L);
        if (pageVotes.size() < 2) return byPages;
        io.jsmdb.core.ThreadState main = core.mainThread().orElse(core.threads().isEmpty() ? null : core.threads().getFirst());
        if (main == null) return byPages;
        Map<Long, Integer> refs = isolateReferences(core, main, pageVotes.keySet());
        return refs.entrySet().stream()
                .max(Map.Entry.<Long, Integer>comparingByValue().thenComparing(e -> pageVotes.get(e.getKey())))
                .map(Map.Entry::getKey).orElse(byPages);
    }

    /**
     * For each heap, how many words of a thread's stack (its first MiB from the stack pointer)
     * point into the Isolate that embeds it: a thread runs one isolate, and every frame of V8 and
     * of node's event loop passes its Isolate* around.
     */
    public static Map<Long, Integer> isolateReferences(CoreFile core, io.jsmdb.core.ThreadState thread, java.util.Collection<Long> heaps) {
        Map<Long, Integer> refs = new HashMap<>();
        long sp = thread.registers().sp();
        for (long a = sp & ~7L; a < sp + STACK_SEARCHED; a += 8) {
            long w;
            try {
                w = core.readLong(a);
            } catch (RuntimeException e) {
                break; // the stack's end
            }
            for (long h : heaps) {
                if (w >= h - ISOLATE_BELOW_HEAP && w < h + ISOLATE_ABOVE_HEAP) refs.merge(h, 1, Integer::sum);
            }
        }
        return refs;
    }

    /** The chunk at a (256 KiB aligned), or null. */
    static HeapPage header(CoreFile core, HeapLayout l, Map<Long, String> vtables, long a) {
        try {
            long md = a;
            if (l.chunkMetadataPointer >= 0) {
                Optional<MemorySegment> h = core.segmentAt(a + l.chunkMetadataPointer, 8);
                if (h.isEmpty() || h.get().byteSize() < 8) return null;
                md = h.get().get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
                if (md == 0 || (md & 7) != 0 || !core.isReadable(md, 128)) return null;
            } else if (!core.isReadable(a, 128)) {
                return null;
            }
            long size = core.readLong(md + l.chunkSize);
            long areaStart = core.readLong(md + l.chunkAreaStart);
            long areaEnd = core.readLong(md + l.chunkAreaEnd);
            if (size <= 0 || size >= 1L << 40) return null;
            if (!(areaStart > a && areaStart <= a + 0x4000 && areaStart < areaEnd && areaEnd <= a + size)) return null;
            if ((areaStart & 7) != 0) return null;
            long owner = core.readLong(md + l.chunkOwner);
            long heap = core.readLong(md + l.chunkHeap);
            long flags = core.readLong(a + l.chunkFlags);
            String cls;
            if (owner == 0) {
                // read-only pages are regular-sized (at most one 256 KiB chunk in every version): a bigger
                // "chunk" without an owner is malloc data that looks like a header (seen in node 16 cores)
                if (size > l.pageAlignment) return null;
                cls = "";
            } else {
                if ((owner & 7) != 0 || !core.isReadable(owner, 8)) return null;
                cls = vtables.get(core.readLong(owner));
                if (cls == null) return null;
            }
            return new HeapPage(a, size, flags, areaStart, areaEnd, owner, heap, HeapPage.Space.ofOwnerClass(cls), cls, md);
        } catch (MemoryFault e) {
            return null;
        }
    }

    /** vtable address point (symbol + 16) -> class name, for v8::internal::*Space classes. */
    static Map<Long, String> spaceVtables(ElfImage binary) {
        Map<Long, String> out = new HashMap<>();
        String prefix = "_ZTVN2v88internal";
        for (Symbol s : binary.symbols().withPrefix(prefix)) {
            String rest = s.name().substring(prefix.length());
            int i = 0;
            while (i < rest.length() && Character.isDigit(rest.charAt(i))) i++;
            if (i == 0) continue;
            int len;
            try {
                len = Integer.parseInt(rest.substring(0, i));
            } catch (NumberFormatException e) {
                continue;
            }
            if (i + len + 1 != rest.length() || rest.charAt(i + len) != 'E') continue;
            String name = rest.substring(i, i + len);
            if (name.endsWith("Space")) out.put(s.value() + 16, name);
        }
        return out;
    }

    /**
     * Linear allocation areas: three adjacent words {start <= top <= limit}, 8-aligned, in one
     * new- or old-space page's area, near the Heap (IsolateData / Heap / the space objects).
     * The middle word is a top.
     */
    private static List<NewSpace.Lab> findLabs(CoreFile core, HeapLayout l, List<HeapPage> pages, long heap) {
        Map<Long, HeapPage> byBase = new HashMap<>();
        for (HeapPage p : pages) {
            if (!p.space().isLarge() && p.space() != HeapPage.Space.READ_ONLY) byBase.put(p.base(), p);
        }
        TreeMap<Long, Long> ranges = new TreeMap<>();
        if (heap != 0) ranges.put(heap - 0x40000, heap + 0x40000);
        for (HeapPage p : pages) if (p.owner() != 0) ranges.merge(p.owner() - 0x1000, p.owner() + 0x1000, Math::max);
        List<NewSpace.Lab> labs = new ArrayList<>();
        long align = l.pageAlignment;
        for (Map.Entry<Long, Long> r : ranges.entrySet()) {
            long a = r.getKey() & ~7L;
            while (a < r.getValue()) {
                Optional<MemorySegment> seg = core.segmentAt(a, r.getValue() - a);
                if (seg.isEmpty()) { a = (a + 4096) & ~4095L; continue; }
                MemorySegment m = seg.get();
                long n = m.byteSize() / 8;
                for (long i = 0; i + 2 < n; i++) {
                    long w0 = m.get(ValueLayout.JAVA_LONG_UNALIGNED, i * 8);
                    if (w0 == 0 || (w0 & 7) != 0) continue;
                    long w1 = m.get(ValueLayout.JAVA_LONG_UNALIGNED, i * 8 + 8);
                    long w2 = m.get(ValueLayout.JAVA_LONG_UNALIGNED, i * 8 + 16);
                    if ((w1 & 7) != 0 || (w2 & 7) != 0 || !(w0 <= w1 && w1 <= w2)) continue;
                    HeapPage p = byBase.get(w0 & -align);
                    if (p == null || w2 > p.areaEnd() || w0 < p.areaStart() || (w2 & -align) != p.base() && w2 != p.areaEnd()) continue;
                    labs.add(new NewSpace.Lab(a + i * 8, w0, w1, w2, p.base()));
                }
                a += Math.max(8, m.byteSize() & ~7L);
            }
        }
        return labs;
    }

    /** page base -> sorted candidate tops, and the limit of each (the least, if two areas share a top). */
    private static void tops(List<NewSpace.Lab> labs, Map<Long, long[]> tops, Map<Long, long[]> limits) {
        Map<Long, TreeMap<Long, Long>> found = new HashMap<>();
        for (NewSpace.Lab b : labs) found.computeIfAbsent(b.page(), k -> new TreeMap<>()).merge(b.top(), b.limit(), Math::min);
        for (Map.Entry<Long, TreeMap<Long, Long>> e : found.entrySet()) {
            tops.put(e.getKey(), e.getValue().keySet().stream().mapToLong(Long::longValue).toArray());
            limits.put(e.getKey(), e.getValue().values().stream().mapToLong(Long::longValue).toArray());
        }
    }
}
