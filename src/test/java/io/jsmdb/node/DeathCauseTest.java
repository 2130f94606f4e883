package io.jsmdb.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jsmdb.testing.TestCores;
import io.jsmdb.testing.TestCores.TestCore;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cause ::status names, on every version: the fixtures that die by an uncaught throw under
 * --abort-on-uncaught-exception (and the real programs), the one that calls process.abort() from
 * an async function, the one that dies out of memory (its stderr holds node's "JavaScript heap
 * out of memory"), and the gcores of running processes.
 */
class DeathCauseTest {
    static Stream<String> cores() {
        List<String> out = new ArrayList<>();
        for (String v : TestCores.VERSIONS) {
            for (String f : List.of("stack", "deopt", "heap", "real-express", "real-acorn")) out.add(v + " " + f + " abort UNCAUGHT_EXCEPTION");
            out.add(v + " async abort PROCESS_ABORT");
            out.add(v + " oom abort OUT_OF_MEMORY");
            for (String f : List.of("heap", "snapshot", "real-orders")) out.add(v + " " + f + " gcore LIVE_SNAPSHOT");
        }
        for (String v : TestCores.ARM64) {
            for (String f : List.of("stack", "deopt", "heap", "real-express", "real-acorn")) out.add(v + " " + f + " abort UNCAUGHT_EXCEPTION");
            out.add(v + " async abort PROCESS_ABORT");
            out.add(v + " oom abort OUT_OF_MEMORY");
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cores")
    void theCauseIsNamed(String spec) throws Exception {
        String[] a = spec.split(" ");
        TestCore tc = TestCores.get(a[0], a[1], a[2]);
        try (NodeTarget t = NodeTarget.open(tc.node(), tc.core(), List.of())) {
            DeathCause c = DeathCause.of(t);
            assertEquals(DeathCause.Kind.valueOf(a[3]), c.kind(), tc.name() + ": " + c.text());
            if (c.kind() == DeathCause.Kind.OUT_OF_MEMORY) {
                // V8's reason and node's message, as node printed them
                String fatal = java.nio.file.Files.readString(tc.dir().resolve("stderr.txt")).lines()
                        .filter(l -> l.startsWith("FATAL ERROR: ")).findFirst().orElseThrow();
                assertTrue(c.text().startsWith("out of memory: " + fatal.substring("FATAL ERROR: ".length()) + " (SIGABRT from node::OOMErrorHandler)"), c.text() + " vs " + fatal);
                assertTrue(c.text().matches(".*; heap committed \\d+\\.\\d MiB \\(its pages\\), limit set by --max-old-space-size=64"), c.text());
                // the committed size V8's last GC trace line printed ("-> 78.0 (112.7) MB"), within 1 MiB
                java.util.regex.Matcher gc = java.util.regex.Pattern.compile("-> [0-9.]+ \\(([0-9.]+)\\) MB")
                        .matcher(java.nio.file.Files.readString(tc.dir().resolve("stderr.txt")));
                String committed = null;
                while (gc.find()) committed = gc.group(1);
                // the heap can gain or give back a page or two between that GC and the abort (0.5 MiB seen)
                if (committed != null) {
                    java.util.regex.Matcher ours = java.util.regex.Pattern.compile("heap committed ([0-9.]+) MiB").matcher(c.text());
                    assertTrue(ours.find(), c.text());
                    assertTrue(Math.abs(Double.parseDouble(ours.group(1)) - Double.parseDouble(committed)) <= 1.0, c.text() + " vs V8's " + committed);
                }
            }
            if (c.kind() == DeathCause.Kind.PROCESS_ABORT) {
                // the caller with where it called from: "jsmdbAsyncAbort (/…/async.js:31:11)"
                assertTrue(c.text().matches("process\\.abort\\(\\) called by jsmdbAsyncAbort \\(.*/async\\.js:\\d+:\\d+\\)"), c.text());
            }
        }
    }

    static Stream<String> abortVersions() { return TestCores.ABORT_VERSIONS.stream(); }

    /** A thrown value in the cause line: every kind a program can throw, read from the heap fixture's values. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("abortVersions")
    void thrownValuesAreSummedUpByKind(String version) {
        io.jsmdb.v8.heap.HeapFixture.Opened o = io.jsmdb.v8.heap.HeapFixture.get(version);
        java.util.function.Function<String, String> summary = name -> DeathCause.summary(o.heap(),
                o.heap().properties().ownDataProperty(o.values(), name).orElseThrow(() -> new AssertionError("no " + name)));
        assertEquals("Symbol(desc)", summary.apply("symbol"), version);
        assertEquals("123n", summary.apply("bigintSmall"), version);
        assertEquals("-1180591620717411303425n", summary.apply("bigintNegative"), version);
        assertEquals(java.math.BigInteger.TWO.pow(200) + "n", summary.apply("bigintBig"), version);
        assertEquals("Error: jsmdb error message", summary.apply("error"), version);
        assertEquals("'\u001b[31mred\u0007'", summary.apply("stringControl"), version); // escaped where it is printed
        assertEquals("3.14", summary.apply("heapNumber"), version);
        assertEquals("null", summary.apply("nul"), version);
        assertEquals("a value of class Object", summary.apply("objectInObject"), version);
    }

    @Test
    void functionNamesLoseTheirLibraryOffsetAndParameters() {
        assertEquals("node::OOMErrorHandler", DeathCause.function("node::OOMErrorHandler(char const*, v8::OOMDetails const&)+0x13b"));
        assertEquals("raise", DeathCause.function("libc.so.6`raise+0x12"));
        assertEquals("node::(anonymous namespace)::Abort", DeathCause.function("node::(anonymous namespace)::Abort(v8::FunctionCallbackInfo<v8::Value> const&)+0x9"));
        assertEquals("v8::internal::Heap::Size", DeathCause.function("v8::internal::Heap::Size() const+0x4"));
        assertEquals("libc.so.6", DeathCause.function("libc.so.6+0x8aeec"));
    }
}
