package io.jsmdb.v8.graph;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The decimal names of indices ("0", "1", ...) that V8's snapshot gives FixedArray slots and weak
 * references: made once per index and shared, so naming a slot allocates nothing after the first
 * time. Indices past the table are made on demand.
 */
final class IndexNames {
    private static final int CACHED = 1 << 20;
    private static final AtomicReferenceArray<String> NAMES = new AtomicReferenceArray<>(CACHED);

    private IndexNames() {}

    static String of(int i) {
        if (i < 0 || i >= CACHED) return Integer.toString(i);
        String s = NAMES.get(i);
        if (s == null) {
            s = Integer.toString(i);
            NAMES.lazySet(i, s);
        }
        return s;
    }
}
