package io.jsmdb.core;

import java.util.List;

/**
 * The general-purpose registers of one thread, as the kernel's x86-64
 * {@code struct user_regs_struct} lays them out in NT_PRSTATUS.
 */
public record Registers(long[] values) {
    /** Register names in user_regs_struct order. */
    public static final List<String> NAMES = List.of(
            "r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8",
            "rax", "rcx", "rdx", "rsi", "rdi", "orig_rax", "rip", "cs", "eflags", "rsp", "ss",
            "fs_base", "gs_base", "ds", "es", "fs", "gs");

    public static final int COUNT = NAMES.size();

    public Registers {
        if (values.length != COUNT) throw new IllegalArgumentException("expected " + COUNT + " registers");
        values = values.clone();
    }

    public long get(String name) {
        int i = NAMES.indexOf(name);
        if (i < 0) throw new IllegalArgumentException("no register " + name);
        return values[i];
    }

    public long rip() { return values[16]; }
    public long rsp() { return values[19]; }
    public long rbp() { return values[4]; }
}
