package io.jsmdb.v8;

import io.jsmdb.v8.Fallbacks.Fallback;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * The V8 facts jsmdb reads through typed accessors of {@link V8Metadata}. Each is looked up by
 * its metadata keys in order (a plain key is the v8dbg name without the prefix, "HeapObjectTag";
 * a key "Class.field" is a field offset matched by the {@code class_Class__field__*} prefix, so
 * both {@code __Object} and the Node 22+ {@code __Tagged_Object_} spellings match), then by a
 * derivation from other metadata, then by the named fallback in {@link Fallbacks}.
 */
public enum V8Fact {
    // ---- tagging and sizes
    HEAP_OBJECT_TAG("HeapObjectTag"),
    HEAP_OBJECT_TAG_MASK("HeapObjectTagMask"),
    SMI_TAG("SmiTag"),
    SMI_TAG_MASK("SmiTagMask"),
    /** kSmiTagSize. The metadata calls it v8dbg_SmiValueShift (value 1 on x64). */
    SMI_TAG_SIZE("SmiValueShift"),
    /** kSmiShiftSize (31 on x64 without pointer compression). */
    SMI_SHIFT_SIZE("SmiShiftSize"),
    /** Total shift of a Smi's value: kSmiTagSize + kSmiShiftSize (32 on x64). */
    SMI_SHIFT(m -> sum(m, V8Fact.SMI_TAG_SIZE, V8Fact.SMI_SHIFT_SIZE)),
    POINTER_SIZE_LOG2("SystemPointerSizeLog2", "PointerSizeLog2"),
    POINTER_SIZE(m -> pow2(m, V8Fact.POINTER_SIZE_LOG2), "SystemPointerSize", "PointerSize"),
    TAGGED_SIZE_LOG2("TaggedSizeLog2"),
    TAGGED_SIZE(m -> pow2(m, V8Fact.TAGGED_SIZE_LOG2), "TaggedSize"),

    // ---- string instance-type bits
    IS_NOT_STRING_MASK("IsNotStringMask"),
    STRING_TAG("StringTag"),
    /** kNotStringTag: the lowest bit of kIsNotStringMask (64 in V8 9.4, 128 later). */
    NOT_STRING_TAG(m -> {
        OptionalLong mask = m.find(V8Fact.IS_NOT_STRING_MASK);
        return mask.isPresent() && mask.getAsLong() != 0 ? OptionalLong.of(mask.getAsLong() & -mask.getAsLong()) : OptionalLong.empty();
    }, "NotStringTag"),
    STRING_ENCODING_MASK("StringEncodingMask"),
    ONE_BYTE_STRING_TAG("OneByteStringTag", "AsciiStringTag"),
    TWO_BYTE_STRING_TAG("TwoByteStringTag"),
    STRING_REPRESENTATION_MASK("StringRepresentationMask"),
    SEQ_STRING_TAG("SeqStringTag"),
    CONS_STRING_TAG("ConsStringTag"),
    SLICED_STRING_TAG("SlicedStringTag"),
    EXTERNAL_STRING_TAG("ExternalStringTag"),
    THIN_STRING_TAG("ThinStringTag"),
    IS_NOT_INTERNALIZED_MASK(Fallbacks.NOT_INTERNALIZED_MASK, "IsNotInternalizedMask"),
    INTERNALIZED_TAG(Fallbacks.INTERNALIZED, "InternalizedTag"),

    // ---- instance-type boundaries
    FIRST_NONSTRING_TYPE("FirstNonstringType"),
    API_OBJECT_TYPE("APIObjectType"),
    SPECIAL_API_OBJECT_TYPE("SpecialAPIObjectType"),
    FIRST_CONTEXT_TYPE("FirstContextType"),
    LAST_CONTEXT_TYPE("LastContextType"),
    FIRST_JS_FUNCTION_TYPE(Fallbacks.FIRST_JS_FUNCTION_TYPE, "FirstJSFunctionType"),
    LAST_JS_FUNCTION_TYPE(Fallbacks.LAST_JS_FUNCTION_TYPE, "LastJSFunctionType"),

