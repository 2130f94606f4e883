package io.jsmdb.v8.heap;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What changed between two heap censuses ({@link JsObjectScan}) of one program, typically two
 * cores of a process taken some time apart: per constructor, or per shape (constructor and
 * own property names, as the census groups objects), the instances and their bytes in each
 * census and the difference. This is DevTools' comparison view without object identities: a
 * core has no stable object ids, so a row says how much a population grew or shrank, not which
 * objects are new.
 */
public final class CensusDiff {
    private CensusDiff() {}

    /** How rows are keyed. */
    public enum By {
        /** One row per constructor name (every shape and, for arrays, every length together). */
        CONSTRUCTOR,
        /** One row per census group: constructor and own property names in order; arrays by length. */
        SHAPE
    }

    /**
     * One row. For rows by constructor, properties, nprops and array are empty / 0 / false; for
     * rows by shape they are the census group's (nprops: the number of properties, an array's
     * length). malformed: objects whose map or properties could not be decoded (the census's
     * "malformed" groups).
     */
    public record Row(String constructor, List<String> properties, long nprops, boolean array, boolean malformed,
                      long count1, long count2, long bytes1, long bytes2) {
        public long countDelta() { return count2 - count1; }
        public long bytesDelta() { return bytes2 - bytes1; }
        /** The same number of objects and bytes in both censuses. */
        public boolean unchanged() { return count1 == count2 && bytes1 == bytes2; }
    }

    /** Growth first: bytes, then count, both descending; then by name for a stable order. */
    public static final Comparator<Row> BY_GROWTH = Comparator.comparingLong(Row::bytesDelta).reversed()
            .thenComparing(Comparator.comparingLong(Row::countDelta).reversed())
            .thenComparing(Row::constructor)
            .thenComparing(r -> String.join("\u0000", r.properties()))
            .thenComparingLong(Row::nprops)
            .thenComparing(Row::array)
            .thenComparing(Row::malformed);

    private record Key(String constructor, List<String> properties, long nprops, boolean array, boolean malformed) {}

    /** Every row present in either census (unchanged ones too), sorted by growth ({@link #BY_GROWTH}). */
    public static List<Row> of(JsObjectScan before, JsObjectScan after, By by) {
        Map<Key, long[]> sums = new HashMap<>(); // {count1, count2, bytes1, bytes2}
        add(sums, before, by, 0);
        add(sums, after, by, 1);
        List<Row> rows = new ArrayList<>(sums.size());
        sums.forEach((k, v) -> rows.add(new Row(k.constructor(), k.properties(), k.nprops(), k.array(), k.malformed(),
                v[0], v[1], v[2], v[3])));
        rows.sort(BY_GROWTH);
        return rows;
    }

    private static void add(Map<Key, long[]> sums, JsObjectScan scan, By by, int which) {
        for (JsObjectScan.Group g : scan.groups()) {
            Key k = by == By.SHAPE
                    ? new Key(g.constructor(), g.properties(), g.nprops(), g.isArray(), g.isMalformed())
                    // by name alone (arrays and objects whose constructor is named "Array" are one
                    // row); malformed groups stay apart, as the census keeps them apart
                    : new Key(g.constructor(), List.of(), 0, false, g.isMalformed());
            long[] v = sums.computeIfAbsent(k, x -> new long[4]);
            v[which] += g.count();
            v[2 + which] += g.bytes();
        }
    }
}
