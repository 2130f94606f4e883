package io.jsmdb.binary;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a small, fully controlled ELF64 executable for tests:
 * <pre>
 *   PT_LOAD  R X  vaddr 0x400000  file 0x0000..0x2000   (.text at 0x401000, 0x1000 bytes of 0x90)
 *   PT_LOAD  RW   vaddr 0x600000  filesz 0x10 memsz 0x1000 (.data 16 bytes, then .bss)
 *   PT_NOTE       GNU build-id 00 01 02 .. 13
 * </pre>
 * Sections: [1] .text [2] .data [3] .bss [4] .note.gnu.build-id [5] .symtab [6] .strtab [7] .shstrtab.
 * Field offsets are exposed so that tests can corrupt them.
 */
final class TinyElf {
    static final int TEXT = 1, DATA = 2, BSS = 3, NOTE = 4, SYMTAB = 5, STRTAB = 6, SHSTRTAB = 7, NSECT = 8;
    static final long TEXT_ADDR = 0x401000, DATA_ADDR = 0x600000, BSS_ADDR = 0x600010;
    static final String BUILD_ID = "000102030405060708090a0b0c0d0e0f10111213";

    record Sym(String name, long value, long size, int type, int bind, int shndx) {}

    final List<Sym> syms = new ArrayList<>();
    /** File offset of the section header table, known after build(). */
    long shoff;

    TinyElf sym(String name, long value, long size, int type, int bind, int shndx) {
        syms.add(new Sym(name, value, size, type, bind, shndx));
        return this;
    }

    /** The default symbol set used by the lookup tests. */
    static TinyElf standard() {
        return new TinyElf()
                .sym("f1", 0x401000, 0x100, Symbol.STT_FUNC, Symbol.STB_GLOBAL, TEXT)
                .sym("f1_alias", 0x401000, 0x100, Symbol.STT_FUNC, Symbol.STB_WEAK, TEXT)
                .sym("inner", 0x401010, 0x10, Symbol.STT_FUNC, Symbol.STB_LOCAL, TEXT)
                .sym("label", 0x401200, 0, Symbol.STT_NOTYPE, Symbol.STB_GLOBAL, TEXT)
                .sym(".annobin_x", 0x401300, 0, Symbol.STT_NOTYPE, Symbol.STB_LOCAL, TEXT)
                .sym("f2", 0x401400, 0x10, Symbol.STT_FUNC, Symbol.STB_GLOBAL, TEXT)
                .sym("obj", DATA_ADDR, 4, Symbol.STT_OBJECT, Symbol.STB_GLOBAL, DATA)
                .sym("big", BSS_ADDR, 0x100, Symbol.STT_OBJECT, Symbol.STB_GLOBAL, BSS)
                .sym("undef", 0, 0, Symbol.STT_NOTYPE, Symbol.STB_GLOBAL, Symbol.SHN_UNDEF)
                .sym("absval", 0x1234, 0, Symbol.STT_NOTYPE, Symbol.STB_GLOBAL, Symbol.SHN_ABS)
                .sym("dup", 0x401500, 0x10, Symbol.STT_FUNC, Symbol.STB_LOCAL, TEXT)
                .sym("dup", 0x401600, 0x10, Symbol.STT_FUNC, Symbol.STB_GLOBAL, TEXT)
                .sym("v8dbg_A", DATA_ADDR + 8, 4, Symbol.STT_OBJECT, Symbol.STB_GLOBAL, DATA)
                .sym("v8dbg_B", BSS_ADDR + 0x10, 4, Symbol.STT_OBJECT, Symbol.STB_GLOBAL, BSS)
                .sym("v8dbgX", DATA_ADDR + 12, 4, Symbol.STT_OBJECT, Symbol.STB_GLOBAL, DATA)
                .sym("_ZN2v88internal7Isolate7currentEv", 0x401700, 0x20, Symbol.STT_FUNC, Symbol.STB_GLOBAL, TEXT);
    }

