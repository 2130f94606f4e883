package io.jsmdb.v8.heap;

import io.jsmdb.core.AddressSpace;
import io.jsmdb.core.MemoryFault;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;

/**
 * A census of the JavaScript objects in the heap, as mdb_v8's {@code ::findjsobjects} groups
 * them: objects with the same constructor name and the same own property names in the same
 * order form one group; arrays group by length under "Array"; objects whose map or properties
 * cannot be decoded form separate "malformed" groups. JSFunctions are counted per
 * SharedFunctionInfo ({@code ::jsfunctions}). Built from one {@link HeapWalker} walk; kept
 * per map, not per object (instance lists are made on demand by another walk). All addresses
 * handed out are tagged V8 pointers.
 */
public final class JsObjectScan {
    /** One group; the representative is the instance at the lowest address. */
    public static final class Group {
        private final int id;
        private final String constructor;
        private final List<String> properties;
        private final long nprops;
        private final boolean array;
        private final boolean malformed;
        long count;
        long bytes;
        long representative; // tagged

        Group(int id, Key k) {
            this.id = id;
            this.constructor = k.constructor;
            this.properties = k.properties;
            this.nprops = k.nprops;
            this.array = k.array;
            this.malformed = k.malformed;
        }

        public int id() { return id; }
        public String constructor() { return constructor; }
        /** Own property names in order (empty for arrays). */
        public List<String> properties() { return properties; }
        /** The number of properties; an array's length. */
        public long nprops() { return nprops; }
        public boolean isArray() { return array; }
        public boolean isMalformed() { return malformed; }
        public long count() { return count; }
        /**
         * The instances' own sizes in bytes, as the walk sized them from their maps (a heap
         * snapshot's self size, DevTools' shallow size): out-of-object properties and elements are
         * objects of their own and are not included.
         */
        public long bytes() { return bytes; }
        /** Tagged address of the first instance. */
        public long representative() { return representative; }
    }

    /** JSFunctions sharing one SharedFunctionInfo. */
    public record FunctionGroup(long shared, long representative, long count) {}

    record Key(String constructor, List<String> properties, long nprops, boolean array, boolean malformed) {}

    private static final int NOT_JS = -1, PER_OBJECT = -2, ARRAY = -3, FUNCTION = -4;
    /** Instance lists of every group are kept when there are at most this many JS objects. */
    private static final long KEEP_ALL_INSTANCES = 16L << 20;

    private final HeapWalker walker;
    private final V8Heap heap;
    private final AddressSpace mem;
    private final int threads;
    private final int jsArrayType;
    private final int arrayLengthOffset;
    private final int functionSharedOffset;
    private final long tag;
    private final int allocationSiteType;
    private final int boilerplateOffset;
    /** Literal boilerplates (tagged, sorted): V8's templates for object/array literals, not program objects. */
    private long[] boilerplates = new long[0];
    private final Map<Key, Group> byKey = new ConcurrentHashMap<>();
    private final List<Group> byId = new ArrayList<>();
    private List<Group> sorted;
    private List<FunctionGroup> functions;
    private WalkStats stats;
    private long jsObjects, arrays, functionCount, malformedObjects;
    private final Map<Integer, long[]> instances = new HashMap<>();

    private JsObjectScan(HeapWalker walker, V8Heap heap, int threads) {
        this.walker = walker;
        this.heap = heap;
        this.mem = heap.memory();
        this.threads = threads;
        this.jsArrayType = heap.typeNamed("JS_ARRAY_TYPE");
        this.arrayLengthOffset = heap.metadata().jsArrayLengthOffset();
        this.functionSharedOffset = heap.metadata().jsFunctionSharedOffset();
        this.tag = heap.metadata().heapObjectTag();
        int site;
        try {
            site = heap.typeNamed("ALLOCATION_SITE_TYPE");
        } catch (RuntimeException e) {
            site = -1;
        }
        this.allocationSiteType = site;
        this.boilerplateOffset = heap.metadata().get(io.jsmdb.v8.V8Fact.ALLOCATION_SITE_BOILERPLATE_OFFSET);
    }

    /** Literal boilerplates skipped (V8's templates for object and array literals). */
    public long boilerplates() { return boilerplates.length; }

    private boolean isBoilerplate(long tagged) {
        return Arrays.binarySearch(boilerplates, tagged) >= 0;
    }

    /**
     * Walks the heap and groups its objects. cancel is polled (it throws to cancel; then no
     * scan is returned); progress receives bytes of page area done.
     */
    public static JsObjectScan run(HeapWalker walker, V8Heap heap, int threads, Runnable cancel, LongConsumer progress) {
        JsObjectScan s = new JsObjectScan(walker, heap, threads);
        s.scan(cancel, progress);
        return s;
    }

