package io.jsmdb.v8.heap;

import io.jsmdb.core.AddressSpace;
import io.jsmdb.core.MemoryFault;
import io.jsmdb.v8.V8Fact;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Who holds an object: every heap object with a strong reference to it, named as a JavaScript
 * developer reads it. One heap walk finds the candidates by their raw words (only they are
 * decoded), a second one (only when contexts hold the object) finds the functions closing over
 * those contexts.
 *
 * <ul>
 * <li>a JS object's property ({@code .name}) or element ({@code [i]}), and, failing those, an
 * internal field of the object (a bound function's target, a promise's result, ...);
 * <li>a Map or Set entry (key or value; the JSMap/JSSet, not its OrderedHashMap table), and
 * WeakMap/WeakSet entries (marked weak: they do not keep a key alive);
 * <li>a Context slot: the variable the ScopeInfo names for it, with the functions whose
 * context chain reaches that context (the closures that can see the variable);
 * <li>a property of a global object (its PropertyCell is not reported separately);
 * <li>any other heap object, by its V8 instance type, unless it is the backing store (property
 * array, elements, dictionary, collection table) of a holder already reported.
 * </ul>
 * Weak references (WeakRef targets, weak slots) are not strong words and are not found.
 */
public final class Referrers {
    private Referrers() {}

    /** What kind of slot holds the object. */
    public enum Kind {
        /** a named own property ({@link Reference#name()}) */
        PROPERTY,
        /** an element ({@link Reference#index()}) */
        ELEMENT,
        /** a word of the object that is neither a property nor an element, at byte offset index */
        FIELD,
        /** the key of live entry {@code index} (iteration order) of a Map */
        MAP_KEY,
        MAP_VALUE,
        SET_ENTRY,
        /** entry {@code index} (table order) of a WeakMap or WeakSet */
        WEAK_MAP_KEY,
        WEAK_MAP_VALUE,
        WEAK_SET_ENTRY,
        /** a context variable ({@link Reference#name()}, slot {@code index}) */
        CONTEXT_VARIABLE,
        /** a context slot that no variable name covers (a native context's slots, the extension) */
        CONTEXT_SLOT,
        /** a heap object that is none of the above, named by its V8 instance type */
        INTERNAL
    }

    /** A function closing over a context: its address (tagged) and debug name ("" if anonymous). */
    public record Closure(long function, String name) {}

    /**
     * One reference to the object.
     *
     * @param holder     the holding object (tagged): the JS object, the Map or Set, the Context
     * @param holderName the holder's constructor name ("function NAME" for functions; the V8
     *                   instance type name for INTERNAL holders and contexts)
     * @param name       property or variable name; null otherwise
     * @param symbol     the property key is a symbol (name is "Symbol(desc)")
     * @param index      element index, entry number, context slot or field offset; -1 otherwise
     * @param closures   CONTEXT_VARIABLE / CONTEXT_SLOT: the functions closing over the
     *                   context, at most {@link #MAX_CLOSURES}
     * @param moreClosures how many more functions close over it than listed
     */
    public record Reference(long holder, Kind kind, String holderName, String name, boolean symbol, long index,
                            List<Closure> closures, long moreClosures) {}

    /** Functions listed per context. */
    public static final int MAX_CLOSURES = 8;
    private static final int MAX_ELEMENTS = 1 << 20;
    private static final int MAX_ENTRIES = 1 << 22;
    private static final int MAX_CONTEXT_CHAIN = 32;

    /** Every reference to target (tagged), sorted: JavaScript holders by address, then internal ones. */
    public static List<Reference> find(HeapWalker walker, V8Heap heap, int threads, long target, Runnable cancel,
                                       LongConsumer progress) {
        Finder f = new Finder(heap, target);
        walker.walk(() -> f.new Candidates(), threads, cancel, progress);
        return f.decode(walker, threads, cancel, progress);
    }

    private static final class Finder {
        final V8Heap heap;
        final AddressSpace mem;
        final long target, tag;
        final int firstContext, lastContext, propertyCell, globalObject, jsMap, jsSet, weakMap, weakSet;
        final int heapNumber, fixedDoubleArray, byteArray, bigInt;
        final int propsOffset, elementsOffset, collectionTable, weakTable, fixedHeader, lengthOffset, smiShift;
        // candidates (tagged), filled from the walk threads
        final List<Long> objects = new ArrayList<>(), contexts = new ArrayList<>(), cells = new ArrayList<>();
        final List<long[]> internal = new ArrayList<>(); // {tagged address, instance type}

