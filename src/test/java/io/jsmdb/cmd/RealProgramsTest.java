package io.jsmdb.cmd;

import static org.junit.jupiter.api.Assertions.*;

import io.jsmdb.node.NodeTarget;
import io.jsmdb.testing.TestCores;
import io.jsmdb.testing.TestCores.TestCore;
import io.jsmdb.v8.frames.Frame;
import io.jsmdb.v8.frames.JsFrame;
import io.jsmdb.v8.frames.StackWalker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real programs (cores/fixtures/real-*.js: the TypeScript compiler, an express service, the
 * acorn parser, a node:http service), on every Node version, against V8's own view of the
 * moment they died: the census per constructor against V8's heap snapshot (the program's and
 * its libraries' constructors exactly; every other name is reported), and every frame of V8's
 * structured stack trace at the crash site. Each run appends its figures to
 * target/real-programs.tsv (version, core, what, matched, total, differences).
 */
class RealProgramsTest {
    private static final Pattern ROW = Pattern.compile("^ *([0-9a-f]+) +(\\d+) +(\\d+) (.*)$");

    static Stream<String> cores() {
        List<String> out = new ArrayList<>();
        for (String v : TestCores.VERSIONS) {
            for (String p : TestCores.REAL_PROGRAMS) for (String k : List.of(TestCores.ABORT, TestCores.GCORE)) out.add(v + " " + p + " " + k);
        }
        for (String v : TestCores.ARM64) for (String p : TestCores.ARM64_REAL_PROGRAMS) out.add(v + " " + p + " " + TestCores.ABORT);
        return out.stream();
    }

    static Stream<String> abortCores() {
        return cores().filter(s -> s.endsWith(" " + TestCores.ABORT));
    }

