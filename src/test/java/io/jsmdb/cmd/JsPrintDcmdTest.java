package io.jsmdb.cmd;

import static org.junit.jupiter.api.Assertions.*;

import io.jsmdb.testing.TestCores;
import io.jsmdb.v8.heap.HeapFixture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ::jsprint options, members (symbol keys, private fields), addresses, cycles, Errors, the global
 * object and hostile addresses, on every Node version. That every value prints exactly as
 * util.inspect prints it is JsPrintInspectTest's job.
 */
class JsPrintDcmdTest {
    static Stream<String> versions() {
        return TestCores.ABORT_VERSIONS.stream();
    }

    private static final DcmdRegistry REGISTRY = new DcmdRegistry(Dcmds.all());

    private static CommandRunner.Captured run(HeapFixture.Opened o, String cmd) {
        return CommandRunner.runCaptured(REGISTRY, o.target(), cmd);
    }

    private static String jsprint(HeapFixture.Opened o, String args) {
        CommandRunner.Captured r = run(o, Long.toHexString(o.values()) + "::jsprint " + args);
        assertEquals(CommandRunner.Status.OK, r.status(), o.core().name() + " " + args + ": " + r.err());
        assertEquals("", r.err(), o.core().name() + " " + args);
        return r.out().strip();
    }

