package io.jsmdb.v8;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jsmdb.testing.NodeBinaries;
import io.jsmdb.v8.V8Metadata.Resolution.Kind;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** V8Metadata over the recorded v8dbg matrix of the seven official builds (no binaries needed). */
class V8MetadataTest {
    static final List<String> VERSIONS = NodeBinaries.VERSIONS;

    private static V8Metadata m(String v) { return NodeBinaries.fromMatrix(v); }

    @Test
    void fieldPrefixMatchesAcrossTaggedRename() {
        // __Object (node 16-20) vs __Tagged_Object_ (node 22+)
        assertEquals(List.of("class_JSReceiver__raw_properties_or_hash__Object"), m("20.20.2").fieldConstants("JSReceiver", "raw_properties_or_hash"));
        assertEquals(List.of("class_JSReceiver__raw_properties_or_hash__Tagged_Object_"), m("22.23.3").fieldConstants("JSReceiver", "raw_properties_or_hash"));
        for (String v : VERSIONS) {
            assertEquals(OptionalInt.of(8), m(v).fieldOffset("JSReceiver", "raw_properties_or_hash"), v);
            assertEquals(OptionalInt.of(64), m(v).fieldOffset("Map", "prototype_info"), v);
        }
        // type parts that are whole unions: Tagged_UnionOf_Smi_PrototypeInfo_PrototypeSharedClosureInfo_
        assertEquals(OptionalInt.of(64), m("26.12.1").fieldOffset("Map", "prototype_info"));
        assertEquals(OptionalInt.of(56), m("25.9.0").fieldOffset("JSFunction", "prototype_or_initial_map"));
        // the offset moves, the name matches
        assertEquals(OptionalInt.of(16), m("20.20.2").fieldOffset("SharedFunctionInfo", "name_or_scope_info"));
        assertEquals(OptionalInt.of(16), m("22.23.3").fieldOffset("SharedFunctionInfo", "name_or_scope_info"));
        assertEquals(OptionalInt.of(24), m("24.21.0").fieldOffset("SharedFunctionInfo", "name_or_scope_info"));
        assertEquals(OptionalInt.of(24), m("20.20.2").fieldOffset("JSFunction", "shared"));
        assertEquals(OptionalInt.of(32), m("22.23.3").fieldOffset("JSFunction", "shared"));
        // two spellings present at once (node 22+ JSFunction::context), same value
        assertEquals(2, m("22.23.3").fieldConstants("JSFunction", "context").size());
        assertEquals(OptionalInt.of(40), m("22.23.3").fieldOffset("JSFunction", "context"));
        // a field is not a prefix of a longer field: Oddball::kind vs Oddball::kind_offset
        assertEquals(OptionalInt.empty(), m("16.20.2").fieldOffset("Oddball", "kind"));
        assertEquals(OptionalInt.of(40), m("16.20.2").fieldOffset("Oddball", "kind_offset"));
        assertEquals(OptionalInt.of(40), m("22.23.3").fieldOffset("Oddball", "kind"));
        // a name without a type part
        assertEquals(OptionalInt.of(40), m("16.20.2").fieldOffset("Map", "instance_descriptors_offset"));
    }

    @Test
    void fieldMatchingSynthetic() {
        V8Metadata md = new V8Metadata(Map.of(
                "v8dbg_class_Foo__bar__Object", 8L,
                "class_Foo__bar_baz__Tagged_Smi_", 16L,
                "class_Foo__qux", 24L,
                "class_Foo__bad__Object", 8L,
                "class_Foo__bad__Tagged_Object_", 16L));
        assertEquals(OptionalInt.of(8), md.fieldOffset("Foo", "bar"));
        assertEquals(OptionalInt.of(16), md.fieldOffset("Foo", "bar_baz"));
        assertEquals(OptionalInt.of(24), md.fieldOffset("Foo", "qux"));
        assertEquals(OptionalInt.empty(), md.fieldOffset("Foo", "ba"));
        assertEquals(OptionalInt.empty(), md.fieldOffset("Fo", "bar"));
        assertThrows(IllegalStateException.class, () -> md.fieldOffset("Foo", "bad"));
        MissingMetadataException e = assertThrows(MissingMetadataException.class, () -> md.requireFieldOffset("Foo", "nope"));
        assertTrue(e.getMessage().contains("v8dbg_class_Foo__nope__*"), e.getMessage());
    }