    // ---- HeapObject, Map
    MAP_OFFSET("HeapObject.map"),
    MAP_INSTANCE_SIZE_IN_WORDS_OFFSET("Map.instance_size_in_words", "Map.instance_size"),
    MAP_INOBJECT_PROPERTIES_START_OFFSET("Map.inobject_properties_start_or_constructor_function_index",
            "Map.inobject_properties_or_constructor_function_index"),
    MAP_INSTANCE_TYPE_OFFSET("Map.instance_type"),
    MAP_BIT_FIELD_OFFSET("Map.bit_field"),
    MAP_BIT_FIELD2_OFFSET("Map.bit_field2"),
    MAP_BIT_FIELD3_OFFSET("Map.bit_field3"),
    MAP_PROTOTYPE_OFFSET("Map.prototype"),
    MAP_CONSTRUCTOR_OR_BACK_POINTER_OFFSET("Map.constructor_or_back_pointer"),
    MAP_INSTANCE_DESCRIPTORS_OFFSET("Map.instance_descriptors", "Map.instance_descriptors_offset"),
    ELEMENTS_KIND_MASK("bit_field2_elements_kind_mask"),
    ELEMENTS_KIND_SHIFT("bit_field2_elements_kind_shift"),
    NUMBER_OF_OWN_DESCRIPTORS_MASK("bit_field3_number_of_own_descriptors_mask"),
    NUMBER_OF_OWN_DESCRIPTORS_SHIFT("bit_field3_number_of_own_descriptors_shift"),
    IS_DICTIONARY_MAP_SHIFT("bit_field3_is_dictionary_map_shift"),

    // ---- JSObject family, arrays, primitives
    JS_OBJECT_PROPERTIES_OFFSET("JSReceiver.raw_properties_or_hash", "JSReceiver.properties_or_hash", "JSObject.properties"),
    JS_OBJECT_ELEMENTS_OFFSET("JSObject.elements"),
    /** JSObject::kHeaderSize: where embedder fields and in-object properties start. */
    JS_OBJECT_HEADER_SIZE("JSObject.internal_fields"),
    JS_ARRAY_LENGTH_OFFSET(Fallbacks.JS_ARRAY_LENGTH, "JSArray.length"),
    FIXED_ARRAY_LENGTH_OFFSET("FixedArrayBase.length", "FixedArray.length"),
    FIXED_ARRAY_HEADER_SIZE("FixedArray.data"),
    HEAP_NUMBER_VALUE_OFFSET("HeapNumber.value"),
    ODDBALL_KIND_OFFSET("Oddball.kind", "Oddball.kind_offset"),
    SYMBOL_NAME_OFFSET("Symbol.name"),

    // ---- strings
    STRING_LENGTH_OFFSET("String.length"),
    SEQ_ONE_BYTE_CHARS_OFFSET("SeqOneByteString.chars"),
    SEQ_TWO_BYTE_CHARS_OFFSET("SeqTwoByteString.chars"),
    CONS_STRING_FIRST_OFFSET("ConsString.first"),
    CONS_STRING_SECOND_OFFSET("ConsString.second"),
    SLICED_STRING_PARENT_OFFSET("SlicedString.parent"),
    SLICED_STRING_OFFSET_OFFSET("SlicedString.offset"),
    THIN_STRING_ACTUAL_OFFSET("ThinString.actual"),
    EXTERNAL_STRING_RESOURCE_OFFSET("ExternalString.resource"),
    EXTERNAL_STRING_RESOURCE_DATA_OFFSET(Fallbacks.EXTERNAL_STRING_RESOURCE_DATA, "ExternalString.resource_data"),

