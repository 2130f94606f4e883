package io.jsmdb.v8;

import io.jsmdb.binary.ElfImage;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Reads the jump tables an AArch64 compiler makes of a dense {@code switch}, for
 * {@link InstanceTypeTable}: the table holds one byte or halfword per case, an offset in
 * instructions from a base label, and the dispatch is
 * <pre>
 *   adrp xT, table ; add xT, xT, #lo12       the table
 *   ldrb/ldrh wO, [xT, xI{, lsl/uxtw #k}]    the case's entry
 *   adr  xB, base
 *   add  xD, xB, xO{, sxtb/sxth/lsl} #2      base + 4 * entry (signed entries from GCC, unsigned from clang)
 *   br   xD
 * </pre>
 * preceded by a bounds check {@code cmp wI, #max; b.hi default}. Only the instruction forms
 * listed are decoded; anything else means "no table here".
 */
final class Arm64Switch {
    private static final int WINDOW = 8, BOUND_WINDOW = 24, MAX_ENTRIES = 1 << 13;

    private Arm64Switch() {}

    /**
     * The case names of the jump table in the function [start, start+size) that names the most
     * cases (by caseName, given a case's address); null when no table names more than 50.
     */
    static String[] bestTable(ElfImage bin, long start, long size, MemorySegment code,
                              BiFunction<ElfImage, Long, String> caseName) {
        String[] best = null;
        int bestCount = 0;
        int n = (int) (code.byteSize() / 4);
        for (int i = 0; i < n; i++) {
            int insn = insn(code, i);
            if ((insn & 0xfffffc1f) != 0xd61f0000) continue; // br xD
            Table t = tableBefore(code, start, i);
            if (t == null) continue;
            List<String> names = new ArrayList<>();
            int count = 0;
            int entries = t.entries > 0 ? t.entries : MAX_ENTRIES;
            for (int k = 0; k < entries; k++) {
                long off;
                try {
                    off = t.entrySize == 1 ? (t.signed ? bin.readBytes(t.table + k, 1)[0] : bin.readBytes(t.table + k, 1)[0] & 0xff)
                            : readHalf(bin, t.table + 2L * k, t.signed);
                } catch (RuntimeException e) {
                    break;
                }
                long target = t.base + 4 * off;
                if (target < start || target >= start + size) break;
                String name = caseName.apply(bin, target);
                names.add(name);
                if (name != null) count++;
            }
            if (count > bestCount) {
                bestCount = count;
                best = names.toArray(new String[0]);
            }
        }
        return bestCount > 50 ? best : null;
    }

    private record Table(long table, long base, int entrySize, boolean signed, int entries) {}

    /** The table the br at instruction index brAt dispatches through, or null when the code before it is not the pattern. */
    private static Table tableBefore(MemorySegment code, long start, int brAt) {
        int target = insn(code, brAt) >> 5 & 31;
        int entrySize = 0, tableReg = -1, baseReg = -1, offsetReg = -1;
        boolean signed = false;
        long base = -1, table = -1;
        int tableAt = -1;
        for (int i = brAt - 1; i >= Math.max(0, brAt - WINDOW); i--) {
            int x = insn(code, i);
            long pc = start + 4L * i;
            if (baseReg < 0 && (x & 0xffe00000) == 0x8b200000 && (x & 31) == target && (x >> 10 & 7) == 2) {
                // add xD, xB, wO, <extend> #2
                int option = x >> 13 & 7;
                if (option != 0 && option != 1 && option != 4 && option != 5) return null;
                signed = option >= 4;
                baseReg = x >> 5 & 31;
                offsetReg = x >> 16 & 31;
            } else if (baseReg < 0 && (x & 0xff200000) == 0x8b000000 && (x & 31) == target && (x >> 10 & 63) == 2
                    && (x >> 22 & 3) == 0) {
                // add xD, xB, xO, lsl #2
                baseReg = x >> 5 & 31;
                offsetReg = x >> 16 & 31;
            } else if (baseReg >= 0 && base < 0 && (x & 0x9f000000) == 0x10000000 && (x & 31) == baseReg) {
                base = pc + adrImmediate(x); // adr xB, base
            } else if (offsetReg >= 0 && entrySize == 0 && (x & 31) == offsetReg
                    && ((x & 0xffe00c00) == 0x78600800 || (x & 0xffe00c00) == 0x38600800)) {
                entrySize = (x & 0xffe00c00) == 0x78600800 ? 2 : 1; // ldrh / ldrb (register offset)
                tableReg = x >> 5 & 31;
            } else if (tableReg >= 0 && table < 0 && (x & 0xff800000) == 0x91000000 && (x & 31) == tableReg
                    && (x >> 5 & 31) == tableReg && i > 0) {
                int prev = insn(code, i - 1);
                if ((prev & 0x9f000000) == 0x90000000 && (prev & 31) == tableReg) {
                    long page = ((pc - 4) & ~0xfffL) + (adrImmediate(prev) << 12);
                    table = page + addImmediate(x);
                    tableAt = i - 1;
                }
            }
        }
        if (base < 0 || table < 0 || entrySize == 0) return null;
        return new Table(table, base, entrySize, signed, bound(code, tableAt));
    }

    /** Entries of the table, from the nearest {@code cmp wI, #max} before it (max + 1); 0 when none is found. */
    private static int bound(MemorySegment code, int from) {
        for (int i = from - 1; i >= Math.max(0, from - BOUND_WINDOW); i--) {
            int x = insn(code, i);
            if ((x & 0x7f80001f) == 0x7100001f) { // subs wzr/xzr, wN, #imm (cmp)
                long imm = addImmediate(x);
                return imm >= 0 && imm < MAX_ENTRIES ? (int) imm + 1 : 0;
            }
        }
        return 0;
    }

    /**
     * Addresses the first n instructions at code (at address pc) put in a register: adr, and
     * adrp followed (not necessarily at once: GCC puts the string's length between) by an add to
     * the same register.
     */
    static List<Long> addressesLoaded(MemorySegment code, long pc, int n) {
        List<Long> out = new ArrayList<>();
        long[] page = new long[32];
        boolean[] hasPage = new boolean[32];
        int count = (int) Math.min(n, code.byteSize() / 4);
        for (int i = 0; i < count; i++) {
            int x = insn(code, i);
            long at = pc + 4L * i;
            if ((x & 0x9f000000) == 0x10000000) {
                out.add(at + adrImmediate(x));
            } else if ((x & 0x9f000000) == 0x90000000) {
                page[x & 31] = (at & ~0xfffL) + (adrImmediate(x) << 12);
                hasPage[x & 31] = true;
            } else if ((x & 0xff800000) == 0x91000000 && hasPage[x >> 5 & 31]) {
                out.add(page[x >> 5 & 31] + addImmediate(x));
            }
        }
        return out;
    }

    private static int insn(MemorySegment code, int index) {
        return code.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 4L * index);
    }

    /** The signed 21-bit immediate of adr/adrp (immhi:immlo). */
    private static long adrImmediate(int x) {
        long imm = ((long) (x >> 5 & 0x7ffff) << 2) | (x >> 29 & 3);
        return (imm << 43) >> 43;
    }

    /** The unsigned immediate of add/subs (imm12, shifted by 12 when sh is set). */
    private static long addImmediate(int x) {
        long imm = x >> 10 & 0xfff;
        return (x >> 22 & 1) != 0 ? imm << 12 : imm;
    }

    private static long readHalf(ElfImage bin, long at, boolean signed) {
        byte[] b = bin.readBytes(at, 2);
        int v = (b[0] & 0xff) | (b[1] & 0xff) << 8;
        return signed ? (short) v : v;
    }
}
