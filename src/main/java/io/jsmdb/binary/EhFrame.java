package io.jsmdb.binary;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code .eh_frame} call-frame information of one ELF module (x86-64), read straight from the
 * file mapping: finding the FDE that covers a link-time pc (through {@code .eh_frame_hdr}'s
 * binary-search table when the module has one, else through a sorted index of every FDE built on
 * first use), and running the CIE and FDE programs up to that pc to get the unwind {@link Row}.
 *
 * <p>All addresses here are link-time addresses. Bad or truncated CFI never throws out of this
 * class: lookups answer {@code null}. Thread-safe (caches are guarded by {@code this}).
 */
final class EhFrame {
    /**
     * Register columns a row keeps: those unwinding needs on either machine (UnwindRegs); wider
     * ones (vector registers) are not kept. x86-64 numbers: 0 rax, 1 rdx, 2 rcx, 3 rbx, 4 rsi,
     * 5 rdi, 6 rbp, 7 rsp, 8-15 r8-r15, 16 rip; AArch64: 0-30 x0-x30, 31 sp.
     */
    static final int NREGS = UnwindRegs.NREGS;
    /** x86-64's stack pointer (for tests that evaluate x86-64 expressions). */
    static final int RSP = 7;

    // register rule kinds
    static final byte UNSET = 0, UNDEFINED = 1, SAME = 2, OFFSET = 3, VAL_OFFSET = 4, REGISTER = 5, EXPR = 6, VAL_EXPR = 7;

    // pointer encodings (DW_EH_PE_*)
    static final int PE_OMIT = 0xff, PE_INDIRECT = 0x80;
    static final int PE_ABSPTR = 0x00, PE_ULEB128 = 0x01, PE_UDATA2 = 0x02, PE_UDATA4 = 0x03, PE_UDATA8 = 0x04,
            PE_SLEB128 = 0x09, PE_SDATA2 = 0x0a, PE_SDATA4 = 0x0b, PE_SDATA8 = 0x0c;
    static final int PE_PCREL = 0x10, PE_TEXTREL = 0x20, PE_DATAREL = 0x30, PE_FUNCREL = 0x40, PE_ALIGNED = 0x50;

    private static final int MAX_STATE_DEPTH = 64;
    private static final int MAX_FDE_CACHE = 8192;

    /** Bad or unsupported CFI; never leaves this package's unwinder. */
    static final class BadCfi extends Exception {
        BadCfi(String why) { super(why, null, false, false); }
    }

    record Cie(long offset, long codeAlign, long dataAlign, int raReg, int fdeEnc, int lsdaEnc, boolean signalFrame,
               boolean hasAugData, long insnStart, long insnEnd) {}

    record Fde(long offset, Cie cie, long pcBegin, long pcEnd, long insnStart, long insnEnd) {
        boolean covers(long pc) { return pc >= pcBegin && pc < pcEnd; }
    }

    /** One row of the CFI table: the CFA rule and a rule for each tracked register. */
    static final class Row {
        boolean cfaIsExpr;
        int cfaReg = -1;
        long cfaOffset;         // for a register CFA; for an expression: its start offset in .eh_frame
        long cfaExprLen;
        final byte[] kind = new byte[NREGS];
        final long[] value = new long[NREGS];   // offset, register number, or expression start
        final long[] exprLen = new long[NREGS];

        Row copy() {
            Row r = new Row();
            r.cfaIsExpr = cfaIsExpr;
            r.cfaReg = cfaReg;
            r.cfaOffset = cfaOffset;
            r.cfaExprLen = cfaExprLen;
            System.arraycopy(kind, 0, r.kind, 0, NREGS);
            System.arraycopy(value, 0, r.value, 0, NREGS);
            System.arraycopy(exprLen, 0, r.exprLen, 0, NREGS);
            return r;
        }

        void setFrom(Row o) {
            cfaIsExpr = o.cfaIsExpr;
            cfaReg = o.cfaReg;
            cfaOffset = o.cfaOffset;
            cfaExprLen = o.cfaExprLen;
            System.arraycopy(o.kind, 0, kind, 0, NREGS);
            System.arraycopy(o.value, 0, value, 0, NREGS);
            System.arraycopy(o.exprLen, 0, exprLen, 0, NREGS);
        }