    static String norm(String s) {
        return s.replaceAll("\\s+", " ").strip();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) { return (Map<String, Object>) o; }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void depthMembersLimitsAndAddresses(String version) {
        HeapFixture.Opened o = HeapFixture.get(version);
        // depth as util.inspect counts it: -d 2 (the default) expands two levels below the value
        assertEquals("{ alpha: 1, beta: 'two', gamma: { delta: 3 } }", jsprint(o, ".objectInObject"));
        assertEquals("{ a: { b: { c: [Object] } } }", jsprint(o, ".global.jsmdbInspect.nested"));
        assertEquals("{ a: { b: { c: { d: [Object] } } } }", norm(jsprint(o, "-d 3 .global.jsmdbInspect.nested")));
        assertEquals("{ alpha: 1, beta: 'two', gamma: [Object] }", jsprint(o, "-d 0 .objectInObject"));
        assertEquals("3", jsprint(o, ".objectInObject.gamma.delta"));
        assertEquals("'x'", jsprint(o, ".arrayObjects[1]"));
        assertEquals("1", jsprint(o, ".arrayObjects[0].a"));
        assertEquals("1", jsprint(o, ".arrayObjects[0][a]"));
        // symbol keys and private fields as members
        assertEquals("{ host: 'example.org' }", jsprint(o, ".global.jsmdbInspect.symbolKeys[Symbol(kHeaders)]"));
        assertEquals("'example.org'", jsprint(o, ".global.jsmdbInspect.symbolKeys[Symbol(kHeaders)].host"));
        assertEquals("4", jsprint(o, ".global.jsmdbInspect.symbolKeys[Symbol(jsmdb.registered)]"));
        assertEquals("{ id: 7 }", jsprint(o, ".global.jsmdbInspect.privateFields.#context"));
        assertEquals("3", jsprint(o, ".global.jsmdbInspect.privateFields[#count]"));
        // -l: strings, items
        assertEquals("'jsmdb sequ'... 15 more characters", jsprint(o, "-l 10 .stringSeqOneByte"));
        assertEquals("[ 1, 2, ... 1 more item ]", jsprint(o, "-l 2 .arraySmi"));
        // -a: every heap object's address, and where functions were defined
        String withAddr = jsprint(o, "-a .objectInObject");
        // the addresses count toward util.inspect's 80-column break, so short addresses keep it on one line
        boolean oneLine = withAddr.indexOf('\n') < 0;
        assertTrue(oneLine
                ? withAddr.matches("[0-9a-f]+: \\{ alpha: 1, beta: [0-9a-f]+: 'two', gamma: [0-9a-f]+: \\{ delta: 3 } }") && withAddr.substring(withAddr.indexOf(": ") + 2).length() <= 80
                : withAddr.matches("[0-9a-f]+: \\{\n  alpha: 1,\n  beta: [0-9a-f]+: 'two',\n  gamma: [0-9a-f]+: \\{ delta: 3 }\n}"), withAddr);
        Map<String, Object> func = map(map(o.core().oracle().get("values")).get("func"));
        assertTrue(jsprint(o, "-a .func").endsWith(": [Function: jsmdbNamedFunction] (" + func.get("fileName") + ":"
                + ((Number) func.get("line")).intValue() + ":" + ((Number) func.get("column")).intValue() + ")"), jsprint(o, "-a .func"));
        String top = jsprint(o, "-d 0");
        assertTrue(top.startsWith("JsmdbValues {\n  smi: 42,\n  negativeSmi: -7,"), top);
        assertTrue(top.endsWith("\n  global: [Object [global]]\n}"), top);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void privateFieldsAsDevToolsShowsThem(String version) {
        HeapFixture.Opened o = HeapFixture.get(version);
        Map<String, Object> inspect = map(map(map(o.core().oracle().get("inspect")).get("extra")).get("privateFields"));
        // util.inspect leaves them out; jsmdb adds them after the other properties
        assertEquals("JsmdbPrivate { pub: 'p' }", inspect.get("2"));
        assertEquals("JsmdbPrivate { pub: 'p', #context: { id: 7 }, #count: 3 }", jsprint(o, ".global.jsmdbInspect.privateFields"));
        assertEquals("JsmdbPrivate { pub: 'p', #context: [Object], #count: 3 }", jsprint(o, "-d 0 .global.jsmdbInspect.privateFields"));
    }

    /** The address jsprint -a shows for a member. */
    private static String addressOf(HeapFixture.Opened o, String member) {
        return jsprint(o, "-a -d 0 " + member).split(":")[0];
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void cyclesHolesFormattedStacksAndTheGlobal(String version) {
        HeapFixture.Opened o = HeapFixture.get(version);
        Map<String, Object> values = map(o.core().oracle().get("values"));

        // cycles print as util.inspect marks them, at any depth; -a names the objects
        String self = addressOf(o, ".cycleSelf");
        assertEquals(Long.toHexString(o.heap().properties().ownDataProperty(o.values(), "cycleSelf").orElseThrow()), self);
        assertEquals("<ref *1> { name: 'jsmdb-cycle-self', self: [Circular *1] }", jsprint(o, "-d 100 .cycleSelf"));
        String withAddr = jsprint(o, "-a -d 100 .cycleSelf");
        assertTrue(withAddr.startsWith(self + ": <ref *1> {") && withAddr.contains("self: " + self + ": [Circular *1]"), withAddr);
        String a = addressOf(o, ".cyclePair"), b = addressOf(o, ".cyclePair.b");
        assertNotEquals(a, b);
        assertEquals(b, addressOf(o, ".cyclePair.b.a.b"));
        assertEquals("<ref *1> { name: 'jsmdb-cycle-a', b: { name: 'jsmdb-cycle-b', a: [Circular *1] } }", norm(jsprint(o, "-d 100 .cyclePair")));
        assertEquals("<ref *1> { name: 'jsmdb-cycle-b', a: { name: 'jsmdb-cycle-a', b: [Circular *1] } }", norm(jsprint(o, "-d 100 .cyclePair.b")));
        // the oracle saw the same cycles
        assertEquals(Map.of("kind", "circular", "ref", ""), map(map(values.get("cycleSelf")).get("properties")).get("self"));
        assertEquals(Map.of("kind", "circular", "ref", ""),
                map(map(map(map(values.get("cyclePair")).get("properties")).get("b")).get("properties")).get("a"));

        // a holey double array: V8 stores the hole as a NaN pattern
        Map<String, Object> hd = map(values.get("arrayHoleyDouble"));
        assertEquals("HOLEY_DOUBLE_ELEMENTS", hd.get("elementsKind"), "the fixture's array is not what the test needs");
        assertEquals("[ 1.5, <1 empty item>, 3.5 ]", jsprint(o, ".arrayHoleyDouble"));
        assertEquals("[ 1.5, ... 2 more items ]", jsprint(o, "-l 1 .arrayHoleyDouble"));
        CommandRunner.Captured r = run(o, Long.toHexString(o.values()) + "::jsprint .arrayHoleyDouble[1]");
        assertEquals(CommandRunner.Status.FAILED, r.status());
        assertTrue(r.err().contains("element 1 of") && r.err().contains("is a hole"), r.err());

        // an Error whose stack was read: the string exactly as V8 formatted it
        Map<String, Object> err = map(values.get("errorStackRead"));
        String stack = (String) err.get("stack");
        assertEquals(Boolean.TRUE, err.get("stackRead"));
        assertTrue(stack.startsWith("Error: jsmdb error with its stack read\n    at jsmdbMakeErrorWithStack ("), stack);
        assertEquals(stack, jsprint(o, ".errorStackRead"));
        // the one never read still holds its call sites: jsmdb formats them as V8 would
        String unread = jsprint(o, ".error");
        String heapJs = (String) map(values.get("func")).get("fileName");
        assertTrue(unread.startsWith("Error: jsmdb error message\n    at new JsmdbValues (" + heapJs + ":239:18)\n    at Object.<anonymous> ("), unread);

        // globalThis prints as the global object behind the proxy, bounded, without error
        String global = jsprint(o, ".global");
        assertTrue(global.startsWith("<ref *1> Object [global] {\n"), global.substring(0, Math.min(200, global.length())));
        assertTrue(global.contains("\n  jsmdbValues: JsmdbValues {\n    smi: 42,\n"), "jsmdbValues not in the global object");
        assertTrue(global.contains("\n  global: [Circular *1],\n"), "globalThis in the global object");
        assertFalse(global.contains("<internal "), "an accessor printed as a value");
        assertTrue(global.lines().count() < 50_000, "unbounded: " + global.lines().count() + " lines");
        // the global object itself (not the proxy) prints the same properties
        String gAddr = Long.toHexString(o.heap().globalObjectOf(o.heap().properties().ownDataProperty(o.values(), "global").orElseThrow()).orElseThrow());
        CommandRunner.Captured g = run(o, gAddr + "::jsprint -d 0");
        assertEquals(CommandRunner.Status.OK, g.status(), g.err());
        assertEquals("", g.err());
        assertTrue(g.out().startsWith("Object [global] {\n") && g.out().contains("\n  jsmdbValues: [JsmdbValues],\n")
                && g.out().contains("\n  jsmdbHeap: [Object],\n"), g.out());
        assertFalse(g.out().contains("unreadable"), g.out());
        assertEquals(Long.toHexString(o.values()), addressOf(o, ".global.jsmdbValues"));
    }

    /** One line on stderr, exit status 1, no Java exception text. */
    private static void refused(HeapFixture.Opened o, String cmd, String expect) {
        CommandRunner.Captured r = run(o, cmd);
        assertEquals(CommandRunner.Status.FAILED, r.status(), cmd);
        String err = r.err().strip();
        assertFalse(err.contains("\n"), cmd + ": more than one line: " + err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), cmd + ": " + err);
        assertTrue(err.startsWith("jsmdb: ") && err.contains(expect), cmd + ": " + err);
        assertEquals("", r.out(), cmd);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void hostileAddresses(String version) {
        HeapFixture.Opened o = HeapFixture.get(version);
        long v = o.values();
        long map = o.heap().mapOf(v);
        refused(o, "2a00000000::jsprint", "is a Smi (value 42)");
        refused(o, Long.toHexString(v + 2) + "::jsprint", "not a tagged heap object pointer");
        refused(o, "10001::jsprint", "not in the core");
        refused(o, "7ffffffff001::jsprint", "not in the core");
        refused(o, Long.toHexString(map) + "::jsprint", "MAP_TYPE, not a JavaScript value");
        // a "heap object" whose map word is really the properties FixedArray: a corrupted map
        refused(o, Long.toHexString(v + 8) + "::jsprint", "is not a map");
        refused(o, Long.toHexString(v) + "::jsprint .noSuchField", "no own data property 'noSuchField'");
        refused(o, Long.toHexString(v) + "::jsprint .smi.x", "is not an object");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void otherHeapDcmds(String version) {
        HeapFixture.Opened o = HeapFixture.get(version);
        String a = Long.toHexString(o.values());
        CommandRunner.Captured r = run(o, a + "::jsconstructor");
        assertEquals("JsmdbValues\n", r.out(), r.err());
        r = run(o, a + "::jsconstructor -v");
        assertTrue(r.out().matches("JsmdbValues \\(JSFunction: [0-9a-f]+\\)\n"), r.out());
        r = run(o, a + "::v8type");
        assertTrue(r.out().startsWith(a + ": JS_OBJECT_TYPE (0x421"), r.out());
        r = run(o, a + "::v8print");
        assertTrue(r.out().contains("+0x0    map (") && r.out().contains("elements ("), r.out());
        r = run(o, a + "::v8print JSReceiver");
        assertEquals(CommandRunner.Status.OK, r.status(), r.err());
        r = run(o, a + "::v8print NoSuchClass");
        assertEquals(CommandRunner.Status.FAILED, r.status());
        assertEquals("", r.out(), "a class the metadata does not know prints nothing");
        assertTrue(r.err().startsWith("jsmdb: ::v8print: unknown class 'NoSuchClass'") && r.err().contains("::v8metadata class_"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        String func = jsprint(o, "-a .func").split(":")[0];
        r = run(o, func + "::jsclosure");
        assertTrue(r.out().contains("\"KIND\": ") && r.out().contains("'abort'"), r.out() + r.err());
        String buf = jsprint(o, "-a .buffer").split(":")[0];
        r = run(o, buf + "::nodebuffer -v");
        assertTrue(r.out().matches("[0-9a-f]+ \\(5 bytes, offset \\d+ in ArrayBuffer [0-9a-f]+\\)\n"), r.out() + r.err());
        long data = Long.parseLong(r.out().split(" ")[0], 16);
        assertEquals("hello", new String(o.target().core().readBytes(data, 5)));
        r = run(o, buf + "::nodebuffer | ::dump -n 5");
        assertTrue(r.out().contains("hello"), r.out() + r.err());
    }
}
