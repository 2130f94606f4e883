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
            "fs_base", "gs_base", "ds", "es", "fs", "gs"), 16, 19, 4),
    AARCH64(183, "AArch64", aarch64Names(), 32, 31, 29);

    /** ELF e_machine. */
    public final int machine;
    /** How users name it. */
    public final String displayName;
    private final List<String> registerNames;
    private final int pc, sp, fp;

    Arch(int machine, String displayName, List<String> registerNames, int pc, int sp, int fp) {
        this.machine = machine;
        this.displayName = displayName;
        this.registerNames = registerNames;
        this.pc = pc;
        this.sp = sp;
        this.fp = fp;
    }

    /** The general-purpose registers in pr_reg order. */
    public List<String> registerNames() { return registerNames; }

    /** The program counter's name (rip, pc). */
    public String pcName() { return registerNames.get(pc); }

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

    private static List<String> aarch64Names() {
        List<String> n = new ArrayList<>();
        for (int i = 0; i <= 30; i++) n.add("x" + i);
        n.add("sp");
        n.add("pc");
        n.add("pstate");
        return Collections.unmodifiableList(n);
    }
}
