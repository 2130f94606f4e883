package io.jsmdb.v8.graph;

import io.jsmdb.v8.V8Fact;
import io.jsmdb.v8.V8Metadata;
import io.jsmdb.v8.V8Version;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Per instance type: which body rule of the snapshot model applies, and the node kind and name V8's
 * heap snapshot gives the types it names by class (V8HeapExplorer::AddEntry, GetSystemEntryType,
 * GetSystemEntryName). Computed once per type on first use from the type's name in the metadata
 * (or the binary's type table), so nothing per object.
 *
 * <p>Version rules, from V8's heap-snapshot-generator.cc and the node-type totals V8's own
 * snapshot gives on the heap fixture cores: the "object shape" node type (maps outside read-only
 * space, descriptor and transition arrays, prototype infos, enum caches) exists from V8 11 (node
 * 20); before it those are "hidden". V8 9.4 (node 16) calls only Code, SharedFunctionInfo and
 * Script objects "code"; from V8 10 the compiler's data (bytecode, feedback, scope infos, ...) are
 * "code" too. Oddballs are "system / Oddball" up to V8 12 and named by their string ("undefined",
 * "null", "true", "false") from V8 13 (node 24), as V8's snapshots of the fixture show.
 */
final class SnapshotTypes {
    /** The body rule of an instance type. */
    enum Rule {
        NOT_A_NODE, JS_OBJECT, JS_FUNCTION, JS_BOUND_FUNCTION, JS_REGEXP, JS_GLOBAL_PROXY, JS_ARRAY_BUFFER, JS_GLOBAL_OBJECT,
        JS_MAP_OR_SET, JS_WEAK_COLLECTION, JS_PROMISE, JS_GENERATOR, JS_WEAK_REF, JS_VIEW,
        SEQ_STRING, CONS_STRING, SLICED_STRING, THIN_STRING,
        SYMBOL, BIGINT, HEAP_NUMBER, ODDBALL, MAP, SFI, SCRIPT, CODE, NATIVE_CONTEXT, CONTEXT,
        FIXED_ARRAY, EPHEMERON_TABLE, WEAK_ARRAY, WEAK_ARRAY_LIST, DESCRIPTOR_ARRAY, ACCESSOR_PAIR, CELL, FEEDBACK_CELL,
        PROPERTY_CELL, ALLOCATION_SITE, WEAK_CELL, BYTECODE_ARRAY,
        /** raw data only (numbers, bytes, doubles, free space): no references */
        DATA,
        /** anything else: its tagged words, found by value */
        OTHER
    }

    private static final Set<String> CODE_TYPES_V10 = Set.of("ALLOCATION_SITE_TYPE", "ARRAY_BOILERPLATE_DESCRIPTION_TYPE",
            "BYTECODE_ARRAY_TYPE", "CLOSURE_FEEDBACK_CELL_ARRAY_TYPE", "CODE_TYPE", "CODE_DATA_CONTAINER_TYPE", "FEEDBACK_CELL_TYPE",
            "FEEDBACK_METADATA_TYPE", "FEEDBACK_VECTOR_TYPE", "INSTRUCTION_STREAM_TYPE", "INTERPRETER_DATA_TYPE", "LOAD_HANDLER_TYPE",
            "OBJECT_BOILERPLATE_DESCRIPTION_TYPE", "PREPARSE_DATA_TYPE", "REG_EXP_BOILERPLATE_DESCRIPTION_TYPE", "SCOPE_INFO_TYPE",
            "STORE_HANDLER_TYPE", "TEMPLATE_OBJECT_DESCRIPTION_TYPE", "BYTECODE_WRAPPER_TYPE", "CODE_WRAPPER_TYPE");
    /**
     * Trusted arrays: bytecode's constant pools and source position tables, code's deoptimization
     * data. V8 13+ (node 24-26) types them "code" through their holders (TagObject with kCode in
     * ExtractBytecodeArrayReferences / ExtractCodeReferences); they have no other holders, so the
     * type decides here. V8 12.4 (node 22) shows them "hidden" (its snapshot's type totals on the
     * heap fixture: about 4,400 fewer "code" nodes). Before V8 12 the same data are plain
     * FixedArrays and ByteArrays, which only a graph that knows the holder can retype.
     */
    private static final Set<String> TRUSTED_CODE_TYPES_V13 = Set.of("TRUSTED_BYTE_ARRAY_TYPE", "TRUSTED_FIXED_ARRAY_TYPE",
            "PROTECTED_FIXED_ARRAY_TYPE");
    private static final Set<String> SHAPE_TYPES_V11 = Set.of("DESCRIPTOR_ARRAY_TYPE", "STRONG_DESCRIPTOR_ARRAY_TYPE",
            "TRANSITION_ARRAY_TYPE", "PROTOTYPE_INFO_TYPE", "ENUM_CACHE_TYPE");

    private final V8Metadata md;
    private final int major;
    private final Rule[] rules = new Rule[1 << 16];
    private final NodeType[] nodeTypes = new NodeType[1 << 16];
    private final String[] systemNames = new String[1 << 16];
    private final String[] mapNames = new String[1 << 16];
    /** Per type, computed on first use; a record's final fields make a racing reader see it whole. */
    private final RawLayout[] rawLayouts = new RawLayout[1 << 16];
    private final int firstNonString, specialApi, globalObject, globalProxy, firstFunction, lastFunction, firstContext, lastContext;
    private final int seqTag, consTag, slicedTag, thinTag, extTag, repMask;

    SnapshotTypes(V8Metadata md) {
        this.md = md;
        this.major = md.version().map(V8Version::major).orElse(14);
        firstNonString = md.firstNonstringType();
        specialApi = md.specialApiObjectType();
        globalObject = md.instanceType("JS_GLOBAL_OBJECT_TYPE").orElse(-1);
        globalProxy = md.instanceType("JS_GLOBAL_PROXY_TYPE").orElse(-1);
        firstFunction = md.firstJSFunctionType();
        lastFunction = md.lastJSFunctionType();
        firstContext = md.firstContextType();
        lastContext = md.lastContextType();
        seqTag = md.seqStringTag();
        consTag = md.consStringTag();
        slicedTag = md.slicedStringTag();
        thinTag = md.thinStringTag();
        extTag = md.externalStringTag();
        repMask = md.stringRepresentationMask();
    }

    /** V8's major version (14 when unknown). */
    int major() { return major; }

    /**
     * The snapshot's name for the Code object of builtin NAME (TagBuiltinCodeObject): "(NAME
     * builtin)" up to V8 10, "(NAME builtin handle)" in V8 11, "(NAME builtin code)" from V8 12,
     * as each version's own snapshot names them.
     */
    String builtinCodeName(String name) {
        return "(" + name + (major <= 10 ? " builtin)" : major == 11 ? " builtin handle)" : " builtin code)");
    }

    /**
     * Up to V8 10, IndexedReferencesExtractor reported a weak slot it visited as an ordinary
     * hidden reference (seen in node 16 and 18's own snapshots: a feedback vector's maps retain
     * their constructors); from V8 11 it is a weak reference.
     */
    boolean weakSlotsAreHidden() {
        return major <= 10;
    }

    Rule rule(int type) {
        if (type < 0 || type >= rules.length) return Rule.OTHER;
        Rule r = rules[type];
        if (r == null) {
            r = computeRule(type);
            rules[type] = r;
        }
        return r;
    }

    /**
     * C types the metadata gives raw fields (class_Class__field__TYPE); every other type part is a
     * tagged one (Object, SMI, Tagged_..., a class name, weak).
     */
    private static final Set<String> RAW_FIELD_TYPES = Set.of("char", "int", "uint8_t", "int8_t", "uint16_t", "int16_t",
            "uint32_t", "int32_t", "uint64_t", "int64_t", "size_t", "uintptr_t", "intptr_t", "double", "bool", "Address");
    /**
     * Field names the metadata uses for where a variable-length body starts (FixedArray::data,
     * SeqOneByteString::chars, JSObject::internal_fields, DescriptorArray::header_size,
     * Code::instruction_start), not for a raw field of their own.
     */
    private static final Set<String> BODY_START_MARKERS = Set.of("data", "chars", "internal_fields", "header_size", "instruction_start");

    /**
     * The raw words of an object of one type, which V8's body descriptors never visit, so no
     * snapshot reference comes from them; read as tagged words they would now and then equal the
     * address of an object (two 32-bit counts side by side do when the heap lies low, as under
     * qemu) and invent a reference.
     *
     * @param words bit i set: word i (of the first 64) is raw by the metadata (a map's sizes, type
     *     and bit fields, a string's hash and length, an array buffer's backing store and lengths,
     *     a typed array's offsets, a function's counts and flags, uncompiled data's source
     *     positions) or by two Fallbacks facts (a feedback vector's counts, an allocation site's
     *     pretenuring counts)
     * @param from the byte offset from which every word is raw, or Integer.MAX_VALUE. Only a
     *     SharedFunctionInfo has one: its tagged fields come first in every V8 (9.4 - 14), then
     *     the lengths, counts, flags, literal id and age, of which the metadata names only some
     *     (function_literal_id and age share words it does not name)
     */
    record RawLayout(long words, int from) {}

    private static final RawLayout NO_RAW_WORDS = new RawLayout(0, Integer.MAX_VALUE);

    RawLayout rawLayout(int type) {
        if (type < 0 || type >= rawLayouts.length) return NO_RAW_WORDS;
        RawLayout r = rawLayouts[type];
        if (r == null) {
            r = computeRawLayout(type);
            rawLayouts[type] = r;
        }
        return r;
    }

    private RawLayout computeRawLayout(int type) {
        int ptr = md.pointerSize();
        long words = 0;
        int from = Integer.MAX_VALUE;
        boolean sfi = typeName(type).map("SHARED_FUNCTION_INFO_TYPE"::equals).orElse(false);
        for (String cls : layoutClasses(type)) {
            for (V8Metadata.Constant c : md.describe("class_" + cls + "__")) {
                String[] parts = c.name().split("__");
                if (parts.length != 3 || BODY_START_MARKERS.contains(parts[1]) || !RAW_FIELD_TYPES.contains(parts[2])) continue;
                long off = c.value();
                if (off <= 0) continue; // word 0 is the map
                int word = (int) (off / ptr);
                if (word < 64) words |= 1L << word;
                if (sfi) from = (int) Math.min(from, word * (long) ptr);
            }
        }
        // raw fields of two types the metadata does not describe (Fallbacks: the same in every V8 9.4 - 14)
        if (typeName(type).map("FEEDBACK_VECTOR_TYPE"::equals).orElse(false)) {
            for (int w = 1; w < md.get(V8Fact.FEEDBACK_VECTOR_SHARED_OFFSET) / ptr && w < 64; w++) words |= 1L << w;
        } else if (typeName(type).map("ALLOCATION_SITE_TYPE"::equals).orElse(false)) {
            int w = md.get(V8Fact.ALLOCATION_SITE_PRETENURE_DATA_OFFSET) / ptr;
            if (w > 0 && w < 64) words |= 1L << w;
        }
        return words == 0 && from == Integer.MAX_VALUE ? NO_RAW_WORDS : new RawLayout(words, from);
    }

    /**
     * The classes whose fields an object of this type has, as far as the metadata describes them:
     * its own class (Class__TYPE) and the superclasses that declare raw fields (String and Name
     * for strings, Name for symbols, JSArrayBufferView for typed arrays and data views,
     * UncompiledData for its subclasses).
     */
    private List<String> layoutClasses(int type) {
        List<String> classes = new ArrayList<>();
        for (String entry : md.typeEntries(type)) {
            int sep = entry.indexOf("__");
            if (sep > 0) classes.add(entry.substring(0, sep));
        }
        String n = typeName(type).orElse("");
        if (type < firstNonString) {
            classes.add("String");
            classes.add("Name");
        } else if (n.equals("SYMBOL_TYPE")) {
            classes.add("Name");
        } else if (n.equals("JS_TYPED_ARRAY_TYPE") || n.equals("JS_DATA_VIEW_TYPE") || n.equals("JS_RAB_GSAB_DATA_VIEW_TYPE")) {
            classes.add("JSArrayBufferView");
        } else if (n.startsWith("UNCOMPILED_DATA_")) {
            classes.add("UncompiledData");
        }
        return classes;
    }

    private Optional<String> typeName(int type) {
        return md.instanceTypeName(type);
    }

    private Rule computeRule(int type) {
        if (type < firstNonString) {
            int rep = type & repMask;
            if (rep == consTag) return Rule.CONS_STRING;
            if (rep == slicedTag) return Rule.SLICED_STRING;
            if (rep == thinTag) return Rule.THIN_STRING;
            return Rule.SEQ_STRING; // sequential and external: characters only
        }
        if (type >= firstFunction && type <= lastFunction) return Rule.JS_FUNCTION;
        if (type >= firstContext && type <= lastContext) {
            return typeName(type).map("NATIVE_CONTEXT_TYPE"::equals).orElse(false) ? Rule.NATIVE_CONTEXT : Rule.CONTEXT;
        }
        String n = typeName(type).orElse("");
        if (type == globalProxy) return Rule.JS_GLOBAL_PROXY;
        if (type == globalObject) return Rule.JS_GLOBAL_OBJECT;
        if (type >= specialApi) {
            return switch (n) {
                case "JS_BOUND_FUNCTION_TYPE" -> Rule.JS_BOUND_FUNCTION;
                case "JS_REG_EXP_TYPE" -> Rule.JS_REGEXP;
                case "JS_ARRAY_BUFFER_TYPE" -> Rule.JS_ARRAY_BUFFER;
                case "JS_MAP_TYPE", "JS_SET_TYPE" -> Rule.JS_MAP_OR_SET;
                case "JS_WEAK_MAP_TYPE", "JS_WEAK_SET_TYPE" -> Rule.JS_WEAK_COLLECTION;
                case "JS_PROMISE_TYPE" -> Rule.JS_PROMISE;
                case "JS_GENERATOR_OBJECT_TYPE", "JS_ASYNC_GENERATOR_OBJECT_TYPE", "JS_ASYNC_FUNCTION_OBJECT_TYPE" -> Rule.JS_GENERATOR;
                case "JS_WEAK_REF_TYPE" -> Rule.JS_WEAK_REF;
                case "JS_TYPED_ARRAY_TYPE", "JS_DATA_VIEW_TYPE", "JS_RAB_GSAB_DATA_VIEW_TYPE" -> Rule.JS_VIEW;
                default -> Rule.JS_OBJECT;
            };
        }
        switch (n) {
            case "FREE_SPACE_TYPE", "FILLER_TYPE" -> { return Rule.NOT_A_NODE; }
            case "SYMBOL_TYPE" -> { return Rule.SYMBOL; }
            case "BIG_INT_BASE_TYPE" -> { return Rule.BIGINT; }
            case "HEAP_NUMBER_TYPE" -> { return Rule.HEAP_NUMBER; }
            case "ODDBALL_TYPE" -> { return Rule.ODDBALL; }
            case "MAP_TYPE" -> { return Rule.MAP; }
            case "SHARED_FUNCTION_INFO_TYPE" -> { return Rule.SFI; }
            case "SCRIPT_TYPE" -> { return Rule.SCRIPT; }
            case "CODE_TYPE", "INSTRUCTION_STREAM_TYPE" -> { return Rule.CODE; }
            case "EPHEMERON_HASH_TABLE_TYPE" -> { return Rule.EPHEMERON_TABLE; }
            case "WEAK_FIXED_ARRAY_TYPE", "TRUSTED_WEAK_FIXED_ARRAY_TYPE", "PROTECTED_WEAK_FIXED_ARRAY_TYPE" -> { return Rule.WEAK_ARRAY; }
            case "WEAK_ARRAY_LIST_TYPE" -> { return Rule.WEAK_ARRAY_LIST; }
            case "DESCRIPTOR_ARRAY_TYPE", "STRONG_DESCRIPTOR_ARRAY_TYPE" -> { return Rule.DESCRIPTOR_ARRAY; }
            case "ACCESSOR_PAIR_TYPE" -> { return Rule.ACCESSOR_PAIR; }
            case "CELL_TYPE" -> { return Rule.CELL; }
            case "FEEDBACK_CELL_TYPE" -> { return Rule.FEEDBACK_CELL; }
            case "PROPERTY_CELL_TYPE" -> { return Rule.PROPERTY_CELL; }
            case "ALLOCATION_SITE_TYPE" -> { return Rule.ALLOCATION_SITE; }
            case "WEAK_CELL_TYPE" -> { return Rule.WEAK_CELL; }
            case "BYTECODE_ARRAY_TYPE" -> { return Rule.BYTECODE_ARRAY; }
            case "BYTE_ARRAY_TYPE", "TRUSTED_BYTE_ARRAY_TYPE", "FIXED_DOUBLE_ARRAY_TYPE", "FEEDBACK_METADATA_TYPE", "FOREIGN_TYPE",
                 "TRUSTED_FOREIGN_TYPE", "PREPARSE_DATA_TYPE" -> { return Rule.DATA; }
            default -> { }
        }
        if (isFixedArrayFamily(n)) return Rule.FIXED_ARRAY;
        return Rule.OTHER;
    }

    /** FixedArray and its hash-table subclasses: V8 names their slots by index (ExtractFixedArrayReferences). */
    private static boolean isFixedArrayFamily(String n) {
        if (n.equals("FIXED_ARRAY_TYPE")) return true;
        if (n.startsWith("SMALL_ORDERED_") || n.startsWith("SWISS_")) return false;
        return n.endsWith("HASH_TABLE_TYPE") || n.endsWith("DICTIONARY_TYPE") || n.startsWith("ORDERED_HASH_")
                || n.equals("STRING_TABLE_TYPE") || n.equals("REGISTERED_SYMBOL_TABLE_TYPE");
    }

    /** FixedArray, FixedDoubleArray and ByteArray kinds: V8 names their nodes "" ("(internal array)" in DevTools) unless tagged. */
    boolean isUnnamedArray(int type) {
        String n = typeName(type).orElse("");
        return rule(type) == Rule.FIXED_ARRAY || rule(type) == Rule.EPHEMERON_TABLE || n.equals("FIXED_DOUBLE_ARRAY_TYPE")
                || n.equals("BYTE_ARRAY_TYPE") || n.equals("OBJECT_BOILERPLATE_DESCRIPTION_TYPE") && major < 12
                || n.equals("CLOSURE_FEEDBACK_CELL_ARRAY_TYPE") && major < 12 || n.equals("SCRIPT_CONTEXT_TABLE_TYPE") && major < 12;
    }

    /** The node kind V8 gives an object of a type it names by class (GetSystemEntryType). */
    NodeType systemType(int type, boolean inReadOnlySpace) {
        if (type < 0 || type >= nodeTypes.length) return NodeType.HIDDEN;
        if (typeName(type).map("MAP_TYPE"::equals).orElse(false)) {
            return major >= 11 && !inReadOnlySpace ? NodeType.OBJECT_SHAPE : NodeType.HIDDEN;
        }
        NodeType t = nodeTypes[type];
        if (t == null) {
            String n = typeName(type).orElse("");
            if (major >= 10 && (CODE_TYPES_V10.contains(n) || n.startsWith("UNCOMPILED_DATA_") || n.startsWith("TURBOFAN_"))
                    || major >= 13 && TRUSTED_CODE_TYPES_V13.contains(n)) {
                t = NodeType.CODE;
            } else if (isUnnamedArray(type) || n.equals("FIXED_DOUBLE_ARRAY_TYPE") || n.equals("BYTE_ARRAY_TYPE")) {
                t = NodeType.ARRAY;
            } else if (major >= 11 && SHAPE_TYPES_V11.contains(n)) {
                t = NodeType.OBJECT_SHAPE;
            } else {
                t = NodeType.HIDDEN;
            }
            nodeTypes[type] = t;
        }
        return t;
    }

    /** "system / ClassName" (GetSystemEntryName), "" for the unnamed arrays. */
    String systemName(int type) {
        if (type < 0 || type >= systemNames.length) return "system / Object";
        String s = systemNames[type];
        if (s == null) {
            s = isUnnamedArray(type) ? "" : "system / " + className(type);
            systemNames[type] = s;
        }
        return s;
    }

    /** A map's name: "system / Map", or "system / Map (SeqOneByteString)" for a string map. */
    String mapName(int describedType) {
        if (describedType < 0 || describedType >= mapNames.length || describedType >= firstNonString) return "system / Map";
        String s = mapNames[describedType];
        if (s == null) {
            s = typeName(describedType).map(n -> "system / Map (" + camel(n) + ")").orElse("system / Map");
            mapNames[describedType] = s;
        }
        return s;
    }

    /** The Torque class name of a type: the metadata's, else the TYPE name in CamelCase. */
    String className(int type) {
        Optional<String> c = md.typeClassName(type);
        if (c.isPresent()) return c.get();
        return typeName(type).map(SnapshotTypes::camel).orElse("Object");
    }

    /** "JS_PROXY_TYPE" -> "JSProxy", "SEQ_ONE_BYTE_STRING_TYPE" -> "SeqOneByteString". */
    static String camel(String typeName) {
        String n = typeName.endsWith("_TYPE") ? typeName.substring(0, typeName.length() - 5) : typeName;
        StringBuilder b = new StringBuilder();
        for (String part : n.split("_")) {
            if (part.isEmpty()) continue;
            if (part.equals("JS") || part.equals("API")) b.append(part);
            else b.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
        }
        return b.toString();
    }
}
