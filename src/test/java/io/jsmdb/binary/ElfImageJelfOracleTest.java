package io.jsmdb.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jsmdb.core.CoreFile;
import io.jsmdb.core.MappedFile;
import io.jsmdb.testing.TestCores;
import io.jsmdb.testing.TestCores.TestCore;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import net.fornwall.jelf.ElfFile;
import net.fornwall.jelf.ElfNoteSection.ElfNote;
import net.fornwall.jelf.ElfSection;
import net.fornwall.jelf.ElfSectionHeader;
import net.fornwall.jelf.ElfSegment;
import net.fornwall.jelf.ElfSymbol;
import net.fornwall.jelf.ElfSymbolTableSection;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ElfImage} cross-checked against an independent ELF parser, jelf (a test-only dependency;
 * see docs/design.md for why it is not the project's parser). Each binary is parsed by both and
 * every field ElfImage models must agree exactly: the ELF header (type, machine, entry), every
 * PT_LOAD program header (offset, vaddr, filesz, memsz, flags, in file order), the notes of the
 * PT_NOTE headers (name, type, descriptor bytes), every section header (name, type, address,
 * offset, size) and every entry of .dynsym and .symtab (name, value, size, type, binding,
 * section index).
 *
 * <p>Program headers of other types (PT_INTERP, PT_DYNAMIC, PT_GNU_EH_FRAME, ...) are only counted:
 * ElfImage keeps PT_LOAD and PT_NOTE and nothing else, so there is nothing of theirs to compare.
 *
 * <p>Binaries: the node binary of every version of the matrix, and every shared library those
 * node processes had loaded (libc, libstdc++, libm, libgcc_s, ld-linux, ...), named by the NT_FILE
 * note of each version's stack-abort core and read from this host (the cores were made here).
 *
 * <p>All symbols are compared, also for node's 90k-170k entry .symtab: jelf makes one object per
 * symbol, but at this size that costs 0.3-0.5 s per node binary (measured; the whole class takes
 * about 3 s), so there is no need to sample.
 */
class ElfImageJelfOracleTest {
    static final List<String> VERSIONS = TestCores.VERSIONS;

    /** What was compared for one binary (all counts are of entries found equal). */
    record Counts(int programHeaders, int loads, int notes, int sections, int dynsym, int symtab) {
        @Override
        public String toString() {
            return "phdrs " + programHeaders + " (PT_LOAD " + loads + "), notes " + notes + ", sections " + sections
                    + ", .dynsym " + dynsym + ", .symtab " + symtab;
        }
    }

    @ParameterizedTest
    @FieldSource("VERSIONS")
    void nodeBinary(String version) throws Exception {
        Path node = TestCores.get(version, "stack", TestCores.ABORT).node().toRealPath();
        Counts c = crossCheck(node);
        // node binaries are not stripped: both tables, each big
        assertTrue(c.dynsym() > 10_000 && c.symtab() > 80_000, node + ": " + c);
        assertTrue(c.sections() > 20 && c.loads() >= 2 && c.notes() >= 1, node + ": " + c);
        System.out.println("jelf oracle: node " + version + ": " + c);
    }

    /** The shared libraries named by the NT_FILE notes of the stack-abort cores of every version. */
    static List<Path> libraries() throws Exception {
        TreeSet<Path> libs = new TreeSet<>();
        for (TestCore tc : TestCores.all("stack", TestCores.ABORT)) {
            Path node = tc.node().toRealPath();
            try (CoreFile core = CoreFile.open(tc.core())) {
                for (MappedFile m : core.mappedFiles()) {
                    Path p = Path.of(m.path());
                    if (!Files.isRegularFile(p) || p.toRealPath().equals(node) || !isElf(p)) continue;
                    libs.add(p.toRealPath());
                }
            }
        }
        List<String> names = libs.stream().map(p -> p.getFileName().toString()).toList();
        for (String needed : List.of("libc.so", "libstdc++.so", "libm.so", "libgcc_s.so", "ld-linux-x86-64.so")) {
            assertTrue(names.stream().anyMatch(n -> n.startsWith(needed)), "no " + needed + "* among " + names);
        }
        return new ArrayList<>(libs);
    }

    @ParameterizedTest
    @MethodSource("libraries")
    void sharedLibrary(Path lib) throws Exception {
        Counts c = crossCheck(lib);
        assertTrue(c.dynsym() > 1 && c.sections() > 10 && c.loads() >= 1, lib + ": " + c);
        System.out.println("jelf oracle: " + lib + ": " + c);
    }

    // ---- the comparison

    static Counts crossCheck(Path file) throws Exception {
        ElfFile j = ElfFile.from(file);
        try (ElfImage img = ElfImage.open(file)) {
            assertEquals(List.of(), img.warnings(), file + ": ElfImage warnings");
            String f = file.toString();

            // ELF header
            assertEquals(Short.toUnsignedInt(j.e_type), img.type(), f + ": e_type");
            assertEquals(Short.toUnsignedInt(j.e_machine), img.machine(), f + ": e_machine");
            assertEquals(j.e_entry, img.entry(), f + ": e_entry");

            // program headers: every PT_LOAD, in file order; the notes of every PT_NOTE
            int phnum = Short.toUnsignedInt(j.e_phnum);
            List<LoadSegment> loads = new ArrayList<>();
            List<ElfNote> notes = new ArrayList<>();
            for (int i = 0; i < phnum; i++) {
                ElfSegment ph = j.getProgramHeader(i);
                if (ph.p_type == ElfSegment.PT_LOAD) {
                    loads.add(new LoadSegment(ph.p_vaddr, ph.p_memsz, ph.p_offset, ph.p_filesz, ph.p_flags));
                } else if (ph.p_type == ElfSegment.PT_NOTE) {
                    notes.addAll(ph.notes());
                }
            }
            assertEquals(loads, img.loadSegments(), f + ": PT_LOAD headers");
            List<Note> myNotes = img.notes();
            assertEquals(notes.size(), myNotes.size(), f + ": number of notes in PT_NOTE segments");
            for (int i = 0; i < notes.size(); i++) {
                ElfNote jn = notes.get(i);
                Note mn = myNotes.get(i);
                String what = f + ": note " + i;
                assertEquals(jn.name, mn.name(), what + " name");
                assertEquals(jn.type, mn.type(), what + " type");
                assertArrayEquals(jn.descriptorBytes(), mn.desc().toArray(ValueLayout.JAVA_BYTE), what + " descriptor");
            }

            // section headers
            int shnum = Short.toUnsignedInt(j.e_shnum);
            List<Section> sections = img.sections();
            assertEquals(shnum, sections.size(), f + ": number of section headers");
            for (int i = 0; i < shnum; i++) {
                ElfSectionHeader h = j.getSection(i).header;
                Section s = sections.get(i);
                String what = f + ": section " + i + " (" + s.name() + ")";
                assertEquals(i == 0 ? "" : h.getName(), s.name(), what + " name");
                assertEquals(h.sh_type, s.type(), what + " sh_type");
                assertEquals(h.sh_addr, s.addr(), what + " sh_addr");
                assertEquals(h.sh_offset, s.fileOffset(), what + " sh_offset");
                assertEquals(h.sh_size, s.size(), what + " sh_size");
            }

            // symbol tables
            ElfSymbolTableSection jDyn = j.getDynamicSymbolTableSection();
            ElfSymbolTableSection jSym = j.getSymbolTableSection();
            int dynsym = 0, symtab = 0;
            if (jDyn != null) {
                dynsym = compareSymbols(f + " .dynsym", jDyn, img.dynamicSymbols());
            } else {
                assertEquals(0, img.dynamicSymbols().size(), f + ": .dynsym that jelf does not see");
            }
            if (jSym != null) {
                // symbols() is .symtab whenever there is one
                symtab = compareSymbols(f + " .symtab", jSym, img.symbols());
            } else {
                assertTrue(img.section(".symtab").isEmpty(), f + ": .symtab that jelf does not see");
            }
            return new Counts(phnum, loads.size(), notes.size(), shnum, dynsym, symtab);
        }
    }

    private static int compareSymbols(String what, ElfSymbolTableSection j, SymbolTable mine) throws Exception {
        ElfSymbol[] syms = j.symbols;
        assertEquals(syms.length, mine.size(), what + ": number of symbols");
        for (int i = 0; i < syms.length; i++) {
            ElfSymbol js = syms[i];
            Symbol s = mine.get(i);
            String name = js.st_name == 0 ? "" : js.getName(); // jelf: null for "no name"
            if (!s.name().equals(name) || js.st_value != s.value() || js.st_size != s.size()
                    || js.getType() != s.type() || js.getBinding() != s.binding()
                    || Short.toUnsignedInt(js.st_shndx) != s.sectionIndex()) {
                throw new AssertionError(what + ": symbol " + i + " differs: jelf " + js + " name=" + js.getName()
                        + " shndx=" + Short.toUnsignedInt(js.st_shndx) + ", ElfImage " + s);
            }
        }
        return syms.length;
    }

    private static void assertArrayEquals(byte[] expected, byte[] actual, String message) {
        assertTrue(Arrays.equals(expected, actual), message + ": " + Arrays.toString(expected) + " vs " + Arrays.toString(actual));
    }

    private static boolean isElf(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
        }
    }
}
