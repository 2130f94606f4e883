package io.jsmdb.core;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoreFileTest {
    @TempDir Path tmp;

    private Path write(String name, byte[] bytes) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 7 + seed);
        return b;
    }

    @Test
    void readsMemoryThreadsAndFiles() throws Exception {
        byte[] data = pattern(8192, 1);
        Path p = write("core", new SyntheticCore()
                .load(0x10000, 8192, data, 6)
                .thread(101, 6, 0x10010, 0x10800, 0x10900)
                .thread(102, 0, 0x10020, 0x11000, 0)
                .file(0x400000, 0x401000, 0, "/bin/x")
                .build());
        try (CoreFile c = CoreFile.open(p)) {
            assertEquals(2, c.threads().size());
            assertEquals(101, c.faultingThread().orElseThrow().tid());
            assertEquals(6, c.threads().get(0).signal());
            assertEquals(0x10010, c.threads().get(0).registers().pc());
            assertEquals(0x10800, c.threads().get(0).registers().sp());
            assertEquals(data[5], c.readByte(0x10005));
            assertEquals(java.nio.ByteBuffer.wrap(data, 8, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(), c.readLong(0x10008));
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 100, 4200), c.readBytes(0x10000 + 100, 4100));
            assertEquals("/bin/x", c.mappedFiles().get(0).path());
            MemoryFault f = assertThrows(MemoryFault.class, () -> c.readLong(0x20000));
            assertTrue(f.getMessage().contains("not in the core"), f.getMessage());
            // A read that runs off the end of the mapping fails; it never returns invented bytes.
            assertThrows(MemoryFault.class, () -> c.readLong(0x10000 + 8190));
            assertThrows(MemoryFault.class, () -> c.readBytes(0x10000 + 8000, 400));
        }
    }

    @Test
    void fillsOmittedPagesFromTheMappedFileAndWarnsWhenItIsMissing() throws Exception {
        byte[] fileBytes = pattern(3 * 4096, 3);
        Path lib = write("lib.so", fileBytes);
        // The core keeps only the first page of a 3-page read-only mapping, as kernels do.
        byte[] firstPage = java.util.Arrays.copyOf(fileBytes, 4096);
        byte[] core = new SyntheticCore()
                .load(0x700000, 3 * 4096, firstPage, 4)
                .load(0x800000, 2 * 4096, new byte[4096], 4)
                .file(0x700000, 0x703000, 0, "/lib/lib.so")
                .file(0x800000, 0x802000, 0, "/lib/gone.so")
                .build();
        try (CoreFile c = CoreFile.open(write("core", core))) {
            assertThrows(MemoryFault.class, () -> c.readLong(0x701000), "not filled before fillFromFiles");
            c.fillFromFiles(path -> path.equals("/lib/lib.so") ? Optional.of(lib) : Optional.empty());
            assertEquals(fileBytes[4096 + 17], c.readByte(0x701000 + 17));
            assertArrayEquals(java.util.Arrays.copyOfRange(fileBytes, 4000, 9000), c.readBytes(0x700000 + 4000, 5000));
            MemoryFault f = assertThrows(MemoryFault.class, () -> c.readInt(0x801000));
            assertTrue(f.getMessage().contains("/lib/gone.so"), f.getMessage());
            assertEquals(1, c.warnings().stream().filter(w -> w.contains("/lib/gone.so")).count(), c.warnings().toString());
            CoreFile.Coverage cov = c.coverage(0x700000, 0x703000);
            assertEquals(4096, cov.inCore());
            assertEquals(8192, cov.fromFiles());
            assertEquals(0, cov.missing());
        }
    }

    @Test
    void truncatedCoreOpensWithAWarningAndFailsReadsOfTheMissingPart() throws Exception {
        byte[] full = new SyntheticCore().load(0x10000, 3 * 4096, pattern(3 * 4096, 5), 6).build();
        byte[] cut = java.util.Arrays.copyOf(full, full.length - 4096 - 100);
        try (CoreFile c = CoreFile.open(write("core", cut))) {
            assertTrue(c.warnings().stream().anyMatch(w -> w.contains("truncated")), c.warnings().toString());
            assertTrue(c.truncatedBytes() > 4096);
            c.readLong(0x10000);
            MemoryFault f = assertThrows(MemoryFault.class, () -> c.readLong(0x10000 + 2 * 4096 + 8));
            assertTrue(f.getMessage().contains("truncated"), f.getMessage());
        }
    }

    @Test
    void aCoreWithoutMappedFilesWhoseLengthDisagreesWithItsHeadersIsFlaggedAsQemusTwoPassCore() throws Exception {
        // qemu-user's cores: thread notes, no NT_FILE, no section headers
        byte[] full = new SyntheticCore().thread(7, 6, 0x10000, 0x10000, 0).load(0x10000, 3 * 4096, pattern(3 * 4096, 5), 6).build();
        byte[] longer = java.util.Arrays.copyOf(full, full.length + 4096);
        try (CoreFile c = CoreFile.open(write("short", java.util.Arrays.copyOf(full, full.length - 4096)))) {
            assertEquals(1, c.warnings().stream().filter(w -> w.contains("4.0 KiB shorter (truncated) than its headers say")
                    && w.contains("qemu")).count(), c.warnings().toString());
            assertTrue(c.warnings().stream().noneMatch(w -> w.contains("of memory missing")), c.warnings().toString());
        }
        try (CoreFile c = CoreFile.open(write("long", longer))) {
            assertTrue(c.warnings().stream().anyMatch(w -> w.contains("4.0 KiB longer than its headers say")), c.warnings().toString());
        }
        try (CoreFile c = CoreFile.open(write("exact", full))) {
            assertTrue(c.warnings().stream().noneMatch(w -> w.contains("headers say")), c.warnings().toString());
        }
        // a kernel core names its mapped files: longer is harmless, shorter is plain truncation
        byte[] kernel = new SyntheticCore().thread(7, 6, 0x10000, 0x10000, 0).file(0x10000, 0x13000, 0, "/bin/x")
                .load(0x10000, 3 * 4096, pattern(3 * 4096, 5), 6).build();
        try (CoreFile c = CoreFile.open(write("kernel-long", java.util.Arrays.copyOf(kernel, kernel.length + 64)))) {
            assertTrue(c.warnings().stream().noneMatch(w -> w.contains("headers say") || w.contains("truncated")), c.warnings().toString());
        }
        try (CoreFile c = CoreFile.open(write("kernel-short", java.util.Arrays.copyOf(kernel, kernel.length - 4096)))) {
            assertTrue(c.warnings().stream().anyMatch(w -> w.startsWith("core file is truncated: 4.0 KiB of memory missing")),
                    c.warnings().toString());
        }
    }

    @Test
    void manyProgramHeadersThroughPnXnum() throws Exception {
        SyntheticCore sc = new SyntheticCore().xnum();
        for (int i = 0; i < 70_000; i++) sc.loadAt(0x100000000L + i * 0x2000L, 0x1000, 0, 0);
        sc.load(0x10000, 4096, pattern(4096, 9), 6);
        try (CoreFile c = CoreFile.open(write("core", sc.build()))) {
            assertEquals(70_001, c.loadSegments().size());
            assertEquals(pattern(4096, 9)[8], c.readByte(0x10008));
        }
    }

    @Test
    void badFilesGiveOneLineErrors() throws Exception {
        assertMessage("no such file", tmp.resolve("nope"));
        assertMessage("is a directory", tmp);
        assertMessage("empty file", write("empty", new byte[0]));
        assertMessage("not an ELF file", write("text", "hello, this is not a core\n".repeat(10).getBytes()));
        byte[] exec = new SyntheticCore().build();
        exec[16] = 2; // ET_EXEC
        assertMessage("not a core file (an executable)", write("exec", exec));
        byte[] truncatedHeaders = java.util.Arrays.copyOf(new SyntheticCore().load(0x1000, 4096, new byte[4096], 6).build(), 80);
        assertMessage("truncated core file", write("cut", truncatedHeaders));
    }

    @Test
    void readsAnAArch64CoreAsTheKernelWritesIt() throws Exception {
        long[] regs = new long[34];
        for (int i = 0; i < 31; i++) regs[i] = 0x1000 + i; // x0..x30
        regs[29] = 0xffffc0de0000L;                         // x29, the frame pointer
        regs[30] = 0x0000aaaa00001234L;                     // x30, the link register
        regs[31] = 0xffffc0ddff00L;                         // sp
        regs[32] = 0x0000aaaa00005678L;                     // pc
        regs[33] = 0x60001000L;                             // pstate
        byte[] data = pattern(4096, 5);
        Path p = write("core-arm64", new SyntheticCore().aarch64()
                .load(0xffffc0dd0000L, 4096, data, 6)
                .threadRegs(300, 5, regs)
                .thread(301, 0, 0xaaaa00009abcL, 0xffffb0000000L, 0xffffb0000100L)
                .file(0xaaaa00000000L, 0xaaaa00100000L, 0, "/usr/bin/node")
                .build());
        try (CoreFile c = CoreFile.open(p)) {
            assertEquals(Arch.AARCH64, c.arch());
            assertEquals(2, c.threads().size());
            ThreadState t300 = c.threads().stream().filter(t -> t.tid() == 300).findFirst().orElseThrow();
            ThreadState t301 = c.threads().stream().filter(t -> t.tid() == 301).findFirst().orElseThrow();
            Registers r = t300.registers();
            assertEquals(Arch.AARCH64, r.arch());
            assertEquals(34, r.names().size());
            assertEquals(List.of("x0", "x1"), r.names().subList(0, 2));
            assertEquals(List.of("x30", "sp", "pc", "pstate"), r.names().subList(30, 34));
            assertEquals(0x0000aaaa00005678L, r.pc());
            assertEquals(0xffffc0ddff00L, r.sp());
            assertEquals(0xffffc0de0000L, r.fp());
            assertEquals(0x0000aaaa00001234L, r.get("x30"));
            assertEquals(0x1007, r.get("x7"));
            assertEquals(0x60001000L, r.get("pstate"));
            assertEquals(5, t300.signal());
            assertEquals(300, c.faultingThread().orElseThrow().tid());
            Registers r2 = t301.registers();
            assertEquals(0xaaaa00009abcL, r2.pc());
            assertEquals(0xffffb0000000L, r2.sp());
            assertEquals(0xffffb0000100L, r2.fp());
            assertEquals(data[9], c.readByte(0xffffc0dd0009L));
            assertEquals("/usr/bin/node", c.mappedFiles().get(0).path());
        }
        // x86-64's register names are not AArch64's
        try (CoreFile c = CoreFile.open(p)) {
            assertThrows(IllegalArgumentException.class, () -> c.faultingThread().orElseThrow().registers().get("rip"));
        }
    }

    /** NT_FPREGSET after a thread's NT_PRSTATUS, in the kernel's user_fpsimd_state (AArch64) and FXSAVE (x86-64) layouts. */
    @Test
    void floatingPointRegistersBelongToTheThreadBeforeThem() throws Exception {
        java.nio.ByteBuffer arm = java.nio.ByteBuffer.allocate(FpRegisters.AARCH64_BYTES).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        arm.putLong(0, Double.doubleToLongBits(3.25)).putLong(8, 0x1122334455667788L); // v0
        arm.putLong(31 * 16, 0x0123456789abcdefL);                                       // v31, low half
        arm.putInt(512, 0x08000010).putInt(516, 0x03000000);                              // fpsr, fpcr
        Path p = write("core-arm64-fp", new SyntheticCore().aarch64()
                .thread(300, 6, 0x1000, 0x2000, 0x3000).fpregs(300, arm.array())
                .thread(301, 0, 0x1100, 0x2100, 0x3100)
                .build());
        try (CoreFile c = CoreFile.open(p)) {
            FpRegisters fp = c.threads().get(0).fp().orElseThrow();
            assertEquals(32, fp.vectorCount());
            assertEquals(3.25, Double.longBitsToDouble(fp.vectorLow(0)));
            assertEquals(0x1122334455667788L, fp.vectorHigh(0));
            assertEquals(0x0123456789abcdefL, fp.vectorLow(31));
            assertEquals(0x08000010, fp.fpsr());
            assertEquals(0x03000000, fp.fpcr());
            assertThrows(IllegalStateException.class, fp::mxcsr);
            assertTrue(c.threads().get(1).fp().isEmpty(), "thread 301 has no NT_FPREGSET");
            assertEquals(List.of(), c.warnings());
        }

        java.nio.ByteBuffer x86 = java.nio.ByteBuffer.allocate(FpRegisters.X86_64_BYTES).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        x86.putShort(0, (short) 0x037f).putShort(2, (short) 0x3800).put(4, (byte) 0x80).putInt(24, 0x1fa1);
        x86.putLong(32 + 7 * 16, 0x8000000000000000L).putShort(32 + 7 * 16 + 8, (short) 0x3fff); // st7 = 1.0
        x86.putLong(160 + 15 * 16, 0x7ff8000000000000L);                                             // xmm15 = NaN
        Path q = write("core-x64-fp", new SyntheticCore().thread(7, 6, 0x1000, 0x2000, 0x3000).fpregs(7, x86.array())
                .thread(8, 0, 0x1000, 0x2000, 0x3000).fpregs(8, new byte[100]).build());
        try (CoreFile c = CoreFile.open(q)) {
            FpRegisters fp = c.threads().get(0).fp().orElseThrow();
            assertEquals(16, fp.vectorCount());
            assertEquals(0x037f, fp.fcw());
            assertEquals(0x3800, fp.fsw());
            assertEquals(0x80, fp.ftw());
            assertEquals(0x1fa1, fp.mxcsr());
            assertEquals("1.0", FpRegisters.extendedToString(fp.stSignExponent(7), fp.stSignificand(7)));
            assertTrue(Double.isNaN(Double.longBitsToDouble(fp.vectorLow(15))));
            // a note too short for FXSAVE: no registers for that thread, and a warning
            assertTrue(c.threads().get(1).fp().isEmpty());
            assertTrue(c.warnings().stream().anyMatch(w -> w.contains("NT_FPREGSET too short for x86-64 (100 bytes, 512 needed)")), c.warnings().toString());
        }
    }

    /** NT_ARM_PAC_MASK: the 48-bit mask jsmdb strips with is silent; a 52-bit process's is flagged. */
    @Test
    void aPacMaskWiderThanJsmdbsIsFlagged() throws Exception {
        for (long insnMask : new long[] {0x007f000000000000L, 0xff7f000000000000L, 0x007ff00000000000L}) {
            byte[] pac = java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(insnMask).putLong(insnMask).array();
            Path p = write("core-pac", new SyntheticCore().aarch64().thread(1, 6, 0x1000, 0x2000, 0x3000)
                    .note("LINUX", 0x406, pac).note("LINUX", 0x406, pac).build());
            try (CoreFile c = CoreFile.open(p)) {
                boolean wide = (insnMask & 0x0000_ffff_ffff_ffffL) != 0;
                List<String> flagged = c.warnings().stream().filter(w -> w.contains("NT_ARM_PAC_MASK")).toList();
                assertEquals(wide ? 1 : 0, flagged.size(), String.format("%#x: %s", insnMask, c.warnings()));
                if (wide) assertTrue(flagged.get(0).contains(String.format("insn_mask %#x", insnMask)), flagged.get(0));
            }
        }
    }

    @Test
    void extendedPrecisionValues() {
        assertEquals("0.0", FpRegisters.extendedToString(0, 0));
        assertEquals("-0.0", FpRegisters.extendedToString(0x8000, 0));
        assertEquals("324.0", FpRegisters.extendedToString(0x4007, 0xa200000000000000L));
        assertEquals("-2.5", FpRegisters.extendedToString(0xc000, 0xa000000000000000L));
        assertEquals("inf", FpRegisters.extendedToString(0x7fff, 0x8000000000000000L));
        assertEquals("-inf", FpRegisters.extendedToString(0xffff, 0x8000000000000000L));
        assertEquals("nan", FpRegisters.extendedToString(0x7fff, 0xc000000000000000L));
    }

    @Test
    void anAArch64CoreWithAnX8664NodeIsRefusedInOneLine() throws Exception {
        Path p = write("core-arm64", new SyntheticCore().aarch64().thread(1, 5, 0x1000, 0x2000, 0x3000)
                .file(0x400000, 0x401000, 0, "/usr/bin/node").build());
        Path x64 = io.jsmdb.testing.NodeBinaries.binary("20.20.2");
        io.jsmdb.node.TargetException e = assertThrows(io.jsmdb.node.TargetException.class,
                () -> io.jsmdb.node.NodeTarget.open(x64, p, List.of()).close());
        assertEquals(x64 + " is a binary of x86-64, the core is of AArch64: name the node binary the core was made by",
                e.getMessage());
    }

    @Test
    void aCoreOfAnotherMachineIsRefusedInOneLine() throws Exception {
        byte[] riscv = new SyntheticCore().build();
        riscv[18] = (byte) 243; // EM_RISCV
        assertMessage("unsupported architecture: a core of RISC-V (e_machine 243); jsmdb reads x86-64 and AArch64 cores",
                write("core-riscv", riscv));
        byte[] arm32 = new SyntheticCore().build();
        arm32[18] = 40; // EM_ARM
        assertMessage("a core of ARM (32-bit) (e_machine 40)", write("core-arm", arm32));
    }

    @Test
    void anAArch64PrStatusTooShortIsAWarningNotAThread() throws Exception {
        // an x86-64-sized NT_PRSTATUS (336 bytes) in an AArch64 core: too short for user_pt_regs
        byte[] x86 = new SyntheticCore().thread(7, 6, 0x1000, 0x2000, 0x3000).build();
        x86[18] = (byte) 183;
        try (CoreFile c = CoreFile.open(write("core-short", x86))) {
            assertEquals(0, c.threads().size());
            assertTrue(String.join("\n", c.warnings()).contains("NT_PRSTATUS too short for AArch64 registers (336 bytes)"),
                    String.join("\n", c.warnings()));
        }
    }

    private static void assertMessage(String expected, Path p) {
        CoreFormatException e = assertThrows(CoreFormatException.class, () -> CoreFile.open(p).close());
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
