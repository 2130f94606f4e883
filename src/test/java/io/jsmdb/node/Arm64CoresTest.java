package io.jsmdb.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jsmdb.cmd.CommandRunner;
import io.jsmdb.cmd.DcmdRegistry;
import io.jsmdb.cmd.Dcmds;
import io.jsmdb.core.Arch;
import io.jsmdb.core.MappedFile;
import io.jsmdb.core.ThreadState;
import io.jsmdb.testing.TestCores;
import io.jsmdb.testing.TestCores.TestCore;
import io.jsmdb.v8.frames.Frame;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What only AArch64 cores have (qemu-user's cores of the official arm64 builds): the machine's
 * registers, the mapped files rebuilt from the dynamic linker's list (the cores have no
 * NT_FILE), and native stacks unwound through V8's entry frame, node and libc to {@code _start}
 * on the dying thread and to libc's thread start on every other. The JavaScript frames, the
 * heap and the node commands are checked by the same tests as x86-64's (TestCores.ARM64).
 */
class Arm64CoresTest {
    static Stream<String> versions() { return TestCores.ARM64.stream(); }

    private static final DcmdRegistry REGISTRY = new DcmdRegistry(Dcmds.all());

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void registersFilesAndNativeStacks(String version) throws Exception {
        TestCore tc = TestCores.get(version, "stack", TestCores.ABORT);
        try (NodeTarget t = NodeTarget.open(tc.node(), tc.core(), List.of())) {
            assertEquals(Arch.AARCH64, t.core().arch(), tc.name());

            // the files: node, the dynamic linker and the libraries node links, all found
            assertTrue(t.core().mappingsRebuilt(), tc.name() + ": qemu-user writes no NT_FILE");
            Set<String> files = new TreeSet<>();
            for (MappedFile mf : t.core().mappedFiles()) files.add(mf.path().substring(mf.path().lastIndexOf('/') + 1));
            for (String f : List.of("node", "ld-linux-aarch64.so.1", "libc.so.6", "libstdc++.so.6", "libm.so.6", "libgcc_s.so.1")) {
                assertTrue(files.contains(f), tc.name() + ": " + f + " not among " + files);
            }
            assertFalse(t.warnings().stream().anyMatch(w -> w.contains("was not found") || w.contains("neither in the core")),
                    tc.name() + ": " + t.warnings());

            // ::regs: x0-x30, sp, pc, pstate, and the function the pc is in
            String regs = CommandRunner.runCaptured(REGISTRY, t, "::regs").out();
            for (String r : List.of("%x0 ", "%x29 ", "%x30 ", "%sp ", "%pc ", "%pstate ")) assertTrue(regs.contains(r), tc.name() + ": " + regs);
            assertTrue(regs.contains("%pc v8::base::OS::Abort()"), tc.name() + ": " + regs);
            assertTrue(CommandRunner.runCaptured(REGISTRY, t, "::threads").out().contains(" PC ") , tc.name());
            // qemu writes no NT_FPREGSET: ::fpregs says so in one line
            CommandRunner.Captured fp = CommandRunner.runCaptured(REGISTRY, t, "::fpregs");
            assertEquals("", fp.out(), tc.name());
            assertEquals("jsmdb: ::fpregs: the core holds no floating-point registers for thread " + t.core().faultingThread().orElseThrow().tid()
                    + " (no NT_FPREGSET note; qemu-user writes none)\n", fp.err(), tc.name());

            // the dying thread: V8's abort, the JS frames, V8's entry into them, node, libc, _start
            ThreadState dying = t.core().faultingThread().orElseThrow();
            List<Frame> frames = t.stackWalker().walk(dying);
            List<String> text = frames.stream().map(f -> f.pcText() == null ? "" : f.pcText()).toList();
            assertTrue(text.getFirst().startsWith("v8::base::OS::Abort()"), tc.name() + ": " + text);
            assertTrue(frames.stream().anyMatch(Frame::isJs), tc.name());
            for (String want : List.of("v8::internal::Execution::Call(", "node::Start(", "__libc_start_main")) {
                assertTrue(text.stream().anyMatch(s -> s.contains(want)), tc.name() + ": no " + want + " in " + text);
            }
            assertTrue(text.getLast().startsWith("_start"), tc.name() + ": the walk ends at _start: " + text);

            // every other thread: from its wait in libc down to libc's thread start, whatever the
            // pointer-authentication codes on its saved return addresses
            for (ThreadState th : t.core().threads()) {
                if (th.tid() == dying.tid()) continue;
                List<String> w = t.stackWalker().walk(th).stream().map(f -> f.pcText() == null ? "" : f.pcText()).toList();
                assertTrue(w.size() >= 3 && w.getLast().startsWith("libc.so.6"), tc.name() + " thread " + th.tid() + ": " + w);
                assertTrue(w.stream().anyMatch(s -> s.startsWith("node::") || s.startsWith("uv_") || s.startsWith("v8::")
                        || s.contains("node::")), tc.name() + " thread " + th.tid() + ": " + w);
            }
        }
    }
}