    @Test
    void instanceTypes() {
        V8Metadata m16 = m("16.20.2"), m24 = m("24.21.0"), m26 = m("26.12.1");
        assertEquals(OptionalInt.of(1085), m16.type("JS_ARRAY_TYPE"));
        assertEquals(OptionalInt.of(1085), m16.type("JSArray"));
        assertEquals(OptionalInt.of(1085), m16.type("JSArray__JS_ARRAY_TYPE"));
        assertEquals(OptionalInt.of(1085), m16.type("v8dbg_type_JSArray__JS_ARRAY_TYPE"));
        assertEquals(OptionalInt.empty(), m16.type("NO_SUCH_TYPE"));
        // string type names renamed in V8 12, both spellings work everywhere
        for (String v : VERSIONS) {
            assertEquals(OptionalInt.of(40), m(v).type("SEQ_ONE_BYTE_STRING_TYPE"), v);
            assertEquals(OptionalInt.of(40), m(v).type("ONE_BYTE_STRING_TYPE"), v);
            assertEquals(OptionalInt.of(32), m(v).type("STRING_TYPE"), v);
            assertEquals(OptionalInt.of(33), m(v).type("CONS_TWO_BYTE_STRING_TYPE"), v);
            assertEquals(OptionalInt.of(8), m(v).type("ONE_BYTE_INTERNALIZED_STRING_TYPE"), v);
            assertEquals(OptionalInt.of(8), m(v).type("INTERNALIZED_ONE_BYTE_STRING_TYPE"), v);
            assertEquals(OptionalInt.of(41), m(v).type("CONS_ONE_BYTE_STRING_TYPE"), v);
            // a class with several types must be asked by TYPE
            assertThrows(IllegalArgumentException.class, () -> m(v).type("ConsString"));
            assertEquals(List.of(33, 41), java.util.Arrays.stream(m(v).types("ConsString")).boxed().toList(), v);
            int arr = m(v).type("JS_ARRAY_TYPE").getAsInt();
            assertEquals(Optional.of("JS_ARRAY_TYPE"), m(v).typeName(arr), v);
            assertEquals(Optional.of("JSArray"), m(v).typeClassName(arr), v);
        }
        assertEquals(OptionalInt.of(2119), m24.type("JSArray"));
        // DependentCode shares WeakArrayList's number from V8 13
        assertEquals(Optional.of("WEAK_ARRAY_LIST_TYPE"), m24.typeName(295));
        assertEquals(Optional.of("WeakArrayList"), m24.typeClassName(295));
        assertEquals(2, m24.typeEntries(295).size());
        assertEquals(Optional.empty(), m26.typeName(-5));
        assertTrue(m26.isStringType(40));
        assertFalse(m26.isStringType(128));
        assertTrue(m26.isOneByteString(40));
        assertFalse(m26.isOneByteString(32));
        assertEquals(m26.consStringTag(), m26.stringRepresentation(41));
    }

