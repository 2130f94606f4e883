package io.jsmdb.v8.graph;

import java.util.Arrays;

/**
 * A deduplicated table of strings: each distinct string gets a dense id (0, 1, ...), in order of
 * first use. Open addressing over an int[] of ids, so a table of millions of names costs the
 * strings themselves plus 8 bytes per entry, not a HashMap node and a boxed Integer each.
 * Not thread-safe.
 */
public final class StringTable {
    private String[] strings = new String[256];
    private int[] slots = new int[512]; // id + 1; 0 is empty
    private int size;

    /** The id of s, added if new. */
    public int intern(String s) {
        int mask = slots.length - 1;
        int h = mix(s.hashCode());
        for (int i = h & mask; ; i = (i + 1) & mask) {
            int id = slots[i] - 1;
            if (id < 0) {
                if (size == strings.length) strings = Arrays.copyOf(strings, size * 2);
                strings[size] = s;
                slots[i] = ++size;
                if (size * 2 > slots.length) rehash();
                return size - 1;
            }
            if (strings[id].equals(s)) return id;
        }
    }

    public String get(int id) {
        return strings[id];
    }

    public int size() {
        return size;
    }

    /** The strings, by id (a copy trimmed to size). */
    public String[] toArray() {
        return Arrays.copyOf(strings, size);
    }

    private void rehash() {
        int[] n = new int[slots.length * 2];
        int mask = n.length - 1;
        for (int id = 0; id < size; id++) {
            int i = mix(strings[id].hashCode()) & mask;
            while (n[i] != 0) i = (i + 1) & mask;
            n[i] = id + 1;
        }
        slots = n;
    }

    private static int mix(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
