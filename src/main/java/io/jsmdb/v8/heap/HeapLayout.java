package io.jsmdb.v8.heap;

import io.jsmdb.v8.InstanceTypeTable;
import io.jsmdb.v8.V8Fact;
import io.jsmdb.v8.V8Metadata;
import java.util.OptionalInt;

/**
 * Everything the heap walker needs to know about one V8 build, resolved once: chunk header
 * offsets, tagging, map fields, and how to size each instance type (all from
 * {@link V8Metadata}/{@link V8Fact} and its {@link V8Metadata#instanceTypes() instance-type table}).
 */
public final class HeapLayout {
    // size rules, by instance type
    static final byte R_MAP = 0;          // size from the map's instance_size (non-zero)
    static final byte R_ARRAY = 1;        // header + elem * length(field)
    static final byte R_SEQ1 = 2;         // sequential one-byte string
    static final byte R_SEQ2 = 3;         // sequential two-byte string
    static final byte R_FREE = 4;         // FreeSpace
    static final byte R_PREPARSE = 5;     // PreparseData
    static final byte R_SCAN = 6;         // unknown formula: up to the next word that is a map pointer

    // how an array-shaped object's length is stored
    static final byte L_SMI = 0, L_SMI_LOW10 = 1, L_I32 = 2, L_U16 = 3, L_BIGINT = 4;

    final int pageAlignment;
    final int chunkMetadataPointer; // -1: header in page
    final int chunkFlags, chunkSize, chunkHeap, chunkAreaStart, chunkAreaEnd, chunkOwner;
    final long fromPageFlag;
    /** First guesses for the to-space page list (-1: none) and the new-space LAB location (Long.MIN_VALUE: none). */
    final int pageListNodeHint, semiSpacePageListHint;
    final long newLabFromHeap, newLabFromToSpace;
    /** Chunk-metadata offsets of concurrent_sweeping_, live_byte_count_ and the marking bitmap (-1: unknown for this build). */
    final int sweepingStateOffset, liveBytesOffset, markingBitmapOffset;
    final int mapOffset, mapInstanceSizeOffset, mapInstanceTypeOffset;
    final int smiShift;
    final int mapType, fillerType, freeSpaceType, holeType, codeObjectType;
    final int freeSpaceSizeOffset, freeSpaceSizeShift;
    final int firstNonstringType, stringRepresentationMask, seqStringTag, stringEncodingMask, oneByteStringTag;
    final int stringLengthOffset;

    /** Per instance type: rule, array header, element size, length field offset and kind. */
    final byte[] rule;
    final int[] header;
    final int[] elemSize;
    final byte[] lenKind;
    final byte[] lenOffset;
    final InstanceTypeTable types;