    @Test
    void frameTypesAcrossRenamesAndRenumbering() {
        assertEquals(OptionalInt.of(13), m("16.20.2").frameType("OptimizedFrame"));
        assertEquals(OptionalInt.of(13), m("16.20.2").frameType("TurbofanJSFrame"));
        assertEquals(OptionalInt.of(13), m("16.20.2").frameType("TurbofanFrame"));
        assertEquals(OptionalInt.of(14), m("18.20.8").frameType("TurbofanJSFrame"));
        assertEquals(OptionalInt.of(16), m("20.20.2").frameType("OptimizedFrame"));
        assertEquals(OptionalInt.of(16), m("22.23.3").frameType("TurbofanJSFrame"));
        assertEquals(OptionalInt.of(17), m("24.21.0").frameType("OptimizedFrame"));
        assertEquals(OptionalInt.of(7), m("26.12.1").frameType("TurbofanFrame"));
        assertEquals(OptionalInt.of(7), m("26.12.1").frameType("v8dbg_frametype_TurbofanJSFrame"));
        assertEquals(Optional.of("OptimizedFrame"), m("16.20.2").frameTypeName(13));
        assertEquals(Optional.of("TurbofanJSFrame"), m("16.20.2").canonicalFrameTypeName(13));
        assertEquals(Optional.of("TurbofanFrame"), m("20.20.2").frameTypeName(16));
        assertEquals(Optional.of("TurbofanJSFrame"), m("20.20.2").canonicalFrameTypeName(16));
        assertEquals("TurbofanJSFrame", V8Metadata.canonicalFrameTypeName("Optimized"));
        // node 26 renumbered
        assertEquals(OptionalInt.of(11), m("16.20.2").frameType("Interpreted"));
        assertEquals(OptionalInt.of(4), m("26.12.1").frameType("InterpretedFrame"));
        assertEquals(OptionalInt.empty(), m("16.20.2").frameType("MaglevFrame"));
        for (String v : VERSIONS) {
            V8Metadata md = m(v);
            for (Map.Entry<String, Integer> e : md.frameTypes().entrySet()) {
                long marker = ((long) e.getValue() << 1);
                assertEquals(OptionalInt.of(e.getValue()), md.frameTypeFromMarker(marker), v + " " + e.getKey());
            }
            assertEquals(OptionalInt.empty(), md.frameTypeFromMarker(0x1d8ed4dc1139L), v); // a tagged pointer
            assertEquals(OptionalInt.empty(), md.frameTypeFromMarker(3L << 32), v);         // a Smi, not a marker
        }
        // markers seen on the stack under gdb: InternalFrame 0x24 (node 16), 0x1a (node 26)
        assertEquals(Optional.of("InternalFrame"), m("16.20.2").frameTypeFromMarker(0x24).stream().boxed().findFirst().flatMap(t -> m("16.20.2").frameTypeName(t)));
        assertEquals(Optional.of("InternalFrame"), m("26.12.1").frameTypeFromMarker(0x1a).stream().boxed().findFirst().flatMap(t -> m("26.12.1").frameTypeName(t)));
    }

    @Test
    void describeListsSortedAndFiltered() {
        V8Metadata md = m("22.23.3");
        List<V8Metadata.Constant> all = md.describe();
        assertEquals(NodeBinaries.matrix().get("22.23.3").size(), all.size());
        for (int i = 1; i < all.size(); i++) assertTrue(all.get(i - 1).name().compareTo(all.get(i).name()) < 0);
        List<V8Metadata.Constant> map = md.describe("class_Map__");
        assertFalse(map.isEmpty());
        assertTrue(map.stream().allMatch(c -> c.name().startsWith("class_Map__")));
        assertEquals(map, md.describe("v8dbg_class_Map__"));
        assertEquals(all.stream().filter(c -> c.name().startsWith("class_Map__")).toList(), map);
        assertEquals(List.of(), md.describe("zzz"));
        assertEquals("v8dbg_HeapObjectTag", md.describe("HeapObjectTag").get(0).symbolName());
        assertEquals(java.util.OptionalLong.of(1), md.constant("v8dbg_HeapObjectTag"));
        assertEquals(java.util.OptionalLong.of(1), md.constant("HeapObjectTag"));
    }

