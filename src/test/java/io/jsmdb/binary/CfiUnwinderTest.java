package io.jsmdb.binary;

import io.jsmdb.core.Arch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jsmdb.core.AddressSpace;
import io.jsmdb.core.MemoryFault;
import io.jsmdb.testing.NodeBinaries;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The CFI interpreter on .eh_frame bytes built by hand, and the two FDE lookups on a real libc. */
class CfiUnwinderTest {
    static final long EH_VADDR = 0x10000, HDR_VADDR = 0x20000;
    static final long BIAS = 0x555500000000L;
    static final long STACK = 0x7ff000000000L, STACK_SIZE = 0x1000;
    static final long S = STACK + 0x800; // the rsp of the frames under test

    /** .eh_frame section writer: CIEs and FDEs with pcrel|sdata4 pointers. */
    static final class Eh {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final List<long[]> fdes = new ArrayList<>(); // {pcBegin, offset}

        int cie(String aug, int dataAlign, int fdeEnc, int... insns) {
            return cieWithRa(16, aug, dataAlign, fdeEnc, insns);
        }

        /** A CIE whose return-address column is ra (x86-64: 16, the pc; AArch64: 30, the link register). */
        int cieWithRa(int ra, String aug, int dataAlign, int fdeEnc, int... insns) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            u32(b, 0); // CIE id
            b.write(1); // version
            for (char c : aug.toCharArray()) b.write(c);
            b.write(0);
            b.write(1); // code align
            sleb(b, dataAlign);
            b.write(ra); // return address register
            if (aug.startsWith("z")) {
                b.write(aug.contains("R") ? 1 : 0);
                if (aug.contains("R")) b.write(fdeEnc);
            }
            for (int i : insns) b.write(i);
            return entry(b.toByteArray());
        }

        int fde(int cieOff, long pcBegin, long range, int... insns) {
            int off = out.size();
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            u32(b, off + 4 - cieOff); // CIE pointer: from this field back to the CIE
            long field = EH_VADDR + off + 8;
            u32(b, (int) (pcBegin - field)); // pcrel sdata4
            u32(b, (int) range);
            b.write(0); // augmentation data length
            for (int i : insns) b.write(i);
            fdes.add(new long[] {pcBegin, off});
            return entry(b.toByteArray());
        }

        private int entry(byte[] body) {
            int off = out.size();
            int len = (body.length + 4 + 7) / 8 * 8 - 4; // pad with DW_CFA_nop to 8
            u32(out, len);
            out.writeBytes(body);
            for (int i = body.length; i < len; i++) out.write(0);
            return off;
        }

        byte[] bytes() {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.writeBytes(out.toByteArray());
            u32(b, 0); // terminator
            return b.toByteArray();
        }

        /** .eh_frame_hdr: version 1, eh_frame_ptr pcrel|sdata4, count udata4, table datarel|sdata4. */
        byte[] hdr() {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.write(1);
            b.write(0x1b);
            b.write(0x03);
            b.write(0x3b);
            u32(b, (int) (EH_VADDR - (HDR_VADDR + 4)));
            u32(b, fdes.size());
            fdes.stream().sorted((x, y) -> Long.compare(x[0], y[0])).forEach(f -> {
                u32(b, (int) (f[0] - HDR_VADDR));
                u32(b, (int) (EH_VADDR + f[1] - HDR_VADDR));
            });
            return b.toByteArray();
        }

        static void u32(ByteArrayOutputStream b, int v) {
            b.write(v);
            b.write(v >> 8);
            b.write(v >> 16);
            b.write(v >> 24);
        }

