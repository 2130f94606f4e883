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
 * ::jsprint of every field of the heap fixture's JsmdbValues instance, on every Node version,
 * against the value the fixture recorded (oracle "values"), plus options, members and hostile
 * addresses. The expected text is rendered here from the oracle's descriptors, independently of
 * the formatter; whitespace and trailing commas are normalised (layout is not under test).
 */
class JsPrintDcmdTest {
    static Stream<String> versions() {
        return TestCores.VERSIONS.stream();
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
        String t = s.replaceAll("\\s+", " ").strip();
        return t.replace(", }", " }").replace(", ]", " ]");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) { return (Map<String, Object>) o; }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) { return (List<Object>) o; }

    static String num(Object o) {
        if (o instanceof Number n) {
            double d = n.doubleValue();
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }
        return String.valueOf(o);
    }

    /** The expected text of a descriptor at nesting level, containers expanded below depth; null = not checkable exactly. */
    static String expected(Map<String, Object> d, int level, int depth) {
        String kind = (String) d.get("kind");
        boolean expand = level < depth;
        switch (kind) {
            case "smi": return num(d.get("value"));
            case "heapnumber": return (String) d.get("value");
            case "undefined": return "undefined";
            case "null": return "null";
            case "boolean": return String.valueOf(d.get("value"));
            case "bigint": return d.get("value") + "n";
            case "symbol": return d.get("description") == null ? "Symbol()" : "Symbol(" + JsFormatter.quote((String) d.get("description")) + ")";
            case "string":
                if (d.containsKey("value")) return JsFormatter.quote((String) d.get("value"));
                return null;
            case "hole": return "<hole>";
            case "object": {
                String ctor = (String) d.get("constructor");
                if (!expand) return "[" + ctor + "]";
                List<String> parts = new ArrayList<>();
                for (Map.Entry<String, Object> p : map(d.get("properties")).entrySet()) {
                    String v = expected(map(p.getValue()), level + 1, depth);
                    if (v == null) return null;
                    parts.add(JsFormatter.key(p.getKey()) + ": " + v);
                }
                String body = parts.isEmpty() ? "{}" : "{ " + String.join(", ", parts) + " }";
                return (ctor.equals("Object") ? "" : ctor + " ") + body;
            }
            case "array": {
                long length = ((Number) d.get("length")).longValue();
                if (!expand) return "[Array(" + length + ")]";
                List<Object> els = list(d.get("elements"));
                if (els.size() != length) return null;
                return "[" + items(els, level, depth) + "]";
            }
            case "arguments": {
                if (!expand) return "[Arguments]";
                return "[Arguments] [" + items(list(d.get("values")), level, depth) + "]";
            }
            case "date": return (String) d.get("value");
            case "regexp": return "/" + d.get("source") + "/" + d.get("flags");
            case "map": {
                if (!expand) return "[Map(" + num(d.get("size")) + ")]";
                List<String> parts = new ArrayList<>();
                for (Object e : list(d.get("entries"))) {
                    List<Object> kv = list(e);
                    parts.add(expected(map(kv.get(0)), level + 1, depth) + " => " + expected(map(kv.get(1)), level + 1, depth));
                }
                return "Map(" + num(d.get("size")) + ") { " + String.join(", ", parts) + " }";
            }
            case "set": {
                if (!expand) return "[Set(" + num(d.get("size")) + ")]";
                List<String> parts = new ArrayList<>();
                for (Object e : list(d.get("values"))) parts.add(expected(map(e), level + 1, depth));
                return "Set(" + num(d.get("size")) + ") { " + String.join(", ", parts) + " }";
            }
            case "weakmap": {
                List<String> parts = new ArrayList<>();
                for (Object e : list(d.get("entries"))) {
                    List<Object> kv = list(e);
                    parts.add(expected(map(kv.get(0)), level + 1, depth) + " => " + expected(map(kv.get(1)), level + 1, depth));
                }
                return "WeakMap { " + String.join(", ", parts) + " }";
            }
            case "weakset": {
                List<String> parts = new ArrayList<>();
                for (Object e : list(d.get("values"))) parts.add(expected(map(e), level + 1, depth));
                return "WeakSet { " + String.join(", ", parts) + " }";
            }
            case "promise": {
                String state = (String) d.get("state");
                if (state.equals("pending")) return "Promise { <pending> }";
                String v = expected(map(d.get("value")), level + 1, depth);
                return v == null ? null : "Promise { " + (state.equals("rejected") ? "<rejected> " : "") + v + " }";
            }
            case "error": {
                String head = "[" + d.get("name") + ": " + d.get("message") + "]";
                return expand ? null : head;
            }
            case "arraybuffer": return "ArrayBuffer(" + num(d.get("byteLength")) + ") <" + spaced((String) d.get("hex")) + ">";
            case "typedarray": {
                List<String> vs = new ArrayList<>();
                for (Object e : list(d.get("values"))) vs.add(expected(map(e), level + 1, depth));
                return d.get("type") + "(" + num(d.get("length")) + ") [ " + String.join(", ", vs) + " ] <" + spaced((String) d.get("hex")) + ">";
            }
            case "boxed": return "[" + d.get("type") + ": " + expected(map(d.get("value")), level + 1, depth) + "]";
            case "proxy": {
                if (!expand) return "[Proxy]";
                return "Proxy { target: " + expected(map(d.get("target")), level + 1, depth) + ", handler: "
                        + expected(map(d.get("handler")), level + 1, depth) + " }";
            }
            case "generator": return "[Generator " + d.get("function") + "] { <" + d.get("state") + "> }";
            case "global": return level > 0 ? "[global proxy]" : null;
            case "circular": return "[Circular @" + d.get("ref") + "]";
            default: return null;
        }
    }

    private static String items(List<Object> els, int level, int depth) {
        List<String> parts = new ArrayList<>();
        int holes = 0;
        for (Object e : els) {
            Map<String, Object> m = map(e);
            if ("hole".equals(m.get("kind"))) {
                holes++;
                continue;
            }
            if (holes > 0) parts.add(holes == 1 ? "<hole>" : "<" + holes + " holes>");
            holes = 0;
            parts.add(expected(m, level + 1, depth));
        }
        if (holes > 0) parts.add(holes == 1 ? "<hole>" : "<" + holes + " holes>");
        return parts.isEmpty() ? "" : " " + String.join(", ", parts) + " ";
    }

    private static String spaced(String hex) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i + 1 < hex.length(); i += 2) {
            if (i > 0) sb.append(' ');
            sb.append(hex, i, i + 2);
        }
        return sb.toString();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void everyFieldMatchesTheOracle(String version) {
        HeapFixture.Opened o = HeapFixture.get(version);
        Map<String, Object> oracle = o.core().oracle();
        Map<String, Object> values = map(oracle.get("values"));
        List<Object> order = list(oracle.get("fieldOrder"));
        List<String> failures = new ArrayList<>();
        int exact = 0;
        for (Object f : order) {
            String field = (String) f;
            Map<String, Object> d = map(values.get(field));
            String out = jsprint(o, "-d 1 ." + field);
            String want = expected(d, 0, 1);
            String got = norm(out);
            if (want != null && want.contains("[Circular @")) want = circularRefs(o, field, want);
            if (want != null) {
                exact++;
                if (!norm(want).equals(got)) failures.add(field + ": expected " + norm(want) + "\n      got " + got);
                continue;
            }
            String kind = (String) d.get("kind");
            boolean ok = switch (kind) {
                case "string" -> checkLongString(d, out);
                case "array" -> got.startsWith("[ 1, 2, 3, <99997 holes>, 4 ]") && field.equals("arrayDictionary");
                case "function" -> {
                    String head = (Boolean.TRUE.equals(d.get("isClass")) ? "[class " : "[Function: ") + d.get("name") + "]";
                    String loc = d.containsKey("line") ? " (" + d.get("fileName") + ":" + num(d.get("line")) + ":" + num(d.get("column")) + ")" : "";
                    yield d.containsKey("line") ? got.equals(head + loc) : got.startsWith(head + " (" ) || got.equals(head);
                }
                case "boundfunction" -> got.startsWith("[Function: bound " + d.get("target") + "] { target: [Function: " + d.get("target") + "]")
                        && got.contains("this: [Object], arguments: [ \"bound-arg\", 2 ] }");
                case "error" -> d.containsKey("stack")
                        ? got.equals(norm("[" + d.get("name") + ": " + d.get("message") + "] { stack: " + JsFormatter.quote((String) d.get("stack")) + " }"))
                        : got.startsWith("[" + d.get("name") + ": " + d.get("message") + "]")
                        && (got.contains("stack: \"" + d.get("name") + ": " + d.get("message"))
                            || got.matches(".*\\{ stack: <not formatted yet: \\d+ call sites> }"));
                case "global" -> got.startsWith("[global proxy] -> [global object] { ") && got.contains(" jsmdbValues: [JsmdbValues]")
                        && got.contains(" globalThis: [Circular " + addressOf(o, ".global") + "],");
                case "dataview" -> got.equals("DataView(" + num(d.get("byteLength")) + ", offset " + num(d.get("byteOffset")) + ") <44 55 66 77 88 99 aa bb>");
                default -> false;
            };
            if (!ok) failures.add(field + " (" + kind + "): got " + got);
        }
        assertTrue(failures.isEmpty(), version + ": " + failures.size() + " of " + order.size() + " fields wrong:\n  " + String.join("\n  ", failures));
        assertTrue(exact >= 50, version + ": only " + exact + " fields compared exactly");
    }

    /** Replaces each "[Circular @REF]" with the address of the object at field + REF (REF "" = the field's value). */
    static String circularRefs(HeapFixture.Opened o, String field, String want) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\[Circular @([^\\]]*)\\]").matcher(want);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String addr = jsprint(o, "-a -d 0 ." + field + m.group(1)).split(":")[0];
            m.appendReplacement(sb, java.util.regex.Matcher.quoteReplacement("[Circular " + addr + "]"));
        }
        return m.appendTail(sb).toString();
    }

    private static boolean checkLongString(Map<String, Object> d, String out) {
        String prefix = (String) d.get("prefix"), pattern = (String) d.get("pattern");
        int length = ((Number) d.get("length")).intValue();
        String want = pattern.repeat(JsPrintDcmd.DEFAULT_CHARS / pattern.length() + 1).substring(0, JsPrintDcmd.DEFAULT_CHARS);
        return want.startsWith(prefix)
                && out.equals(JsFormatter.quote(want) + "... (" + length + " chars, " + JsPrintDcmd.DEFAULT_CHARS + " shown)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void depthMembersLimitsAndAddresses(String version) {
        HeapFixture.Opened o = HeapFixture.get(version);
        assertEquals("{ alpha: 1, beta: \"two\", gamma: { delta: 3 } }", norm(jsprint(o, ".objectInObject")));
        assertEquals("{ alpha: 1, beta: \"two\", gamma: [Object] }", norm(jsprint(o, "-d 1 .objectInObject")));
        assertEquals("[Object]", jsprint(o, "-d 0 .objectInObject"));
        assertEquals("3", jsprint(o, ".objectInObject.gamma.delta"));
        assertEquals("\"x\"", jsprint(o, ".arrayObjects[1]"));
        assertEquals("1", jsprint(o, ".arrayObjects[0].a"));
        assertEquals("Proxy { target: { proxied: 1 }, handler: {} }", norm(jsprint(o, ".proxy")));
        assertEquals("\"jsmdb sequ\"... (25 chars, 10 shown)", jsprint(o, "-l 10 .stringSeqOneByte"));
        assertEquals("[ 1, 2, ... 1 more (length 3) ]", jsprint(o, "-l 2 .arraySmi"));
        String withAddr = jsprint(o, "-a .objectInObject");
        assertTrue(withAddr.matches("(?s)[0-9a-f]+: \\{\n    alpha: 1,\n    beta: [0-9a-f]+: \"two\",.*"), withAddr);
        String top = jsprint(o, "");
        assertTrue(top.startsWith("JsmdbValues {\n    smi: 42,\n    negativeSmi: -7,"), top);
        assertTrue(top.endsWith("    global: [global proxy],\n}"), top);
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

        // cycles print as a reference to the object they lead back to, at any depth
        String self = addressOf(o, ".cycleSelf");
        assertEquals(Long.toHexString(o.heap().ownDataProperty(o.values(), "cycleSelf").orElseThrow()), self);
        assertEquals("{ name: \"jsmdb-cycle-self\", self: [Circular " + self + "] }", norm(jsprint(o, "-d 100 .cycleSelf")));
        String withAddr = jsprint(o, "-a -d 100 .cycleSelf");
        assertTrue(withAddr.startsWith(self + ": {") && withAddr.contains("self: " + self + ": [Circular " + self + "]"), withAddr);
        String a = addressOf(o, ".cyclePair"), b = addressOf(o, ".cyclePair.b");
        assertNotEquals(a, b);
        assertEquals(b, addressOf(o, ".cyclePair.b.a.b"));
        assertEquals("{ name: \"jsmdb-cycle-a\", b: { name: \"jsmdb-cycle-b\", a: [Circular " + a + "] } }", norm(jsprint(o, "-d 100 .cyclePair")));
        assertEquals("{ name: \"jsmdb-cycle-b\", a: { name: \"jsmdb-cycle-a\", b: [Circular " + b + "] } }", norm(jsprint(o, "-d 100 .cyclePair.b")));
        // the oracle saw the same cycles
        assertEquals(Map.of("kind", "circular", "ref", ""), map(map(values.get("cycleSelf")).get("properties")).get("self"));
        assertEquals(Map.of("kind", "circular", "ref", ""),
                map(map(map(map(values.get("cyclePair")).get("properties")).get("b")).get("properties")).get("a"));

        // a holey double array: V8 stores the hole as a NaN pattern
        Map<String, Object> hd = map(values.get("arrayHoleyDouble"));
        assertEquals("HOLEY_DOUBLE_ELEMENTS", hd.get("elementsKind"), "the fixture's array is not what the test needs");
        assertEquals("[ 1.5, <hole>, 3.5 ]", jsprint(o, ".arrayHoleyDouble"));
        assertEquals("[ 1.5, ... 2 more (length 3) ]", jsprint(o, "-l 1 .arrayHoleyDouble"));
        CommandRunner.Captured r = run(o, Long.toHexString(o.values()) + "::jsprint .arrayHoleyDouble[1]");
        assertEquals(CommandRunner.Status.FAILED, r.status());
        assertTrue(r.err().contains("element 1 of") && r.err().contains("is a hole"), r.err());

        // an Error whose stack was read: the string exactly as V8 formatted it
        Map<String, Object> err = map(values.get("errorStackRead"));
        String stack = (String) err.get("stack");
        assertEquals(Boolean.TRUE, err.get("stackRead"));
        assertTrue(stack.startsWith("Error: jsmdb error with its stack read\n    at jsmdbMakeErrorWithStack ("), stack);
        assertEquals("[Error: jsmdb error with its stack read] {\n    stack: " + JsFormatter.quote(stack) + ",\n}", jsprint(o, ".errorStackRead"));
        // the one never read still holds its call sites
        assertTrue(norm(jsprint(o, ".error")).matches("\\[Error: jsmdb error message\\] \\{ stack: <not formatted yet: \\d+ call sites> }"),
                jsprint(o, ".error"));

        // the global proxy shows the global object behind it; both print, bounded, without error
        String global = jsprint(o, ".global");
        assertTrue(global.startsWith("[global proxy] -> [global object] {\n"), global.substring(0, Math.min(200, global.length())));
        assertTrue(global.contains("\n    jsmdbValues: JsmdbValues {\n        smi: 42,\n"), "jsmdbValues not in the global object");
        // globalThis refers back to the proxy being printed
        String proxy = addressOf(o, ".global");
        assertTrue(global.contains("\n        global: [Circular " + proxy + "],\n"), "globalThis inside jsmdbValues");
        assertTrue(global.contains("\n    globalThis: [Circular " + proxy + "],\n"), "globalThis in the global object");
        assertTrue(global.contains("\n    process: [Getter/Setter],\n"), "process is an accessor");
        assertFalse(global.contains("<internal "), "an accessor printed as a value");
        assertTrue(global.lines().count() < 20_000, "unbounded: " + global.lines().count() + " lines");
        assertEquals("[global proxy]", jsprint(o, "-d 0 .global").lines().findFirst().orElseThrow().replaceAll(" -> .*", ""));
        String gAddr = jsprint(o, "-a .global").split(" -> ")[1].split(":")[0];
        CommandRunner.Captured g = run(o, gAddr + "::jsprint -d 1");
        assertEquals(CommandRunner.Status.OK, g.status(), g.err());
        assertEquals("", g.err());
        assertTrue(g.out().startsWith("[global object] {\n") && g.out().contains("\n    jsmdbValues: [JsmdbValues],\n")
                && g.out().contains("\n    jsmdbHeap: [Object],\n"), g.out());
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
        assertTrue(r.out().contains("\"KIND\": ") && r.out().contains("\"abort\""), r.out() + r.err());
        String buf = jsprint(o, "-a .buffer").split(":")[0];
        r = run(o, buf + "::nodebuffer -v");
        assertTrue(r.out().matches("[0-9a-f]+ \\(5 bytes, offset \\d+ in ArrayBuffer [0-9a-f]+\\)\n"), r.out() + r.err());
        long data = Long.parseLong(r.out().split(" ")[0], 16);
        assertEquals("hello", new String(o.target().core().readBytes(data, 5)));
        r = run(o, buf + "::nodebuffer | ::dump -n 5");
        assertTrue(r.out().contains("hello"), r.out() + r.err());
    }
}
