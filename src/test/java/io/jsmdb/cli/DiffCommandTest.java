package io.jsmdb.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.jsmdb.cmd.DcmdRegistry;
import io.jsmdb.node.NodeTarget;
import io.jsmdb.testing.LeakOracle;
import io.jsmdb.testing.TestCores;
import io.jsmdb.testing.TestCores.TestCore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code jsmdb diff} on the leak fixture's two gcores of one process (cores/fixtures/leak.js),
 * through the command line as a user runs it: the rows of the fixture's classes are the growth
 * it made (counts as it held them, bytes as V8's heap snapshot measured them), on every version;
 * the table is sorted by growth; the options; the refusals.
 */
class DiffCommandTest {
    private static final String HEADER =
            "    COUNT1     COUNT2     +COUNT       BYTES1       BYTES2       +BYTES CONSTRUCTOR";
    private static final String SHAPE_HEADER =
            "    COUNT1     COUNT2     +COUNT       BYTES1       BYTES2       +BYTES   #PROPS CONSTRUCTOR: PROPS";
    /** COUNT1 COUNT2 +COUNT BYTES1 BYTES2 +BYTES [#PROPS] NAME... */
    private static final java.util.regex.Pattern ROW = java.util.regex.Pattern.compile(
            " *(\\d+) +(\\d+) +([+-]\\d+) +(\\d+) +(\\d+) +([+-]\\d+) (.*)");

    record Result(int status, String out, String err) {}

    record Row(long count1, long count2, long countDelta, long bytes1, long bytes2, long bytesDelta, String name) {}

    static Result jsmdb(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        Io io = Io.of(new ByteArrayInputStream(new byte[0]), out, new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        int status = Main.run(args, io, NodeTarget::open, DcmdRegistry::standard);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The rows of a table; the header must be the first line and every other line a row. */
    static List<Row> rows(String out, String header) {
        List<String> lines = out.lines().toList();
        assertFalse(lines.isEmpty(), "no output");
        assertEquals(header, lines.getFirst());
        List<Row> rows = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            var m = ROW.matcher(l);
            assertTrue(m.matches(), "not a row: '" + l + "'");
            rows.add(new Row(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                    Long.parseLong(m.group(4)), Long.parseLong(m.group(5)), Long.parseLong(m.group(6)), m.group(7)));
        }
        return rows;
    }

    static Stream<String> versions() {
        return TestCores.VERSIONS.stream();
    }

    private static final List<String> GROWN = List.of("JsmdbLeakRequest", "JsmdbLeakPayload", "JsmdbLeakListener", "JsmdbLeakTemp");
    private static final List<String> UNCHANGED = List.of("JsmdbLeakStable", "JsmdbLeakMorph");

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void theFixturesGrowthRowByRowSortedByGrowth(String version) {
        TestCore tc = TestCores.get(version, "leak", TestCores.GCORE);
        Map<String, Object> oracle = tc.oracle();
        Result r = jsmdb("diff", tc.node().toString(), tc.core().toString(), tc.core2().toString());
        assertEquals(0, r.status(), tc.name() + ": " + r.err());
        assertEquals("", r.err(), tc.name());
        List<Row> rows = rows(r.out(), HEADER);
        for (String cls : GROWN) {
            List<Row> mine = rows.stream().filter(x -> x.name().equals(cls)).toList();
            assertEquals(1, mine.size(), tc.name() + " " + cls + ":\n" + r.out());
            Row row = mine.getFirst();
            String what = tc.name() + " " + cls + ": " + row;
            long c1 = LeakOracle.created(oracle, 0, cls), c2 = LeakOracle.created(oracle, 1, cls);
            long b1 = LeakOracle.snapshotBytes(oracle, 0, cls), b2 = LeakOracle.snapshotBytes(oracle, 1, cls);
            assertEquals(List.of(c1, c2, c2 - c1, b1, b2, b2 - b1),
                    List.of(row.count1(), row.count2(), row.countDelta(), row.bytes1(), row.bytes2(), row.bytesDelta()), what);
        }
        for (String cls : UNCHANGED) {
            assertTrue(rows.stream().noneMatch(x -> x.name().equals(cls)), tc.name() + ": unchanged " + cls + " is shown:\n" + r.out());
        }
        checkRows(rows, tc.name());
        // the leak leads (its two classes tie: by name), the shrinking cache comes last
        assertEquals(List.of("JsmdbLeakPayload", "JsmdbLeakRequest"), List.of(rows.get(0).name(), rows.get(1).name()), tc.name());
        assertEquals("JsmdbLeakTemp", rows.getLast().name(), tc.name());
    }

    /** Every row: its signed columns are the differences, something changed, growth first. */
    static void checkRows(List<Row> rows, String name) {
        for (int i = 0; i < rows.size(); i++) {
            Row x = rows.get(i);
            assertEquals(x.count2() - x.count1(), x.countDelta(), name + ": " + x);
            assertEquals(x.bytes2() - x.bytes1(), x.bytesDelta(), name + ": " + x);
            assertFalse(x.countDelta() == 0 && x.bytesDelta() == 0, name + ": an unchanged row without -a: " + x);
            if (i == 0) continue;
            Row p = rows.get(i - 1);
            assertTrue(p.bytesDelta() > x.bytesDelta() || (p.bytesDelta() == x.bytesDelta() && p.countDelta() >= x.countDelta()),
                    name + ": out of order: " + p + " before " + x);
        }
    }

    @Test
    void optionsShapesConstructorTopAllAndTheBinaryFoundFromTheCore() {
        TestCore tc = TestCores.get("22.23.3", "leak", TestCores.GCORE);
        String node = tc.node().toString(), c1 = tc.core().toString(), c2 = tc.core2().toString();

        // -v -c: the listeners' two shapes, both grown as the fixture grew them
        Result v = jsmdb("diff", "-v", "-c", "JsmdbLeakListener", node, c1, c2);
        assertEquals(0, v.status(), v.err());
        List<Row> shapes = rows(v.out(), SHAPE_HEADER);
        List<String> names = shapes.stream().map(Row::name).toList();
        assertEquals(List.of("       2 JsmdbLeakListener: kind, fn", "       3 JsmdbLeakListener: fn, kind, once"), names, v.out());
        assertEquals(List.of(100L, 300L), List.of(shapes.get(0).count1(), shapes.get(0).count2()), v.out());
        assertEquals(List.of(50L, 200L), List.of(shapes.get(1).count1(), shapes.get(1).count2()), v.out());

        // -v: JsmdbLeakMorph's objects moved from one shape to the other; its row by constructor is unchanged
        Result morph = jsmdb("diff", "-vc", "JsmdbLeakMorph", node, c1, c2);
        assertEquals(0, morph.status(), morph.err());
        List<Row> m = rows(morph.out(), SHAPE_HEADER);
        assertEquals(List.of("       2 JsmdbLeakMorph: a, b", "       1 JsmdbLeakMorph: a"), m.stream().map(Row::name).toList());
        assertEquals(List.of(0L, 45L, 45L), List.of(m.get(0).count1(), m.get(0).count2(), m.get(0).countDelta()));
        assertEquals(List.of(120L, 75L, -45L), List.of(m.get(1).count1(), m.get(1).count2(), m.get(1).countDelta()));
        Result hidden = jsmdb("diff", "-c", "JsmdbLeakMorph", node, c1, c2);
        assertEquals(0, hidden.status());
        assertEquals(HEADER + "\n", hidden.out());
        assertTrue(hidden.err().matches("jsmdb: no changed rows of constructor JsmdbLeakMorph in .*\n"), hidden.err());

        // -a shows the unchanged: +0 +0
        Result all = jsmdb("diff", "-a", "-c", "JsmdbLeakStable", node, c1, c2);
        assertEquals(0, all.status(), all.err());
        assertEquals(List.of(new Row(200, 200, 0, 200 * bytesOfOne(tc, "JsmdbLeakStable"), 200 * bytesOfOne(tc, "JsmdbLeakStable"), 0,
                "JsmdbLeakStable")), rows(all.out(), HEADER));
        assertTrue(all.out().lines().skip(1).allMatch(l -> l.contains(" +0 ")), all.out());

        // -n: the first rows of the whole table; the binary found from the core gives the same table
        Result whole = jsmdb("diff", c1, c2);
        assertEquals(0, whole.status(), whole.err());
        assertEquals(jsmdb("diff", node, c1, c2).out(), whole.out(), "NODE named or found from the core");
        Result top = jsmdb("diff", "-n", "3", c1, c2);
        assertEquals(0, top.status(), top.err());
        assertEquals(whole.out().lines().limit(4).toList(), top.out().lines().toList());
        assertEquals(whole.out().lines().limit(2).toList(), jsmdb("diff", "-n1", c1, c2).out().lines().toList());

        // no such constructor: the header alone, and a line saying so
        Result none = jsmdb("diff", "-c", "NoSuchThing", c1, c2);
        assertEquals(0, none.status());
        assertEquals(HEADER + "\n", none.out());
        assertEquals(1, none.err().lines().count(), none.err());
    }

    /** V8's self size of one instance of cls (all instances of the fixture's classes have one size). */
    private static long bytesOfOne(TestCore tc, String cls) {
        Map<String, Object> o = tc.oracle();
        return LeakOracle.snapshotBytes(o, 0, cls) / LeakOracle.created(o, 0, cls);
    }

    @Test
    void refusals(@TempDir Path tmp) throws Exception {
        TestCore a = TestCores.get("22.23.3", "leak", TestCores.GCORE), b = TestCores.get("24.21.0", "leak", TestCores.GCORE);
        String node = a.node().toString(), c1 = a.core().toString(), c2 = a.core2().toString();

        // cores of two binaries: refused before any heap is read, NODE named or not
        for (String[] args : List.of(new String[] {"diff", c1, b.core2().toString()},
                new String[] {"diff", node, c1, b.core2().toString()})) {
            Result r = jsmdb(args);
            assertEquals(2, r.status(), String.join(" ", args) + ": " + r.err());
            assertEquals("", r.out());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("jsmdb: " + c1 + " and " + b.core2() + " were made by different node binaries (build-id "), r.err());
        }

        // the same core twice, by its name or through a symbolic link
        Path link = Files.createSymbolicLink(tmp.resolve("again"), a.core());
        for (String other : List.of(c1, link.toString())) {
            Result r = jsmdb("diff", c1, other);
            assertEquals(2, r.status(), r.err());
            assertEquals("", r.out());
            assertEquals("jsmdb: " + c1 + " and " + other + " are the same core: a diff compares two cores of a process taken at"
                    + " different moments\n", r.err());
        }

        // a missing core, a directory, one core, bad options: one line, status 2
        String missing = tmp.resolve("nope").toString();
        Map<List<String>, String> bad = new java.util.LinkedHashMap<>();
        bad.put(List.of("diff", c1, missing), "jsmdb: " + missing + ": no such file\n");
        bad.put(List.of("diff", node, missing, c2), "jsmdb: " + missing + ": no such file\n");
        bad.put(List.of("diff", c1, tmp.toString()), "jsmdb: " + tmp + ": is a directory, not a core file\n");
        bad.put(List.of("diff", c1), "jsmdb: jsmdb diff needs two cores: jsmdb diff [NODE] CORE1 CORE2 (jsmdb diff --help shows the usage)\n");
        bad.put(List.of("diff", node, c1, c2, c2), "jsmdb: too many arguments: '" + c2 + "' (jsmdb diff [NODE] CORE1 CORE2)\n");
        bad.put(List.of("diff", "-n", "0", c1, c2), "jsmdb: -n needs a number of rows greater than 0, not '0'\n");
        bad.put(List.of("diff", "-x", c1, c2), "jsmdb: unknown option '-x' (jsmdb diff --help shows the usage)\n");
        bad.put(List.of("diff", c1, c2, "-c"), "jsmdb: option '-c' needs a value (jsmdb diff --help shows the usage)\n");
        bad.put(List.of("diff", "--color", c1, c2), "jsmdb: unknown option '--color' (jsmdb diff --help shows the usage)\n");
        // a node binary that is not the cores': NodeTarget's own refusal
        bad.put(List.of("diff", b.node().toString(), c1, c2), null);
        for (var e : bad.entrySet()) {
            Result r = jsmdb(e.getKey().toArray(String[]::new));
            assertEquals(2, r.status(), e.getKey() + ": " + r.err());
            assertEquals("", r.out(), e.getKey().toString());
            if (e.getValue() != null) assertEquals(e.getValue(), r.err(), e.getKey().toString());
            else assertTrue(r.err().startsWith("jsmdb: " + b.node() + " does not match the core") && r.err().lines().count() == 1, r.err());
        }

        Files.delete(link); // JUnit warns about links out of its directory
        Result help = jsmdb("diff", "--help");
        assertEquals(0, help.status());
        assertTrue(help.out().startsWith("Usage: jsmdb diff [options] [NODE] CORE1 CORE2\n"), help.out());
        assertTrue(jsmdb("--help").out().contains("jsmdb diff [options] [NODE] CORE1 CORE2"), "jsmdb --help names diff");
    }

}
