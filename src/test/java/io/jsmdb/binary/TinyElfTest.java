package io.jsmdb.binary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exact semantics on a hand-built ELF file (see {@link TinyElf}). */
class TinyElfTest {
    @TempDir
    Path dir;

    private ElfImage open() throws Exception {
        return ElfImage.open(TinyElf.standard().write(dir, "tiny"));
    }

    private static String nameAt(SymbolTable st, long addr) {
        return st.lookup(addr).map(Symbol::name).orElse(null);
    }

    @Test
    void headers() throws Exception {
        try (ElfImage img = open()) {
            assertTrue(img.isExecutable());
            assertFalse(img.isSharedObject());
            assertFalse(img.isCore());
            assertEquals(ElfImage.EM_X86_64, img.machine());
            assertEquals(TinyElf.TEXT_ADDR, img.entry());
            assertEquals(List.of(), img.warnings());
            assertEquals(Optional.of(TinyElf.BUILD_ID), img.buildId());
            assertEquals(0x400000, img.firstLoadVaddr());
            List<LoadSegment> loads = img.loadSegments();
            assertEquals(2, loads.size());
            assertEquals(new LoadSegment(0x600000, 0x1000, 0x2000, 0x10, LoadSegment.PF_R | LoadSegment.PF_W), loads.get(1));
            assertTrue(loads.get(0).isExecutable());
            Section text = img.section(".text").orElseThrow();
            assertEquals(new Section(".text", TinyElf.TEXT_ADDR, 0x1000, 0x1000, Section.SHT_PROGBITS), text);
            assertEquals(Section.SHT_NOBITS, img.section(".bss").orElseThrow().type());
            assertTrue(img.section(".nope").isEmpty());
            assertEquals(TinyElf.NSECT, img.sections().size());
            assertEquals(1, img.notes().size());
            assertEquals("GNU", img.notes().get(0).name());
        }
    }

    @Test
    void readsByVirtualAddress() throws Exception {
        try (ElfImage img = open()) {
            assertEquals(0x11223344, img.readInt(TinyElf.DATA_ADDR));
            assertEquals(0x0102030405060708L, img.readLong(TinyElf.DATA_ADDR + 8));
            assertEquals(0x90909090, img.readInt(TinyElf.TEXT_ADDR + 3));
            // .bss: inside memsz, past filesz
            assertEquals(0, img.readInt(TinyElf.BSS_ADDR + 0x10));
            assertEquals(0, img.readLong(TinyElf.DATA_ADDR + 0xff8));
            // straddling the end of the file-backed part: file bytes then zeros
            assertEquals(0x01020304, img.readLong(TinyElf.DATA_ADDR + 12));
            assertTrue(img.atVaddr(TinyElf.BSS_ADDR, 4).isEmpty());
            assertTrue(img.atVaddr(TinyElf.DATA_ADDR + 12, 8).isEmpty());
            assertEquals(16, img.atVaddr(TinyElf.DATA_ADDR, 16).orElseThrow().byteSize());
            assertEquals(0x44, img.atVaddr(TinyElf.DATA_ADDR, 1).orElseThrow().get(ValueLayout.JAVA_BYTE, 0));
            assertArrayEquals(new byte[] {0x44, 0x33, 0x22, 0x11}, img.readBytes(TinyElf.DATA_ADDR, 4));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> img.readInt(0x700000));
            assertTrue(e.getMessage().contains("0x700000"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> img.readLong(TinyElf.DATA_ADDR + 0xffc)); // runs off memsz
            assertTrue(img.atVaddr(0x700000, 1).isEmpty());
            assertTrue(img.atVaddr(TinyElf.TEXT_ADDR, -1).isEmpty());
            assertTrue(img.atVaddr(-16, 4).isEmpty());
        }
    }

