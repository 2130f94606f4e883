package io.jsmdb.v8.frames;

import io.jsmdb.core.AddressSpace;
import io.jsmdb.v8.Fallbacks;
import io.jsmdb.v8.V8Fact;
import io.jsmdb.v8.V8Metadata;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.OptionalInt;

/**
 * The few heap-object reads the frame decoder needs: tags, Smis, instance types, strings and
 * one-line value summaries. Interim: io.jsmdb.v8.heap.V8Heap is to replace it; every method
 * here is tolerant (bad memory gives -1 / null, never an exception).
 */
final class FrameHeap {
    final AddressSpace mem;
    final V8Metadata md;
    private final int tagMask, tag, smiMask, smiTag, smiShift, mapOff, typeOff;
    final int stringType0, firstNonString;
    private final int seq, cons, sliced, ext, thin, reprMask;
    private final int lenOff, oneByteChars, twoByteChars, consFirst, consSecond, slicedParent, slicedOffset, thinActual, extData;
    final int mapType, oddballType, heapNumberType, scopeInfoType, scriptType, sfiType, bytecodeArrayType, codeType;
    final int firstJsFunctionType, lastJsFunctionType;
    private final int oddballToString, heapNumberValue, ctorOrBackPointer, sfiNameOrScopeInfo, fnShared;

    FrameHeap(AddressSpace mem, V8Metadata md) {
        this.mem = mem;
        this.md = md;
        tagMask = md.heapObjectTagMask();
        tag = md.heapObjectTag();
        smiMask = md.smiTagMask();
        smiTag = md.smiTag();
        smiShift = md.smiShift();
        mapOff = md.mapOffset();
        typeOff = md.mapInstanceTypeOffset();
        stringType0 = 0;
        firstNonString = md.firstNonstringType();
        seq = md.seqStringTag();
        cons = md.consStringTag();
        sliced = md.slicedStringTag();
        ext = md.externalStringTag();
        thin = md.thinStringTag();
        reprMask = md.stringRepresentationMask();
        lenOff = md.stringLengthOffset();
        oneByteChars = md.seqOneByteCharsOffset();
        twoByteChars = md.seqTwoByteCharsOffset();
        consFirst = md.consStringFirstOffset();
        consSecond = md.consStringSecondOffset();
        slicedParent = md.slicedStringParentOffset();
        slicedOffset = md.slicedStringOffsetOffset();
        thinActual = md.thinStringActualOffset();
        extData = md.externalStringResourceDataOffset();
        mapType = typeOr("MAP_TYPE");
        oddballType = typeOr("ODDBALL_TYPE");
        heapNumberType = typeOr("HEAP_NUMBER_TYPE");
        scopeInfoType = typeOr("SCOPE_INFO_TYPE");
        scriptType = typeOr("SCRIPT_TYPE");
        sfiType = typeOr("SHARED_FUNCTION_INFO_TYPE");
        bytecodeArrayType = typeOr("BYTECODE_ARRAY_TYPE");
        codeType = typeOr("CODE_TYPE");
        firstJsFunctionType = md.firstJSFunctionType();
        lastJsFunctionType = md.lastJSFunctionType();
        oddballToString = (int) md.find(V8Fact.ODDBALL_TO_STRING_OFFSET).orElse(-1);
        heapNumberValue = md.heapNumberValueOffset();
        ctorOrBackPointer = md.mapConstructorOrBackPointerOffset();
        sfiNameOrScopeInfo = md.sfiNameOrScopeInfoOffset();
        fnShared = md.jsFunctionSharedOffset();
    }

    int typeOr(String name) {
        OptionalInt t;
        try {
            t = md.instanceType(name);
        } catch (RuntimeException e) {
            t = OptionalInt.empty();
        }
        return t.orElse(-1);
    }

    boolean isSmi(long w) { return (w & smiMask) == smiTag; }
    boolean isHeapObject(long w) { return (w & tagMask) == tag; }
    long smi(long w) { return w >> smiShift; }

