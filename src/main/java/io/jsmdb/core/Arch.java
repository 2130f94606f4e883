package io.jsmdb.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The machine a core comes from (ELF e_machine), with the layout of its general-purpose
 * registers in NT_PRSTATUS's pr_reg: the kernel's {@code struct user_regs_struct} on x86-64,
 * {@code struct user_pt_regs} (x0-x30, sp, pc, pstate) on AArch64.
 */
public enum Arch {
    X86_64(62, "x86-64", List.of(
            "r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8",
            "rax", "rcx", "rdx", "rsi", "rdi", "orig_rax", "rip", "cs", "eflags", "rsp", "ss",
            "fs_base", "gs_base", "ds", "es", "fs", "gs"), 16, 19, 4,
            // DWARF numbers (System V x86-64 psABI): rbx 3, rbp 6, rsp 7, r12-r15 12-15; the
            // return address column 16 is the pc, not a register of its own
            new int[] {3, 6, 7, 12, 13, 14, 15}, new String[] {null, null, null, "rbx", null, null, "rbp", "rsp", null, null,
                    null, null, "r12", "r13", "r14", "r15"}, 7, 6, 16, 0xffff_ffff_ffff_ffffL),
    // DWARF numbers (AAPCS64 DWARF): x0-x30 0-30, sp 31; the return address column is the link
    // register x30. User addresses have 48 bits (the kernel's default VA size; 52-bit VAs are
    // only given to a process that asks for them): what is above in a saved return address is a
    // pointer-authentication code (node 16/18 arm64 builds sign their return addresses)
    AARCH64(183, "AArch64", aarch64Names(), 32, 31, 29,
            new int[] {19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31}, aarch64DwarfNames(), 31, 29, 30,
            0x0000_ffff_ffff_ffffL);

    /** ELF e_machine. */
    public final int machine;
    /** How users name it. */
    public final String displayName;
    private final List<String> registerNames;
    private final int pc, sp, fp;
    private final long calleeSavedMask;
    private final String[] dwarfNames;
    private final int dwarfSp, dwarfFp, dwarfReturnAddress;
    private final long codeAddressMask;

    Arch(int machine, String displayName, List<String> registerNames, int pc, int sp, int fp,
         int[] calleeSavedDwarf, String[] dwarfNames, int dwarfSp, int dwarfFp, int dwarfReturnAddress,
         long codeAddressMask) {
        this.machine = machine;
        this.displayName = displayName;
        this.registerNames = registerNames;
        this.pc = pc;
        this.sp = sp;
        this.fp = fp;
        long mask = 0;
        for (int dwarf : calleeSavedDwarf) mask |= 1L << dwarf;
        this.calleeSavedMask = mask;
        this.dwarfNames = dwarfNames;
        this.dwarfSp = dwarfSp;
        this.dwarfFp = dwarfFp;
        this.dwarfReturnAddress = dwarfReturnAddress;
        this.codeAddressMask = codeAddressMask;
    }

    /**
     * DWARF numbers of the registers a caller keeps across a call (and the stack and frame
     * pointers), as a set (bit n: DWARF register n; all are below 64): what a native unwinder
     * recovers frame by frame. A mask, not an array, because the unwinder asks on every frame.
     */
    public long calleeSavedDwarfSet() { return calleeSavedMask; }

    /** The pr_reg name of DWARF register dwarf (one of {@link #calleeSavedDwarfSet}). */
    public String dwarfRegisterName(int dwarf) {
        if (dwarf < 0 || dwarf >= dwarfNames.length || dwarfNames[dwarf] == null) {
            throw new IllegalArgumentException(displayName + " has no DWARF register " + dwarf + " jsmdb unwinds");
        }
        return dwarfNames[dwarf];
    }

    public int dwarfSp() { return dwarfSp; }

    public int dwarfFp() { return dwarfFp; }

    /** The CFI column of the return address (x86-64: 16, the pc; AArch64: 30, the link register). */
    public int dwarfReturnAddress() { return dwarfReturnAddress; }

    /** True when the return-address column is a register of its own, which keeps its value where CFI has no rule for it. */
    public boolean returnAddressIsRegister() { return this == AARCH64; }

    /**
     * A code address as found saved on the stack, without the pointer-authentication code
     * AArch64 may have put in its top bits (unchanged on x86-64).
     */
    public long codeAddress(long saved) { return saved & codeAddressMask; }

    /** The general-purpose registers in pr_reg order. */
    public List<String> registerNames() { return registerNames; }

    /** The program counter's name (rip, pc). */
    public String pcName() { return registerNames.get(pc); }

    /** The stack pointer's name (rsp, sp). */
    public String spName() { return registerNames.get(sp); }

    /** Bytes of pr_reg in NT_PRSTATUS. */
    public int prRegBytes() { return registerNames.size() * 8; }

    int pcIndex() { return pc; }
    int spIndex() { return sp; }
    int fpIndex() { return fp; }

    /** The architecture of ELF machine e_machine, if jsmdb reads its cores. */
    public static Optional<Arch> ofMachine(int machine) {
        for (Arch a : values()) if (a.machine == machine) return Optional.of(a);
        return Optional.empty();
    }

    /** A machine's usual name, for messages about machines jsmdb does not read. */
    public static String machineName(int machine) {
        return switch (machine) {
            case 3 -> "i386";
            case 8 -> "MIPS";
            case 20 -> "PowerPC";
            case 21 -> "PowerPC64";
            case 22 -> "s390";
            case 40 -> "ARM (32-bit)";
            case 243 -> "RISC-V";
            case 258 -> "LoongArch";
            default -> ofMachine(machine).map(a -> a.displayName).orElse("e_machine " + machine);
        };
    }

    private static String[] aarch64DwarfNames() {
        String[] n = new String[32];
        for (int i = 0; i <= 30; i++) n[i] = "x" + i;
        n[31] = "sp";
        return n;
    }

    private static List<String> aarch64Names() {
        List<String> n = new ArrayList<>();
        for (int i = 0; i <= 30; i++) n.add("x" + i);
        n.add("sp");
        n.add("pc");
        n.add("pstate");
        return Collections.unmodifiableList(n);
    }
}