    // ---- functions and scripts
    JS_FUNCTION_SHARED_OFFSET("JSFunction.shared", "JSFunction.shared_function_info"),
    JS_FUNCTION_CONTEXT_OFFSET("JSFunction.context"),
    JS_FUNCTION_FEEDBACK_CELL_OFFSET("JSFunction.raw_feedback_cell", "JSFunction.feedback_cell"),
    /** Optional: there is no code pointer in JSFunction from V8 13 (leaptiering). */
    JS_FUNCTION_CODE_OFFSET(true, Fallbacks.JS_FUNCTION_CODE, "JSFunction.code", "JSFunction.raw_code"),
    SFI_NAME_OR_SCOPE_INFO_OFFSET("SharedFunctionInfo.name_or_scope_info"),
    SFI_SCRIPT_OFFSET("SharedFunctionInfo.script", "SharedFunctionInfo.raw_script", "SharedFunctionInfo.script_or_debug_info"),
    /** Optional: split into trusted/untrusted function data from V8 12 (node 22+), no metadata. */
    SFI_FUNCTION_DATA_OFFSET(true, null, "SharedFunctionInfo.function_data"),
    SFI_FLAGS_OFFSET("SharedFunctionInfo.flags"),
    SFI_FORMAL_PARAMETER_COUNT_OFFSET("SharedFunctionInfo.internal_formal_parameter_count", "SharedFunctionInfo.formal_parameter_count"),
    SFI_FUNCTION_TOKEN_OFFSET_OFFSET("SharedFunctionInfo.raw_function_token_offset", "SharedFunctionInfo.function_token_offset"),
    SCRIPT_SOURCE_OFFSET(Fallbacks.SCRIPT_SOURCE, "Script.source"),
    SCRIPT_NAME_OFFSET("Script.name"),
    SCRIPT_LINE_OFFSET_OFFSET(Fallbacks.SCRIPT_LINE_OFFSET, "Script.line_offset"),
    SCRIPT_COLUMN_OFFSET_OFFSET(Fallbacks.SCRIPT_COLUMN_OFFSET, "Script.column_offset"),
    SCRIPT_TYPE_OFFSET(Fallbacks.SCRIPT_TYPE, "Script.type", "Script.script_type"),
    SCRIPT_LINE_ENDS_OFFSET("Script.line_ends"),
    SCRIPT_ID_OFFSET(Fallbacks.SCRIPT_ID, "Script.id"),

    // ---- contexts and scope infos
    CONTEXT_HEADER_SIZE(Fallbacks.CONTEXT_HEADER, "Context.elements"),
    CONTEXT_SCOPE_INFO_INDEX("context_idx_scope_info"),
    CONTEXT_PREVIOUS_INDEX("context_idx_prev"),
    CONTEXT_MIN_SLOTS("context_min_slots"),
    NATIVE_CONTEXT_EMBEDDER_DATA_OFFSET("native_context_embedder_data_offset"),
    SCOPE_INFO_FIELDS_OFFSET(Fallbacks.SCOPE_INFO_FIELDS),
    SCOPE_INFO_NUM_PARAMETERS_INDEX("scopeinfo_idx_nparams"),
    SCOPE_INFO_NUM_CONTEXT_LOCALS_INDEX("scopeinfo_idx_ncontextlocals"),
    SCOPE_INFO_FIRST_VARS_INDEX("scopeinfo_idx_first_vars"),

    // ---- descriptors and property details
    DESCRIPTOR_ARRAY_HEADER_SIZE("DescriptorArray.header_size"),
    PROP_DESC_KEY("prop_desc_key"),
    PROP_DESC_DETAILS("prop_desc_details"),
    PROP_DESC_VALUE("prop_desc_value"),
    PROP_DESC_SIZE("prop_desc_size"),
    PROP_INDEX_MASK("prop_index_mask"),
    PROP_INDEX_SHIFT("prop_index_shift"),
    PROP_KIND_MASK("prop_kind_mask"),
    PROP_KIND_ACCESSOR("prop_kind_Accessor"),
    PROP_LOCATION_MASK("prop_location_mask"),
    PROP_LOCATION_SHIFT("prop_location_shift"),
    PROP_LOCATION_FIELD("prop_location_Field"),
    PROP_LOCATION_DESCRIPTOR("prop_location_Descriptor"),
    PROP_REPRESENTATION_MASK("prop_representation_mask"),
    PROP_REPRESENTATION_SHIFT("prop_representation_shift"),
    PROP_REPRESENTATION_DOUBLE("prop_representation_double"),
    PROP_ATTRIBUTES_MASK("prop_attributes_mask"),
    PROP_ATTRIBUTES_SHIFT("prop_attributes_shift"),

