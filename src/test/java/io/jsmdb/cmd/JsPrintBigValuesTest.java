package io.jsmdb.cmd;

import static org.junit.jupiter.api.Assertions.*;

import io.jsmdb.node.NodeTarget;
import io.jsmdb.testing.NodeBinaries;
import io.jsmdb.testing.TestCores;
import io.jsmdb.v8.heap.V8Heap;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ::jsprint on values too big to print carelessly (issue 8 item 7), on a core each Node version
 * makes here from big-values.js: a 100,000-deep linked list at -d 1000000 (it once took minutes
 * and 6 GB), one element of a 2,000,000-element array (it once read the whole array), every
 * element and every key with -l 2147483647 (it once overflowed to none), a 200,000-key object
 * (it once read every key to show 1000). Time and memory follow what is printed. The layout is
 * util.inspect's (JsPrintInspectTest): two-space indent, no trailing comma, short array items
 * grouped in columns; its line-break decisions need an object's entries' text, so a value's text
 * is made before it is written (in pieces of at most 64 KiB), each level's text made once.
 */
class JsPrintBigValuesTest {
    static Stream<String> versions() {
        return TestCores.VERSIONS.stream();
    }

    @TempDir Path tmp;

    private static final DcmdRegistry REGISTRY = new DcmdRegistry(Dcmds.all());

