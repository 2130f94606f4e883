package io.jsmdb.cmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jsmdb.core.FpRegisters;
import io.jsmdb.core.ThreadState;
import io.jsmdb.node.NodeTarget;
import io.jsmdb.testing.TestCores;
import io.jsmdb.testing.TestCores.TestCore;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code ::fpregs} on the stack fixture's kernel core of every x86-64 version: the x87 control
 * words, st0-st7, mxcsr and xmm0-xmm15 of the faulting thread and of another one (-t), each
 * vector line the 128 bits the note holds (FpRegistersGdbTest holds those against gdb); an
 * unknown thread is a one-line error.
 */
class FpRegsDcmdTest {
    private static final DcmdRegistry REGISTRY = new DcmdRegistry(Dcmds.all());

    static Stream<String> versions() {
        return TestCores.VERSIONS.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void printsTheThreadsFloatingPointRegisters(String version) throws Exception {
        TestCore tc = TestCores.get(version, "stack", TestCores.ABORT);
        try (NodeTarget t = NodeTarget.open(tc.node(), tc.core(), List.of())) {
            List<ThreadState> threads = t.core().threads();
            assertTrue(threads.size() >= 2, tc.name());
            for (ThreadState th : List.of(threads.getFirst(), threads.getLast())) {
                String cmd = th == threads.getFirst() ? "::fpregs" : "::fpregs -t " + th.tid();
                CommandRunner.Captured r = CommandRunner.runCaptured(REGISTRY, t, cmd);
                assertEquals("", r.err(), tc.name() + " " + cmd);
                List<String> lines = r.out().lines().toList();
                FpRegisters fp = th.fp().orElseThrow();
                assertTrue(lines.getFirst().startsWith(String.format("%%fcw   = 0x%04x    %%fsw = 0x%04x", fp.fcw(), fp.fsw())), tc.name() + ": " + lines);
                assertTrue(lines.contains(String.format("%%mxcsr = 0x%08x    %%mxcsr_mask = 0x%08x", fp.mxcsr(), fp.mxcsrMask())), tc.name() + ": " + lines);
                for (int i = 0; i < 8; i++) {
                    String prefix = String.format("%%st%d   = 0x%04x%016x  ", i, fp.stSignExponent(i), fp.stSignificand(i));
                    assertEquals(1, lines.stream().filter(l -> l.startsWith(prefix)).count(), tc.name() + ": st" + i + " in " + lines);
                }
                for (int i = 0; i < 16; i++) {
                    String prefix = String.format("%%%-5s = 0x%016x%016x  {", "xmm" + i, fp.vectorHigh(i), fp.vectorLow(i));
                    assertEquals(1, lines.stream().filter(l -> l.startsWith(prefix)).count(), tc.name() + ": xmm" + i + " in " + lines);
                }
                assertEquals(3 + 1 + 8 + 1 + 16, lines.size(), tc.name() + ": " + lines);
            }
            CommandRunner.Captured bad = CommandRunner.runCaptured(REGISTRY, t, "::fpregs -t 999999999");
            assertEquals("", bad.out());
            assertTrue(bad.err().contains("no thread 999999999 in the core") && bad.err().lines().count() == 1, bad.err());
        }
    }
}
