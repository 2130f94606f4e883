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
    PROP_ATTRIBUTES_DONT_ENUM("prop_attributes_DONT_ENUM"),

    // ---- heap object model (io.jsmdb.v8.heap); most are V8 facts the metadata never had
    MAP_NEW_TARGET_IS_BASE_BIT(Fallbacks.NEW_TARGET_IS_BASE_BIT),
    MAP_IS_PROTOTYPE_MAP_SHIFT(m -> m.find(V8Fact.IS_DICTIONARY_MAP_SHIFT).isPresent()
            ? OptionalLong.of(m.find(V8Fact.IS_DICTIONARY_MAP_SHIFT).getAsLong() - 1) : OptionalLong.empty()),
    MAP_PROTOTYPE_INFO_OFFSET("Map.prototype_info"),
    DESCRIPTOR_ARRAY_NUMBER_OF_DESCRIPTORS_OFFSET(Fallbacks.DESCRIPTOR_ARRAY_NUMBER_OF_DESCRIPTORS),
    PROPERTY_ARRAY_LENGTH_MASK(Fallbacks.PROPERTY_ARRAY_LENGTH),
    NAME_DICTIONARY_PREFIX_START_INDEX("namedictionary_prefix_start_index"),
    NAME_DICTIONARY_PREFIX_SIZE("namedictionaryshape_prefix_size"),
    NAME_DICTIONARY_ENTRY_SIZE("namedictionaryshape_entry_size"),
    NUMBER_DICTIONARY_PREFIX_SIZE("numberdictionaryshape_prefix_size"),
    NUMBER_DICTIONARY_ENTRY_SIZE("numberdictionaryshape_entry_size"),
    GLOBAL_DICTIONARY_ENTRY_SIZE("globaldictionaryshape_entry_size"),
    /** Not NAME_DICTIONARY_PREFIX_SIZE: the global dictionary kept the 2-slot prefix when NameDictionary's grew. */
    GLOBAL_DICTIONARY_PREFIX_SIZE(Fallbacks.GLOBAL_DICTIONARY_PREFIX),
    PROPERTY_CELL_VALUE_OFFSET(Fallbacks.PROPERTY_CELL_VALUE),
    PROPERTY_CELL_NAME_OFFSET(Fallbacks.PROPERTY_CELL_NAME),
    PROPERTY_CELL_DETAILS_OFFSET(Fallbacks.PROPERTY_CELL_DETAILS),
    BIGINT_BITFIELD_OFFSET(Fallbacks.BIGINT_BITFIELD),
    BIGINT_DIGITS_OFFSET(Fallbacks.BIGINT_DIGITS),
    SYMBOL_FLAGS_OFFSET(Fallbacks.SYMBOL_FLAGS),
    ACCESSOR_PAIR_GETTER_OFFSET(Fallbacks.ACCESSOR_PAIR_GETTER, "AccessorPair.getter"),
    ACCESSOR_PAIR_SETTER_OFFSET(Fallbacks.ACCESSOR_PAIR_SETTER, "AccessorPair.setter"),
    JS_BOUND_FUNCTION_TARGET_OFFSET(Fallbacks.BOUND_TARGET, "JSBoundFunction.bound_target_function"),
    JS_BOUND_FUNCTION_THIS_OFFSET(Fallbacks.BOUND_THIS, "JSBoundFunction.bound_this"),
    JS_BOUND_FUNCTION_ARGUMENTS_OFFSET(Fallbacks.BOUND_ARGUMENTS, "JSBoundFunction.bound_arguments"),
    JS_FUNCTION_PROTOTYPE_OR_INITIAL_MAP_OFFSET("JSFunction.prototype_or_initial_map"),
    JS_PROXY_TARGET_OFFSET(Fallbacks.PROXY_TARGET, "JSProxy.target"),
    JS_PROXY_HANDLER_OFFSET(Fallbacks.PROXY_HANDLER, "JSProxy.handler"),
    JS_PRIMITIVE_WRAPPER_VALUE_OFFSET(Fallbacks.PRIMITIVE_WRAPPER_VALUE, "JSPrimitiveWrapper.value"),
    JS_PROMISE_REACTIONS_OR_RESULT_OFFSET(Fallbacks.PROMISE_RESULT, "JSPromise.reactions_or_result"),
    JS_PROMISE_FLAGS_OFFSET(Fallbacks.PROMISE_FLAGS, "JSPromise.flags"),
    JS_GENERATOR_FUNCTION_OFFSET(Fallbacks.GENERATOR_FUNCTION, "JSGeneratorObject.function"),
    JS_GENERATOR_CONTEXT_OFFSET(Fallbacks.GENERATOR_CONTEXT, "JSGeneratorObject.context"),
    JS_GENERATOR_RECEIVER_OFFSET(Fallbacks.GENERATOR_RECEIVER, "JSGeneratorObject.receiver"),
    JS_GENERATOR_CONTINUATION_OFFSET(Fallbacks.GENERATOR_CONTINUATION, "JSGeneratorObject.continuation"),
    JS_COLLECTION_TABLE_OFFSET(Fallbacks.COLLECTION_TABLE, "JSCollection.table"),
    JS_WEAK_COLLECTION_TABLE_OFFSET(Fallbacks.COLLECTION_TABLE, "JSWeakCollection.table"),
    JS_DATE_VALUE_OFFSET("JSDate.value"),
    JS_DATE_VALUE_IS_RAW_DOUBLE(Fallbacks.DATE_VALUE_IS_RAW_DOUBLE),
    JS_REGEXP_SOURCE_OFFSET("JSRegExp.source"),
    JS_REGEXP_FLAGS_OFFSET(Fallbacks.REGEXP_FLAGS, "JSRegExp.flags"),
    JS_REGEXP_LAST_INDEX_OFFSET("JSRegExp.last_index"),
    JS_ARRAY_BUFFER_BYTE_LENGTH_OFFSET("JSArrayBuffer.byte_length"),
    JS_ARRAY_BUFFER_BACKING_STORE_OFFSET("JSArrayBuffer.backing_store"),
    JS_ARRAY_BUFFER_VIEW_BUFFER_OFFSET(Fallbacks.VIEW_BUFFER, "JSArrayBufferView.buffer"),
    JS_ARRAY_BUFFER_VIEW_BYTE_OFFSET_OFFSET("JSArrayBufferView.byte_offset"),
    JS_ARRAY_BUFFER_VIEW_BYTE_LENGTH_OFFSET("JSArrayBufferView.byte_length"),
    /** Optional: V8 14 (node 25+) keeps no length field; it is byte_length / element size. */
    JS_TYPED_ARRAY_LENGTH_OFFSET(true, null, "JSTypedArray.length"),
    JS_TYPED_ARRAY_EXTERNAL_POINTER_OFFSET("JSTypedArray.external_pointer"),
    JS_TYPED_ARRAY_BASE_POINTER_OFFSET("JSTypedArray.base_pointer"),
    SLOPPY_ARGUMENTS_ELEMENTS_ARGUMENTS_OFFSET(Fallbacks.SLOPPY_ARGUMENTS_ARGUMENTS),
    UNCOMPILED_DATA_INFERRED_NAME_OFFSET("UncompiledData.inferred_name"),
    UNCOMPILED_DATA_START_POSITION_OFFSET("UncompiledData.start_position"),
    SFI_UNTRUSTED_FUNCTION_DATA_OFFSET(Fallbacks.SFI_UNTRUSTED_FUNCTION_DATA, "SharedFunctionInfo.function_data",
            "SharedFunctionInfo.untrusted_function_data"),
    SCOPE_INFO_MAX_INLINED_LOCAL_NAMES(Fallbacks.SCOPE_INFO_MAX_INLINED_LOCALS),
    HASH_TABLE_CAPACITY_INDEX(Fallbacks.HASH_TABLE_CAPACITY),
    NAME_TO_INDEX_TABLE_PREFIX_SIZE(Fallbacks.NAME_TO_INDEX_PREFIX),
    NAME_TO_INDEX_TABLE_ENTRY_SIZE(Fallbacks.NAME_TO_INDEX_ENTRY),
    ODDBALL_TO_STRING_OFFSET(Fallbacks.ODDBALL_TO_STRING, "Oddball.to_string"),
    /**
     * Shift of PropertyDetails' dictionary enumeration index (DictionaryStorageField), right after
     * the attributes (3 bits) and PropertyCellType: 2 bits in V8 9.x, 3 bits from V8 10
     * (property-details.h). 8 in all seven builds; verified by the insertion order of a
     * dictionary-mode object on the fixture cores.
     */
    PROP_DICTIONARY_STORAGE_SHIFT(m -> m.find(V8Fact.PROP_ATTRIBUTES_SHIFT).isPresent() && m.version().isPresent()
            ? OptionalLong.of(m.find(V8Fact.PROP_ATTRIBUTES_SHIFT).getAsLong() + 3 + (m.version().get().major() < 10 ? 2 : 3))
            : OptionalLong.empty()),
    /** SharedFunctionInfo flags: FunctionKindBits (bits 0-4); class constructors are kinds 3-6. */
    SFI_FUNCTION_KIND_MASK(Fallbacks.SFI_FUNCTION_KIND),
    /** kHoleNanInt64: the bit pattern of a hole in a FixedDoubleArray. */
    HOLE_NAN_BITS(Fallbacks.HOLE_NAN),

    // ---- the heap snapshot's object model (io.jsmdb.v8.graph). Optional: where a version's
    // metadata lacks one, that field is reported as a hidden reference instead of a named one.
    MAP_RAW_TRANSITIONS_OFFSET(true, null, "Map.raw_transitions", "Map.transitions_or_prototype_info"),
    MAP_DEPENDENT_CODE_OFFSET(true, null, "Map.dependent_code"),
    JS_GLOBAL_OBJECT_NATIVE_CONTEXT_OFFSET(true, null, "JSGlobalObject.native_context"),
    JS_GLOBAL_OBJECT_GLOBAL_PROXY_OFFSET(true, null, "JSGlobalObject.global_proxy"),
    SFI_OUTER_SCOPE_INFO_OR_FEEDBACK_METADATA_OFFSET(true, null, "SharedFunctionInfo.outer_scope_info_or_feedback_metadata",
            "SharedFunctionInfo.feedback_metadata"),
    FEEDBACK_CELL_VALUE_OFFSET(true, null, "FeedbackCell.value"),
    CELL_VALUE_OFFSET(true, null, "Cell.value"),
    ALLOCATION_SITE_NESTED_SITE_OFFSET(true, null, "AllocationSite.nested_site"),
    ALLOCATION_SITE_DEPENDENT_CODE_OFFSET(true, null, "AllocationSite.dependent_code"),
    /**
     * JSWeakRef::target: js-weak-refs.tq {@code extern class JSWeakRef extends JSObject { target:
     * Undefined|JSReceiver|Symbol; }}, the first field after the JSObject header. Never in the
     * metadata; checked on the heap fixture cores of all seven versions (ObjectModelTest: the
     * weak "target" edge of jsmdbHeap.weakRef is the object the fixture gave it).
     */
    JS_WEAK_REF_TARGET_OFFSET(m -> m.find(V8Fact.JS_OBJECT_HEADER_SIZE), "JSWeakRef.target"),
    WEAK_CELL_TARGET_OFFSET(Fallbacks.WEAK_CELL_TARGET, "WeakCell.target"),
    WEAK_CELL_UNREGISTER_TOKEN_OFFSET(Fallbacks.WEAK_CELL_UNREGISTER_TOKEN, "WeakCell.unregister_token"),
    /** The SymbolFlags bits of a symbol the heap snapshot calls private (see Fallbacks.SYMBOL_PRIVATE). */
    SYMBOL_FLAGS_PRIVATE_MASK(Fallbacks.SYMBOL_PRIVATE),

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
    ARGC_INCLUDES_RECEIVER(Fallbacks.ARGC_INCLUDES_RECEIVER),

    // ---- heap pages and object sizes (the heap walker)
    HEAP_PAGE_ALIGNMENT(Fallbacks.PAGE_ALIGNMENT),
    /** -1 before V8 12: the chunk header is at the page start; else the offset of the metadata pointer. */
    CHUNK_METADATA_POINTER_OFFSET(Fallbacks.CHUNK_METADATA_POINTER),
    /** Flags word, from the page start. */
    CHUNK_FLAGS_OFFSET(Fallbacks.CHUNK_FLAGS),
    /** Chunk fields, from the chunk metadata (see CHUNK_METADATA_POINTER_OFFSET). */
    CHUNK_SIZE_OFFSET(Fallbacks.CHUNK_SIZE),
    CHUNK_HEAP_OFFSET(Fallbacks.CHUNK_HEAP),
    CHUNK_AREA_START_OFFSET(Fallbacks.CHUNK_AREA_START),
    CHUNK_AREA_END_OFFSET(Fallbacks.CHUNK_AREA_END),
    CHUNK_OWNER_OFFSET(Fallbacks.CHUNK_OWNER),
    CHUNK_FROM_PAGE_FLAG(Fallbacks.FROM_PAGE_FLAG),
    FREE_SPACE_SIZE_OFFSET(Fallbacks.FREE_SPACE_SIZE),
    FREE_SPACE_SIZE_SHIFT(Fallbacks.FREE_SPACE_SIZE_SHIFT),
    NATIVE_CONTEXT_TRAILING_BYTES(Fallbacks.NATIVE_CONTEXT_TRAILING),
    OBJECT_BOILERPLATE_DESCRIPTION_HEADER(Fallbacks.OBJECT_BOILERPLATE_DESCRIPTION_HEADER),
    SCRIPT_CONTEXT_TABLE_HEADER(Fallbacks.SCRIPT_CONTEXT_TABLE_HEADER),
    ARRAY_LIST_HEADER(Fallbacks.ARRAY_LIST_HEADER),
    WEAK_ARRAY_LIST_HEADER(Fallbacks.WEAK_ARRAY_LIST),
    SLOPPY_ARGUMENTS_ELEMENTS_HEADER(Fallbacks.SLOPPY_ARGUMENTS_HEADER),
    FEEDBACK_VECTOR_HEADER(Fallbacks.FEEDBACK_VECTOR_HEADER),
    BYTECODE_ARRAY_HEADER(Fallbacks.BYTECODE_ARRAY_HEADER, "BytecodeArray.data"),
    /** Chunk list_node_ {next, prev} from the chunk metadata (a first guess; HeapPages verifies it). */
    PAGE_LIST_NODE_OFFSET(true, Fallbacks.PAGE_LIST_NODE),
    /** SemiSpace memory_chunk_list_ {front, back} (a first guess; HeapPages verifies it). */
    SEMI_SPACE_PAGE_LIST_OFFSET(true, Fallbacks.SEMI_SPACE_PAGE_LIST),
    /** The new-space LAB {start, top, limit} relative to the Heap* (10.2+; breaks ties between candidates). */
    NEW_SPACE_LAB_FROM_HEAP(true, Fallbacks.NEW_LAB_FROM_HEAP),
    /** The new-space LAB relative to the to-space SemiSpace object (9.4; breaks ties between candidates). */
    NEW_SPACE_LAB_FROM_TO_SPACE(true, Fallbacks.NEW_LAB_FROM_TO_SPACE),
    /** Chunk concurrent_sweeping_ (0 done, 1 pending, 2 in progress), from the chunk metadata. */
    CHUNK_SWEEPING_STATE_OFFSET(true, Fallbacks.SWEEPING_STATE),
    /** Chunk live_byte_count_ (bytes of marked objects), from the chunk metadata. */
    CHUNK_LIVE_BYTES_OFFSET(true, Fallbacks.LIVE_BYTES),
    /** Chunk marking bitmap, from the chunk metadata (one bit per tagged word from the page start). */
    CHUNK_MARKING_BITMAP_OFFSET(true, Fallbacks.MARKING_BITMAP),
    /** The literal boilerplate object (or transition info Smi) of an AllocationSite. */
    ALLOCATION_SITE_BOILERPLATE_OFFSET(Fallbacks.ALLOCATION_SITE_BOILERPLATE, "AllocationSite.transition_info_or_boilerplate"),
    /** The raw {pretenure_data, pretenure_create_count} word of an AllocationSite. */
    ALLOCATION_SITE_PRETENURE_DATA_OFFSET(Fallbacks.ALLOCATION_SITE_PRETENURE_DATA),
    /** FeedbackVector::shared_function_info, after the vector's raw counts and flags. */
    FEEDBACK_VECTOR_SHARED_OFFSET(Fallbacks.FEEDBACK_VECTOR_SHARED),

    // ---- GC roots (io.jsmdb.v8.graph.GcRoots)
    /** IsolateData::roots_table_ from the Isolate (a cross-check; GcRoots finds the isolate itself). */
    ISOLATE_ROOTS_TABLE_OFFSET(true, Fallbacks.ISOLATE_ROOTS_TABLE),
    /** GlobalHandles::regular_nodes_ (NodeSpace<Node>*) from the GlobalHandles object. */
    GLOBAL_HANDLES_REGULAR_NODES_OFFSET(true, Fallbacks.GLOBAL_HANDLES_REGULAR_NODES),
    /** The mask of GlobalHandles::Node's state in its flags_ byte. */
    GLOBAL_HANDLE_STATE_MASK(true, Fallbacks.GLOBAL_HANDLE_STATE_MASK),
    /** HandleScopeImplementer::saved_contexts_ (a DetachableVector) from the implementer. */
    HANDLE_SCOPE_IMPLEMENTER_SAVED_CONTEXTS_OFFSET(true, Fallbacks.HANDLE_SCOPE_SAVED_CONTEXTS),
    /** 1 where the snapshot's root links native contexts (14.6), 0 where it links their global objects. */
    SNAPSHOT_ROOT_LINKS_NATIVE_CONTEXT(true, Fallbacks.SNAPSHOT_ROOT_LINKS_NATIVE_CONTEXT),

    // ---- JS frame decoding (io.jsmdb.v8.frames)
    /** BytecodeArray::source_position_table (ByteArray / TrustedByteArray, or undefined while lazy). */
    BYTECODE_ARRAY_SOURCE_POSITION_TABLE_OFFSET(Fallbacks.BYTECODE_ARRAY_SOURCE_POSITIONS, "BytecodeArray.source_position_table"),
    /** First data byte of a ByteArray / TrustedByteArray (its length is the Smi at FIXED_ARRAY_LENGTH_OFFSET). */
    BYTE_ARRAY_DATA_OFFSET(Fallbacks.BYTE_ARRAY_DATA, "ByteArray.data"),
    /** 0: code-offset deltas are zig-zag, negative = expression (V8 <= 13.6); 1: u & 1 = statement, u >> 2 = delta (V8 14). */
    SOURCE_POSITION_TABLE_ENCODING(Fallbacks.SOURCE_POSITION_ENCODING),
    CODE_KIND_FIELD_MASK(Fallbacks.CODE_KIND_MASK, "CodeKindFieldMask"),
    CODE_KIND_FIELD_SHIFT(Fallbacks.CODE_KIND_SHIFT, "CodeKindFieldShift"),
    CODE_KIND_BASELINE(Fallbacks.CODE_KIND_BASELINE_9, "CodeKindBaseline"),
    /** CodeKind::MAGLEV (TURBOPROP in V8 9.4): BASELINE + 1 in every V8 9.4-14.6 (code-kind.h order). */
    CODE_KIND_MAGLEV(m -> plus(m, V8Fact.CODE_KIND_BASELINE, 1)),
    /** CodeKind::TURBOFAN (TURBOFAN_JS in 14.x): BASELINE + 2 in every V8 9.4-14.6 (code-kind.h order). */
    CODE_KIND_TURBOFAN(m -> plus(m, V8Fact.CODE_KIND_BASELINE, 2)),
    /** Code::flags (kind in the low bits). */
    CODE_FLAGS_OFFSET(Fallbacks.CODE_FLAGS, "Code.flags"),
    /** Where the instructions start inside a Code object (V8 < 11: no InstructionStream); empty from 11. */
    CODE_INLINE_INSTRUCTIONS_OFFSET(true, m -> hasInstructionStream(m) ? OptionalLong.empty() : asLong(m.fieldOffset("Code", "instruction_start")), null),
    /** Code::instruction_start, a raw pointer field (V8 11+); empty before 11 (instructions inline). */
    CODE_INSTRUCTION_START_OFFSET(true, m -> !hasInstructionStream(m) ? OptionalLong.empty() : asLong(m.fieldOffset("Code", "instruction_start")),
            Fallbacks.CODE_INSTRUCTION_START_11),
    /** Code::instruction_size (int32); missing for V8 11.3 (node 20). */
    CODE_INSTRUCTION_SIZE_OFFSET(true, null, "Code.instruction_size"),
    /** Code::source_position_table (optimized code), bytecode_offset_table (baseline code): one slot. */
    CODE_SOURCE_POSITION_TABLE_OFFSET(Fallbacks.CODE_POSITION_TABLE, "Code.source_position_table", "Code.bytecode_offset_table"),
    CODE_DEOPTIMIZATION_DATA_OFFSET(Fallbacks.CODE_DEOPT_DATA, "Code.deoptimization_data"),
    /** Code::instruction_stream (V8 11+). */
    CODE_INSTRUCTION_STREAM_OFFSET(true, Fallbacks.CODE_INSTRUCTION_STREAM_11, "Code.instruction_stream"),
    /** InstructionStream::code, the back pointer to its Code (V8 11+). */
    INSTRUCTION_STREAM_CODE_OFFSET(true, Fallbacks.INSTRUCTION_STREAM_CODE, "InstructionStream.code"),
    INSTRUCTION_STREAM_INSTRUCTION_START_OFFSET(true, null, "InstructionStream.instruction_start"),
    DEOPT_DATA_INLINED_FUNCTION_COUNT_INDEX(Fallbacks.DEOPT_INLINED_COUNT, "DeoptimizationDataInlinedFunctionCountIndex"),
    DEOPT_DATA_LITERAL_ARRAY_INDEX(Fallbacks.DEOPT_LITERALS, "DeoptimizationDataLiteralArrayIndex"),
    DEOPT_DATA_INLINING_POSITIONS_INDEX(Fallbacks.DEOPT_INLINING_POSITIONS, "DeoptimizationDataInliningPositionsIndex"),
    /** The outermost SFI (to V8 12); V8 13+ wraps it (DEOPT_DATA_WRAPPED_SFI_INDEX). */
    DEOPT_DATA_SFI_INDEX(true, Fallbacks.DEOPT_SFI, "DeoptimizationDataSharedFunctionInfoIndex"),
    DEOPT_DATA_WRAPPED_SFI_INDEX(true, null, "DeoptimizationDataWrappedSharedFunctionInfoIndex"),
    SFI_WRAPPER_SHARED_INFO_OFFSET(true, null, "SharedFunctionInfoWrapper.shared_info"),
    /**
     * DeoptimizationData's deopt-exit fields and entries (never in the metadata): the offset of
     * the first deopt exit in the instructions, the counts of eager (non-lazy) and lazy exits,
     * and per exit an entry {bytecode offset, translation index, pc} whose pc is, for a lazy
     * exit, the return address of the call it stands for.
     */
    DEOPT_DATA_DEOPT_EXIT_START_INDEX(Fallbacks.DEOPT_EXIT_START),
    DEOPT_DATA_EAGER_DEOPT_COUNT_INDEX(Fallbacks.DEOPT_EAGER_COUNT),
    DEOPT_DATA_LAZY_DEOPT_COUNT_INDEX(Fallbacks.DEOPT_LAZY_COUNT),
    DEOPT_DATA_FIRST_ENTRY_INDEX(Fallbacks.DEOPT_FIRST_ENTRY),
    DEOPT_DATA_ENTRY_SIZE(Fallbacks.DEOPT_ENTRY_SIZE),
    DEOPT_DATA_ENTRY_PC_OFFSET(Fallbacks.DEOPT_ENTRY_PC),
    DEOPT_DATA_ENTRY_BYTECODE_OFFSET(Fallbacks.DEOPT_ENTRY_BYTECODE_OFFSET),
    /**
     * The MaglevSafepointTable right after Maglev code's instructions (V8 13+): where its length
     * and entry configuration are and where its entries start. Optional: empty before V8 13.
     */
    MAGLEV_SAFEPOINT_LENGTH_OFFSET(true, Fallbacks.MAGLEV_SAFEPOINT_LENGTH),
    MAGLEV_SAFEPOINT_CONFIG_OFFSET(true, Fallbacks.MAGLEV_SAFEPOINT_CONFIG),
    MAGLEV_SAFEPOINT_HEADER_SIZE(true, Fallbacks.MAGLEV_SAFEPOINT_HEADER),
    /** x64 Deoptimizer::kEagerDeoptExitSize / kLazyDeoptExitSize: bytes per deopt exit. */
    DEOPT_EXIT_EAGER_SIZE(Fallbacks.DEOPT_EXIT_EAGER_SIZE),
    DEOPT_EXIT_LAZY_SIZE(Fallbacks.DEOPT_EXIT_LAZY_SIZE),
    /** sizeof(InliningPosition) {int64 position; int32 inlined_function_id; pad} and the id's offset. */
    INLINING_POSITION_SIZE(Fallbacks.INLINING_POSITION_SIZE),
    INLINING_POSITION_FUNCTION_ID_OFFSET(Fallbacks.INLINING_POSITION_ID),
    /** 1 if ScopeInfo flags (index 0) is a Smi (V8 <= 12), 0 if a raw uint32 (V8 13+). */
    SCOPE_INFO_FLAGS_IS_SMI(Fallbacks.SCOPE_INFO_FLAGS_SMI),
    /** ScopeType::FUNCTION_SCOPE (MODULE_SCOPE is the next value) in the ScopeInfo flags. */
    SCOPE_INFO_FUNCTION_SCOPE_TYPE(Fallbacks.SCOPE_TYPE_FUNCTION),
    /** 1 if ScopeInfo has a receiver_info slot before function_variable_info (V8 9.x only). */
    SCOPE_INFO_HAS_RECEIVER_INFO(Fallbacks.SCOPE_INFO_RECEIVER_INFO),
    /** 1 if module scopes start the variable part with module_variable_count (V8 13+). */
    SCOPE_INFO_HAS_MODULE_VARIABLE_COUNT(Fallbacks.SCOPE_INFO_MODULE_COUNT),
    SCRIPT_EVAL_FROM_SHARED_OFFSET("Script.eval_from_shared_or_wrapped_arguments",
            "Script.eval_from_shared_or_wrapped_arguments_or_sfi_table", "Script.eval_from_shared"),
    SCRIPT_EVAL_FROM_POSITION_OFFSET("Script.eval_from_position"),
    /** Script::source_url: the "//# sourceURL=" comment's URL, undefined when none. */
    SCRIPT_SOURCE_URL_OFFSET(Fallbacks.SCRIPT_SOURCE_URL),
    SFI_LENGTH_OFFSET("SharedFunctionInfo.length"),
    /** BuiltinExitFrame: the target JSFunction and argc (a Smi) above the fp (builtin-exit-frame constants). */
    BUILTIN_EXIT_FRAME_TARGET_OFFSET(Fallbacks.BUILTIN_EXIT_TARGET),
    BUILTIN_EXIT_FRAME_ARGC_OFFSET(Fallbacks.BUILTIN_EXIT_ARGC),
    /** What a BuiltinExitFrame's argc counts besides the arguments: new.target, target, argc, padding, receiver. */
    BUILTIN_EXIT_FRAME_EXTRA_ARGS(Fallbacks.BUILTIN_EXIT_EXTRA),
    /** A BuiltinExitFrame's receiver slot; argument i (0-based) follows at + 8 * (i + 1). */
    BUILTIN_EXIT_FRAME_RECEIVER_OFFSET(Fallbacks.BUILTIN_EXIT_RECEIVER),
    /** ApiCallbackExitFrame (V8 12+): the target JSFunction (or FunctionTemplateInfo), fp-relative. */
    API_CALLBACK_EXIT_FRAME_TARGET_OFFSET(true, Fallbacks.API_EXIT_TARGET),
    /** ApiCallbackExitFrame: the argument count without the receiver, fp-relative (see ..._ARGC_IS_SMI). */
    API_CALLBACK_EXIT_FRAME_ARGC_OFFSET(true, Fallbacks.API_EXIT_ARGC),
    /** 1 if the ApiCallbackExitFrame's argc is a Smi (V8 12), 0 if a raw int (FunctionCallbackInfo::length_, V8 13+). */
    API_CALLBACK_EXIT_FRAME_ARGC_IS_SMI(true, Fallbacks.API_EXIT_ARGC_IS_SMI),
    /** ApiCallbackExitFrame: the receiver slot; argument i (0-based) follows at + 8 * (i + 1). */
    API_CALLBACK_EXIT_FRAME_RECEIVER_OFFSET(true, Fallbacks.API_EXIT_RECEIVER);

    private static boolean hasInstructionStream(V8Metadata m) {
        return m.type("INSTRUCTION_STREAM_TYPE").isPresent();
    }

    private static OptionalLong asLong(java.util.OptionalInt i) {
        return i.isPresent() ? OptionalLong.of(i.getAsInt()) : OptionalLong.empty();
    }

    private static OptionalLong plus(V8Metadata m, V8Fact f, long d) {
        OptionalLong v = m.find(f);
        return v.isPresent() ? OptionalLong.of(v.getAsLong() + d) : OptionalLong.empty();
    }

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
