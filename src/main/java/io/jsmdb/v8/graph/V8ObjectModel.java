package io.jsmdb.v8.graph;

import io.jsmdb.core.AddressSpace;
import io.jsmdb.core.MemoryFault;
import io.jsmdb.v8.V8Fact;
import io.jsmdb.v8.V8Metadata;
import io.jsmdb.v8.heap.HeapException;
import io.jsmdb.v8.heap.HeapPage;
import io.jsmdb.v8.heap.HeapPages;
import io.jsmdb.v8.heap.V8Heap;
import io.jsmdb.v8.heap.V8Functions;
import io.jsmdb.v8.heap.V8Strings;
import io.jsmdb.v8.graph.SnapshotTypes.Rule;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The heap snapshot's view of one object, as V8's HeapSnapshotGenerator (V8HeapExplorer in
 * src/profiler/heap-snapshot-generator.cc) gives it: node kind and name (AddEntry), self size
 * (HeapObject::Size), and the references (ExtractReferences, then the "map" reference, then every
 * other tagged slot of the object as a hidden reference, as IndexedReferencesExtractor does).
 *
 * <p>References follow V8's rules: properties (fast and dictionary mode, accessors as the pair
 * plus "get NAME" / "set NAME"), elements (object and dictionary elements), context variables,
 * named internal fields, FixedArray slots named by index, weak slots (WeakRef targets, WeakMap
 * tables, weak array slots, weak-tagged words) as WEAK. Internal, hidden and weak references
 * leave out V8's non-essential targets (oddballs, the hole, the canonical empty arrays, a few
 * read-only maps: IsEssentialObject); property, element and context references do not. A Smi is
 * never a reference. Where V8 differs by version the newest rule is followed, except where the
 * version's own snapshot shows otherwise (see {@link SnapshotTypes}).
 *
 * <p>Known differences from V8's snapshot: the native context's named slots are hidden
 * references (V8 names them by NATIVE_CONTEXT_FIELDS); a context's function-name variable is
 * hidden; block contexts name their variables (V8 names only declaration contexts'); a
 * JSArrayBuffer's backing store (a native node in V8's snapshot) is not a heap object, so no
 * reference; the ephemeron edges V8 adds from a WeakMap key to its value are not the key's own
 * references, so this model leaves them to the graph; tagged slots V8's body descriptors skip are
 * found by value (a word is a reference when it is tagged and points into a heap page at an
 * object with a valid map), except the raw fields SnapshotTypes knows from the metadata and
 * Fallbacks (rawLayout): two 32-bit counts side by side can equal an object's address,
 * and then would be a reference V8 never reports. A raw field neither describes can still be
 * read that way; it takes a count pair equal to the upper half of a heap address, which a heap
 * placed low (as under qemu) makes likelier. FixedArray, FixedDoubleArray and ByteArray nodes are named "" (V8
 * names some after their holder: see {@link #arrayTag}).
 *
 * <p>Cheap per object: per-map facts (property names, field locations) and per-ScopeInfo
 * variable names are cached; index names come from one shared table; nothing is allocated for
 * an unnamed reference. Thread-safe: each thread has its own scratch state. A corrupt object
 * yields the references that could be read; edges() never throws.
 */
public final class V8ObjectModel implements ObjectModel {
    /** V8's --heap-snapshot-string-limit default: a string node's name is its first 1024 characters. */
    public static final int STRING_NAME_LIMIT = 1024;
    /** Most property descriptors of one map read (V8's kMaxNumberOfDescriptors is 1020). */
    private static final int MAX_DESCRIPTORS = 1 << 12;
    /** Most entries of one dictionary or element store visited (bounded by the store's own length too). */
    private static final long MAX_ENTRIES = 1L << 27;
    private static final int MAX_CACHE = 1 << 20;

    private final V8Heap heap;
    private final V8Metadata md;
    private final AddressSpace mem;
    private final SnapshotTypes types;
    /** V8 10 and older: weak slots are hidden (strong) edges (SnapshotTypes.weakSlotsAreHidden). */
    private final boolean hiddenWeakIsStrong;
    private final PageIndex pages;
    private final long tag;
    private final int ptr, oMap, oType, oBf3, oProto, oCtor, oDescs, oProps, oElems, faLen, faHdr, ctxHdr;
    private final int dictShift, protoShift, nodMask, nodShift;
    private final int tFixedArray, tByteArray, tWeakFixedArray, tNumberDict, tNameDict, tGlobalDict, tMap, tTransitionArray,
            tFunctionTemplateInfo, tCell, tPropertyCell, tSfi, tFreeSpace, tFiller, tOddball, tHole, tDescArray, tStrongDescArray,
            tAccessorPair, tPropertyArray, tJsArray, tApiObject, tSpecialApi, tScopeInfo, tHeapNumber;
    private final int readOnlySpace = HeapPage.Space.READ_ONLY.ordinal();
    private final ConcurrentHashMap<Long, Layout> layouts = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, ScopeNames> scopes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, String> keyNames = new ConcurrentHashMap<>();
    private final ThreadLocal<Scratch> scratch;

    public V8ObjectModel(V8Heap heap, HeapPages heapPages) {
        this.heap = heap;
        this.md = heap.metadata();
        this.mem = heap.memory();
        this.types = new SnapshotTypes(md);
        this.hiddenWeakIsStrong = types.weakSlotsAreHidden();
        this.pages = new PageIndex(heapPages.pages(), md.get(V8Fact.HEAP_PAGE_ALIGNMENT));
        tag = md.heapObjectTag();
        ptr = md.taggedSize();
        oMap = md.mapOffset();
        oType = md.mapInstanceTypeOffset();
        oBf3 = md.mapBitField3Offset();
        oProto = md.mapPrototypeOffset();
        oCtor = md.mapConstructorOrBackPointerOffset();
        oDescs = md.mapInstanceDescriptorsOffset();
        oProps = md.jsObjectPropertiesOffset();
        oElems = md.jsObjectElementsOffset();
        faLen = md.fixedArrayLengthOffset();
        faHdr = md.fixedArrayHeaderSize();
        ctxHdr = md.contextHeaderSize();
        dictShift = md.isDictionaryMapShift();
        protoShift = md.get(V8Fact.MAP_IS_PROTOTYPE_MAP_SHIFT);
        nodMask = md.numberOfOwnDescriptorsMask();
        nodShift = md.numberOfOwnDescriptorsShift();
        tFixedArray = t("FIXED_ARRAY_TYPE");
        tByteArray = t("BYTE_ARRAY_TYPE");
        tWeakFixedArray = t("WEAK_FIXED_ARRAY_TYPE");
        tNumberDict = t("NUMBER_DICTIONARY_TYPE");
        tNameDict = t("NAME_DICTIONARY_TYPE");
        tGlobalDict = t("GLOBAL_DICTIONARY_TYPE");
        tMap = t("MAP_TYPE");
        tTransitionArray = t("TRANSITION_ARRAY_TYPE");
        tFunctionTemplateInfo = t("FUNCTION_TEMPLATE_INFO_TYPE");
        tCell = t("CELL_TYPE");
        tPropertyCell = t("PROPERTY_CELL_TYPE");
        tSfi = t("SHARED_FUNCTION_INFO_TYPE");
        tFreeSpace = t("FREE_SPACE_TYPE");
        tFiller = t("FILLER_TYPE");
        tOddball = t("ODDBALL_TYPE");
        tHole = t("HOLE_TYPE");
        tDescArray = t("DESCRIPTOR_ARRAY_TYPE");
        tStrongDescArray = t("STRONG_DESCRIPTOR_ARRAY_TYPE");
        tAccessorPair = t("ACCESSOR_PAIR_TYPE");
        tPropertyArray = t("PROPERTY_ARRAY_TYPE");
        tJsArray = t("JS_ARRAY_TYPE");
        tApiObject = md.apiObjectType();
        tSpecialApi = md.specialApiObjectType();
        tScopeInfo = t("SCOPE_INFO_TYPE");
        tHeapNumber = t("HEAP_NUMBER_TYPE");
        scratch = ThreadLocal.withInitial(Scratch::new);
    }

    private int t(String name) {
        return md.instanceType(name).orElse(-1);
    }

    private int opt(V8Fact f) {
        OptionalLong v = md.find(f);
        return v.isPresent() ? (int) v.getAsLong() : -1;
    }

    // ================================================================ nodes

    @Override
    public boolean isNode(long addr, long map, int instanceType, int size) {
        return types.rule(instanceType) != Rule.NOT_A_NODE && size > 0;
    }

    @Override
    public NodeType type(long addr, long map, int instanceType, int size) {
        return switch (types.rule(instanceType)) {
            case JS_FUNCTION, JS_BOUND_FUNCTION -> NodeType.CLOSURE;
            case JS_REGEXP -> NodeType.REGEXP;
            case JS_OBJECT, JS_GLOBAL_PROXY, JS_ARRAY_BUFFER, JS_GLOBAL_OBJECT, JS_MAP_OR_SET, JS_WEAK_COLLECTION, JS_PROMISE,
                 JS_GENERATOR, JS_WEAK_REF, JS_VIEW, CONTEXT -> NodeType.OBJECT;
            case CONS_STRING -> NodeType.CONCATENATED_STRING;
            case SLICED_STRING -> NodeType.SLICED_STRING;
            case SEQ_STRING, THIN_STRING -> NodeType.STRING;
            case SYMBOL -> isPrivateSymbol(addr) ? NodeType.HIDDEN : NodeType.SYMBOL;
            case BIGINT -> NodeType.BIGINT;
            case HEAP_NUMBER -> NodeType.NUMBER;
            case CODE, SFI, SCRIPT -> NodeType.CODE;
            case NATIVE_CONTEXT, ODDBALL -> NodeType.HIDDEN;
            default -> types.systemType(instanceType, pages.space(addr - tag) == readOnlySpace);
        };
    }

    @Override
    public String name(long addr, long map, int instanceType, int size) {
        try {
            return switch (types.rule(instanceType)) {
                case JS_FUNCTION -> heap.functions().sfiName(field(addr, md.jsFunctionSharedOffset()));
                case JS_BOUND_FUNCTION -> "native_bind";
                case JS_REGEXP -> stringName(field(addr, md.get(V8Fact.JS_REGEXP_SOURCE_OFFSET)));
                case JS_GLOBAL_PROXY, JS_GLOBAL_OBJECT -> heap.globalObjectName(addr).or(() -> heap.constructorName(map)).orElse("Object");
                case JS_OBJECT, JS_ARRAY_BUFFER, JS_MAP_OR_SET, JS_WEAK_COLLECTION, JS_PROMISE,
                     JS_GENERATOR, JS_WEAK_REF, JS_VIEW -> heap.snapshotConstructorName(addr).orElse("Object");
                case CONS_STRING -> "(concatenated string)";
                case SLICED_STRING -> "(sliced string)";
                case SEQ_STRING, THIN_STRING -> heap.strings().readString(addr, STRING_NAME_LIMIT).text();
                case SYMBOL -> isPrivateSymbol(addr) ? "private symbol" : "symbol";
                case BIGINT -> "bigint";
                case HEAP_NUMBER -> "heap number";
                case CODE -> "";
                case SFI -> heap.functions().sfiName(addr);
                case SCRIPT -> heap.functions().scriptName(addr).orElse("");
                case NATIVE_CONTEXT -> "system / NativeContext";
                case CONTEXT -> "system / Context";
                case ODDBALL -> types.major() >= 13 ? stringName(field(addr, md.get(V8Fact.ODDBALL_TO_STRING_OFFSET))) : types.systemName(instanceType);
                case MAP -> types.mapName(mem.readUnsignedShort(addr - tag + oType));
                default -> types.systemName(instanceType);
            };
        } catch (MemoryFault | HeapException e) {
            return types.systemName(instanceType);
        }
    }

    private String stringName(long s) {
        return heap.isHeapObject(s) && heap.isStringType(heap.typeOf(s)) ? heap.strings().readString(s, STRING_NAME_LIMIT).text() : "";
    }

    /** Symbol::is_private as the snapshot sees it (private names included; see V8Fact.SYMBOL_FLAGS_PRIVATE_MASK). */
    private boolean isPrivateSymbol(long sym) {
        try {
            return (mem.readInt(sym - tag + md.get(V8Fact.SYMBOL_FLAGS_OFFSET)) & md.get(V8Fact.SYMBOL_FLAGS_PRIVATE_MASK)) != 0;
        } catch (MemoryFault e) {
            return false;
        }
    }

    @Override
    public long selfSize(long addr, long map, int instanceType, int size) {
        return size; // AddEntry takes HeapObject::Size() for every heap object
    }

    /**
     * The name V8 gives an unnamed array ("" node name: FixedArray, FixedDoubleArray, ByteArray)
     * after the first reference of this kind and name to it (V8HeapExplorer::TagObject), or null:
     * a graph builder can apply it to nodes named "" to name "(object elements)",
     * "(object properties)", ... as V8's snapshot does.
     */
    /** V8HeapExplorer's name for a builtin's Code object, given the builtin root's name; null for other roots. */
    public String rootTag(String category, String rootName) {
        if (!GcRoots.BUILTINS.equals(category) || rootName == null) return null;
        return types.builtinCodeName(rootName);
    }

    /** The tagger of the heap graph: {@link #arrayTag} for references, {@link #rootTag} for roots. */
    public HeapGraphBuilder.Tagger tagger() {
        return new HeapGraphBuilder.Tagger() {
            @Override
            public String tag(EdgeType type, String edgeName) {
                return arrayTag(type, edgeName);
            }

            @Override
            public String rootTag(String category, String rootName) {
                return V8ObjectModel.this.rootTag(category, rootName);
            }
        };
    }

    public static String arrayTag(EdgeType type, String edgeName) {
        if (type != EdgeType.INTERNAL || edgeName == null) return null;
        return switch (edgeName) {
            case "elements" -> "(object elements)";
            case "properties" -> "(object properties)";
            case "bindings" -> "(bound arguments)";
            case "line_ends" -> "(script line ends)";
            case "transition" -> "(transition)";
            case "constant_elements" -> "(constant elements)";
            default -> null;
        };
    }

    // ================================================================ edges

    /** Per-thread state: visited slots of the object being read, and a map word -> instance type cache. */
    private static final class Scratch {
        long[] visited = new long[64];
        int scanWords;
        long[] mapKeys = new long[1 << 12];
        int[] mapVals = new int[1 << 12];
        int mapUsed;
        int hiddenIndex;
        /** The last map's layout: neighbouring objects mostly share a map, so most lookups skip the shared cache. */
        long lastMap;
        Layout lastLayout;
    }

    @Override
    public void edges(long addr, long map, int instanceType, int size, EdgeVisitor out) {
        Scratch s = scratch.get();
        Rule rule = types.rule(instanceType);
        if (rule == Rule.NOT_A_NODE || size <= 0) return;
        // The words the hidden pass looks at: the whole object, except where its body is raw data
        // or where the typed pass names every slot (arrays of any size are not read twice).
        int scanEnd = switch (rule) {
            case SEQ_STRING, HEAP_NUMBER, BIGINT, DATA -> 0;
            case FIXED_ARRAY, EPHEMERON_TABLE, WEAK_ARRAY -> faHdr;
            case WEAK_ARRAY_LIST -> md.get(V8Fact.WEAK_ARRAY_LIST_HEADER);
            case DESCRIPTOR_ARRAY -> md.descriptorArrayHeaderSize();
            case BYTECODE_ARRAY -> md.get(V8Fact.BYTECODE_ARRAY_HEADER);
            default -> size;
        };
        SnapshotTypes.RawLayout raw = types.rawLayout(instanceType);
        scanEnd = Math.min(Math.min(scanEnd, size), raw.from());
        s.scanWords = Math.max(0, scanEnd / ptr);
        int words = (s.scanWords + 63) >>> 6;
        if (s.visited.length < words) s.visited = new long[Math.max(words, s.visited.length * 2)];
        java.util.Arrays.fill(s.visited, 0, words, 0L);
        // raw fields are never references (V8's body descriptors skip them): the hidden pass must not read them as any
        if (words > 0) s.visited[0] |= raw.words();
        s.hiddenIndex = 0;
        try {
            typed(s, rule, addr, map, instanceType, size, out);
        } catch (MemoryFault | HeapException | ArithmeticException | IndexOutOfBoundsException e) {
            // a corrupt object: what was read stands
        }
        try {
            internal(s, out, "map", addr, 0);
        } catch (MemoryFault | HeapException e) {
            // no map reference
        }
        try {
            hidden(s, addr, scanEnd, out);
        } catch (MemoryFault | HeapException e) {
            // what was read stands
        }
    }

    private void typed(Scratch s, Rule rule, long addr, long map, int type, int size, EdgeVisitor out) {
        switch (rule) {
            case JS_GLOBAL_PROXY, JS_ARRAY_BUFFER -> {
                // V8 gives these their own extractor only (native_context; the backing store, a native node)
            }
            case JS_OBJECT, JS_FUNCTION, JS_BOUND_FUNCTION, JS_REGEXP, JS_GLOBAL_OBJECT, JS_VIEW -> jsObject(s, rule, addr, map, type, size, out);
            case JS_MAP_OR_SET -> {
                internal(s, out, "table", addr, md.get(V8Fact.JS_COLLECTION_TABLE_OFFSET));
                jsObject(s, rule, addr, map, type, size, out);
            }
            case JS_WEAK_COLLECTION -> {
                internal(s, out, "table", addr, md.get(V8Fact.JS_WEAK_COLLECTION_TABLE_OFFSET));
                jsObject(s, rule, addr, map, type, size, out);
            }
            case JS_PROMISE -> {
                internal(s, out, "reactions_or_result", addr, md.get(V8Fact.JS_PROMISE_REACTIONS_OR_RESULT_OFFSET));
                jsObject(s, rule, addr, map, type, size, out);
            }
            case JS_GENERATOR -> {
                internal(s, out, "function", addr, md.get(V8Fact.JS_GENERATOR_FUNCTION_OFFSET));
                internal(s, out, "context", addr, md.get(V8Fact.JS_GENERATOR_CONTEXT_OFFSET));
                internal(s, out, "receiver", addr, md.get(V8Fact.JS_GENERATOR_RECEIVER_OFFSET));
                jsObject(s, rule, addr, map, type, size, out);
            }
            case JS_WEAK_REF -> {
                weak(s, out, "target", addr, md.get(V8Fact.JS_WEAK_REF_TARGET_OFFSET));
                jsObject(s, rule, addr, map, type, size, out);
            }
            case CONS_STRING -> {
                internal(s, out, "first", addr, md.consStringFirstOffset());
                internal(s, out, "second", addr, md.consStringSecondOffset());
            }
            case SLICED_STRING -> internal(s, out, "parent", addr, md.slicedStringParentOffset());
            case THIN_STRING -> internal(s, out, "actual", addr, md.thinStringActualOffset());
            case SYMBOL -> internal(s, out, "name", addr, md.symbolNameOffset());
            case MAP -> mapEdges(s, addr, out);
            case SFI -> {
                internal(s, out, "name_or_scope_info", addr, md.sfiNameOrScopeInfoOffset());
                internal(s, out, "script", addr, md.sfiScriptOffset());
                internal(s, out, "function_data", addr, md.get(V8Fact.SFI_UNTRUSTED_FUNCTION_DATA_OFFSET));
                internal(s, out, "raw_outer_scope_info_or_feedback_metadata", addr, opt(V8Fact.SFI_OUTER_SCOPE_INFO_OR_FEEDBACK_METADATA_OFFSET));
            }
            case SCRIPT -> {
                internal(s, out, "source", addr, md.scriptSourceOffset());
                internal(s, out, "name", addr, md.scriptNameOffset());
                internal(s, out, "line_ends", addr, md.scriptLineEndsOffset());
            }
            case ACCESSOR_PAIR -> {
                internal(s, out, "getter", addr, md.get(V8Fact.ACCESSOR_PAIR_GETTER_OFFSET));
                internal(s, out, "setter", addr, md.get(V8Fact.ACCESSOR_PAIR_SETTER_OFFSET));
            }
            case CELL -> internal(s, out, "value", addr, opt(V8Fact.CELL_VALUE_OFFSET));
            case FEEDBACK_CELL -> internal(s, out, "value", addr, opt(V8Fact.FEEDBACK_CELL_VALUE_OFFSET));
            case PROPERTY_CELL -> internal(s, out, "value", addr, md.get(V8Fact.PROPERTY_CELL_VALUE_OFFSET));
            case ALLOCATION_SITE -> {
                internal(s, out, "transition_info", addr, md.get(V8Fact.ALLOCATION_SITE_BOILERPLATE_OFFSET));
                internal(s, out, "nested_site", addr, opt(V8Fact.ALLOCATION_SITE_NESTED_SITE_OFFSET));
                internal(s, out, "dependent_code", addr, opt(V8Fact.ALLOCATION_SITE_DEPENDENT_CODE_OFFSET));
            }
            case WEAK_CELL -> {
                weak(s, out, "target", addr, md.get(V8Fact.WEAK_CELL_TARGET_OFFSET));
                weak(s, out, "unregister_token", addr, md.get(V8Fact.WEAK_CELL_UNREGISTER_TOKEN_OFFSET));
            }
            case CONTEXT, NATIVE_CONTEXT -> contextEdges(s, rule, addr, size, out);
            case FIXED_ARRAY -> slotsByIndex(s, addr, faHdr, arrayLength(addr, size, faHdr), 0, out);
            case WEAK_ARRAY -> slotsByIndex(s, addr, faHdr, arrayLength(addr, size, faHdr), 0, out);
            case WEAK_ARRAY_LIST -> {
                int hdr = md.get(V8Fact.WEAK_ARRAY_LIST_HEADER);
                long len = smi(field(addr, hdr - ptr)); // {capacity, length} precede the elements
                slotsByIndex(s, addr, hdr, (int) Math.max(0, Math.min(len, (size - hdr) / ptr)), 0, out);
            }
            case DESCRIPTOR_ARRAY -> {
                int hdr = md.descriptorArrayHeaderSize();
                slotsByIndex(s, addr, hdr, Math.max(0, (size - hdr) / ptr), 0, out);
            }
            case EPHEMERON_TABLE -> ephemerons(addr, size, out);
            default -> {
                // the hidden pass reads the rest
            }
        }
    }

    // ---- JS objects (ExtractJSObjectReferences)

    private void jsObject(Scratch s, Rule rule, long addr, long map, int type, int size, EdgeVisitor out) {
        try {
            properties(s, addr, map, type, out);
        } catch (MemoryFault | HeapException | IndexOutOfBoundsException e) {
            // the elements and fields are still read
        }
        try {
            elements(s, addr, type, out);
        } catch (MemoryFault | HeapException e) {
            // the fields are still read
        }
        if (type == tApiObject || type == tSpecialApi) embedderFields(s, addr, map, size, out);
        // __proto__: the map's prototype, a property reference (null included)
        long proto = mem.readLong(map - tag + oProto);
        property(s, out, "__proto__", proto, -1);
        switch (rule) {
            case JS_BOUND_FUNCTION -> {
                int oArgs = md.get(V8Fact.JS_BOUND_FUNCTION_ARGUMENTS_OFFSET);
                internal(s, out, "bindings", addr, oArgs);
                internal(s, out, "bound_this", addr, md.get(V8Fact.JS_BOUND_FUNCTION_THIS_OFFSET));
                internal(s, out, "bound_function", addr, md.get(V8Fact.JS_BOUND_FUNCTION_TARGET_OFFSET));
                long args = field(addr, oArgs);
                if (validObject(s, args) >= 0) {
                    long n = smi(field(args, faLen));
                    for (int i = 0; i < n && i < MAX_DESCRIPTORS; i++) {
                        long v = field(args, faHdr + i * ptr);
                        if (validObject(s, v) >= 0) out.edge(EdgeType.SHORTCUT, "bound_argument_" + i, -1, v);
                    }
                }
            }
            case JS_FUNCTION -> {
                int oProtoOrMap = md.get(V8Fact.JS_FUNCTION_PROTOTYPE_OR_INITIAL_MAP_OFFSET);
                if (oProtoOrMap + ptr <= size) { // has a prototype slot
                    long pm = field(addr, oProtoOrMap);
                    int pt = validObject(s, pm);
                    if (pt >= 0 && pt != tHole && !isTheHole(s, pm, pt)) {
                        if (pt != tMap) {
                            property(s, out, "prototype", pm, oProtoOrMap);
                        } else {
                            property(s, out, "prototype", field(pm, oProto), -1);
                            internal(s, out, "initial_map", addr, oProtoOrMap);
                        }
                    }
                }
                internal(s, out, "feedback_cell", addr, md.jsFunctionFeedbackCellOffset());
                internal(s, out, "shared", addr, md.jsFunctionSharedOffset());
                internal(s, out, "context", addr, md.jsFunctionContextOffset());
                java.util.OptionalInt code = md.jsFunctionCodeOffset();
                if (code.isPresent()) internal(s, out, "code", addr, code.getAsInt());
            }
            case JS_GLOBAL_OBJECT -> {
                internal(s, out, "native_context", addr, opt(V8Fact.JS_GLOBAL_OBJECT_NATIVE_CONTEXT_OFFSET));
                internal(s, out, "global_proxy", addr, opt(V8Fact.JS_GLOBAL_OBJECT_GLOBAL_PROXY_OFFSET));
            }
            case JS_VIEW -> internal(s, out, "buffer", addr, md.get(V8Fact.JS_ARRAY_BUFFER_VIEW_BUFFER_OFFSET));
            default -> { }
        }
        internal(s, out, "properties", addr, oProps);
        internal(s, out, "elements", addr, oElems);
    }

    /** The per-map facts of a fast-mode map's own descriptors (null for dictionary maps). */
    private record Layout(boolean dictionary, String[] names, EdgeType[] edgeTypes, String[] getNames, String[] setNames,
                          byte[] kinds, int[] locations, long[] constants) {}

    private static final byte DATA_FIELD = 0, DATA_CONST = 1, ACCESSOR = 2, SKIP = 3;

    private Layout layout(long map) {
        Layout l = layouts.get(map);
        if (l != null) return l;
        l = computeLayout(map);
        if (layouts.size() > MAX_CACHE) layouts.clear();
        layouts.put(map, l);
        return l;
    }

    private Layout computeLayout(long map) {
        V8Heap.MapInfo mi = heap.mapInfo(map);
        if (((mi.bitField3() >>> dictShift) & 1) != 0) return new Layout(true, null, null, null, null, null, null, null);
        int nod = (mi.bitField3() & nodMask) >>> nodShift;
        long descs = field(map, oDescs);
        int n = 0;
        if (nod > 0 && heap.isHeapObject(descs)) {
            int dt = heap.typeOf(descs);
            if (dt == tDescArray || dt == tStrongDescArray) {
                int nDescs = mem.readShort(descs - tag + md.get(V8Fact.DESCRIPTOR_ARRAY_NUMBER_OF_DESCRIPTORS_OFFSET));
                n = Math.min(Math.min(nod, Math.max(0, nDescs)), MAX_DESCRIPTORS);
            }
        }
        String[] names = new String[n], getNames = new String[n], setNames = new String[n];
        EdgeType[] edgeTypes = new EdgeType[n];
        byte[] kinds = new byte[n];
        int[] locations = new int[n];
        long[] constants = new long[n];
        int header = md.descriptorArrayHeaderSize();
        int stride = md.propDescSize() * ptr;
        int inobj = mi.inobjectProperties();
        long doubleRep = md.get(V8Fact.PROP_REPRESENTATION_DOUBLE);
        for (int i = 0; i < n; i++) {
            int base = header + i * stride;
            long key = field(descs, base + md.propDescKey() * ptr);
            long dw = field(descs, base + md.propDescDetails() * ptr);
            kinds[i] = SKIP;
            if (!heap.isSmi(dw)) continue;
            long details = heap.smiValue(dw);
            names[i] = keyName(key);
            edgeTypes[i] = isEmptyStringKey(key) ? EdgeType.INTERNAL : EdgeType.PROPERTY;
            boolean accessor = (details & md.propKindMask()) == md.propKindAccessor();
            boolean field = ((details & md.propLocationMask()) >>> md.propLocationShift()) == md.propLocationField();
            if (accessor) {
                kinds[i] = ACCESSOR;
                getNames[i] = "get " + names[i];
                setNames[i] = "set " + names[i];
            } else {
                kinds[i] = field ? DATA_FIELD : DATA_CONST;
            }
            if (field) {
                long rep = (details & md.get(V8Fact.PROP_REPRESENTATION_MASK)) >>> md.get(V8Fact.PROP_REPRESENTATION_SHIFT);
                // V8 leaves out Smi and double fields unless numbers are captured (off by default).
                if (!accessor && rep == doubleRep) kinds[i] = SKIP;
                int index = (int) ((details & md.propIndexMask()) >>> md.propIndexShift());
                locations[i] = index < inobj ? (mi.instanceSizeWords() - (inobj - index)) * ptr : -(index - inobj) - 1;
            } else {
                constants[i] = field(descs, base + md.propDescValue() * ptr);
            }
        }
        return new Layout(false, names, edgeTypes, getNames, setNames, kinds, locations, constants);
    }

    private boolean isEmptyStringKey(long key) {
        try {
            return heap.isHeapObject(key) && heap.isStringType(heap.typeOf(key)) && heap.strings().stringLength(key) == 0;
        } catch (MemoryFault | HeapException e) {
            return false;
        }
    }

    /** A property key as V8's snapshot names it: the string (first 1024 characters), or "<symbol DESC>". */
    private String keyName(long key) {
        String c = keyNames.get(key);
        if (c != null) return c;
        String n;
        try {
            if (heap.isSmi(key)) {
                n = Long.toString(heap.smiValue(key));
            } else {
                int kt = heap.typeOf(key);
                if (heap.isStringType(kt)) {
                    n = heap.strings().readString(key, STRING_NAME_LIMIT).text();
                } else {
                    Optional<V8Strings.JsString> d = heap.strings().symbolDescription(key, STRING_NAME_LIMIT);
                    n = d.isPresent() ? "<symbol " + d.get().text() + ">" : "<symbol>";
                }
            }
        } catch (MemoryFault | HeapException e) {
            n = "";
        }
        if (keyNames.size() > MAX_CACHE) keyNames.clear();
        keyNames.put(key, n);
        return n;
    }

    private void properties(Scratch s, long addr, long map, int type, EdgeVisitor out) {
        Layout l;
        if (s.lastMap == map && s.lastLayout != null) {
            l = s.lastLayout;
        } else {
            l = layout(map);
            s.lastMap = map;
            s.lastLayout = l;
        }
        long props = field(addr, oProps);
        if (!l.dictionary) {
            int propLen = -1;
            for (int i = 0; i < l.names.length; i++) {
                byte k = l.kinds[i];
                if (k == SKIP) continue;
                long value;
                int offset = -1;
                int loc = l.locations[i];
                if (k == DATA_CONST || (k == ACCESSOR && l.constants[i] != 0)) {
                    value = l.constants[i];
                } else if (loc >= 0) {
                    value = field(addr, loc);
                    offset = loc;
                } else {
                    if (propLen < 0) propLen = propertyArrayLength(props);
                    int j = -loc - 1;
                    if (j >= propLen) continue;
                    value = field(props, faHdr + j * ptr);
                }
                if (k == ACCESSOR) accessor(s, out, l.names[i], l.getNames[i], l.setNames[i], value, offset);
                else named(s, out, l.edgeTypes[i], l.names[i], value, offset);
            }
            return;
        }
        if (!heap.isHeapObject(props)) return;
        int pt = heap.typeOf(props);
        int storageless = md.propKindMask();
        if (pt == tNameDict) {
            int start = md.get(V8Fact.NAME_DICTIONARY_PREFIX_START_INDEX) + md.get(V8Fact.NAME_DICTIONARY_PREFIX_SIZE);
            int es = md.get(V8Fact.NAME_DICTIONARY_ENTRY_SIZE);
            long cap = dictCapacity(props, start, es);
            for (long i = 0; i < cap; i++) {
                long at = props - tag + faHdr + (start + i * es) * ptr;
                long key = mem.readLong(at);
                if (!isKey(s, key)) continue;
                long value = mem.readLong(at + ptr);
                long dw = mem.readLong(at + 2L * ptr);
                long details = heap.isSmi(dw) ? heap.smiValue(dw) : 0;
                String name = keyName(key);
                if ((details & storageless) == md.propKindAccessor()) accessor(s, out, name, "get " + name, "set " + name, value, -1);
                else named(s, out, isEmptyStringKey(key) ? EdgeType.INTERNAL : EdgeType.PROPERTY, name, value, -1);
            }
        } else if (pt == tGlobalDict) {
            int start = md.get(V8Fact.NAME_DICTIONARY_PREFIX_START_INDEX) + md.get(V8Fact.GLOBAL_DICTIONARY_PREFIX_SIZE);
            long cap = dictCapacity(props, start, 1);
            int oName = md.get(V8Fact.PROPERTY_CELL_NAME_OFFSET), oValue = md.get(V8Fact.PROPERTY_CELL_VALUE_OFFSET),
                    oDetails = md.get(V8Fact.PROPERTY_CELL_DETAILS_OFFSET);
            for (long i = 0; i < cap; i++) {
                long cell = mem.readLong(props - tag + faHdr + (start + i) * ptr);
                if (validObject(s, cell) != tPropertyCell) continue;
                long key = field(cell, oName);
                if (!isKey(s, key)) continue;
                long value = field(cell, oValue);
                long dw = field(cell, oDetails);
                long details = heap.isSmi(dw) ? heap.smiValue(dw) : 0;
                String name = keyName(key);
                if ((details & storageless) == md.propKindAccessor()) accessor(s, out, name, "get " + name, "set " + name, value, -1);
                else named(s, out, isEmptyStringKey(key) ? EdgeType.INTERNAL : EdgeType.PROPERTY, name, value, -1);
            }
        }
    }

    /** A dictionary's capacity, checked against its length; 0 when they disagree. */
    private long dictCapacity(long dict, int start, int entrySize) {
        long len = smi(field(dict, faLen));
        long cap = smi(field(dict, faHdr + md.get(V8Fact.HASH_TABLE_CAPACITY_INDEX) * ptr));
        if (cap < 0 || len < 0 || start + cap * entrySize > len || cap > MAX_ENTRIES) return 0;
        return cap;
    }

    /** A dictionary key slot that holds a key: not a Smi, not undefined or the hole (empty, deleted). */
    private boolean isKey(Scratch s, long key) {
        int kt = validObject(s, key);
        return kt >= 0 && kt != tOddball && kt != tHole && !isTheHole(s, key, kt);
    }

    private int propertyArrayLength(long props) {
        if (!heap.isHeapObject(props)) return 0;
        int pt = heap.typeOf(props);
        if (pt == tPropertyArray) return (int) (smi(field(props, faLen)) & md.get(V8Fact.PROPERTY_ARRAY_LENGTH_MASK));
        if (pt == tFixedArray) return (int) Math.max(0, smi(field(props, faLen)));
        return 0;
    }

    /** ExtractAccessorPairProperty: the pair under the key, then its getter and setter unless oddballs. */
    private void accessor(Scratch s, EdgeVisitor out, String name, String getName, String setName, long pair, int offset) {
        if (validObject(s, pair) != tAccessorPair) return; // an AccessorInfo (native accessor) gets no reference
        named(s, out, EdgeType.PROPERTY, name, pair, offset);
        long g = field(pair, md.get(V8Fact.ACCESSOR_PAIR_GETTER_OFFSET));
        int gt = validObject(s, g);
        if (gt >= 0 && gt != tOddball) out.edge(EdgeType.PROPERTY, getName, -1, g);
        long st = field(pair, md.get(V8Fact.ACCESSOR_PAIR_SETTER_OFFSET));
        int stt = validObject(s, st);
        if (stt >= 0 && stt != tOddball) out.edge(EdgeType.PROPERTY, setName, -1, st);
    }

    private void elements(Scratch s, long addr, int type, EdgeVisitor out) {
        long store = field(addr, oElems);
        int st = validObject(s, store);
        if (st < 0) return;
        if (st == tFixedArray) {
            long len = Math.max(0, smi(field(store, faLen)));
            len = Math.min(len, MAX_ENTRIES);
            if (type == tJsArray) {
                long lw = field(addr, md.jsArrayLengthOffset());
                if (heap.isSmi(lw)) len = Math.min(len, Math.max(0, heap.smiValue(lw)));
            }
            long base = store - tag + faHdr;
            for (long i = 0; i < len; i++) {
                long v = mem.readLong(base + i * ptr);
                int vt = validObject(s, v);
                if (vt < 0 || isTheHole(s, v, vt)) continue;
                out.edge(EdgeType.ELEMENT, null, (int) i, v);
            }
        } else if (st == tNumberDict) {
            int start = md.get(V8Fact.NAME_DICTIONARY_PREFIX_START_INDEX) + md.get(V8Fact.NUMBER_DICTIONARY_PREFIX_SIZE);
            int es = md.get(V8Fact.NUMBER_DICTIONARY_ENTRY_SIZE);
            long cap = dictCapacity(store, start, es);
            for (long i = 0; i < cap; i++) {
                long at = store - tag + faHdr + (start + i * es) * ptr;
                long key = mem.readLong(at);
                double index;
                if (heap.isSmi(key)) index = heap.smiValue(key);
                else if (validObject(s, key) == tHeapNumber) index = mem.readDouble(key - tag + md.heapNumberValueOffset());
                else continue; // undefined (empty) or the hole (deleted)
                long v = mem.readLong(at + ptr);
                if (validObject(s, v) < 0) continue;
                out.edge(EdgeType.ELEMENT, null, (int) (long) index, v);
            }
        }
    }

    /** API objects' embedder fields (ExtractInternalReferences): the slots between the JSObject header and the in-object properties. */
    private void embedderFields(Scratch s, long addr, long map, int size, EdgeVisitor out) {
        V8Heap.MapInfo mi = heap.mapInfo(map);
        int first = md.jsObjectHeaderSize();
        int end = mi.inobjectStart() * ptr;
        for (int off = first, i = 0; off < end && off < size; off += ptr, i++) internal(s, out, IndexNames.of(i), addr, off);
    }

    // ---- maps (ExtractMapReferences)

    private void mapEdges(Scratch s, long addr, EdgeVisitor out) {
        int oTrans = opt(V8Fact.MAP_RAW_TRANSITIONS_OFFSET);
        if (oTrans >= 0) {
            long w = field(addr, oTrans);
            if ((w & 3) == 3 && w != 3) {
                weak(s, out, "transition", addr, oTrans);
            } else {
                int tt = validObject(s, w);
                if (tt == tTransitionArray) internal(s, out, "transitions", addr, oTrans);
                else if (tt == tFixedArray) internal(s, out, "transition", addr, oTrans);
                else if (tt >= 0 && ((mem.readInt(addr - tag + oBf3) >>> protoShift) & 1) != 0) internal(s, out, "prototype_info", addr, oTrans);
            }
        }
        internal(s, out, "descriptors", addr, oDescs);
        internal(s, out, "prototype", addr, oProto);
        int described = mem.readUnsignedShort(addr - tag + oType);
        if (described >= md.firstContextType() && described <= md.lastContextType()) {
            internal(s, out, "native_context", addr, oCtor);
        } else {
            long c = field(addr, oCtor);
            int ct = validObject(s, c);
            if (ct == tMap) internal(s, out, "back_pointer", addr, oCtor);
            else if (ct == tFunctionTemplateInfo) internal(s, out, "constructor_function_data", addr, oCtor);
            else internal(s, out, "constructor", addr, oCtor);
        }
        internal(s, out, "dependent_code", addr, opt(V8Fact.MAP_DEPENDENT_CODE_OFFSET));
    }

    // ---- contexts (ExtractContextReferences)

    /** A ScopeInfo's context variables: names and context slots. */
    private record ScopeNames(String[] names, int[] slots) {}

    private static final ScopeNames NO_NAMES = new ScopeNames(new String[0], new int[0]);

    private void contextEdges(Scratch s, Rule rule, long addr, int size, EdgeVisitor out) {
        int siIndex = md.contextScopeInfoIndex();
        if (rule == Rule.CONTEXT) {
            long si = field(addr, ctxHdr + siIndex * ptr);
            if (validObject(s, si) == tScopeInfo) {
                ScopeNames sn = scopes.get(si);
                if (sn == null) {
                    sn = scopeNames(addr);
                    if (scopes.size() > MAX_CACHE) scopes.clear();
                    scopes.put(si, sn);
                }
                for (int i = 0; i < sn.names.length; i++) {
                    int off = ctxHdr + sn.slots[i] * ptr;
                    if (off + ptr > size) continue;
                    named(s, out, EdgeType.CONTEXT, sn.names[i], field(addr, off), off);
                }
            }
        }
        internal(s, out, "scope_info", addr, ctxHdr + siIndex * ptr);
        internal(s, out, "previous", addr, ctxHdr + md.contextPreviousIndex() * ptr);
    }

    private ScopeNames scopeNames(long ctx) {
        try {
            List<V8Functions.ContextVariable> vars = heap.functions().contextVariables(ctx, 1 << 16);
            int n = 0;
            for (V8Functions.ContextVariable v : vars) if (v.name() != null) n++;
            String[] names = new String[n];
            int[] slots = new int[n];
            int i = 0;
            for (V8Functions.ContextVariable v : vars) {
                if (v.name() == null) continue;
                names[i] = v.name();
                slots[i++] = v.slot();
            }
            return new ScopeNames(names, slots);
        } catch (MemoryFault | HeapException e) {
            return NO_NAMES;
        }
    }

    // ---- arrays

    private int arrayLength(long addr, int size, int hdr) {
        long len = smi(field(addr, faLen));
        return (int) Math.max(0, Math.min(len, (size - hdr) / ptr));
    }

    /** Slots named by index (ExtractFixedArrayReferences, ExtractWeakArrayReferences): weak-tagged ones WEAK. */
    private void slotsByIndex(Scratch s, long addr, int hdr, int n, int firstIndex, EdgeVisitor out) {
        long base = addr - tag + hdr;
        for (int i = 0; i < n; i++) {
            long w = mem.readLong(base + (long) i * ptr);
            if ((w & 3) == 3) {
                long strong = w - 2;
                if (w != 3 && essential(s, strong)) out.edge(EdgeType.WEAK, IndexNames.of(firstIndex + i), -1, strong);
            } else if (essential(s, w)) {
                out.edge(EdgeType.INTERNAL, IndexNames.of(firstIndex + i), -1, w);
            }
        }
    }

    /** ExtractEphemeronHashTableReferences: every key and value slot WEAK, named by its index in the table. */
    private void ephemerons(long addr, int size, EdgeVisitor out) {
        Scratch s = scratch.get();
        int start = md.get(V8Fact.NAME_DICTIONARY_PREFIX_START_INDEX);
        long len = arrayLength(addr, size, faHdr);
        long cap = smi(field(addr, faHdr + md.get(V8Fact.HASH_TABLE_CAPACITY_INDEX) * ptr));
        if (cap < 0 || start + cap * 2 > len) return;
        for (long e = 0; e < cap; e++) {
            int k = (int) (start + e * 2);
            long key = field(addr, faHdr + k * ptr);
            if (essential(s, key)) out.edge(EdgeType.WEAK, IndexNames.of(k), -1, key);
            long value = field(addr, faHdr + (k + 1) * ptr);
            if (essential(s, value)) out.edge(EdgeType.WEAK, IndexNames.of(k + 1), -1, value);
        }
    }

    // ---- the rest: hidden references (IndexedReferencesExtractor)

    private void hidden(Scratch s, long addr, int scanEnd, EdgeVisitor out) {
        long base = addr - tag;
        for (int off = ptr; off + ptr <= scanEnd; off += ptr) {
            int w = off / ptr;
            if ((s.visited[w >>> 6] & (1L << w)) != 0) continue;
            long v = mem.readLong(base + off);
            if ((v & 3) == 3) {
                long strong = v - 2;
                if (v != 3 && essential(s, strong)) {
                    if (hiddenWeakIsStrong) out.edge(EdgeType.HIDDEN, null, s.hiddenIndex, strong);
                    else out.edge(EdgeType.WEAK, IndexNames.of(s.hiddenIndex), -1, strong);
                }
                s.hiddenIndex++;
            } else if ((v & 3) == 1) {
                if (essential(s, v)) out.edge(EdgeType.HIDDEN, null, s.hiddenIndex, v);
                s.hiddenIndex++;
            }
        }
    }

    // ---- reference helpers (SetInternalReference, SetWeakReference, SetPropertyReference, ...)

    private void mark(Scratch s, int offset) {
        if (offset < 0 || offset % ptr != 0) return;
        int w = offset / ptr;
        if (w < s.scanWords) s.visited[w >>> 6] |= 1L << w;
    }

    /** A named internal reference from the field at offset, if its target is essential. A negative offset: no such field in this version. */
    private void internal(Scratch s, EdgeVisitor out, String name, long addr, int offset) {
        if (offset < 0) return;
        long v = field(addr, offset);
        if (!essential(s, v)) return;
        out.edge(EdgeType.INTERNAL, name, -1, v);
        mark(s, offset);
    }

    private void weak(Scratch s, EdgeVisitor out, String name, long addr, int offset) {
        if (offset < 0) return;
        long v = field(addr, offset);
        if ((v & 3) == 3 && v != 3) v -= 2; // a weak-tagged word
        mark(s, offset); // V8 marks the slot visited even for a non-essential target: never a hidden strong reference
        if (!essential(s, v)) return;
        out.edge(EdgeType.WEAK, name, -1, v);
    }

    /** A property reference: any heap object (oddballs too), never a Smi. */
    private void property(Scratch s, EdgeVisitor out, String name, long value, int offset) {
        named(s, out, EdgeType.PROPERTY, name, value, offset);
    }

    private void named(Scratch s, EdgeVisitor out, EdgeType type, String name, long value, int offset) {
        if (validObject(s, value) < 0) return;
        out.edge(type, name, -1, value);
        mark(s, offset);
    }

    /**
     * V8HeapExplorer::IsEssentialObject: a valid heap object that is not an oddball, the hole,
     * an empty FixedArray / ByteArray / WeakFixedArray / DescriptorArray (the canonical empty
     * ones), or the FixedArray, Cell, PropertyCell, SharedFunctionInfo, FreeSpace or filler map.
     */
    private boolean essential(Scratch s, long v) {
        int type = validObject(s, v);
        if (type < 0 || type == tOddball || type == tHole) return false;
        if (type == tFixedArray || type == tByteArray || type == tWeakFixedArray) return smiOr(field(v, faLen), 1) != 0;
        if (type == tDescArray || type == tStrongDescArray) {
            return mem.readShort(v - tag + md.get(V8Fact.DESCRIPTOR_ARRAY_NUMBER_OF_DESCRIPTORS_OFFSET)) != 0;
        }
        if (type == tMap) {
            int d = mem.readUnsignedShort(v - tag + oType);
            return d != tFixedArray && d != tCell && d != tPropertyCell && d != tSfi && d != tFreeSpace && d != tFiller;
        }
        return true;
    }

    private boolean isTheHole(Scratch s, long v, int type) {
        if (type == tHole) return true;
        if (type != tOddball) return false;
        try {
            long w = field(v, md.oddballKindOffset());
            long k = heap.isSmi(w) ? heap.smiValue(w) : (w & 0xffffffffL);
            return k == md.constant("OddballTheHole").orElse(-100);
        } catch (MemoryFault e) {
            return false;
        }
    }

    /**
     * The instance type of the heap object v points to, or -1 when v is not a pointer into a heap
     * page at an object whose map is a Map (a Smi, a raw word, a stale or unreadable pointer).
     */
    private int validObject(Scratch s, long v) {
        if ((v & 3) != 1) return -1;
        if (pages.space(v - tag) == PageIndex.NONE) return -1;
        long mapWord;
        try {
            mapWord = mem.readLong(v - tag + oMap);
        } catch (MemoryFault e) {
            return -1;
        }
        return mapType(s, mapWord);
    }

    /** The instance type a map word describes, or -1 if it is not a map; cached per thread. */
    private int mapType(Scratch s, long mapWord) {
        if ((mapWord & 3) != 1) return -1;
        int mask = s.mapKeys.length - 1;
        int i = (int) ((mapWord * 0x9E3779B97F4A7C15L) >>> 32) & mask;
        while (true) {
            long k = s.mapKeys[i];
            if (k == mapWord) return s.mapVals[i];
            if (k == 0) break;
            i = (i + 1) & mask;
        }
        int v;
        try {
            long meta = mem.readLong(mapWord - tag + oMap);
            v = (meta & 3) == 1 && mem.readUnsignedShort(meta - tag + oType) == tMap ? mem.readUnsignedShort(mapWord - tag + oType) : -1;
        } catch (MemoryFault e) {
            v = -1;
        }
        if ((s.mapUsed + 1) * 2 > s.mapKeys.length) {
            if (s.mapKeys.length >= (1 << 22)) return v; // full: answer without caching
            long[] ok = s.mapKeys;
            int[] ov = s.mapVals;
            s.mapKeys = new long[ok.length * 2];
            s.mapVals = new int[ok.length * 2];
            s.mapUsed = 0;
            for (int j = 0; j < ok.length; j++) if (ok[j] != 0) putMap(s, ok[j], ov[j]);
        }
        putMap(s, mapWord, v);
        return v;
    }

    private static void putMap(Scratch s, long k, int v) {
        int mask = s.mapKeys.length - 1;
        int i = (int) ((k * 0x9E3779B97F4A7C15L) >>> 32) & mask;
        while (s.mapKeys[i] != 0) i = (i + 1) & mask;
        s.mapKeys[i] = k;
        s.mapVals[i] = v;
        s.mapUsed++;
    }

    private long field(long obj, int off) {
        return mem.readLong(obj - tag + off);
    }

    private long smi(long w) {
        if (!heap.isSmi(w)) throw new HeapException(w, String.format("0x%x is not a Smi", w));
        return heap.smiValue(w);
    }

    private long smiOr(long w, long dflt) {
        return heap.isSmi(w) ? heap.smiValue(w) : dflt;
    }
}