    /** Objects per constructor, summed over ::findjsobjects' rows. */
    static Map<String, Long> census(String table) {
        Map<String, Long> out = new HashMap<>();
        String[] lines = table.split("\n");
        for (int i = 1; i < lines.length; i++) {
            Matcher m = ROW.matcher(lines[i]);
            if (!m.matches()) continue;
            String text = m.group(4);
            int c = text.indexOf(": ");
            out.merge(c < 0 ? text : text.substring(0, c), Long.parseLong(m.group(2)), Long::sum);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest(name = "{0}")
    @MethodSource("cores")
    void censusEqualsTheHeapSnapshot(String spec) throws Exception {
        String[] p = spec.split(" ");
        TestCore tc = TestCores.get(p[0], p[1], p[2]);
        Map<String, Object> oracle = tc.oracle();
        Map<String, Object> snapshot = (Map<String, Object>) oracle.get("heapCounts");
        List<Object> own = (List<Object>) oracle.get("ownConstructors");
        assertFalse(own.isEmpty(), tc.name() + ": the oracle names no constructor of the program");
        try (NodeTarget t = NodeTarget.open(tc.node(), tc.core(), List.of())) {
            DcmdRegistry reg = new DcmdRegistry(Dcmds.all());
            CommandRunner.Captured r = CommandRunner.runCaptured(reg, t, "::findjsobjects");
            assertEquals(CommandRunner.Status.OK, r.status(), tc.name() + ": " + r.err());
            Map<String, Long> got = census(r.out());
            // bytes the walk could not decode are never silent: a warning, and -v names each range
            CommandRunner.Captured v = CommandRunner.runCaptured(reg, t, "::findjsobjects -v");
            long maybeLive = Long.parseLong(stat(v.out(), "bytes not walked (may hold objects)"));
            long unallocated = Long.parseLong(stat(v.out(), "unallocated bytes stepped over"));
            assertEquals(maybeLive > 0, r.err().contains("may hold live objects"), tc.name() + ": warning\n" + r.err());
            if (maybeLive > 0) assertTrue(v.out().contains("live objects may be lost") || v.out().contains(" not walked from "),
                    tc.name() + ": -v names no range\n" + v.out());
            record(tc, "walk-gaps", 0, 0, "unallocated " + unallocated + ", may hold objects " + maybeLive + "; "
                    + v.out().lines().filter(l -> l.contains("allocation area") || l.contains("may be lost")).count() + " ranges");
            List<String> wrong = new ArrayList<>();
            for (Object o : own) {
                String name = (String) o;
                long want = ((Number) snapshot.get(name)).longValue();
                long have = got.getOrDefault(name, 0L);
                if (want != have) wrong.add(name + ": snapshot " + want + ", jsmdb " + have);
            }
            // every other name of the snapshot, reported (not asserted: node's own objects change
            // between the snapshot and the core, and some are named differently; see docs)
            Map<String, String> others = new TreeMap<>();
            int exact = 0;
            for (Map.Entry<String, Object> e : snapshot.entrySet()) {
                long want = ((Number) e.getValue()).longValue();
                long have = got.getOrDefault(e.getKey(), 0L);
                if (want == have) exact++;
                else others.put(e.getKey(), want + "/" + have);
            }
            record(tc, "own-constructors", own.size() - wrong.size(), own.size(), String.join("; ", wrong));
            record(tc, "all-snapshot-names", exact, snapshot.size(), others.toString());
            assertTrue(wrong.isEmpty(), tc.name() + ": constructors differ from V8's heap snapshot: " + wrong);
            if (tc.fixture().equals("real-orders")) {
                // the order service's top-level functions: the live page stretch the walk used to
                // stop short of (at an open allocation area) held exactly these
                CommandRunner.Captured f = CommandRunner.runCaptured(reg, t, "::jsfunctions -s real-orders.js");
                for (String fn : List.of("priceOf", "computeTotal", "renderInvoice", "handleInvoice", "onRequest")) {
                    assertTrue(f.out().contains(" " + fn + " "), tc.name() + ": ::jsfunctions lacks " + fn + "\n" + f.out());
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest(name = "{0}")
    @MethodSource("abortCores")
    void everyFrameOfV8sStackTraceIsThere(String spec) throws Exception {
        String[] p = spec.split(" ");
        TestCore tc = TestCores.get(p[0], p[1], p[2]);
        Map<String, Object> oracle = tc.oracle();
        List<Map<String, Object>> stack = tc.machineStack(); // async frames are not on the machine stack
        assertFalse(stack.isEmpty(), tc.name());
        Map<String, Object> crash = (Map<String, Object>) oracle.get("crashSite");
        try (NodeTarget t = NodeTarget.open(tc.node(), tc.core(), List.of())) {
            StackWalker w = t.stackWalker();
            List<JsFrame> js = w.walk(t.core().faultingThread().orElseThrow()).stream().filter(Frame::isJs).map(Frame::js).toList();
            List<String> problems = new ArrayList<>();
            int at = 0, matched = 0;
            for (int k = 0; k < stack.size(); k++) {
                Map<String, Object> want = stack.get(k);
                String name = want.get("functionName") == null ? "" : (String) want.get("functionName");
                String where = "#" + k + " " + name + " " + want.get("fileName") + ":" + want.get("line");
                int j = at;
                while (j < js.size() && !js.get(j).debugName().equals(name)) j++;
                if (j == js.size()) {
                    problems.add(where + ": missing");
                    continue;
                }
                JsFrame got = js.get(j);
                at = j + 1;
                String problem = null;
                if (want.get("fileName") != null && !want.get("fileName").equals(got.scriptName().orElse(null))) {
                    problem = "script " + got.scriptName().orElse(null);
                } else if (want.get("line") != null) {
                    int line = ((Number) want.get("line")).intValue();
                    int col = ((Number) want.get("column")).intValue();
                    if (k == 0 && crash != null) { // the stack was captured a few lines before the crash site
                        line = ((Number) crash.get("line")).intValue();
                        col = ((Number) crash.get("column")).intValue();
                    }
                    String pos = got.position() == null ? "none" : got.position().line() + ":" + got.position().column();
                    if (!pos.equals(line + ":" + col)) problem = "at " + pos + " (" + got.tier() + "), V8 says " + line + ":" + col;
                }
                if (problem == null) matched++;
                else problems.add(where + ": " + problem);
            }
            record(tc, "frames", matched, stack.size(), String.join("; ", problems));
            assertTrue(problems.isEmpty(), tc.name() + ": " + matched + "/" + stack.size() + " frames as V8 reports them; "
                    + problems + "\njsmdb: " + js.stream().map(f -> f.debugName() + "@" + (f.position() == null ? "?"
                    : f.position().line() + ":" + f.position().column())).toList());
        }
    }

    private static String stat(String verbose, String name) {
        for (String l : verbose.split("\n")) {
            int i = l.indexOf(name + " => ");
            if (l.startsWith("findjsobjects:") && i >= 0) return l.substring(i + name.length() + 4).strip();
        }
        throw new AssertionError("no '" + name + "' in ::findjsobjects -v:\n" + verbose);
    }

    private static synchronized void record(TestCore tc, String what, int matched, int total, String diffs) {
        Path out = Path.of(System.getProperty("user.dir"), "target", "real-programs.tsv");
        String line = String.join("\t", tc.version(), tc.fixture() + "-" + tc.kind(), what, String.valueOf(matched),
                String.valueOf(total), diffs) + "\n";
        try {
            Files.writeString(out, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new AssertionError("cannot write " + out, e);
        }
    }
}
