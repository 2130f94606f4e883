package io.jsmdb.v8.heap;

import static org.junit.jupiter.api.Assertions.*;

import io.jsmdb.testing.TestCores;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The heap object model API on the heap fixture's core of every Node version. */
class V8HeapTest {
    static Stream<String> versions() {
        return TestCores.VERSIONS.stream();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> values(HeapFixture.Opened o) {
        return (Map<String, Object>) o.core().oracle().get("values");
    }

    private static long field(HeapFixture.Opened o, String name) {
        OptionalLong v = o.heap().properties().ownDataProperty(o.values(), name);
        assertTrue(v.isPresent(), o.core().name() + ": no field " + name);
        return v.getAsLong();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void mapsConstructorsAndPropertyNames(String version) {
        HeapFixture.Opened o = HeapFixture.get(version);
        V8Heap h = o.heap();
        long map = h.mapOf(o.values());
        assertTrue(h.isHeapObject(o.values()));
        assertFalse(h.isSmi(o.values()));
        assertEquals("JS_OBJECT_TYPE", h.typeName(h.instanceType(map)));
        assertTrue(h.isJSObjectType(h.instanceType(map)));
        assertEquals("JsmdbValues", h.constructorName(map).orElseThrow());
        assertFalse(h.isDictionaryMap(map));
        assertEquals("JsmdbValues", h.functions().functionDebugName(h.constructorFunction(map).orElseThrow()));
        assertEquals(o.core().oracle().get("fieldOrder"), h.properties().propertyNames(o.values()));

        long dict = field(o, "objectDictionary");
        assertTrue(h.isDictionaryMap(h.mapOf(dict)));
        assertEquals(List.of("first", "d1", "d2", "d4"), h.properties().propertyNames(dict).subList(0, 4));
        assertEquals(67, h.properties().propertyNames(dict).size());
        assertEquals(24, h.properties().propertyNames(field(o, "objectOutOfObject")).size());

        // constructor names as the heap snapshot gives them
        Map<String, Object> vals = values(o);
        for (String f : List.of("objectInObject", "instance", "arraySmi", "date", "error", "map", "set", "weakMap", "promiseResolved",
                "arrayBuffer", "uint8Array", "buffer", "boxedNumber", "argumentsObject", "generator")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> snap = (Map<String, Object>) ((Map<String, Object>) vals.get(f)).get("snapshot");
            assertEquals(snap.get("name"), h.constructorName(h.mapOf(field(o, f))).orElse("?"), o.core().name() + " " + f);
        }
        assertEquals("Function", h.constructorName(h.mapOf(field(o, "func"))).orElseThrow());
        assertTrue(h.constructorName(h.mapOf(field(o, "stringSeqOneByte"))).isEmpty(), "strings are not JS objects");
        assertFalse(h.isJSObjectType(h.instanceType(h.mapOf(field(o, "stringSeqOneByte")))));
        assertTrue(h.isJSObjectType(h.instanceType(h.mapOf(field(o, "func")))));
        assertTrue(h.isJSObjectType(h.instanceType(h.mapOf(field(o, "arraySmi")))));
        assertTrue(h.typeName(0xffff).startsWith("type 0x"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    @SuppressWarnings("unchecked")
    void primitivesAndStrings(String version) {
        HeapFixture.Opened o = HeapFixture.get(version);
        V8Heap h = o.heap();
        assertEquals(42, h.smiValue(field(o, "smi")));
        assertEquals(-7, h.smiValue(field(o, "negativeSmi")));
        assertEquals(3.14, h.numberValue(field(o, "heapNumber")));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(h.numberValue(field(o, "minusZero"))));
        assertEquals(JsKind.UNDEFINED, h.kindOf(field(o, "undef")));
        assertEquals(JsKind.NULL, h.kindOf(field(o, "nul")));
        assertEquals(JsKind.TRUE, h.kindOf(field(o, "yes")));
        assertEquals(JsKind.FALSE, h.kindOf(field(o, "no")));
        assertEquals(BigInteger.TWO.pow(200), h.bigIntValue(field(o, "bigintBig"), 100));
        assertEquals(BigInteger.TWO.pow(70).negate().subtract(BigInteger.ONE), h.bigIntValue(field(o, "bigintNegative"), 100));
        assertEquals("desc", h.strings().symbolDescription(field(o, "symbol"), 100).orElseThrow().text());
        Map<String, Object> vals = values(o);
        for (Map.Entry<String, Object> e : vals.entrySet()) {
            Map<String, Object> d = (Map<String, Object>) e.getValue();
            if (!"string".equals(d.get("kind"))) continue;
            long s = field(o, e.getKey());
            int length = ((Number) d.get("length")).intValue();
            assertEquals(length, h.strings().stringLength(s), e.getKey());
            V8Strings.JsString js = h.strings().readString(s, 1 << 22);
            assertFalse(js.truncated(), e.getKey());
            if (d.containsKey("value")) {
                assertEquals(d.get("value"), js.text(), o.core().name() + " " + e.getKey());
            } else {
                String pattern = (String) d.get("pattern");
                assertEquals(pattern.repeat(length / pattern.length() + 1).substring(0, length), js.text(), e.getKey());
            }
        }
        V8Strings.JsString cut = h.strings().readString(field(o, "stringDeepCons"), 10);
        assertEquals("deep012345", cut.text());
        assertTrue(cut.truncated());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void elementsAndFunctions(String version) {
        HeapFixture.Opened o = HeapFixture.get(version);
        V8Heap h = o.heap();
        V8Properties.Elements holey = h.properties().elements(field(o, "arrayHoley"), 10);
        assertEquals(3, holey.length());
        assertEquals(V8Properties.Element.Type.HOLE, holey.items().get(1).type());
        V8Properties.Elements dbl = h.properties().elements(field(o, "arrayDouble"), 10);
        assertEquals(-3.25, dbl.items().get(2).number());
        V8Properties.Elements dict = h.properties().elements(field(o, "arrayDictionary"), 10);
        assertTrue(dict.dictionary());
        assertEquals(100001, dict.length());
        assertEquals(100000, dict.items().getLast().index());
        V8Functions.FunctionInfo f = h.functions().functionInfo(field(o, "func"));
        assertEquals("jsmdbNamedFunction", f.name());
        Map<String, Object> d = (Map<String, Object>) (Object) values(o).get("func");
        assertEquals(d.get("fileName"), f.scriptName());
        assertEquals(((Number) d.get("line")).intValue(), f.line());
        assertEquals(((Number) d.get("column")).intValue(), f.column());
        assertEquals("Uint8Array", h.collections().typedArrayType(field(o, "buffer")));
        assertEquals(5, h.collections().view(field(o, "buffer")).length());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    @SuppressWarnings("unchecked")
    void cyclesHoleyDoublesErrorStacksAndTheGlobalObject(String version) {
        HeapFixture.Opened o = HeapFixture.get(version);
        V8Heap h = o.heap();
        // cycles: the references lead back to the same heap objects
        long self = field(o, "cycleSelf");
        assertEquals(self, h.properties().ownDataProperty(self, "self").orElseThrow());
        long a = field(o, "cyclePair");
        long b = h.properties().ownDataProperty(a, "b").orElseThrow();
        assertNotEquals(a, b);
        assertEquals(a, h.properties().ownDataProperty(b, "a").orElseThrow());

        // holey doubles: 1.5, the hole (a NaN bit pattern), 3.5
        V8Properties.Elements hd = h.properties().elements(field(o, "arrayHoleyDouble"), 10);
        assertEquals(3, hd.length());
        assertEquals(List.of(V8Properties.Element.Type.DOUBLE, V8Properties.Element.Type.HOLE, V8Properties.Element.Type.DOUBLE),
                hd.items().stream().map(V8Properties.Element::type).toList());
        assertEquals(1.5, hd.items().get(0).number());
        assertEquals(3.5, hd.items().get(2).number());

        // an Error whose stack was read holds V8's formatted string; the unread one its call sites
        Map<String, Object> err = (Map<String, Object>) values(o).get("errorStackRead");
        V8Collections.ErrorInfo read = h.collections().error(field(o, "errorStackRead"));
        assertTrue(read.stack().isPresent(), o.core().name() + ": no formatted stack");
        assertEquals(err.get("stack"), h.strings().readString(read.stack().getAsLong(), 1 << 16).text());
        assertEquals("jsmdb error with its stack read", h.strings().readString(read.message().orElseThrow(), 100).text());
        V8Collections.ErrorInfo unread = h.collections().error(field(o, "error"));
        assertTrue(unread.stack().isEmpty() && unread.callSites() != 0, o.core().name() + ": " + unread);

        // the global proxy and the global object behind it, whose properties are the globals
        long proxy = field(o, "global");
        assertEquals(JsKind.GLOBAL_PROXY, h.kindOf(proxy));
        long global = h.globalObjectOf(proxy).orElseThrow();
        assertEquals(JsKind.GLOBAL_OBJECT, h.kindOf(global));
        assertEquals(o.values(), h.properties().ownDataProperty(global, "jsmdbValues").orElseThrow());
        assertEquals(proxy, h.properties().ownDataProperty(global, "globalThis").orElseThrow());
        assertTrue(h.globalObjectOf(o.values()).isEmpty());
        List<String> names = h.properties().propertyNames(global);
        assertTrue(names.containsAll(List.of("jsmdbValues", "jsmdbHeap", "globalThis", "Object", "Array")), names.toString());
        // in insertion (enumeration) order, as for other dictionaries
        assertTrue(names.indexOf("Object") < names.indexOf("globalThis") && names.indexOf("globalThis") < names.indexOf("jsmdbHeap")
                && names.indexOf("jsmdbHeap") < names.indexOf("jsmdbValues"), names.toString());
        // accessors (node's lazy globals) are told from data properties by the cell's details
        for (V8Properties.Property p : h.properties().properties(global, V8Properties.MAX_PROPERTY_NAMES)) {
            if (!p.accessor()) assertNotEquals(JsKind.INTERNAL, h.kindOf(p.value()), o.core().name() + ": global " + p.name());
        }

        // the marker HeapFixture found the instance by
        assertEquals(o.core().oracle().get("valuesMarker"), h.strings().readString(field(o, "marker"), 100).text());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void hostileDataIsRefusedNotFollowed(String version) {
        HeapFixture.Opened o = HeapFixture.get(version);
        V8Heap h = o.heap();
        long s = field(o, "stringSeqOneByte");
        // the same memory, with the string's length field made absurd
        long lengthAt = h.untag(s) + o.target().metadata().stringLengthOffset();
        V8Heap bad = new V8Heap(new PatchedMemory(o.target().core(), lengthAt, 0x7ffffff0), o.target().metadata());
        HeapException e = assertThrows(HeapException.class, () -> bad.strings().readString(s, 100));
        assertTrue(e.getMessage().contains("absurd length"), e.getMessage());
        // a map word pointing at a non-map
        long mapAt = h.untag(o.values());
        V8Heap badMap = new V8Heap(new PatchedMemory(o.target().core(), mapAt, (int) (field(o, "arraySmi") & 0xffffffffL)), o.target().metadata());
        assertThrows(RuntimeException.class, () -> badMap.kindOf(o.values()));
        assertThrows(HeapException.class, () -> h.kindOf(o.values() + 2));
    }

    /** An address space with one patched 32-bit word. */
    record PatchedMemory(io.jsmdb.core.AddressSpace base, long at, int value) implements io.jsmdb.core.AddressSpace {
        public boolean isReadable(long addr, long len) { return base.isReadable(addr, len); }
        public byte readByte(long addr) { return addr >= at && addr < at + 4 ? (byte) (value >>> (8 * (addr - at))) : base.readByte(addr); }
        public short readShort(long addr) { return (short) ((readByte(addr) & 0xff) | (readByte(addr + 1) << 8)); }
        public int readInt(long addr) { return addr == at ? value : (readShort(addr) & 0xffff) | (readShort(addr + 2) << 16); }
        public long readLong(long addr) { return (readInt(addr) & 0xffffffffL) | ((long) readInt(addr + 4) << 32); }
        public byte[] readBytes(long addr, int len) {
            byte[] b = base.readBytes(addr, len);
            for (int i = 0; i < len; i++) if (addr + i >= at && addr + i < at + 4) b[i] = readByte(addr + i);
            return b;
        }
    }
}