    @Test
    void lookup() throws Exception {
        try (ElfImage img = open()) {
            SymbolTable st = img.symbols();
            assertEquals(17, st.size());
            assertEquals("f1", nameAt(st, 0x401000));       // GLOBAL beats WEAK alias
            assertEquals("f1", nameAt(st, 0x4010ff));
            assertEquals("inner", nameAt(st, 0x401018));    // innermost wins
            assertEquals("f1", nameAt(st, 0x401020));       // past inner, still in f1
            assertEquals("label", nameAt(st, 0x401250));    // size 0: nearest preceding
            assertEquals("label", nameAt(st, 0x401310));    // .annobin_* markers are not candidates
            assertEquals("f2", nameAt(st, 0x40140f));
            assertEquals(null, nameAt(st, 0x401410));      // just past f2: nearest preceding is sized
            assertEquals(null, nameAt(st, 0x400fff));      // before everything
            assertEquals("obj", nameAt(st, TinyElf.DATA_ADDR + 3));
            assertEquals("big", nameAt(st, TinyElf.BSS_ADDR + 0xff));
            assertEquals(null, nameAt(st, TinyElf.BSS_ADDR + 0x100 + 0x100));
            assertEquals(null, nameAt(st, 0x1234));        // SHN_ABS is not an address
            assertEquals(null, nameAt(st, -1L));
            assertEquals(Optional.of("f1+0x20"), st.describe(0x401020));
            assertEquals(Optional.of("f1"), st.describe(0x401000));
            Symbol f1 = st.lookup(0x401001).orElseThrow();
            assertEquals(new Symbol("f1", 0x401000, 0x100, Symbol.STT_FUNC, Symbol.STB_GLOBAL, TinyElf.TEXT), f1);
            assertTrue(f1.contains(0x4010ff));
            assertFalse(f1.contains(0x401100));
        }
    }

    @Test
    void sizelessSymbolStaysInItsSection() throws Exception {
        TinyElf t = new TinyElf()
                .sym("tail", 0x401ff0, 0, Symbol.STT_NOTYPE, Symbol.STB_GLOBAL, TinyElf.TEXT);
        try (ElfImage img = ElfImage.open(t.write(dir, "t"))) {
            assertEquals("tail", nameAt(img.symbols(), 0x401fff));
            assertEquals(null, nameAt(img.symbols(), 0x402000)); // past .text
            assertEquals(null, nameAt(img.symbols(), 0x401ff0 + SymbolTable.MAX_SIZELESS_SPAN));
        }
    }

    @Test
    void byNameAndPrefix() throws Exception {
        try (ElfImage img = open()) {
            SymbolTable st = img.symbols();
            assertEquals(0x401000, st.byName("f1").orElseThrow().value());
            assertEquals(0x401600, st.byName("dup").orElseThrow().value()); // GLOBAL preferred
            assertEquals(Symbol.STB_GLOBAL, st.byName("dup").orElseThrow().binding());
            assertEquals(0x1234, st.byName("absval").orElseThrow().value());
            assertTrue(st.byName("undef").isEmpty());
            assertTrue(st.byName("f").isEmpty());
            assertTrue(st.byName("f1x").isEmpty());
            assertTrue(st.byName("").isEmpty());
            // enough calls to switch from scanning to the hash index; answers must not change
            for (int round = 0; round < 20; round++) {
                assertEquals(0x401400, st.byName("f2").orElseThrow().value());
                assertTrue(st.byName("missing" + round).isEmpty());
                assertEquals(0x401600, st.byName("dup").orElseThrow().value());
            }
            List<String> v8 = st.withPrefix("v8dbg_").stream().map(Symbol::name).toList();
            assertEquals(List.of("v8dbg_A", "v8dbg_B"), v8);
            assertEquals(0, st.withPrefix("zzz").size());
            assertEquals(0, st.withPrefix("undef").size());
            assertEquals(16 - 1, st.withPrefix("").size()); // every defined symbol
            assertEquals("v8::internal::Isolate::current()",
                    st.byName("_ZN2v88internal7Isolate7currentEv").orElseThrow().demangled());
            assertEquals("f1", st.get(1).name());
            assertThrows(IndexOutOfBoundsException.class, () -> st.get(17));
        }
    }

    @Test
    void symbolsAreCached() throws Exception {
        try (ElfImage img = open()) {
            assertTrue(img.symbols() == img.symbols());
        }
    }

    @Test
    void closedImageFailsCleanly() throws Exception {
        ElfImage img = open();
        SymbolTable st = img.symbols();
        img.close();
        img.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> img.readInt(TinyElf.DATA_ADDR));
    }
}