    /** The word at a raw address, or 0 when unreadable. */
    long word(long addr) {
        try {
            return mem.readLong(addr);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** A tagged field of a heap object (0 when unreadable). */
    long field(long obj, int off) { return word(obj - tag + off); }

    int int32(long obj, int off) {
        try {
            return mem.readInt(obj - tag + off);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    int uint16(long obj, int off) {
        try {
            return mem.readUnsignedShort(obj - tag + off);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** The instance type of a heap object, or -1. */
    int type(long obj) {
        if (!isHeapObject(obj) || obj == tag) return -1;
        long map = word(obj - tag + mapOff);
        if (!isHeapObject(map)) return -1;
        try {
            return mem.readUnsignedShort(map - tag + typeOff);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** The instance type a map describes, if w is a map (its own map's type is MAP_TYPE); else -1. */
    int typeIfMap(long w) {
        if (!isHeapObject(w) || type(w) != mapType) return -1;
        try {
            return mem.readUnsignedShort(w - tag + typeOff);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    boolean isString(long obj) {
        int t = type(obj);
        return t >= 0 && t < firstNonString;
    }

    boolean isJsFunction(long obj) {
        int t = type(obj);
        return t >= firstJsFunctionType && t <= lastJsFunctionType;
    }

    /** Smi value of a Smi field, or dflt if the word is not a Smi. */
    long smiField(long obj, int off, long dflt) {
        long w = field(obj, off);
        return isSmi(w) ? smi(w) : dflt;
    }

    /** Untagged read of FixedArray-like element i (header size from the metadata). */
    long element(long array, int headerSize, int i) { return field(array, headerSize + i * 8); }

    /** The string's contents (at most max chars; longer ones end with "..." only if ellipsis), or null if not a string. */
    String string(long obj, int max) {
        if (!isString(obj)) return null;
        StringBuilder sb = new StringBuilder();
        if (!appendString(sb, obj, 0, Integer.MAX_VALUE, max)) return sb.length() == 0 ? null : sb.toString();
        return sb.toString();
    }

    /** The string's length, or -1. */
    int stringLength(long obj) {
        if (!isString(obj)) return -1;
        return int32(obj, lenOff);
    }

    /**
     * Appends chars [from, from+count) of the string (capped at max total chars in sb). Cons
     * strings are walked with an explicit stack (deep cons chains). Returns false on bad data.
     */
    boolean appendString(StringBuilder sb, long obj, int from, int count, int max) {
        Deque<long[]> work = new ArrayDeque<>();
        work.push(new long[] {obj, from, count});
        int steps = 0;
        while (!work.isEmpty()) {
            if (sb.length() >= max || ++steps > 1_000_000) return true;
            long[] w = work.pop();
            long s = w[0];
            int start = (int) w[1];
            int t = type(s);
            if (t < 0 || t >= firstNonString) return false;
            int len = int32(s, lenOff);
            if (len < 0) return false;
            int end = (int) Math.min((long) len, (long) start + w[2]);
            if (start >= end) continue;
            int repr = t & reprMask;
            boolean one = md.isOneByteString(t);
            if (repr == seq || repr == ext) {
                long data;
                if (repr == seq) {
                    data = s - tag + (one ? oneByteChars : twoByteChars);
                } else {
                    data = field(s, extData);
                    if (data == 0) return false;
                }
                int n = Math.min(end - start, max - sb.length());
                try {
                    if (one) {
                        byte[] b = mem.readBytes(data + start, n);
                        for (byte x : b) sb.append((char) (x & 0xff));
                    } else {
                        byte[] b = mem.readBytes(data + 2L * start, 2 * n);
                        for (int i = 0; i < n; i++) sb.append((char) ((b[2 * i] & 0xff) | (b[2 * i + 1] & 0xff) << 8));
                    }
                } catch (RuntimeException e) {
                    return false;
                }
            } else if (repr == cons) {
                long first = field(s, consFirst), second = field(s, consSecond);
                int firstLen = stringLength(first);
                if (firstLen < 0) return false;
                if (end > firstLen) work.push(new long[] {second, Math.max(0, start - firstLen), end - Math.max(start, firstLen)});
                if (start < firstLen) work.push(new long[] {first, start, Math.min(end, firstLen) - start});
            } else if (repr == sliced) {
                long parent = field(s, slicedParent);
                long off = smiField(s, slicedOffset, -1);
                if (off < 0) return false;
                work.push(new long[] {parent, off + start, end - start});
            } else if (repr == thin) {
                work.push(new long[] {field(s, thinActual), start, end - start});
            } else {
                return false;
            }
        }
        return true;
    }

    /** The name of a SharedFunctionInfo's constructor-ish: the SFI of a JSFunction. */
    long sharedOf(long fn) { return field(fn, fnShared); }

    /**
     * A one-line summary of a JS value, mdb_v8 style: {@code 42}, {@code undefined},
     * {@code "str"}, {@code 0x... (JSObject: Foo)}, {@code 0x... (HeapNumber: 1.5)}.
     */
    String summary(long v, Names names) {
        if (isSmi(v)) return Long.toString(smi(v));
        if (!isHeapObject(v)) return String.format("0x%x (not a JS value)", v);
        int t = type(v);
        if (t < 0) return String.format("0x%x (unreadable)", v);
        if (t == oddballType && oddballToString >= 0) {
            String s = string(field(v, oddballToString), 32);
            if (s != null) return s;
        }
        if (t < firstNonString) {
            int len = stringLength(v);
            String s = string(v, 80);
            if (s == null) return String.format("0x%x (String)", v);
            String q = "\"" + s + (len > 80 ? "...\"" : "\"");
            return q;
        }
        if (t == heapNumberType) {
            double d;
            try {
                d = mem.readDouble(v - tag + heapNumberValue);
            } catch (RuntimeException e) {
                return String.format("0x%x (HeapNumber)", v);
            }
            return String.format("0x%x (HeapNumber: %s)", v, JsNumberText.of(d));
        }
        String cls = md.typeClassName(t).orElse(md.instanceTypeName(t).orElse("type " + t));
        if (t >= firstJsFunctionType && t <= lastJsFunctionType) {
            String n = names.debugName(sharedOf(v));
            return String.format("0x%x (JSFunction: %s)", v, n.isEmpty() ? "<anonymous>" : n);
        }
        String ctor = constructorName(v, names);
        if (ctor != null && cls.startsWith("JS")) return String.format("0x%x (%s: %s)", v, cls, ctor);
        return String.format("0x%x (%s)", v, cls);
    }

    /** The name of the function that constructed obj (map's constructor, through back pointers), or null. */
    String constructorName(long obj, Names names) {
        long map = field(obj, mapOff);
        for (int i = 0; i < 64 && isHeapObject(map); i++) {
            long c = field(map, ctorOrBackPointer);
            if (!isHeapObject(c)) return null;
            int ct = type(c);
            if (ct == mapType) {
                map = c;
                continue;
            }
            if (ct >= firstJsFunctionType && ct <= lastJsFunctionType) {
                String n = names.debugName(sharedOf(c));
                return n.isEmpty() ? null : n;
            }
            return null;
        }
        return null;
    }

    /** Formats doubles the way JS prints them (roughly: integers without ".0"). */
    static final class JsNumberText {
        static String of(double d) {
            if (Double.isNaN(d)) return "NaN";
            if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
            if (d == Math.rint(d) && Math.abs(d) < 1e21) {
                if (d == 0 && 1 / d < 0) return "-0";
                return Long.toString((long) d);
            }
            return Double.toString(d);
        }
    }

    /** Weak references carry bit 1; strip it. */
    static long strong(long w) { return w & ~Fallbacks.WEAK_HEAP_OBJECT_MASK; }

    int sfiNameOrScopeInfoOffset() { return sfiNameOrScopeInfo; }
}