    byte[] build() {
        // string tables
        ByteBuffer strtab = le(4096);
        strtab.put((byte) 0);
        int[] nameOff = new int[syms.size()];
        for (int i = 0; i < syms.size(); i++) {
            nameOff[i] = strtab.position();
            strtab.put(syms.get(i).name().getBytes(StandardCharsets.UTF_8)).put((byte) 0);
        }
        String[] secNames = {"", ".text", ".data", ".bss", ".note.gnu.build-id", ".symtab", ".strtab", ".shstrtab"};
        ByteBuffer shstr = le(256);
        int[] secNameOff = new int[NSECT];
        for (int i = 0; i < NSECT; i++) {
            secNameOff[i] = shstr.position();
            shstr.put(secNames[i].getBytes(StandardCharsets.UTF_8)).put((byte) 0);
        }

        long symOff = 0x2010, symSize = 24L * (syms.size() + 1);
        long strOff = symOff + symSize, strSize = strtab.position();
        long shstrOff = strOff + strSize, shstrSize = shstr.position();
        shoff = (shstrOff + shstrSize + 7) & ~7L;
        int total = (int) (shoff + 64L * NSECT);
        ByteBuffer b = le(total);

        // ELF header
        b.put(0, new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        b.putShort(16, (short) ElfImage.ET_EXEC).putShort(18, (short) ElfImage.EM_X86_64).putInt(20, 1);
        b.putLong(24, TEXT_ADDR).putLong(32, 64).putLong(40, shoff).putInt(48, 0);
        b.putShort(52, (short) 64).putShort(54, (short) 56).putShort(56, (short) 3);
        b.putShort(58, (short) 64).putShort(60, (short) NSECT).putShort(62, (short) SHSTRTAB);
        // program headers
        phdr(b, 0, ElfImage.PT_LOAD, 5, 0, 0x400000, 0x2000, 0x2000, 0x1000);
        phdr(b, 1, ElfImage.PT_LOAD, 6, 0x2000, DATA_ADDR, 0x10, 0x1000, 0x1000);
        phdr(b, 2, ElfImage.PT_NOTE, 4, 0x100, 0x400100, 36, 36, 4);
        // build-id note
        b.putInt(0x100, 4).putInt(0x104, 20).putInt(0x108, 3).put(0x10c, "GNU\0".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 20; i++) b.put(0x110 + i, (byte) i);
        // .text and .data
        for (int i = 0x1000; i < 0x2000; i++) b.put(i, (byte) 0x90);
        b.putInt(0x2000, 0x11223344).putInt(0x2004, 0).putLong(0x2008, 0x0102030405060708L);
        // .symtab (entry 0 is the null symbol)
        for (int i = 0; i < syms.size(); i++) {
            Sym s = syms.get(i);
            int o = (int) symOff + 24 * (i + 1);
            b.putInt(o, nameOff[i]).put(o + 4, (byte) ((s.bind() << 4) | s.type())).put(o + 5, (byte) 0);
            b.putShort(o + 6, (short) s.shndx()).putLong(o + 8, s.value()).putLong(o + 16, s.size());
        }
        b.put((int) strOff, strtab.array(), 0, (int) strSize);
        b.put((int) shstrOff, shstr.array(), 0, (int) shstrSize);
        // section headers
        shdr(b, TEXT, secNameOff[TEXT], Section.SHT_PROGBITS, 0x6, TEXT_ADDR, 0x1000, 0x1000, 0, 0, 16, 0);
        shdr(b, DATA, secNameOff[DATA], Section.SHT_PROGBITS, 0x3, DATA_ADDR, 0x2000, 0x10, 0, 0, 8, 0);
        shdr(b, BSS, secNameOff[BSS], Section.SHT_NOBITS, 0x3, BSS_ADDR, 0x2010, 0xff0, 0, 0, 16, 0);
        shdr(b, NOTE, secNameOff[NOTE], Section.SHT_NOTE, 0x2, 0x400100, 0x100, 36, 0, 0, 4, 0);
        shdr(b, SYMTAB, secNameOff[SYMTAB], Section.SHT_SYMTAB, 0, 0, symOff, symSize, STRTAB, 1, 8, 24);
        shdr(b, STRTAB, secNameOff[STRTAB], Section.SHT_STRTAB, 0, 0, strOff, strSize, 0, 0, 1, 0);
        shdr(b, SHSTRTAB, secNameOff[SHSTRTAB], Section.SHT_STRTAB, 0, 0, shstrOff, shstrSize, 0, 0, 1, 0);
        return b.array();
    }

    Path write(Path dir, String name) throws IOException {
        return Files.write(dir.resolve(name), build());
    }

    /** Offset in the file of field {@code fieldOffset} of section header {@code index}. */
    long shdrField(int index, int fieldOffset) {
        return shoff + 64L * index + fieldOffset;
    }

    private void phdr(ByteBuffer b, int i, int type, int flags, long off, long vaddr, long filesz, long memsz, long align) {
        int o = 64 + 56 * i;
        b.putInt(o, type).putInt(o + 4, flags).putLong(o + 8, off).putLong(o + 16, vaddr).putLong(o + 24, vaddr);
        b.putLong(o + 32, filesz).putLong(o + 40, memsz).putLong(o + 48, align);
    }

    private void shdr(ByteBuffer b, int i, int name, int type, long flags, long addr, long off, long size, int link,
            int info, long align, long entsize) {
        int o = (int) shoff + 64 * i;
        b.putInt(o, name).putInt(o + 4, type).putLong(o + 8, flags).putLong(o + 16, addr).putLong(o + 24, off);
        b.putLong(o + 32, size).putInt(o + 40, link).putInt(o + 44, info).putLong(o + 48, align).putLong(o + 56, entsize);
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    static void patchLong(byte[] file, long off, long v) {
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putLong((int) off, v);
    }

    static void patchInt(byte[] file, long off, int v) {
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt((int) off, v);
    }

    static void patchShort(byte[] file, long off, int v) {
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putShort((int) off, (short) v);
    }
}
