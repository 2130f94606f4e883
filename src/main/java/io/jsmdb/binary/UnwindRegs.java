package io.jsmdb.binary;

import io.jsmdb.core.Arch;
import io.jsmdb.core.Registers;

/**
 * The registers a native unwinder carries from frame to frame: the pc and the registers a caller
 * can rely on after a call (the stack and frame pointers and the callee-saved registers of the
 * machine: rbx, rbp, rsp, r12-r15 on x86-64; x19-x29, the link register x30 and sp on AArch64),
 * indexed by their DWARF register numbers, as CFI names them. A register whose caller value
 * the unwinder could not recover is unknown ({@link #isKnown} false, {@link #get} 0).
 *
 * <p>Immutable.
 */
public final class UnwindRegs {
    /** DWARF register columns either machine's CFI uses for these registers (0-16 x86-64, 0-31 AArch64). */
    public static final int NREGS = 33;

    private final Arch arch;
    private final long pc;
    private final long[] regs;
    private final long known;
    private final long cfa;
    private final boolean spIsLowerBound;

    private UnwindRegs(Arch arch, long pc, long[] regs, long known, long cfa) {
        this(arch, pc, regs, known, cfa, false);
    }

    private UnwindRegs(Arch arch, long pc, long[] regs, long known, long cfa, boolean spIsLowerBound) {
        this.arch = arch;
        this.pc = pc;
        this.regs = regs;
        this.known = known;
        this.cfa = cfa;
        this.spIsLowerBound = spIsLowerBound;
    }

    /** A thread's registers as dumped (NT_PRSTATUS); cfa unknown. */
    public static UnwindRegs of(Registers r) {
        Arch a = r.arch();
        long[] v = new long[NREGS];
        long known = 0;
        for (long saved = a.calleeSavedDwarfSet(); saved != 0; saved &= saved - 1) {
            int dwarf = Long.numberOfTrailingZeros(saved);
            v[dwarf] = r.get(a.dwarfRegisterName(dwarf));
            known |= 1L << dwarf;
        }
        return new UnwindRegs(a, r.pc(), v, known, 0);
    }

    /**
     * A caller's registers as an unwinder computed them: regs by DWARF number (NREGS long, owned
     * by the result from now on), known the bit mask of those recovered.
     */
    static UnwindRegs unwound(Arch arch, long pc, long[] regs, long known, long cfa) {
        return new UnwindRegs(arch, pc, regs, known, cfa);
    }

    /** An empty state of machine arch at pc: every register unknown; filled with {@link #with}. */
    public static UnwindRegs at(Arch arch, long pc) {
        return new UnwindRegs(arch, pc, new long[NREGS], 0, 0);
    }

    public Arch arch() { return arch; }

    /** The program counter (for a caller: the return address, authentication bits removed). */
    public long pc() { return pc; }

    public long sp() { return regs[arch.dwarfSp()]; }

    public long fp() { return regs[arch.dwarfFp()]; }

    /**
     * The canonical frame address of the frame these registers were unwound <em>out of</em> (the
     * callee's CFA, which is also this frame's sp); 0 when unknown, e.g. for the registers of a
     * thread as dumped.
     */
    public long cfa() { return cfa; }

    /**
     * True when {@link #sp} is only the least the sp can be: the caller of an AArch64 frame found
     * by its frame record, whose frame may reach further up (its frame record lies at the bottom
     * of its frame, or anywhere in it, not at the top as on x86-64). An unwinder then places the
     * frame by its frame pointer instead (see CfiUnwinder).
     */
    public boolean spIsLowerBound() { return spIsLowerBound; }

    /** The value of DWARF register dwarf; 0 when unknown. */
    public long get(int dwarf) {
        return dwarf >= 0 && dwarf < NREGS ? regs[dwarf] : 0;
    }

    public boolean isKnown(int dwarf) {
        return dwarf >= 0 && dwarf < NREGS && (known & (1L << dwarf)) != 0;
    }

    /** This state with DWARF register dwarf set to value (known). */
    public UnwindRegs with(int dwarf, long value) {
        long[] v = regs.clone();
        v[dwarf] = value;
        return new UnwindRegs(arch, pc, v, known | (1L << dwarf), cfa);
    }

    public UnwindRegs withCfa(long newCfa) {
        return new UnwindRegs(arch, pc, regs, known, newCfa);
    }

    /**
     * The caller of a frame that keeps the frame-pointer convention: its pc (a return address
     * as read from the stack: authentication bits are removed here), sp and fp; the other
     * callee-saved registers are taken as unchanged (a frame-pointer frame that saved them would
     * have restored them before returning). cfa = the caller's sp. On AArch64 callerSp is only a
     * lower bound ({@link #spIsLowerBound}).
     */
    public UnwindRegs callerByFramePointer(long returnAddress, long callerSp, long callerFp) {
        long[] v = regs.clone();
        v[arch.dwarfSp()] = callerSp;
        v[arch.dwarfFp()] = callerFp;
        long k = known | (1L << arch.dwarfSp()) | (1L << arch.dwarfFp());
        return new UnwindRegs(arch, arch.codeAddress(returnAddress), v, k, callerSp, arch.returnAddressIsRegister());
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("UnwindRegs[").append(arch.pcName()).append(String.format("=%#x", pc));
        for (long saved = arch.calleeSavedDwarfSet(); saved != 0; saved &= saved - 1) {
            int dwarf = Long.numberOfTrailingZeros(saved);
            b.append(' ').append(arch.dwarfRegisterName(dwarf)).append('=');
            b.append(isKnown(dwarf) ? String.format("%#x", regs[dwarf]) : "?");
        }
        return b.append(String.format(" cfa=%#x]", cfa)).toString();
    }
}
