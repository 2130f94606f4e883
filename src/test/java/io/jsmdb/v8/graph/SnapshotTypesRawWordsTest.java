package io.jsmdb.v8.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jsmdb.binary.ElfImage;
import io.jsmdb.node.NodeTarget;
import io.jsmdb.testing.NodeBinaries;
import io.jsmdb.testing.TestCores;
import io.jsmdb.testing.TestCores.TestCore;
import io.jsmdb.v8.heap.HeapWalker;
import io.jsmdb.v8.V8Fact;
import io.jsmdb.v8.V8Metadata;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The raw words of an object that the snapshot model's hidden pass must skip, as SnapshotTypes
 * derives them from each official binary's metadata (x64 and arm64): a SharedFunctionInfo is raw
 * from its first count on and tagged before it, a map's size/type bytes and bit_field3 are raw
 * and its prototype and constructor are not, and likewise for strings, array buffers and typed
 * arrays. A CI core of the out-of-memory fixture under qemu had a reference invented from a
 * SharedFunctionInfo's flags and literal id (0x00000011_00050001, the address of an OomChunk).
 */
class SnapshotTypesRawWordsTest {
    record Binary(String name, Path path) {
        @Override public String toString() { return name; }
    }

    static Stream<Binary> binaries() {
        return Stream.concat(NodeBinaries.VERSIONS.stream().map(v -> new Binary(v, NodeBinaries.binary(v))),
                NodeBinaries.ARM64_VERSIONS.stream().map(v -> new Binary("arm64-" + v, NodeBinaries.arm64Binary(v))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binaries")
    void rawWordsFromTheMetadata(Binary b) throws Exception {
        try (ElfImage image = ElfImage.open(b.path())) {
            V8Metadata md = V8Metadata.fromImage(image);
            SnapshotTypes types = new SnapshotTypes(md);
            int ptr = md.pointerSize();

            int sfi = md.instanceType("SHARED_FUNCTION_INFO_TYPE").orElseThrow();
            int rawFrom = types.rawLayout(sfi).from();
            for (String tagged : List.of("name_or_scope_info", "script_or_debug_info", "script", "function_data", "feedback_metadata")) {
                OptionalInt o = md.fieldOffset("SharedFunctionInfo", tagged);
                if (o.isPresent()) assertTrue(o.getAsInt() + ptr <= rawFrom, b + ": SharedFunctionInfo::" + tagged + " at " + o.getAsInt() + " is past " + rawFrom);
            }
            for (String raw : List.of("length", "internal_formal_parameter_count", "raw_function_token_offset", "flags")) {
                int o = md.requireFieldOffset("SharedFunctionInfo", raw);
                assertTrue(o >= rawFrom, b + ": SharedFunctionInfo::" + raw + " at " + o + " is before " + rawFrom);
                assertRaw(types, sfi, o, ptr, true, b + " SharedFunctionInfo::" + raw);
            }
            assertEquals(Integer.MAX_VALUE, types.rawLayout(md.instanceType("MAP_TYPE").orElseThrow()).from(), b + ": only a SharedFunctionInfo has a raw tail");

            int map = md.instanceType("MAP_TYPE").orElseThrow();
            for (String raw : List.of("instance_size_in_words", "instance_type", "bit_field", "bit_field3")) {
                assertRaw(types, map, md.requireFieldOffset("Map", raw), ptr, true, b + " Map::" + raw);
            }
            assertRaw(types, map, md.mapPrototypeOffset(), ptr, false, b + " Map::prototype");
            assertRaw(types, map, md.mapConstructorOrBackPointerOffset(), ptr, false, b + " Map::constructor");

            for (int cons : md.types("ConsString")) {
                assertRaw(types, cons, md.requireFieldOffset("String", "length"), ptr, true, b + " ConsString length");
                assertRaw(types, cons, md.consStringFirstOffset(), ptr, false, b + " ConsString::first");
                assertRaw(types, cons, md.consStringSecondOffset(), ptr, false, b + " ConsString::second");
            }
            assertTrue(md.types("ConsString").length > 0, b + ": no ConsString types");

            int buffer = md.instanceType("JS_ARRAY_BUFFER_TYPE").orElseThrow();
            assertRaw(types, buffer, md.requireFieldOffset("JSArrayBuffer", "backing_store"), ptr, true, b + " JSArrayBuffer::backing_store");
            assertRaw(types, buffer, md.requireFieldOffset("JSArrayBuffer", "byte_length"), ptr, true, b + " JSArrayBuffer::byte_length");
            int typed = md.instanceType("JS_TYPED_ARRAY_TYPE").orElseThrow();
            assertRaw(types, typed, md.requireFieldOffset("JSArrayBufferView", "byte_offset"), ptr, true, b + " JSTypedArray byte_offset");
            assertRaw(types, typed, md.requireFieldOffset("JSTypedArray", "external_pointer"), ptr, true, b + " JSTypedArray::external_pointer");
            assertRaw(types, typed, md.get(V8Fact.JS_ARRAY_BUFFER_VIEW_BUFFER_OFFSET), ptr, false, b + " JSTypedArray buffer");

            int vector = md.instanceType("FEEDBACK_VECTOR_TYPE").orElseThrow();
            assertRaw(types, vector, 8, ptr, true, b + " FeedbackVector length/invocation_count");
            assertRaw(types, vector, 16, ptr, true, b + " FeedbackVector tiering bytes and flags");
            assertRaw(types, vector, md.get(V8Fact.FEEDBACK_VECTOR_SHARED_OFFSET), ptr, false, b + " FeedbackVector::shared_function_info");
            int site = md.instanceType("ALLOCATION_SITE_TYPE").orElseThrow();
            int pretenure = md.get(V8Fact.ALLOCATION_SITE_PRETENURE_DATA_OFFSET);
            assertRaw(types, site, pretenure, ptr, true, b + " AllocationSite pretenure_data");
            OptionalInt dependent = md.fieldOffset("AllocationSite", "dependent_code"), weakNext = md.fieldOffset("AllocationSite", "weak_next");
            if (dependent.isPresent() && weakNext.isPresent()) { // the metadata describes AllocationSite to node 24: the fact must agree
                assertEquals(dependent.getAsInt() + ptr, pretenure, b + ": pretenure_data follows dependent_code");
                assertEquals(pretenure + ptr, weakNext.getAsInt(), b + ": weak_next follows pretenure_create_count");
                assertRaw(types, site, dependent.getAsInt(), ptr, false, b + " AllocationSite::dependent_code");
            }
        }
    }

    /**
     * The FeedbackVector fact checked on the heap fixture's core of every version and machine: in
     * every vector, the word at FEEDBACK_VECTOR_SHARED_OFFSET is a SharedFunctionInfo and the
     * int32 at 8 is the slot count its size implies; so words 1 and 2 are the raw counts.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void feedbackVectorsHoldTheirFunctionAfterTheRawWords(String version) throws Exception {
        TestCore tc = TestCores.get(version, "heap", TestCores.ABORT);
        try (NodeTarget t = NodeTarget.open(tc.node(), tc.core(), List.of())) {
            V8Metadata md = t.metadata();
            int vectorType = md.instanceType("FEEDBACK_VECTOR_TYPE").orElseThrow();
            int sfiType = md.instanceType("SHARED_FUNCTION_INFO_TYPE").orElseThrow();
            int shared = md.get(V8Fact.FEEDBACK_VECTOR_SHARED_OFFSET), header = md.get(V8Fact.FEEDBACK_VECTOR_HEADER);
            long tag = md.heapObjectTag();
            List<String> wrong = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            java.util.concurrent.atomic.AtomicLong vectors = new java.util.concurrent.atomic.AtomicLong();
            HeapWalker.Visitor v = (addr, map, type, size) -> {
                if (type != vectorType) return;
                vectors.incrementAndGet();
                long sfi = t.core().readLong(addr + shared);
                int length = t.core().readInt(addr + 8);
                boolean ok = (sfi & 3) == tag && t.heap().typeOf(sfi) == sfiType && length == (size - header) / md.pointerSize();
                if (!ok && wrong.size() < 5) wrong.add(String.format("0x%x (size %d, length %d, word 3 0x%x)", addr + tag, size, length, sfi));
            };
            t.heapWalker().walk(() -> v, 1, () -> { }, x -> { });
            assertTrue(vectors.get() > 10, tc.name() + ": " + vectors + " feedback vectors");
            assertEquals(List.of(), wrong, tc.name() + ": feedback vectors not laid out as Fallbacks says");
        }
    }

    static Stream<String> versions() {
        return TestCores.ABORT_VERSIONS.stream();
    }

    private static void assertRaw(SnapshotTypes types, int type, int offset, int ptr, boolean raw, String what) {
        int word = offset / ptr;
        assertTrue(word > 0 && word < 64, what + ": word " + word);
        assertEquals(raw, (types.rawLayout(type).words() & (1L << word)) != 0, what + " at " + offset + (raw ? " is not raw" : " is raw"));
    }
}
