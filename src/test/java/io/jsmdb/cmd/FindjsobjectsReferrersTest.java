package io.jsmdb.cmd;

import static org.junit.jupiter.api.Assertions.*;

import io.jsmdb.testing.TestCores;
import io.jsmdb.v8.heap.HeapFixture;
import io.jsmdb.v8.heap.JsKind;
import io.jsmdb.v8.heap.V8Collections;
import io.jsmdb.v8.heap.V8Heap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code ADDR::findjsobjects -r} and {@code ::jsclosure} on the heap fixture's referrers block
 * (cores/fixtures/heap.js, oracle {@code referrers}) of every Node version: each object the
 * fixture holds in exactly one way is reported as held exactly that way, by exactly that holder,
 * and a closure over 80 context variables lists all of them with their values.
 */
class FindjsobjectsReferrersTest {
    static Stream<String> versions() {
        return TestCores.VERSIONS.stream();
    }

    private static String run(HeapFixture.Opened o, String cmds) {
        CommandRunner.Captured r = CommandRunner.runCaptured(DcmdRegistry.standard(), o.target(), cmds);
        assertEquals(CommandRunner.Status.OK, r.status(), o.core().name() + ": " + cmds + ": " + r.err());
        return r.out();
    }

    /** The one instance of a fixture class. */
    private static long only(HeapFixture.Opened o, String cls) {
        String out = run(o, "::findjsobjects -c " + cls + " | ::findjsobjects").strip();
        assertFalse(out.isEmpty() || out.contains("\n"), o.core().name() + ": instances of " + cls + ": " + out);
        return Long.parseUnsignedLong(out, 16);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> oracle(HeapFixture.Opened o) {
        Map<String, Object> r = (Map<String, Object>) o.core().oracle().get("referrers");
        assertNotNull(r, o.core().name() + ": the oracle has no referrers block (run cores/make-cores)");
        return r;
    }

    /** The single line of ADDR::findjsobjects -r, which must match pattern; returns the holder. */
    private static long holder(HeapFixture.Opened o, long addr, String pattern) {
        String out = run(o, String.format("%x::findjsobjects -r", addr));
        Matcher m = Pattern.compile(String.format("%x referred to by ([0-9a-f]+) %s\n", addr, pattern)).matcher(out);
        assertTrue(m.matches(), o.core().name() + ": expected one line \"... " + pattern + "\", got:\n" + out);
        return Long.parseUnsignedLong(m.group(1), 16);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    @SuppressWarnings("unchecked")
    void eachObjectIsHeldAsTheFixtureHoldsIt(String version) {
        HeapFixture.Opened o = HeapFixture.get(version);
        V8Heap h = o.heap();
        Map<String, Object> holders = (Map<String, Object>) oracle(o).get("holders");
        String name = o.core().name();

        Map<String, Object> d = (Map<String, Object>) holders.get("JsmdbRefTraveller");
        long traveller = only(o, "JsmdbRefTraveller");
        long route = holder(o, traveller, "\\(" + d.get("holder") + "\\)\\." + d.get("name"));
        assertEquals(d.get("holder"), h.constructorNameOf(route).orElseThrow(), name);
        assertEquals(traveller, h.properties().ownDataProperty(route, (String) d.get("name")).orElseThrow(), name);

        // Map and Set entries: the JSMap/JSSet is the holder (not its table), and the entry number
        // is the live entry's place in iteration order (a deleted entry before the key does not count)
        for (String cls : List.of("JsmdbRefMapKey", "JsmdbRefMapValue", "JsmdbRefSetEntry")) {
            d = (Map<String, Object>) holders.get(cls);
            int entry = ((Number) d.get("entry")).intValue();
            String kind = (String) d.get("kind");
            String where = switch (kind) {
                case "mapKey" -> "entry key ";
                case "mapValue" -> "entry value ";
                default -> "entry ";
            };
            long obj = only(o, cls);
            long coll = holder(o, obj, "\\(" + d.get("holder") + " " + where + entry + "\\)");
            JsKind k = h.kindOf(coll);
            assertEquals(kind.startsWith("map") ? JsKind.MAP : JsKind.SET, k, name + ": " + cls);
            V8Collections.Entry e = h.collections().collection(coll, k == JsKind.MAP, 100).entries().get(entry);
            assertEquals(obj, kind.equals("mapValue") ? e.value() : e.key(), name + ": " + cls);
        }

        // a closure variable: the context, named by its variable, and the function closing over it
        d = (Map<String, Object>) holders.get("JsmdbRefCaptured");
        long captured = only(o, "JsmdbRefCaptured");
        String out = run(o, String.format("%x::findjsobjects -r", captured));
        Matcher m = Pattern.compile(String.format("%x referred to by ([0-9a-f]+) \\(context of ([0-9a-f]+) %s, variable %s\\)\n",
                captured, ((List<String>) d.get("closures")).getFirst(), d.get("variable"))).matcher(out);
        assertTrue(m.matches(), name + ": " + out);
        long ctx = Long.parseUnsignedLong(m.group(1), 16), fn = Long.parseUnsignedLong(m.group(2), 16);
        assertEquals(ctx, h.functions().functionContext(fn), name);
        String closure = run(o, String.format("%x::jsclosure", fn));
        assertTrue(closure.matches(String.format("    \"%s\": %x: .*JsmdbRefCaptured.*\n", d.get("variable"), captured)), name + ": " + closure);

        // held by nothing in the heap: said plainly (the abort core keeps it in the module function's frame)
        assertEquals("none", ((Map<String, Object>) holders.get("JsmdbRefStackOnly")).get("kind"));
        long stackOnly = only(o, "JsmdbRefStackOnly");
        assertEquals(String.format("%x: no object in the heap refers to it; it may be held by a stack frame or a handle%n", stackOnly),
                run(o, String.format("%x::findjsobjects -r", stackOnly)), name);

        // a global variable: the global object holds it
        // (-p also finds the oracle's own dead copy of these names where unswept pages cannot be
        // filtered, node 26: see FindjsobjectsDcmdTest; the live one is the one the global holds)
        List<String> roots = run(o, "::findjsobjects -p bigClosure").strip().lines().toList();
        long held = 0;
        for (String r : roots) {
            long root = Long.parseUnsignedLong(r.strip(), 16);
            if (run(o, String.format("%x::findjsobjects -r", root)).contains("(global).jsmdbReferrers")) {
                held = root;
                holder(o, root, "\\(global\\)\\.jsmdbReferrers");
            }
        }
        assertNotEquals(0L, held, name + ": no object with bigClosure is held by the global: " + roots);

        // the WeakMap / WeakSet entries are named, and marked weak
        long weakKey = h.properties().ownDataProperty(o.values(), "weakKey").orElseThrow();
        String weak = run(o, String.format("%x::findjsobjects -r", weakKey));
        for (String line : List.of(String.format("%x referred to by %x (JsmdbValues).weakKey", weakKey, o.values()),
                "(WeakMap entry key 0, weak)", "(WeakSet entry 0, weak)", ", variable weakKey)")) {
            assertTrue(weak.contains(line), name + ": no \"" + line + "\" in\n" + weak);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    @SuppressWarnings("unchecked")
    void aClosureOverEightyVariablesListsThemAll(String version) {
        HeapFixture.Opened o = HeapFixture.get(version);
        Map<String, Object> big = (Map<String, Object>) oracle(o).get("bigClosure");
        Map<String, Object> vars = (Map<String, Object>) big.get("variables");
        assertEquals(80, vars.size());
        String out = run(o, "::jsfunctions -n " + big.get("function") + " | ::jsfunctions | ::jsclosure");
        Map<String, Long> got = new LinkedHashMap<>();
        List<String> bad = new ArrayList<>();
        for (String line : out.split("\n")) {
            Matcher m = Pattern.compile(" {4}\"(\\w+)\": (-?\\d+)").matcher(line);
            if (m.matches()) got.put(m.group(1), Long.parseLong(m.group(2)));
            else bad.add(line);
        }
        assertEquals(List.of(), bad, o.core().name() + ": lines that are not \"name\": smi");
        Map<String, Long> want = new LinkedHashMap<>();
        vars.forEach((k, v) -> want.put(k, ((Number) v).longValue()));
        assertEquals(want, got, o.core().name());
        // in slot order, which is declaration order
        assertEquals(List.copyOf(want.keySet()), List.copyOf(got.keySet()), o.core().name());
    }
}