    public HeapLayout(V8Metadata m) {
        this.types = m.instanceTypes();
        pageAlignment = m.get(V8Fact.HEAP_PAGE_ALIGNMENT);
        chunkMetadataPointer = m.get(V8Fact.CHUNK_METADATA_POINTER_OFFSET);
        chunkFlags = m.get(V8Fact.CHUNK_FLAGS_OFFSET);
        chunkSize = m.get(V8Fact.CHUNK_SIZE_OFFSET);
        chunkHeap = m.get(V8Fact.CHUNK_HEAP_OFFSET);
        chunkAreaStart = m.get(V8Fact.CHUNK_AREA_START_OFFSET);
        chunkAreaEnd = m.get(V8Fact.CHUNK_AREA_END_OFFSET);
        chunkOwner = m.get(V8Fact.CHUNK_OWNER_OFFSET);
        fromPageFlag = m.get(V8Fact.CHUNK_FROM_PAGE_FLAG);
        pageListNodeHint = (int) m.find(V8Fact.PAGE_LIST_NODE_OFFSET).orElse(-1);
        semiSpacePageListHint = (int) m.find(V8Fact.SEMI_SPACE_PAGE_LIST_OFFSET).orElse(-1);
        newLabFromHeap = m.find(V8Fact.NEW_SPACE_LAB_FROM_HEAP).orElse(Long.MIN_VALUE);
        newLabFromToSpace = m.find(V8Fact.NEW_SPACE_LAB_FROM_TO_SPACE).orElse(Long.MIN_VALUE);
        sweepingStateOffset = (int) m.find(V8Fact.CHUNK_SWEEPING_STATE_OFFSET).orElse(-1);
        liveBytesOffset = (int) m.find(V8Fact.CHUNK_LIVE_BYTES_OFFSET).orElse(-1);
        markingBitmapOffset = (int) m.find(V8Fact.CHUNK_MARKING_BITMAP_OFFSET).orElse(-1);
        mapOffset = m.mapOffset();
        mapInstanceSizeOffset = m.mapInstanceSizeInWordsOffset();
        mapInstanceTypeOffset = m.mapInstanceTypeOffset();
        smiShift = m.smiShift();
        mapType = req(m, "MAP_TYPE");
        fillerType = m.instanceType("FILLER_TYPE").orElse(-1);
        freeSpaceType = m.instanceType("FREE_SPACE_TYPE").orElse(-1);
        holeType = m.instanceType("HOLE_TYPE").orElse(-1);
        // code pages hold InstructionStreams (V8 11+) or Code objects (before), free space, fillers
        int is = m.instanceType("INSTRUCTION_STREAM_TYPE").orElse(-1);
        codeObjectType = is >= 0 ? is : m.instanceType("CODE_TYPE").orElse(-1);
        freeSpaceSizeOffset = m.get(V8Fact.FREE_SPACE_SIZE_OFFSET);
        freeSpaceSizeShift = m.get(V8Fact.FREE_SPACE_SIZE_SHIFT);
        firstNonstringType = m.firstNonstringType();
        stringRepresentationMask = m.stringRepresentationMask();
        seqStringTag = m.seqStringTag();
        stringEncodingMask = m.stringEncodingMask();
        oneByteStringTag = m.oneByteStringTag();
        stringLengthOffset = m.stringLengthOffset();

        int n = Math.max(types.size(), 1 << 12);
        rule = new byte[n];
        header = new int[n];
        elemSize = new int[n];
        lenKind = new byte[n];
        lenOffset = new byte[n];
        int lenAt = m.fixedArrayLengthOffset();
        int fixedHeader = m.fixedArrayHeaderSize();
        int ptr = m.pointerSize();
        for (int t = 0; t < n; t++) {
            rule[t] = R_SCAN;
            lenOffset[t] = (byte) lenAt;
            lenKind[t] = L_SMI;
            if (t < firstNonstringType) {
                boolean seq = (t & stringRepresentationMask) == seqStringTag;
                rule[t] = !seq ? R_MAP : (t & stringEncodingMask) == oneByteStringTag ? R_SEQ1 : R_SEQ2;
                continue;
            }
            String name = types.name(t).orElse(null);
            if (name == null) continue;
            if (t == freeSpaceType) { rule[t] = R_FREE; continue; }
            if (name.equals("PREPARSE_DATA_TYPE")) { rule[t] = R_PREPARSE; continue; }
            int h = -1, e = ptr;
            if (name.equals("NATIVE_CONTEXT_TYPE")) {
                h = fixedHeader + m.get(V8Fact.NATIVE_CONTEXT_TRAILING_BYTES);
            } else if (name.equals("OBJECT_BOILERPLATE_DESCRIPTION_TYPE")) {
                h = m.get(V8Fact.OBJECT_BOILERPLATE_DESCRIPTION_HEADER);
            } else if (name.equals("SCRIPT_CONTEXT_TABLE_TYPE")) {
                h = m.get(V8Fact.SCRIPT_CONTEXT_TABLE_HEADER);
            } else if (name.equals("ARRAY_LIST_TYPE")) {
                h = m.get(V8Fact.ARRAY_LIST_HEADER);
            } else if (name.equals("WEAK_ARRAY_LIST_TYPE")) {
                h = m.get(V8Fact.WEAK_ARRAY_LIST_HEADER);
            } else if (name.equals("SLOPPY_ARGUMENTS_ELEMENTS_TYPE")) {
                h = m.get(V8Fact.SLOPPY_ARGUMENTS_ELEMENTS_HEADER);
            } else if (name.equals("PROPERTY_ARRAY_TYPE")) {
                h = fixedHeader;
                lenKind[t] = L_SMI_LOW10;
            } else if (name.equals("DESCRIPTOR_ARRAY_TYPE") || name.equals("STRONG_DESCRIPTOR_ARRAY_TYPE")) {
                h = m.descriptorArrayHeaderSize();
                e = m.propDescSize() * ptr;
                lenKind[t] = L_U16;
            } else if (name.equals("BYTE_ARRAY_TYPE") || name.equals("TRUSTED_BYTE_ARRAY_TYPE")) {
                h = fixedHeader;
                e = 1;
            } else if (name.equals("BYTECODE_ARRAY_TYPE")) {
                OptionalInt bh = optional(m, V8Fact.BYTECODE_ARRAY_HEADER);
                if (bh.isPresent()) { h = bh.getAsInt(); e = 1; }
            } else if (name.equals("BIG_INT_BASE_TYPE") || name.equals("BIGINT_TYPE")) {
                h = fixedHeader;
                lenKind[t] = L_BIGINT;
            } else if (name.equals("FEEDBACK_VECTOR_TYPE")) {
                OptionalInt fh = optional(m, V8Fact.FEEDBACK_VECTOR_HEADER);
                if (fh.isPresent()) {
                    h = fh.getAsInt();
                    lenKind[t] = L_I32; // const length: int32, right after the map
                }
            } else if (name.equals("COVERAGE_INFO_TYPE")) {
                h = fixedHeader;
                e = 16;
                lenKind[t] = L_I32;
            } else if (isFixedArrayShaped(name)) {
                h = fixedHeader;
            }
            if (h >= 0) {
                rule[t] = R_ARRAY;
                header[t] = h;
                elemSize[t] = e;
            }
        }
    }