    public WalkStats walkStats() { return stats; }
    public long jsObjects() { return jsObjects; }
    public long arrays() { return arrays; }
    public long functionObjects() { return functionCount; }
    public long malformedObjects() { return malformedObjects; }

    /** Every group, in mdb_v8's order: by instances x properties, then instances, then properties. */
    public List<Group> groups() { return sorted; }

    /** Function groups by SharedFunctionInfo, by representative address. */
    public List<FunctionGroup> functions() { return functions; }

    /** The group whose representative, or (failing that) any instance, is at addr (tagged). */
    public Optional<Group> groupOf(long addr, Runnable cancel, LongConsumer progress) {
        for (Group g : sorted) if (g.representative == addr) return Optional.of(g);
        long a = addr - tag;
        int id = classifyOne(a);
        if (id >= 0 && byId.get(id).count > 0) {
            Group g = byId.get(id);
            long[] inst = instances(g, cancel, progress);
            if (Arrays.binarySearch(inst, addr) >= 0) return Optional.of(g);
        }
        return Optional.empty();
    }

    private int classifyOne(long a) {
        try {
            long mapWord = mem.readLong(a);
            int type = mem.readUnsignedShort(mapWord - tag + heap.metadata().mapInstanceTypeOffset());
            return new Classifier(false).classify(a, mapWord, type);
        } catch (MemoryFault | HeapException e) {
            return -1;
        }
    }

    /** Tagged addresses of every instance of the group, ascending. Another heap walk the first time. */
    public synchronized long[] instances(Group g, Runnable cancel, LongConsumer progress) {
        long[] have = instances.get(g.id);
        if (have != null) return have;
        boolean all = jsObjects <= KEEP_ALL_INSTANCES;
        int n = byId.size();
        List<Collector> parts = new ArrayList<>();
        walker.walk(() -> {
            Collector c = new Collector(n, all ? -1 : g.id);
            synchronized (parts) { parts.add(c); }
            return c;
        }, threads, cancel, progress);
        for (int id = 0; id < n; id++) {
            if (!all && id != g.id) continue;
            int total = 0;
            for (Collector c : parts) total += c.sizes[id];
            long[] l = new long[total];
            int at = 0;
            for (Collector c : parts) {
                if (c.lists[id] == null) continue;
                System.arraycopy(c.lists[id], 0, l, at, c.sizes[id]);
                at += c.sizes[id];
            }
            Arrays.sort(l);
            instances.put(id, l);
        }
        return instances.get(g.id);
    }

    /** Collects instance addresses per group (only group `only`, unless it is -1). */
    private final class Collector implements HeapWalker.Visitor {
        final Classifier c = new Classifier(false);
        final long[][] lists;
        final int[] sizes;
        final int only;

        Collector(int n, int only) {
            lists = new long[n][];
            sizes = new int[n];
            this.only = only;
        }

        @Override
        public void object(long addr, long mapWord, int type, int size) {
            int id = c.classify(addr, mapWord, type);
            if (id < 0 || id >= lists.length || (only >= 0 && id != only) || isBoilerplate(addr + tag)) return;
            long[] l = lists[id];
            if (l == null) l = lists[id] = new long[(int) Math.min(Math.max(byId.get(id).count, 1), 1 << 20)];
            if (sizes[id] == l.length) l = lists[id] = Arrays.copyOf(l, l.length * 2);
            l[sizes[id]++] = addr + tag;
        }
    }