    @ParameterizedTest
    @FieldSource("VERSIONS")
    void everyFactResolvesOnEveryVersion(String v) {
        V8Metadata md = m(v);
        for (V8Metadata.Resolution r : md.resolutions()) {
            if (!r.fact().optional()) assertTrue(r.value().isPresent(), v + ": " + r.fact() + " " + r.origin());
        }
        assertEquals(1, md.heapObjectTag());
        assertEquals(32, md.smiShift());
        assertEquals(1, md.smiTagSize());
        assertEquals(8, md.pointerSize());
        assertEquals(8, md.taggedSize());
        assertEquals(v.equals("16.20.2") ? 64 : 128, md.notStringTag());
        assertEquals(24, md.jsArrayLengthOffset());
        assertEquals(24, md.scriptLineOffsetOffset());
        assertEquals(32, md.scriptColumnOffsetOffset());
        assertEquals(48, md.scriptTypeOffset());
        assertEquals(64, md.scriptIdOffset());
        assertEquals(8, md.scriptSourceOffset());
        assertEquals(24, md.externalStringResourceDataOffset());
        assertEquals(16, md.contextHeaderSize());
        assertEquals(8, md.scopeInfoFieldsOffset());
        assertEquals(-24, md.fpArgcOffset());
        assertEquals(-32, md.fpBytecodeArrayOffset());
        assertEquals(-40, md.fpBytecodeOffsetOffset());
        assertEquals(-16, md.fpFunctionOffset());
        assertEquals(-8, md.fpContextOrFrameTypeOffset());
        assertEquals(16, md.fpArgsOffset());
        assertEquals(8, md.fpCallerPcOffset());
        assertEquals(40, md.oddballKindOffset());
        assertEquals(40, md.mapInstanceDescriptorsOffset());
        assertEquals(md.jsObjectHeaderSize(), md.jsArrayLengthOffset());
        // the not-internalized bit agrees with the numbers of the types the metadata lists
        assertEquals(md.isNotInternalizedMask(), md.type("ONE_BYTE_STRING_TYPE").getAsInt() - md.type("ONE_BYTE_INTERNALIZED_STRING_TYPE").getAsInt());
        assertEquals(md.type("JS_FUNCTION_TYPE").getAsInt(), md.firstJSFunctionType());
        assertTrue(md.isJSFunctionType(md.type("JS_FUNCTION_TYPE").getAsInt()));
        assertFalse(md.isJSFunctionType(md.type("JS_BOUND_FUNCTION_TYPE").getAsInt()));
        assertEquals(!v.equals("16.20.2"), md.argcIncludesReceiver());
        assertEquals(Kind.FALLBACK, md.resolve(V8Fact.JS_ARRAY_LENGTH_OFFSET).kind());
    }

