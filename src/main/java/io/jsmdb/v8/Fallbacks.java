package io.jsmdb.v8;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
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

    /**
     * JSMessageObject::argument (for an uncaught exception: the thrown value). src/objects/
     * js-objects.tq: {@code JSMessageObject extends HeapObject { message_type: Smi; argument:
     * Object; script; stack_frames; shared_info; bytecode_offset; start_position; end_position;
     * error_level }}: right after raw_type (24 in all seven builds' metadata). Metadata has it
     * for node 16 and 18 only (32); the thrown values of the abort fixtures of every version are
     * read through it (JsExceptionDcmdTest).
     */
    public static final int JS_MESSAGE_OBJECT_ARGUMENT_OFFSET = 32;
    /** JSMessageObject::script, after argument (same source); metadata never has it. */
    public static final int JS_MESSAGE_OBJECT_SCRIPT_OFFSET = 40;

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

    // ---- heap pages and object sizes (issue 5: the heap walker) ---------------------------
    //
    // Verified on the heap fixture cores of all seven official builds (every old-, new- and
    // large-object page walks object by object to its area end or allocation top); source:
    // src/heap/basic-memory-chunk.h (V8 9.4-11.3), memory-chunk.h / memory-chunk-metadata.h
    // (12.x-14.x), src/objects/*.tq. The 12.x/13.x boundaries are where the verified builds
    // differ (12.4.254 vs 13.6.233); intermediate V8 versions were not seen.

    /** kPageSizeBits = 18 (src/common/globals.h): every chunk, large ones too, starts 256 KiB aligned. */
    public static final int HEAP_PAGE_ALIGNMENT = 1 << 18;

    /**
     * MemoryChunk flag FROM_PAGE (1 << 3): the page is a semispace from-space page (stale
     * copies). Same bit in V8 9.4 and 11.x-14.x (the flag list was renumbered only above bit 7).
     */
    public static final int CHUNK_FROM_PAGE_FLAG = 1 << 3;

    /** NativeContext has one raw word (MicrotaskQueue*) after its slots: size = 16 + 8*length + 8. */
    public static final int NATIVE_CONTEXT_TRAILING_BYTES = 8;

    /** SloppyArgumentsElements { length; context; arguments; mapped_entries[length] }: header 32. */
    public static final int SLOPPY_ARGUMENTS_ELEMENTS_HEADER = 32;

    /** WeakArrayList { capacity: Smi; length: Smi; objects[capacity] }: header 24. */
    public static final int WEAK_ARRAY_LIST_HEADER = 24;

    /** FreeSpace::size, a Smi at 8 (after the map) in all versions. */
    public static final int FREE_SPACE_SIZE_OFFSET = 8;

    /** A fact that changed with the chunk-metadata split: values for V8 < 12, 12.x, >= 13. */
    private static Fallback byChunkEra(String name, long before12, long v12, long from13, String source) {
        return new Fallback(name, "V8 < 12: " + before12 + " (verified 9.4, 10.2, 11.3); 12.x: " + v12
                + " (verified 12.4); >= 13: " + from13 + " (verified 13.6, 14.1, 14.6)", source,
                m -> m.version().map(v -> OptionalLong.of(v.major() < 12 ? before12 : v.major() == 12 ? v12 : from13))
                        .orElse(OptionalLong.empty()));
    }

    /**
     * Where the chunk's metadata is: before V8 12 the header (BasicMemoryChunk) is at the page
     * start (-1: no pointer); from 12 the page starts with MemoryChunk { flags, metadata* } and
     * the metadata pointer at 8 points to the page itself (12.x) or to a malloc'ed
     * MutablePageMetadata (13+; a raw pointer, node does not enable the V8 sandbox).
     */
    static final Fallback CHUNK_METADATA_POINTER = byChunkEra("CHUNK_METADATA_POINTER_OFFSET", -1, 8, 8,
            "memory-chunk.h MemoryChunk { main_thread_flags_, metadata_ }");
    static final Fallback CHUNK_FLAGS = byChunkEra("CHUNK_FLAGS_OFFSET", 8, 0, 0,
            "basic-memory-chunk.h size_, main_thread_flags_ / memory-chunk.h main_thread_flags_ first");
    /** The following offsets are from the chunk metadata (the page itself before V8 12). */
    static final Fallback CHUNK_SIZE = byChunkEra("CHUNK_SIZE_OFFSET", 0, 16, 48, "chunk header field order (size_)");
    static final Fallback CHUNK_HEAP = byChunkEra("CHUNK_HEAP_OFFSET", 16, 24, 64, "chunk header field order (heap_)");
    static final Fallback CHUNK_AREA_START = byChunkEra("CHUNK_AREA_START_OFFSET", 24, 32, 72, "chunk header field order (area_start_)");
    static final Fallback CHUNK_AREA_END = byChunkEra("CHUNK_AREA_END_OFFSET", 32, 40, 56, "chunk header field order (area_end_)");
    static final Fallback CHUNK_OWNER = byChunkEra("CHUNK_OWNER_OFFSET", 64, 72, 80, "chunk header field order (owner_)");
    /** FreeSpace size unit: bytes before V8 13, words (size >> 3) from 13 (observed on 13.6-14.6 cores). */
    static final Fallback FREE_SPACE_SIZE_SHIFT = byChunkEra("FREE_SPACE_SIZE_SHIFT", 0, 0, 3,
            "free-space.h; the 13.x-14.x cores store the size in tagged words");

    // ---- new space: page order and the allocation top (issue 5) --------------------------
    //
    // Only the to-space pages in the SemiSpace's page list, in list order up to the page
    // holding the new-space linear allocation area (LAB), hold objects, and the LAB page only
    // up to LAB.top. Pages after it in the list are unused; to-space-flagged pages outside the
    // list are pooled (the semispace shrank) and hold stale copies. HeapPages finds the list
    // and the LAB by a scan rule and uses the offsets below only as first guesses (list) or
    // to break a tie between LAB candidates (LAB location); both are verified on the heap
    // fixture cores of all seven builds. The LAB is {start_, top_, limit_} in every one of them,
    // 9.4 included (src/heap/linear-allocation-area.h; 9.4 and 10.2 checked against the
    // binary's ExternalReferenceTable in the core: its new_space_allocation_top_address and
    // limit_address entries point at the middle and last word of the triple found).

    /** The value for the exact V8 major.minor verified, else empty. */
    /**
     * x64's rule, except on AArch64 builds, whose value per V8 minor is arm64's (a struct before
     * the field holds a pthread mutex, 48 bytes there and 40 on x86-64, or another member whose
     * size is the machine's); an arm64 build of a minor not listed gets none.
     */
    private static Function<V8Metadata, OptionalLong> arm64(Function<V8Metadata, OptionalLong> x64, long[][] arm64ByMinor) {
        Function<V8Metadata, OptionalLong> arm = byMinor(arm64ByMinor);
        return m -> m.isArm64() ? arm.apply(m) : x64.apply(m);
    }

    /** x64's rule, except on AArch64 builds, where the value is arm64Value in every version. */
    private static Function<V8Metadata, OptionalLong> arm64(Function<V8Metadata, OptionalLong> x64, long arm64Value) {
        return m -> m.isArm64() ? OptionalLong.of(arm64Value) : x64.apply(m);
    }

    private static Function<V8Metadata, OptionalLong> byMinor(long[][] table) {
        return m -> m.version().map(v -> {
            for (long[] r : table) if (r[0] == v.major() && r[1] == v.minor()) return OptionalLong.of(r[2]);
            return OptionalLong.empty();
        }).orElse(OptionalLong.empty());
    }

    /**
     * MemoryChunk::list_node_ (heap::ListNode { next_, prev_ }) from the chunk metadata
     * (src/heap/memory-chunk.h, mutable-page-metadata.h from 13): 0xd8 in 9.4, 0xe8 in 10.2,
     * 0x108 in 11.3-13.6, 0x110 in 14.1, 0x100 in 14.6. The links are metadata addresses (the
     * page itself before V8 13). A first guess only: HeapPages verifies the chain and else
     * scans for the offset.
     */
    static final Fallback PAGE_LIST_NODE = gated("PAGE_LIST_NODE_OFFSET",
            "9.4: 0xd8, 10.2: 0xe8, 11.3/12.4/13.6: 0x108, 14.1: 0x110, 14.6: 0x100 (exact minors verified)",
            "memory-chunk.h / mutable-page-metadata.h heap::ListNode<MemoryChunk> list_node_",
            byMinor(new long[][] {{9, 4, 0xd8}, {10, 2, 0xe8}, {11, 3, 0x108}, {12, 4, 0x108}, {13, 6, 0x108},
                    {14, 1, 0x110}, {14, 6, 0x100}}));
    /**
     * Space::memory_chunk_list_ (heap::List { front_, back_ }) in the SemiSpace object
     * (src/heap/spaces.h, base-space.h): 0xb8 in 9.4, 0xa8 in 10.2, 0x28 from 11.3 (verified
     * 11.3-14.6). A first guess only, as PAGE_LIST_NODE.
     */
    static final Fallback SEMI_SPACE_PAGE_LIST = gated("SEMI_SPACE_PAGE_LIST_OFFSET",
            "9.4: 0xb8, 10.2: 0xa8, 11.3-14.6: 0x28 (exact minors verified)",
            "spaces.h Space::memory_chunk_list_",
            byMinor(new long[][] {{9, 4, 0xb8}, {10, 2, 0xa8}, {11, 3, 0x28}, {12, 4, 0x28}, {13, 6, 0x28},
                    {14, 1, 0x28}, {14, 6, 0x28}}));
    /**
     * Where the new-space LAB triple sits, from the Heap*: 10.2: Heap - 0x50 (an Isolate member
     * next to heap_, which SpaceWithLinearArea::allocation_info_ points to); 11.3: - 0xd208,
     * 12.4: - 0xdde0, 13.6: - 0xef30, 14.1: - 0xd7e0, 14.6: - 0xf2f8
     * (IsolateData::new_allocation_info_, isolate-data.h). Build-specific: used only to choose
     * between several LAB candidates.
     */
    static final Fallback NEW_LAB_FROM_HEAP = gated("NEW_SPACE_LAB_FROM_HEAP",
            "10.2: -0x50, 11.3: -0xd208, 12.4: -0xdde0, 13.6: -0xef30, 14.1: -0xd7e0, 14.6: -0xf2f8 (these builds only)",
            "isolate.h / isolate-data.h new_allocation_info_",
            byMinor(new long[][] {{10, 2, -0x50}, {11, 3, -0xd208}, {12, 4, -0xdde0}, {13, 6, -0xef30},
                    {14, 1, -0xd7e0}, {14, 6, -0xf2f8}}));
    /**
     * 9.4 only: the LAB is NewSpace's own SpaceWithLinearArea::allocation_info_ (src/heap/spaces.h,
     * new-spaces.h: NewSpace { ..., allocation_info_, mutex_, original_top_, original_limit_,
     * to_space_, from_space_ }), 0xa0 bytes before the to-space SemiSpace object (NewSpace + 0xd8;
     * to_space_ at NewSpace + 0x178).
     */
    static final Fallback NEW_LAB_FROM_TO_SPACE = gated("NEW_SPACE_LAB_FROM_TO_SPACE",
            "9.4: -0xa0 (verified 9.4.146.26); arm64 9.4: -0xa8 (the mutex_ between them is 8 bytes longer)",
            "new-spaces.h NewSpace layout",
            arm64(byMinor(new long[][] {{9, 4, -0xa0}}), new long[][] {{9, 4, -0xa8}}));

    // ---- sweeping state and mark bits (issue 5: unswept pages) ----------------------------
    //
    // After a full GC V8 sweeps old-generation pages lazily/concurrently; until a page is swept
    // its dead objects still lie there (no fillers yet) and only the objects whose mark bit is
    // set are live (sweeper.cc RawSweep; Heap::MakeHeapIterable first finishes sweeping). The
    // state is MemoryChunk / MutablePageMetadata::concurrent_sweeping_ (sweeper.h
    // ConcurrentSweepingState { kDone = 0, kPending = 1, kInProgress = 2 }, one word); the
    // bitmap has one bit per tagged word from the page start (index (addr - page) >> 3; 9.4 to
    // 11.3 use two bits per object, the first one set when marked), in the page header before
    // V8 12 (memory-chunk-layout.h kMarkingBitmapOffset, which ends 8 bytes before area_start)
    // and MutablePageMetadata::marking_bitmap_ (its last member) after; live_byte_count_ is the
    // byte total of the marked objects, which HeapWalker checks against the bitmap on every
    // unswept page before trusting it. Offsets from the chunk metadata (the page itself before
    // V8 13). Verified on the heap-abort cores of 9.4, 11.3, 12.4 and 13.6, which hold pending
    // pages: every JsmdbLeakA instance marked, the marked bytes equal to live_byte_count_ (up to
    // right-trimmed tails). 14.1 and 14.6 on the sweep fixture's cores (hundreds of pending pages,
    // made with --no-concurrent-sweeping): the bitmap offset found by trying every word of the
    // metadata, the one where the marked objects' bytes equal live_byte_count_ on every page
    // (14.1's bitmap is at 0x150, not at 0x148 as the field order had suggested). 10.2: no
    // pending page in any fixture core; the values come from the field order seen in its headers
    // (mutex_, concurrent_sweeping_, page_protection_change_mutex_). A state other than pending
    // or in progress (14.6 once showed 3 on a fixture page) leaves the page walked as it is.
    static final Fallback SWEEPING_STATE = gated("CHUNK_SWEEPING_STATE_OFFSET",
            "9.4: 0xb0, 11.3: 0xe0, 12.4/13.6: 0xf0, 14.1/14.6: 0xf8 (verified on pending pages); 10.2: 0xc0 (field order only)",
            "memory-chunk.h / mutable-page-metadata.h concurrent_sweeping_",
            byMinor(new long[][] {{9, 4, 0xb0}, {10, 2, 0xc0}, {11, 3, 0xe0}, {12, 4, 0xf0}, {13, 6, 0xf0},
                    {14, 1, 0xf8}, {14, 6, 0xf8}}));
    static final Fallback LIVE_BYTES = gated("CHUNK_LIVE_BYTES_OFFSET",
            "9.4: 0x78, 11.3: 0x88, 12.4: 0xd0, 13.6: 0xe8, 14.1/14.6: 0xf0 (verified on pending pages); 10.2: 0x80 (field order only)",
            "memory-chunk.h / mutable-page-metadata.h live_byte_count_",
            byMinor(new long[][] {{9, 4, 0x78}, {10, 2, 0x80}, {11, 3, 0x88}, {12, 4, 0xd0}, {13, 6, 0xe8},
                    {14, 1, 0xf0}, {14, 6, 0xf0}}));
    static final Fallback MARKING_BITMAP = gated("CHUNK_MARKING_BITMAP_OFFSET",
            "9.4: 0x110, 11.3/12.4/13.6/14.6: 0x140, 14.1: 0x150 (verified on pending pages); 10.2: 0x128 (field order only)",
            "memory-chunk-layout.h kMarkingBitmapOffset / mutable-page-metadata.h marking_bitmap_",
            byMinor(new long[][] {{9, 4, 0x110}, {10, 2, 0x128}, {11, 3, 0x140}, {12, 4, 0x140}, {13, 6, 0x140},
                    {14, 1, 0x150}, {14, 6, 0x140}}));

    /** ObjectBoilerplateDescription gained capacity/backing_store_size/flags header words in V8 12. */
    static final Fallback OBJECT_BOILERPLATE_DESCRIPTION_HEADER = byChunkEra("OBJECT_BOILERPLATE_DESCRIPTION_HEADER", 16, 32, 32,
            "literal-objects.tq");
    /** ScriptContextTable: FixedArray-shaped before V8 12, {capacity, length, names_to_context_index} + slots from 12. */
    static final Fallback SCRIPT_CONTEXT_TABLE_HEADER = byChunkEra("SCRIPT_CONTEXT_TABLE_HEADER", 16, 32, 32, "contexts.tq");
    /** ArrayList: a FixedArray before V8 12, {capacity, length} + slots from 12. */
    static final Fallback ARRAY_LIST_HEADER = byChunkEra("ARRAY_LIST_HEADER", 16, 24, 24, "fixed-array.tq ArrayList");
    /** AllocationSite::transition_info_or_boilerplate, its first field (allocation-site.tq); metadata to node 24. */
    public static final int ALLOCATION_SITE_BOILERPLATE_OFFSET = 8;
    static final Fallback ALLOCATION_SITE_BOILERPLATE = stable("ALLOCATION_SITE_BOILERPLATE_OFFSET", ALLOCATION_SITE_BOILERPLATE_OFFSET,
            "allocation-site.tq: AllocationSite { transition_info_or_boilerplate, ... }");
    /**
     * FeedbackVector::shared_function_info, its first tagged field: 16 bytes of raw counts and
     * flags follow the map in every V8 9.4 - 14 (feedback-vector.tq: length, invocation_count,
     * then profiler_ticks + padding in 9.x, the tiering bytes and flags later). The snapshot
     * model's hidden pass must not read those as references.
     */
    public static final int FEEDBACK_VECTOR_SHARED_OFFSET = 24;
    static final Fallback FEEDBACK_VECTOR_SHARED = stable("FEEDBACK_VECTOR_SHARED_OFFSET", FEEDBACK_VECTOR_SHARED_OFFSET,
            "feedback-vector.tq: FeedbackVector { length: int32; invocation_count: int32; <4-8 bytes>; shared_function_info; ... }");
    /**
     * AllocationSite's raw word {pretenure_data: int32, pretenure_create_count: int32}: after its
     * three tagged fields (transition_info_or_boilerplate 8, nested_site 16, dependent_code 24)
     * and before weak_next (40) in every V8 9.4 - 14 (allocation-site.h's field list; the
     * metadata's offsets to node 24 agree).
     */
    public static final int ALLOCATION_SITE_PRETENURE_DATA_OFFSET = 32;
    static final Fallback ALLOCATION_SITE_PRETENURE_DATA = stable("ALLOCATION_SITE_PRETENURE_DATA_OFFSET", ALLOCATION_SITE_PRETENURE_DATA_OFFSET,
            "allocation-site.h: AllocationSite { transition_info_or_boilerplate; nested_site; dependent_code; pretenure_data: int32; pretenure_create_count: int32; weak_next }");
    static final Fallback PAGE_ALIGNMENT = stable("HEAP_PAGE_ALIGNMENT", HEAP_PAGE_ALIGNMENT, "globals.h kPageSizeBits");
    static final Fallback FROM_PAGE_FLAG = stable("CHUNK_FROM_PAGE_FLAG", CHUNK_FROM_PAGE_FLAG, "memory-chunk flags FROM_PAGE");
    static final Fallback NATIVE_CONTEXT_TRAILING = stable("NATIVE_CONTEXT_TRAILING_BYTES", NATIVE_CONTEXT_TRAILING_BYTES,
            "contexts.h NativeContext::kMicrotaskQueueOffset (raw pointer after the slots)");
    static final Fallback SLOPPY_ARGUMENTS_HEADER = stable("SLOPPY_ARGUMENTS_ELEMENTS_HEADER", SLOPPY_ARGUMENTS_ELEMENTS_HEADER,
            "arguments.tq SloppyArgumentsElements");
    static final Fallback WEAK_ARRAY_LIST = stable("WEAK_ARRAY_LIST_HEADER", WEAK_ARRAY_LIST_HEADER, "fixed-array.tq WeakArrayList");
    static final Fallback FREE_SPACE_SIZE = stable("FREE_SPACE_SIZE_OFFSET", FREE_SPACE_SIZE_OFFSET, "free-space.tq");
    /**
     * FeedbackVector { map; const length: int32 (at 8); ...; raw_feedback_slots[length] }: the
     * header before the slots. Its slots may hold strong Map pointers, so it cannot be sized by
     * scanning for the next map. 48 on V8 9.4 and 10.2 (shared, maybe_optimized_code, closure
     * cells); 56 on 11.x and 12.x (parent_feedback_cell added); 48 from 13 (the optimized code
     * left the vector). Measured on every FeedbackVector of the heap fixture's cores (size - 8 *
     * length equals this for all of them), against feedback-vector.tq's field lists.
     */
    static final Fallback FEEDBACK_VECTOR_HEADER = new Fallback("FEEDBACK_VECTOR_HEADER",
            "V8 9.x-10.x: 48 (verified 9.4, 10.2); 11.x-12.x: 56 (verified 11.3, 12.4); >= 13: 48 (verified 13.6, 14.1, 14.6)",
            "feedback-vector.tq FeedbackVector",
            m -> m.version().map(v -> OptionalLong.of(v.major() == 11 || v.major() == 12 ? 56 : 48)).orElse(OptionalLong.empty()));

    /** BytecodeArray::kHeaderSize for node 16 (V8 9.4), which lacks class_BytecodeArray__data. */
    static final Fallback BYTECODE_ARRAY_HEADER = new Fallback("BYTECODE_ARRAY_HEADER = 54", "V8 9.4 (node 16; walks verified)",
            "bytecode-array.tq / code.h BytecodeArray::kHeaderSize",
            m -> m.version().filter(v -> v.major() == 9).map(v -> OptionalLong.of(54)).orElse(OptionalLong.empty()));

    // ---- the rules the typed accessors use -----------------------------------------------

    static final Fallback JS_ARRAY_LENGTH = stable("JS_ARRAY_LENGTH_OFFSET", JS_ARRAY_LENGTH_OFFSET,
            "js-array.tq: JSArray { length } after the 3-word JSObject header");
    static final Fallback SCRIPT_SOURCE = stable("SCRIPT_SOURCE_OFFSET", SCRIPT_SOURCE_OFFSET, "script.tq field order");
    static final Fallback SCRIPT_LINE_OFFSET = stable("SCRIPT_LINE_OFFSET_OFFSET", SCRIPT_LINE_OFFSET_OFFSET, "script.tq field order");
    static final Fallback SCRIPT_COLUMN_OFFSET = stable("SCRIPT_COLUMN_OFFSET_OFFSET", SCRIPT_COLUMN_OFFSET_OFFSET, "script.tq field order");
    static final Fallback SCRIPT_TYPE = stable("SCRIPT_TYPE_OFFSET", SCRIPT_TYPE_OFFSET, "script.tq field order");
    static final Fallback SCRIPT_ID = stable("SCRIPT_ID_OFFSET", SCRIPT_ID_OFFSET, "script.tq field order");
    /**
     * Script::source_url, the "//# sourceURL=" magic comment: two fields after the last one the
     * metadata names (script.tq: ... eval_from_position, shared_function_infos,
     * [compiled_lazy_function_positions from V8 11,] flags, source_url, source_mapping_url):
     * compiled_lazy_function_positions + 16 where the metadata has it (node 20-26), else
     * eval_from_position + 24 (node 16, 18). Checked on every version's cores: 104 on 9.4/10.2,
     * 112 from 11.3 (the stack fixture's sourceURL'd eval frame, against V8's own stack trace).
     */
    static final Fallback SCRIPT_SOURCE_URL = new Fallback("SCRIPT_SOURCE_URL_OFFSET",
            "V8 9.4-10.2: eval_from_position + 24 (104); 11.3-14.6: compiled_lazy_function_positions + 16 (112)",
            "script.tq field order",
            m -> {
                OptionalInt lazy = m.fieldOffset("Script", "compiled_lazy_function_positions");
                if (lazy.isPresent()) return OptionalLong.of(lazy.getAsInt() + 16);
                OptionalInt pos = m.fieldOffset("Script", "eval_from_position");
                return pos.isPresent() ? OptionalLong.of(pos.getAsInt() + 24) : OptionalLong.empty();
            });
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

    // ---- heap object model (io.jsmdb.v8.heap) -------------------------------------------
    // Offsets of the objects ::jsprint decodes that no node 16-26 build exports. Each was read
    // off the heap fixture's cores (cores/fixtures/heap.js, one value of every kind) of all seven
    // versions and agrees with the field order of the named V8 .tq file.

    private static Fallback gated(String name, String holdsFor, String source, Function<V8Metadata, OptionalLong> rule) {
        return new Fallback(name, holdsFor, source, rule);
    }

    /** The value for V8 before (major, minor), another from it on; empty without a version. */
    private static Function<V8Metadata, OptionalLong> split(int major, int minor, long before, long from) {
        return m -> m.version().map(v -> OptionalLong.of(v.before(major, minor, 0) ? before : from)).orElse(OptionalLong.empty());
    }

    /** map.h Map::Bits2::NewTargetIsBaseBit: bit 0 of bit_field2 (elements kind is bits 2-7). */
    static final Fallback NEW_TARGET_IS_BASE_BIT = stable("MAP_NEW_TARGET_IS_BASE_BIT", 0, "map.h Map::Bits2");
    /** descriptor-array.tq: number_of_all_descriptors: int16 @8, number_of_descriptors: int16 @10. */
    static final Fallback DESCRIPTOR_ARRAY_NUMBER_OF_DESCRIPTORS = stable("DESCRIPTOR_ARRAY_NUMBER_OF_DESCRIPTORS_OFFSET", 10,
            "descriptor-array.tq");
    /** property-array.h LengthField: the low 10 bits of the length_and_hash Smi. */
    static final Fallback PROPERTY_ARRAY_LENGTH = stable("PROPERTY_ARRAY_LENGTH_MASK", 0x3ff, "property-array.h kLengthFieldSize 10");
    /** property-cell.tq: PropertyCell { name @8, property_details_raw @16, value @24 }. */
    static final Fallback PROPERTY_CELL_NAME = stable("PROPERTY_CELL_NAME_OFFSET", 8, "property-cell.tq");
    static final Fallback PROPERTY_CELL_VALUE = stable("PROPERTY_CELL_VALUE_OFFSET", 24, "property-cell.tq");
    /** property-cell.tq: PropertyCell { name @8, property_details_raw: Smi @16, value @24, dependent_code }. */
    static final Fallback PROPERTY_CELL_DETAILS = stable("PROPERTY_CELL_DETAILS_OFFSET", 16, "property-cell.tq property_details_raw");
    /** bigint.tq: BigIntBase { bitfield: uint32 @8 (sign bit 0, length bits 1-30), padding, digits @16 }. */
    static final Fallback BIGINT_BITFIELD = stable("BIGINT_BITFIELD_OFFSET", 8, "bigint.tq");
    static final Fallback BIGINT_DIGITS = stable("BIGINT_DIGITS_OFFSET", 16, "bigint.tq");
    /** name.tq: Symbol { raw_hash_field: uint32 @8, flags: uint32 @12 (bit 0 is_private), description @16 }. */
    static final Fallback SYMBOL_FLAGS = stable("SYMBOL_FLAGS_OFFSET", 12, "name.tq SymbolFlags");
    /**
     * struct.tq: AccessorPair extends Struct { getter @8, setter @16 } (a map word, then the two
     * tagged fields); the metadata names them up to Node 24 (class_AccessorPair__getter__*),
     * with the same values there.
     */
    static final Fallback ACCESSOR_PAIR_GETTER = stable("ACCESSOR_PAIR_GETTER_OFFSET", 8, "struct.tq AccessorPair");
    static final Fallback ACCESSOR_PAIR_SETTER = stable("ACCESSOR_PAIR_SETTER_OFFSET", 16, "struct.tq AccessorPair");
    /** js-function.tq: JSBoundFunction { bound_target_function @24, bound_this @32, bound_arguments @40 }. */
    static final Fallback BOUND_TARGET = stable("JS_BOUND_FUNCTION_TARGET_OFFSET", 24, "js-function.tq");
    static final Fallback BOUND_THIS = stable("JS_BOUND_FUNCTION_THIS_OFFSET", 32, "js-function.tq");
    static final Fallback BOUND_ARGUMENTS = stable("JS_BOUND_FUNCTION_ARGUMENTS_OFFSET", 40, "js-function.tq");
    /** js-proxy.tq: JSProxy extends JSReceiver { target @16, handler @24 } (no elements slot). */
    static final Fallback PROXY_TARGET = stable("JS_PROXY_TARGET_OFFSET", 16, "js-proxy.tq");
    static final Fallback PROXY_HANDLER = stable("JS_PROXY_HANDLER_OFFSET", 24, "js-proxy.tq");
    /** js-primitive-wrapper.tq: value right after the JSObject header. */
    static final Fallback PRIMITIVE_WRAPPER_VALUE = stable("JS_PRIMITIVE_WRAPPER_VALUE_OFFSET", 24, "js-primitive-wrapper.tq");
    /**
     * js-promise.tq: JSPromise { reactions_or_result @24, flags: Smi @32 (status in bits 0-1:
     * pending 0, fulfilled 1, rejected 2; bit 2 has_handler) }, then node's promise embedder field.
     */
    static final Fallback PROMISE_RESULT = stable("JS_PROMISE_REACTIONS_OR_RESULT_OFFSET", 24, "js-promise.tq");
    static final Fallback PROMISE_FLAGS = stable("JS_PROMISE_FLAGS_OFFSET", 32, "js-promise.tq");
    /** js-generator.tq: function, context, receiver, input_or_debug_pos, resume_mode, continuation from @24. */
    static final Fallback GENERATOR_FUNCTION = stable("JS_GENERATOR_FUNCTION_OFFSET", 24, "js-generator.tq");
    static final Fallback GENERATOR_CONTEXT = stable("JS_GENERATOR_CONTEXT_OFFSET", 32, "js-generator.tq");
    static final Fallback GENERATOR_RECEIVER = stable("JS_GENERATOR_RECEIVER_OFFSET", 40, "js-generator.tq");
    static final Fallback GENERATOR_CONTINUATION = stable("JS_GENERATOR_CONTINUATION_OFFSET", 64, "js-generator.tq");
    /** js-collection.tq: JSCollection / JSWeakCollection { table } after the JSObject header. */
    static final Fallback COLLECTION_TABLE = stable("JS_COLLECTION_TABLE_OFFSET", 24, "js-collection.tq");
    /** regexp.tq: JSRegExp { data @24, source @32, flags: Smi @40 }. */
    static final Fallback REGEXP_FLAGS = stable("JS_REGEXP_FLAGS_OFFSET", 40, "js-regexp.tq");
    /** js-array-buffer.tq: JSArrayBufferView { buffer } after the JSObject header. */
    static final Fallback VIEW_BUFFER = gated("JS_ARRAY_BUFFER_VIEW_BUFFER_OFFSET", "24 to V8 12.x; 32 from V8 13 (node 24+: one embedder slot first)",
            "js-array-buffer.tq; fixture cores", split(13, 0, 24, 32));
    /**
     * JSDate::value: a tagged Number (HeapNumber / Smi) to V8 12.x; a raw float64 from V8 13
     * (node 24+), verified on the fixture cores (Date.UTC(2021,2,4,5,6,7,890) read at @24).
     */
    static final Fallback DATE_VALUE_IS_RAW_DOUBLE = gated("JS_DATE_VALUE_IS_RAW_DOUBLE", "0 to V8 12.x, 1 from V8 13", "js-date.tq; fixture cores",
            split(13, 0, 0, 1));
    /** arguments.tq: SloppyArgumentsElements { length, context @16, arguments @24, mapped_entries[] @32 }. */
    static final Fallback SLOPPY_ARGUMENTS_ARGUMENTS = stable("SLOPPY_ARGUMENTS_ELEMENTS_ARGUMENTS_OFFSET", 24, "arguments.tq");
    /**
     * SharedFunctionInfo's function data (UncompiledData while lazy, else BytecodeArray, ...): @8 in
     * every version; named function_data to V8 11, trusted_function_data from V8 12/13 (a plain
     * tagged pointer without the sandbox; node 24's @16 untrusted slot holds a Smi then).
     * Checked on the fixture cores: @8 is UNCOMPILED_DATA_* for a never-called function in 16-26.
     */
    static final Fallback SFI_UNTRUSTED_FUNCTION_DATA = stable("SFI_FUNCTION_DATA_OFFSET", 8, "shared-function-info.tq");
    /**
     * globals.h kScopeInfoMaxInlinedLocalNamesSize = 75: a scope with this many context locals or
     * more keeps their names in one NameToIndexHashTable slot of its ScopeInfo instead of inline
     * (V8 CL 3429210, early 2022). V8 9.x always keeps them inline: the threshold is then
     * Integer.MAX_VALUE. Verified with the heap fixture's closure over 80 context variables:
     * inline on 9.4 (node 16), in a hash table on 10.2-14.6 (node 18-26); the change lies
     * between 9.4 and 10.2 and is taken to be 10.0.
     */
    static final Fallback SCOPE_INFO_MAX_INLINED_LOCALS = gated("SCOPE_INFO_MAX_INLINED_LOCAL_NAMES",
            "2^31-1 (always inline) to V8 9.x (verified 9.4), 75 from 10.0 (verified 10.2-14.6)",
            "globals.h kScopeInfoMaxInlinedLocalNamesSize; scope-info.tq context_local_names_hashtable",
            split(10, 0, Integer.MAX_VALUE, 75));
    private static Fallback nameToIndex(String name, long value, String source) {
        return new Fallback(name, "V8 10.0-14.6 (node 18-26; verified 10.2-14.6); V8 9.x has no such table", source,
                m -> OptionalLong.of(value));
    }
    /** hash-table.h HashTableBase::kCapacityIndex: {number of elements, deleted elements, capacity} start every HashTable. */
    static final Fallback HASH_TABLE_CAPACITY = stable("HASH_TABLE_CAPACITY_INDEX", 2, "hash-table.h HashTableBase::kCapacityIndex");
    /** hash-table.h NameToIndexShape: kPrefixSize 0, kEntrySize 2 {name, Smi index of the context local}. */
    static final Fallback NAME_TO_INDEX_PREFIX = nameToIndex("NAME_TO_INDEX_TABLE_PREFIX_SIZE", 0, "hash-table.h NameToIndexShape::kPrefixSize");
    static final Fallback NAME_TO_INDEX_ENTRY = nameToIndex("NAME_TO_INDEX_TABLE_ENTRY_SIZE", 2, "hash-table.h NameToIndexShape::kEntrySize");
    /** oddball.tq: Oddball { to_number_raw @8, to_string @16, to_number @24, type_of @32, kind @40 }. */
    static final Fallback ODDBALL_TO_STRING = stable("ODDBALL_TO_STRING_OFFSET", 16, "oddball.tq");

    // ---- JS frame decoding (io.jsmdb.v8.frames) ----------------------------------------
    // Read off the stack fixture's cores (cores/fixtures/stack.js) of all seven versions and the
    // research note's walks (interpreted, baseline and TurboFan frames checked against V8's own
    // stack trace), and agreeing with the named V8 source files.

    /** bytecode-array.tq: {length, constant_pool, handler_table, source_position_table @32} to 11.x; 12+: {length, wrapper, source_position_table @24, handler_table, constant_pool}. */
    static final Fallback BYTECODE_ARRAY_SOURCE_POSITIONS = gated("BYTECODE_ARRAY_SOURCE_POSITION_TABLE_OFFSET",
            "@32 to V8 11.x (verified 9.4, 10.2, 11.3), @24 from 12.0 (verified 12.4-14.6)", "bytecode-array.tq", split(12, 0, 32, 24));
    /** ByteArray / TrustedByteArray {map, length} then the bytes (no sandbox: no trusted header word). */
    static final Fallback BYTE_ARRAY_DATA = stable("BYTE_ARRAY_DATA_OFFSET", 16, "fixed-array.tq ByteArray / trusted-object.tq");
    /**
     * source-position-table.cc: the code-offset delta is zig-zag with the sign as !is_statement to
     * V8 13.6 (0); V8 14 stores is_statement in bit 0 and the delta from bit 2 (1), checked
     * against --print-bytecode on node 25 and 26.
     */
    static final Fallback SOURCE_POSITION_ENCODING = gated("SOURCE_POSITION_TABLE_ENCODING", "0 to V8 13.x (verified 9.4-13.6), 1 from 14.0 (verified 14.1, 14.6)",
            "source-position-table.cc", split(14, 0, 0, 1));
    static final Fallback CODE_KIND_MASK = stable("CODE_KIND_FIELD_MASK", 15, "code.h Code::KindField (4 bits at 0)");
    static final Fallback CODE_KIND_SHIFT = stable("CODE_KIND_FIELD_SHIFT", 0, "code.h Code::KindField");
    /** code-kind.h of V8 9.4: BYTECODE_HANDLER, FOR_TESTING, BUILTIN, REGEXP, WASM x3, C_WASM_ENTRY, JS_TO_JS, INTERPRETED_FUNCTION 10, BASELINE 11. */
    static final Fallback CODE_KIND_BASELINE_9 = gated("CODE_KIND_BASELINE = 11", "V8 9.x (node 16; later ones export it)",
            "code-kind.h CODE_KIND_LIST", m -> m.version().filter(v -> v.major() == 9).map(v -> OptionalLong.of(11)).orElse(OptionalLong.empty()));
    static final Fallback CODE_FLAGS = gated("CODE_FLAGS_OFFSET = 48", "V8 9.4-11.x (verified 9.4, 11.3; 10.2 and 12+ export it)",
            "code.h Code layout", m -> m.version().filter(v -> v.before(12, 0, 0)).map(v -> OptionalLong.of(48)).orElse(OptionalLong.empty()));
    static final Fallback CODE_INSTRUCTION_START_11 = gated("CODE_INSTRUCTION_START_OFFSET = 40", "V8 11.x (node 20; 12+ export it)",
            "code.tq Code { deoptimization_data_or_interpreter_data, position_table, instruction_stream, instruction_start }",
            m -> m.version().filter(v -> v.major() == 11).map(v -> OptionalLong.of(40)).orElse(OptionalLong.empty()));
    static final Fallback CODE_POSITION_TABLE = gated("CODE_SOURCE_POSITION_TABLE_OFFSET", "@24 to V8 11.x (verified 9.4, 11.3), @16 from 12.0 (verified 12.4-14.6)",
            "code.tq", split(12, 0, 24, 16));
    static final Fallback CODE_DEOPT_DATA = gated("CODE_DEOPTIMIZATION_DATA_OFFSET", "@16 to V8 11.x, @8 from 12.0 (verified 11.3, 12.4-14.6)",
            "code.tq", split(12, 0, 16, 8));
    static final Fallback CODE_INSTRUCTION_STREAM_11 = gated("CODE_INSTRUCTION_STREAM_OFFSET = 32", "V8 11.x (node 20; 12+ export it)",
            "code.tq", m -> m.version().filter(v -> v.major() == 11).map(v -> OptionalLong.of(32)).orElse(OptionalLong.empty()));
    static final Fallback INSTRUCTION_STREAM_CODE = gated("INSTRUCTION_STREAM_CODE_OFFSET = 8", "V8 11.0 and later (verified 11.3-14.6)",
            "instruction-stream.h {map, code, relocation_info, ...}",
            m -> m.version().filter(v -> v.atLeast(11, 0, 0)).map(v -> OptionalLong.of(8)).orElse(OptionalLong.empty()));
    private static Fallback before11(String name, long value, String source) {
        return gated(name, "V8 9.4-10.x (node 16, 18; 11+ export it)", source,
                m -> m.version().filter(v -> v.before(11, 0, 0)).map(v -> OptionalLong.of(value)).orElse(OptionalLong.empty()));
    }
    static final Fallback DEOPT_INLINED_COUNT = before11("DEOPT_DATA_INLINED_FUNCTION_COUNT_INDEX = 1", 1, "deoptimization-data.h");
    static final Fallback DEOPT_LITERALS = before11("DEOPT_DATA_LITERAL_ARRAY_INDEX = 2", 2, "deoptimization-data.h");
    static final Fallback DEOPT_INLINING_POSITIONS = before11("DEOPT_DATA_INLINING_POSITIONS_INDEX = 7", 7, "deoptimization-data.h");
    static final Fallback DEOPT_SFI = before11("DEOPT_DATA_SFI_INDEX = 6", 6, "deoptimization-data.h");
    /**
     * DeoptimizationData (deoptimization-data.h; code.h before it moved): after
     * InliningPositions come DeoptExitStart, the eager (V8 9.x: "EagerSoftAndBailout", all
     * non-lazy) exit count, the lazy exit count, then the entries, 3 slots each in release
     * builds {BytecodeOffsetRaw, TranslationIndex, Pc}. V8 13 inserted ProtectedLiteralArray
     * before LiteralArray, moving everything after it by one (the metadata's
     * InliningPositionsIndex goes 7 -> 8 between node 22 and 24). Verified on the deopt fixture
     * of all seven: the lazy exit index computed from these gives an entry whose pc is the
     * return address of a call instruction.
     */
    static final Fallback DEOPT_EXIT_START = gated("DEOPT_DATA_DEOPT_EXIT_START_INDEX", "8 to V8 12.x (verified 9.4-12.4), 9 from 13.0 (verified 13.6-14.6)",
            "deoptimization-data.h kDeoptExitStartIndex", split(13, 0, 8, 9));
    static final Fallback DEOPT_EAGER_COUNT = gated("DEOPT_DATA_EAGER_DEOPT_COUNT_INDEX", "9 to V8 12.x (verified 9.4-12.4), 10 from 13.0 (verified 13.6-14.6)",
            "deoptimization-data.h kEagerDeoptCountIndex (kEagerSoftAndBailoutDeoptCountIndex in 9.x)", split(13, 0, 9, 10));
    static final Fallback DEOPT_LAZY_COUNT = gated("DEOPT_DATA_LAZY_DEOPT_COUNT_INDEX", "10 to V8 12.x (verified 9.4-12.4), 11 from 13.0 (verified 13.6-14.6)",
            "deoptimization-data.h kLazyDeoptCountIndex", split(13, 0, 10, 11));
    static final Fallback DEOPT_FIRST_ENTRY = gated("DEOPT_DATA_FIRST_ENTRY_INDEX", "11 to V8 12.x (verified 9.4-12.4), 12 from 13.0 (verified 13.6-14.6)",
            "deoptimization-data.h kFirstDeoptEntryIndex", split(13, 0, 11, 12));
    static final Fallback DEOPT_ENTRY_SIZE = stable("DEOPT_DATA_ENTRY_SIZE", 3, "deoptimization-data.h kDeoptEntrySize (release builds)");
    /**
     * An entry's Pc: for Turbofan's lazy exits the return address of the call (code-generator.cc
     * records pc_offset_for_safepoint); Maglev records every exit's own pc instead (verified on
     * node 24-26: entry i's Pc is DeoptExitStart + 4 * i).
     */
    static final Fallback DEOPT_ENTRY_PC = stable("DEOPT_DATA_ENTRY_PC_OFFSET", 2, "deoptimization-data.h kPcOffset");
    static final Fallback DEOPT_ENTRY_BYTECODE_OFFSET = stable("DEOPT_DATA_ENTRY_BYTECODE_OFFSET", 0, "deoptimization-data.h kBytecodeOffsetRawOffset");
    /**
     * x64 deopt exits are one call through the isolate's builtin entry table, eager and lazy
     * alike (deoptimizer-x64.cc): {@code call [r13 + disp32]} (41 ff 95 xx xx xx xx, 7 bytes) in
     * V8 9.x, {@code call [r13 + disp8]} (41 ff 55 xx, 4 bytes) from V8 10 (the tier-0 entry table
     * moved within 0x7f of r13). Read off the deopt fixture's exits on all seven; 8 for lazy
     * exits only in builds with V8_ENABLE_CET_IBT, which official node builds are not.
     */
    static final Fallback DEOPT_EXIT_EAGER_SIZE = gated("DEOPT_EXIT_EAGER_SIZE",
            "7 in V8 9.x (verified 9.4), 4 from 10.0 (verified 10.2-14.6); arm64: 4 (one instruction; verified 9.4-14.6)",
            "deoptimizer-x64.cc kEagerDeoptExitSize (kNonLazyDeoptExitSize in 9.x); deoptimizer-arm64.cc (no control-flow integrity"
                    + " in node's builds)", arm64(split(10, 0, 7, 4), 4));
    static final Fallback DEOPT_EXIT_LAZY_SIZE = gated("DEOPT_EXIT_LAZY_SIZE",
            "7 in V8 9.x (verified 9.4), 4 from 10.0 (verified 10.2-14.6); arm64: 4 (verified 9.4-14.6)",
            "deoptimizer-x64.cc kLazyDeoptExitSize; deoptimizer-arm64.cc", arm64(split(10, 0, 7, 4), 4));
    /**
     * MaglevSafepointTable (maglev-safepoint-table.h), written right after Maglev code's
     * instructions (metadata start = instruction start + instruction size): a 16-byte header
     * {int32 (stack slots), int32 length, uint32 entry configuration, uint32 tagged slots}, then
     * length entries of {pc, deopt index + 1, trampoline pc + 1, pushed registers (1 byte),
     * tagged register bits}, field widths from the configuration bits below. A Maglev frame
     * marked for lazy deoptimization returns to the entry's trampoline pc; its pc is the call's
     * return address (Maglev's DeoptimizationData keeps only the exit's own pc). Read off the
     * deopt fixture's jsmdbDeoptMaglev code on node 24, 25 and 26 (length 10, configuration
     * 0xa3, the lazy entries' deopt index and trampoline matching DeoptExitStart's exits); gated
     * to V8 13+ (Maglev runs on node 24+ only).
     */
    private static Function<V8Metadata, OptionalLong> from13(long value) {
        return m -> m.version().filter(v -> v.atLeast(13, 0, 0)).map(v -> OptionalLong.of(value)).orElse(OptionalLong.empty());
    }
    private static final String MAGLEV_SAFEPOINT_SOURCE = "maglev-safepoint-table.h MaglevSafepointTable";
    static final Fallback MAGLEV_SAFEPOINT_LENGTH = gated("MAGLEV_SAFEPOINT_LENGTH_OFFSET", "4 from V8 13.0 (verified 13.6-14.6)", MAGLEV_SAFEPOINT_SOURCE, from13(4));
    static final Fallback MAGLEV_SAFEPOINT_CONFIG = gated("MAGLEV_SAFEPOINT_CONFIG_OFFSET", "8 from V8 13.0 (verified 13.6-14.6)", MAGLEV_SAFEPOINT_SOURCE, from13(8));
    static final Fallback MAGLEV_SAFEPOINT_HEADER = gated("MAGLEV_SAFEPOINT_HEADER_SIZE", "16 from V8 13.0 (verified 13.6-14.6)", MAGLEV_SAFEPOINT_SOURCE, from13(16));
    /** The entry configuration's bit fields: HasDeoptData bit 0, RegisterIndexesSize bits 1-3, PcSize 4-6, DeoptIndexSize 7-9. */
    public static final int MAGLEV_SAFEPOINT_HAS_DEOPT_BIT = 0;
    public static final int MAGLEV_SAFEPOINT_REGISTER_SIZE_SHIFT = 1;
    public static final int MAGLEV_SAFEPOINT_PC_SIZE_SHIFT = 4;
    public static final int MAGLEV_SAFEPOINT_DEOPT_SIZE_SHIFT = 7;
    public static final int MAGLEV_SAFEPOINT_SIZE_MASK = 7;
    static final Fallback INLINING_POSITION_SIZE = stable("INLINING_POSITION_SIZE", 16, "source-position.h struct InliningPosition");
    static final Fallback INLINING_POSITION_ID = stable("INLINING_POSITION_FUNCTION_ID_OFFSET", 8, "source-position.h struct InliningPosition");
    static final Fallback SCOPE_INFO_FLAGS_SMI = gated("SCOPE_INFO_FLAGS_IS_SMI", "1 to V8 12.x (verified 9.4-12.4), 0 from 13.0 (verified 13.6-14.6)",
            "scope-info.tq flags: Smi -> uint32", split(13, 0, 1, 0));
    static final Fallback SCOPE_TYPE_FUNCTION = gated("SCOPE_INFO_FUNCTION_SCOPE_TYPE", "2 to V8 12.x (verified 9.4-12.4), 4 from 13.0 (verified 13.6-14.6)",
            "globals.h enum ScopeType (SCRIPT_SCOPE and REPL_MODE_SCOPE moved first)", split(13, 0, 2, 4));
    static final Fallback SCOPE_INFO_RECEIVER_INFO = gated("SCOPE_INFO_HAS_RECEIVER_INFO", "1 for V8 9.x (verified 9.4), 0 from 10.0",
            "scope-info.tq receiver_info (removed in V8 10)", split(10, 0, 1, 0));
    /**
     * A module scope's ScopeInfo keeps module_variable_count first, before the context locals:
     * not in V8 9.4-11.3 (node 16-20), from 12.4 on (node 22-26; the module fixture's module scope
     * has {count 2, 4 names} there). The change lies between 11.3 and 12.4.
     */
    static final Fallback SCOPE_INFO_MODULE_COUNT = gated("SCOPE_INFO_HAS_MODULE_VARIABLE_COUNT",
            "0 to V8 11.x (verified 9.4, 11.3), 1 from 12.0 (verified 12.4-14.6)",
            "scope-info.tq module_variable_count moved to the front", split(12, 0, 0, 1));
    static final Fallback BUILTIN_EXIT_TARGET = stable("BUILTIN_EXIT_FRAME_TARGET_OFFSET", 24,
            "frame-constants.h BuiltinExitFrameConstants::kTargetOffset (caller sp + 1 word)");
    static final Fallback BUILTIN_EXIT_ARGC = stable("BUILTIN_EXIT_FRAME_ARGC_OFFSET", 32,
            "frame-constants.h BuiltinExitFrameConstants::kArgcOffset (caller sp + 2 words)");

    /**
     * BuiltinExitFrameConstants::kNumExtraArgsWithReceiver and kFirstArgumentOffset (the
     * receiver): new.target, target, argc, padding + receiver = 5 with the receiver at fp+48 to
     * V8 14.1; V8 14.6 dropped the padding word (4, fp+40). Checked with JSON.parse(text,
     * reviver) on all seven; the change lies between 14.1 and 14.6.
     */
    static final Fallback BUILTIN_EXIT_EXTRA = gated("BUILTIN_EXIT_FRAME_EXTRA_ARGS",
            "5 to V8 14.1 (verified 9.4-14.1), 4 from 14.2 (verified 14.6); arm64: 5 (its stack keeps 16-byte alignment: the padding stays; verified 9.4-14.6)",
            "frame-constants.h BuiltinExitFrameConstants::kNumExtraArgsWithReceiver", arm64(split(14, 2, 5, 4), 5));
    static final Fallback BUILTIN_EXIT_RECEIVER = gated("BUILTIN_EXIT_FRAME_RECEIVER_OFFSET",
            "48 to V8 14.1 (verified 9.4-14.1), 40 from 14.2 (verified 14.6); arm64: 48 (verified 9.4-14.6)",
            "frame-constants.h BuiltinExitFrameConstants::kFirstArgumentOffset", arm64(split(14, 2, 48, 40), 48));

    /**
     * ApiCallbackExitFrame (V8 12+, node 22+): the exit frame Builtins_CallApiCallback* builds
     * for a JS call of a C++ API function (FunctionTemplate: node's bindings such as
     * {@code process.abort}); frame-constants.h ApiCallbackExitFrameConstants with
     * FunctionCallbackInfo's implicit args above the fp. Read off the async and esm fixture cores
     * ({@code process.abort()}: 0 arguments, receiver {@code process}; ModuleWrap {@code evaluate(-1,
     * false)}: 2 arguments): V8 12.4 (node 22) {target @16, argc: Smi @24, context @32, implicit
     * args (holder, isolate, ..., new.target) @40-80, receiver @88}; 13.6 and 14.1 (node 24, 25)
     * {implicit args (unused, isolate, context, return value, target @48, new.target) @16-56,
     * receiver @64} with FunctionCallbackInfo::length_ (raw int) pushed at fp-24; 14.6 (node 26:
     * new.target moved to ApiConstructExitFrame) {isolate, return value, context, target @40,
     * receiver @48}, length_ at fp-24. The target is the JSFunction in every fixture core
     * (V8 may also leave the FunctionTemplateInfo there until a stack trace instantiates it).
     * Argument i (0-based) follows the receiver at + 8 * (i + 1); argc excludes the receiver.
     * Empty before V8 12 (node 16-20 call API functions through a BuiltinExitFrame).
     */
    private static Function<V8Metadata, OptionalLong> apiExit(long v12, long v13, long v142) {
        return m -> m.version().filter(v -> v.atLeast(12, 0, 0))
                .map(v -> OptionalLong.of(v.before(13, 0, 0) ? v12 : v.before(14, 2, 0) ? v13 : v142)).orElse(OptionalLong.empty());
    }
    private static final String API_EXIT_SOURCE = "frame-constants.h ApiCallbackExitFrameConstants; v8-function-callback.h FunctionCallbackInfo implicit args";
    static final Fallback API_EXIT_TARGET = gated("API_CALLBACK_EXIT_FRAME_TARGET_OFFSET",
            "16 in V8 12.x (verified 12.4), 48 in 13.0-14.1 (verified 13.6, 14.1), 40 from 14.2 (verified 14.6); none before 12",
            API_EXIT_SOURCE, apiExit(16, 48, 40));
    static final Fallback API_EXIT_ARGC = gated("API_CALLBACK_EXIT_FRAME_ARGC_OFFSET",
            "24 (a Smi above the fp) in V8 12.x (verified 12.4), -24 (FunctionCallbackInfo::length_, raw) from 13.0 (verified 13.6-14.6)",
            API_EXIT_SOURCE, apiExit(24, -24, -24));
    static final Fallback API_EXIT_ARGC_IS_SMI = gated("API_CALLBACK_EXIT_FRAME_ARGC_IS_SMI", "1 in V8 12.x (verified 12.4), 0 from 13.0 (verified 13.6-14.6)",
            API_EXIT_SOURCE, apiExit(1, 0, 0));
    static final Fallback API_EXIT_RECEIVER = gated("API_CALLBACK_EXIT_FRAME_RECEIVER_OFFSET",
            "88 in V8 12.x (verified 12.4), 64 in 13.0-14.1 (verified 13.6, 14.1), 48 from 14.2 (verified 14.6); arm64 12.x: 96"
                    + " (a padding word at fp+40 keeps the stack 16-byte aligned; verified 12.4)",
            API_EXIT_SOURCE, m -> m.isArm64() ? apiExit(96, 64, 48).apply(m) : apiExit(88, 64, 48).apply(m));

    /** ScopeInfo flag bits (scope-info.tq ScopeFlags; the same positions in V8 9.4-14.6, verified on all seven). */
    public static final int SCOPE_FLAGS_SCOPE_TYPE_MASK = 0xf;
    public static final int SCOPE_FLAGS_RECEIVER_VARIABLE_SHIFT = 7;
    public static final int SCOPE_FLAGS_HAS_SAVED_CLASS_VARIABLE_BIT = 10;
    public static final int SCOPE_FLAGS_FUNCTION_VARIABLE_SHIFT = 12;
    public static final int SCOPE_FLAGS_HAS_INFERRED_NAME_BIT = 14;
    /** source-position.h SourcePosition: bit 0 external, bits 1-30 script offset + 1, bits 31-46 inlining id + 1. */
    public static final int SOURCE_POSITION_SCRIPT_OFFSET_SHIFT = 1;
    public static final long SOURCE_POSITION_SCRIPT_OFFSET_MASK = (1L << 30) - 1;
    public static final int SOURCE_POSITION_INLINING_ID_SHIFT = 31;
    public static final long SOURCE_POSITION_INLINING_ID_MASK = 0xffff;
    /** A weak reference (HeapObjectReference) has bit 1 set: kWeakHeapObjectMask (globals.h). */
    public static final long WEAK_HEAP_OBJECT_MASK = 2;

    /**
     * shared-function-info.h FunctionKindBits = flags bits 0-4; function-kind.h: kBaseConstructor 3 ..
     * kDerivedConstructor 6 are class constructors. Same flags word for a class in all seven builds.
     */
    static final Fallback SFI_FUNCTION_KIND = stable("SFI_FUNCTION_KIND_MASK", 0x1f, "shared-function-info.h FunctionKindBits");
    public static final int FIRST_CLASS_CONSTRUCTOR_KIND = 3;
    public static final int LAST_CLASS_CONSTRUCTOR_KIND = 6;

    /** globals.h kHoleNanInt64 = (0xFFF7FFFF << 32) | 0xFFF7FFFF: a hole in a FixedDoubleArray. */
    public static final long HOLE_NAN_INT64 = 0xFFF7FFFF_FFF7FFFFL;
    static final Fallback HOLE_NAN = stable("HOLE_NAN_BITS", HOLE_NAN_INT64, "globals.h kHoleNanInt64");

    /**
     * GlobalDictionaryShape::kPrefixSize (src/objects/dictionary.h): 2 slots (next enumeration
     * index, object hash), inherited from BaseNameDictionaryShape. The metadata has only
     * NameDictionaryShape's prefix, which grew to 3 (a flags slot) in V8 11 (node 20-26) while the
     * global dictionary's stayed 2: on the heap fixture cores of node 20-26 the global object's
     * dictionary is exactly 3 + 2 + capacity words long (3 + 2 + capacity on node 16 and 18 too).
     */
    static final Fallback GLOBAL_DICTIONARY_PREFIX = stable("GLOBAL_DICTIONARY_PREFIX_SIZE", 2,
            "dictionary.h BaseNameDictionaryShape::kPrefixSize (GlobalDictionaryShape)");

    /**
     * WeakCell fields (a FinalizationRegistry's registrations): js-weak-refs.tq {@code extern class
     * WeakCell extends HeapObject { finalization_registry; target; unregister_token; holdings;
     * prev; next; key_list_prev; key_list_next }}, unchanged V8 9.4-14.6, so target @16 and
     * unregister_token @24. Not in the metadata; not checked on a core (no fixture registers with
     * a FinalizationRegistry): the heap snapshot model uses them only to mark those two slots weak.
     */
    static final Fallback WEAK_CELL_TARGET = new Fallback("WEAK_CELL_TARGET_OFFSET",
            "V8 9.4-14.6 (node 16-26), from js-weak-refs.tq; not checked on a core", "js-weak-refs.tq WeakCell field order",
            m -> java.util.OptionalLong.of(16));
    static final Fallback WEAK_CELL_UNREGISTER_TOKEN = new Fallback("WEAK_CELL_UNREGISTER_TOKEN_OFFSET",
            "V8 9.4-14.6 (node 16-26), from js-weak-refs.tq; not checked on a core", "js-weak-refs.tq WeakCell field order",
            m -> java.util.OptionalLong.of(24));

    // ---- GC roots (io.jsmdb.v8.graph.GcRoots) -------------------------------------------------
    //
    // The isolate, its roots table and the off-heap root holders (global handles, eternal
    // handles, handle scopes, the microtask queue) are C++ objects: no v8dbg_* constant describes
    // them. GcRoots finds each by a structural signature (pointers back to the isolate, lists
    // whose links verify) and uses the facts below for the fields inside. Verified on the
    // stack-abort and heap-gcore cores of all seven builds (GcRootsTest).

    /**
     * The first strong mutable root: ACCESSOR_INFO_ROOT_LIST's arguments_iterator_accessor opens
     * STRONG_MUTABLE_IMMOVABLE_ROOT_LIST in every V8 9.4-14.6 (src/roots/roots.h). The roots
     * table is the RootsTable::root_names_ order: the read-only roots before it (up to
     * store_handler3_map in 9.4-12.4; 13.6 moved external_map and message_object_map into the
     * read-only list, 14.x adds cpp_heap_external_map), then the strong mutable roots. Verified
     * against V8's own heap snapshots: "(Read-only roots)" has 590, 697, 739, 760, 1028, 1042 and
     * 1049 edges on node 16-26, exactly the entries before this one.
     */
    public static final String FIRST_STRONG_MUTABLE_ROOT_NAME = "arguments_iterator_accessor";
    /**
     * The name V8's heap snapshot gives the strong roots table's synthetic node (visitors.h
     * ROOT_ID_LIST, Root::kStrongRootList): "(Strong roots)" in V8 9.4-11.3; V8 12 renamed it
     * "(Strong root list)" and gave "(Strong roots)" to Heap's list of other strong roots
     * (StrongRootsEntry). Verified in V8's snapshots of node 16-26.
     */
    public static final String STRONG_ROOT_LIST_NAME_BEFORE_12 = "(Strong roots)";
    public static final String STRONG_ROOT_LIST_NAME_FROM_12 = "(Strong root list)";
    /**
     * The first entry of SMI_ROOT_LIST (roots.h, V8 9.4-14.6: last_script_id). The strong
     * mutable roots end before it; Smi roots are never heap references (V8's snapshot skips them).
     */
    public static final String FIRST_SMI_ROOT_NAME = "last_script_id";
    /** The roots-table entry of the meta map (every map's map), roots.h READ_ONLY_ROOT_LIST. */
    public static final String META_MAP_ROOT_NAME = "meta_map";

    /**
     * IsolateData::roots_table_ from the Isolate (the Isolate starts with its IsolateData,
     * isolate.h / isolate-data.h): 9.4: 0x70, 10.2: 0x120, 11.3: 0x1f0, 12.4: 0x250, 13.6:
     * 0x280, 14.1: 0x288, 14.6: 0x2b0 (exact minors verified: the isolate found as the address
     * most pointed back to from the C++ objects the isolate holds, the table as the run of
     * read-only pointers whose meta_map entry is its own map). A cross-check only: GcRoots
     * finds the isolate by those back-pointers and uses this when they do not decide.
     */
    static final Fallback ISOLATE_ROOTS_TABLE = gated("ISOLATE_ROOTS_TABLE_OFFSET",
            "9.4: 0x70, 10.2: 0x120, 11.3: 0x1f0, 12.4: 0x250, 13.6: 0x280, 14.1: 0x288, 14.6: 0x2b0 (these builds)",
            "isolate-data.h IsolateData::roots_table_offset()",
            byMinor(new long[][] {{9, 4, 0x70}, {10, 2, 0x120}, {11, 3, 0x1f0}, {12, 4, 0x250}, {13, 6, 0x280},
                    {14, 1, 0x288}, {14, 6, 0x2b0}}));

    /**
     * GlobalHandles::regular_nodes_ (a NodeSpace<Node>*) from the GlobalHandles object, whose
     * first word is the Isolate* (global-handles.h): 8 in 9.4 and 11.3-14.6, 16 in 10.2 (an
     * extra member before it); the traced-node space that 9.4/10.2 also keep there comes later.
     */
    static final Fallback GLOBAL_HANDLES_REGULAR_NODES = gated("GLOBAL_HANDLES_REGULAR_NODES_OFFSET",
            "9.4: 8, 10.2: 16, 11.3-14.6: 8 (exact minors verified)", "global-handles.h GlobalHandles::regular_nodes_",
            byMinor(new long[][] {{9, 4, 8}, {10, 2, 16}, {11, 3, 8}, {12, 4, 8}, {13, 6, 8}, {14, 1, 8}, {14, 6, 8}}));
    /**
     * GlobalHandles::NodeSpace { GlobalHandles* global_handles_; NodeBlock* first_block_;
     * NodeBlock* first_used_block_; Node* first_free_; size_t blocks_; size_t handles_count_; }
     * (global-handles.cc, unchanged V8 9.4-14.6): first_used_block_ at 16, blocks_ at 32,
     * handles_count_ at 40.
     */
    public static final int GLOBAL_HANDLES_SPACE_FIRST_USED_BLOCK = 16;
    public static final int GLOBAL_HANDLES_SPACE_BLOCKS = 32;
    public static final int GLOBAL_HANDLES_SPACE_HANDLES_COUNT = 40;
    /**
     * GlobalHandles::NodeBlock { Node nodes_[kBlockSize = 256]; NodeBlock* next_; GlobalHandles*
     * global_handles_; NodeSpace* space_; NodeBlock* next_used_; NodeBlock* prev_used_; uint32_t
     * used_nodes_; } and NodeBase { Address object_; uint16_t class_id_; uint8_t index_; uint8_t
     * flags_; union { next_free, parameter } data_; } + Node::weak_callback_: 32-byte nodes
     * (global-handles.cc, V8 9.4-14.6; verified: node i's index_ is i in every block).
     */
    public static final int GLOBAL_HANDLE_BLOCK_NODES = 256;
    public static final int GLOBAL_HANDLE_NODE_SIZE = 32;
    public static final int GLOBAL_HANDLE_NODE_INDEX = 10;
    public static final int GLOBAL_HANDLE_NODE_FLAGS = 11;
    /** Node::data_: the label of a strong (NORMAL) node (AnnotateStrongRetainer), else the weak parameter. */
    public static final int GLOBAL_HANDLE_NODE_DATA = 16;
    /** The block trailer after the nodes: global_handles_ at +8, space_ at +16, next_used_ at +24. */
    public static final int GLOBAL_HANDLE_BLOCK_GLOBAL_HANDLES = 8;
    public static final int GLOBAL_HANDLE_BLOCK_SPACE = 16;
    public static final int GLOBAL_HANDLE_BLOCK_NEXT_USED = 24;
    /** Node::State: FREE = 0, NORMAL = 1 (a strong retainer), WEAK = 2, then pending / near-death. */
    public static final int GLOBAL_HANDLE_STATE_FREE = 0;
    public static final int GLOBAL_HANDLE_STATE_NORMAL = 1;
    /**
     * Node::NodeState's width in flags_: BitField8<State, 0, 3> in 9.4 and 10.2 (FREE, NORMAL,
     * WEAK, PENDING, NEAR_DEATH), BitField8<State, 0, 2> from 11 (the young-list bit is bit 2).
     * Verified: flags 0x31/0x39 (state 1 with weakness and young bits above bit 2) in 10.2, 0x5/0x6
     * (young bit 2) in 13.6-14.6.
     */
    static final Fallback GLOBAL_HANDLE_STATE_MASK = gated("GLOBAL_HANDLE_STATE_MASK",
            "9.4, 10.2: 7; 11.x-14.x: 3", "global-handles.cc Node::NodeState", split(11, 0, 7, 3));

    /**
     * EternalHandles { int size_; std::vector<Address*> blocks_; std::vector<int>
     * young_node_indices_; } with blocks of kSize = 256 slots (eternal-handles.h, V8 9.4-14.6):
     * size_ at 0, blocks_ {begin, end, capacity} at 8.
     */
    public static final int ETERNAL_HANDLES_SIZE = 0;
    public static final int ETERNAL_HANDLES_BLOCKS = 8;
    public static final int ETERNAL_HANDLES_BLOCK_SLOTS = 256;

    /**
     * HandleScopeImplementer { Isolate* isolate_; DetachableVector<Address*> blocks_;
     * DetachableVector<NativeContext> entered_contexts_; DetachableVector<Context>
     * saved_contexts_; ... } with DetachableVector { T* data_; size_t capacity_; size_t size_; }
     * (api/api.h, utils/detachable-vector.h, V8 9.4-14.6): blocks_ at 8, entered_contexts_ at 32,
     * saved_contexts_ after them (see HANDLE_SCOPE_SAVED_CONTEXTS); each handle block holds
     * kHandleBlockSize = KB - 2 = 1022 slots
     * (api.h), the last one used up to Isolate::handle_scope_data_.next (HandleScopeData { next,
     * limit, level, sealed_level, ... }: limit is the block's end).
     */
    public static final int HANDLE_SCOPE_IMPLEMENTER_BLOCKS = 8;
    public static final int HANDLE_SCOPE_IMPLEMENTER_ENTERED_CONTEXTS = 32;
    /**
     * HandleScopeImplementer::saved_contexts_: 80 in V8 9.4-11.3 (a DetachableVector<int8_t>
     * is_microtask_context_ sits between it and entered_contexts_), 56 from V8 12 (that vector
     * gone). Verified: on the abort cores the vector at 56 holds bytes in 9.4-11.3 and contexts
     * (or the null a SaveContext without a context keeps) in 12.4-14.6.
     */
    static final Fallback HANDLE_SCOPE_SAVED_CONTEXTS = gated("HANDLE_SCOPE_IMPLEMENTER_SAVED_CONTEXTS_OFFSET",
            "9.4-11.3: 80; 12.4-14.6: 56", "api.h HandleScopeImplementer::saved_contexts_", split(12, 0, 80, 56));
    public static final int HANDLE_BLOCK_SLOTS = 1022;

    /**
     * MicrotaskQueue (execution/microtask-queue.h, a v8::MicrotaskQueue with a vtable): size_ at
     * 8, capacity_ at 16, start_ at 24, ring_buffer_ at 32 (V8 9.4-14.6); the pending tasks are
     * ring_buffer_[(start_ + i) % capacity_] for i < size_.
     */
    public static final int MICROTASK_QUEUE_SIZE = 8;
    public static final int MICROTASK_QUEUE_CAPACITY = 16;
    public static final int MICROTASK_QUEUE_START = 24;
    public static final int MICROTASK_QUEUE_RING_BUFFER = 32;

    /**
     * StringTable { std::atomic<Data*> data_; base::Mutex write_mutex_; Isolate* isolate_; } and
     * its Data { std::unique_ptr<Data> previous_data_; int number_of_elements_; int
     * number_of_deleted_elements_; const int capacity_; Tagged_t elements_[capacity]; }
     * (objects/string-table.h/.cc; OffHeapHashTableBase from V8 12, same layout; 8-byte Tagged_t
     * without pointer compression): data_ at 0; in Data the count at 8, capacity at 16, elements
     * at 24 (verified: the count equals the heap references among the capacity slots on every
     * core). Empty and deleted slots hold the Smis 0 and 1.
     */
    public static final int STRING_TABLE_DATA = 0;
    public static final int STRING_TABLE_DATA_COUNT = 8;
    public static final int STRING_TABLE_DATA_DELETED = 12;
    public static final int STRING_TABLE_DATA_CAPACITY = 16;
    public static final int STRING_TABLE_DATA_ELEMENTS = 24;

    /**
     * Heap::external_string_table_ (heap.h ExternalStringTable { Heap* heap_;
     * std::vector<Object> young_strings_; std::vector<Object> old_strings_; }, V8 9.4-14.1): two
     * adjacent vectors {begin, end, capacity}; 14.6 keeps one vector (Heap::ExternalStringTable::
     * AddString's machine code: {begin, end, capacity} at +0x10, a mutex at +0x28). Offsets from
     * the scan position; GcRoots finds the vectors by their elements, all external strings.
     */
    public static final int EXTERNAL_STRING_TABLE_YOUNG = 8;
    public static final int EXTERNAL_STRING_TABLE_OLD = 32;

    /**
     * builtins.cc builtin_metadata[] (a static array of BuiltinMetadata { const char* name;
     * Builtins::Kind kind; union data; }, 24 bytes each, one per builtin; its symbol's size / 24
     * is Builtins::kBuiltinCount: 1726 in 9.4, 2182 in 11.3, 2415 in 14.6, the lengths of the
     * isolate's builtin table on the cores). The name is the entry's first word.
     */
    public static final int BUILTIN_METADATA_ENTRY_SIZE = 24;

    /**
     * What the heap snapshot's synthetic root links (a "shortcut" edge, V8HeapExplorer::
     * SetUserGlobalReference) for each native context a strong root holds: its global object in
     * V8 9.4-14.1 (node 16-25), the native context itself in 14.6 (node 26). Verified in V8's own
     * snapshots: node 25's shortcut leads to "global", node 26's to "system / NativeContext"
     * (whose global_object edge leads to the global). 1 = the native context.
     */
    static final Fallback SNAPSHOT_ROOT_LINKS_NATIVE_CONTEXT = gated("SNAPSHOT_ROOT_LINKS_NATIVE_CONTEXT",
            "9.4-14.1: 0 (the global object); 14.6: 1 (the native context)", "heap-snapshot-generator.cc SetGcSubrootReference",
            split(14, 6, 0, 1));

    /**
     * Context::EXTENSION_INDEX (contexts.h: scope_info 0, previous 1, extension 2 in V8
     * 9.4-14.6): a native context's extension is its JSGlobalObject (Context::global_object()).
     */
    public static final int CONTEXT_EXTENSION_INDEX = 2;
    /**
     * The SymbolFlags bits (name.tq) that make a symbol private as V8's heap snapshot sees it
     * (Symbol::is_private: "private symbol" nodes). To V8 14.1 a private name (a class's #field)
     * sets is_private and is_private_name (flags 0x11 on the heap fixture cores of node 16-25), so
     * bit 0 says it; in V8 14.6 a private name's flags read 2 (node 26), and V8's snapshot of the
     * fixture counts those as private too (its "symbol" total is ours less exactly them): bits 0-1.
     */
    static final Fallback SYMBOL_PRIVATE = gated("SYMBOL_FLAGS_PRIVATE_MASK", "1 to V8 14.1 (verified 9.4-14.1), 3 from 14.6 (verified 14.6)",
            "name.tq SymbolFlags", split(14, 6, 1, 3));

    /** Every fallback rule, for listings. */
    public static List<Fallback> all() {
        return List.of(JS_ARRAY_LENGTH, SCRIPT_SOURCE, SCRIPT_LINE_OFFSET, SCRIPT_COLUMN_OFFSET, SCRIPT_TYPE, SCRIPT_ID,
                EXTERNAL_STRING_RESOURCE_DATA, CONTEXT_HEADER, SCOPE_INFO_FIELDS, NOT_INTERNALIZED_MASK, INTERNALIZED,
                CALLER_FP, CALLER_PC, ARGC, BYTECODE_ARRAY, BYTECODE_OFFSET, ARGC_INCLUDES_RECEIVER, JS_FUNCTION_CODE,
                FIRST_JS_FUNCTION_TYPE, LAST_JS_FUNCTION_TYPE,
                CHUNK_METADATA_POINTER, CHUNK_FLAGS, CHUNK_SIZE, CHUNK_HEAP, CHUNK_AREA_START, CHUNK_AREA_END, CHUNK_OWNER,
                FREE_SPACE_SIZE_SHIFT, OBJECT_BOILERPLATE_DESCRIPTION_HEADER, SCRIPT_CONTEXT_TABLE_HEADER, ARRAY_LIST_HEADER,
                PAGE_ALIGNMENT, FROM_PAGE_FLAG, NATIVE_CONTEXT_TRAILING, SLOPPY_ARGUMENTS_HEADER, WEAK_ARRAY_LIST,
                FREE_SPACE_SIZE, BYTECODE_ARRAY_HEADER, ALLOCATION_SITE_BOILERPLATE, FEEDBACK_VECTOR_SHARED, ALLOCATION_SITE_PRETENURE_DATA, SCRIPT_SOURCE_URL,
                PAGE_LIST_NODE, SEMI_SPACE_PAGE_LIST, NEW_LAB_FROM_HEAP, NEW_LAB_FROM_TO_SPACE,
                SWEEPING_STATE, LIVE_BYTES, MARKING_BITMAP,
                BYTECODE_ARRAY_SOURCE_POSITIONS, BYTE_ARRAY_DATA, SOURCE_POSITION_ENCODING, CODE_KIND_MASK, CODE_KIND_SHIFT,
                CODE_KIND_BASELINE_9, CODE_FLAGS, CODE_INSTRUCTION_START_11, CODE_POSITION_TABLE, CODE_DEOPT_DATA,
                CODE_INSTRUCTION_STREAM_11, INSTRUCTION_STREAM_CODE, DEOPT_INLINED_COUNT, DEOPT_LITERALS,
                DEOPT_INLINING_POSITIONS, DEOPT_SFI, DEOPT_EXIT_START, DEOPT_EAGER_COUNT, DEOPT_LAZY_COUNT,
                DEOPT_FIRST_ENTRY, DEOPT_ENTRY_SIZE, DEOPT_ENTRY_PC, DEOPT_ENTRY_BYTECODE_OFFSET, DEOPT_EXIT_EAGER_SIZE, DEOPT_EXIT_LAZY_SIZE,
                MAGLEV_SAFEPOINT_LENGTH, MAGLEV_SAFEPOINT_CONFIG, MAGLEV_SAFEPOINT_HEADER, INLINING_POSITION_SIZE, INLINING_POSITION_ID, SCOPE_INFO_FLAGS_SMI,
                SCOPE_TYPE_FUNCTION, SCOPE_INFO_RECEIVER_INFO, SCOPE_INFO_MODULE_COUNT, BUILTIN_EXIT_TARGET, BUILTIN_EXIT_ARGC, BUILTIN_EXIT_EXTRA, BUILTIN_EXIT_RECEIVER,
                API_EXIT_TARGET, API_EXIT_ARGC, API_EXIT_ARGC_IS_SMI, API_EXIT_RECEIVER,
                GLOBAL_DICTIONARY_PREFIX, PROPERTY_CELL_DETAILS, SCOPE_INFO_MAX_INLINED_LOCALS, HASH_TABLE_CAPACITY,
                NAME_TO_INDEX_PREFIX, NAME_TO_INDEX_ENTRY, WEAK_CELL_TARGET, WEAK_CELL_UNREGISTER_TOKEN,
                ISOLATE_ROOTS_TABLE, GLOBAL_HANDLES_REGULAR_NODES, GLOBAL_HANDLE_STATE_MASK, HANDLE_SCOPE_SAVED_CONTEXTS,
                SNAPSHOT_ROOT_LINKS_NATIVE_CONTEXT, SYMBOL_PRIVATE);
    }
}
