package io.jsmdb.v8.heap;

import io.jsmdb.core.AddressSpace;
import io.jsmdb.core.MemoryFault;

/**
 * Per-thread cache of what the walker needs from a map word: whether it points at a Map, the
 * instance type, and the instance size in words. Open addressing over primitive arrays; no
 * allocation per lookup. Not thread-safe (one per walking thread).
 *
 * <p>A code-space cache knows only the maps of what V8 puts on code pages (InstructionStream,
 * or Code before V8 11, free space and fillers): machine code embeds pointers to other maps, and
 * an instruction stream, sized by the next map word on the page, must not end at one of them.
 */
final class MapCache {
    static final int NOT_A_MAP = -1;
    private static final int MAX_ENTRIES = 1 << 22;

    private final AddressSpace mem;
    private final HeapLayout l;
    private final boolean codeSpace;
    private long[] keys = new long[1 << 12];
    private int[] vals = new int[1 << 12];
    private int used;

    MapCache(AddressSpace mem, HeapLayout l, boolean codeSpace) {
        this.mem = mem;
        this.l = l;
        this.codeSpace = codeSpace;
    }

    /** (instanceSizeInWords << 16) | instanceType for a map word, or NOT_A_MAP. */
    int info(long mapWord) {
        int mask = keys.length - 1;
        int i = hash(mapWord) & mask;
        while (true) {
            long k = keys[i];
            if (k == mapWord) return vals[i];
            if (k == 0) break;
            i = (i + 1) & mask;
        }
        int v = compute(mapWord);
        if (used < MAX_ENTRIES) put(mapWord, v);
        return v;
    }

    private int compute(long w) {
        if ((w & 3) != 1) return NOT_A_MAP;
        long map = w - 1;
        try {
            long metaWord = mem.readLong(map + l.mapOffset);
            if ((metaWord & 3) != 1) return NOT_A_MAP;
            int metaType = mem.readUnsignedShort(metaWord - 1 + l.mapInstanceTypeOffset);
            if (metaType != l.mapType) return NOT_A_MAP;
            int type = mem.readUnsignedShort(map + l.mapInstanceTypeOffset);
            if (codeSpace && !l.inCodeSpace(type)) return NOT_A_MAP;
            int words = mem.readUnsignedByte(map + l.mapInstanceSizeOffset);
            return (words << 16) | type;
        } catch (MemoryFault e) {
            return NOT_A_MAP;
        }
    }

    private void put(long k, int v) {
        if ((used + 1) * 2 > keys.length) grow();
        int mask = keys.length - 1;
        int i = hash(k) & mask;
        while (keys[i] != 0) i = (i + 1) & mask;
        keys[i] = k;
        vals[i] = v;
        used++;
    }

    private void grow() {
        long[] ok = keys;
        int[] ov = vals;
        keys = new long[ok.length * 2];
        vals = new int[ov.length * 2];
        used = 0;
        for (int i = 0; i < ok.length; i++) if (ok[i] != 0) put(ok[i], ov[i]);
    }

    private static int hash(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32);
    }
}