        Finder(V8Heap heap, long target) {
            this.heap = heap;
            this.mem = heap.memory();
            this.target = target;
            var md = heap.metadata();
            this.tag = md.heapObjectTag();
            this.firstContext = md.firstContextType();
            this.lastContext = md.lastContextType();
            this.propertyCell = type("PROPERTY_CELL_TYPE");
            this.globalObject = type("JS_GLOBAL_OBJECT_TYPE");
            this.jsMap = type("JS_MAP_TYPE");
            this.jsSet = type("JS_SET_TYPE");
            this.weakMap = type("JS_WEAK_MAP_TYPE");
            this.weakSet = type("JS_WEAK_SET_TYPE");
            this.heapNumber = type("HEAP_NUMBER_TYPE");
            this.fixedDoubleArray = type("FIXED_DOUBLE_ARRAY_TYPE");
            this.byteArray = type("BYTE_ARRAY_TYPE");
            this.bigInt = type("BIGINT_TYPE");
            this.propsOffset = md.jsObjectPropertiesOffset();
            this.elementsOffset = md.jsObjectElementsOffset();
            this.collectionTable = md.get(V8Fact.JS_COLLECTION_TABLE_OFFSET);
            this.weakTable = md.get(V8Fact.JS_WEAK_COLLECTION_TABLE_OFFSET);
            this.fixedHeader = md.fixedArrayHeaderSize();
            this.lengthOffset = md.fixedArrayLengthOffset();
            this.smiShift = md.smiShift();
        }

        private int type(String name) {
            try {
                return heap.typeNamed(name);
            } catch (RuntimeException e) {
                return -1; // a type this V8 does not have: never matches
            }
        }

        /** Types whose bodies are raw data (characters, doubles, bytes, digits): their words are not references. */
        private boolean rawData(int type) {
            return heap.isStringType(type) || type == heapNumber || type == fixedDoubleArray || type == byteArray || type == bigInt;
        }

        /** The walk's visitor (one per thread): keeps the objects whose words hold the target. */
        final class Candidates implements HeapWalker.Visitor {
            @Override
            public void object(long addr, long mapWord, int type, int size) {
                try {
                    if (type >= firstContext && type <= lastContext) {
                        if (bodyHolds(addr, size)) add(contexts, addr);
                    } else if (type == propertyCell) {
                        if (bodyHolds(addr, size)) add(cells, addr);
                    } else if (heap.isJSObjectType(type)) {
                        if (type == globalObject || bodyHolds(addr, size) || storeHolds(mem.readLong(addr + propsOffset))
                                || storeHolds(mem.readLong(addr + elementsOffset))
                                || ((type == jsMap || type == jsSet) && storeHolds(mem.readLong(addr + collectionTable)))
                                || ((type == weakMap || type == weakSet) && storeHolds(mem.readLong(addr + weakTable)))) {
                            add(objects, addr);
                        }
                    } else if (!rawData(type) && bodyHolds(addr, size)) {
                        synchronized (internal) { internal.add(new long[] {addr + tag, type}); }
                    }
                } catch (MemoryFault e) {
                    // an unreadable object holds nothing we can show
                }
            }

            private void add(List<Long> l, long addr) {
                synchronized (l) { l.add(addr + tag); }
            }
        }

        boolean bodyHolds(long addr, int size) {
            for (int off = 8; off < size; off += 8) if (mem.readLong(addr + off) == target) return true;
            return false;
        }

        /** A FixedArray-shaped store (property array, elements, dictionary, hash table) holds the target. */
        boolean storeHolds(long store) {
            if ((store & 3) != 1) return false;
            long a = store - tag;
            long lenWord = mem.readLong(a + lengthOffset);
            if ((lenWord & 1) != 0) return false;
            long len = Math.min((lenWord >> smiShift) & 0x7fffffffL, MAX_ELEMENTS * 3L);
            for (long i = 0; i < len; i++) if (mem.readLong(a + fixedHeader + 8 * i) == target) return true;
            return false;
        }