        void set(int reg, byte k, long v, long len) {
            if (reg < 0 || reg >= NREGS) return; // vector/x87 registers: not needed to unwind
            kind[reg] = k;
            value[reg] = v;
            exprLen[reg] = len;
        }
    }

    private final MemorySegment eh;
    private final long ehVaddr;
    private final MemorySegment hdr;   // null when absent or unusable
    private final long hdrVaddr;

    // .eh_frame_hdr search table
    private long tableOff = -1, tableCount;
    private int tableEnc, tableEntrySize;

    // fallback index (built lazily)
    private long[] idxBegin, idxEnd, idxOffset;

    private final Map<Long, Cie> cies = new HashMap<>();
    private final Map<Long, Fde> fdes = new HashMap<>();

    /**
     * @param eh       the bytes of {@code .eh_frame}
     * @param ehVaddr  its link-time address
     * @param hdr      the bytes of {@code .eh_frame_hdr}, or null
     * @param hdrVaddr its link-time address
     */
    EhFrame(MemorySegment eh, long ehVaddr, MemorySegment hdr, long hdrVaddr) {
        this.eh = eh;
        this.ehVaddr = ehVaddr;
        this.hdr = hdr;
        this.hdrVaddr = hdrVaddr;
        if (hdr != null) {
            try {
                parseHdr();
            } catch (BadCfi | RuntimeException e) {
                tableOff = -1;
            }
        }
    }

    /** True when the binary-search table of .eh_frame_hdr is used (else the built index). */
    synchronized boolean usesHdrTable() {
        return tableOff >= 0;
    }

    private void parseHdr() throws BadCfi {
        Cursor c = new Cursor(hdr, hdrVaddr, 0, hdr.byteSize());
        int version = c.u8();
        if (version != 1) throw new BadCfi("eh_frame_hdr version " + version);
        int ptrEnc = c.u8(), countEnc = c.u8(), tEnc = c.u8();
        readEncoded(c, ptrEnc, hdrVaddr);
        if (countEnc == PE_OMIT || tEnc == PE_OMIT) return;
        long count = readEncoded(c, countEnc, hdrVaddr);
        int size = fixedSize(tEnc);
        if (size <= 0 || count <= 0) return;
        long avail = (hdr.byteSize() - c.pos) / (2L * size);
        tableOff = c.pos;
        tableCount = Math.min(count, avail);
        tableEnc = tEnc;
        tableEntrySize = 2 * size;
    }

    private static int fixedSize(int enc) {
        return switch (enc & 0x0f) {
            case PE_ABSPTR, PE_UDATA8, PE_SDATA8 -> 8;
            case PE_UDATA4, PE_SDATA4 -> 4;
            case PE_UDATA2, PE_SDATA2 -> 2;
            default -> -1;
        };
    }

    /** The FDE covering link-time pc, or null. */
    synchronized Fde find(long pc) {
        try {
            long off = tableOff >= 0 ? searchHdr(pc) : searchIndex(pc);
            if (off < 0) return null;
            Fde f = fdeAt(off);
            return f != null && f.covers(pc) ? f : null;
        } catch (BadCfi | RuntimeException e) {
            return null;
        }
    }