    /** Makes the core: node dies by an uncaught throw under --abort-on-uncaught-exception. */
    private Path makeCore(Path node) throws IOException, InterruptedException {
        try (InputStream in = JsPrintBigValuesTest.class.getResourceAsStream("big-values.js")) {
            Files.write(tmp.resolve("big-values.js"), in.readAllBytes());
        }
        String pattern = Files.readString(Path.of("/proc/sys/kernel/core_pattern")).strip();
        assertFalse(pattern.startsWith("|") || pattern.contains("/"),
                "kernel.core_pattern is '" + pattern + "': cores must land in the working directory (bin/test sets it)");
        Process p = new ProcessBuilder("/bin/sh", "-c", "ulimit -c unlimited && exec \"$0\" --abort-on-uncaught-exception big-values.js",
                node.toString()).directory(tmp.toFile()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("out.txt").toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "node did not die");
        try (Stream<Path> files = Files.list(tmp)) {
            return files.filter(f -> f.getFileName().toString().startsWith("core")).findFirst()
                    .orElseThrow(() -> new AssertionError("no core from " + node + " (exit " + p.exitValue() + "): "
                            + readQuietly(tmp.resolve("out.txt"))));
        }
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    /** An Output that keeps counts only, and the longest piece it was handed (what the formatter held at once). */
    static final class Counting implements Output {
        long chars, lines;
        int longestPiece;
        String tail = "";

        @Override public void println(String line) { print(line + "\n"); }
        @Override public void printf(String fmt, Object... args) { print(String.format(fmt, args)); }
        @Override public void print(String s) {
            chars += s.length();
            longestPiece = Math.max(longestPiece, s.length());
            for (int i = 0; i < s.length(); i++) if (s.charAt(i) == '\n') lines++;
            tail = (tail + s).substring(Math.max(0, tail.length() + s.length() - 200));
        }
        @Override public void emitAddress(long addr, String line) { println(line); }
        @Override public void emitAddress(long addr) { println(Output.hex(addr)); }
        @Override public boolean isTerminal() { return false; }
        @Override public Progress progress(String what) { throw new UnsupportedOperationException(); }
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /** Runs body on a thread with a stack as large as the command runner's, within a time limit. */
    private static void onWorker(String what, long seconds, ThrowingRunnable body) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "big-values", 64L << 20);
        t.setDaemon(true);
        t.start();
        t.join(seconds * 1000);
        if (t.isAlive()) {
            t.interrupt();
            fail(what + ": not done after " + seconds + " s");
        }
        if (failure.get() instanceof Error e) throw e;
        if (failure.get() instanceof Exception e) throw e;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void bigValuesPrintInTimeAndMemoryLinearInWhatIsShown(String version) throws Exception {
        Path node = NodeBinaries.binary(version);
        Path core = makeCore(node);
        try (NodeTarget t = NodeTarget.open(node, core, List.of())) {
            CommandRunner.Captured r = CommandRunner.runCaptured(REGISTRY, t, "::jsstack -v");
            Matcher m = Pattern.compile("arg1: 0x([0-9a-f]+) \\(JSObject: JsmdbBigRoot\\)").matcher(r.out());
            assertTrue(m.find(), version + ": the root object\n" + r.out() + r.err());
            String root = m.group(1);
            V8Heap heap = t.heap();
            long rootAddr = Long.parseLong(root, 16);

            // (1) the 100,000-deep list at -d 1000000: 1000 levels, then a marker; written in pieces
            onWorker(version + " deep list", 60, () -> {
                JsFormatter f = new JsFormatter(heap, 1_000_000, 4096, 1000, false);
                long list = f.member(rootAddr, ".list");
                Counting out = new Counting();
                long before = allocated();
                f.print(list, out);
                long used = allocated() - before;
                // util.inspect's layout: "depth: N," and "next: {" per level, and its closing brace
                assertTrue(out.lines > 2 * JsFormatter.MAX_DEPTH && out.lines < 3 * JsFormatter.MAX_DEPTH + 10,
                        version + ": about three lines per level expanded, not 100,000 levels: " + out.lines);
                assertTrue(out.longestPiece <= 1 << 16, version + ": written in pieces: " + out.longestPiece);
                // a level's text is not copied into every level above it (that was 5.7 GB for these 3 MB)
                assertTrue(used < 32 * out.chars, version + ": " + (used >> 20) + " MiB allocated for " + out.chars + " characters");
            });
            r = CommandRunner.runCaptured(REGISTRY, t, root + "::jsprint -d 1000000 .list");
            assertEquals("", r.err(), version);
            assertTrue(r.out().contains("[Object]" + JsFormatter.TOO_DEEP), version + ": the cut is marked");
            assertTrue(r.out().startsWith("{\n  depth: 1,\n  next: {\n    depth: 2,\n"), version + ": " + r.out().substring(0, 80));

            // (2) one element of a 2,000,000-element array: one word read, not the array
            onWorker(version + " one element", 30, () -> {
                JsFormatter f = new JsFormatter(heap, 2, 4096, 1000, false);
                long before = allocated();
                long v = f.member(rootAddr, ".big[1999999]");
                long used = allocated() - before;
                assertEquals("42", f.format(v), version);
                assertTrue(used < 1 << 20, version + ": [1999999] allocated " + used + " bytes");
            });
            r = CommandRunner.runCaptured(REGISTRY, t, root + "::jsprint .big[1999999]");
            assertEquals("42\n", r.out(), version + r.err());

            // (3) -l 2147483647: every element, streamed in pieces (no overflow, no whole-text string)
            onWorker(version + " every element", 60, () -> {
                JsFormatter f = new JsFormatter(heap, 2, Integer.MAX_VALUE, Integer.MAX_VALUE, false);
                Counting out = new Counting();
                long before = allocated();
                f.print(f.member(rootAddr, ".big"), out);
                long used = allocated() - before;
                // util.inspect groups short items in columns (groupArrayElements: 12 here), from
                // every shown item's width: so the items are all formatted before the first line
                assertEquals(2_000_000 / 12 + 1 + 2, out.lines, version + ": 12 elements per line, and the brackets");
                assertTrue(out.tail.endsWith("\n  7, 7, 7, 7, 7, 7, 7, 42\n]\n"), version + ": " + out.tail);
                assertTrue(out.longestPiece <= 1 << 16, version + ": " + out.longestPiece);
                assertTrue(used < 128 * out.chars, version + ": " + (used >> 20) + " MiB allocated for " + out.chars + " characters");
            });

            // (3b) the same array at -l 1000: 1000 elements read (page by page), not 2,000,000
            onWorker(version + " first elements", 30, () -> {
                JsFormatter f = new JsFormatter(heap, 2, 4096, 1000, false);
                long big = f.member(rootAddr, ".big");
                Counting out = new Counting();
                long before = allocated();
                f.print(big, out);
                long used = allocated() - before;
                assertTrue(out.tail.endsWith("\n  ... 1999000 more items\n]\n"), version + ": " + out.tail);
                assertTrue(used < 8L << 20, version + ": 1000 of 2,000,000 elements allocated " + (used >> 20) + " MiB");
            });

            // (3c) dictionary elements beyond one page (4096): all 5000 values at -l 10000
            onWorker(version + " dictionary elements", 30, () -> {
                JsFormatter f = new JsFormatter(heap, 2, 10_000, 10_000, false);
                String text = f.format(f.member(rootAddr, ".sparse"));
                assertTrue(text.endsWith("<999 empty items>, 4999\n]") || text.endsWith("<999 empty items>,\n  4999\n]"),
                        version + ": " + text.substring(Math.max(0, text.length() - 200)));
                assertFalse(text.contains("more item"), version);
            });

            // (4) a 200,000-key object: the first 1000 keys cost what 1000 keys cost; -l 2147483647 shows all
            onWorker(version + " big dictionary", 60, () -> {
                JsFormatter f = new JsFormatter(heap, 2, 4096, 1000, false);
                long dict = f.member(rootAddr, ".dict");
                Counting out = new Counting();
                long before = allocated();
                f.print(dict, out);
                long used = allocated() - before;
                assertEquals(1000 + 3, out.lines, version + ": 1000 keys, the note and the braces");
                assertTrue(out.tail.endsWith("  ... more properties (limit 1000)\n}\n"), version + ": " + out.tail);
                assertTrue(used < 32L << 20, version + ": 1000 of 200,000 keys allocated " + (used >> 20) + " MiB");
            });
            r = CommandRunner.runCaptured(REGISTRY, t, root + "::jsprint -l 2147483647 .dict");
            assertEquals("", r.err(), version);
            assertEquals(200_000 + 2, r.out().lines().count(), version + ": every key");
            assertTrue(r.out().startsWith("{\n  k0: 0,\n  k1: 1,\n"), version);
            assertTrue(r.out().endsWith("  k199999: 199999\n}\n"), version);
        }
    }
}