        List<Reference> decode(HeapWalker walker, int threads, Runnable cancel, LongConsumer progress) {
            List<Reference> out = new ArrayList<>();
            Set<Long> owned = new HashSet<>();
            boolean globalFound = false;
            objects.sort(Long::compare);
            for (long obj : objects) {
                cancel.run();
                List<Reference> refs = new ArrayList<>();
                try {
                    int type = heap.typeOf(obj);
                    refs.addAll(jsObject(obj, type));
                    for (int off : new int[] {propsOffset, elementsOffset}) owned.add(heap.field(obj, off));
                    if (type == jsMap || type == jsSet) owned.add(heap.field(obj, collectionTable));
                    if (type == weakMap || type == weakSet) owned.add(heap.field(obj, weakTable));
                    if (type == globalObject && !refs.isEmpty()) globalFound = true;
                } catch (MemoryFault | HeapException e) {
                    continue; // an undecodable holder is not reported
                }
                out.addAll(refs);
            }
            List<Long> ctxs = new ArrayList<>(contexts);
            ctxs.sort(Long::compare);
            List<Reference> contextRefs = new ArrayList<>();
            for (long ctx : ctxs) {
                cancel.run();
                try {
                    contextRefs.addAll(context(ctx));
                } catch (MemoryFault | HeapException e) {
                    // an undecodable context is not reported
                }
            }
            if (!contextRefs.isEmpty()) out.addAll(withClosures(contextRefs, walker, threads, cancel, progress));
            if (!globalFound) {
                // a PropertyCell of no global object found above (or a cell of another kind): by its name
                for (long cell : cells) {
                    try {
                        String name = heap.properties().keyName(heap.field(cell, heap.metadata().get(V8Fact.PROPERTY_CELL_NAME_OFFSET)));
                        out.add(new Reference(cell, Kind.INTERNAL, heap.typeName(propertyCell), name, false, -1, List.of(), 0));
                    } catch (MemoryFault | HeapException e) {
                        // unreadable cell
                    }
                }
            }
            internal.sort(Comparator.comparingLong(a -> a[0]));
            for (long[] i : internal) {
                if (owned.contains(i[0]) || i[0] == target) continue;
                out.add(new Reference(i[0], Kind.INTERNAL, heap.typeName((int) i[1]), null, false, -1, List.of(), 0));
            }
            return out;
        }

        /** The references of one JS object: properties, elements, collection entries, else raw fields. */
        private List<Reference> jsObject(long obj, int type) {
            List<Reference> refs = new ArrayList<>();
            String holderName = holderName(obj, type);
            for (V8Properties.Property p : heap.properties().properties(obj, Integer.MAX_VALUE, true)) {
                if (p.value() == target) refs.add(new Reference(obj, Kind.PROPERTY, holderName, p.name(), p.symbol(), -1, List.of(), 0));
            }
            for (V8Properties.Element e : heap.properties().elements(obj, MAX_ELEMENTS).items()) {
                if (e.type() == V8Properties.Element.Type.TAGGED && e.value() == target) {
                    refs.add(new Reference(obj, Kind.ELEMENT, holderName, null, false, e.index(), List.of(), 0));
                }
            }
            if (type == jsMap || type == jsSet || type == weakMap || type == weakSet) {
                boolean isMap = type == jsMap || type == weakMap, weak = type == weakMap || type == weakSet;
                V8Collections.Collection c = weak ? heap.collections().weakCollection(obj, isMap, MAX_ENTRIES) : heap.collections().collection(obj, isMap, MAX_ENTRIES);
                for (int i = 0; i < c.entries().size(); i++) {
                    V8Collections.Entry en = c.entries().get(i);
                    if (en.key() == target) {
                        Kind k = isMap ? (weak ? Kind.WEAK_MAP_KEY : Kind.MAP_KEY) : (weak ? Kind.WEAK_SET_ENTRY : Kind.SET_ENTRY);
                        refs.add(new Reference(obj, k, holderName, null, false, i, List.of(), 0));
                    }
                    if (isMap && en.value() == target) {
                        refs.add(new Reference(obj, weak ? Kind.WEAK_MAP_VALUE : Kind.MAP_VALUE, holderName, null, false, i, List.of(), 0));
                    }
                }
            }
            if (refs.isEmpty() && type != globalObject) {
                int size = heap.mapInfoOf(obj).instanceSizeWords() * 8;
                for (int off = 8; off < size; off += 8) {
                    if (heap.field(obj, off) == target) refs.add(new Reference(obj, Kind.FIELD, holderName, null, false, off, List.of(), 0));
                }
            }
            return refs;
        }

