package io.jsmdb.binary;

import io.jsmdb.core.AddressSpace;
import io.jsmdb.core.Arch;

/**
 * The caller of a Linux AArch64 signal handler: the handler returns to the sigreturn trampoline
 * ({@code mov x8, #139; svc #0}: the vDSO's {@code __kernel_rt_sigreturn}, or the one qemu-user
 * puts on the stack), whose sp points at the kernel's {@code struct rt_sigframe}: siginfo (128
 * bytes), then the ucontext, whose {@code uc_mcontext} (a {@code struct sigcontext}, 176 bytes
 * in) holds fault_address, x0-x30, sp, pc and pstate of the interrupted code. The trampoline has
 * no CFI jsmdb can read (the vDSO is no file on disk), so the frame is recognized by its two
 * instructions, as gdb does.
 */
public final class Arm64SignalFrame {
    static final int MOV_X8_RT_SIGRETURN = 0xd2801168, SVC_0 = 0xd4000001;
    /** sizeof(siginfo) + offsetof(ucontext, uc_mcontext) + offsetof(sigcontext, regs). */
    static final int REGS_OFFSET = 128 + 176 + 8;

    private Arm64SignalFrame() {}

    /** True when pc is the sigreturn trampoline of an AArch64 process. */
    public static boolean isTrampoline(AddressSpace mem, Arch arch, long pc) {
        if (arch != Arch.AARCH64) return false;
        try {
            return mem.readInt(pc) == MOV_X8_RT_SIGRETURN && mem.readInt(pc + 4) == SVC_0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * The interrupted code's registers, from the signal frame at regs' sp (regs: the
     * trampoline's frame); null when the frame cannot be read. The pc is exact (where the signal
     * struck), not a return address.
     */
    public static UnwindRegs interrupted(AddressSpace mem, UnwindRegs regs) {
        long at = regs.sp() + REGS_OFFSET;
        try {
            UnwindRegs out = UnwindRegs.at(Arch.AARCH64, mem.readLong(at + 32 * 8));
            for (int r = 19; r <= 30; r++) out = out.with(r, mem.readLong(at + 8L * r));
            return out.with(31, mem.readLong(at + 31 * 8)).withCfa(regs.sp());
        } catch (RuntimeException e) {
            return null;
        }
    }
}
