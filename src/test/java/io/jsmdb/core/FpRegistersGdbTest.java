package io.jsmdb.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jsmdb.testing.TestCores;
import io.jsmdb.testing.TestCores.TestCore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every thread's NT_FPREGSET as {@link FpRegisters} reads it, held against gdb's view of the same
 * core ({@code thread apply all p/x $xmm0.v2_int64}, ..., {@code $mxcsr}, {@code $fctrl},
 * {@code $fstat}, {@code $fop}), on the kernel core (stack-abort) and the gcore core
 * (heap-gcore) of every x86-64 version, and on jsmdb gcore's own core (GcoreTest). qemu's AArch64 cores have no NT_FPREGSET: CoreFileTest
 * checks that layout on a synthetic core.
 */
public class FpRegistersGdbTest {
    static Stream<TestCore> cores() {
        List<TestCore> out = new ArrayList<>();
        for (String v : TestCores.VERSIONS) {
            out.add(TestCores.get(v, "stack", TestCores.ABORT));
            out.add(TestCores.get(v, "heap", TestCores.GCORE));
        }
        return out.stream();
    }

    private static final Pattern THREAD = Pattern.compile("^Thread \\d+ \\(.*LWP (\\d+)\\)\\)?:");
    private static final Pattern VALUE = Pattern.compile("^\\$\\d+ = (.*)$");
    private static final Pattern PAIR = Pattern.compile("^\\{(0x[0-9a-f]+), (0x[0-9a-f]+)\\}$");

    @ParameterizedTest(name = "{0}")
    @MethodSource("cores")
    void agreesWithGdb(TestCore tc) throws Exception {
        assertAgreesWithGdb(tc.name(), tc.node(), tc.core());
    }

    /** Every thread's FP registers in core as gdb reads them (also used on jsmdb gcore's cores: GcoreTest). */
    public static void assertAgreesWithGdb(String name, Path node, Path core) throws Exception {
        List<String> exprs = new ArrayList<>();
        for (int i = 0; i < 16; i++) exprs.add("$xmm" + i + ".v2_int64");
        exprs.addAll(List.of("$mxcsr", "$fctrl", "$fstat", "$fop"));
        Map<Integer, List<String>> gdb = gdbValues(node, core, exprs);
        try (CoreFile c = CoreFile.open(core)) {
            assertEquals(gdb.size(), c.threads().size(), name + ": threads vs gdb " + gdb.keySet());
            int checked = 0;
            for (ThreadState t : c.threads()) {
                List<String> g = gdb.get(t.tid());
                assertTrue(g != null && g.size() == exprs.size(), name + ": gdb's values for LWP " + t.tid() + ": " + g);
                FpRegisters fp = t.fp().orElseThrow(() -> new AssertionError(name + ": no NT_FPREGSET for LWP " + t.tid()));
                String ctx = name + " LWP " + t.tid() + ": ";
                for (int i = 0; i < 16; i++) {
                    Matcher m = PAIR.matcher(g.get(i));
                    assertTrue(m.matches(), ctx + "gdb printed " + g.get(i) + " for " + exprs.get(i));
                    assertEquals(Long.parseUnsignedLong(m.group(1).substring(2), 16), fp.vectorLow(i), ctx + "xmm" + i + " low");
                    assertEquals(Long.parseUnsignedLong(m.group(2).substring(2), 16), fp.vectorHigh(i), ctx + "xmm" + i + " high");
                }
                assertEquals(Long.decode(g.get(16)).intValue(), fp.mxcsr(), ctx + "mxcsr");
                assertEquals(Long.decode(g.get(17)).intValue(), fp.fcw(), ctx + "fctrl");
                assertEquals(Long.decode(g.get(18)).intValue(), fp.fsw(), ctx + "fstat");
                assertEquals(Long.decode(g.get(19)).intValue(), fp.fop(), ctx + "fop");
                checked++;
            }
            assertTrue(checked >= 2, name + ": " + checked + " threads");
        }
    }

    /** Per LWP, gdb's printed value of each expression, in order. */
    private static Map<Integer, List<String>> gdbValues(Path node, Path core, List<String> exprs) throws Exception {
        List<String> commands = new ArrayList<>();
        for (String e : exprs) commands.add("thread apply all p/x " + e);
        String text = io.jsmdb.testing.GdbBatch.run(node, core, commands);
        Map<Integer, List<String>> values = new HashMap<>();
        Integer lwp = null;
        for (String line : text.lines().toList()) {
            Matcher tm = THREAD.matcher(line);
            if (tm.find()) {
                lwp = Integer.parseInt(tm.group(1));
                continue;
            }
            Matcher vm = VALUE.matcher(line);
            if (vm.matches() && lwp != null) values.computeIfAbsent(lwp, k -> new ArrayList<>()).add(vm.group(1).trim());
        }
        return values;
    }
}
