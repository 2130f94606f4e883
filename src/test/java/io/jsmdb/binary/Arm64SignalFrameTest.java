package io.jsmdb.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jsmdb.core.Arch;
import org.junit.jupiter.api.Test;

/**
 * An AArch64 signal frame laid out as the kernel's setup_rt_frame lays it out (struct rt_sigframe:
 * siginfo, then ucontext with uc_mcontext 176 bytes in: fault_address, x0-x30, sp, pc, pstate)
 * under the sigreturn trampoline qemu-user puts on the stack.
 */
class Arm64SignalFrameTest {
    static final long STACK = CfiUnwinderTest.STACK;

    @Test
    void theInterruptedRegistersComeFromTheSigcontext() {
        CfiUnwinderTest.Mem mem = new CfiUnwinderTest.Mem();
        long tramp = STACK + 0x40;
        mem.put(tramp, ((long) Arm64SignalFrame.SVC_0 << 32) | (Arm64SignalFrame.MOV_X8_RT_SIGRETURN & 0xffffffffL));
        long sp = STACK + 0x100;
        long mc = sp + 128 + 176;
        mem.put(mc, 0xdead);                                   // fault_address
        for (int r = 0; r <= 30; r++) mem.put(mc + 8 + 8L * r, 0x1000 + r);
        mem.put(mc + 8 + 31 * 8, STACK + 0x900);               // sp
        mem.put(mc + 8 + 32 * 8, 0x401234);                    // pc
        assertTrue(Arm64SignalFrame.isTrampoline(mem, Arch.AARCH64, tramp));
        assertFalse(Arm64SignalFrame.isTrampoline(mem, Arch.X86_64, tramp));
        assertFalse(Arm64SignalFrame.isTrampoline(mem, Arch.AARCH64, tramp + 4));
        assertFalse(Arm64SignalFrame.isTrampoline(mem, Arch.AARCH64, 0x10)); // unreadable: no

        UnwindRegs handlerReturned = UnwindRegs.at(Arch.AARCH64, tramp).with(31, sp).with(29, 0x55);
        UnwindRegs in = Arm64SignalFrame.interrupted(mem, handlerReturned);
        assertEquals(0x401234, in.pc());
        assertEquals(STACK + 0x900, in.sp());
        assertEquals(0x1000 + 29, in.fp());
        assertEquals(0x1000 + 30, in.get(30));
        assertEquals(0x1000 + 19, in.get(19));
        assertFalse(in.isKnown(0)); // caller-saved registers are not carried

        // a frame that is not in memory: no registers invented
        assertNull(Arm64SignalFrame.interrupted(mem, UnwindRegs.at(Arch.AARCH64, tramp).with(31, STACK + 0xf00)));
    }
}
