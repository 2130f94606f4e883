package io.jsmdb.v8.heap;

import io.jsmdb.core.AddressSpace;
import io.jsmdb.core.MemoryFault;
import io.jsmdb.v8.V8Fact;
import io.jsmdb.v8.V8Metadata;
import java.util.ArrayDeque;
import java.util.Optional;

/**
 * V8's strings and symbols (its Names): the text of a string of any representation
 * (sequential, cons, sliced, thin, external; one- or two-byte), its length, and a symbol's
 * description and private flag.
 *
 * <p>Separate from {@link V8Heap} because string reading is a walk of its own (a cons tree of
 * any depth, bounded by {@link #MAX_STRING_NODES}) that every other family uses for names and
 * keys, while it needs nothing of them but the object basics (tagged words, maps, instance
 * types). Obtained from {@link V8Heap#strings()}; shares the heap's per-map cache.
 */
public final class V8Strings {
    private final V8Heap h;
    private final AddressSpace mem;
    private final V8Metadata md;
    private final long tag;

    V8Strings(V8Heap h) {
        this.h = h;
        this.mem = h.memory();
        this.md = h.metadata();
        this.tag = h.tag;
    }

    /** String::kMaxLength on 64-bit (2^29 - 24). A longer length is corrupt. */
    public static final int MAX_STRING_LENGTH = (1 << 29) - 24;

    /** Most cons/sliced/thin nodes visited for one string. */
    public static final int MAX_STRING_NODES = 1 << 20;

    /** A Symbol's description: a string, or empty for Symbol(). */
    public Optional<JsString> symbolDescription(long sym, int maxChars) {
        long d = h.field(sym, md.symbolNameOffset());
        if (h.isHeapObject(d) && h.isStringType(h.typeOf(d))) return Optional.of(readString(d, maxChars));
        return Optional.empty();
    }

    /** A Symbol as String(sym) gives it: "Symbol(desc)", "Symbol()" without a description. */
    public String symbolText(long sym, int maxChars) {
        return "Symbol(" + symbolDescription(sym, maxChars).map(JsString::text).orElse("") + ")";
    }

    /** Private symbols (V8's internal property keys) are hidden from JavaScript. */
    public boolean isPrivateSymbol(long sym) {
        return (h.i32(sym, md.get(V8Fact.SYMBOL_FLAGS_OFFSET)) & 1) != 0;
    }

    /** A string's text, maybe cut: {@code length} is the full length. */
    public record JsString(String text, int length, boolean truncated) {}

    /** The length of a string object (validated against String::kMaxLength). */
    public int stringLength(long s) {
        int len = h.i32(s, md.stringLengthOffset());
        if (len < 0 || len > MAX_STRING_LENGTH) {
            throw new HeapException(s, String.format("string 0x%x has an absurd length %d", s, len));
        }
        return len;
    }

    /**
     * Reads at most maxChars characters of a string of any representation (sequential, cons,
     * sliced, thin, external; one- or two-byte), without recursion: cons trees of any depth are
     * walked with an explicit, bounded stack.
     */
    public JsString readString(long s, int maxChars) {
        int type = h.typeOf(s);
        if (!h.isStringType(type)) throw new HeapException(s, String.format("0x%x is not a string (%s)", s, h.typeName(type)));
        int total = stringLength(s);
        int want = Math.min(total, Math.max(0, maxChars));
        StringBuilder out = new StringBuilder(Math.min(want, 1 << 16));
        ArrayDeque<long[]> stack = new ArrayDeque<>();
        stack.push(new long[] {s, 0, want});
        int nodes = 0;
        int repMask = md.stringRepresentationMask();
        while (!stack.isEmpty() && out.length() < want) {
            if (++nodes > MAX_STRING_NODES) throw new HeapException(s, String.format("string 0x%x has more than %d parts", s, MAX_STRING_NODES));
            long[] e = stack.pop();
            long p = e[0];
            int from = (int) e[1], to = (int) e[2];
            if (from >= to) continue;
            int pt = h.typeOf(p);
            if (!h.isStringType(pt)) throw new HeapException(p, String.format("part 0x%x of string 0x%x is not a string", p, s));
            int plen = stringLength(p);
            if (to > plen) throw new HeapException(p, String.format("string 0x%x: part 0x%x is shorter (%d) than its parent says", s, p, plen));
            boolean oneByte = md.isOneByteString(pt);
            int rep = pt & repMask;
            if (rep == md.seqStringTag()) {
                int off = oneByte ? md.seqOneByteCharsOffset() : md.seqTwoByteCharsOffset();
                appendChars(out, p - tag + off, from, to, oneByte);
            } else if (rep == md.consStringTag()) {
                long first = h.field(p, md.consStringFirstOffset());
                long second = h.field(p, md.consStringSecondOffset());
                int flen = stringLength(first);
                if (to > flen) stack.push(new long[] {second, Math.max(0, from - flen), to - flen});
                if (from < flen) stack.push(new long[] {first, from, Math.min(to, flen)});
            } else if (rep == md.slicedStringTag()) {
                long parent = h.field(p, md.slicedStringParentOffset());
                long off = h.smiField(p, md.slicedStringOffsetOffset(), "sliced string offset");
                if (off < 0 || off > MAX_STRING_LENGTH) throw new HeapException(p, "sliced string with an absurd offset " + off);
                stack.push(new long[] {parent, from + off, to + off});
            } else if (rep == md.thinStringTag()) {
                stack.push(new long[] {h.field(p, md.thinStringActualOffset()), from, to});
            } else if (rep == md.externalStringTag()) {
                long data = h.field(p, md.externalStringResourceDataOffset());
                if (data == 0 || (pt & 0x10) != 0) {
                    throw new HeapException(p, String.format("external string 0x%x keeps no cached data pointer", p));
                }
                appendChars(out, data, from, to, oneByte);
            } else {
                throw new HeapException(p, String.format("string 0x%x has an unknown representation %d", p, rep));
            }
            if (out.length() > want) out.setLength(want);
        }
        return new JsString(out.toString(), total, want < total);
    }

    private void appendChars(StringBuilder out, long addr, int from, int to, boolean oneByte) {
        int n = to - from;
        final int chunk = 1 << 16;
        for (int done = 0; done < n; done += chunk) {
            int m = Math.min(chunk, n - done);
            if (oneByte) {
                byte[] b = mem.readBytes(addr + from + done, m);
                for (byte x : b) out.append((char) (x & 0xff));
            } else {
                byte[] b = mem.readBytes(addr + 2L * (from + done), 2 * m);
                for (int i = 0; i < m; i++) out.append((char) ((b[2 * i] & 0xff) | ((b[2 * i + 1] & 0xff) << 8)));
            }
        }
    }

    /** A short string (names, keys) whole, or HeapException. */
    public String stringValue(long s, int maxChars) {
        return readString(s, maxChars).text();
    }

    /** True if tagged is a heap object with a valid string map. Never throws. */
    boolean isString(long tagged) {
        try {
            return h.isHeapObject(tagged) && h.isStringType(h.typeOf(tagged));
        } catch (MemoryFault | HeapException e) {
            return false;
        }
    }
}