    // ---- stack frames (offsets from the frame pointer)
    FP_CALLER_FP_OFFSET(Fallbacks.CALLER_FP),
    FP_CALLER_PC_OFFSET(Fallbacks.CALLER_PC),
    FP_ARGS_OFFSET("off_fp_args"),
    FP_CONSTANT_POOL_OFFSET("off_fp_constant_pool"),
    FP_CONTEXT_OFFSET("off_fp_context"),
    FP_CONTEXT_OR_FRAME_TYPE_OFFSET("off_fp_context_or_frame_type"),
    FP_FUNCTION_OFFSET("off_fp_function"),
    FP_ARGC_OFFSET(Fallbacks.ARGC, "off_fp_argc"),
    FP_BYTECODE_ARRAY_OFFSET(Fallbacks.BYTECODE_ARRAY, "off_fp_bytecode_array"),
    FP_BYTECODE_OFFSET_OFFSET(Fallbacks.BYTECODE_OFFSET, "off_fp_bytecode_offset"),
    /** 1 if a JS frame's argc slot counts the receiver, 0 if not. */
    ARGC_INCLUDES_RECEIVER(Fallbacks.ARGC_INCLUDES_RECEIVER);

    private final List<String> keys;
    private final Function<V8Metadata, OptionalLong> derive;
    private final Fallback fallback;
    private final boolean optional;

    V8Fact(String... keys) { this(false, null, null, keys); }
    V8Fact(Fallback fallback, String... keys) { this(false, null, fallback, keys); }
    V8Fact(boolean optional, Fallback fallback, String... keys) { this(optional, null, fallback, keys); }
    V8Fact(Function<V8Metadata, OptionalLong> derive, String... keys) { this(false, derive, null, keys); }

    V8Fact(boolean optional, Function<V8Metadata, OptionalLong> derive, Fallback fallback, String... keys) {
        this.keys = List.of(keys);
        this.derive = derive;
        this.fallback = fallback;
        this.optional = optional;
    }

    /** Metadata keys tried in order: constant names, or "Class.field" for field offsets. */
    public List<String> keys() { return keys; }

    /** The fallback rule, or null. */
    public Fallback fallback() { return fallback; }

    /** True if the fact legitimately does not exist in some supported V8 versions. */
    public boolean optional() { return optional; }

    Function<V8Metadata, OptionalLong> derivation() { return derive; }

    /** Keys as v8dbg names, for messages: "v8dbg_class_JSArray__length__*". */
    public String describeKeys() {
        if (keys.isEmpty()) return name();
        StringBuilder sb = new StringBuilder();
        for (String k : keys) {
            if (!sb.isEmpty()) sb.append(" | ");
            int dot = k.indexOf('.');
            sb.append(dot < 0 ? "v8dbg_" + k : "v8dbg_class_" + k.substring(0, dot) + "__" + k.substring(dot + 1) + "__*");
        }
        return sb.toString();
    }

    private static OptionalLong sum(V8Metadata m, V8Fact a, V8Fact b) {
        OptionalLong x = m.find(a), y = m.find(b);
        return x.isPresent() && y.isPresent() ? OptionalLong.of(x.getAsLong() + y.getAsLong()) : OptionalLong.empty();
    }

    private static OptionalLong pow2(V8Metadata m, V8Fact log2) {
        OptionalLong l = m.find(log2);
        return l.isPresent() && l.getAsLong() >= 0 && l.getAsLong() < 16 ? OptionalLong.of(1L << l.getAsLong()) : OptionalLong.empty();
    }
}
