package io.jsmdb.binary;

import io.jsmdb.core.AddressSpace;
import io.jsmdb.core.Arch;
import io.jsmdb.core.CoreFile;
import io.jsmdb.core.MappedFile;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * DWARF CFI unwinding (x86-64 and AArch64) from the {@code .eh_frame} of the module (node, libc, libstdc++, ...)
 * that holds a pc. One {@link #step} turns a frame's registers into its caller's.
 *
 * <p>Which module and which link-time address a pc is: through the core's NT_FILE mapping that
 * holds the pc (its file offset, then the module's PT_LOAD that maps that offset), so that a
 * second mapping of the same file (node 20+ remaps its embedded builtins high in the address
 * space) is placed right. When the address space is not a {@link CoreFile}, the symbolizer's
 * module and load bias are used instead.
 *
 * <p>Modules are opened and their FDE tables indexed lazily, once. Nothing here throws on bad
 * CFI or missing memory: the answer is {@code false} / empty. Thread-safe.
 */
public final class CfiUnwinder {
    /** The module CFI covering a pc and its load bias (runtime pc - link-time pc); null when none. */
    interface ModuleLookup {
        Located locate(long pc);
    }

    record Located(EhFrame eh, long bias) {}

    private static final int MAX_EXPR_STEPS = 256;

    private final AddressSpace mem;
    private final ModuleLookup lookup;

    public CfiUnwinder(AddressSpace mem, NativeSymbolizer symbolizer) {
        this(mem, new SymbolizerLookup(mem, symbolizer));
    }

    CfiUnwinder(AddressSpace mem, ModuleLookup lookup) {
        this.mem = mem;
        this.lookup = lookup;
    }

    /** True when the module containing pc has an FDE covering pc. */
    public boolean hasCfi(long pc) {
        return fdeFor(pc) != null;
    }

    /**
     * True when the FDE used to unwind the frame at pc marks a signal frame (augmentation "S",
     * glibc's {@code __restore_rt}). The caller's pc unwound from such a frame is the exact
     * interrupted pc, not a return address: step from it with {@code isTopFrame = true}.
     */
    public boolean isSignalFrame(long pc, boolean isTopFrame) {
        Found f = fdeFor(isTopFrame ? pc : pc - 1);
        return f != null && f.fde.cie().signalFrame();
    }

    /**
     * The caller's registers by CFI; empty when there is no FDE for pc or the rules cannot be
     * evaluated (memory missing). {@code isTopFrame} false means pc is a return address: look up
     * pc-1. A result with {@code pc == 0} means the CFI marks this frame as the outermost one
     * (return address undefined, as in {@code _start} and {@code clone}).
     */
    public Optional<UnwindRegs> step(UnwindRegs regs, boolean isTopFrame) {
        long pc = isTopFrame ? regs.pc() : regs.pc() - 1;
        Found f = fdeFor(pc);
        if (f == null) return Optional.empty();
        try {
            EhFrame.Row row = f.eh.row(f.fde, pc - f.bias);
            return Optional.ofNullable(apply(f.eh, f.fde.cie(), row, regs, mem));
        } catch (EhFrame.BadCfi | RuntimeException e) {
            // bad CFI, unknown register, or memory missing from the core (MemoryFault)
            return Optional.empty();
        }
    }

    private record Found(EhFrame eh, EhFrame.Fde fde, long bias) {}

    private Found fdeFor(long pc) {
        Located l;
        try {
            l = lookup.locate(pc);
        } catch (RuntimeException e) {
            return null;
        }
        if (l == null) return null;
        EhFrame.Fde fde = l.eh().find(pc - l.bias());
        return fde == null ? null : new Found(l.eh(), fde, l.bias());
    }

    // ------------------------------------------------------------------------------------------
    // Evaluating a row

    /**
     * The caller's registers from row; null when the CFA or return address cannot be computed.
     * A result with pc 0 means the return address is undefined: the outermost frame.
     */
    static UnwindRegs apply(EhFrame eh, EhFrame.Cie cie, EhFrame.Row row, UnwindRegs regs, AddressSpace mem)
            throws EhFrame.BadCfi {
        Arch arch = regs.arch();
        long[] v = new long[EhFrame.NREGS];
        boolean[] known = new boolean[EhFrame.NREGS];
        for (long saved = arch.calleeSavedDwarfSet(); saved != 0; saved &= saved - 1) {
            int r = Long.numberOfTrailingZeros(saved);
            if (regs.isKnown(r)) put(v, known, r, regs.get(r));
        }
        // x86-64's return-address column is the pc itself; AArch64's is the link register
        if (!arch.returnAddressIsRegister()) put(v, known, arch.dwarfReturnAddress(), regs.pc());

        long cfa;
        if (row.cfaIsExpr) {
            cfa = eval(eh, row.cfaOffset, row.cfaExprLen, v, known, 0, false, mem);
        } else {
            int r = row.cfaReg;
            if (r < 0 || r >= EhFrame.NREGS || !known[r]) return null;
            int fp = arch.dwarfFp();
            if (r == arch.dwarfSp() && regs.spIsLowerBound() && row.kind[fp] == EhFrame.OFFSET && known[fp]) {
                // sp not known exactly (a frame entered through its callee's frame record): x29
                // points at this frame's record, which the row places at CFA + offset
                cfa = v[fp] - row.value[fp];
            } else {
                cfa = v[r] + row.cfaOffset;
            }
        }

        int ra = cie.raReg();
        long pc;
        if (ra < 0 || ra >= EhFrame.NREGS) return null;
        byte raKind = row.kind[ra];
        if (raKind == EhFrame.UNDEFINED || raKind == EhFrame.UNSET && !arch.returnAddressIsRegister()) {
            pc = 0; // outermost frame
        } else {
            // AArch64: without a rule the link register still holds the return address (a leaf
            // function, or one before it saved x30)
            Long r = rule(eh, row, ra, cfa, v, known, mem);
            if (r == null) return null;
            pc = arch.codeAddress(r);
        }
        int spReg = arch.dwarfSp();
        long sp;
        if (row.kind[spReg] == EhFrame.UNSET) {
            sp = cfa; // both machines: the caller's sp is the CFA
        } else {
            Long r = rule(eh, row, spReg, cfa, v, known, mem);
            if (r == null) return null;
            sp = r;
        }
        long[] caller = new long[EhFrame.NREGS];
        long callerKnown = 1L << spReg;
        caller[spReg] = sp;
        for (long saved = arch.calleeSavedDwarfSet(); saved != 0; saved &= saved - 1) {
            int r = Long.numberOfTrailingZeros(saved);
            if (r == spReg) continue;
            Long val = rule(eh, row, r, cfa, v, known, mem);
            if (val == null) continue;
            caller[r] = val;
            callerKnown |= 1L << r;
        }
        return UnwindRegs.unwound(arch, pc, caller, callerKnown, cfa);
    }

    private static void put(long[] v, boolean[] known, int reg, long value) {
        v[reg] = value;
        known[reg] = true;
    }

    /** The caller's value of reg, or null when it is unknown (undefined, or from an unknown register). */
    private static Long rule(EhFrame eh, EhFrame.Row row, int reg, long cfa, long[] v, boolean[] known,
                             AddressSpace mem) throws EhFrame.BadCfi {
        long val = row.value[reg];
        return switch (row.kind[reg]) {
            case EhFrame.UNSET, EhFrame.SAME -> known[reg] ? v[reg] : null;
            case EhFrame.UNDEFINED -> null;
            case EhFrame.OFFSET -> mem.readLong(cfa + val);
            case EhFrame.VAL_OFFSET -> cfa + val;
            case EhFrame.REGISTER -> val >= 0 && val < EhFrame.NREGS && known[(int) val] ? v[(int) val] : null;
            case EhFrame.EXPR -> mem.readLong(eval(eh, val, row.exprLen[reg], v, known, cfa, true, mem));
            case EhFrame.VAL_EXPR -> eval(eh, val, row.exprLen[reg], v, known, cfa, true, mem);
            default -> null;
        };
    }

    /**
     * A DWARF expression of the kinds CFI uses (glibc's PLT and signal-trampoline rules, stack
     * realignment): literals, register-relative values, memory, arithmetic, comparisons and
     * branches. Evaluated on a bounded stack for a bounded number of steps.
     */
    static long eval(EhFrame eh, long start, long len, long[] regs, boolean[] known, long cfa, boolean pushCfa,
                     AddressSpace mem) throws EhFrame.BadCfi {
        EhFrame.Cursor c = eh.cursor(start, len);
        long[] st = new long[64];
        int sp = 0;
        if (pushCfa) st[sp++] = cfa;
        for (int steps = 0; c.pos < c.limit; steps++) {
            if (steps > MAX_EXPR_STEPS) throw new EhFrame.BadCfi("expression too long");
            int op = c.u8();
            if (op >= 0x30 && op <= 0x4f) { // lit0..lit31
                st = push(st, sp++, op - 0x30);
                continue;
            }
            if (op >= 0x70 && op <= 0x8f) { // breg0..breg31
                long off = c.sleb();
                st = push(st, sp++, regValue(op - 0x70, regs, known) + off);
                continue;
            }
            if (op >= 0x50 && op <= 0x6f) { // reg0..reg31: a location, only meaningful as the whole result
                st = push(st, sp++, regValue(op - 0x50, regs, known));
                continue;
            }
            switch (op) {
                case 0x03 -> st = push(st, sp++, c.u64()); // addr
                case 0x06 -> { need(sp, 1); st[sp - 1] = mem.readLong(st[sp - 1]); } // deref
                case 0x08 -> st = push(st, sp++, c.u8()); // const1u
                case 0x09 -> st = push(st, sp++, (byte) c.u8()); // const1s
                case 0x0a -> st = push(st, sp++, c.u16()); // const2u
                case 0x0b -> st = push(st, sp++, (short) c.u16()); // const2s
                case 0x0c -> st = push(st, sp++, c.u32()); // const4u
                case 0x0d -> st = push(st, sp++, (int) c.u32()); // const4s
                case 0x0e, 0x0f -> st = push(st, sp++, c.u64()); // const8u/s
                case 0x10 -> st = push(st, sp++, c.uleb()); // constu
                case 0x11 -> st = push(st, sp++, c.sleb()); // consts
                case 0x12 -> { need(sp, 1); st = push(st, sp, st[sp - 1]); sp++; } // dup
                case 0x13 -> { need(sp, 1); sp--; } // drop
                case 0x14 -> { need(sp, 2); st = push(st, sp, st[sp - 2]); sp++; } // over
                case 0x15 -> { // pick
                    int i = c.u8();
                    need(sp, i + 1);
                    st = push(st, sp, st[sp - 1 - i]);
                    sp++;
                }
                case 0x16 -> { need(sp, 2); long t = st[sp - 1]; st[sp - 1] = st[sp - 2]; st[sp - 2] = t; } // swap
                case 0x17 -> { // rot
                    need(sp, 3);
                    long t = st[sp - 1];
                    st[sp - 1] = st[sp - 2];
                    st[sp - 2] = st[sp - 3];
                    st[sp - 3] = t;
                }
                case 0x19 -> { need(sp, 1); st[sp - 1] = Math.abs(st[sp - 1]); } // abs
                case 0x1f -> { need(sp, 1); st[sp - 1] = -st[sp - 1]; } // neg
                case 0x20 -> { need(sp, 1); st[sp - 1] = ~st[sp - 1]; } // not
                case 0x23 -> { need(sp, 1); st[sp - 1] += c.uleb(); } // plus_uconst
                case 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x21, 0x22, 0x24, 0x25, 0x26, 0x27,
                     0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e -> {
                    need(sp, 2);
                    long b = st[--sp], a = st[sp - 1];
                    st[sp - 1] = switch (op) {
                        case 0x1a -> a & b;
                        case 0x1b -> { if (b == 0) throw new EhFrame.BadCfi("division by zero"); yield a / b; }
                        case 0x1c -> a - b;
                        case 0x1d -> { if (b == 0) throw new EhFrame.BadCfi("division by zero"); yield Long.remainderUnsigned(a, b); }
                        case 0x1e -> a * b;
                        case 0x21 -> a | b;
                        case 0x22 -> a + b;
                        case 0x24 -> b >= 64 || b < 0 ? 0 : a << b;
                        case 0x25 -> b >= 64 || b < 0 ? 0 : a >>> b;
                        case 0x26 -> b >= 64 || b < 0 ? (a < 0 ? -1 : 0) : a >> b;
                        case 0x27 -> a ^ b;
                        case 0x29 -> a == b ? 1 : 0;
                        case 0x2a -> a >= b ? 1 : 0;
                        case 0x2b -> a > b ? 1 : 0;
                        case 0x2c -> a <= b ? 1 : 0;
                        case 0x2d -> a < b ? 1 : 0;
                        default -> a != b ? 1 : 0;
                    };
                }
                case 0x28, 0x2f -> { // bra, skip
                    int d = (short) c.u16();
                    boolean jump = true;
                    if (op == 0x28) {
                        need(sp, 1);
                        jump = st[--sp] != 0;
                    }
                    if (jump) {
                        long target = c.pos + d;
                        if (target < start || target > start + len) throw new EhFrame.BadCfi("branch out of expression");
                        c.pos = target;
                    }
                }
                case 0x90 -> st = push(st, sp++, regValue(ulebReg(c), regs, known)); // regx
                case 0x92 -> { // bregx
                    int r = ulebReg(c);
                    long off = c.sleb();
                    st = push(st, sp++, regValue(r, regs, known) + off);
                }
                case 0x94 -> { // deref_size
                    int n = c.u8();
                    need(sp, 1);
                    long a = st[sp - 1];
                    st[sp - 1] = switch (n) {
                        case 1 -> mem.readUnsignedByte(a);
                        case 2 -> mem.readUnsignedShort(a);
                        case 4 -> mem.readUnsignedInt(a);
                        case 8 -> mem.readLong(a);
                        default -> throw new EhFrame.BadCfi("deref_size " + n);
                    };
                }
                case 0x96 -> { } // nop
                case 0x9c -> { // call_frame_cfa
                    if (!pushCfa) throw new EhFrame.BadCfi("call_frame_cfa in a CFA expression");
                    st = push(st, sp++, cfa);
                }
                default -> throw new EhFrame.BadCfi(String.format("DW_OP 0x%x", op));
            }
        }
        if (sp < 1) throw new EhFrame.BadCfi("empty expression stack");
        return st[sp - 1];
    }

    private static int ulebReg(EhFrame.Cursor c) throws EhFrame.BadCfi {
        long r = c.uleb();
        if (r < 0 || r > 4096) throw new EhFrame.BadCfi("register " + r);
        return (int) r;
    }

    private static long regValue(int reg, long[] regs, boolean[] known) throws EhFrame.BadCfi {
        if (reg < 0 || reg >= EhFrame.NREGS || !known[reg]) throw new EhFrame.BadCfi("unknown register " + reg);
        return regs[reg];
    }

    private static void need(int sp, int n) throws EhFrame.BadCfi {
        if (sp < n) throw new EhFrame.BadCfi("expression stack underflow");
    }

    private static long[] push(long[] st, int sp, long value) throws EhFrame.BadCfi {
        if (sp >= st.length) throw new EhFrame.BadCfi("expression stack overflow");
        st[sp] = value;
        return st;
    }

    // ------------------------------------------------------------------------------------------
    // Modules

    /** Modules from the core's NT_FILE mappings (or the symbolizer's modules), each opened once. */
    static final class SymbolizerLookup implements ModuleLookup {
        private final NativeSymbolizer symbolizer;
        private final MappedFile[] mappings; // sorted by start; empty when mem is not a CoreFile
        private final long[] starts;
        private final Map<String, NativeSymbolizer.Module> modulesByPath = new HashMap<>();
        private final Map<String, Optional<EhFrame>> frames = new HashMap<>();

        SymbolizerLookup(AddressSpace mem, NativeSymbolizer symbolizer) {
            this.symbolizer = symbolizer;
            List<MappedFile> mfs = mem instanceof CoreFile core ? core.mappedFiles() : List.of();
            this.mappings = mfs.stream().sorted(Comparator.comparing(MappedFile::start, Long::compareUnsigned))
                    .toArray(MappedFile[]::new);
            this.starts = Arrays.stream(mappings).mapToLong(MappedFile::start).toArray();
            for (NativeSymbolizer.Module m : symbolizer.modules()) modulesByPath.putIfAbsent(m.path(), m);
        }

        @Override
        public Located locate(long pc) {
            if (mappings.length == 0) return locateByBias(pc);
            int i = Arrays.binarySearch(starts, pc);
            if (i < 0) i = -i - 2;
            if (i < 0 || !mappings[i].contains(pc)) return null;
            MappedFile mf = mappings[i];
            NativeSymbolizer.Module m = modulesByPath.get(mf.path());
            if (m == null) return null;
            Optional<ElfImage> img = symbolizer.image(m);
            if (img.isEmpty()) return null;
            EhFrame eh = frames(m, img.get());
            if (eh == null) return null;
            long linkPc = NativeSymbolizer.linkAddress(img.get(), mf, pc);
            return linkPc == -1 ? null : new Located(eh, pc - linkPc);
        }

        private Located locateByBias(long pc) {
            Optional<NativeSymbolizer.Module> m = symbolizer.moduleAt(pc);
            if (m.isEmpty()) return null;
            Optional<ElfImage> img = symbolizer.image(m.get());
            if (img.isEmpty()) return null;
            EhFrame eh = frames(m.get(), img.get());
            return eh == null ? null : new Located(eh, symbolizer.bias(m.get(), img.get()));
        }

        private synchronized EhFrame frames(NativeSymbolizer.Module m, ElfImage image) {
            return frames.computeIfAbsent(m.path(), p -> open(image)).orElse(null);
        }

        private static Optional<EhFrame> open(ElfImage image) {
            try {
                Optional<Section> ehs = image.section(".eh_frame");
                if (ehs.isEmpty()) return Optional.empty();
                Optional<MemorySegment> ehb = image.sectionBytes(ehs.get());
                if (ehb.isEmpty()) return Optional.empty();
                MemorySegment hdr = null;
                long hdrAddr = 0;
                Optional<Section> hs = image.section(".eh_frame_hdr");
                if (hs.isPresent()) {
                    Optional<MemorySegment> hb = image.sectionBytes(hs.get());
                    if (hb.isPresent()) {
                        hdr = hb.get();
                        hdrAddr = hs.get().addr();
                    }
                }
                return Optional.of(new EhFrame(ehb.get(), ehs.get().addr(), hdr, hdrAddr));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }
    }
}
