package io.jsmdb.core;

import java.util.List;

/**
 * The general-purpose registers of one thread, in the order NT_PRSTATUS's pr_reg lays them out
 * on the core's architecture.
 */
public record Registers(Arch arch, long[] values) {
    public Registers {
        if (values.length != arch.registerNames().size()) {
            throw new IllegalArgumentException("expected " + arch.registerNames().size() + " " + arch.displayName + " registers");
        }
        values = values.clone();
    }

    public List<String> names() { return arch.registerNames(); }

    public long get(String name) {
        int i = arch.registerNames().indexOf(name);
        if (i < 0) throw new IllegalArgumentException("no " + arch.displayName + " register " + name);
        return values[i];
    }

    /** The program counter (rip, pc). */
    public long pc() { return values[arch.pcIndex()]; }
    /** The stack pointer (rsp, sp). */
    public long sp() { return values[arch.spIndex()]; }
    /** The frame pointer (rbp, x29). */
    public long fp() { return values[arch.fpIndex()]; }
}
