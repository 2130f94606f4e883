package io.jsmdb.cmd;

import static org.junit.jupiter.api.Assertions.*;

import io.jsmdb.node.NodeTarget;
import io.jsmdb.testing.TestCores.TestCore;
import io.jsmdb.testing.TestCores;
import io.jsmdb.v8.heap.V8Heap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ::findjsobjects and ::jsfunctions on the heap fixture's cores (abort and gcore) of every Node
 * version, against V8's own heap snapshot counts recorded by the fixture. Each core is opened
 * once and scanned once (the scan is cached per target); every check runs on that scan.
 */
class FindjsobjectsDcmdTest {
    private static final List<String> CLASSES = List.of("JsmdbLeakA", "JsmdbLeakB", "JsmdbOldStyle", "JsmdbDictMode", "JsmdbValues");
    private static final Pattern ROW = Pattern.compile("^ *([0-9a-f]+) +(\\d+) +(\\d+) (.*)$");

    static Stream<String> cores() {
        List<String> out = new ArrayList<>();
        for (String v : TestCores.VERSIONS) for (String k : List.of(TestCores.ABORT, TestCores.GCORE)) out.add(v + " " + k);
        for (String v : TestCores.ARM64) out.add(v + " " + TestCores.ABORT);
        return out.stream();
    }

    record Row(long addr, long count, long nprops, String text) {
        String constructor() {
            int c = text.indexOf(": ");
            return c < 0 ? text : text.substring(0, c);
        }
    }

