package io.jsmdb.core;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
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
            assertEquals(0x10010, c.threads().get(0).registers().rip());
            assertEquals(0x10800, c.threads().get(0).registers().rsp());
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

    private static void assertMessage(String expected, Path p) {
        CoreFormatException e = assertThrows(CoreFormatException.class, () -> CoreFile.open(p).close());
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