    @Test
    void versionDependentFacts() {
        // LastJSFunctionType: machine-code range checks for 16-20, metadata from 22
        assertEquals(1073, m("16.20.2").lastJSFunctionType());
        assertEquals(2080, m("18.20.8").lastJSFunctionType());
        assertEquals(2081, m("20.20.2").lastJSFunctionType());
        assertEquals(2082, m("22.23.3").lastJSFunctionType());
        assertEquals(Kind.FALLBACK, m("20.20.2").resolve(V8Fact.LAST_JS_FUNCTION_TYPE).kind());
        assertEquals(Kind.METADATA, m("22.23.3").resolve(V8Fact.LAST_JS_FUNCTION_TYPE).kind());
        // JSFunction code slot: metadata 16/18/22, fallback 20, none from 24
        assertEquals(OptionalInt.of(48), m("16.20.2").jsFunctionCodeOffset());
        assertEquals(OptionalInt.of(48), m("18.20.8").jsFunctionCodeOffset());
        assertEquals(OptionalInt.of(48), m("20.20.2").jsFunctionCodeOffset());
        assertEquals(Kind.FALLBACK, m("20.20.2").resolve(V8Fact.JS_FUNCTION_CODE_OFFSET).kind());
        assertEquals(OptionalInt.of(24), m("22.23.3").jsFunctionCodeOffset());
        for (String v : List.of("24.21.0", "25.9.0", "26.12.1")) assertEquals(OptionalInt.empty(), m(v).jsFunctionCodeOffset(), v);
        for (String v : List.of("16.20.2", "18.20.8", "20.20.2")) assertEquals(OptionalInt.of(8), m(v).sfiFunctionDataOffset(), v);
        for (String v : List.of("22.23.3", "24.21.0", "25.9.0", "26.12.1")) assertEquals(OptionalInt.empty(), m(v).sfiFunctionDataOffset(), v);
        // script source: fallback in 16 only; bytecode frame slots: fallback in 16 only
        assertEquals(Kind.FALLBACK, m("16.20.2").resolve(V8Fact.SCRIPT_SOURCE_OFFSET).kind());
        assertEquals(Kind.METADATA, m("18.20.8").resolve(V8Fact.SCRIPT_SOURCE_OFFSET).kind());
        assertEquals(Kind.FALLBACK, m("16.20.2").resolve(V8Fact.FP_BYTECODE_ARRAY_OFFSET).kind());
        assertEquals(Kind.METADATA, m("26.12.1").resolve(V8Fact.FP_BYTECODE_ARRAY_OFFSET).kind());
        // SFI script: script_or_debug_info before 22, script after
        assertEquals(32, m("20.20.2").sfiScriptOffset());
        assertEquals(32, m("22.23.3").sfiScriptOffset());
        assertEquals(40, m("24.21.0").sfiScriptOffset());
    }

    @Test
    void missingFactsFailLoudly() {
        // no version: version-gated fallbacks do not apply
        Map<String, Long> m20 = NodeBinaries.matrix().get("20.20.2");
        V8Metadata noVersion = new V8Metadata(m20, Optional.empty(), "some node");
        MissingMetadataException e = assertThrows(MissingMetadataException.class, noVersion::lastJSFunctionType);
        assertTrue(e.getMessage().contains("v8dbg_LastJSFunctionType"), e.getMessage());
        assertTrue(e.getMessage().contains("some node"), e.getMessage());
        assertEquals(OptionalInt.empty(), noVersion.jsFunctionCodeOffset());
        assertThrows(MissingMetadataException.class, noVersion::argcIncludesReceiver);
        // a version outside the gates
        V8Metadata v12_0 = new V8Metadata(m20, V8Version.parse("12.0.1.0"), "node 21?");
        assertThrows(MissingMetadataException.class, v12_0::lastJSFunctionType);
        assertEquals(OptionalInt.empty(), v12_0.jsFunctionCodeOffset());
        // stable fallbacks still apply without a version
        assertEquals(24, noVersion.jsArrayLengthOffset());
        // nothing at all
        V8Metadata empty = new V8Metadata(Map.of());
        assertTrue(empty.isEmpty());
        MissingMetadataException e2 = assertThrows(MissingMetadataException.class, empty::heapObjectTag);
        assertTrue(e2.getMessage().contains("v8dbg_HeapObjectTag"), e2.getMessage());
        assertEquals(Kind.MISSING, empty.resolve(V8Fact.HEAP_OBJECT_TAG).kind());
        assertThrows(MissingMetadataException.class, empty::smiShift);
    }

    @Test
    void v8VersionParsing() {
        assertEquals(new V8Version(9, 4, 146, 26), V8Version.parse("9.4.146.26-node.26").orElseThrow());
        assertEquals(new V8Version(12, 4, 0, 0), V8Version.parse("12.4").orElseThrow());
        assertEquals(Optional.empty(), V8Version.parse("node"));
        assertEquals("14.6.202.34", new V8Version(14, 6, 202, 34).toString());
        assertTrue(new V8Version(11, 7, 368, 0).atLeast(11, 7, 368));
        assertTrue(new V8Version(11, 7, 367, 9).before(11, 7, 368));
        assertTrue(new V8Version(10, 2, 154, 26).compareTo(new V8Version(9, 4, 146, 26)) > 0);
    }
}