    /** .eh_frame offset of the FDE with the greatest initial location <= pc, per the hdr table; -1 if none. */
    private long searchHdr(long pc) throws BadCfi {
        long lo = 0, hi = tableCount - 1, best = -1;
        while (lo <= hi) {
            long mid = (lo + hi) >>> 1;
            long loc = tableValue(tableOff + mid * tableEntrySize);
            if (loc <= pc) {
                best = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (best < 0) return -1;
        long fdeVaddr = tableValue(tableOff + best * tableEntrySize + tableEntrySize / 2);
        long off = fdeVaddr - ehVaddr;
        if (off < 0 || off >= eh.byteSize()) return -1;
        return off;
    }

    private long tableValue(long pos) throws BadCfi {
        Cursor c = new Cursor(hdr, hdrVaddr, pos, hdr.byteSize());
        return readEncoded(c, tableEnc, hdrVaddr);
    }

    private long searchIndex(long pc) throws BadCfi {
        if (idxBegin == null) buildIndex();
        int i = Arrays.binarySearch(idxBegin, pc);
        if (i < 0) i = -i - 2;
        // equal begins: binarySearch may land on any; walk to the last one <= pc
        while (i + 1 < idxBegin.length && idxBegin[i + 1] <= pc) i++;
        for (int k = i; k >= 0 && k > i - 4; k--) {
            if (pc >= idxBegin[k] && pc < idxEnd[k]) return idxOffset[k];
        }
        return -1;
    }

    /** Scans every entry of .eh_frame once, recording each FDE's range. */
    private void buildIndex() {
        List<long[]> entries = new ArrayList<>();
        long pos = 0, size = eh.byteSize();
        while (pos + 4 <= size) {
            long start = pos;
            long len;
            int lenSize = 4;
            try {
                Cursor c = new Cursor(eh, ehVaddr, pos, size);
                len = c.u32();
                if (len == 0) break; // terminator
                if (len == 0xffffffffL) {
                    len = c.u64();
                    lenSize = 12;
                }
                if (len < 4 || len > size - pos - lenSize) break;
                long next = pos + lenSize + len;
                long id = lenSize == 12 ? c.u64() : c.u32();
                if (id != 0) {
                    try {
                        Fde f = fdeAt(start);
                        if (f != null && f.pcEnd > f.pcBegin) entries.add(new long[] {f.pcBegin, f.pcEnd, start});
                    } catch (BadCfi | RuntimeException e) {
                        // skip this FDE
                    }
                }
                pos = next;
            } catch (BadCfi | RuntimeException e) {
                break;
            }
        }
        entries.sort((a, b) -> Long.compare(a[0], b[0]));
        int n = entries.size();
        long[] b = new long[n], e = new long[n], o = new long[n];
        for (int i = 0; i < n; i++) {
            b[i] = entries.get(i)[0];
            e[i] = entries.get(i)[1];
            o[i] = entries.get(i)[2];
        }
        idxBegin = b;
        idxEnd = e;
        idxOffset = o;
        if (fdes.size() > MAX_FDE_CACHE) fdes.clear();
    }

    /** The FDE starting at .eh_frame offset off (null for a CIE or a terminator). */
    synchronized Fde fdeAt(long off) throws BadCfi {
        Fde cached = fdes.get(off);
        if (cached != null) return cached;
        Cursor c = new Cursor(eh, ehVaddr, off, eh.byteSize());
        long len = c.u32();
        if (len == 0) return null;
        boolean is64 = len == 0xffffffffL;
        if (is64) len = c.u64();
        long end = c.pos + len;
        if (len < 4 || end > eh.byteSize() || end < c.pos) throw new BadCfi("FDE length");
        long idPos = c.pos;
        long id = is64 ? c.u64() : c.u32();
        if (id == 0) return null; // a CIE
        long cieOff = idPos - id;
        if (cieOff < 0 || cieOff >= eh.byteSize()) throw new BadCfi("CIE pointer");
        Cie cie = cieAt(cieOff);
        c.limit = end;
        long pcBegin = readEncoded(c, cie.fdeEnc, 0);
        long range = readEncoded(c, cie.fdeEnc & 0x0f, 0);
        if (cie.hasAugData) {
            long augLen = c.uleb();
            c.skip(augLen);
        }
        Fde f = new Fde(off, cie, pcBegin, pcBegin + range, c.pos, end);
        if (fdes.size() >= MAX_FDE_CACHE) fdes.clear();
        fdes.put(off, f);
        return f;
    }

    private Cie cieAt(long off) throws BadCfi {
        Cie cached = cies.get(off);
        if (cached != null) return cached;
        Cursor c = new Cursor(eh, ehVaddr, off, eh.byteSize());
        long len = c.u32();
        boolean is64 = len == 0xffffffffL;
        if (is64) len = c.u64();
        long end = c.pos + len;
        if (len < 4 || end > eh.byteSize() || end < c.pos) throw new BadCfi("CIE length");
        long id = is64 ? c.u64() : c.u32();
        if (id != 0) throw new BadCfi("not a CIE");
        c.limit = end;
        int version = c.u8();
        if (version != 1 && version != 3 && version != 4) throw new BadCfi("CIE version " + version);
        StringBuilder aug = new StringBuilder();
        for (int i = 0; ; i++) {
            int ch = c.u8();
            if (ch == 0) break;
            if (i > 32) throw new BadCfi("augmentation string");
            aug.append((char) ch);
        }
        String a = aug.toString();
        if (a.startsWith("eh")) {
            c.skip(8); // old gcc: eh_ptr
            a = a.substring(2);
        }
        if (version == 4) {
            int addrSize = c.u8();
            c.u8(); // segment selector size
            if (addrSize != 8) throw new BadCfi("address size " + addrSize);
        }
        long codeAlign = c.uleb();
        long dataAlign = c.sleb();
        int ra = version == 1 ? c.u8() : (int) c.uleb();
        int fdeEnc = PE_ABSPTR, lsdaEnc = PE_OMIT;
        boolean signal = false, hasAug = false;
        if (!a.isEmpty()) {
            if (a.charAt(0) != 'z') throw new BadCfi("augmentation " + a);
            hasAug = true;
            long augLen = c.uleb();
            long augEnd = c.pos + augLen;
            if (augEnd > end || augEnd < c.pos) throw new BadCfi("augmentation length");
            loop:
            for (int i = 1; i < a.length(); i++) {
                switch (a.charAt(i)) {
                    case 'L' -> lsdaEnc = c.u8();
                    case 'R' -> fdeEnc = c.u8();
                    case 'P' -> {
                        int penc = c.u8();
                        readEncoded(c, penc & ~PE_INDIRECT, 0); // the personality routine: skipped
                    }
                    case 'S' -> signal = true;
                    case 'B', 'G' -> { } // aarch64 BTI / MTE: no data
                    default -> {
                        break loop; // unknown: the length lets us skip the rest
                    }
                }
            }
            c.pos = augEnd;
        }
        Cie cie = new Cie(off, codeAlign, dataAlign, ra, fdeEnc, lsdaEnc, signal, hasAug, c.pos, end);
        cies.put(off, cie);
        return cie;
    }

    /**
     * The CFI row in effect at link-time pc, inside fde: the CIE's initial instructions, then the
     * FDE's instructions up to the last location <= pc.
     */
    Row row(Fde fde, long pc) throws BadCfi {
        Cie cie = fde.cie;
        Row row = new Row();
        Cursor ci = new Cursor(eh, ehVaddr, cie.insnStart, cie.insnEnd);
        execute(ci, cie, fde.pcBegin, -1L, row, null);
        Row initial = row.copy();
        Cursor fi = new Cursor(eh, ehVaddr, fde.insnStart, fde.insnEnd);
        execute(fi, cie, fde.pcBegin, pc, row, initial);
        return row;
    }

    private void execute(Cursor c, Cie cie, long startLoc, long pc, Row row, Row initial) throws BadCfi {
        long loc = startLoc;
        ArrayList<Row> stack = new ArrayList<>();
        while (c.pos < c.limit) {
            int op = c.u8();
            int hi = op & 0xc0, lo = op & 0x3f;
            if (hi == 0x40) { // DW_CFA_advance_loc
                loc += lo * cie.codeAlign;
                if (Long.compareUnsigned(loc, pc) > 0) return;
                continue;
            }
            if (hi == 0x80) { // DW_CFA_offset
                row.set(lo, OFFSET, c.uleb() * cie.dataAlign, 0);
                continue;
            }
            if (hi == 0xc0) { // DW_CFA_restore
                restore(row, initial, lo);
                continue;
            }
            switch (op) {
                case 0x00 -> { } // nop
                case 0x01 -> { // set_loc
                    loc = readEncoded(c, cie.fdeEnc, 0);
                    if (Long.compareUnsigned(loc, pc) > 0) return;
                }
                case 0x02, 0x03, 0x04 -> { // advance_loc1/2/4
                    long d = op == 0x02 ? c.u8() : op == 0x03 ? c.u16() : c.u32();
                    loc += d * cie.codeAlign;
                    if (Long.compareUnsigned(loc, pc) > 0) return;
                }
                case 0x05 -> { // offset_extended
                    int reg = reg(c.uleb());
                    row.set(reg, OFFSET, c.uleb() * cie.dataAlign, 0);
                }
                case 0x06 -> restore(row, initial, reg(c.uleb())); // restore_extended
                case 0x07 -> row.set(reg(c.uleb()), UNDEFINED, 0, 0);
                case 0x08 -> row.set(reg(c.uleb()), SAME, 0, 0);
                case 0x09 -> { // register
                    int reg = reg(c.uleb());
                    row.set(reg, REGISTER, reg(c.uleb()), 0);
                }
                case 0x0a -> { // remember_state
                    if (stack.size() >= MAX_STATE_DEPTH) throw new BadCfi("remember_state depth");
                    stack.add(row.copy());
                }
                case 0x0b -> { // restore_state
                    if (stack.isEmpty()) throw new BadCfi("restore_state with empty stack");
                    row.setFrom(stack.removeLast());
                }
                case 0x0c -> { // def_cfa
                    row.cfaIsExpr = false;
                    row.cfaReg = reg(c.uleb());
                    row.cfaOffset = c.uleb();
                }
                case 0x0d -> { // def_cfa_register
                    if (row.cfaIsExpr) throw new BadCfi("def_cfa_register on an expression CFA");
                    row.cfaReg = reg(c.uleb());
                }
                case 0x0e -> { // def_cfa_offset
                    if (row.cfaIsExpr) throw new BadCfi("def_cfa_offset on an expression CFA");
                    row.cfaOffset = c.uleb();
                }
                case 0x0f -> { // def_cfa_expression
                    long len = c.uleb();
                    row.cfaIsExpr = true;
                    row.cfaOffset = c.pos;
                    row.cfaExprLen = len;
                    c.skip(len);
                }
                case 0x10, 0x16 -> { // expression, val_expression
                    int reg = reg(c.uleb());
                    long len = c.uleb();
                    row.set(reg, op == 0x10 ? EXPR : VAL_EXPR, c.pos, len);
                    c.skip(len);
                }
                case 0x11 -> { // offset_extended_sf
                    int reg = reg(c.uleb());
                    row.set(reg, OFFSET, c.sleb() * cie.dataAlign, 0);
                }
                case 0x12 -> { // def_cfa_sf
                    row.cfaIsExpr = false;
                    row.cfaReg = reg(c.uleb());
                    row.cfaOffset = c.sleb() * cie.dataAlign;
                }
                case 0x13 -> { // def_cfa_offset_sf
                    if (row.cfaIsExpr) throw new BadCfi("def_cfa_offset_sf on an expression CFA");
                    row.cfaOffset = c.sleb() * cie.dataAlign;
                }
                case 0x14 -> { // val_offset
                    int reg = reg(c.uleb());
                    row.set(reg, VAL_OFFSET, c.uleb() * cie.dataAlign, 0);
                }
                case 0x15 -> { // val_offset_sf
                    int reg = reg(c.uleb());
                    row.set(reg, VAL_OFFSET, c.sleb() * cie.dataAlign, 0);
                }
                // AARCH64_negate_ra_state: from here the return address is signed (or no longer);
                // every return address is stripped of its authentication code anyway (Arch.codeAddress)
                case 0x2d -> { }
                case 0x2e -> c.uleb(); // GNU_args_size
                case 0x2f -> { // GNU_negative_offset_extended
                    int reg = reg(c.uleb());
                    row.set(reg, OFFSET, -c.uleb() * cie.dataAlign, 0);
                }
                default -> throw new BadCfi(String.format("DW_CFA 0x%x", op));
            }
        }
    }

    private static void restore(Row row, Row initial, int reg) {
        if (reg < 0 || reg >= NREGS) return;
        if (initial == null) {
            row.set(reg, UNSET, 0, 0);
        } else {
            row.set(reg, initial.kind[reg], initial.value[reg], initial.exprLen[reg]);
        }
    }

    private static int reg(long r) throws BadCfi {
        if (r < 0 || r > 4096) throw new BadCfi("register " + r);
        return (int) r;
    }

    /** A cursor over the bytes of .eh_frame, for the expression evaluator. */
    Cursor cursor(long start, long len) throws BadCfi {
        if (start < 0 || len < 0 || start + len > eh.byteSize()) throw new BadCfi("expression bounds");
        return new Cursor(eh, ehVaddr, start, start + len);
    }

    /**
     * Reads a pointer in encoding enc. pcrel is relative to the field's link-time address,
     * datarel to dataBase (the start of .eh_frame_hdr when reading that section). The indirect
     * bit is not followed (only personality pointers use it, and they are skipped).
     */
    static long readEncoded(Cursor c, int enc, long dataBase) throws BadCfi {
        if (enc == PE_OMIT) return 0;
        long fieldAddr = c.base + c.pos;
        long v = switch (enc & 0x0f) {
            case PE_ABSPTR, PE_UDATA8, PE_SDATA8 -> c.u64();
            case PE_ULEB128 -> c.uleb();
            case PE_UDATA2 -> c.u16();
            case PE_UDATA4 -> c.u32();
            case PE_SLEB128 -> c.sleb();
            case PE_SDATA2 -> (short) c.u16();
            case PE_SDATA4 -> (int) c.u32();
            default -> throw new BadCfi(String.format("pointer encoding 0x%x", enc));
        };
        switch (enc & 0x70) {
            case 0 -> { }
            case PE_PCREL -> v += fieldAddr;
            case PE_DATAREL -> {
                if (dataBase == 0) throw new BadCfi("datarel outside .eh_frame_hdr");
                v += dataBase;
            }
            default -> throw new BadCfi(String.format("pointer encoding 0x%x", enc));
        }
        return v;
    }

    /** Bounds-checked little-endian reads; base is the link-time address of the segment's offset 0. */
    static final class Cursor {
        final MemorySegment seg;
        final long base;
        long pos, limit;

        Cursor(MemorySegment seg, long base, long pos, long limit) {
            this.seg = seg;
            this.base = base;
            this.pos = pos;
            this.limit = Math.min(limit, seg.byteSize());
        }

        private void need(long n) throws BadCfi {
            if (pos < 0 || n > limit - pos) throw new BadCfi("truncated CFI");
        }

        void skip(long n) throws BadCfi {
            if (n < 0) throw new BadCfi("negative length");
            need(n);
            pos += n;
        }

        int u8() throws BadCfi {
            need(1);
            return seg.get(ValueLayout.JAVA_BYTE, pos++) & 0xff;
        }

        int u16() throws BadCfi {
            need(2);
            int v = seg.get(ElfImage.U16, pos) & 0xffff;
            pos += 2;
            return v;
        }

        long u32() throws BadCfi {
            need(4);
            long v = seg.get(ElfImage.U32, pos) & 0xffffffffL;
            pos += 4;
            return v;
        }

        long u64() throws BadCfi {
            need(8);
            long v = seg.get(ElfImage.U64, pos);
            pos += 8;
            return v;
        }

        long uleb() throws BadCfi {
            long result = 0;
            int shift = 0;
            for (int i = 0; i < 10; i++) {
                int b = u8();
                if (shift < 64) result |= (long) (b & 0x7f) << shift;
                shift += 7;
                if ((b & 0x80) == 0) return result;
            }
            throw new BadCfi("LEB128 too long");
        }

        long sleb() throws BadCfi {
            long result = 0;
            int shift = 0;
            for (int i = 0; i < 10; i++) {
                int b = u8();
                if (shift < 64) result |= (long) (b & 0x7f) << shift;
                shift += 7;
                if ((b & 0x80) == 0) {
                    if (shift < 64 && (b & 0x40) != 0) result |= -1L << shift;
                    return result;
                }
            }
            throw new BadCfi("LEB128 too long");
        }
    }
}
