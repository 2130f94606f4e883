package io.jsmdb.v8.frames;

import io.jsmdb.v8.Fallbacks;

/**
 * A decoded V8 source position table (src/codegen/source-position-table.cc): entries of
 * (code offset, raw SourcePosition), code offsets accumulated from -1
 * (kFunctionEntryBytecodeOffset). Two encodings of the code-offset delta: zig-zag with the
 * sign as "expression" (V8 to 13.x, encoding 0), or bit 0 = statement and the delta from bit 2
 * (V8 14, encoding 1).
 */
public final class SourcePositions {
    private final int[] codeOffsets;
    private final long[] positions;
    private final int n;

    private SourcePositions(int[] codeOffsets, long[] positions, int n) {
        this.codeOffsets = codeOffsets;
        this.positions = positions;
        this.n = n;
    }

    /** Decodes a table; stops at the first malformed entry. */
    public static SourcePositions decode(byte[] data, int encoding) {
        int cap = Math.max(4, data.length / 2 + 1);
        int[] co = new int[cap];
        long[] pos = new long[cap];
        int n = 0;
        long codeOffset = -1, position = 0;
        int[] idx = {0};
        while (idx[0] < data.length && n < cap) {
            long u = vlq(data, idx);
            if (u < 0) break;
            long delta;
            if (encoding == 0) {
                long x = (u >>> 1) ^ -(u & 1);
                delta = x >= 0 ? x : -(x + 1);
            } else {
                delta = u >>> 2;
            }
            codeOffset += delta;
            long v = vlq(data, idx);
            if (v < 0) break;
            position += (v >>> 1) ^ -(v & 1);
            co[n] = (int) codeOffset;
            pos[n] = position;
            n++;
        }
        return new SourcePositions(co, pos, n);
    }

    /** Unsigned VLQ: 7 bits a byte, low group first, bit 7 = more; -1 if truncated or too long. */
    static long vlq(byte[] d, int[] idx) {
        long v = 0;
        int shift = 0;
        while (idx[0] < d.length && shift < 64) {
            int b = d[idx[0]++] & 0xff;
            v |= (long) (b & 0x7f) << shift;
            shift += 7;
            if ((b & 0x80) == 0) return v;
        }
        return -1;
    }

    public int size() { return n; }

    /**
     * The raw position of the last entry with code offset <= offset, skipping the function-entry
     * entry (code offset -1) as V8's iterator does; -1 if none.
     */
    public long lookup(int offset) {
        long best = -1;
        for (int i = 0; i < n; i++) {
            if (codeOffsets[i] < 0) continue;
            if (codeOffsets[i] <= offset) best = positions[i];
            else break;
        }
        return best;
    }

    /** The raw position of the function-entry entry (code offset -1), or -1. */
    public long entryPosition() {
        return n > 0 && codeOffsets[0] == -1 ? positions[0] : -1;
    }

    /** Script offset of a raw SourcePosition (-1 for kNoSourcePosition). */
    public static int scriptOffset(long raw) {
        return (int) (((raw >>> Fallbacks.SOURCE_POSITION_SCRIPT_OFFSET_SHIFT) & Fallbacks.SOURCE_POSITION_SCRIPT_OFFSET_MASK) - 1);
    }

    /** Inlining id of a raw SourcePosition (-1: not inlined). */
    public static int inliningId(long raw) {
        return (int) (((raw >>> Fallbacks.SOURCE_POSITION_INLINING_ID_SHIFT) & Fallbacks.SOURCE_POSITION_INLINING_ID_MASK) - 1);
    }

    /** A raw SourcePosition with its script offset replaced by another's (its inlining id kept). */
    public static long withScriptOffsetOf(long raw, long other) {
        long field = (long) Fallbacks.SOURCE_POSITION_SCRIPT_OFFSET_MASK << Fallbacks.SOURCE_POSITION_SCRIPT_OFFSET_SHIFT;
        return (raw & ~field) | (other & field);
    }
}
