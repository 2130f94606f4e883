package io.jsmdb.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jsmdb.testing.NodeBinaries;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files that are not ELF, or are ELF with lying headers: clear errors or partial results, never crashes. */
class BadInputTest {
    @TempDir
    Path dir;

    private ElfFormatException formatError(Path p) {
        ElfFormatException e = assertThrows(ElfFormatException.class, () -> ElfImage.open(p).close());
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e;
    }

    @Test
    void textFile() throws Exception {
        Path p = Files.writeString(dir.resolve("notes.txt"), "hello, this is not an ELF file\n");
        assertEquals("not an ELF file: " + p, formatError(p).getMessage());
    }

    @Test
    void directory() {
        assertEquals("not an ELF file: " + dir + " (is a directory)", formatError(dir).getMessage());
    }

    @Test
    void emptyFile() throws Exception {
        Path p = Files.createFile(dir.resolve("empty"));
        assertEquals("not an ELF file: " + p + " (empty)", formatError(p).getMessage());
    }

    @Test
    void missingFile() {
        Path p = dir.resolve("no-such-file");
        IOException e = assertThrows(NoSuchFileException.class, () -> ElfImage.open(p));
        assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("no such file"), e.getMessage());
    }

    @Test
    void truncatedNode() throws Exception {
        Path node = NodeBinaries.binary("22.23.3");
        byte[] head = new byte[100];
        try (InputStream in = Files.newInputStream(node)) {
            assertEquals(100, in.readNBytes(head, 0, 100));
        }
        Path p = Files.write(dir.resolve("node-head"), head);
        assertTrue(formatError(p).getMessage().startsWith("truncated ELF file: " + p), "message");
        // just the magic, and just the identification
        assertTrue(formatError(Files.write(dir.resolve("magic"), new byte[] {0x7f, 'E', 'L', 'F'}))
                .getMessage().startsWith("truncated ELF file"));
        byte[] ident = new byte[20];
        System.arraycopy(head, 0, ident, 0, 20);
        assertTrue(formatError(Files.write(dir.resolve("ident"), ident)).getMessage().startsWith("truncated ELF file"));
    }

    @Test
    void unsupportedClassOrEncoding() throws Exception {
        byte[] elf = TinyElf.standard().build();
        elf[4] = 1; // ELFCLASS32
        assertTrue(formatError(Files.write(dir.resolve("c32"), elf)).getMessage().contains("64-bit"));
        elf = TinyElf.standard().build();
        elf[5] = 2; // big-endian
        assertTrue(formatError(Files.write(dir.resolve("be"), elf)).getMessage().contains("little-endian"));
    }

    @Test
    void programHeadersPastEnd() throws Exception {
        byte[] elf = TinyElf.standard().build();
        TinyElf.patchLong(elf, 32, elf.length - 10); // e_phoff
        assertTrue(formatError(Files.write(dir.resolve("ph"), elf)).getMessage().startsWith("truncated ELF file"));
        elf = TinyElf.standard().build();
        TinyElf.patchShort(elf, 56, 0xfff0); // e_phnum
        assertTrue(formatError(Files.write(dir.resolve("phnum"), elf)).getMessage().startsWith("truncated ELF file"));
        elf = TinyElf.standard().build();
        TinyElf.patchShort(elf, 54, 8); // e_phentsize
        formatError(Files.write(dir.resolve("phent"), elf));
        elf = TinyElf.standard().build();
        TinyElf.patchLong(elf, 32, -64); // e_phoff negative as signed
        formatError(Files.write(dir.resolve("phneg"), elf));
    }

    /** Opens a corrupted variant of the tiny ELF; it must open and answer every query without throwing. */
    private ElfImage openDamaged(String name, byte[] elf) throws Exception {
        ElfImage img = ElfImage.open(Files.write(dir.resolve(name), elf));
        exercise(img);
        return img;
    }

    static void exercise(ElfImage img) {
        img.buildId();
        img.notes();
        img.sections();
        img.section(".text");
        img.loadSegments();
        img.firstLoadVaddr();
        for (long a : new long[] {0, TinyElf.TEXT_ADDR, TinyElf.DATA_ADDR, TinyElf.BSS_ADDR, -1, 0x401018}) {
            img.atVaddr(a, 8);
            try {
                img.readLong(a);
            } catch (IllegalArgumentException expected) {
                // not file-backed
            }
        }
        SymbolTable st = img.symbols();
        st.size();
        for (long a : new long[] {0, TinyElf.TEXT_ADDR, 0x401018, 0x401250, TinyElf.DATA_ADDR, -1, Long.MIN_VALUE}) {
            st.lookup(a).ifPresent(Symbol::demangled);
            st.describe(a);
        }
        st.withPrefix("v8dbg_");
        st.withPrefix("");
        for (int i = 0; i < 12; i++) st.byName(i % 2 == 0 ? "f1" : "nope" + i);
        img.dynamicSymbols().withPrefix("f");
    }

    @Test
    void noSectionHeaders() throws Exception {
        byte[] elf = TinyElf.standard().build();
        TinyElf.patchShort(elf, 60, 0); // e_shnum = 0 (and section 0 says 0 too)
        TinyElf.patchLong(elf, 40, 0); // e_shoff = 0
        try (ElfImage img = openDamaged("nosh", elf)) {
            assertEquals(List.of(), img.sections());
            assertEquals(0, img.symbols().size());
            assertEquals(TinyElf.BUILD_ID, img.buildId().orElseThrow()); // from PT_NOTE
            assertEquals(0x11223344, img.readInt(TinyElf.DATA_ADDR));
        }
        elf = TinyElf.standard().build();
        TinyElf.patchShort(elf, 60, 0); // e_shnum = 0, e_shoff kept: count taken from section 0's sh_size (0)
        try (ElfImage img = openDamaged("shnum0", elf)) {
            assertEquals(List.of(), img.sections());
        }
    }

    @Test
    void sectionHeadersPastEnd() throws Exception {
        byte[] elf = TinyElf.standard().build();
        TinyElf.patchLong(elf, 40, elf.length + 4096L); // e_shoff past EOF
        try (ElfImage img = openDamaged("shoff", elf)) {
            assertEquals(List.of(), img.sections());
            assertFalse(img.warnings().isEmpty());
        }
        elf = TinyElf.standard().build();
        TinyElf.patchShort(elf, 60, 0x7fff); // e_shnum too big: the headers that fit are used
        try (ElfImage img = openDamaged("shnum", elf)) {
            assertEquals(TinyElf.NSECT, img.sections().size());
            assertFalse(img.warnings().isEmpty());
        }
        elf = TinyElf.standard().build();
        TinyElf.patchShort(elf, 62, 999); // e_shstrndx out of range
        try (ElfImage img = openDamaged("shstrndx", elf)) {
            assertEquals("", img.sections().get(1).name());
            assertTrue(img.section(".text").isEmpty());
            assertEquals(0x401000, img.symbols().byName("f1").orElseThrow().value()); // found by type, not name
        }
    }

    @Test
    void lyingSymbolTable() throws Exception {
        TinyElf t = TinyElf.standard();
        byte[] elf = t.build();
        TinyElf.patchLong(elf, t.shdrField(TinyElf.SYMTAB, 32), Long.MAX_VALUE); // sh_size huge
        try (ElfImage img = openDamaged("symsize", elf)) {
            assertEquals(0x401000, img.symbols().byName("f1").orElseThrow().value());
        }
        elf = t.build();
        TinyElf.patchLong(elf, t.shdrField(TinyElf.SYMTAB, 24), elf.length + 100L); // sh_offset past EOF
        try (ElfImage img = openDamaged("symoff", elf)) {
            assertEquals(0, img.symbols().size());
        }
        elf = t.build();
        TinyElf.patchInt(elf, t.shdrField(TinyElf.SYMTAB, 40), 4711); // sh_link out of range
        try (ElfImage img = openDamaged("symlink", elf)) {
            assertEquals(17, img.symbols().size());
            assertEquals("", img.symbols().get(1).name());
            assertTrue(img.symbols().byName("f1").isEmpty());
        }
        elf = t.build();
        TinyElf.patchInt(elf, t.shdrField(TinyElf.SYMTAB, 40), TinyElf.TEXT); // sh_link to a non-STRTAB
        openDamaged("symlink2", elf).close();
        elf = t.build();
        TinyElf.patchLong(elf, t.shdrField(TinyElf.STRTAB, 32), 1L << 40); // strtab size huge
        try (ElfImage img = openDamaged("strsize", elf)) {
            assertEquals(0x401000, img.symbols().byName("f1").orElseThrow().value());
        }
        elf = t.build();
        TinyElf.patchLong(elf, t.shdrField(TinyElf.STRTAB, 32), 3); // strtab cut short: names run off its end
        openDamaged("strshort", elf).close();
        // a symbol whose name offset and size are absurd
        elf = new TinyElf()
                .sym("x", 0x401000, -1L, Symbol.STT_FUNC, Symbol.STB_GLOBAL, TinyElf.TEXT)
                .sym("y", -16, 0x100, Symbol.STT_FUNC, Symbol.STB_GLOBAL, TinyElf.TEXT)
                .build();
        try (ElfImage img = openDamaged("absurd", elf)) {
            assertEquals("x", img.symbols().lookup(0x7fff_0000_0000L).orElseThrow().name());
            assertEquals("y", img.symbols().lookup(-8).orElseThrow().name());
        }
    }

    @Test
    void truncatedLoadSegment() throws Exception {
        byte[] elf = TinyElf.standard().build();
        TinyElf.patchLong(elf, 64 + 56 + 32, 1L << 40); // second PT_LOAD claims a huge p_filesz
        try (ElfImage img = openDamaged("bigload", elf)) {
            assertEquals(0x11223344, img.readInt(TinyElf.DATA_ADDR));
            assertThrows(IllegalArgumentException.class, () -> img.readInt(TinyElf.DATA_ADDR + 0xff0)); // claimed but absent
        }
    }

    /** Random corruption of the first 4 KiB and of the tables: open fails cleanly or everything answers. */
    @Test
    void fuzz() throws Exception {
        TinyElf t = TinyElf.standard();
        byte[] good = t.build();
        Random r = new Random(42);
        int opened = 0;
        for (int round = 0; round < 400; round++) {
            byte[] elf = good.clone();
            int flips = 1 + r.nextInt(8);
            for (int k = 0; k < flips; k++) {
                int region = r.nextInt(3);
                int off = switch (region) {
                    case 0 -> r.nextInt(64 + 3 * 56);                                 // ELF + program headers
                    case 1 -> (int) t.shoff + r.nextInt(64 * TinyElf.NSECT);          // section headers
                    default -> 0x2010 + r.nextInt(24 * 17);                           // symbols
                };
                elf[off] = (byte) r.nextInt(256);
            }
            Path p = Files.write(dir.resolve("fuzz"), elf);
            try (ElfImage img = ElfImage.open(p)) {
                exercise(img);
                opened++;
            } catch (ElfFormatException | IOException expected) {
                // fine
            } catch (RuntimeException | Error e) {
                fail("round " + round + ": " + e, e);
            }
        }
        assertTrue(opened > 100, "most damaged files still open: " + opened);
    }
}