    /** FixedArray { length: Smi; objects[length] } and the many types that share its shape. */
    private static boolean isFixedArrayShaped(String n) {
        if (n.startsWith("SMALL_ORDERED_") || n.equals("SWISS_NAME_DICTIONARY_TYPE")) return false;
        if (n.endsWith("_CONTEXT_TYPE")) return true; // contexts: length + slots (NativeContext handled before)
        return switch (n) {
            case "FIXED_ARRAY_TYPE", "HASH_TABLE_TYPE", "ORDERED_HASH_MAP_TYPE", "ORDERED_HASH_SET_TYPE",
                 "ORDERED_NAME_DICTIONARY_TYPE", "NAME_DICTIONARY_TYPE", "GLOBAL_DICTIONARY_TYPE",
                 "NUMBER_DICTIONARY_TYPE", "SIMPLE_NUMBER_DICTIONARY_TYPE", "NAME_TO_INDEX_HASH_TABLE_TYPE",
                 "REGISTERED_SYMBOL_TABLE_TYPE", "EPHEMERON_HASH_TABLE_TYPE", "STRING_TABLE_TYPE",
                 "CLOSURE_FEEDBACK_CELL_ARRAY_TYPE", "EMBEDDER_DATA_ARRAY_TYPE", "FIXED_DOUBLE_ARRAY_TYPE",
                 "WEAK_FIXED_ARRAY_TYPE", "TRANSITION_ARRAY_TYPE", "TRUSTED_FIXED_ARRAY_TYPE",
                 "PROTECTED_FIXED_ARRAY_TYPE", "TRUSTED_WEAK_FIXED_ARRAY_TYPE", "PROTECTED_WEAK_FIXED_ARRAY_TYPE" -> true;
            default -> false;
        };
    }

    private static int req(V8Metadata m, String name) {
        OptionalInt t = m.instanceType(name);
        if (t.isPresent()) return t.getAsInt();
        throw new IllegalStateException("instance type " + name + " is unknown for " + m.target());
    }

    private static OptionalInt optional(V8Metadata m, V8Fact f) {
        var v = m.find(f);
        return v.isPresent() ? OptionalInt.of((int) v.getAsLong()) : OptionalInt.empty();
    }

    public int mapType() { return mapType; }
    /** Whether this build's sweeping state, live bytes and marking bitmap locations are known. */
    public boolean knowsSweeping() { return sweepingStateOffset >= 0 && liveBytesOffset >= 0 && markingBitmapOffset >= 0; }
    /** A type V8 allocates on code-space pages. */
    boolean inCodeSpace(int type) {
        return type == codeObjectType || type == fillerType || type == freeSpaceType;
    }

    public boolean isFillerOrFree(int type) { return type == fillerType || type == freeSpaceType || type == holeType; }
}