    /** Tagged addresses of every JSFunction whose SharedFunctionInfo is shared (tagged), ascending. */
    public long[] functionInstances(long shared, Runnable cancel, LongConsumer progress) {
        List<Long> found = new ArrayList<>();
        walker.walk(() -> new HeapWalker.Visitor() {
            final Classifier c = new Classifier(false);
            @Override public void object(long addr, long mapWord, int type, int size) {
                if (c.kind(addr, mapWord, type) != FUNCTION) return;
                try {
                    if (mem.readLong(addr + functionSharedOffset) != shared) return;
                } catch (MemoryFault e) {
                    return;
                }
                synchronized (found) { found.add(addr + tag); }
            }
        }, threads, cancel, progress);
        return found.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    /**
     * Every heap object holding target (tagged), named as a JavaScript developer reads it
     * ({@link Referrers}): more heap walks.
     */
    public List<Referrers.Reference> referrers(long target, Runnable cancel, LongConsumer progress) {
        return Referrers.find(walker, heap, threads, target, cancel, progress);
    }

    // ------------------------------------------------------------------ the scan

    private void scan(Runnable cancel, LongConsumer progress) {
        List<Counter> counters = new ArrayList<>();
        stats = walker.walk(() -> {
            Counter c = new Counter();
            synchronized (counters) { counters.add(c); }
            return c;
        }, threads, cancel, progress);
        Map<Long, long[]> fn = new HashMap<>(); // sfi -> {count, min address}
        LongIntMap sites = new LongIntMap();
        for (Counter c : counters) for (int i = 0; i < c.siteCount; i++) sites.put(c.sites[i], 1);
        long[] bp = new long[sites.size()];
        int nbp = 0;
        for (Counter c : counters) {
            for (int i = 0; i < c.siteCount; i++) {
                long b = c.sites[i];
                if (sites.get(b) == 1) {
                    sites.put(b, 2);
                    bp[nbp++] = b;
                }
            }
        }
        Arrays.sort(bp, 0, nbp);
        boilerplates = Arrays.copyOf(bp, nbp);
        for (Counter c : counters) {
            jsObjects += c.js;
            arrays += c.arrays;
            functionCount += c.functions;
            malformedObjects += c.malformed;
            for (int id = 0; id < c.counts.length && id < byId.size(); id++) {
                if (c.counts[id] == 0) continue;
                Group g = byId.get(id);
                g.count += c.counts[id];
                g.bytes += c.bytes[id];
                long rep = c.reps[id];
                if (g.representative == 0 || Long.compareUnsigned(rep, g.representative - tag) < 0) g.representative = rep + tag;
            }
            for (int i = 0; i < c.fnCount; i++) {
                long[] e = fn.computeIfAbsent(c.fnShared[i], k -> new long[] {0, Long.MAX_VALUE});
                e[0] += c.fnCounts[i];
                e[1] = Math.min(e[1], c.fnMin[i]);
            }
        }
        Classifier cl = new Classifier(false);
        List<Long> kept = new ArrayList<>();
        for (long b : boilerplates) {
            int id;
            try {
                long mapWord = mem.readLong(b - tag);
                int type = mem.readUnsignedShort(mapWord - tag + heap.metadata().mapInstanceTypeOffset());
                id = cl.classify(b - tag, mapWord, type);
            } catch (MemoryFault | HeapException e) {
                id = -1;
            }
            if (id < 0) continue;
            kept.add(b);
            Group g = byId.get(id);
            g.count--;
            g.bytes -= instanceSize(b - tag);
            jsObjects--;
            if (g.isArray()) arrays--;
            if (g.isMalformed()) malformedObjects--;
        }
        boilerplates = kept.stream().mapToLong(Long::longValue).sorted().toArray();
        for (Group g : byId) {
            if (g.count > 0 && isBoilerplate(g.representative)) {
                long[] inst = instances(g, () -> {}, x -> {});
                g.representative = inst.length > 0 ? inst[0] : 0;
            }
        }
        List<Group> gs = new ArrayList<>();
        for (Group g : byId) if (g.count > 0) gs.add(g);
        gs.sort(Comparator.comparingLong((Group g) -> g.count * g.nprops).thenComparingLong(g -> g.count)
                .thenComparingLong(g -> g.nprops).thenComparing(g -> g.constructor)
                .thenComparingLong(g -> g.representative));
        sorted = List.copyOf(gs);
        List<FunctionGroup> fs = new ArrayList<>();
        fn.forEach((sfi, e) -> fs.add(new FunctionGroup(sfi, e[1] + tag, e[0])));
        fs.sort(Comparator.comparingLong(FunctionGroup::representative));
        functions = List.copyOf(fs);
    }

    /**
     * A JavaScript object's size in bytes: its map's instance size (JS objects are never of
     * variable size; the walker sizes them the same way). 0 when the map cannot be read.
     */
    private long instanceSize(long addr) {
        try {
            long mapWord = mem.readLong(addr);
            return (long) mem.readUnsignedByte(mapWord - tag + heap.metadata().mapInstanceSizeInWordsOffset())
                    * heap.metadata().pointerSize();
        } catch (MemoryFault e) {
            return 0;
        }
    }

    private Group group(Key k, boolean create) {
        Group g = byKey.get(k);
        if (g != null || !create) return g;
        synchronized (byId) {
            g = byKey.get(k);
            if (g == null) {
                g = new Group(byId.size(), k);
                byId.add(g);
                byKey.put(k, g);
            }
            return g;
        }
    }

    /** Classifies objects into group ids, with per-map and per-length caches. One per thread. */
    private final class Classifier {
        private final boolean create;
        private final LongIntMap byMap = new LongIntMap();
        private final LongIntMap byLength = new LongIntMap();

        Classifier(boolean create) {
            this.create = create;
        }

        /** NOT_JS, FUNCTION, ARRAY, PER_OBJECT or a group id for the map. */
        int kind(long addr, long mapWord, int type) {
            int k = byMap.get(mapWord);
            if (k != LongIntMap.MISSING) return k;
            k = mapKind(addr, mapWord, type);
            byMap.put(mapWord, k);
            return k;
        }

        private int mapKind(long addr, long mapWord, int type) {
            synchronized (heap) {
                if (!heap.isJSObjectType(type)) return NOT_JS;
                if (heap.isJSFunctionType(type)) return FUNCTION;
                if (type == jsArrayType) return ARRAY;
                try {
                    if (heap.isDictionaryMap(mapWord)) return PER_OBJECT;
                    Optional<String> ctor = heap.constructorName(mapWord);
                    List<String> names = heap.properties().propertyNames(addr + tag);
                    Group g = group(new Key(ctor.orElse(""), List.copyOf(names), names.size(), false, ctor.isEmpty()), create);
                    return g == null ? NOT_JS : g.id;
                } catch (MemoryFault | HeapException e) {
                    // decoded per object: each becomes malformed
                    return PER_OBJECT;
                }
            }
        }

        /** The group id of a JS object (not functions), or a negative kind. */
        int classify(long addr, long mapWord, int type) {
            int k = kind(addr, mapWord, type);
            if (k >= 0 || k == NOT_JS || k == FUNCTION) return k;
            if (k == ARRAY) {
                long lenWord;
                try {
                    lenWord = mem.readLong(addr + arrayLengthOffset);
                } catch (MemoryFault e) {
                    lenWord = 1;
                }
                if ((lenWord & 1) != 0) {
                    Group g = group(new Key("Array", List.of(), 0, true, true), create);
                    return g == null ? NOT_JS : g.id;
                }
                long len = lenWord >> 32;
                int id = byLength.get(len + 1);
                if (id != LongIntMap.MISSING) return id;
                Group g = group(new Key("Array", List.of(), len, true, false), create);
                if (g == null) return NOT_JS;
                byLength.put(len + 1, g.id);
                return g.id;
            }
            Key key;
            synchronized (heap) {
                try {
                    Optional<String> ctor = heap.constructorName(mapWord);
                    List<String> names = heap.properties().propertyNames(addr + tag);
                    key = new Key(ctor.orElse(""), List.copyOf(names), names.size(), false, ctor.isEmpty());
                } catch (MemoryFault | HeapException e) {
                    key = new Key("", List.of(), 0, false, true);
                }
            }
            Group g = group(key, create);
            return g == null ? NOT_JS : g.id;
        }
    }

    /** The census visitor of one thread. */
    private final class Counter implements HeapWalker.Visitor {
        final Classifier c = new Classifier(true);
        long[] counts = new long[256];
        long[] bytes = new long[256];
        long[] reps = new long[256];
        long js, arrays, functions, malformed;
        final LongIntMap fnIndex = new LongIntMap();
        long[] fnShared = new long[256], fnCounts = new long[256], fnMin = new long[256];
        int fnCount;
        long[] sites = new long[64];
        int siteCount;

        @Override
        public void object(long addr, long mapWord, int type, int size) {
            if (type == allocationSiteType) {
                site(addr);
                return;
            }
            int id = c.classify(addr, mapWord, type);
            if (id == NOT_JS) return;
            if (id == FUNCTION) {
                function(addr);
                return;
            }
            if (id < 0) return;
            js++;
            if (id >= counts.length) {
                int n = Math.max(id + 1, counts.length * 2);
                counts = Arrays.copyOf(counts, n);
                bytes = Arrays.copyOf(bytes, n);
                reps = Arrays.copyOf(reps, n);
            }
            bytes[id] += size;
            if (counts[id]++ == 0 || Long.compareUnsigned(addr, reps[id]) < 0) reps[id] = addr;
            Group g = byId.get(id);
            if (g.array) arrays++;
            if (g.malformed) malformed++;
        }

        private void site(long addr) {
            long b;
            try {
                b = mem.readLong(addr + boilerplateOffset);
            } catch (MemoryFault e) {
                return;
            }
            if ((b & 3) != 1) return;
            if (siteCount == sites.length) sites = Arrays.copyOf(sites, siteCount * 2);
            sites[siteCount++] = b;
        }

        private void function(long addr) {
            functions++;
            long sfi;
            try {
                sfi = mem.readLong(addr + functionSharedOffset);
            } catch (MemoryFault e) {
                return;
            }
            if ((sfi & 3) != 1) return;
            int i = fnIndex.get(sfi);
            if (i == LongIntMap.MISSING) {
                i = fnCount++;
                if (i == fnShared.length) {
                    fnShared = Arrays.copyOf(fnShared, i * 2);
                    fnCounts = Arrays.copyOf(fnCounts, i * 2);
                    fnMin = Arrays.copyOf(fnMin, i * 2);
                }
                fnShared[i] = sfi;
                fnMin[i] = addr;
                fnIndex.put(sfi, i);
            }
            fnCounts[i]++;
            if (Long.compareUnsigned(addr, fnMin[i]) < 0) fnMin[i] = addr;
        }
    }
}
