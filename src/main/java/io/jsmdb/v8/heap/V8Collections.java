package io.jsmdb.v8.heap;

import io.jsmdb.core.MemoryFault;
import io.jsmdb.v8.V8Fact;
import io.jsmdb.v8.V8Metadata;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The built-in objects with internal slots: Map and Set (their OrderedHashTable), WeakMap and
 * WeakSet (their EphemeronHashTable), Promise state and result, ArrayBuffer, typed arrays and
 * DataView, and the other builtins a printer shows by their slots (Date, RegExp, primitive
 * wrappers, Proxy, Error's message and stack).
 *
 * <p>Separate from {@link V8Heap} because each of these is one builtin's own layout, read
 * only when that kind of object is shown or followed, and none of the object basics depends
 * on them. Obtained from {@link V8Heap#collections()}; shares the heap's per-map cache.
 */
public final class V8Collections {
    private final V8Heap h;
    private final V8Metadata md;
    private final int ptr;

    V8Collections(V8Heap h) {
        this.h = h;
        this.md = h.metadata();
        this.ptr = h.ptr;
        this.errorStackDataType = md.instanceType("ERROR_STACK_DATA_TYPE").orElse(-1);
    }

    private static final Set<String> TYPED_ARRAY_NAMES = Set.of("Uint8Array", "Int8Array", "Uint16Array", "Int16Array",
            "Uint32Array", "Int32Array", "Float16Array", "Float32Array", "Float64Array", "Uint8ClampedArray",
            "BigUint64Array", "BigInt64Array");

    /** JSDate's time value in ms (NaN for an invalid date). */
    public double dateValue(long obj) {
        long v = h.field(obj, md.get(V8Fact.JS_DATE_VALUE_OFFSET));
        if (md.get(V8Fact.JS_DATE_VALUE_IS_RAW_DOUBLE) != 0) return Double.longBitsToDouble(v);
        return h.isNumber(v) ? h.numberValue(v) : Double.NaN;
    }

    /** RegExp source and flags ("gi"). */
    public record RegExpInfo(String source, String flags) {}

    public RegExpInfo regExp(long obj, int maxChars) {
        long src = h.field(obj, md.get(V8Fact.JS_REGEXP_SOURCE_OFFSET));
        String source = h.strings().isString(src) ? h.strings().readString(src, maxChars).text() : "?";
        long fw = h.field(obj, md.get(V8Fact.JS_REGEXP_FLAGS_OFFSET));
        StringBuilder f = new StringBuilder();
        if (h.isSmi(fw)) {
            long bits = h.smiValue(fw);
            // JSRegExp::Flag order (regexp-flags.h): g i m y u s d v; printed in Flags getter order.
            String[] names = {"g", "i", "m", "y", "u", "s", "d", "v"};
            String order = "dgimsuvy";
            for (char c : order.toCharArray()) {
                for (int b = 0; b < names.length; b++) if (names[b].charAt(0) == c && (bits & (1L << b)) != 0) f.append(c);
            }
        }
        return new RegExpInfo(source, f.toString());
    }

    /** Entries of a Map (key, value) or Set (key only; value 0), in insertion order, at most max. */
    public record Entry(long key, long value) {}

    public record Collection(int size, List<Entry> entries) {}

    public Collection collection(long obj, boolean isMap, int max) {
        long table = h.field(obj, md.get(V8Fact.JS_COLLECTION_TABLE_OFFSET));
        int hdr = md.fixedArrayHeaderSize();
        long len = h.smiField(table, md.fixedArrayLengthOffset(), "table length");
        long nof = h.smiField(table, hdr, "number of elements");
        long nod = h.smiField(table, hdr + ptr, "number of deleted elements");
        long buckets = h.smiField(table, hdr + 2 * ptr, "number of buckets");
        int es = isMap ? 2 : 1;
        long first = 3 + buckets;
        if (nof < 0 || nod < 0 || buckets < 0 || first + (nof + nod) * (es + 1) > len) {
            throw new HeapException(table, String.format("hash table 0x%x has inconsistent counts", table));
        }
        List<Entry> out = new ArrayList<>();
        for (long i = 0; i < nof + nod && out.size() < max; i++) {
            int at = hdr + (int) ((first + i * (es + 1)) * ptr);
            long key = h.field(table, at);
            if (h.isHole(key)) continue;
            out.add(new Entry(key, isMap ? h.field(table, at + ptr) : 0));
        }
        return new Collection((int) nof, out);
    }

    /** Entries of a WeakMap (key, value) or WeakSet (key), at most max. */
    public Collection weakCollection(long obj, boolean isMap, int max) {
        long table = h.field(obj, md.get(V8Fact.JS_WEAK_COLLECTION_TABLE_OFFSET));
        int hdr = md.fixedArrayHeaderSize();
        long len = h.smiField(table, md.fixedArrayLengthOffset(), "table length");
        long nof = h.smiField(table, hdr, "number of elements");
        long capacity = h.smiField(table, hdr + 2 * ptr, "capacity");
        int start = md.get(V8Fact.NAME_DICTIONARY_PREFIX_START_INDEX);
        if (capacity < 0 || start + capacity * 2 > len) throw new HeapException(table, String.format("table 0x%x has inconsistent counts", table));
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < capacity && out.size() < max; i++) {
            int at = hdr + (start + i * 2) * ptr;
            long key = h.field(table, at);
            if (h.isUndefinedOrHole(key)) continue;
            out.add(new Entry(key, isMap ? h.field(table, at + ptr) : 0));
        }
        return new Collection((int) nof, out);
    }

    /** Promise state: "pending", "fulfilled" or "rejected", and the result (0 when pending). */
    public record PromiseInfo(String state, long result) {}

    public PromiseInfo promise(long obj) {
        long flags = h.smiField(obj, md.get(V8Fact.JS_PROMISE_FLAGS_OFFSET), "promise flags");
        long result = h.field(obj, md.get(V8Fact.JS_PROMISE_REACTIONS_OR_RESULT_OFFSET));
        int status = (int) (flags & 3);
        return switch (status) {
            case 0 -> new PromiseInfo("pending", 0);
            case 1 -> new PromiseInfo("fulfilled", result);
            case 2 -> new PromiseInfo("rejected", result);
            default -> throw new HeapException(obj, "promise with an invalid status " + status);
        };
    }

    /** An ArrayBuffer's length and data address. */
    public record BufferInfo(long byteLength, long data) {}

    public BufferInfo arrayBuffer(long obj) {
        long len = h.field(obj, md.get(V8Fact.JS_ARRAY_BUFFER_BYTE_LENGTH_OFFSET));
        long data = h.field(obj, md.get(V8Fact.JS_ARRAY_BUFFER_BACKING_STORE_OFFSET));
        return new BufferInfo(len, data);
    }

    /** A typed array or DataView: its buffer, offset, length in bytes, element count and data address. */
    public record ViewInfo(String type, long buffer, long byteOffset, long byteLength, long length, long data) {}

    public ViewInfo view(long obj) {
        int type = h.typeOf(obj);
        long buffer = h.field(obj, md.get(V8Fact.JS_ARRAY_BUFFER_VIEW_BUFFER_OFFSET));
        long off = h.field(obj, md.get(V8Fact.JS_ARRAY_BUFFER_VIEW_BYTE_OFFSET_OFFSET));
        long blen = h.field(obj, md.get(V8Fact.JS_ARRAY_BUFFER_VIEW_BYTE_LENGTH_OFFSET));
        if (type == h.tTypedArray) {
            String ta = typedArrayType(obj);
            OptionalLong lenOff = md.find(V8Fact.JS_TYPED_ARRAY_LENGTH_OFFSET);
            long len = lenOff.isPresent() ? h.field(obj, (int) lenOff.getAsLong()) : blen / elementSize(ta);
            long ext = h.field(obj, md.get(V8Fact.JS_TYPED_ARRAY_EXTERNAL_POINTER_OFFSET));
            long base = h.field(obj, md.get(V8Fact.JS_TYPED_ARRAY_BASE_POINTER_OFFSET));
            long data = ext + (h.isSmi(base) ? h.smiValue(base) : base);
            if (len < 0 || blen < 0 || off < 0) throw new HeapException(obj, String.format("typed array 0x%x has an invalid length", obj));
            return new ViewInfo(ta, buffer, off, blen, len, data);
        }
        long data = 0;
        if (h.isHeapObject(buffer) && h.typeOf(buffer) == h.tArrayBuffer) data = arrayBuffer(buffer).data() + off;
        return new ViewInfo("DataView", buffer, off, blen, blen, data);
    }

    /** The element type of a typed array ("Uint8Array", ...), found on its constructor / prototype chain. */
    public String typedArrayType(long obj) {
        long map = h.mapOf(obj);
        OptionalLong f = h.constructorFunction(map);
        if (f.isPresent()) {
            String n = h.functions().functionDebugName(f.getAsLong());
            if (TYPED_ARRAY_NAMES.contains(n)) return n;
        }
        long proto = h.mapPrototype(map);
        for (int i = 0; i < 8 && h.isHeapObject(proto); i++) {
            try {
                OptionalLong c = h.properties().ownDataProperty(proto, "constructor");
                if (c.isPresent()) {
                    String n = h.functions().functionDebugName(c.getAsLong());
                    if (TYPED_ARRAY_NAMES.contains(n)) return n;
                }
                proto = h.mapPrototype(h.mapOf(proto));
            } catch (MemoryFault | HeapException e) {
                break;
            }
        }
        return "TypedArray";
    }

    /** Bytes per element of a typed array type name. */
    public static int elementSize(String typedArrayType) {
        return switch (typedArrayType) {
            case "Uint16Array", "Int16Array", "Float16Array" -> 2;
            case "Uint32Array", "Int32Array", "Float32Array" -> 4;
            case "Float64Array", "BigUint64Array", "BigInt64Array" -> 8;
            default -> 1;
        };
    }

    /** JSPrimitiveWrapper's value. */
    public long primitiveWrapperValue(long obj) { return h.field(obj, md.get(V8Fact.JS_PRIMITIVE_WRAPPER_VALUE_OFFSET)); }

    public record ProxyInfo(long target, long handler) {}

    public ProxyInfo proxy(long obj) {
        return new ProxyInfo(h.field(obj, md.get(V8Fact.JS_PROXY_TARGET_OFFSET)), h.field(obj, md.get(V8Fact.JS_PROXY_HANDLER_OFFSET)));
    }

    /**
     * Error: message (an own property) and stack. The stack is a string once V8 formatted it
     * (error.stack was read); before that V8 keeps the call sites (a FixedArray under a private
     * symbol, directly or in an ErrorStackData): then {@code callSites} is that array (0 if none;
     * io.jsmdb.v8.frames.CallSites reads it) and {@code stack} is empty.
     */
    public record ErrorInfo(OptionalLong message, OptionalLong stack, long callSites) {}

    /**
     * Whether util.inspect takes obj for an error (its isError: a native error, or
     * {@code obj instanceof Error}): a JSError, or an ordinary object whose prototype chain
     * reaches Error.prototype, known by its own {@code constructor}, the built-in Error (named
     * "Error", no Script). Errors a worker threw reach the parent so: node deserializes them
     * as {@code Object.create(TypeError.prototype)} with own name, message and stack. An Error
     * of another realm (a vm context) counts too, where instanceof would not.
     */
    public boolean isError(long obj) {
        JsKind k = h.kindOf(obj);
        if (k == JsKind.ERROR) return true;
        if (k != JsKind.OBJECT) return false;
        long map = h.mapOf(obj);
        Boolean known = errorMaps.get(map);
        if (known != null) return known;
        boolean error = inheritsFromBuiltinError(map);
        if (errorMaps.size() > MAX_ERROR_MAPS) errorMaps.clear();
        errorMaps.put(map, error);
        return error;
    }

    /** isError's answer per map (the prototype chain is the map's): ::jsprint of many instances walks it once. */
    private final java.util.Map<Long, Boolean> errorMaps = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_ERROR_MAPS = 100_000;

    private boolean inheritsFromBuiltinError(long map) {
        long p = h.mapPrototype(map);
        for (int i = 0; i < V8Heap.MAX_PROTOTYPE_CHAIN && h.isHeapObject(p) && h.kindOf(p).isJSObject(); i++) {
            OptionalLong ctor = h.properties().ownDataProperty(p, "constructor");
            if (ctor.isPresent() && h.isHeapObject(ctor.getAsLong()) && h.kindOf(ctor.getAsLong()) == JsKind.FUNCTION) {
                long sfi = h.functions().functionShared(ctor.getAsLong());
                if (h.functions().sfiScript(sfi) == 0 && "Error".equals(h.functions().sfiName(sfi))) return true;
            }
            p = h.mapPrototype(h.mapOf(p));
        }
        return false;
    }

    private final int errorStackDataType;

    public ErrorInfo error(long obj) {
        OptionalLong msg = h.properties().ownDataProperty(obj, "message");
        OptionalLong stack = OptionalLong.empty();
        long callSites = 0;
        OptionalLong st = h.properties().ownDataProperty(obj, "stack");
        if (st.isPresent() && h.strings().isString(st.getAsLong())) stack = st;
        if (stack.isEmpty()) {
            for (V8Properties.Property p : h.properties().properties(obj, V8Properties.MAX_PROPERTY_NAMES, true)) {
                if (!p.symbol() || !h.strings().isPrivateSymbol(p.key())) continue;
                long v = p.value();
                long f = v;
                if (h.isHeapObject(v) && !h.strings().isString(v) && h.typeOf(v) != h.tFixedArray) {
                    // ErrorStackData { call_site_infos_or_formatted_stack, ... } (V8 10+); errors V8
                    // throws itself also carry a Script (error_script_symbol), whose first field is
                    // its source: no stack
                    if (errorStackDataType < 0 || h.typeOf(v) != errorStackDataType) continue;
                    f = h.field(v, ptr);
                }
                if (h.strings().isString(f)) {
                    String text = h.strings().readString(f, 256).text();
                    if (text.contains("\n    at ") || text.endsWith("\n")) {
                        stack = OptionalLong.of(f);
                        break;
                    }
                } else if (h.isHeapObject(f) && h.typeOf(f) == h.tFixedArray) {
                    callSites = f;
                }
            }
        }
        return new ErrorInfo(msg, stack, stack.isPresent() ? 0 : callSites);
    }
}
