package io.jsmdb.v8.graph;

import io.jsmdb.v8.heap.HeapPage;
import java.util.List;

/**
 * Which heap page (and space) an address lies in, in constant time: every chunk is aligned to
 * the page alignment, so an address's aligned base finds its chunk (a large-object chunk is entered
 * once per aligned step it spans). Open addressing over primitive arrays; read-only after
 * construction, so safe to share between threads.
 */
final class PageIndex {
    static final int NONE = -1;
    private final long alignMask;
    private final long[] keys;
    private final int[] spaces;
    private final long[] starts, ends;

    PageIndex(List<HeapPage> pages, long alignment) {
        this.alignMask = ~(alignment - 1);
        long n = 0;
        for (HeapPage p : pages) n += Math.max(1, (p.end() - p.base() + alignment - 1) / alignment);
        int cap = Integer.highestOneBit((int) Math.min(1 << 28, Math.max(16, n * 2))) << 1;
        keys = new long[cap];
        spaces = new int[cap];
        starts = new long[cap];
        ends = new long[cap];
        for (HeapPage p : pages) {
            for (long b = p.base() & alignMask; b < p.end() && b >= 0; b += alignment) {
                put(b, p.space().ordinal(), p.areaStart(), p.areaEnd());
            }
        }
    }

    private void put(long base, int space, long areaStart, long areaEnd) {
        int mask = keys.length - 1;
        int i = hash(base) & mask;
        while (keys[i] != 0 && keys[i] != base) i = (i + 1) & mask;
        keys[i] = base;
        spaces[i] = space;
        starts[i] = areaStart;
        ends[i] = areaEnd;
    }

    /** The space ordinal of the page holding the untagged address, or NONE when it is in no page's object area. */
    int space(long addr) {
        long base = addr & alignMask;
        if (base == 0) return NONE;
        int mask = keys.length - 1;
        for (int i = hash(base) & mask; ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == base) return addr >= starts[i] && addr < ends[i] ? spaces[i] : NONE;
            if (k == 0) return NONE;
        }
    }

    private static int hash(long k) {
        return (int) ((k * 0x9E3779B97F4A7C15L) >>> 32);
    }
}