        private String holderName(long obj, int type) {
            if (heap.isJSFunctionType(type)) {
                String n = heap.functions().functionDebugName(obj);
                return n.isEmpty() ? "function" : "function " + n;
            }
            if (type == globalObject) return "global"; // as the heap snapshot and util.inspect name it
            return heap.constructorNameOf(obj).orElse(heap.typeName(type));
        }

        /** The slots of a context holding the target, named by its ScopeInfo where a variable covers them. */
        private List<Reference> context(long ctx) {
            List<Reference> refs = new ArrayList<>();
            String holderName = heap.typeName(heap.typeOf(ctx));
            Set<Integer> named = new HashSet<>();
            for (V8Functions.ContextVariable v : heap.functions().contextVariables(ctx, Integer.MAX_VALUE)) {
                named.add(v.slot());
                if (v.value() == target) {
                    String name = v.name() != null ? v.name() : String.format("<0x%x: not a readable name>", v.nameObject());
                    refs.add(new Reference(ctx, Kind.CONTEXT_VARIABLE, holderName, name, false, v.slot(), List.of(), 0));
                }
            }
            long len = heap.smiField(ctx, lengthOffset, "context length");
            int hdr = heap.metadata().contextHeaderSize();
            for (int slot = 0; slot < len && slot < MAX_ENTRIES; slot++) {
                if (named.contains(slot)) continue;
                if (heap.field(ctx, hdr + slot * 8) == target) {
                    refs.add(new Reference(ctx, Kind.CONTEXT_SLOT, holderName, null, false, slot, List.of(), 0));
                }
            }
            return refs;
        }

        /** Adds the functions whose context chain reaches each context: another heap walk. */
        private List<Reference> withClosures(List<Reference> refs, HeapWalker walker, int threads, Runnable cancel,
                                             LongConsumer progress) {
            long[] ctxs = refs.stream().mapToLong(Reference::holder).distinct().sorted().toArray();
            int fnContext = heap.metadata().jsFunctionContextOffset();
            int prev = heap.metadata().contextHeaderSize() + heap.metadata().contextPreviousIndex() * 8;
            List<long[]> found = new ArrayList<>(); // {context, function}
            walker.walk(() -> (addr, mapWord, type, size) -> {
                if (!heap.isJSFunctionType(type)) return;
                try {
                    long c = mem.readLong(addr + fnContext);
                    for (int depth = 0; depth < MAX_CONTEXT_CHAIN && (c & 3) == 1; depth++) {
                        if (Arrays.binarySearch(ctxs, c) >= 0) {
                            synchronized (found) { found.add(new long[] {c, addr + tag}); }
                        }
                        c = mem.readLong(c - tag + prev);
                    }
                } catch (MemoryFault e) {
                    // a function with an unreadable context chain closes over nothing we can show
                }
            }, threads, cancel, progress);
            found.sort(Comparator.<long[]>comparingLong(a -> a[0]).thenComparingLong(a -> a[1]));
            List<Reference> out = new ArrayList<>();
            for (Reference r : refs) {
                List<Closure> cl = new ArrayList<>();
                long more = 0;
                for (long[] f : found) {
                    if (f[0] != r.holder()) continue;
                    if (cl.size() == MAX_CLOSURES) {
                        more++;
                        continue;
                    }
                    String name;
                    try {
                        name = heap.functions().functionDebugName(f[1]);
                    } catch (MemoryFault | HeapException e) {
                        name = "";
                    }
                    cl.add(new Closure(f[1], name));
                }
                out.add(new Reference(r.holder(), r.kind(), r.holderName(), r.name(), false, r.index(), List.copyOf(cl), more));
            }
            return out;
        }
    }
}
