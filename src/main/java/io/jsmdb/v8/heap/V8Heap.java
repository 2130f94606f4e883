package io.jsmdb.v8.heap;

import io.jsmdb.core.AddressSpace;
import io.jsmdb.core.MemoryFault;
import io.jsmdb.v8.V8Fact;
import io.jsmdb.v8.V8Metadata;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * V8's heap objects, read through the metadata. This class holds the object basics: what a
 * tagged word is (Smi, heap object, weak), fields, maps and their per-map facts, instance
 * types and the {@link JsKind} of a value, holes and oddballs, numbers and BigInts, plain
 * FixedArrays, and constructor names (as V8's heap snapshot names objects). The rest is read
 * by four families, each reached from here and sharing this heap's per-map caches:
 * {@link #strings()} (strings of every representation, symbols), {@link #properties()} (own
 * properties in fast and dictionary mode, accessors, elements of every kind),
 * {@link #functions()} (SharedFunctionInfos, Scripts and source positions, ScopeInfos and
 * context variables, bound functions, generators) and {@link #collections()} (Map, Set, weak
 * collections, Promise, ArrayBuffer and typed arrays, Date, RegExp, Proxy, Error, ...).
 *
 * <p>Addresses are tagged words as V8 stores them (heap objects carry tag 1). Reads of memory the
 * core lacks throw {@link MemoryFault}; data that cannot be right (a map that is not a map, an
 * absurd length) throws {@link HeapException}. Every loop over heap data is bounded.
 *
 * <p>Cheap to construct; thread-safe for reads. Per-map facts are cached in a concurrent map.
 */
public final class V8Heap {
    /** What users of this heap keep per heap (a core never changes): see attachment. */
    private final ConcurrentHashMap<Class<?>, Object> attachments = new ConcurrentHashMap<>();

    /**
     * The value kept with this heap under key, made by make on first use: caches a command layer
     * derives from the heap (constructor names per map, ...) live and die with the heap, not in
     * static maps.
     */
    public <T> T attachment(Class<T> key, java.util.function.Supplier<? extends T> make) {
        return key.cast(attachments.computeIfAbsent(key, k -> make.get()));
    }

    /** Most back pointers followed from a map to its constructor. */
    public static final int MAX_BACK_POINTERS = 4096;
    /** Most prototypes followed. */
    public static final int MAX_PROTOTYPE_CHAIN = 64;
    /** Most BigInt digits (64-bit words) decoded. */
    public static final int MAX_BIGINT_DIGITS = 1 << 14;

    private final AddressSpace mem;
    private final V8Metadata md;
    private final ConcurrentHashMap<Long, MapInfo> maps = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Optional<String>> ctorNames = new ConcurrentHashMap<>();

    // tagging (tag and ptr are read by the families)
    private final long tagMask, smiMask, smiTagValue;
    final long tag;
    private final int smiShift;
    final int ptr;
    /** FunctionTemplateInfo: the constructor of objects an API (C++) template made. */
    private final int tFunctionTemplateInfo;
    // map
    private final int oMap, oSizeWords, oInobjStart, oType, oBf2, oBf3, oProto, oCtor;
    final int oDescs; // read by V8Properties
    private final int nodMask, nodShift, dictShift, protoMapShift, newTargetIsBaseBit;
    // types (package-private: the families compare against them)
    final int firstNonString, tMap, tOddball, tHole, tHeapNumber, tBigInt, tSymbol, tFixedArray, tFixedDoubleArray,
            tPropertyArray, tNameDict, tGlobalDict, tNumberDict, tDescArray, tStrongDescArray, tScopeInfo, tSfi, tScript,
            tJsArray, tBound, tDate, tRegExp, tError, tJsMap, tJsSet, tWeakMap, tWeakSet, tPromise, tArrayBuffer, tTypedArray,
            tDataView, tRabDataView, tWrapper, tProxy, tArguments, tGenerator, tAsyncGenerator, tAsyncFunction, tGlobalObject,
            tGlobalProxy, tSpecialApi, tSloppyArgs, tFunctionFirst, tFunctionLast, tPropertyCell, tClassCtor, tAccessorPair,
            tAccessorInfo;
    final int[] tUncompiled;

    // the families (see their class comments); made last in the constructor: they read this heap's facts
    private final V8Strings strings;
    private final V8Properties properties;
    private final V8Functions functions;
    private final V8Collections collections;

    public V8Heap(AddressSpace mem, V8Metadata md) {
        this.mem = mem;
        this.md = md;
        tagMask = md.heapObjectTagMask();
        tag = md.heapObjectTag();
        smiMask = md.smiTagMask();
        smiTagValue = md.smiTag();
        smiShift = md.smiShift();
        ptr = md.taggedSize();
        oMap = md.mapOffset();
        oSizeWords = md.mapInstanceSizeInWordsOffset();
        oInobjStart = md.mapInObjectPropertiesStartOffset();
        oType = md.mapInstanceTypeOffset();
        oBf2 = md.mapBitField2Offset();
        oBf3 = md.mapBitField3Offset();
        oProto = md.mapPrototypeOffset();
        oCtor = md.mapConstructorOrBackPointerOffset();
        oDescs = md.mapInstanceDescriptorsOffset();
        nodMask = md.numberOfOwnDescriptorsMask();
        nodShift = md.numberOfOwnDescriptorsShift();
        dictShift = md.isDictionaryMapShift();
        protoMapShift = md.get(V8Fact.MAP_IS_PROTOTYPE_MAP_SHIFT);
        newTargetIsBaseBit = md.get(V8Fact.MAP_NEW_TARGET_IS_BASE_BIT);
        firstNonString = md.firstNonstringType();
        tMap = t("MAP_TYPE");
        tOddball = t("ODDBALL_TYPE");
        tHole = t("HOLE_TYPE");
        tHeapNumber = t("HEAP_NUMBER_TYPE");
        tBigInt = t("BIG_INT_BASE_TYPE");
        tSymbol = t("SYMBOL_TYPE");
        tFixedArray = t("FIXED_ARRAY_TYPE");
        tFixedDoubleArray = t("FIXED_DOUBLE_ARRAY_TYPE");
        tPropertyArray = t("PROPERTY_ARRAY_TYPE");
        tNameDict = t("NAME_DICTIONARY_TYPE");
        tGlobalDict = t("GLOBAL_DICTIONARY_TYPE");
        tNumberDict = t("NUMBER_DICTIONARY_TYPE");
        tDescArray = t("DESCRIPTOR_ARRAY_TYPE");
        tStrongDescArray = t("STRONG_DESCRIPTOR_ARRAY_TYPE");
        tScopeInfo = t("SCOPE_INFO_TYPE");
        tSfi = t("SHARED_FUNCTION_INFO_TYPE");
        tScript = t("SCRIPT_TYPE");
        tJsArray = t("JS_ARRAY_TYPE");
        tBound = t("JS_BOUND_FUNCTION_TYPE");
        tDate = t("JS_DATE_TYPE");
        tRegExp = t("JS_REG_EXP_TYPE");
        tError = t("JS_ERROR_TYPE");
        tJsMap = t("JS_MAP_TYPE");
        tJsSet = t("JS_SET_TYPE");
        tWeakMap = t("JS_WEAK_MAP_TYPE");
        tWeakSet = t("JS_WEAK_SET_TYPE");
        tPromise = t("JS_PROMISE_TYPE");
        tArrayBuffer = t("JS_ARRAY_BUFFER_TYPE");
        tTypedArray = t("JS_TYPED_ARRAY_TYPE");
        tDataView = t("JS_DATA_VIEW_TYPE");
        tRabDataView = t("JS_RAB_GSAB_DATA_VIEW_TYPE");
        tWrapper = t("JS_PRIMITIVE_WRAPPER_TYPE");
        tProxy = t("JS_PROXY_TYPE");
        tFunctionTemplateInfo = t("FUNCTION_TEMPLATE_INFO_TYPE");
        tArguments = t("JS_ARGUMENTS_OBJECT_TYPE");
        tGenerator = t("JS_GENERATOR_OBJECT_TYPE");
        tAsyncGenerator = t("JS_ASYNC_GENERATOR_OBJECT_TYPE");
        tAsyncFunction = t("JS_ASYNC_FUNCTION_OBJECT_TYPE");
        tGlobalObject = t("JS_GLOBAL_OBJECT_TYPE");
        tGlobalProxy = t("JS_GLOBAL_PROXY_TYPE");
        tSpecialApi = md.specialApiObjectType();
        tSloppyArgs = t("SLOPPY_ARGUMENTS_ELEMENTS_TYPE");
        tPropertyCell = t("PROPERTY_CELL_TYPE");
        tClassCtor = t("JS_CLASS_CONSTRUCTOR_TYPE");
        tAccessorPair = t("ACCESSOR_PAIR_TYPE");
        tAccessorInfo = t("ACCESSOR_INFO_TYPE");
        tFunctionFirst = md.firstJSFunctionType();
        tFunctionLast = md.lastJSFunctionType();
        tUncompiled = new int[] {t("UNCOMPILED_DATA_WITHOUT_PREPARSE_DATA_TYPE"), t("UNCOMPILED_DATA_WITH_PREPARSE_DATA_TYPE"),
                t("UNCOMPILED_DATA_WITHOUT_PREPARSE_DATA_WITH_JOB_TYPE"), t("UNCOMPILED_DATA_WITH_PREPARSE_DATA_AND_JOB_TYPE")};
        strings = new V8Strings(this);
        properties = new V8Properties(this);
        functions = new V8Functions(this);
        collections = new V8Collections(this);
    }

    private int t(String name) {
        OptionalInt v = md.instanceType(name);
        return v.isPresent() ? v.getAsInt() : -1;
    }

    public AddressSpace memory() { return mem; }
    public V8Metadata metadata() { return md; }

    /** Strings and symbols: text of every representation, lengths, symbol descriptions. */
    public V8Strings strings() { return strings; }

    /** Own properties (fast and dictionary mode), keys and accessors, and elements of every kind. */
    public V8Properties properties() { return properties; }

    /** Functions, SharedFunctionInfos, Scripts and source positions, ScopeInfos and context variables, bound functions, generators. */
    public V8Functions functions() { return functions; }

    /** Map/Set/WeakMap/WeakSet tables, Promise, ArrayBuffer and typed arrays, and the other builtins' slots (Date, RegExp, Proxy, Error, ...). */
    public V8Collections collections() { return collections; }

    // ================================================================ tagging

    public boolean isSmi(long tagged) { return (tagged & smiMask) == smiTagValue; }

    public long smiValue(long tagged) { return tagged >> smiShift; }

    /** Carries the strong heap-object tag (weak references, tag 3, do not). */
    public boolean isHeapObject(long tagged) { return (tagged & tagMask) == tag; }

    /** The untagged address of a heap object. */
    public long untag(long tagged) { return tagged - tag; }

    /** The tagged word of the field at byte offset off of heap object obj. */
    public long field(long obj, int off) { return mem.readLong(obj - tag + off); }

    private int u8(long obj, int off) { return mem.readUnsignedByte(obj - tag + off); }
    private int u16(long obj, int off) { return mem.readUnsignedShort(obj - tag + off); }
    int i16(long obj, int off) { return mem.readShort(obj - tag + off); }
    int i32(long obj, int off) { return mem.readInt(obj - tag + off); }

    /** A Smi field's value; HeapException if the word is not a Smi. */
    public long smiField(long obj, int off, String what) {
        long w = field(obj, off);
        if (!isSmi(w)) throw new HeapException(obj, String.format("%s of 0x%x is not a Smi (0x%x)", what, obj, w));
        return smiValue(w);
    }

    // ================================================================ maps and types

    /** Per-map facts, cached. */
    public record MapInfo(long map, int instanceType, int instanceSizeWords, int inobjectStart, int bitField2, int bitField3) {
        public int inobjectProperties() { return Math.max(0, instanceSizeWords - inobjectStart); }
    }

    /** The map word of a heap object; MemoryFault if unreadable. */
    public long mapOf(long obj) { return field(obj, oMap); }

    /** The instance type stored in a map (not validated). */
    public int instanceType(long map) {
        MapInfo mi = maps.get(map);
        return mi != null ? mi.instanceType : u16(map, oType);
    }

    /**
     * The map's facts, validated: the map is a heap object whose own map has MAP_TYPE.
     * HeapException otherwise.
     */
    public MapInfo mapInfo(long map) {
        MapInfo mi = maps.get(map);
        if (mi != null) return mi;
        if (!isHeapObject(map)) throw new HeapException(map, String.format("0x%x is not a heap object, so not a map", map));
        long mm = mapOf(map);
        if (!isHeapObject(mm) || u16(mm, oType) != tMap) {
            throw new HeapException(map, String.format("0x%x is not a map (its map 0x%x is not the meta map)", map, mm));
        }
        mi = new MapInfo(map, u16(map, oType), u8(map, oSizeWords), u8(map, oInobjStart), u8(map, oBf2), i32(map, oBf3));
        if (maps.size() > 1_000_000) maps.clear();
        maps.put(map, mi);
        return mi;
    }

    /** The validated map of a heap object. */
    public MapInfo mapInfoOf(long obj) {
        if (!isHeapObject(obj)) throw new HeapException(obj, String.format("0x%x is not a heap object", obj));
        return mapInfo(mapOf(obj));
    }

    /** The instance type of a heap object (map validated). */
    public int typeOf(long obj) { return mapInfoOf(obj).instanceType(); }

    /** True if map is a readable heap object whose map has MAP_TYPE. Never throws; cheap on words that are not maps. */
    public boolean isMap(long map) {
        try {
            if (maps.containsKey(map)) return true;
            if (!isHeapObject(map)) return false;
            long mm = mapOf(map);
            if (!isHeapObject(mm) || u16(mm, oType) != tMap) return false;
            mapInfo(map);
            return true;
        } catch (MemoryFault | HeapException e) {
            return false;
        }
    }

    /** The TYPE name of an instance type from the metadata (or the version's table); "type 0x.." if unknown. */
    public String typeName(int instanceType) {
        return md.instanceTypeName(instanceType).orElse(String.format("type 0x%x", instanceType));
    }

    /** An instance type by its TYPE name, -1 if this V8 has none. */
    public int typeNamed(String name) { return t(name); }

    public boolean isStringType(int type) { return type >= 0 && type < firstNonString; }

    /**
     * JS objects: every type from JS_SPECIAL_API_OBJECT_TYPE (the first JSObject type, the same
     * 1040 in V8 9.4-14.6) up, including arrays, functions, errors, API objects; plus the global
     * object and global proxy (numbered below it). Not JSProxy (a JSReceiver without properties
     * of its own).
     */
    public boolean isJSObjectType(int type) {
        return type >= tSpecialApi || type == tGlobalObject || type == tGlobalProxy;
    }

    public boolean isJSFunctionType(int type) { return type >= tFunctionFirst && type <= tFunctionLast; }

    public boolean isDictionaryMap(long map) { return ((mapInfo(map).bitField3 >>> dictShift) & 1) != 0; }

    public boolean isPrototypeMap(long map) { return ((mapInfo(map).bitField3 >>> protoMapShift) & 1) != 0; }

    public int numberOfOwnDescriptors(long map) { return (mapInfo(map).bitField3 & nodMask) >>> nodShift; }

    public int elementsKind(long map) { return (mapInfo(map).bitField2 & md.elementsKindMask()) >>> md.elementsKindShift(); }

    /** The map's prototype (a tagged word: an object or null). */
    public long mapPrototype(long map) { return field(map, oProto); }

    /**
     * The JSGlobalObject behind a JSGlobalProxy (what JavaScript sees as globalThis): V8 makes the
     * global object the prototype of the proxy's map (bootstrapper.cc, Genesis::HookUpGlobalProxy
     * / JSObject::ForceSetPrototype). Empty when proxy is not a global proxy or is detached.
     */
    public OptionalLong globalObjectOf(long proxy) {
        if (kindOf(proxy) != JsKind.GLOBAL_PROXY) return OptionalLong.empty();
        long g = mapPrototype(mapOf(proxy));
        return isHeapObject(g) && kindOf(g) == JsKind.GLOBAL_OBJECT ? OptionalLong.of(g) : OptionalLong.empty();
    }

    // ================================================================ kinds and primitives

    /** What a tagged word is. HeapException for a word that is neither a Smi nor a valid heap object. */
    public JsKind kindOf(long tagged) {
        if (isSmi(tagged)) return JsKind.SMI;
        if (!isHeapObject(tagged)) {
            throw new HeapException(tagged, String.format("0x%x is neither a Smi nor a heap object pointer (tag bits %d)", tagged, tagged & tagMask));
        }
        int type = typeOf(tagged);
        if (isStringType(type)) return JsKind.STRING;
        if (type == tHeapNumber) return JsKind.HEAP_NUMBER;
        if (type == tOddball) return oddballKind(tagged);
        if (type == tHole) return JsKind.HOLE;
        if (type == tBigInt) return JsKind.BIGINT;
        if (type == tSymbol) return JsKind.SYMBOL;
        if (type == tJsArray) return JsKind.ARRAY;
        if (isJSFunctionType(type)) return JsKind.FUNCTION;
        if (type == tBound) return JsKind.BOUND_FUNCTION;
        if (type == tDate) return JsKind.DATE;
        if (type == tRegExp) return JsKind.REGEXP;
        if (type == tError) return JsKind.ERROR;
        if (type == tJsMap) return JsKind.MAP;
        if (type == tJsSet) return JsKind.SET;
        if (type == tWeakMap) return JsKind.WEAK_MAP;
        if (type == tWeakSet) return JsKind.WEAK_SET;
        if (type == tPromise) return JsKind.PROMISE;
        if (type == tArrayBuffer) return JsKind.ARRAY_BUFFER;
        if (type == tTypedArray) return JsKind.TYPED_ARRAY;
        if (type == tDataView || type == tRabDataView) return JsKind.DATA_VIEW;
        if (type == tWrapper) return JsKind.PRIMITIVE_WRAPPER;
        if (type == tProxy) return JsKind.PROXY;
        if (type == tArguments) return JsKind.ARGUMENTS;
        if (type == tGenerator || type == tAsyncGenerator) return JsKind.GENERATOR;
        if (type == tAsyncFunction) return JsKind.ASYNC_FUNCTION_OBJECT;
        if (type == tGlobalObject) return JsKind.GLOBAL_OBJECT;
        if (type == tGlobalProxy) return JsKind.GLOBAL_PROXY;
        if (isJSObjectType(type)) return JsKind.OBJECT;
        return JsKind.INTERNAL;
    }

    private JsKind oddballKind(long obj) {
        long w = field(obj, md.oddballKindOffset());
        long k = isSmi(w) ? smiValue(w) : (w & 0xffffffffL);
        if (k == md.constant("OddballUndefined").orElse(-100)) return JsKind.UNDEFINED;
        if (k == md.constant("OddballNull").orElse(-100)) return JsKind.NULL;
        if (k == md.constant("OddballTrue").orElse(-100)) return JsKind.TRUE;
        if (k == md.constant("OddballFalse").orElse(-100)) return JsKind.FALSE;
        if (k == md.constant("OddballTheHole").orElse(-100)) return JsKind.HOLE;
        return JsKind.ODDBALL;
    }

    /** True for the_hole (and the other holes of V8 12+). Never throws. */
    public boolean isHole(long tagged) {
        try {
            return isHeapObject(tagged) && kindOf(tagged) == JsKind.HOLE;
        } catch (MemoryFault | HeapException e) {
            return false;
        }
    }

    /** True if obj is a heap object with a valid map of instance type type. Never throws. */
    boolean hasType(long obj, int type) {
        try {
            return isHeapObject(obj) && typeOf(obj) == type;
        } catch (MemoryFault | HeapException e) {
            return false;
        }
    }

    boolean isUndefinedOrHole(long tagged) {
        try {
            if (!isHeapObject(tagged)) return false;
            JsKind k = kindOf(tagged);
            return k == JsKind.UNDEFINED || k == JsKind.HOLE;
        } catch (MemoryFault | HeapException e) {
            return false;
        }
    }

    /** A Smi or HeapNumber's value. */
    public double numberValue(long tagged) {
        if (isSmi(tagged)) return smiValue(tagged);
        if (typeOf(tagged) != tHeapNumber) throw new HeapException(tagged, String.format("0x%x is not a number", tagged));
        return mem.readDouble(tagged - tag + md.heapNumberValueOffset());
    }

    boolean isNumber(long tagged) {
        return isSmi(tagged) || (isHeapObject(tagged) && typeOf(tagged) == tHeapNumber);
    }

    /** A BigInt's value; HeapException if it has more than maxDigits 64-bit digits. */
    public BigInteger bigIntValue(long obj, int maxDigits) {
        long bf = i32(obj, md.get(V8Fact.BIGINT_BITFIELD_OFFSET)) & 0xffffffffL;
        boolean negative = (bf & 1) != 0;
        int len = (int) ((bf >>> 1) & 0x3fffffff);
        if (len > Math.min(maxDigits, MAX_BIGINT_DIGITS)) {
            throw new HeapException(obj, String.format("BigInt 0x%x has %d digits (64-bit), more than shown", obj, len));
        }
        byte[] be = new byte[len * 8 + 1];
        int d0 = md.get(V8Fact.BIGINT_DIGITS_OFFSET);
        for (int i = 0; i < len; i++) {
            long d = field(obj, d0 + i * 8);
            for (int b = 0; b < 8; b++) be[be.length - 1 - (i * 8 + b)] = (byte) (d >>> (8 * b));
        }
        BigInteger v = new BigInteger(be);
        return negative ? v.negate() : v;
    }

    // ================================================================ constructors

    /**
     * The map's constructor: constructor_or_back_pointer, through back pointers (each a Map),
     * if it ends at a JSFunction. Bounded.
     */
    public OptionalLong constructorFunction(long map) {
        long v = map;
        for (int i = 0; i < MAX_BACK_POINTERS; i++) {
            v = field(v, oCtor);
            if (!isHeapObject(v)) return OptionalLong.empty();
            int type;
            try {
                type = typeOf(v);
            } catch (HeapException | MemoryFault e) {
                return OptionalLong.empty();
            }
            if (type == tMap) continue;
            return isJSFunctionType(type) ? OptionalLong.of(v) : OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    /**
     * The class name of the FunctionTemplateInfo a map's constructor slot holds (objects made
     * from an API template, as JSReceiver::GetConstructorName names them), if it is a string.
     * The metadata has no FunctionTemplateInfo field offsets, and its layout moved in every V8
     * era (templates.tq: class_name after call_code in 9.x, first after TemplateInfo's fields
     * later); in each the class name is the first of its tagged fields that holds a string (the
     * fields before it are Smis, lists or undefined), so that is what is read.
     */
    private Optional<String> templateClassName(long map) {
        if (tFunctionTemplateInfo < 0) return Optional.empty();
        try {
            long v = map;
            for (int i = 0; i < MAX_BACK_POINTERS; i++) {
                v = field(v, oCtor);
                if (!isHeapObject(v) || typeOf(v) != tMap) break;
            }
            if (!isHeapObject(v) || typeOf(v) != tFunctionTemplateInfo) return Optional.empty();
            int words = Math.min(mapInfo(mapOf(v)).instanceSizeWords(), MAX_TEMPLATE_INFO_WORDS);
            for (int w = 1; w < words; w++) {
                long f = field(v, w * ptr);
                if (strings.isString(f)) {
                    String n = strings.stringValue(f, 256);
                    return n.isEmpty() ? Optional.empty() : Optional.of(n);
                }
            }
        } catch (MemoryFault | HeapException e) {
            // no template name: the caller goes on as V8 does
        }
        return Optional.empty();
    }

    /** FunctionTemplateInfo is about 16 words in every version; a bound on a map's claim. */
    private static final int MAX_TEMPLATE_INFO_WORDS = 32;

    /**
     * V8's class name for objects with this map, as the heap snapshot names them
     * (JSReceiver::GetConstructorName): the map's constructor's name when the object was made
     * by it directly (new.target is the base, not a prototype map) and that name is not
     * "Object"; else the "constructor" property found on the prototype chain; else "Object"
     * ("Function" for functions). Empty for non-JS-object maps.
     */
    public Optional<String> constructorName(long map) {
        Optional<String> c = ctorNames.get(map);
        if (c != null) return c;
        c = computeConstructorName(map, 0, false);
        if (ctorNames.size() > 1_000_000) ctorNames.clear();
        ctorNames.put(map, c);
        return c;
    }

    /**
     * The name V8's heap snapshot gives a global object or global proxy: JSReceiver::
     * GetConstructorName looks for a Symbol.toStringTag data property on the receiver itself
     * before any "constructor" (the global's constructor is an anonymous API function), and
     * node defines globalThis[Symbol.toStringTag] = "global". A proxy is read through the
     * global object behind it (its map's prototype). Empty for other objects or without a tag.
     */
    public Optional<String> globalObjectName(long obj) {
        try {
            int type = typeOf(obj);
            long global = type == tGlobalProxy ? field(mapOf(obj), oProto) : obj;
            if (type != tGlobalProxy && type != tGlobalObject || !isHeapObject(global) || typeOf(global) != tGlobalObject) {
                return Optional.empty();
            }
            return ownStringTag(global, MAX_GLOBAL_PROPERTIES);
        } catch (MemoryFault | HeapException e) {
            // no tag readable: the caller names it as any object
        }
        return Optional.empty();
    }

    private static boolean isToStringTag(V8Properties.Property p) {
        return p.symbol() && p.name().equals("Symbol(Symbol.toStringTag)");
    }

    /** The string value of obj's own Symbol.toStringTag data property, searched among at most max properties. */
    private Optional<String> ownStringTag(long obj, int max) {
        for (V8Properties.Property p : properties.properties(obj, max)) {
            if (isToStringTag(p) && !p.accessor() && strings.isString(p.value())) {
                return Optional.of(strings.stringValue(p.value(), 256));
            }
        }
        return Optional.empty();
    }

    /** A bound on a prototype's properties searched for its tag (builtin prototypes have a few dozen). */
    private static final int MAX_TAG_HOLDER_PROPERTIES = 4_096;

    /** A bound on the global object's properties searched for its tag (node has about 150). */
    private static final int MAX_GLOBAL_PROPERTIES = 100_000;

    /** The constructor name of the object obj (prototype objects name their own "constructor"). */
    public Optional<String> constructorNameOf(long obj) {
        MapInfo mi = mapInfoOf(obj);
        if (isPrototypeMap(mi.map)) return computeConstructorName(mi.map, obj, true);
        return constructorName(mi.map);
    }

    /**
     * The name V8's heap snapshot gives obj: {@link #constructorName} of its map, except that a
     * prototype is named by its own Symbol.toStringTag (AbortController.prototype is
     * "AbortController") and never by its own "constructor" (Foo.prototype is "Object"), as
     * JSReceiver::GetConstructorName does.
     */
    public Optional<String> snapshotConstructorName(long obj) {
        MapInfo mi = mapInfoOf(obj);
        if (isPrototypeMap(mi.map)) return computeConstructorName(mi.map, obj, false);
        Optional<String> c = constructorName(mi.map);
        // an object named after no constructor of its own is named by its own tag: the
        // namespace objects Math, JSON, Intl, Reflect, console
        if (c.isPresent() && c.get().equals("Object") && mayHaveOwnTag(mi.map, obj)) {
            try {
                Optional<String> tag = ownStringTag(obj, MAX_TAG_HOLDER_PROPERTIES);
                if (tag.isPresent() && !tag.get().isEmpty()) return tag;
            } catch (MemoryFault | HeapException e) {
                // no tag readable: the constructor's name stands
            }
        }
        return c;
    }

    /** Maps (fast mode) whose own descriptors hold a Symbol.toStringTag key. */
    private final ConcurrentHashMap<Long, Boolean> ownTagMaps = new ConcurrentHashMap<>();

    /**
     * obj (of map) has an own Symbol.toStringTag key: its map's descriptors hold it (known per map).
     * Dictionary-mode objects are not searched: reading every key of every such object would cost
     * more than the few namespace objects it could name.
     */
    private boolean mayHaveOwnTag(long map, long obj) {
        if (isDictionaryMap(map)) return false;
        Boolean has = ownTagMaps.get(map);
        if (has == null) {
            try {
                has = false;
                for (V8Properties.Property p : properties.properties(obj, MAX_TAG_HOLDER_PROPERTIES)) {
                    if (isToStringTag(p)) has = true;
                }
            } catch (MemoryFault | HeapException e) {
                has = false;
            }
            if (ownTagMaps.size() > 1_000_000) ownTagMaps.clear();
            ownTagMaps.put(map, has);
        }
        return has;
    }

    private Optional<String> computeConstructorName(long map, long receiver, boolean receiversConstructor) {
        MapInfo mi = mapInfo(map);
        if (!isJSObjectType(mi.instanceType) && mi.instanceType != tProxy) return Optional.empty();
        if (mi.instanceType == tProxy) return Optional.of("Proxy");
        boolean direct = ((mi.bitField2 >>> newTargetIsBaseBit) & 1) != 0 && !isPrototypeMap(map);
        if (direct) {
            OptionalLong f = constructorFunction(map);
            if (f.isPresent()) {
                String n = functions.functionDebugName(f.getAsLong());
                if (!n.isEmpty() && !n.equals("Object")) return Optional.of(n);
            } else {
                // an API object (node's global, its C++-backed wraps): the template's class name
                Optional<String> n = templateClassName(map);
                if (n.isPresent()) return n;
            }
        }
        // Up the prototype chain from the receiver (prototypes) or the map's prototype, as
        // JSReceiver::GetConstructorName: an own Symbol.toStringTag string names the object
        // (node's SafeMap instances are "Map": makeSafe copies Map.prototype's tag; builtin
        // prototypes such as AbortController.prototype carry their own), else an own
        // "constructor" function's name.
        try {
            long holderMap = map;
            long holder = receiver;
            for (int depth = 0; depth < MAX_PROTOTYPE_CHAIN; depth++) {
                if (holder != 0) {
                    Optional<String> tag = ownStringTag(holder, MAX_TAG_HOLDER_PROPERTIES);
                    if (tag.isPresent() && !tag.get().isEmpty()) return tag;
                }
                if (holder != 0 && (holder != receiver || receiversConstructor)) {
                    OptionalLong ctor = properties.ownDataProperty(holder, "constructor");
                    if (ctor.isPresent() && isHeapObject(ctor.getAsLong()) && isJSFunctionType(typeOf(ctor.getAsLong()))) {
                        String n = functions.functionDebugName(ctor.getAsLong());
                        if (!n.isEmpty()) return Optional.of(n);
                    }
                }
                long proto = field(holderMap, oProto);
                if (!isHeapObject(proto) || !isJSObjectType(typeOf(proto))) break;
                holder = proto;
                holderMap = mapOf(proto);
            }
        } catch (MemoryFault | HeapException e) {
            // fall through to the class name
        }
        if (isJSFunctionType(mi.instanceType) || mi.instanceType == tBound) return Optional.of("Function");
        return Optional.of("Object");
    }

    /** The items of a FixedArray, at most max. */
    public List<Long> fixedArrayItems(long arr, int max) {
        List<Long> out = new ArrayList<>();
        if (!isHeapObject(arr) || typeOf(arr) != tFixedArray) return out;
        long len = smiField(arr, md.fixedArrayLengthOffset(), "length");
        for (int i = 0; i < len && i < max; i++) out.add(field(arr, md.fixedArrayHeaderSize() + i * ptr));
        return out;
    }
}
