package io.jsmdb.v8.graph;

import io.jsmdb.v8.heap.HeapPage;
import io.jsmdb.v8.heap.HeapWalker;
import io.jsmdb.v8.heap.WalkStats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Builds a {@link CsrHeapGraph} from one walk of the heap, an {@link ObjectModel} and a
 * {@link RootSource}, as V8's HeapSnapshotGenerator lays its snapshot out:
 * <ol>
 * <li>node 0, the synthetic root (named ""), with an ELEMENT edge (index 1) to "(GC roots)" and a
 *     SHORTCUT edge (named by its auto index, "2", "3", ...) to every root reported under
 *     {@link #GLOBAL_OBJECTS} (V8: SetUserGlobalReference);</li>
 * <li>node 1, "(GC roots)", with one ELEMENT edge per root category to a synthetic node named by
 *     the category, in the order the categories were first reported (V8: SetGcRootsReference);</li>
 * <li>each category node's edges are its roots: INTERNAL, or WEAK for weak roots, named
 *     "N / name" (or "N" without a name), N counting the node's edges from 1 (V8:
 *     SetGcSubrootReference, HeapEntry::SetNamedAutoIndexReference);</li>
 * <li>then every object the walk visits that the model calls a node, by ascending address,
 *     with the model's type, name, self size and edges.</li>
 * </ol>
 * A reference (an object's edge or a root) whose target is not the start of a node is dropped and
 * counted ({@link CsrHeapGraph.Stats#edgesDropped}, {@link CsrHeapGraph.Stats#rootsDropped}): V8
 * only makes edges to the objects it has entries for, and an interior or stale address in a core
 * is no object.
 *
 * <p>Memory: the walk records address, map, instance type and size of every object (22 bytes
 * each), then the graph keeps 21 bytes per node and 9 per edge; edge arrays grow by half.
 * The model is called from the building thread only (the walk itself runs on several).
 */
public final class HeapGraphBuilder {
    /**
     * Roots reported under this category (the empty string, GcRoots.SNAPSHOT_ROOT) become
     * SHORTCUT edges of the synthetic root, as V8's snapshot links its root to each global object
     * (newer V8s: to each native context), instead of a category under "(GC roots)".
     */
    public static final String GLOBAL_OBJECTS = "";

    /** Objects per block between polls of cancel and progress reports in the model passes. */
    private static final int POLL_EVERY = 4096;

    /**
     * Names an unnamed node after a reference to it, as V8HeapExplorer::TagObject names the
     * arrays it extracts ("(object elements)" for the array an "elements" field holds): given
     * the kind and name of a reference, the name its target takes if its own name is "" and no
     * earlier reference (in node order) named it; null for none.
     */
    @FunctionalInterface
    public interface Tagger {
        String tag(EdgeType type, String edgeName);

        /** The name a root's target takes if its own name is "" (V8 names builtins' Code so); null for none. */
        default String rootTag(String category, String rootName) {
            return null;
        }

        Tagger NONE = (t, n) -> null;
    }

    /** A heap walk: {@link HeapWalker#walk}, or a synthetic one in tests. */
    public interface Walk {
        /** Visits every object (untagged address); returns the walk's figures (may be null). */
        WalkStats walk(Supplier<? extends HeapWalker.Visitor> visitors, int threads, Runnable cancel, LongConsumer progress);

        /** The bytes a whole walk covers, the scale of its progress reports. */
        long totalBytes();
    }

    /** A real heap walk as a {@link Walk}. */
    public static Walk of(HeapWalker walker) {
        List<HeapPage> pages = walker.walkablePages(true);
        long total = 0;
        for (HeapPage p : pages) total += p.areaEnd() - p.areaStart();
        final long all = total;
        return new Walk() {
            @Override
            public WalkStats walk(Supplier<? extends HeapWalker.Visitor> v, int threads, Runnable cancel, LongConsumer progress) {
                return walker.walk(v, threads, cancel, progress, true);
            }

            @Override
            public long totalBytes() {
                return all;
            }
        };
    }

    private HeapGraphBuilder() {}

    /**
     * Builds the graph. tag: V8's heap object tag (added to the walk's untagged addresses: the
     * model, the roots and the graph use tagged ones). cancel is polled (it throws to cancel;
     * nothing is kept); progress receives a figure that rises to 2 x walk.totalBytes(): the
     * walk's bytes, then the model passes' share of the objects.
     */
    public static CsrHeapGraph build(Walk walk, long tag, ObjectModel model, RootSource roots, int threads,
                                     Runnable cancel, LongConsumer progress) {
        return build(walk, tag, model, Tagger.NONE, roots, threads, cancel, progress);
    }

    /** As {@link #build(Walk, long, ObjectModel, RootSource, int, Runnable, LongConsumer)}, naming unnamed nodes by tagger. */
    public static CsrHeapGraph build(Walk walk, long tag, ObjectModel model, Tagger tagger, RootSource roots, int threads,
                                     Runnable cancel, LongConsumer progress) {
        long t0 = System.nanoTime();
        long total = Math.max(1, walk.totalBytes());
        StringTable strings = new StringTable();
        strings.intern(""); // id 0: the root's name and the empty edge name

        // ---- roots, grouped by category (first-seen order)
        Roots r = new Roots(strings);
        roots.forEachRoot(r);
        cancel.run();

        // ---- one walk: every object's address, map, type and size, merged in address order
        List<Collector> parts = new ArrayList<>();
        WalkStats ws = walk.walk(() -> {
            Collector c = new Collector();
            synchronized (parts) {
                parts.add(c);
            }
            return c;
        }, threads, cancel, progress);
        Objects objs = merge(parts);
        parts.clear();
        cancel.run();
        int n = objs.count;

        // ---- which objects are nodes, with their type, name and self size (compacted in place)
        int categories = r.categoryCount();
        int firstObject = 2 + categories;
        long maxNodes = (long) firstObject + n;
        if (maxNodes > Integer.MAX_VALUE - 8) throw new IllegalStateException("too many heap objects for one graph: " + n);
        byte[] ntype = new byte[firstObject + n];
        int[] nname = new int[firstObject + n];
        int[] nsize = new int[firstObject + n];
        int k = 0;
        long leftOut = 0;
        for (int i = 0; i < n; i++) {
            if ((i & (POLL_EVERY - 1)) == 0) {
                cancel.run();
                progress.accept(total + (long) ((double) i / n * total / 2));
            }
            long a = objs.addr[i] + tag, map = objs.map[i];
            int it = objs.type[i], size = objs.size[i];
            boolean node;
            try {
                node = model.isNode(a, map, it, size);
            } catch (RuntimeException e) {
                node = false; // a model that cannot even say whether it is a node: left out, counted
            }
            if (!node) {
                leftOut++;
                continue;
            }
            int at = firstObject + k;
            ntype[at] = (byte) typeOf(model, a, map, it, size).ordinal();
            nname[at] = strings.intern(nameOf(model, a, map, it, size));
            nsize[at] = sizeOf(model, a, map, it, size);
            objs.addr[k] = a;
            objs.map[k] = map;
            objs.type[k] = (char) it;
            objs.size[k] = size;
            k++;
        }
        int nodes = firstObject + k;
        long[] address = new long[nodes];
        System.arraycopy(objs.addr, 0, address, firstObject, k);
        ntype = trim(ntype, nodes);
        nname = trim(nname, nodes);
        nsize = trim(nsize, nodes);
        objs.addr = null;
        nname[1] = strings.intern("(GC roots)");
        for (int c = 0; c < categories; c++) nname[2 + c] = r.categoryNameId(c);
        for (int i = 0; i < firstObject; i++) ntype[i] = (byte) NodeType.SYNTHETIC.ordinal();

        // ---- edges
        AddressIndex index = new AddressIndex(address, firstObject);
        Edges e = new Edges(Math.max(1024, k * 4L));
        int[] firstEdge = new int[nodes + 1];
        long rootsDropped = 0, rootsWeak = 0;
        // node 0: (GC roots), then the global objects as shortcuts
        firstEdge[0] = 0;
        e.add(EdgeType.ELEMENT, 1, 1);
        int auto = 1;
        for (int j : r.inCategory(-1)) {
            int to = index.find(r.target[j]);
            if (to < 0) {
                rootsDropped++;
                continue;
            }
            auto++;
            e.add(EdgeType.SHORTCUT, strings.intern(Integer.toString(auto)), to);
        }
        firstEdge[1] = e.size;
        for (int c = 0; c < categories; c++) e.add(EdgeType.ELEMENT, c + 1, 2 + c);
        for (int c = 0; c < categories; c++) {
            firstEdge[2 + c] = e.size;
            String category = r.categories.get(c);
            int idx = 0;
            for (int j : r.inCategory(c)) {
                int to = index.find(r.target[j]);
                if (to < 0) {
                    rootsDropped++;
                    continue;
                }
                idx++;
                String nm = r.name[j] == null ? Integer.toString(idx) : idx + " / " + r.name[j];
                if (r.weak[j]) rootsWeak++;
                if (nname[to] == 0 && r.name[j] != null) {
                    String t = tagger.rootTag(category, r.name[j]);
                    if (t != null) nname[to] = strings.intern(t);
                }
                e.add(r.weak[j] ? EdgeType.WEAK : EdgeType.INTERNAL, strings.intern(nm), to);
            }
        }
        EdgeSink sink = new EdgeSink(e, strings, index, nname, tagger);
        for (int i = 0; i < k; i++) {
            if ((i & (POLL_EVERY - 1)) == 0) {
                cancel.run();
                progress.accept(total + total / 2 + (long) ((double) i / Math.max(1, k) * total / 2));
            }
            int node = firstObject + i;
            firstEdge[node] = e.size;
            try {
                model.edges(address[node], objs.map[i], objs.type[i], objs.size[i], sink);
            } catch (RuntimeException ex) {
                // the model promises not to throw; if it does, the edges it gave are kept
            }
        }
        firstEdge[nodes] = e.size;
        objs.map = null;
        cancel.run();
        progress.accept(2 * total);
        CsrHeapGraph.Stats stats = new CsrHeapGraph.Stats(n, leftOut, sink.dropped, rootsDropped, rootsWeak, ws,
                System.nanoTime() - t0);
        return new CsrHeapGraph(address, ntype, nname, nsize, firstEdge, trim(e.target, e.size), trim(e.type, e.size),
                trim(e.name, e.size), strings.toArray(), firstObject, stats);
    }

    private static NodeType typeOf(ObjectModel m, long a, long map, int it, int size) {
        try {
            NodeType t = m.type(a, map, it, size);
            return t == null ? NodeType.HIDDEN : t;
        } catch (RuntimeException e) {
            return NodeType.HIDDEN;
        }
    }

    private static String nameOf(ObjectModel m, long a, long map, int it, int size) {
        try {
            String s = m.name(a, map, it, size);
            return s == null ? "" : s;
        } catch (RuntimeException e) {
            return "";
        }
    }

    private static int sizeOf(ObjectModel m, long a, long map, int it, int size) {
        long s;
        try {
            s = m.selfSize(a, map, it, size);
        } catch (RuntimeException e) {
            s = size;
        }
        return (int) Math.max(0, Math.min(s, Integer.MAX_VALUE));
    }

    /**
     * Finds the node of a tagged address among the sorted node addresses: a hash of the 256 KB
     * block (V8's page size) the address lies in gives the range of nodes in that block, and a
     * binary search within it the node: a reference costs a dozen probes, not two dozen over the
     * whole array (40 M references on an 8 M-object heap).
     */
    static final class AddressIndex {
        private static final int SHIFT = 18;
        private final long[] address;
        private final int from;
        private final long[] keys; // block + 1 (0: empty slot)
        private final int[] starts; // first node of the block
        private final int[] ends; // one past its last node
        private final int mask;

        AddressIndex(long[] address, int from) {
            this.address = address;
            this.from = from;
            int blocks = 0;
            long prev = -1;
            for (int i = from; i < address.length; i++) {
                long b = address[i] >>> SHIFT;
                if (b != prev) blocks++;
                prev = b;
            }
            int cap = Integer.highestOneBit(Math.max(4, blocks * 2)) * 2;
            keys = new long[cap];
            starts = new int[cap];
            ends = new int[cap];
            mask = cap - 1;
            int i = from;
            while (i < address.length) {
                long b = address[i] >>> SHIFT;
                int j = i;
                while (j < address.length && address[j] >>> SHIFT == b) j++;
                int slot = slot(b);
                keys[slot] = b + 1;
                starts[slot] = i;
                ends[slot] = j;
                i = j;
            }
        }

        private int slot(long b) {
            int h = (int) (b * 0x9E3779B97F4A7C15L >>> 40) & mask;
            while (keys[h] != 0 && keys[h] != b + 1) h = (h + 1) & mask;
            return h;
        }

        /** The node at tagged address a, or -1 (not an object start, or an object left out). */
        int find(long a) {
            int h = slot(a >>> SHIFT);
            if (keys[h] == 0) return -1;
            int i = Arrays.binarySearch(address, starts[h], ends[h], a);
            return i >= 0 ? i : -1;
        }
    }

    private static byte[] trim(byte[] a, int n) { return a.length == n ? a : Arrays.copyOf(a, n); }
    private static int[] trim(int[] a, int n) { return a.length == n ? a : Arrays.copyOf(a, n); }

    /** Receives an object's edges and appends those whose target is a node. */
    private static final class EdgeSink implements EdgeVisitor {
        final Edges e;
        final StringTable strings;
        final AddressIndex index;
        long dropped;
        // the last name interned, by identity: models pass the same constant strings again and again
        String lastName;
        int lastId;
        final int[] nodeName;
        final Tagger tagger;

        EdgeSink(Edges e, StringTable strings, AddressIndex index, int[] nodeName, Tagger tagger) {
            this.e = e;
            this.strings = strings;
            this.index = index;
            this.nodeName = nodeName;
            this.tagger = tagger;
        }

        @Override
        public void edge(EdgeType type, String name, int index, long target) {
            if (type == null) return;
            int to = this.index.find(target);
            if (to < 0) {
                dropped++;
                return;
            }
            int v;
            if (type.isIndexed()) {
                v = Math.max(0, index);
            } else {
                String s = name == null ? (index >= 0 ? Integer.toString(index) : "") : name;
                if (s != lastName) {
                    lastId = strings.intern(s);
                    lastName = s;
                }
                v = lastId;
            }
            e.add(type, v, to);
            if (nodeName[to] == 0 && tagger != Tagger.NONE) { // id 0 is ""
                String t = tagger.tag(type, name);
                if (t != null && !t.isEmpty()) nodeName[to] = strings.intern(t);
            }
        }
    }

    /** Growable edge arrays. */
    private static final class Edges {
        int[] target, name;
        byte[] type;
        int size;

        Edges(long capacity) {
            int c = (int) Math.min(capacity, Integer.MAX_VALUE - 8);
            target = new int[c];
            name = new int[c];
            type = new byte[c];
        }

        void add(EdgeType t, int nameOrIndex, int to) {
            if (size == target.length) grow();
            target[size] = to;
            name[size] = nameOrIndex;
            type[size] = (byte) t.ordinal();
            size++;
        }

        private void grow() {
            long n = Math.min((long) target.length + (target.length >> 1) + 16, Integer.MAX_VALUE - 8);
            if (n <= target.length) throw new IllegalStateException("too many edges for one graph");
            target = Arrays.copyOf(target, (int) n);
            name = Arrays.copyOf(name, (int) n);
            type = Arrays.copyOf(type, (int) n);
        }
    }

    /** The roots as reported, with their category ids (-1: a global object). */
    private static final class Roots implements RootVisitor {
        final StringTable strings;
        final List<String> categories = new ArrayList<>();
        final java.util.Map<String, Integer> categoryIds = new java.util.HashMap<>();
        int[] category = new int[256];
        String[] name = new String[256];
        long[] target = new long[256];
        boolean[] weak = new boolean[256];
        int size;

        Roots(StringTable strings) {
            this.strings = strings;
        }

        @Override
        public void root(String cat, String nm, long tgt, boolean wk) {
            int c;
            if (GLOBAL_OBJECTS.equals(cat)) {
                c = -1;
            } else {
                String key = cat == null ? "(Unknown)" : cat;
                Integer id = categoryIds.get(key);
                if (id == null) {
                    id = categories.size();
                    categories.add(key);
                    categoryIds.put(key, id);
                }
                c = id;
            }
            if (size == category.length) {
                int m = size * 2;
                category = Arrays.copyOf(category, m);
                name = Arrays.copyOf(name, m);
                target = Arrays.copyOf(target, m);
                weak = Arrays.copyOf(weak, m);
            }
            category[size] = c;
            name[size] = nm;
            target[size] = tgt;
            weak[size] = wk;
            size++;
        }

        int categoryCount() { return categories.size(); }

        int categoryNameId(int c) { return strings.intern(categories.get(c)); }

        /** The root indices of category c, in report order. */
        int[] inCategory(int c) {
            int m = 0;
            for (int i = 0; i < size; i++) if (category[i] == c) m++;
            int[] out = new int[m];
            m = 0;
            for (int i = 0; i < size; i++) if (category[i] == c) out[m++] = i;
            return out;
        }
    }

    /** Every walked object, by ascending address. */
    private static final class Objects {
        long[] addr, map;
        char[] type;
        int[] size;
        int count;
    }

    /**
     * One walking thread's objects. A thread walks whole pages, each in address order; a run is a
     * stretch of objects that follow each other in memory, so runs of all threads never overlap
     * and sorting runs by their first address sorts the objects.
     */
    private static final class Collector implements HeapWalker.Visitor {
        long[] addr = new long[1024], map = new long[1024];
        char[] type = new char[1024];
        int[] size = new int[1024];
        int count;
        int[] runStart = new int[64];
        int runs;
        long nextExpected = -1;

        @Override
        public void object(long a, long mapWord, int t, int s) {
            if (count == addr.length) {
                if (count >= Integer.MAX_VALUE - 16) throw new IllegalStateException("too many heap objects for one graph");
                int m = (int) Math.min((long) count * 2, Integer.MAX_VALUE - 8);
                addr = Arrays.copyOf(addr, m);
                map = Arrays.copyOf(map, m);
                type = Arrays.copyOf(type, m);
                size = Arrays.copyOf(size, m);
            }
            if (a != nextExpected) {
                if (runs == runStart.length) runStart = Arrays.copyOf(runStart, runs * 2);
                runStart[runs++] = count;
            }
            addr[count] = a;
            map[count] = mapWord;
            type[count] = (char) t;
            size[count] = s;
            count++;
            nextExpected = a + s;
        }
    }

    private static Objects merge(List<Collector> parts) {
        long total = 0;
        int runs = 0;
        for (Collector c : parts) {
            total += c.count;
            runs += c.runs;
        }
        if (total > Integer.MAX_VALUE - 16) throw new IllegalStateException("too many heap objects for one graph: " + total);
        // (first address, collector, run) sorted by first address
        long[] firsts = new long[runs];
        int[] who = new int[runs], which = new int[runs];
        Integer[] order = new Integer[runs];
        int r = 0;
        for (int p = 0; p < parts.size(); p++) {
            Collector c = parts.get(p);
            for (int j = 0; j < c.runs; j++) {
                firsts[r] = c.addr[c.runStart[j]];
                who[r] = p;
                which[r] = j;
                order[r] = r;
                r++;
            }
        }
        Arrays.sort(order, (x, y) -> Long.compareUnsigned(firsts[x], firsts[y]));
        Objects o = new Objects();
        int n = (int) total;
        o.addr = new long[n];
        o.map = new long[n];
        o.type = new char[n];
        o.size = new int[n];
        int at = 0;
        for (Integer x : order) {
            Collector c = parts.get(who[x]);
            int s = c.runStart[which[x]];
            int e = which[x] + 1 < c.runs ? c.runStart[which[x] + 1] : c.count;
            int len = e - s;
            System.arraycopy(c.addr, s, o.addr, at, len);
            System.arraycopy(c.map, s, o.map, at, len);
            System.arraycopy(c.type, s, o.type, at, len);
            System.arraycopy(c.size, s, o.size, at, len);
            at += len;
        }
        o.count = n;
        // drop the per-thread arrays as soon as they are copied
        for (Collector c : parts) {
            c.addr = null;
            c.map = null;
            c.type = null;
            c.size = null;
        }
        return o;
    }
}