        static void sleb(ByteArrayOutputStream b, long v) {
            while (true) {
                int byt = (int) (v & 0x7f);
                v >>= 7;
                boolean done = (v == 0 && (byt & 0x40) == 0) || (v == -1 && (byt & 0x40) != 0);
                b.write(done ? byt : byt | 0x80);
                if (done) return;
            }
        }
    }

    /** Memory: one stack page-range; everything else faults. */
    static final class Mem implements AddressSpace {
        final byte[] stack = new byte[(int) STACK_SIZE];

        void put(long addr, long v) {
            for (int i = 0; i < 8; i++) stack[(int) (addr - STACK) + i] = (byte) (v >>> (8 * i));
        }

        @Override public boolean isReadable(long addr, long len) {
            return addr >= STACK && addr + len <= STACK + STACK_SIZE;
        }
        @Override public byte readByte(long addr) {
            if (!isReadable(addr, 1)) throw new MemoryFault(addr, 1, "not in the test stack");
            return stack[(int) (addr - STACK)];
        }
        @Override public short readShort(long addr) { return (short) ((readByte(addr) & 0xff) | (readByte(addr + 1) << 8)); }
        @Override public int readInt(long addr) { return (readShort(addr) & 0xffff) | (readShort(addr + 2) << 16); }
        @Override public long readLong(long addr) { return (readInt(addr) & 0xffffffffL) | ((long) readInt(addr + 4) << 32); }
        @Override public byte[] readBytes(long addr, int len) {
            byte[] b = new byte[len];
            for (int i = 0; i < len; i++) b[i] = readByte(addr + i);
            return b;
        }
    }

    static EhFrame frame(Eh eh, boolean withHdr) {
        MemorySegment hdr = withHdr ? MemorySegment.ofArray(eh.hdr()) : null;
        return new EhFrame(MemorySegment.ofArray(eh.bytes()), EH_VADDR, hdr, HDR_VADDR);
    }

    static CfiUnwinder unwinder(EhFrame f, Mem mem) {
        return new CfiUnwinder(mem, pc -> new CfiUnwinder.Located(f, BIAS));
    }

    static UnwindRegs regs(long linkPc, long rsp, long rbp) {
        return x86(linkPc + BIAS, rsp, rbp, 0xb0b, 0x1212, 0x1313, 0x1414, 0x1515);
    }

    /** An x86-64 register state with every callee-saved register known. */
    static UnwindRegs x86(long rip, long rsp, long rbp, long rbx, long r12, long r13, long r14, long r15) {
        return UnwindRegs.at(Arch.X86_64, rip).with(7, rsp).with(6, rbp).with(3, rbx).with(12, r12).with(13, r13)
                .with(14, r14).with(15, r15);
    }

    // A gcc function: push %rbp; mov %rsp,%rbp; ... ; (epilogue) pop %rbp; ret; more code after it.
    static final int[] CIE_STD = {0x0c, 0x07, 0x08, 0x90, 0x01}; // def_cfa rsp+8; rip at cfa-8
    static final int[] FDE_STD = {
            0x41, 0x0e, 0x10, 0x86, 0x02,       // +1: cfa = rsp+16, rbp at cfa-16
            0x43, 0x0d, 0x06,                   // +4: cfa = rbp+16
            0x02, 0x0a, 0x0a, 0x0c, 0x07, 0x08, 0xc6, // +14: remember; cfa = rsp+8; restore rbp
            0x41, 0x0b};                        // +15: restore_state

    static Eh standard() {
        Eh eh = new Eh();
        int cie = eh.cie("zR", -8, 0x1b, CIE_STD);
        eh.fde(cie, 0x1000, 0x40, FDE_STD);
        eh.fde(cie, 0x1040, 0x10); // a leaf with the CIE's rules only
        return eh;
    }

    @Test
    void prologueBodyEpilogue() {
        for (boolean hdr : new boolean[] {true, false}) {
            EhFrame f = frame(standard(), hdr);
            assertEquals(hdr, f.usesHdrTable());
            Mem mem = new Mem();
            mem.put(S, 0x400123);          // return address at entry
            CfiUnwinder u = unwinder(f, mem);

            UnwindRegs c = u.step(regs(0x1000, S, 0x77), true).orElseThrow();
            assertEquals(0x400123, c.pc());
            assertEquals(S + 8, c.sp());
            assertEquals(S + 8, c.cfa());
            assertEquals(0x77, c.fp());   // not saved yet: same value
            assertEquals(0xb0b, c.get(3));
            assertEquals(0x1515, c.get(15));

            mem.put(S - 8, 0xfeed);        // after push %rbp
            c = u.step(regs(0x1001, S - 8, 0x77), true).orElseThrow();
            assertEquals(0x400123, c.pc());
            assertEquals(S + 8, c.sp());
            assertEquals(0xfeed, c.fp());

            for (long pc = 0x1004; pc < 0x100e; pc++) { // body: by rbp, whatever rsp is
                c = u.step(regs(pc, S - 0x100, S - 8), true).orElseThrow();
                assertEquals(0x400123, c.pc(), "pc " + pc);
                assertEquals(S + 8, c.sp());
                assertEquals(0xfeed, c.fp());
            }
            // after pop %rbp: cfa by rsp again, rbp restored to "same value"
            c = u.step(regs(0x100e, S, 0x99), true).orElseThrow();
            assertEquals(S + 8, c.sp());
            assertEquals(0x99, c.fp());
            // restore_state: code after the ret is back to the body's rules
            c = u.step(regs(0x100f, S - 0x40, S - 8), true).orElseThrow();
            assertEquals(S + 8, c.sp());
            assertEquals(0xfeed, c.fp());
            // a return address 0x100f is a call at 0x100e: epilogue row
            c = u.step(regs(0x100f, S, 0x99), false).orElseThrow();
            assertEquals(S + 8, c.sp());
            assertEquals(0x99, c.fp());

            assertTrue(u.hasCfi(0x1000 + BIAS));
            assertTrue(u.hasCfi(0x103f + BIAS));
            assertTrue(u.hasCfi(0x104f + BIAS));
            assertFalse(u.hasCfi(0x0fff + BIAS));
            assertFalse(u.hasCfi(0x1050 + BIAS));
            assertFalse(u.isSignalFrame(0x1001 + BIAS, true));
            // return address just past the last FDE: pc-1 is still inside it
            assertTrue(u.step(regs(0x1050, S, 0), false).isPresent());
            assertTrue(u.step(regs(0x1050, S, 0), true).isEmpty());
        }
    }

    @Test
    void missingMemoryGivesEmpty() {
        Mem mem = new Mem();
        CfiUnwinder u = unwinder(frame(standard(), true), mem);
        assertTrue(u.step(regs(0x1000, STACK + STACK_SIZE, 0), true).isEmpty()); // RA slot outside the stack
        assertTrue(u.step(regs(0x1004, S, 0x10), true).isEmpty());               // rbp-based CFA in nowhere
    }

    @Test
    void pltExpression() {
        Eh eh = new Eh();
        int cie = eh.cie("zR", -8, 0x1b, CIE_STD);
        // glibc/binutils PLT: cfa = rsp + 8 + ((rip & 15) >= 11 ? 8 : 0)
        eh.fde(cie, 0x2000, 0x40, 0x41, 0x0e, 0x10, 0x45, 0x0f, 0x0b,
                0x77, 0x08, 0x80, 0x00, 0x3f, 0x1a, 0x3b, 0x2a, 0x33, 0x24, 0x22);
        Mem mem = new Mem();
        mem.put(S, 0x400500);
        mem.put(S + 8, 0x400600);
        CfiUnwinder u = unwinder(frame(eh, true), mem);
        assertEquals(S + 8, u.step(regs(0x2000, S, 0), true).orElseThrow().sp());
        assertEquals(S + 8, u.step(regs(0x2001, S - 8, 0), true).orElseThrow().sp()); // after pushq: cfa rsp+16
        assertEquals(S + 8, u.step(regs(0x2006, S, 0), true).orElseThrow().sp());     // before pushq: & 15 = 6
        UnwindRegs c = u.step(regs(0x200b, S - 8, 0), true).orElseThrow();            // after pushq: & 15 = 11, +8
        assertEquals(S + 8, c.sp());
        assertEquals(0x400500, c.pc());
    }

    @Test
    void signalTrampoline() {
        Eh eh = new Eh();
        int cie = eh.cie("zRS", -8, 0x1b);
        // glibc's __restore_rt (FDE starts one byte early): everything from the ucontext at rsp
        eh.fde(cie, 0x2fff, 0x10,
                0x0f, 0x04, 0x77, 0xa0, 0x01, 0x06,   // cfa = [rsp+160]
                0x10, 0x06, 0x03, 0x77, 0xf8, 0x00,   // rbp at rsp+120
                0x10, 0x07, 0x03, 0x77, 0xa0, 0x01,   // rsp at rsp+160
                0x10, 0x03, 0x03, 0x77, 0x88, 0x01,   // rbx at rsp+136
                0x10, 0x10, 0x03, 0x77, 0xa8, 0x01);  // rip at rsp+168
        Mem mem = new Mem();
        long interruptedSp = S + 0x400;
        mem.put(S + 160, interruptedSp);
        mem.put(S + 168, 0x401234);
        mem.put(S + 120, S + 0x480);
        mem.put(S + 136, 0xbbb);
        CfiUnwinder u = unwinder(frame(eh, true), mem);
        long ra = 0x3000 + BIAS; // the handler returns to __restore_rt itself
        assertTrue(u.isSignalFrame(ra, false));
        UnwindRegs c = u.step(x86(ra, S, 0, 0, 0, 0, 0, 0), false).orElseThrow();
        assertEquals(0x401234, c.pc());
        assertEquals(interruptedSp, c.sp());
        assertEquals(interruptedSp, c.cfa());
        assertEquals(S + 0x480, c.fp());
        assertEquals(0xbbb, c.get(3));
    }

    @Test
    void otherRules() {
        Eh eh = new Eh();
        int cie = eh.cie("zR", -8, 0x1b, CIE_STD);
        eh.fde(cie, 0x4000, 0x20000,
                0x0c, 0x07, 0x10,       // def_cfa rsp+16
                0x14, 0x03, 0x02,       // val_offset rbx = cfa-16
                0x09, 0x0c, 0x0d,       // r12 is in r13
                0x08, 0x0e,             // r14 same value
                0x07, 0x0f,             // r15 undefined
                0x2e, 0x80, 0x01,       // GNU_args_size 128 (two-byte uleb)
                0x05, 0x10, 0x01,       // offset_extended rip at cfa-8
                0x03, 0x00, 0x01,       // advance_loc2 0x100
                0x11, 0x06, 0x7e,       // offset_extended_sf rbp at cfa+16
                0x12, 0x06, 0x7e,       // def_cfa_sf rbp+16
                0x16, 0x0d, 0x02, 0x9c, 0x96, // val_expression r13 = call_frame_cfa; nop
                0x04, 0x00, 0x00, 0x01, 0x00, // advance_loc4 0x10000
                0x07, 0x10);            // rip undefined: outermost
        Mem mem = new Mem();
        mem.put(S, 0x400777);
        mem.put(S + 0x40 + 16 + 16, 0x1111);
        CfiUnwinder u = unwinder(frame(eh, false), mem);

        UnwindRegs c = u.step(regs(0x4000, S - 8, 0x55), true).orElseThrow();
        assertEquals(S + 8, c.sp());
        assertEquals(0x400777, c.pc());
        assertEquals(S - 8, c.get(3));
        assertEquals(0x1313, c.get(12));
        assertEquals(0x1414, c.get(14));
        assertEquals(0, c.get(15));
        assertEquals(0x55, c.fp());

        long rbp = S + 0x40;
        mem.put(rbp + 8, 0x400888);
        c = u.step(regs(0x4100, S, rbp), true).orElseThrow();
        assertEquals(rbp + 16, c.cfa());
        assertEquals(0x400888, c.pc());
        assertEquals(0x1111, c.fp());
        assertEquals(rbp + 16, c.get(13));

        assertEquals(0, u.step(regs(0x14100, S, rbp), true).orElseThrow().pc());
    }

    @Test
    void badCfiIsEmptyNeverThrows() {
        Eh eh = new Eh();
        int cie = eh.cie("zR", -8, 0x1b, CIE_STD);
        eh.fde(cie, 0x5000, 0x10, 0x20);                 // DW_CFA 0x20: not an opcode
        eh.fde(cie, 0x5010, 0x10, 0x0b);                 // restore_state with nothing remembered
        int[] deep = new int[100];
        java.util.Arrays.fill(deep, 0x0a);
        eh.fde(cie, 0x5020, 0x10, deep);                 // remember_state 100 deep
        eh.fde(cie, 0x5030, 0x10, 0x0f, 0x7f, 0x77);     // expression longer than the FDE
        eh.fde(cie, 0x5040, 0x10, 0x0f, 0x01, 0x13);     // DW_OP_drop on an empty stack
        eh.fde(cie, 0x5050, 0x10, 0x0f, 0x01, 0x75);     // breg5 (rdi): a register we do not have
        int weird = eh.cie("zRQ", -8, 0x1b, CIE_STD);     // unknown augmentation: skipped by length
        eh.fde(weird, 0x5060, 0x10);
        Mem mem = new Mem();
        mem.put(S, 0x400999);
        for (boolean hdr : new boolean[] {true, false}) {
            CfiUnwinder u = unwinder(frame(eh, hdr), mem);
            for (long pc = 0x5000; pc < 0x5060; pc += 0x10) {
                assertTrue(u.hasCfi(pc + BIAS), "pc " + Long.toHexString(pc));
                assertTrue(u.step(regs(pc, S, 0), true).isEmpty(), "pc " + Long.toHexString(pc));
            }
            assertEquals(0x400999, u.step(regs(0x5060, S, 0), true).orElseThrow().pc());
        }

        // truncated section: the last FDE runs past the end
        byte[] whole = standard().bytes();
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 12);
        EhFrame t = new EhFrame(MemorySegment.ofArray(cut), EH_VADDR, null, 0);
        assertNotNull(t.find(0x1000));
        assertNull(t.find(0x1040));

        // random bytes, with and without a header table pointing into them
        Random rnd = new Random(42);
        for (int i = 0; i < 2000; i++) {
            byte[] junk = new byte[rnd.nextInt(200)];
            rnd.nextBytes(junk);
            if (junk.length > 8 && rnd.nextBoolean()) junk[0] = (byte) Math.min(junk.length - 4, 60);
            byte[] hdr = standard().hdr();
            EhFrame f = new EhFrame(MemorySegment.ofArray(junk), EH_VADDR, rnd.nextBoolean() ? MemorySegment.ofArray(hdr) : null, HDR_VADDR);
            CfiUnwinder u = unwinder(f, mem);
            for (long pc : new long[] {0x1000, 0x1004, 0x1040, rnd.nextLong()}) {
                u.hasCfi(pc + BIAS);
                u.step(regs(pc, S, S), rnd.nextBoolean());
            }
        }
    }

    @Test
    void expressionOps() throws Exception {
        // 10 20 swap - => 10; dup * => 100; lit1 bra +1 (skip lit31) ; 3 rot... keep it simple
        int[] ops = {0x3a, 0x08, 20, 0x16, 0x1c, // lit10, const1u 20, swap, minus -> 10
                0x12, 0x1e,                    // dup, mul -> 100
                0x31, 0x28, 0x01, 0x00, 0x4f,  // lit1, bra +1 over lit31
                0x2f, 0x01, 0x00, 0x4f,        // skip +1 over lit31
                0x11, 0x7f, 0x22,              // consts -1, plus -> 99
                0x70 + 7, 0x00, 0x94, 0x04,    // breg7 0 (S), deref_size 4
                0x1c};                         // 99 - low word of [S]
        Eh eh = new Eh();
        int cie = eh.cie("zR", -8, 0x1b, CIE_STD);
        int[] insns = new int[ops.length + 2];
        insns[0] = 0x0f;
        insns[1] = ops.length;
        for (int i = 0; i < ops.length; i++) insns[i + 2] = ops[i];
        eh.fde(cie, 0x6000, 0x10, insns);
        Mem mem = new Mem();
        mem.put(S, 0xdeadbeef00000009L);
        EhFrame f = frame(eh, true);
        EhFrame.Fde fde = f.find(0x6000);
        EhFrame.Row row = f.row(fde, 0x6000);
        assertTrue(row.cfaIsExpr);
        long[] v = new long[EhFrame.NREGS];
        boolean[] known = new boolean[EhFrame.NREGS];
        v[EhFrame.RSP] = S;
        known[EhFrame.RSP] = true;
        assertEquals(90, CfiUnwinder.eval(f, row.cfaOffset, row.cfaExprLen, v, known, 0, false, mem));
    }

    @Test
    void hdrTableAndIndexAgreeOnLibc() throws Exception {
        Path libc = NodeBinaries.LIBC;
        try (ElfImage img = ElfImage.open(libc)) {
            Section ehs = img.section(".eh_frame").orElseThrow();
            Section hs = img.section(".eh_frame_hdr").orElseThrow();
            MemorySegment ehb = img.sectionBytes(ehs).orElseThrow();
            EhFrame withHdr = new EhFrame(ehb, ehs.addr(), img.sectionBytes(hs).orElseThrow(), hs.addr());
            EhFrame indexed = new EhFrame(ehb, ehs.addr(), null, 0);
            assertTrue(withHdr.usesHdrTable());
            assertFalse(indexed.usesHdrTable());
            int found = 0;
            for (String name : List.of("abort", "raise", "epoll_wait", "pthread_cond_wait", "malloc", "free",
                    "memcpy", "printf", "__libc_start_main", "pthread_kill", "epoll_pwait", "qsort")) {
                Optional<Symbol> s = img.symbols().byName(name);
                if (s.isEmpty()) continue;
                for (long pc : new long[] {s.get().value(), s.get().value() + 1, s.get().value() + s.get().size() - 1}) {
                    EhFrame.Fde a = withHdr.find(pc), b = indexed.find(pc);
                    assertEquals(a == null, b == null, name);
                    if (a != null) {
                        assertEquals(a.offset(), b.offset(), name);
                        assertTrue(a.covers(pc));
                        found++;
                        assertNotNull(withHdr.row(a, pc));
                    }
                }
            }
            assertTrue(found >= 20, "FDEs found in libc: " + found);
        }
    }

    /**
     * AArch64: {@code paciasp; stp x29, x30, [sp, #-32]!; mov x29, sp} (CFA sp+32, x29 at
     * CFA-32, x30 at CFA-24, the return address signed). The caller's pc comes without its
     * authentication code; before the prologue (no rule for x30) it is the link register; and a
     * frame entered through its callee's frame record, whose sp is only a lower bound, is placed
     * by x29.
     */
    @Test
    void aarch64SignedReturnAddressesLinkRegisterAndFrameRecords() throws Exception {
        Eh eh = new Eh();
        int cie = eh.cieWithRa(30, "zR", -8, 0x1b, 0x0c, 31, 0);                 // def_cfa sp+0
        eh.fde(cie, 0x5000, 0x100, 0x2d, 0x44, 0x0e, 32, 0x9d, 4, 0x9e, 3);   // negate_ra_state; +4: cfa sp+32, x29 cfa-32, x30 cfa-24
        Mem mem = new Mem();
        mem.put(S, 0xf00dL);                        // the caller's x29
        mem.put(S + 8, 0x002a_0000_0040_1234L);     // its return address, signed (PAC in bits 48-54)
        CfiUnwinder u = unwinder(frame(eh, true), mem);
        UnwindRegs inBody = UnwindRegs.at(Arch.AARCH64, 0x5010 + BIAS).with(31, S).with(29, S).with(30, 0x0055_0000_0040_9999L)
                .with(19, 0x1919);
        UnwindRegs c = u.step(inBody, true).orElseThrow();
        assertEquals(0x401234, c.pc());
        assertEquals(S + 32, c.sp());
        assertEquals(0xf00d, c.fp());
        assertEquals(0x1919, c.get(19));             // no rule: the same value

        // a leaf (or a function before its prologue): the return address is still in x30
        UnwindRegs atEntry = UnwindRegs.at(Arch.AARCH64, 0x5000 + BIAS).with(31, S).with(29, 0x77).with(30, 0x401500);
        c = u.step(atEntry, true).orElseThrow();
        assertEquals(0x401500, c.pc());
        assertEquals(S, c.sp());
        assertEquals(0x77, c.fp());

        // reached through its callee's frame record: the sp given is a lower bound only
        UnwindRegs viaRecord = UnwindRegs.at(Arch.AARCH64, 0).with(31, S - 0x100).with(29, S - 0x100)
                .callerByFramePointer(0x0011_0000_0000_0000L | (0x5010 + BIAS), S - 0x40, S);
        assertTrue(viaRecord.spIsLowerBound());
        assertEquals(0x5010 + BIAS, viaRecord.pc());  // stripped when read from the record too
        c = u.step(viaRecord, false).orElseThrow();
        assertEquals(0x401234, c.pc());
        assertEquals(S + 32, c.sp());
        assertEquals(0xf00d, c.fp());
        assertFalse(c.spIsLowerBound());
    }
}