    private static List<Row> table(String out) {
        List<Row> rows = new ArrayList<>();
        String[] lines = out.split("\n");
        assertEquals(String.format("%16s %8s %8s %s", "OBJECT", "#OBJECTS", "#PROPS", "CONSTRUCTOR: PROPS"), lines[0]);
        for (int i = 1; i < lines.length; i++) {
            Matcher m = ROW.matcher(lines[i]);
            assertTrue(m.matches(), "bad row: " + lines[i]);
            rows.add(new Row(Long.parseUnsignedLong(m.group(1), 16), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), m.group(4)));
            assertTrue(lines[i].length() <= 80 + 3 || !m.group(4).contains(", "), "row longer than 80 columns: " + lines[i]);
        }
        return rows;
    }

    private static CommandRunner.Captured run(DcmdRegistry reg, NodeTarget t, String cmds) {
        CommandRunner.Captured r = CommandRunner.runCaptured(reg, t, cmds);
        assertEquals(CommandRunner.Status.OK, r.status(), cmds + ": " + r.err());
        return r;
    }

    private static List<Long> addresses(String out) {
        List<Long> l = new ArrayList<>();
        for (String s : out.split("\n")) if (!s.isBlank()) l.add(Long.parseUnsignedLong(s.strip(), 16));
        return l;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cores")
    void countsAndPipelinesMatchTheOracle(String spec) throws Exception {
        String[] p = spec.split(" ");
        TestCore tc = TestCores.get(p[0], "heap", p[1]);
        Map<String, Object> oracle = tc.oracle();
        @SuppressWarnings("unchecked") Map<String, Object> heapCounts = (Map<String, Object>) oracle.get("heapCounts");
        @SuppressWarnings("unchecked") Map<String, Object> counts = (Map<String, Object>) oracle.get("counts");
        @SuppressWarnings("unchecked") Map<String, Object> shapes = (Map<String, Object>) oracle.get("shapes");
        try (NodeTarget t = NodeTarget.open(tc.node(), tc.core(), List.of())) {
            DcmdRegistry reg = new DcmdRegistry(Dcmds.all());

            // the table: per-constructor sums equal V8's heap snapshot, exactly
            List<Row> rows = table(run(reg, t, "::findjsobjects").out());
            for (int i = 1; i < rows.size(); i++) {
                Row a = rows.get(i - 1), b = rows.get(i);
                assertTrue(a.count * a.nprops < b.count * b.nprops
                        || a.count * a.nprops == b.count * b.nprops && (a.count < b.count || a.count == b.count && a.nprops <= b.nprops),
                        tc.name() + ": rows out of mdb_v8's order: " + a + " / " + b);
            }
            Map<String, Long> byCtor = new HashMap<>();
            for (Row r : rows) byCtor.merge(r.constructor(), r.count, Long::sum);
            for (String c : CLASSES) {
                assertEquals(((Number) heapCounts.get(c)).longValue(), byCtor.getOrDefault(c, 0L), tc.name() + ": " + c);
            }
            long leakBGroups = rows.stream().filter(r -> r.constructor().equals("JsmdbLeakB")).count();
            assertEquals(((Number) shapes.get("JsmdbLeakB")).longValue(), leakBGroups, tc.name() + ": JsmdbLeakB shapes");
            Row shape = rows.stream().filter(r -> r.text.equals("Object: jsmdbShape, k")).findFirst().orElseThrow();
            assertEquals(((Number) counts.get("jsmdbShapeObjects")).longValue(), shape.count, tc.name() + ": {jsmdbShape, k}");
            assertEquals(2, shape.nprops);
            Row dict = rows.stream().filter(r -> r.constructor().equals("JsmdbDictMode")).findFirst().orElseThrow();
            assertEquals(91, dict.nprops, tc.name() + ": JsmdbDictMode has n and 90 of p0..p99");
            assertTrue(dict.text.startsWith("JsmdbDictMode: n, p") && dict.text.endsWith("..."), dict.text);
            // no representative is a dead object: a live object's properties and elements are live heap
            // objects, in the core. A dead one on a page V8 had not swept yet can point to memory already
            // freed (a JSArray of 383172 elements whose large-object page was gone, node 24 heap-abort).
            // Where the walk cannot tell dead from live (this V8's sweeping state is unknown, or a page's
            // marking bitmap fails its live-byte check), -v must say so, and those pages are exempt.
            String verbose = run(reg, t, "::findjsobjects -v").out();
            boolean sweepingUnknown = verbose.contains("sweeping state and marking bitmap are unknown");
            java.util.Set<Long> unverifiedPages = new java.util.HashSet<>();
            java.util.regex.Matcher um = java.util.regex.Pattern
                    .compile("page ([0-9a-f]+) \\([^)]*\\): not swept yet, but its marking bitmap does not match").matcher(verbose);
            while (um.find()) unverifiedPages.add(Long.parseUnsignedLong(um.group(1), 16));
            for (Row r : rows) {
                if (sweepingUnknown || unverifiedPages.contains(r.addr & ~0x3ffffL)) continue;
                for (int slot : new int[] {8, 16}) {
                    long w = t.core().readLong(r.addr - 1 + slot);
                    if ((w & 3) == 1) {
                        assertTrue(t.core().isReadable(w - 1, 8), String.format("%s: representative %x (%s): word %d is %x,"
                                + " in no mapping of the core (a dead object?)", tc.name(), r.addr, r.text, slot, w));
                    }
                }
            }
            long arrays3 = rows.stream().filter(r -> r.text.equals("Array") && r.nprops == 3).mapToLong(Row::count).sum();
            assertTrue(arrays3 >= ((Number) counts.get("jsmdbArrays3")).longValue(), tc.name() + ": arrays of length 3: " + arrays3);

            // -c | ADDR::findjsobjects: exactly the instances
            long nA = ((Number) heapCounts.get("JsmdbLeakA")).longValue();
            List<Long> leakA = addresses(run(reg, t, "::findjsobjects -c JsmdbLeakA | ::findjsobjects").out());
            assertEquals(nA, leakA.size(), tc.name());
            assertEquals(nA, new HashSet<>(leakA).size(), tc.name() + ": duplicates");
            List<Long> reps = addresses(run(reg, t, "::findjsobjects -c JsmdbLeakB").out());
            assertEquals(leakBGroups, reps.size());
            assertEquals(250, addresses(run(reg, t, "::findjsobjects -c JsmdbLeakB | ::findjsobjects").out()).size());
            List<Long> shapeRep = addresses(run(reg, t, "::findjsobjects -p jsmdbShape").out());
            assertEquals(List.of(shape.addr), shapeRep, tc.name());
            // any instance (not only the representative) names its group
            assertEquals(nA, addresses(run(reg, t, String.format("%x::findjsobjects", leakA.get(leakA.size() - 1))).out()).size());
            // -l: every instance of every group
            long total = rows.stream().mapToLong(Row::count).sum();
            assertEquals(total, addresses(run(reg, t, "::findjsobjects -l").out()).size(), tc.name() + ": -l");
            // shell pipe
            assertEquals(String.valueOf(nA), run(reg, t, "::findjsobjects -c JsmdbLeakA | ::findjsobjects ! wc -l").out().strip());

            // -r: the LeakA instance refers to its payload; the leakA array refers to the instance
            V8Heap heap = t.heap();
            long a = leakA.get(0);
            OptionalLong payload = heap.properties().ownDataProperty(a, "payload");
            assertTrue(payload.isPresent());
            String refs = run(reg, t, String.format("%x::findjsobjects -r", payload.getAsLong())).out();
            assertTrue(refs.contains(String.format("%x referred to by %x (JsmdbLeakA).payload", payload.getAsLong(), a)), tc.name() + ": " + refs);
            String refsA = run(reg, t, String.format("%x::findjsobjects -r", a)).out();
            assertTrue(Pattern.compile(String.format("(?m)^%x referred to by [0-9a-f]+ \\(Array\\)\\[\\d+\\]$", a)).matcher(refsA).find(), tc.name() + ": " + refsA);

            // -r on both kinds of core (FindjsobjectsReferrersTest covers the abort cores in full): a Map key
            String mapKey = run(reg, t, "::findjsobjects -c JsmdbRefMapKey | ::findjsobjects | ::findjsobjects -r").out();
            assertTrue(mapKey.matches("[0-9a-f]+ referred to by [0-9a-f]+ \\(Map entry key 2\\)\n"), tc.name() + ": " + mapKey);

            // -v: statistics, and the table still follows
            String v = run(reg, t, "::findjsobjects -v").out();
            assertTrue(v.contains("heap bytes walked =>") && v.contains("JavaScript objects =>") && v.contains("OBJECT #OBJECTS"), v);
            // the walk sizes every object: no impossible sizes; an old-space page left early by a non-map word is rare
            assertFalse(v.contains("impossible size"), tc.name() + ":\n" + v);
            assertTrue(v.split("not a map", -1).length - 1 <= 1, tc.name() + ":\n" + v);
            // new space: walked exactly to its allocation top, on every version. The top and the to-space page
            // list were found (no fallback), and no new-space page was left early (stale data after a top, a
            // zero tail, an unused page) or skipped over inside.
            assertTrue(Pattern.compile("(?m)new-space allocation top => [0-9a-f]+$").matcher(v).find(), tc.name() + ":\n" + v);
            assertFalse(v.contains("allocation top not found"), tc.name() + ":\n" + v);
            assertTrue(v.contains("findjsobjects: new space: LAB at "), tc.name() + ":\n" + v);
            assertFalse(v.contains("(SemiSpace)"), tc.name() + ": a new-space page not walked to its end or top:\n" + v);
            Matcher walked = Pattern.compile("heap bytes walked => (\\d+)").matcher(v);
            assertTrue(walked.find() && Long.parseLong(walked.group(1)) > 4_000_000L, tc.name() + ":\n" + v);

            // ::jsfunctions
            String fns = run(reg, t, "::jsfunctions -n jsmdbNamedFunction").out();
            String[] lines = fns.split("\n");
            assertEquals(String.format("%16s %8s %-40s %s", "FUNC", "#FUNCS", "NAME", "FROM"), lines[0]);
            assertEquals(2, lines.length, fns);
            @SuppressWarnings("unchecked") Map<String, Object> func = (Map<String, Object>) ((Map<String, Object>) oracle.get("values")).get("func");
            long line = ((Number) func.get("line")).longValue();
            assertTrue(lines[1].matches(" *[0-9a-f]+ +1 jsmdbNamedFunction +\\S*heap\\.js line " + line), tc.name() + ": " + lines[1]);
            String one = run(reg, t, "::jsfunctions -s heap.js -n jsmdbNamedFunction | ::jsfunctions").out();
            assertEquals(1, addresses(one).size(), one);
        }
    }

    /** Ctrl-C during the scan: the command fails, nothing is cached, the next run scans afresh. */
    @org.junit.jupiter.api.Test
    void cancelledScanLeavesNoCache() throws Exception {
        TestCore tc = TestCores.get("20.20.2", "heap", TestCores.ABORT);
        try (NodeTarget t = NodeTarget.open(tc.node(), tc.core(), List.of())) {
            int[] polls = {0};
            DcmdContext cancelling = new DcmdContext() {
                @Override public NodeTarget target() { return t; }
                @Override public Output out() { return new CapturingOutput(); }
                @Override public void checkCancelled() { if (++polls[0] >= 1) throw new CancelledException(); }
                @Override public boolean interactive() { return false; }
                @Override public DcmdRegistry registry() { return new DcmdRegistry(Dcmds.all()); }
                @Override public void warn(String message) {}
            };
            assertThrows(CancelledException.class, () -> HeapScanCache.get(cancelling));
            assertTrue(polls[0] >= 1);
            CommandRunner.Captured r = run(new DcmdRegistry(Dcmds.all()), t, "::findjsobjects -c JsmdbLeakA | ::findjsobjects ! wc -l");
            assertEquals("1000", r.out().strip());
        }
    }

    private static final class CapturingOutput implements Output {
        final StringBuilder sb = new StringBuilder();
        @Override public void println(String line) { sb.append(line).append('\n'); }
        @Override public void printf(String fmt, Object... args) { sb.append(String.format(java.util.Locale.ROOT, fmt, args)); }
        @Override public void print(String s) { sb.append(s); }
        @Override public void emitAddress(long addr, String line) { println(line); }
        @Override public void emitAddress(long addr) { println(Output.hex(addr)); }
        @Override public boolean isTerminal() { return false; }
        @Override public Progress progress(String what) { return Progress.NONE; }
    }
}
