package io.jsmdb.v8;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * The one place for V8 layout facts that some binaries' {@code v8dbg_*} metadata lacks.
 *
 * <p>Every value here says which V8 / node versions it holds for and where the fact comes
 * from. "Verified" means: checked on the official x64 builds of node 16.20.2 (V8 9.4.146.26),
 * 18.20.8 (10.2.154.26), 20.20.2 (11.3.244.8), 22.23.3 (12.4.254.21), 24.21.0 (13.6.233.17),
 * 25.9.0 (14.1.146.11) and 26.12.1 (14.6.202.34) by running the binary under gdb with
 * {@code --allow-natives-syntax}, taking object addresses from {@code %DebugPrint} and reading
 * the words at the offsets below (known JS values: an array [1,2,3], a vm.Script with
 * lineOffset 7 / columnOffset 3, a closure's context, an external string from
 * {@code Buffer#toString('latin1')} of 2 MB, the interpreted frame of a function that calls
 * {@code %SystemBreak()}), or, for instance-type ranges, from the range checks in the binary's
 * own machine code. Values without a version gate are used for any version (a version outside
 * the verified range is reported by {@link V8Metadata#resolutions()}); gated values are used
 * only inside their gate, and outside it the accessor fails with
 * {@link MissingMetadataException}.
 *
 * <p>All offsets assume 64-bit pointers without pointer compression (official node builds).
 */
public final class Fallbacks {
    private Fallbacks() {}

    /** The oldest and newest V8 the fallbacks were verified on. */
    public static final V8Version VERIFIED_OLDEST = new V8Version(9, 4, 146, 26);
    public static final V8Version VERIFIED_NEWEST = new V8Version(14, 6, 202, 34);

    /** A fallback rule: a value, maybe depending on the version or on other metadata. */
    public record Fallback(String name, String holdsFor, String source, Function<V8Metadata, OptionalLong> rule) {
        public OptionalLong apply(V8Metadata m) { return rule.apply(m); }
    }

    private static Fallback stable(String name, long value, String source) {
        return new Fallback(name, "V8 9.4-14.6 (node 16-26), verified on all seven", source, m -> OptionalLong.of(value));
    }

    // ---- heap object layout ------------------------------------------------------------

    /**
     * JSArray::length. Never in the metadata (node 16-26). src/objects/js-array.tq:
     * {@code extern class JSArray extends JSObject { length: Number; }}, right after the JSObject
     * header (map, properties_or_hash, elements); equals {@code class_JSObject__internal_fields}.
     */
    public static final int JS_ARRAY_LENGTH_OFFSET = 24;

    /**
     * Script fields. src/objects/script.tq field order (unchanged V8 9.4-14.6): source, name,
     * line_offset, column_offset, context_data, script_type, line_ends, id,
     * eval_from_shared_or_wrapped_arguments, eval_from_position. The metadata pins name=16,
     * line_ends=56, eval_from_shared=72, eval_from_position=80 in all seven builds; source is
     * missing in node 16 only; line_offset, column_offset, id in all; type from node 22 on.
     */
    public static final int SCRIPT_SOURCE_OFFSET = 8;
    public static final int SCRIPT_LINE_OFFSET_OFFSET = 24;
    public static final int SCRIPT_COLUMN_OFFSET_OFFSET = 32;
    public static final int SCRIPT_TYPE_OFFSET = 48;
    public static final int SCRIPT_ID_OFFSET = 64;

    /**
     * ExternalString::resource_data (the cached character pointer; absent for "uncached"
     * external strings). src/objects/string.tq: {@code ExternalString { resource:
     * ExternalPointer; resource_data: ExternalPointer }} with 8-byte external pointers (no V8
     * sandbox in official node builds); metadata has only resource=16.
     */
    public static final int EXTERNAL_STRING_RESOURCE_DATA_OFFSET = 24;

    /**
     * Context slot 0 (scope_info): Context is {@code HeapObject { length: Smi; elements[length] }}
     * (src/objects/contexts.tq), so slot i is at 16 + 8*i. Metadata has only the slot indices.
     */
    public static final int CONTEXT_HEADER_SIZE = 16;

    /**
     * ScopeInfo field index 0 (flags): ScopeInfo is a HeapObject since V8 9.x, not a FixedArray
     * (src/objects/scope-info.tq), so the v8dbg_scopeinfo_idx_* index i is at 8 + 8*i. Note: from
     * node 24 (V8 13.x) flags (index 0) is a raw uint32, not a Smi; indices >= 1 are Smis.
     */
    public static final int SCOPE_INFO_FIELDS_OFFSET = 8;

    /**
     * JSFunction code slot (a Code / CodeDataContainer / CodeT) before V8 11.7.368 moved it in
     * front of shared: src/objects/js-function.tq (shared_function_info, context, feedback_cell,
     * code, prototype_or_initial_map); metadata has 48 for node 16 and 18, lacks it for node 20
     * (verified: the word at 48 is a CODE_TYPE object). From V8 13 (node 24+) JSFunction holds
     * a JSDispatchHandle (leaptiering) instead, so there is no code pointer at all.
     */
    public static final int JS_FUNCTION_CODE_OFFSET_BEFORE_11_7 = 48;

    // ---- string instance-type bits -------------------------------------------------------

    /**
     * kIsNotInternalizedMask / kNotInternalizedTag = 1 << 5, kInternalizedTag = 0
     * (src/objects/instance-type.h). Never in the metadata; cross-checked in all seven:
     * ONE_BYTE_STRING_TYPE (40) - ONE_BYTE_INTERNALIZED_STRING_TYPE (8) = 32.
     */
    public static final int IS_NOT_INTERNALIZED_MASK = 1 << 5;
    public static final int INTERNALIZED_TAG = 0;

    // ---- frames ------------------------------------------------------------------------

    /** CommonFrameConstants::kCallerFPOffset / kCallerPCOffset (src/execution/frame-constants.h). */
    public static final int FP_CALLER_FP_OFFSET = 0;
    public static final int FP_CALLER_PC_OFFSET = 8;

    /**
     * StandardFrameConstants::kArgCOffset = -3 * kSystemPointerSize (frame-constants.h, since
     * V8 8.9 removed the arguments adaptor frame). Never in the metadata.
     */
    public static final int FP_ARGC_OFFSET = -24;

    /**
     * InterpreterFrameConstants::kBytecodeArrayFromFp / kBytecodeOffsetFromFp = -32 / -40
     * (frame-constants.h: after context, function, argc). Metadata has them from node 18 on.
     */
    public static final int FP_BYTECODE_ARRAY_OFFSET = -32;
    public static final int FP_BYTECODE_OFFSET_OFFSET = -40;

    // ---- the rules the typed accessors use -----------------------------------------------

    static final Fallback JS_ARRAY_LENGTH = stable("JS_ARRAY_LENGTH_OFFSET", JS_ARRAY_LENGTH_OFFSET,
            "js-array.tq: JSArray { length } after the 3-word JSObject header");
    static final Fallback SCRIPT_SOURCE = stable("SCRIPT_SOURCE_OFFSET", SCRIPT_SOURCE_OFFSET, "script.tq field order");
    static final Fallback SCRIPT_LINE_OFFSET = stable("SCRIPT_LINE_OFFSET_OFFSET", SCRIPT_LINE_OFFSET_OFFSET, "script.tq field order");
    static final Fallback SCRIPT_COLUMN_OFFSET = stable("SCRIPT_COLUMN_OFFSET_OFFSET", SCRIPT_COLUMN_OFFSET_OFFSET, "script.tq field order");
    static final Fallback SCRIPT_TYPE = stable("SCRIPT_TYPE_OFFSET", SCRIPT_TYPE_OFFSET, "script.tq field order");
    static final Fallback SCRIPT_ID = stable("SCRIPT_ID_OFFSET", SCRIPT_ID_OFFSET, "script.tq field order");
    static final Fallback EXTERNAL_STRING_RESOURCE_DATA = stable("EXTERNAL_STRING_RESOURCE_DATA_OFFSET",
            EXTERNAL_STRING_RESOURCE_DATA_OFFSET, "string.tq: ExternalString { resource, resource_data }");
    static final Fallback CONTEXT_HEADER = stable("CONTEXT_HEADER_SIZE", CONTEXT_HEADER_SIZE, "contexts.tq: Context { length; elements[] }");
    static final Fallback SCOPE_INFO_FIELDS = stable("SCOPE_INFO_FIELDS_OFFSET", SCOPE_INFO_FIELDS_OFFSET,
            "scope-info.tq: ScopeInfo extends HeapObject");
    static final Fallback NOT_INTERNALIZED_MASK = stable("IS_NOT_INTERNALIZED_MASK", IS_NOT_INTERNALIZED_MASK, "instance-type.h");
    static final Fallback INTERNALIZED = stable("INTERNALIZED_TAG", INTERNALIZED_TAG, "instance-type.h");
    static final Fallback CALLER_FP = stable("FP_CALLER_FP_OFFSET", FP_CALLER_FP_OFFSET, "frame-constants.h CommonFrameConstants");
    static final Fallback CALLER_PC = stable("FP_CALLER_PC_OFFSET", FP_CALLER_PC_OFFSET, "frame-constants.h CommonFrameConstants");
    static final Fallback ARGC = stable("FP_ARGC_OFFSET", FP_ARGC_OFFSET, "frame-constants.h StandardFrameConstants::kArgCOffset");
    static final Fallback BYTECODE_ARRAY = stable("FP_BYTECODE_ARRAY_OFFSET", FP_BYTECODE_ARRAY_OFFSET,
            "frame-constants.h InterpreterFrameConstants::kBytecodeArrayFromFp");
    static final Fallback BYTECODE_OFFSET = stable("FP_BYTECODE_OFFSET_OFFSET", FP_BYTECODE_OFFSET_OFFSET,
            "frame-constants.h InterpreterFrameConstants::kBytecodeOffsetFromFp");

    /**
     * Whether the argc slot of a JS frame counts the receiver: no in V8 9.4 (node 16: argc 3 for
     * f(1,2,3)), yes from V8 10 (node 18-26: 4), V8's kJSArgcIncludesReceiver. Unknown for
     * 9.5-9.x.
     */
    static final Fallback ARGC_INCLUDES_RECEIVER = new Fallback("ARGC_INCLUDES_RECEIVER",
            "false for V8 < 9.5, true for V8 >= 10.0 (verified 9.4, 10.2-14.6)", "V8 kJSArgcIncludesReceiver; frame probe",
            m -> {
                Optional<V8Version> v = m.version();
                if (v.isEmpty()) return OptionalLong.empty();
                if (v.get().before(9, 5, 0)) return OptionalLong.of(0);
                if (v.get().atLeast(10, 0, 0)) return OptionalLong.of(1);
                return OptionalLong.empty();
            });

    /** See {@link #JS_FUNCTION_CODE_OFFSET_BEFORE_11_7}. */
    static final Fallback JS_FUNCTION_CODE = new Fallback("JS_FUNCTION_CODE_OFFSET_BEFORE_11_7",
            "V8 9.4 to before 11.7.368 (node 16-20; verified 11.3)", "js-function.tq field order",
            m -> m.version().filter(v -> v.atLeast(9, 4, 0) && v.before(11, 7, 368))
                    .map(v -> OptionalLong.of(JS_FUNCTION_CODE_OFFSET_BEFORE_11_7)).orElse(OptionalLong.empty()));

    /**
     * FIRST_JS_FUNCTION_TYPE == JS_FUNCTION_TYPE: metadata says so from node 22 on; for node
     * 16-20 the binary's own IsJSFunction range checks subtract JS_FUNCTION_TYPE (e.g.
     * {@code sub $0x423} = 1059 in node 16).
     */
    static final Fallback FIRST_JS_FUNCTION_TYPE = new Fallback("FIRST_JS_FUNCTION_TYPE = JS_FUNCTION_TYPE",
            "V8 9.0.14 and later (verified 9.4-14.6)", "js-function.tq instance-type range; IsJSFunction in machine code",
            m -> m.version().map(v -> v.before(9, 0, 14)).orElse(false) ? OptionalLong.empty() : asLong(m.type("JS_FUNCTION_TYPE")));

    /**
     * LAST_JS_FUNCTION_TYPE = JS_FUNCTION_TYPE + 14 for V8 9.0.14..9.6.138 (function, 11 typed
     * array constructors, Array, Promise, RegExp constructors), + 15 from V8 9.6.138 (class
     * constructors) until Float16Array's constructor type (metadata exists by then, from 12.4).
     * Verified by the range checks in node 16 ({@code cmp $0xe}), 18 and 20 ({@code cmp $0xf}).
     */
    static final Fallback LAST_JS_FUNCTION_TYPE = new Fallback("LAST_JS_FUNCTION_TYPE = JS_FUNCTION_TYPE + 14|15",
            "+14 for V8 9.0.14 to before 9.6.138, +15 for 9.6.138 to before 11.4 (verified 9.4, 10.2, 11.3)",
            "js-function.tq instance-type range; IsJSFunction range check in machine code",
            m -> {
                Optional<V8Version> v = m.version();
                java.util.OptionalInt first = m.type("JS_FUNCTION_TYPE");
                if (v.isEmpty() || first.isEmpty()) return OptionalLong.empty();
                if (v.get().atLeast(9, 0, 14) && v.get().before(9, 6, 138)) return OptionalLong.of(first.getAsInt() + 14);
                if (v.get().atLeast(9, 6, 138) && v.get().before(11, 4, 0)) return OptionalLong.of(first.getAsInt() + 15);
                return OptionalLong.empty();
            });

    private static OptionalLong asLong(java.util.OptionalInt i) {
        return i.isPresent() ? OptionalLong.of(i.getAsInt()) : OptionalLong.empty();
    }

    /** Every fallback rule, for listings. */
    public static List<Fallback> all() {
        return List.of(JS_ARRAY_LENGTH, SCRIPT_SOURCE, SCRIPT_LINE_OFFSET, SCRIPT_COLUMN_OFFSET, SCRIPT_TYPE, SCRIPT_ID,
                EXTERNAL_STRING_RESOURCE_DATA, CONTEXT_HEADER, SCOPE_INFO_FIELDS, NOT_INTERNALIZED_MASK, INTERNALIZED,
                CALLER_FP, CALLER_PC, ARGC, BYTECODE_ARRAY, BYTECODE_OFFSET, ARGC_INCLUDES_RECEIVER, JS_FUNCTION_CODE,
                FIRST_JS_FUNCTION_TYPE, LAST_JS_FUNCTION_TYPE);
    }
}
