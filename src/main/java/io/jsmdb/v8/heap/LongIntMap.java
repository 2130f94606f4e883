package io.jsmdb.v8.heap;

/** long -> int open-addressing map over primitive arrays (key 0 not allowed); not thread-safe. */
final class LongIntMap {
    static final int MISSING = Integer.MIN_VALUE;
    private long[] keys = new long[64];
    private int[] vals = new int[64];
    private int size;

    int get(long k) {
        int mask = keys.length - 1;
        for (int i = hash(k) & mask; ; i = (i + 1) & mask) {
            long x = keys[i];
            if (x == k) return vals[i];
            if (x == 0) return MISSING;
        }
    }

    void put(long k, int v) {
        if ((size + 1) * 2 > keys.length) grow();
        int mask = keys.length - 1;
        int i = hash(k) & mask;
        while (keys[i] != 0 && keys[i] != k) i = (i + 1) & mask;
        if (keys[i] == 0) size++;
        keys[i] = k;
        vals[i] = v;
    }

    int size() { return size; }

    private void grow() {
        long[] ok = keys;
        int[] ov = vals;
        keys = new long[ok.length * 2];
        vals = new int[ok.length * 2];
        size = 0;
        for (int i = 0; i < ok.length; i++) if (ok[i] != 0) put(ok[i], ov[i]);
    }

    private static int hash(long k) {
        return (int) ((k * 0x9E3779B97F4A7C15L) >>> 32);
    }
}
