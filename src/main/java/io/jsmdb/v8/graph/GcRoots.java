package io.jsmdb.v8.graph;

import io.jsmdb.binary.ElfImage;
import io.jsmdb.binary.Symbol;
import io.jsmdb.core.AddressSpace;
import io.jsmdb.core.ThreadState;
import io.jsmdb.v8.Fallbacks;
import io.jsmdb.v8.V8Fact;
import io.jsmdb.v8.V8Metadata;
import io.jsmdb.v8.frames.Frame;
import io.jsmdb.v8.frames.StackWalker;
import io.jsmdb.v8.heap.HeapPage;
import io.jsmdb.v8.heap.HeapPages;
import io.jsmdb.v8.heap.V8Heap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The GC roots of the main isolate, found in a core as V8's heap snapshot reports them
 * (V8HeapExplorer::IterateAndExtractReferences: ReadOnlyRoots::Iterate, Heap::IterateRoots
 * without the weak roots, then the weak global handles as weak edges). Each root carries the
 * category V8 names its synthetic parent by (visitors.h ROOT_ID_LIST) and, as V8's
 * GetStrongGcSubrootName does, the roots-table name of its target when the target is one of the
 * isolate's read-only or strong roots; otherwise the global handle's label or null (V8 gives an
 * index).
 *
 * <p>How each holder is found (no v8dbg constant describes these C++ objects):
 * <ul>
 * <li>the roots table: the run of read-only-space pointers, as long as the read-only root list
 *     (RootsTable::root_names_, read from the core, up to {@link Fallbacks#FIRST_STRONG_MUTABLE_ROOT_NAME}),
 *     in the Isolate before its Heap (HeapPages' Heap*), starting where its meta_map entry is its own map;</li>
 * <li>the Isolate: the address just before the roots table that most of the C++ objects the
 *     isolate holds point back to (their first word is the Isolate*), cross-checked with
 *     {@link V8Fact#ISOLATE_ROOTS_TABLE_OFFSET};</li>
 * <li>global handles, eternal handles, the handle scope implementer, the microtask queue: a
 *     pointer among the Isolate's words to an object with that class's signature (back-pointers,
 *     block lists whose links and counts verify);</li>
 * <li>stack roots: a conservative scan. V8 in node 16-26 walks JS frames precisely (safepoint
 *     tables); jsmdb instead takes every word from a thread's stack pointer up to its outermost
 *     V8 frame that is a tagged pointer to an object start in the main heap (its map word is a
 *     Map), on each thread whose stack has V8 frames. This holds every precise slot and may add
 *     stale words of dead frames (never fewer roots than V8, maybe some more).</li>
 * </ul>
 * Native contexts among the strong roots lead to their global objects, which V8's snapshot links
 * from its synthetic root node (14.6: the native contexts themselves): those are reported with
 * the category {@link #SNAPSHOT_ROOT}.
 *
 * <p>A core is hostile input: every loop is bounded and each holder that cannot be read becomes
 * one line of {@link #problems()}; the others are still reported.
 */
public final class GcRoots implements RootSource {
    public static final String READ_ONLY_ROOTS = "(Read-only roots)";
    /** The strong roots table before V8 12 (see {@link #strongRootsCategory()}). */
    public static final String STRONG_ROOTS = Fallbacks.STRONG_ROOT_LIST_NAME_BEFORE_12;
    /** The strong roots table from V8 12. */
    public static final String STRONG_ROOT_LIST = Fallbacks.STRONG_ROOT_LIST_NAME_FROM_12;
    public static final String GLOBAL_HANDLES = "(Global handles)";
    public static final String ETERNAL_HANDLES = "(Eternal handles)";
    public static final String HANDLE_SCOPE = "(Handle scope)";
    public static final String STACK_ROOTS = "(Stack roots)";
    public static final String MICRO_TASKS = "(Micro tasks)";
    public static final String BUILTINS = "(Builtins)";
    public static final String STARTUP_OBJECT_CACHE = "(Startup object cache)";
    public static final String SHAREABLE_OBJECT_CACHE = "(Shareable object cache)";
    /** V8's snapshot visits the string tables with Heap::IterateWeakRoots before it marks roots weak: strong edges. */
    public static final String INTERNALIZED_STRINGS = "(Internalized strings)";
    public static final String EXTERNAL_STRINGS = "(External strings)";
    /**
     * Not a GC root category: the edge leads from the snapshot's synthetic root node itself (V8's
     * SetUserGlobalReference: a shortcut to the global object of each native context a strong root
     * holds, the DevTools "Window / global" entries; to the native context itself in V8 14.6, see
     * {@link V8Fact#SNAPSHOT_ROOT_LINKS_NATIVE_CONTEXT}). One per native context.
     */
    public static final String SNAPSHOT_ROOT = "";

    /** How far before the Heap the roots table is looked for (the Isolate holds both; 0xa290-0xf118 seen). */
    private static final long ROOTS_SEARCH_BEFORE_HEAP = 0x40000;
    /** How far back from the roots table the Isolate may start (IsolateData's fields before it: 0x70-0x2a8 seen). */
    private static final long ISOLATE_BEFORE_ROOTS = 0x1000;
    /** How many bytes of the Isolate are searched for pointers to its C++ holders (0xb3f8-0x100d0 seen). */
    private static final long ISOLATE_FIELDS_BYTES = 0x20000;
    /** How many bytes of the Heap object are searched for its external string table. */
    private static final long HEAP_FIELDS_BYTES = 0x8000;
    /** The least size of a deserializer object cache (thousands of objects in every node). */
    private static final int MIN_CACHE_OBJECTS = 100;
    /** Bounds on lists read from the core. */
    private static final int MAX_BLOCKS = 1 << 16;
    private static final long MAX_STACK_BYTES = 64L << 20;
    private static final int MAX_ROOTS_NAMES = 1 << 14;

    private final AddressSpace core;
    private final List<ThreadState> threads;
    private final V8Metadata md;
    private final HeapPages pages;
    private final V8Heap heap;
    private final long[] areaStart, areaEnd;
    private final List<String> problems = new ArrayList<>();
    private final Map<String, String> how = new LinkedHashMap<>();

    private String[] rootNames = new String[0];
    private long isolate, rootsTable;
    /** Target -> roots-table name, for V8's naming of root edges (GetStrongGcSubrootName). */
    private final Map<Long, String> rootObjectNames = new HashMap<>();

    // the roots, in report order
    private String[] category = new String[256];
    private String[] name = new String[256];
    private long[] target = new long[256];
    private boolean[] weak = new boolean[256];
    private int count;

    private GcRoots(AddressSpace core, List<ThreadState> threads, V8Metadata md, HeapPages pages, V8Heap heap) {
        this.core = core;
        this.threads = threads;
        this.md = md;
        this.pages = pages;
        this.heap = heap;
        List<HeapPage> ps = new ArrayList<>();
        for (HeapPage p : pages.pages()) {
            if (p.heap() == pages.heap() || p.space() == HeapPage.Space.READ_ONLY) ps.add(p);
        }
        ps.sort((a, b) -> Long.compareUnsigned(a.areaStart(), b.areaStart()));
        areaStart = new long[ps.size()];
        areaEnd = new long[ps.size()];
        for (int i = 0; i < ps.size(); i++) {
            areaStart[i] = ps.get(i).areaStart();
            areaEnd[i] = ps.get(i).areaEnd();
        }
    }

    /**
     * Finds every root of the main isolate in memory (the core's, or a view of it), the threads'
     * stacks walked by stacks. Never throws for bad memory: what cannot be read is named in
     * {@link #problems()}.
     */
    public static GcRoots find(AddressSpace core, List<ThreadState> threads, ElfImage binary, V8Metadata md,
                               HeapPages pages, V8Heap heap, StackWalker stacks) {
        GcRoots r = new GcRoots(core, threads, md, pages, heap);
        r.step("roots table", () -> r.findRootsTable(binary));
        if (r.isolate != 0) {
            long[] fields = r.isolateFields();
            r.step("global handles", () -> r.globalHandles(fields));
            r.step("eternal handles", () -> r.eternalHandles(fields));
            r.step("handle scopes", () -> r.handleScopes(fields));
            r.step("microtask queue", () -> r.microtasks(binary, fields));
            r.step("string table", () -> r.stringTable(fields));
            r.step("object caches", r::objectCaches);
            r.step("builtins", () -> r.builtins(binary));
        }
        r.step("external strings", r::externalStrings);
        r.step("stacks", () -> r.stacks(stacks));
        r.step("global objects", r::globalObjects);
        return r;
    }

    private void step(String what, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            problems.add(what + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    @Override
    public void forEachRoot(RootVisitor out) {
        for (int i = 0; i < count; i++) out.root(category[i], name[i], target[i], weak[i]);
    }

    /** The category of the strong roots table's entries, as this V8's snapshot names it. */
    public String strongRootsCategory() {
        return md.version().map(v -> v.before(12, 0, 0)).orElse(false) ? STRONG_ROOTS : STRONG_ROOT_LIST;
    }

    /** The number of roots reported. */
    public int size() { return count; }

    /** Roots per category, in first-seen order. */
    public Map<String, Integer> countsByCategory() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) m.merge(category[i], 1, Integer::sum);
        return m;
    }

    /** The Isolate's address (0 if not found). */
    public long isolate() { return isolate; }

    /** The roots table's address in the Isolate (0 if not found). */
    public long rootsTable() { return rootsTable; }

    /** The roots-table entry named so (a tagged value), if the table was found and has it. */
    public OptionalLong root(String rootName) {
        int i = indexOf(rootName);
        if (i < 0 || rootsTable == 0) return OptionalLong.empty();
        try {
            return OptionalLong.of(core.readLong(rootsTable + 8L * i));
        } catch (RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** What could not be read, one line each. */
    public List<String> problems() { return List.copyOf(problems); }

    /** How each holder was found: holder -> description. */
    public Map<String, String> how() { return Map.copyOf(how); }

    private void add(String cat, String nm, long t, boolean w) {
        if (count == target.length) {
            int n = count * 2;
            category = Arrays.copyOf(category, n);
            name = Arrays.copyOf(name, n);
            target = Arrays.copyOf(target, n);
            weak = Arrays.copyOf(weak, n);
        }
        String rn = rootObjectNames.get(t);
        category[count] = cat;
        name[count] = rn != null ? rn : nm;
        target[count] = t;
        weak[count] = w;
        count++;
    }

    // ---- heap addresses

    /** True if w is a tagged pointer into an object area of the main heap (or read-only space). */
    boolean inHeap(long w) {
        if ((w & md.heapObjectTagMask()) != md.heapObjectTag()) return false;
        long a = w - md.heapObjectTag();
        int i = Arrays.binarySearch(areaStart, a);
        if (i < 0) i = -i - 2;
        return i >= 0 && Long.compareUnsigned(a, areaEnd[i]) < 0;
    }

    private boolean inReadOnly(long w, long[] roStart, long[] roEnd) {
        if ((w & md.heapObjectTagMask()) != md.heapObjectTag()) return false;
        for (int i = 0; i < roStart.length; i++) if (w > roStart[i] && w < roEnd[i]) return true;
        return false;
    }

    /** A heap pointer whose map word is a Map: an object start, as far as the core can tell. */
    boolean isObjectStart(long w) {
        if (!inHeap(w)) return false;
        try {
            return heap.isMap(core.readLong(w - md.heapObjectTag()));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private long word(long addr) {
        return core.readLong(addr);
    }

    private boolean readable(long addr, long len) {
        return addr > 0 && (addr & 7) == 0 && core.isReadable(addr, len);
    }

    // ---- the roots table and the isolate

    private int indexOf(String n) {
        for (int i = 0; i < rootNames.length; i++) if (n.equals(rootNames[i])) return i;
        return -1;
    }

    private void findRootsTable(ElfImage binary) {
        rootNames = rootNames(binary);
        int roCount = indexOf(Fallbacks.FIRST_STRONG_MUTABLE_ROOT_NAME);
        int firstSmi = indexOf(Fallbacks.FIRST_SMI_ROOT_NAME);
        if (roCount <= 0 || firstSmi <= roCount) {
            throw new IllegalStateException("the binary's root names lack " + Fallbacks.FIRST_STRONG_MUTABLE_ROOT_NAME
                    + " or " + Fallbacks.FIRST_SMI_ROOT_NAME);
        }
        List<HeapPage> roPages = new ArrayList<>();
        for (HeapPage p : pages.pages()) if (p.space() == HeapPage.Space.READ_ONLY) roPages.add(p);
        long[] roStart = new long[roPages.size()], roEnd = new long[roPages.size()];
        for (int i = 0; i < roPages.size(); i++) {
            roStart[i] = roPages.get(i).areaStart();
            roEnd[i] = roPages.get(i).areaEnd();
        }
        long h = pages.heap();
        if (h == 0) throw new IllegalStateException("no Heap found (no heap page names one)");
        if (roStart.length == 0) throw new IllegalStateException("no read-only space page in the core");
        // a run of read-only pointers at least as long as the read-only list, before the Heap; the
        // table starts where its meta_map entry is the map that is its own map (the word before the
        // table may point into read-only space too)
        int meta = indexOf(Fallbacks.META_MAP_ROOT_NAME);
        if (meta < 0 || meta >= roCount) throw new IllegalStateException("the binary's root names lack " + Fallbacks.META_MAP_ROOT_NAME);
        long found = 0;
        int run = 0;
        long runAt = 0;
        for (long a = (h - ROOTS_SEARCH_BEFORE_HEAP) & ~7L; a <= h && found == 0; a += 8) {
            boolean inRo;
            try {
                inRo = a < h && inReadOnly(word(a), roStart, roEnd);
            } catch (RuntimeException e) {
                inRo = false;
            }
            if (inRo) {
                if (run++ == 0) runAt = a;
                continue;
            }
            for (long start = runAt; run >= roCount && start <= a - 8L * roCount; start += 8) {
                if (isMetaMap(word(start + 8L * meta))) {
                    found = start;
                    break;
                }
            }
            run = 0;
        }
        if (found == 0) {
            throw new IllegalStateException(String.format("no run of %d read-only root pointers with the meta map at %d in the %#x bytes before the Heap at %#x",
                    roCount, meta, ROOTS_SEARCH_BEFORE_HEAP, h));
        }
        rootsTable = found;
        isolate = isolateBefore(found, h);
        how.put("roots table", String.format("%#x: %d read-only roots, %d strong roots from %s", found, roCount,
                firstSmi - roCount, Fallbacks.FIRST_STRONG_MUTABLE_ROOT_NAME));
        long[] table = new long[firstSmi];
        for (int i = 0; i < firstSmi; i++) {
            table[i] = word(found + 8L * i);
            if (inHeap(table[i])) rootObjectNames.putIfAbsent(table[i], rootNames[i]);
        }
        for (int i = 0; i < firstSmi; i++) {
            if (!inHeap(table[i])) continue; // V8 skips Smis (and an empty slot is no reference)
            add(i < roCount ? READ_ONLY_ROOTS : strongRootsCategory(), rootNames[i], table[i], false);
        }
    }

    /** The meta map: a map that is its own map. */
    private boolean isMetaMap(long w) {
        try {
            return inHeap(w) && word(w - md.heapObjectTag()) == w;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** RootsTable::root_names_ as the process had it (filled by a static initializer in some builds). */
    private String[] rootNames(ElfImage binary) {
        Symbol s = binary.symbols().byName("_ZN2v88internal10RootsTable11root_names_E")
                .orElseThrow(() -> new IllegalStateException("the binary has no v8::internal::RootsTable::root_names_"));
        long n = s.size() / 8;
        if (n <= 0 || n > MAX_ROOTS_NAMES) throw new IllegalStateException("RootsTable::root_names_ has a size of " + s.size());
        String[] out = new String[(int) n];
        for (int i = 0; i < n; i++) {
            long p = word(s.value() + 8L * i);
            out[i] = cString(p, 128);
            if (out[i] == null) out[i] = "root " + i;
        }
        return out;
    }

    /** A NUL-terminated printable ASCII string of at most max bytes at p, or null. */
    private String cString(long p, int max) {
        if (p == 0) return null;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < max; i++) {
            byte b;
            try {
                b = core.readByte(p + i);
            } catch (RuntimeException e) {
                return null;
            }
            if (b == 0) return sb.isEmpty() ? null : sb.toString();
            if (b < 0x20 || b > 0x7e) return null;
            sb.append((char) b);
        }
        return null;
    }

    /**
     * The Isolate: among the addresses up to ISOLATE_BEFORE_ROOTS before the roots table, the one
     * most pointed back to by the objects the Isolate's own words point to (GlobalHandles,
     * HandleScopeImplementer, the compilation cache, ...: their first member is the Isolate*).
     */
    private long isolateBefore(long roots, long h) {
        Map<Long, Integer> votes = new HashMap<>();
        long lo = roots - ISOLATE_BEFORE_ROOTS, hi = h + ISOLATE_FIELDS_BYTES / 4;
        for (long a = lo; a < hi; a += 8) {
            try {
                long p = word(a);
                if (p == 0 || (p & 7) != 0 || (p >= lo && p < hi)) continue;
                long v = word(p);
                if (v > lo && v <= roots && (v & 7) == 0) votes.merge(v, 1, Integer::sum);
            } catch (RuntimeException e) {
                // an unreadable word or target: no vote
            }
        }
        long best = 0;
        int bestVotes = 0;
        for (Map.Entry<Long, Integer> e : votes.entrySet()) {
            if (e.getValue() > bestVotes) {
                best = e.getKey();
                bestVotes = e.getValue();
            }
        }
        OptionalLong known = md.find(V8Fact.ISOLATE_ROOTS_TABLE_OFFSET);
        if (bestVotes >= 3) {
            String check = known.isEmpty() ? "no known roots-table offset for this version"
                    : known.getAsLong() == roots - best ? "as known for this version"
                    : String.format("this version's known roots-table offset is %#x", known.getAsLong());
            how.put("isolate", String.format("%#x (roots table at +%#x; %d objects point back to it; %s)", best, roots - best, bestVotes, check));
            return best;
        }
        if (known.isPresent()) {
            long iso = roots - known.getAsLong();
            how.put("isolate", String.format("%#x (roots table at this version's known offset %#x)", iso, known.getAsLong()));
            return iso;
        }
        problems.add("isolate: not found (no address before the roots table is pointed back to)");
        return 0;
    }

    /** The Isolate's words that point outside it: candidates for its C++ holders. */
    private long[] isolateFields() {
        int n = (int) (ISOLATE_FIELDS_BYTES / 8);
        long[] out = new long[n];
        int k = 0;
        for (long a = isolate; a < isolate + ISOLATE_FIELDS_BYTES; a += 8) {
            long w;
            try {
                w = word(a);
            } catch (RuntimeException e) {
                continue;
            }
            if (w == 0 || (w & 7) != 0) continue;
            out[k++] = w;
        }
        return Arrays.stream(out, 0, k).distinct().toArray();
    }

    // ---- global handles

    private void globalHandles(long[] fields) {
        OptionalLong known = md.find(V8Fact.GLOBAL_HANDLES_REGULAR_NODES_OFFSET);
        OptionalLong mask = md.find(V8Fact.GLOBAL_HANDLE_STATE_MASK);
        int stateMask = (int) mask.orElse(3);
        for (long gh : fields) {
            try {
                if (!readable(gh, 64) || word(gh) != isolate) continue;
                // the regular node space: the known offset first, else the first space whose blocks verify
                List<Long> offsets = new ArrayList<>();
                if (known.isPresent()) offsets.add(known.getAsLong());
                for (long o = 8; o <= 48; o += 8) if (!offsets.contains(o)) offsets.add(o);
                for (long o : offsets) {
                    long space = word(gh + o);
                    if (!readable(space, 48) || word(space) != gh) continue;
                    long first = word(space + Fallbacks.GLOBAL_HANDLES_SPACE_FIRST_USED_BLOCK);
                    if (first == 0 || !isBlock(first, gh, space)) continue;
                    int n = globalHandleBlocks(first, gh, space, stateMask);
                    long expected = word(space + Fallbacks.GLOBAL_HANDLES_SPACE_HANDLES_COUNT);
                    how.put("global handles", String.format("GlobalHandles %#x, node space at +%d%s: %d handles in use%s", gh, o,
                            known.isPresent() && known.getAsLong() == o ? " (as known for this version)" : "", n,
                            expected == n ? "" : String.format(" (its count says %d)", expected)));
                    if (mask.isEmpty()) problems.add("global handles: node state width unknown for this version; assumed 2 bits");
                    return;
                }
            } catch (RuntimeException e) {
                // not the GlobalHandles: try the next field
            }
        }
        throw new IllegalStateException("no GlobalHandles object found among the isolate's pointers");
    }

    private long blockTrailer(long block) {
        return block + (long) Fallbacks.GLOBAL_HANDLE_BLOCK_NODES * Fallbacks.GLOBAL_HANDLE_NODE_SIZE;
    }

    private boolean isBlock(long block, long gh, long space) {
        long t = blockTrailer(block);
        if (!readable(block, t - block + 40)) return false;
        if (word(t + Fallbacks.GLOBAL_HANDLE_BLOCK_GLOBAL_HANDLES) != gh || word(t + Fallbacks.GLOBAL_HANDLE_BLOCK_SPACE) != space) return false;
        // node i's index_ is i
        for (int i = 0; i < Fallbacks.GLOBAL_HANDLE_BLOCK_NODES; i += 51) {
            if ((core.readByte(block + (long) i * Fallbacks.GLOBAL_HANDLE_NODE_SIZE + Fallbacks.GLOBAL_HANDLE_NODE_INDEX) & 0xff) != i) return false;
        }
        return true;
    }

    private int globalHandleBlocks(long first, long gh, long space, int stateMask) {
        int inUse = 0, blocks = 0;
        List<long[]> weakOnes = new ArrayList<>();
        java.util.Set<Long> visited = new java.util.HashSet<>();
        for (long b = first; b != 0; b = word(blockTrailer(b) + Fallbacks.GLOBAL_HANDLE_BLOCK_NEXT_USED)) {
            if (!visited.add(b)) {
                problems.add(String.format("global handles: the block list loops back to %#x", b));
                break;
            }
            if (++blocks > MAX_BLOCKS) {
                problems.add("global handles: more than " + MAX_BLOCKS + " blocks; the rest not read");
                break;
            }
            if (!isBlock(b, gh, space)) {
                problems.add(String.format("global handles: the block list leads to %#x, which is no node block", b));
                break;
            }
            byte[] nodes = core.readBytes(b, Fallbacks.GLOBAL_HANDLE_BLOCK_NODES * Fallbacks.GLOBAL_HANDLE_NODE_SIZE);
            java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(nodes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < Fallbacks.GLOBAL_HANDLE_BLOCK_NODES; i++) {
                int at = i * Fallbacks.GLOBAL_HANDLE_NODE_SIZE;
                int state = nodes[at + Fallbacks.GLOBAL_HANDLE_NODE_FLAGS] & stateMask;
                if (state == Fallbacks.GLOBAL_HANDLE_STATE_FREE) continue;
                inUse++;
                long obj = bb.getLong(at);
                if (!inHeap(obj)) continue;
                if (state == Fallbacks.GLOBAL_HANDLE_STATE_NORMAL) {
                    add(GLOBAL_HANDLES, cString(bb.getLong(at + Fallbacks.GLOBAL_HANDLE_NODE_DATA), 128), obj, false);
                } else {
                    weakOnes.add(new long[] {obj});
                }
            }
        }
        // V8 visits the weak global handles last, as weak edges
        for (long[] w : weakOnes) add(GLOBAL_HANDLES, null, w[0], true);
        return inUse;
    }

    // ---- eternal handles

    private void eternalHandles(long[] fields) {
        for (long eh : fields) {
            try {
                if (!readable(eh, 32)) continue;
                int size = core.readInt(eh + Fallbacks.ETERNAL_HANDLES_SIZE);
                long begin = word(eh + Fallbacks.ETERNAL_HANDLES_BLOCKS), end = word(eh + Fallbacks.ETERNAL_HANDLES_BLOCKS + 8),
                        cap = word(eh + Fallbacks.ETERNAL_HANDLES_BLOCKS + 16);
                if (size <= 0 || begin == 0 || (begin & 7) != 0 || end < begin || cap < end) continue;
                long nBlocks = (end - begin) / 8;
                int slots = Fallbacks.ETERNAL_HANDLES_BLOCK_SLOTS;
                if (nBlocks == 0 || nBlocks > MAX_BLOCKS || (size + slots - 1) / slots != nBlocks) continue;
                long[] blocks = new long[(int) nBlocks];
                boolean ok = true;
                for (int i = 0; i < nBlocks && ok; i++) {
                    blocks[i] = word(begin + 8L * i);
                    ok = readable(blocks[i], 8L * slots);
                }
                if (!ok) continue;
                // every used slot holds a heap object (or the hole value of a reset one)
                int objects = 0;
                for (int i = 0; i < size; i++) if (inHeap(word(blocks[i / slots] + 8L * (i % slots)))) objects++;
                if (objects < size / 2) continue;
                for (int i = 0; i < size; i++) {
                    long v = word(blocks[i / slots] + 8L * (i % slots));
                    if (inHeap(v)) add(ETERNAL_HANDLES, null, v, false);
                }
                how.put("eternal handles", String.format("EternalHandles %#x: %d handles in %d block(s)", eh, size, nBlocks));
                return;
            } catch (RuntimeException e) {
                // not the EternalHandles: try the next field
            }
        }
        throw new IllegalStateException("no EternalHandles object found among the isolate's pointers");
    }

    // ---- handle scopes

    private void handleScopes(long[] fields) {
        // a HandleScopeImplementer with blocks first: other objects start with the Isolate* and zeros
        if (!handleScopes(fields, 1)) {
            if (!handleScopes(fields, 0)) throw new IllegalStateException("no HandleScopeImplementer found among the isolate's pointers");
        }
    }

    private boolean handleScopes(long[] fields, int minBlocks) {
        long slotsBytes = 8L * Fallbacks.HANDLE_BLOCK_SLOTS;
        long saved = md.find(V8Fact.HANDLE_SCOPE_IMPLEMENTER_SAVED_CONTEXTS_OFFSET).orElse(-1);
        for (long hsi : fields) {
            try {
                if (!readable(hsi, 80) || word(hsi) != isolate) continue;
                long data = word(hsi + Fallbacks.HANDLE_SCOPE_IMPLEMENTER_BLOCKS);
                long cap = word(hsi + Fallbacks.HANDLE_SCOPE_IMPLEMENTER_BLOCKS + 8);
                long size = word(hsi + Fallbacks.HANDLE_SCOPE_IMPLEMENTER_BLOCKS + 16);
                if (size < minBlocks || size > cap || cap > MAX_BLOCKS || (size > 0 && !readable(data, 8 * size))) continue;
                long[] blocks = new long[(int) size];
                boolean ok = true;
                for (int i = 0; i < size && ok; i++) {
                    blocks[i] = word(data + 8L * i);
                    ok = readable(blocks[i], slotsBytes);
                }
                if (!ok) continue;
                if (!contextVector(hsi + Fallbacks.HANDLE_SCOPE_IMPLEMENTER_ENTERED_CONTEXTS, false)
                        || saved >= 0 && !contextVector(hsi + saved, false)) continue;
                // the last block is used up to the isolate's HandleScopeData.next (its limit is the block's end)
                long next = -1;
                String lastHow = "";
                if (size > 0) {
                    long last = blocks[(int) size - 1], limit = last + slotsBytes;
                    for (long a = isolate; a < isolate + ISOLATE_FIELDS_BYTES; a += 8) {
                        long w;
                        try {
                            w = word(a + 8);
                            if (w != limit) continue;
                            w = word(a);
                        } catch (RuntimeException e) {
                            continue;
                        }
                        if (w >= last && w <= limit && (w & 7) == 0) {
                            next = w;
                            break;
                        }
                    }
                    if (next < 0) {
                        // no open scope: HandleScopeData { next, limit } are back to null and V8 visits none of the last block
                        next = last;
                        lastHow = ", no scope open in the last (no HandleScopeData points into it)";
                    } else {
                        lastHow = String.format(", the last used up to %#x", next);
                    }
                }
                int n = 0;
                for (int i = 0; i < size; i++) {
                    long end = i == size - 1 ? next : blocks[i] + slotsBytes;
                    for (long a = blocks[i]; a < end; a += 8) {
                        long v = word(a);
                        if (inHeap(v)) {
                            add(HANDLE_SCOPE, null, v, false);
                            n++;
                        }
                    }
                }
                contextVector(hsi + Fallbacks.HANDLE_SCOPE_IMPLEMENTER_ENTERED_CONTEXTS, true);
                if (saved >= 0) contextVector(hsi + saved, true);
                else problems.add("handle scopes: saved contexts not read (their place is unknown for this version)");
                how.put("handle scopes", String.format("HandleScopeImplementer %#x: %d block(s)%s, %d handles", hsi, size, lastHow, n));
                return true;
            } catch (RuntimeException e) {
                // not the HandleScopeImplementer: try the next field
            }
        }
        return false;
    }

    /** A DetachableVector of contexts at v: verified (emit false) or reported as handle-scope roots. */
    private boolean contextVector(long v, boolean emit) {
        long data = word(v), cap = word(v + 8), size = word(v + 16);
        if (size < 0 || size > cap || cap > MAX_BLOCKS) return false;
        if (size == 0) return true;
        if (!readable(data, 8 * size)) return false;
        for (int i = 0; i < size; i++) {
            long c = word(data + 8L * i);
            if (!inHeap(c)) {
                if (!emit && c != 0) return false; // a SaveContext without a context saves null
                continue;
            }
            if (emit) add(HANDLE_SCOPE, null, c, false);
        }
        return true;
    }

    // ---- microtask queue

    private void microtasks(ElfImage binary, long[] fields) {
        Optional<Symbol> vt = binary.symbols().byName("_ZTVN2v88internal14MicrotaskQueueE");
        if (vt.isEmpty()) throw new IllegalStateException("the binary has no vtable for v8::internal::MicrotaskQueue");
        long vtable = vt.get().value() + 16; // the address point: past offset-to-top and typeinfo
        for (long q : fields) {
            try {
                if (!readable(q, 48) || word(q) != vtable) continue;
                long size = word(q + Fallbacks.MICROTASK_QUEUE_SIZE), cap = word(q + Fallbacks.MICROTASK_QUEUE_CAPACITY),
                        start = word(q + Fallbacks.MICROTASK_QUEUE_START), ring = word(q + Fallbacks.MICROTASK_QUEUE_RING_BUFFER);
                if (size < 0 || cap < size || cap > (1 << 24) || start < 0 || (cap > 0 && start >= cap)) continue;
                if (size > 0 && !readable(ring, 8 * cap)) continue;
                for (long i = 0; i < size; i++) {
                    long t = word(ring + 8 * ((start + i) % cap));
                    if (inHeap(t)) add(MICRO_TASKS, null, t, false);
                }
                how.put("microtask queue", String.format("MicrotaskQueue %#x: %d pending of capacity %d", q, size, cap));
                return;
            } catch (RuntimeException e) {
                // not it
            }
        }
        throw new IllegalStateException("no MicrotaskQueue found among the isolate's pointers");
    }

    // ---- builtins

    /**
     * IsolateData::builtin_table_: one Code object per builtin (Builtins::kBuiltinCount of them,
     * from the size of the binary's builtin_metadata[], whose entries name them), found as the run
     * of that many Code objects among the Isolate's words; then builtin_tier0_table_ (V8 11+), a
     * copy of the table's first entries elsewhere in the Isolate. V8's snapshot visits both.
     */
    private void builtins(ElfImage binary) {
        Symbol meta = null;
        for (Symbol s : binary.symbols().withPrefix("_ZN2v88internal12_GLOBAL__N_1")) {
            if (s.name().endsWith("16builtin_metadataE")) meta = s;
        }
        if (meta == null || meta.size() <= 0) throw new IllegalStateException("the binary has no builtin_metadata");
        long n = meta.size() / Fallbacks.BUILTIN_METADATA_ENTRY_SIZE;
        if (n <= 0 || n > MAX_BLOCKS) throw new IllegalStateException("builtin_metadata has a size of " + meta.size());
        int code = heap.typeNamed("CODE_TYPE");
        long table = 0;
        for (long a = isolate; a + 8 * n <= isolate + ISOLATE_FIELDS_BYTES && table == 0; a += 8) {
            if (!isCode(word(a), code) || !isCode(word(a + 8 * (n - 1)), code)) continue;
            boolean all = true;
            for (long i = 1; i < n - 1 && all; i++) all = isCode(word(a + 8 * i), code);
            if (all) table = a;
        }
        if (table == 0) throw new IllegalStateException("no run of " + n + " Code objects (the builtin table) in the isolate");
        String[] names = new String[(int) n];
        for (int i = 0; i < n; i++) {
            try {
                names[i] = cString(word(meta.value() + (long) i * Fallbacks.BUILTIN_METADATA_ENTRY_SIZE), 128);
            } catch (RuntimeException e) {
                names[i] = null;
            }
            add(BUILTINS, names[i], word(table + 8L * i), false);
        }
        // the tier-0 copy: the table's first words again, elsewhere in the isolate
        int tier0 = 0;
        long t0 = word(table), t1 = word(table + 8);
        for (long a = isolate; a < isolate + ISOLATE_FIELDS_BYTES && tier0 == 0; a += 8) {
            if (a == table || word(a) != t0 || word(a + 8) != t1) continue;
            int k = 0;
            while (k < n && word(a + 8L * k) == word(table + 8L * k)) k++;
            for (int i = 0; i < k; i++) add(BUILTINS, names[i], word(table + 8L * i), false);
            tier0 = k;
        }
        how.put("builtins", String.format("builtin table at isolate+%#x: %d Code objects (builtin_metadata's count)%s", table - isolate, n,
                tier0 > 0 ? ", and a tier-0 copy of the first " + tier0 : ""));
    }

    private boolean isCode(long w, int codeType) {
        if (!inHeap(w)) return false;
        try {
            return heap.typeOf(w) == codeType;
        } catch (RuntimeException e) {
            return false;
        }
    }

    // ---- the deserializer's object caches

    /**
     * Isolate::startup_object_cache_ and (V8 10+) shared_heap_object_cache_: std::vectors inside
     * the Isolate, in that order, whose elements are heap objects and whose last element is
     * undefined (the deserializer's terminator). Found as such vectors among the Isolate's words.
     */
    private void objectCaches() {
        OptionalLong undefined = root("undefined_value");
        if (undefined.isEmpty()) throw new IllegalStateException("no undefined_value root");
        List<long[]> caches = new ArrayList<>();
        List<Long> at = new ArrayList<>();
        for (long a = isolate; a < isolate + ISOLATE_FIELDS_BYTES && caches.size() < 2; a += 8) {
            try {
                long b = word(a), e = word(a + 8), c = word(a + 16);
                if (b == 0 || (b & 7) != 0 || e <= b || c < e || (e - b) / 8 < MIN_CACHE_OBJECTS || (e - b) / 8 > (1 << 22)) continue;
                if (word(e - 8) != undefined.getAsLong()) continue;
                long[] v = objectVector(a);
                if (v == null) continue;
                caches.add(v);
                at.add(a - isolate);
                a += 16;
            } catch (RuntimeException ex) {
                // not a vector
            }
        }
        if (caches.isEmpty()) throw new IllegalStateException("no startup object cache found in the isolate");
        String[] names = {STARTUP_OBJECT_CACHE, SHAREABLE_OBJECT_CACHE};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < caches.size(); i++) {
            for (long o : caches.get(i)) add(names[i], null, o, false);
            sb.append(String.format("%s%s at isolate+%#x: %d", i == 0 ? "" : ", ", names[i], at.get(i), caches.get(i).length));
        }
        how.put("object caches", sb.toString());
    }

    // ---- string tables

    /**
     * The internalized strings: the isolate's StringTable (off-heap since V8 8.x), every element.
     * Found as the isolate's pointer to an object whose Data's element count, capacity (a power of
     * two) and heap references agree exactly (its Isolate* comes after a mutex whose size varies).
     */
    private void stringTable(long[] fields) {
        for (long st : fields) {
            try {
                if (!readable(st, 16)) continue;
                long data = word(st + Fallbacks.STRING_TABLE_DATA);
                if (!readable(data, Fallbacks.STRING_TABLE_DATA_ELEMENTS)) continue;
                int n = core.readInt(data + Fallbacks.STRING_TABLE_DATA_COUNT);
                int deleted = core.readInt(data + Fallbacks.STRING_TABLE_DATA_DELETED);
                int cap = core.readInt(data + Fallbacks.STRING_TABLE_DATA_CAPACITY);
                if (n <= 0 || deleted < 0 || cap <= 0 || Integer.bitCount(cap) != 1 || cap > (1 << 26) || (long) n + deleted > cap) continue;
                long elements = data + Fallbacks.STRING_TABLE_DATA_ELEMENTS;
                if (!readable(elements, 8L * cap)) continue;
                // the table's own count must match its heap references exactly
                int objects = 0;
                for (int i = 0; i < cap; i++) if (inHeap(word(elements + 8L * i))) objects++;
                if (objects != n) continue;
                for (int i = 0; i < cap; i++) {
                    long v = word(elements + 8L * i);
                    if (inHeap(v)) add(INTERNALIZED_STRINGS, null, v, false);
                }
                how.put("string table", String.format("StringTable %#x: %d strings in %d slots", st, n, cap));
                return;
            } catch (RuntimeException e) {
                // not the StringTable
            }
        }
        throw new IllegalStateException("no StringTable found among the isolate's pointers");
    }

    /**
     * Heap::external_string_table_: a vector whose every element is an external string (the young
     * strings; V8 9.4-14.1 keep the old ones in a second vector after it, 14.6 one vector only).
     * An empty young vector is skipped: the scan then takes the old one as the first.
     */
    private void externalStrings() {
        long h = pages.heap();
        for (long a = h; a < h + HEAP_FIELDS_BYTES; a += 8) {
            try {
                long[] young = objectVector(a + Fallbacks.EXTERNAL_STRING_TABLE_YOUNG);
                if (young == null || young.length == 0 || !allExternal(young)) continue;
                // the second vector (old strings) is gone in 14.6, which keeps one vector
                long[] old = objectVector(a + Fallbacks.EXTERNAL_STRING_TABLE_OLD);
                if (old == null || !allExternal(old)) old = new long[0];
                for (long s : young) add(EXTERNAL_STRINGS, null, s, false);
                for (long s : old) add(EXTERNAL_STRINGS, null, s, false);
                how.put("external strings", String.format("ExternalStringTable vectors at Heap+%#x: %d young, %d old", a - h + Fallbacks.EXTERNAL_STRING_TABLE_YOUNG, young.length, old.length));
                return;
            } catch (RuntimeException e) {
                // not the table
            }
        }
        throw new IllegalStateException("no ExternalStringTable found in the Heap");
    }

    /** A std::vector of tagged heap objects at v ({begin, end, capacity}), or null. */
    private long[] objectVector(long v) {
        long b = word(v), e = word(v + 8), c = word(v + 16);
        if (b == 0 && e == 0 && c == 0) return new long[0];
        if (b == 0 || (b & 7) != 0 || e < b || c < e || (e - b) / 8 > (1 << 24) || !readable(b, Math.max(8, e - b))) return null;
        long[] out = new long[(int) ((e - b) / 8)];
        for (int i = 0; i < out.length; i++) {
            out[i] = word(b + 8L * i);
            if (!inHeap(out[i])) return null;
        }
        return out;
    }

    private boolean allExternal(long[] v) {
        for (long s : v) if (!isExternalString(s)) return false;
        return true;
    }

    private boolean isExternalString(long s) {
        try {
            String t = heap.typeName(heap.typeOf(s));
            return t.contains("EXTERNAL") && t.contains("STRING");
        } catch (RuntimeException e) {
            return false;
        }
    }

    // ---- stacks

    private void stacks(StackWalker walker) {
        StringBuilder sb = new StringBuilder();
        for (ThreadState t : threads) {
            long sp = t.registers().sp();
            List<Frame> frames;
            try {
                frames = walker.walk(t);
            } catch (RuntimeException e) {
                problems.add("stack of thread " + t.tid() + ": " + e.getMessage());
                continue;
            }
            long top = 0;
            for (Frame f : frames) if (f.kind() != Frame.Kind.NATIVE && f.fp() != 0 && Long.compareUnsigned(f.fp(), top) > 0) top = f.fp();
            if (top == 0 || Long.compareUnsigned(top, sp) <= 0 || top - sp > MAX_STACK_BYTES) continue;
            int n = 0;
            // up to the outermost V8 frame's fp and the two words above it (caller fp, return address) skipped
            for (long a = sp & ~7L; a < top; a += 8) {
                long w;
                try {
                    w = word(a);
                } catch (RuntimeException e) {
                    problems.add(String.format("stack of thread %d: unreadable at %#x", t.tid(), a));
                    break;
                }
                if (isObjectStart(w)) {
                    add(STACK_ROOTS, null, w, false);
                    n++;
                }
            }
            sb.append(String.format("%sthread %d: %d words from %#x to %#x", sb.isEmpty() ? "" : "; ", t.tid(), n, sp, top));
        }
        how.put("stacks", sb.isEmpty() ? "no thread has V8 frames" : "conservative scan, " + sb);
    }

    // ---- native contexts' global objects

    private void globalObjects() {
        int nativeContext = heap.typeNamed("NATIVE_CONTEXT_TYPE");
        int globalObject = heap.typeNamed("JS_GLOBAL_OBJECT_TYPE");
        if (nativeContext < 0 || globalObject < 0) throw new IllegalStateException("no NATIVE_CONTEXT_TYPE or JS_GLOBAL_OBJECT_TYPE");
        long slot0 = md.get(V8Fact.CONTEXT_HEADER_SIZE) - md.heapObjectTag();
        boolean linksContext = md.find(V8Fact.SNAPSHOT_ROOT_LINKS_NATIVE_CONTEXT).orElse(0) == 1;
        java.util.Set<Long> seen = new java.util.HashSet<>();
        int n = count;
        for (int i = 0; i < n; i++) {
            if (weak[i]) continue; // V8 adds the shortcut for strong roots only
            long c = target[i];
            if (seen.contains(c)) continue;
            seen.add(c);
            try {
                if (heap.typeOf(c) != nativeContext) continue;
                long g = word(c + slot0 + 8L * Fallbacks.CONTEXT_EXTENSION_INDEX);
                if (!inHeap(g) || heap.typeOf(g) != globalObject || seen.contains(g)) continue;
                seen.add(g);
                add(SNAPSHOT_ROOT, null, linksContext ? c : g, false);
            } catch (RuntimeException e) {
                // not a readable object: not a native context
            }
        }
    }
}
