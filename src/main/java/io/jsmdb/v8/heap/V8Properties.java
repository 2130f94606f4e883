package io.jsmdb.v8.heap;

import io.jsmdb.core.AddressSpace;
import io.jsmdb.core.MemoryFault;
import io.jsmdb.v8.V8Fact;
import io.jsmdb.v8.V8Metadata;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A JS object's own properties and elements: named properties in fast mode (the map's
 * descriptor array, in-object fields and the PropertyArray) and dictionary mode
 * (NameDictionary, and GlobalDictionary's PropertyCells for the global object), property keys
 * and attributes, accessor kinds, and integer-indexed elements of every kind (fast tagged and
 * double FixedArrays with holes, NumberDictionary, sloppy arguments mapped to their context).
 *
 * <p>Separate from {@link V8Heap} because these are the hash-table and descriptor layouts
 * that only property and element enumeration needs, with their own bounds (the first N of a
 * dictionary kept in a bounded heap, {@link #MAX_PROPERTY_NAMES}); the heap keeps the maps
 * they start from. Obtained from {@link V8Heap#properties()}; shares the heap's per-map cache.
 */
public final class V8Properties {
    private final V8Heap h;
    private final AddressSpace mem;
    private final V8Metadata md;
    private final int ptr;

    V8Properties(V8Heap h) {
        this.h = h;
        this.mem = h.memory();
        this.md = h.metadata();
        this.ptr = h.ptr;
    }

    /** Most property names {@link #propertyNames} returns. */
    public static final int MAX_PROPERTY_NAMES = 1024;

    /**
     * One own property.
     *
     * @param name     the key as text (a symbol key reads "Symbol(desc)")
     * @param key      the key object (tagged)
     * @param value    the value (tagged); for accessors the AccessorPair / AccessorInfo
     * @param accessor   an accessor property (getter/setter)
     * @param enumerable not DONT_ENUM (what Object.keys and util.inspect list)
     */
    public record Property(String name, long key, long value, boolean symbol, boolean accessor, boolean enumerable) {
        public Property(String name, long key, long value, boolean symbol, boolean accessor) {
            this(name, key, value, symbol, accessor, true);
        }
    }

    /** Own named properties in order (fast: descriptor order; dictionary: enumeration order), at most max. */
    public List<Property> properties(long obj, int max) {
        return properties(obj, max, false);
    }

    /** As {@link #properties(long, int)}; includePrivate also returns V8's private-symbol keyed ones. */
    public List<Property> properties(long obj, int max, boolean includePrivate) {
        V8Heap.MapInfo mi = h.mapInfoOf(obj);
        if (!h.isJSObjectType(mi.instanceType())) return List.of();
        List<Property> out = new ArrayList<>();
        long props = h.field(obj, md.jsObjectPropertiesOffset());
        if (h.isDictionaryMap(mi.map())) {
            if (!h.isHeapObject(props)) return out;
            int pt = h.typeOf(props);
            if (pt == h.tNameDict) dictionaryProperties(props, max, includePrivate, out);
            else if (pt == h.tGlobalDict) globalDictionaryProperties(props, max, includePrivate, out);
            return out;
        }
        int nod = h.numberOfOwnDescriptors(mi.map());
        if (nod == 0) return out;
        long descs = h.field(mi.map(), h.oDescs);
        int dt = h.typeOf(descs);
        if (dt != h.tDescArray && dt != h.tStrongDescArray) {
            throw new HeapException(descs, String.format("descriptors 0x%x of map 0x%x are a %s", descs, mi.map(), h.typeName(dt)));
        }
        int nDescs = h.i16(descs, md.get(V8Fact.DESCRIPTOR_ARRAY_NUMBER_OF_DESCRIPTORS_OFFSET));
        int n = Math.min(nod, Math.max(0, nDescs));
        int header = md.descriptorArrayHeaderSize();
        int stride = md.propDescSize() * ptr;
        int inobj = mi.inobjectProperties();
        int propArrayLen = -1;
        for (int i = 0; i < n && out.size() < max; i++) {
            int base = header + i * stride;
            long key = h.field(descs, base + md.propDescKey() * ptr);
            long detailsWord = h.field(descs, base + md.propDescDetails() * ptr);
            if (!h.isSmi(detailsWord)) continue;
            long details = h.smiValue(detailsWord);
            String name = keyName(key);
            if (name == null) continue; // private symbol
            if (name.isEmpty() && !includePrivate && isPrivateKey(key)) continue;
            boolean accessor = (details & md.propKindMask()) == md.propKindAccessor();
            long location = (details & md.propLocationMask()) >>> md.propLocationShift();
            long value;
            if (location == md.propLocationField()) {
                int index = (int) ((details & md.propIndexMask()) >>> md.propIndexShift());
                if (index < inobj) {
                    value = h.field(obj, (mi.instanceSizeWords() - (inobj - index)) * ptr);
                } else {
                    if (propArrayLen < 0) propArrayLen = propertyArrayLength(props);
                    int j = index - inobj;
                    if (j >= propArrayLen) continue;
                    value = h.field(props, md.fixedArrayHeaderSize() + j * ptr);
                }
            } else {
                value = h.field(descs, base + md.propDescValue() * ptr);
            }
            if (!includePrivate && isSymbolKey(key) && h.strings().isPrivateSymbol(key)) continue;
            out.add(new Property(name, key, value, isSymbolKey(key), accessor, enumerable(details)));
        }
        return out;
    }

    /** PropertyDetails' attributes lack DONT_ENUM (the same bits in descriptors, dictionaries and property cells). */
    private boolean enumerable(long details) {
        long attrs = (details & md.get(V8Fact.PROP_ATTRIBUTES_MASK)) >>> md.get(V8Fact.PROP_ATTRIBUTES_SHIFT);
        return (attrs & md.get(V8Fact.PROP_ATTRIBUTES_DONT_ENUM)) == 0;
    }

    /** What an accessor property's value holds, as JavaScript sees it. */
    public enum AccessorKind {
        /** an AccessorPair with a getter only */
        GETTER,
        /** an AccessorPair with a setter only */
        SETTER,
        /** an AccessorPair with both */
        GETTER_SETTER,
        /** an AccessorInfo: a native (C++) accessor, which JavaScript sees as a data property */
        NATIVE,
        /** neither (corrupted or unknown) */
        UNKNOWN
    }

    /** The kind of accessor held by an accessor property's value (an AccessorPair or AccessorInfo). Never throws. */
    public AccessorKind accessorKind(long value) {
        try {
            if (!h.isHeapObject(value)) return AccessorKind.UNKNOWN;
            int type = h.typeOf(value);
            if (type == h.tAccessorInfo) return AccessorKind.NATIVE;
            if (type != h.tAccessorPair) return AccessorKind.UNKNOWN;
            // A missing component is null (or undefined / a Smi in some versions): only a callable counts.
            boolean get = isAccessorComponent(h.field(value, md.get(V8Fact.ACCESSOR_PAIR_GETTER_OFFSET)));
            boolean set = isAccessorComponent(h.field(value, md.get(V8Fact.ACCESSOR_PAIR_SETTER_OFFSET)));
            if (get && set) return AccessorKind.GETTER_SETTER;
            if (get) return AccessorKind.GETTER;
            if (set) return AccessorKind.SETTER;
            return AccessorKind.UNKNOWN;
        } catch (MemoryFault | HeapException e) {
            return AccessorKind.UNKNOWN;
        }
    }

    private boolean isAccessorComponent(long v) {
        if (!h.isHeapObject(v)) return false;
        int type = h.typeOf(v);
        // a JSFunction, or a FunctionTemplateInfo of an API accessor (any non-oddball heap object)
        return type != h.tOddball;
    }

    /**
     * A private name (a class's {@code #field}): a private symbol whose description starts
     * with '#' (V8 names them by their source text). V8's own private symbols
     * (error_stack_symbol, node's *_private_symbol) never start with '#'. V8 14 (Node 26)
     * changed SymbolFlags (a private name's flags read 2 there, a registered symbol's 8, so
     * bit 0 no longer says "private"): there the description alone decides, which a
     * non-enumerable key Symbol('#x') made by a program would also pass. Never throws.
     */
    public boolean isPrivateName(long key) {
        try {
            if (!isSymbolKey(key)) return false;
            boolean flagsKnown = md.version().map(v -> v.major() < 14).orElse(true);
            if (flagsKnown && !h.strings().isPrivateSymbol(key)) return false;
            Optional<V8Strings.JsString> d = h.strings().symbolDescription(key, 256);
            return d.isPresent() && d.get().text().startsWith("#");
        } catch (MemoryFault | HeapException e) {
            return false;
        }
    }

    private boolean isPrivateKey(long key) {
        return isSymbolKey(key) && h.strings().isPrivateSymbol(key);
    }

    private int propertyArrayLength(long props) {
        if (!h.isHeapObject(props)) return 0;
        int pt = h.typeOf(props);
        if (pt == h.tPropertyArray) {
            return (int) (h.smiField(props, md.fixedArrayLengthOffset(), "property array length") & md.get(V8Fact.PROPERTY_ARRAY_LENGTH_MASK));
        }
        if (pt == h.tFixedArray) return (int) Math.max(0, h.smiField(props, md.fixedArrayLengthOffset(), "length"));
        return 0;
    }

    private boolean isSymbolKey(long key) {
        return h.hasType(key, h.tSymbol);
    }

    /** A property key as text: the string, "Symbol(desc)", a number's text; "" for unreadable keys. */
    public String keyName(long key) {
        try {
            if (h.isSmi(key)) return Long.toString(h.smiValue(key));
            int kt = h.typeOf(key);
            if (h.isStringType(kt)) return h.strings().readString(key, 1024).text();
            if (kt == h.tSymbol) {
                return h.strings().symbolText(key, 256);
            }
            if (kt == h.tHeapNumber) return JsNumbers.format(h.numberValue(key));
        } catch (MemoryFault | HeapException e) {
            return "";
        }
        return "";
    }

    private void dictionaryProperties(long dict, int max, boolean includePrivate, List<Property> out) {
        int capacity = (int) h.smiField(dict, md.fixedArrayHeaderSize() + 2 * ptr, "dictionary capacity");
        long length = h.smiField(dict, md.fixedArrayLengthOffset(), "dictionary length");
        int start = md.get(V8Fact.NAME_DICTIONARY_PREFIX_START_INDEX) + md.get(V8Fact.NAME_DICTIONARY_PREFIX_SIZE);
        int es = md.get(V8Fact.NAME_DICTIONARY_ENTRY_SIZE);
        if (capacity < 0 || start + (long) capacity * es > length) {
            throw new HeapException(dict, String.format("dictionary 0x%x: capacity %d does not fit its length %d", dict, capacity, length));
        }
        int storageShift = md.get(V8Fact.PROP_DICTIONARY_STORAGE_SHIFT);
        // The first max in enumeration order, kept in a bounded heap: an object used as a map
        // with millions of keys costs memory for what is shown only, and only those keys' names are read.
        FirstN entries = new FirstN(max);
        for (int i = 0; i < capacity; i++) {
            int at = md.fixedArrayHeaderSize() + (start + i * es) * ptr;
            long key = h.field(dict, at);
            if (h.isUndefinedOrHole(key)) continue;
            long dw = h.field(dict, at + 2 * ptr);
            long details = h.isSmi(dw) ? h.smiValue(dw) : 0;
            if (!entries.wants(details >>> storageShift)) continue;
            if (!includePrivate && isPrivateKey(key)) continue;
            entries.add(details >>> storageShift, key, h.field(dict, at + ptr), details);
        }
        for (long[] e : entries.sorted()) {
            boolean accessor = (e[3] & md.propKindMask()) == md.propKindAccessor();
            out.add(new Property(keyName(e[1]), e[1], e[2], isSymbolKey(e[1]), accessor, enumerable(e[3])));
        }
    }

    /**
     * The n entries with the smallest order keys among those offered, each {order, a, b, c}:
     * a max-heap of at most n, so memory follows what is kept, not what is offered.
     */
    static final class FirstN {
        private final int n;
        private final java.util.PriorityQueue<long[]> heap;

        FirstN(int n) {
            this.n = Math.max(0, n);
            this.heap = new java.util.PriorityQueue<>(Math.min(this.n, 1024) + 1, (x, y) -> Long.compare(y[0], x[0]));
        }

        /** Whether an entry of this order would be kept (cheap: decide before reading more). */
        boolean wants(long order) {
            return heap.size() < n || (n > 0 && order < heap.peek()[0]);
        }

        void add(long order, long a, long b, long c) {
            if (!wants(order)) return;
            heap.add(new long[] {order, a, b, c});
            if (heap.size() > n) heap.poll();
        }

        int size() { return heap.size(); }

        /** The kept entries by ascending order. */
        List<long[]> sorted() {
            List<long[]> all = new ArrayList<>(heap);
            all.sort(Comparator.comparingLong(e -> e[0]));
            return all;
        }
    }

    private void globalDictionaryProperties(long dict, int max, boolean includePrivate, List<Property> out) {
        int capacity = (int) h.smiField(dict, md.fixedArrayHeaderSize() + 2 * ptr, "dictionary capacity");
        long length = h.smiField(dict, md.fixedArrayLengthOffset(), "dictionary length");
        int start = md.get(V8Fact.NAME_DICTIONARY_PREFIX_START_INDEX) + md.get(V8Fact.GLOBAL_DICTIONARY_PREFIX_SIZE);
        if (capacity < 0 || start + (long) capacity > length) {
            throw new HeapException(dict, String.format("global dictionary 0x%x: capacity %d does not fit its length %d", dict, capacity, length));
        }
        // entries are PropertyCells in hash order; their details give kind and enumeration order
        int storageShift = md.get(V8Fact.PROP_DICTIONARY_STORAGE_SHIFT);
        FirstN entries = new FirstN(max);
        for (int i = 0; i < capacity; i++) {
            long cell = h.field(dict, md.fixedArrayHeaderSize() + (start + i) * ptr);
            if (!h.isHeapObject(cell) || h.isUndefinedOrHole(cell)) continue;
            if (!h.hasType(cell, h.tPropertyCell)) continue; // a corrupted cell loses its own property only
            long key = h.field(cell, md.get(V8Fact.PROPERTY_CELL_NAME_OFFSET));
            if (!includePrivate && isPrivateKey(key)) continue;
            long value = h.field(cell, md.get(V8Fact.PROPERTY_CELL_VALUE_OFFSET));
            if (h.isHole(value)) continue;
            long dw = h.field(cell, md.get(V8Fact.PROPERTY_CELL_DETAILS_OFFSET));
            long details = h.isSmi(dw) ? h.smiValue(dw) : 0;
            entries.add(details >>> storageShift, key, value, details);
        }
        for (long[] e : entries.sorted()) {
            boolean accessor = (e[3] & md.propKindMask()) == md.propKindAccessor();
            out.add(new Property(keyName(e[1]), e[1], e[2], isSymbolKey(e[1]), accessor, enumerable(e[3])));
        }
    }

    /** Own named property names in order, for grouping objects; at most {@link #MAX_PROPERTY_NAMES}. */
    public List<String> propertyNames(long obj) {
        List<Property> ps = properties(obj, MAX_PROPERTY_NAMES);
        List<String> out = new ArrayList<>(ps.size());
        for (Property p : ps) out.add(p.name());
        return out;
    }

    /** The value of an own data property with this (string) name. */
    public OptionalLong ownDataProperty(long obj, String name) {
        for (Property p : properties(obj, MAX_PROPERTY_NAMES)) {
            if (!p.accessor() && !p.symbol() && p.name().equals(name)) return OptionalLong.of(p.value());
        }
        return OptionalLong.empty();
    }

    /** An own property keyed by a private symbol whose description is name (e.g. "error_stack_symbol"). */
    public OptionalLong privateSymbolProperty(long obj, String name) {
        for (Property p : properties(obj, MAX_PROPERTY_NAMES, true)) {
            if (p.symbol() && p.name().equals("Symbol(" + name + ")") && h.strings().isPrivateSymbol(p.key())) return OptionalLong.of(p.value());
        }
        return OptionalLong.empty();
    }

    /** One element: a tagged value, a raw double (double arrays), or a hole. */
    public record Element(long index, long value, double number, Type type) {
        public enum Type { TAGGED, DOUBLE, HOLE }
    }

    /**
     * Integer-indexed elements, at most max (holes included, dictionary elements sorted by
     * index).
     *
     * @param length     the array's length (JSArray) or the backing store's
     * @param dictionary slow (dictionary) elements
     */
    public record Elements(long length, List<Element> items, boolean dictionary, boolean truncated) {}

    public Elements elements(long obj, int max) {
        return elements(obj, 0, max);
    }

    /**
     * As {@link #elements(long, int)}, from index start on: a printer pages through a big array
     * this way (memory follows the page, not the array), and one element is read in constant
     * time (fast elements) or one pass without keeping entries (dictionary elements).
     */
    public Elements elements(long obj, long start, int max) {
        V8Heap.MapInfo mi = h.mapInfoOf(obj);
        if (!h.isJSObjectType(mi.instanceType())) return new Elements(0, List.of(), false, false);
        long store = h.field(obj, md.jsObjectElementsOffset());
        long arrayLength = -1;
        if (mi.instanceType() == h.tJsArray) {
            long lw = h.field(obj, md.jsArrayLengthOffset());
            double d = h.isNumber(lw) ? h.numberValue(lw) : -1;
            if (d < 0 || d > 4294967295.0 || d != Math.floor(d)) throw new HeapException(obj, String.format("array 0x%x has an invalid length", obj));
            arrayLength = (long) d;
        }
        return elementsOf(obj, store, arrayLength, Math.max(0, start), max, 0);
    }

    /** The element at index idx, if the object has one (a hole is an element of type HOLE). */
    public Optional<Element> elementAt(long obj, long idx) {
        if (idx < 0) return Optional.empty();
        for (Element e : elements(obj, idx, 1).items()) {
            if (e.index() == idx) return Optional.of(e);
        }
        return Optional.empty();
    }

    private Elements elementsOf(long obj, long store, long arrayLength, long start, int max, int depth) {
        List<Element> items = new ArrayList<>();
        if (!h.isHeapObject(store)) return new Elements(Math.max(arrayLength, 0), items, false, false);
        int st = h.typeOf(store);
        int hdr = md.fixedArrayHeaderSize();
        if (st == h.tFixedArray || st == h.tFixedDoubleArray) {
            long len = h.smiField(store, md.fixedArrayLengthOffset(), "elements length");
            if (len < 0 || len > (1L << 31)) throw new HeapException(store, "elements with an absurd length " + len);
            long n = arrayLength >= 0 ? Math.min(arrayLength, len) : len;
            long holeBits = md.find(V8Fact.HOLE_NAN_BITS).orElse(0);
            for (long i = start; i < n && items.size() < max; i++) {
                long w = mem.readLong(h.untag(store) + hdr + i * ptr); // long offsets: beyond 2^28 elements an int wraps
                if (st == h.tFixedDoubleArray) {
                    if (w == holeBits) items.add(new Element(i, 0, 0, Element.Type.HOLE));
                    else items.add(new Element(i, 0, Double.longBitsToDouble(w), Element.Type.DOUBLE));
                } else if (h.isHole(w)) {
                    items.add(new Element(i, w, 0, Element.Type.HOLE));
                } else {
                    items.add(new Element(i, w, 0, Element.Type.TAGGED));
                }
            }
            long total = arrayLength >= 0 ? arrayLength : len;
            return new Elements(total, items, false, start + items.size() < total);
        }
        if (st == h.tNumberDict) {
            int capacity = (int) h.smiField(store, hdr + 2 * ptr, "dictionary capacity");
            long length = h.smiField(store, md.fixedArrayLengthOffset(), "dictionary length");
            int dictStart = md.get(V8Fact.NAME_DICTIONARY_PREFIX_START_INDEX) + md.get(V8Fact.NUMBER_DICTIONARY_PREFIX_SIZE);
            int es = md.get(V8Fact.NUMBER_DICTIONARY_ENTRY_SIZE);
            if (capacity < 0 || dictStart + (long) capacity * es > length) {
                throw new HeapException(store, String.format("element dictionary 0x%x: capacity %d does not fit its length %d", store, capacity, length));
            }
            // the first max entries from index first on, in a bounded heap (memory follows max)
            FirstN kept = new FirstN(max);
            long last = -1, beyond = 0;
            for (int i = 0; i < capacity; i++) {
                int at = hdr + (dictStart + i * es) * ptr;
                long key = h.field(store, at);
                if (h.isUndefinedOrHole(key) || !h.isNumber(key)) continue;
                long index = (long) h.numberValue(key);
                last = Math.max(last, index);
                if (index < start) continue;
                beyond++;
                if (kept.wants(index)) kept.add(index, h.field(store, at + ptr), 0, 0);
            }
            for (long[] e : kept.sorted()) items.add(new Element(e[0], e[1], 0, Element.Type.TAGGED));
            long total = arrayLength >= 0 ? arrayLength : last + 1;
            return new Elements(total, items, true, beyond > items.size());
        }
        if (st == h.tSloppyArgs && depth == 0) {
            long args = h.field(store, md.get(V8Fact.SLOPPY_ARGUMENTS_ELEMENTS_ARGUMENTS_OFFSET));
            Elements base = elementsOf(obj, args, arrayLength, start, max, 1);
            long mapped = h.smiField(store, md.fixedArrayLengthOffset(), "mapped arguments count");
            long context = h.field(store, md.fixedArrayHeaderSize());
            List<Element> merged = new ArrayList<>();
            for (Element e : base.items()) {
                Element r = e;
                if (e.index() < mapped && e.index() < 1024) {
                    long m = h.field(store, md.get(V8Fact.SLOPPY_ARGUMENTS_ELEMENTS_ARGUMENTS_OFFSET) + ptr + (int) e.index() * ptr);
                    if (h.isSmi(m) && !h.isHole(m)) {
                        long slot = h.smiValue(m);
                        r = new Element(e.index(), h.field(context, md.contextHeaderSize() + (int) slot * ptr), 0, Element.Type.TAGGED);
                    }
                }
                merged.add(r);
            }
            return new Elements(base.length(), merged, base.dictionary(), base.truncated());
        }
        return new Elements(Math.max(arrayLength, 0), items, false, arrayLength > start);
    }
}
