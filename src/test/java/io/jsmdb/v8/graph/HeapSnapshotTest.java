package io.jsmdb.v8.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jsmdb.cmd.CommandRunner;
import io.jsmdb.cmd.DcmdRegistry;
import io.jsmdb.cmd.Dcmds;
import io.jsmdb.node.NodeTarget;
import io.jsmdb.testing.TestCores;
import io.jsmdb.testing.TestCores.TestCore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code ::heapsnapshot} against V8's own snapshot of the same moment: the snapshot fixture
 * writes v8.heapsnapshot right before it dies (abort) or is gcore'd (gcore), on all 7 versions.
 * Checked: our file is well formed and has V8's meta; the fixture's classes and closures have
 * the same node counts, total self sizes and locations; the (type, name) groups of V8's snapshot
 * with fewer nodes in ours (beyond those {@link #FEWER} explains) are recorded, not yet asserted
 * (see the comment at the check); the GC root categories are named as V8 names them; memlab loads ours and the
 * retained size of each fixture class is within 1 % of what memlab computes on V8's file.
 * Figures (totals, groups that differ) are appended to target/heapsnapshot.tsv.
 */
class HeapSnapshotTest {
    /** V8 snapshot groups that ours may have fewer of, and why (a core has no embedder graph). */
    record Fewer(String type, Pattern name, String why) {}

    static final List<Fewer> FEWER = List.of(
            new Fewer("synthetic", Pattern.compile(".*"),
                    "V8's synthetic nodes: every root category whether or not it holds a root, and the embedder's"
                            + " ('Node / Environment', 'C++ Persistent roots', ...); ours are the categories the roots hold"),
            new Fewer("native", Pattern.compile(".*"),
                    "embedder (node's C++ and cppgc) objects, which V8's snapshot gets from node's EmbedderGraph at run time;"
                            + " a core has no such graph"));

    static Stream<String> cores() {
        List<String> out = new ArrayList<>();
        for (String v : TestCores.VERSIONS) for (String k : List.of(TestCores.ABORT, TestCores.GCORE)) out.add(v + " " + k);
        for (String v : TestCores.ARM64) out.add(v + " " + TestCores.ABORT);
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cores")
    @SuppressWarnings("unchecked")
    void matchesV8sOwnSnapshot(String spec, @TempDir Path dir) throws Exception {
        String[] p = spec.split(" ");
        TestCore tc = TestCores.get(p[0], "snapshot", p[1]);
        Map<String, Object> oracle = tc.oracle();
        List<String> classes = (List<String>) (List<?>) oracle.get("classes");
        List<String> closures = (List<String>) (List<?>) oracle.get("closures");
        Map<String, Object> counts = (Map<String, Object>) oracle.get("counts");
        Path ours = dir.resolve("jsmdb.heapsnapshot");
        Files.writeString(ours, "an older file, replaced");
        try (NodeTarget t = NodeTarget.open(tc.node(), tc.core(), List.of())) {
            CommandRunner.Captured r = CommandRunner.runCaptured(new DcmdRegistry(Dcmds.all()), t, "::heapsnapshot \"" + ours + "\"");
            for (String line : r.err().lines().toList()) assertTrue(line.startsWith("jsmdb: warning: "), spec + ": " + r.err());
            assertTrue(r.out().startsWith("wrote " + ours + ": "), spec + ": " + r.out() + r.err());
        }
        assertFalse(Files.exists(dir.resolve("jsmdb.heapsnapshot.tmp")), "the temporary file is renamed");
        SnapshotFile v8 = new SnapshotFile(tc.dir().resolve("v8.heapsnapshot"));
        SnapshotFile js = new SnapshotFile(ours);
        assertEquals(List.of(), js.faults(), spec);
        assertEquals(v8.snapshot.get("meta"), js.snapshot.get("meta"), spec);
        for (int n = 1; n < js.nodeCount; n++) assertTrue(js.id(n) > js.id(n - 1) && js.id(n) % 2 == 1, spec + ": node id " + js.id(n));
        assertEquals("synthetic", js.type(0));
        assertEquals("", js.name(0));
        assertEquals("(GC roots)", js.name(1));

        // the fixture's classes and closures: counts, self sizes and locations as V8 has them
        Map<String, long[]> g8 = groups(v8), gj = groups(js);
        for (String c : classes) {
            long want = ((Number) counts.get(c)).longValue();
            assertEquals(want, count(g8, "object", c), spec + ": V8's " + c);
            assertEquals(want, count(gj, "object", c), spec + ": our " + c);
            assertEquals(g8.get("object\t" + c)[1], gj.get("object\t" + c)[1], spec + ": self size of the " + c + "s");
        }
        for (String c : closures) {
            long want = ((Number) counts.get(c)).longValue();
            assertEquals(want, count(g8, "closure", c), spec + ": V8's " + c);
            assertEquals(want, count(gj, "closure", c), spec + ": our " + c);
            assertEquals(g8.get("closure\t" + c)[1], gj.get("closure\t" + c)[1], spec + ": self size of the " + c + "s");
            assertEquals(locations(v8, c), locations(js, c), spec + ": locations of " + c);
        }

        // every group of V8's: as many nodes in ours, or a reason
        List<String> fewer = new ArrayList<>();
        for (var e : g8.entrySet()) {
            long have = gj.containsKey(e.getKey()) ? gj.get(e.getKey())[0] : 0;
            if (have >= e.getValue()[0]) continue;
            String[] tn = e.getKey().split("\t", 2);
            boolean known = FEWER.stream().anyMatch(f -> f.type.equals(tn[0]) && f.name.matcher(tn[1]).matches());
            if (!known) fewer.add(e.getKey().replace('\t', ' ') + ": V8 " + e.getValue()[0] + ", ours " + have);
        }
        record(tc, "totals", "V8 nodes " + v8.nodeCount + " edges " + v8.edgeCount + "; ours nodes " + js.nodeCount + " edges " + js.edgeCount);
        record(tc, "fewer", String.join("; ", fewer));
        // The whole heap: within 0.5 % of V8's node count (8-90 nodes of 43,000-67,000 on the 7
        // versions: V8 names some code-related arrays after their use and writes a few strings of
        // its own, docs/commands.md), every builtin's Code named as V8 names it, and the groups
        // that differ recorded above for every core.
        assertTrue(Math.abs(js.nodeCount - v8.nodeCount) <= v8.nodeCount / 200,
                spec + ": " + js.nodeCount + " nodes, V8 " + v8.nodeCount);
        long v8Builtins = 0, ourBuiltins = 0;
        for (var e : g8.entrySet()) if (BUILTIN_CODE.matcher(e.getKey()).matches()) v8Builtins += e.getValue()[0];
        for (var e : gj.entrySet()) if (BUILTIN_CODE.matcher(e.getKey()).matches()) ourBuiltins += e.getValue()[0];
        assertTrue(v8Builtins > 500, spec + ": V8's snapshot names " + v8Builtins + " builtins");
        assertEquals(v8Builtins, ourBuiltins, spec + ": code nodes named as builtins");

        // root categories named as V8 names its synthetic roots
        Set<String> v8cats = new HashSet<>(), jscats = new HashSet<>();
        for (int e = v8.firstEdge[1]; e < v8.firstEdge[2]; e++) v8cats.add(v8.name(v8.edgeTo(e)));
        for (int e = js.firstEdge[1]; e < js.firstEdge[2]; e++) jscats.add(js.name(js.edgeTo(e)));
        assertTrue(v8cats.containsAll(jscats), spec + ": root categories V8 does not have: " + minus(jscats, v8cats));

        // memlab loads ours; the leak's retained sizes agree within 1 %
        String[] names = classes.toArray(new String[0]);
        Map<String, Object> m8 = Memlab.checkLoads(tc.dir().resolve("v8.heapsnapshot"), names);
        Map<String, Object> mj = Memlab.checkLoads(ours, names);
        Map<String, Object> r8 = (Map<String, Object>) m8.get("retained"), rj = (Map<String, Object>) mj.get("retained");
        record(tc, "retained", "V8 " + r8 + "; ours " + rj);
        for (String c : classes) {
            double a = ((Number) r8.get(c)).doubleValue(), b = ((Number) rj.get(c)).doubleValue();
            assertTrue(Math.abs(a - b) <= 0.01 * a, spec + ": memlab's retained size of the " + c + "s: V8 " + a + ", ours " + b);
        }
    }

    /** A builtin's Code as each V8 generation names it: "(Abort builtin)", "(Abort builtin handle)", "(Abort builtin code)". */
    private static final java.util.regex.Pattern BUILTIN_CODE = java.util.regex.Pattern.compile("code\t\\(\\S+ builtin( handle| code)?\\)");

    /** (type \t name) -> {nodes, total self size}. */
    static Map<String, long[]> groups(SnapshotFile f) {
        Map<String, long[]> out = new TreeMap<>();
        for (int n = 0; n < f.nodeCount; n++) {
            long[] g = out.computeIfAbsent(f.type(n) + "\t" + f.name(n), k -> new long[2]);
            g[0]++;
            g[1] += f.selfSize(n);
        }
        return out;
    }

    static long count(Map<String, long[]> groups, String type, String name) {
        long[] g = groups.get(type + "\t" + name);
        return g == null ? 0 : g[0];
    }

    /** "script:line:column" of every closure so named, sorted. */
    static List<String> locations(SnapshotFile f, String name) {
        Map<Integer, String> byNode = new TreeMap<>();
        for (int i = 0; i + 3 < f.locations.length; i += 4) {
            byNode.put((int) (f.locations[i] / f.nf), f.locations[i + 1] + ":" + f.locations[i + 2] + ":" + f.locations[i + 3]);
        }
        List<String> out = new ArrayList<>();
        for (int n = 0; n < f.nodeCount; n++) {
            if (f.type(n).equals("closure") && f.name(n).equals(name)) out.add(byNode.getOrDefault(n, "none"));
        }
        out.sort(null);
        return out;
    }

    static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> out = new HashSet<>(a);
        out.removeAll(b);
        return out;
    }

    private static synchronized void record(TestCore tc, String what, String text) {
        Path out = Path.of(System.getProperty("user.dir"), "target", "heapsnapshot.tsv");
        StringBuilder clean = new StringBuilder(); // names from the heap may hold tabs and line breaks
        text.codePoints().forEach(c -> clean.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", c) : Character.toString(c)));
        String line = String.join("\t", tc.version(), tc.fixture() + "-" + tc.kind(), what, clean.toString()) + "\n";
        try {
            Files.writeString(out, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new AssertionError("cannot write " + out, e);
        }
    }
}
