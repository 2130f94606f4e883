package io.jsmdb.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jsmdb.testing.NodeBinaries;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The native layer against every official node binary of the matrix, checked against binutils. */
class NodeBinaryTest {
    static final List<String> VERSIONS = NodeBinaries.VERSIONS;

    @ParameterizedTest
    @FieldSource("VERSIONS")
    void headers(String version) throws Exception {
        try (ElfImage img = ElfImage.open(NodeBinaries.binary(version))) {
            assertTrue(img.isExecutable());
            assertFalse(img.isSharedObject() || img.isCore());
            assertEquals(ElfImage.EM_X86_64, img.machine());
            assertEquals(0x400000, img.firstLoadVaddr());
            assertTrue(img.loadSegments().size() >= 2, "PT_LOADs: " + img.loadSegments());
            assertEquals(List.of(), img.warnings());
            Section text = img.section(".text").orElseThrow();
            assertTrue(img.segmentAt(text.addr()).orElseThrow().isExecutable());
            assertTrue(img.section(".symtab").isPresent() && img.section(".dynsym").isPresent());
        }
    }

    @ParameterizedTest
    @FieldSource("VERSIONS")
    void buildIdMatchesReadelf(String version) throws Exception {
        Path p = NodeBinaries.binary(version);
        try (ElfImage img = ElfImage.open(p)) {
            assertEquals(NodeBinaries.readelfBuildId(p), img.buildId().orElseThrow());
        }
    }

    @ParameterizedTest
    @FieldSource("VERSIONS")
    void knownSymbols(String version) throws Exception {
        try (ElfImage img = ElfImage.open(NodeBinaries.binary(version))) {
            SymbolTable st = img.symbols();
            assertTrue(st.size() > 80_000, "symbols: " + st.size());
            Symbol smiTag = st.byName("v8dbg_SmiTag").orElseThrow();
            assertEquals(Symbol.STT_OBJECT, smiTag.type());
            assertEquals(0, img.readInt(smiTag.value()));
            assertEquals(1, img.readInt(st.byName("v8dbg_HeapObjectTag").orElseThrow().value()));
            assertEquals(31, img.readInt(st.byName("v8dbg_SmiShiftSize").orElseThrow().value()));

            Symbol main = st.byName("main").orElseThrow();
            assertEquals(Symbol.STT_FUNC, main.type());
            assertTrue(main.size() > 0);
            assertEquals(main, st.lookup(main.value()).orElseThrow());
            assertEquals(main, st.lookup(main.value() + Math.min(5, main.size() - 1)).orElseThrow());
            assertEquals(main, st.lookup(main.value() + main.size() - 1).orElseThrow());
            if (main.size() > 5) assertEquals(main, st.lookup(main.value() + 5).orElseThrow());
            assertEquals("main+0x1", st.describe(main.value() + 1).orElseThrow());

            // a local (non-exported) symbol: only .symtab knows it
            Symbol local = st.withPrefix("_ZN2v88internal").stream()
                    .filter(s -> s.binding() == Symbol.STB_LOCAL && s.type() == Symbol.STT_FUNC && s.size() > 0)
                    .findFirst().orElseThrow();
            assertEquals(local.name(), st.byName(local.name()).orElseThrow().name());
            SymbolTable dyn = img.dynamicSymbols();
            assertTrue(dyn.size() > 10_000 && dyn.size() < st.size(), "dynsym " + dyn.size());
            assertTrue(dyn.byName(local.name()).isEmpty(), "locals are not exported");
            assertEquals(smiTag.value(), dyn.byName("v8dbg_SmiTag").orElseThrow().value());
            assertEquals(st.withPrefix("v8dbg_").size(), dyn.withPrefix("v8dbg_").size());

            Symbol major = st.byName("_ZN2v88internal7Version6major_E").orElseThrow();
            assertEquals("v8::internal::Version::major_", major.demangled());
            assertEquals(major, st.lookup(major.value()).orElseThrow());
            int v8Major = img.readInt(major.value());
            assertTrue(v8Major >= 9 && v8Major < 30, "V8 major " + v8Major);
        }
    }

    @ParameterizedTest
    @FieldSource("VERSIONS")
    void v8dbgCountMatchesNm(String version) throws Exception {
        Path p = NodeBinaries.binary(version);
        long expected = NodeBinaries.run("nm", p.toString()).lines().filter(l -> l.contains(" v8dbg_")).count();
        try (ElfImage img = ElfImage.open(p)) {
            List<Symbol> v8dbg = img.symbols().withPrefix("v8dbg_");
            assertEquals(expected, v8dbg.size());
            assertTrue(v8dbg.stream().allMatch(s -> s.name().startsWith("v8dbg_")));
        }
    }

    /** Every v8dbg_ value read through readInt equals the bytes `readelf -x` dumps (0 in .bss). */
    @ParameterizedTest
    @FieldSource("VERSIONS")
    void v8dbgValuesMatchReadelf(String version) throws Exception {
        Path p = NodeBinaries.binary(version);
        try (ElfImage img = ElfImage.open(p)) {
            Map<String, Map<Long, Byte>> dumps = new HashMap<>();
            int checked = 0;
            for (Symbol s : img.symbols().withPrefix("v8dbg_")) {
                Section sec = img.sections().get(s.sectionIndex());
                int actual = img.readInt(s.value());
                if (sec.type() == Section.SHT_NOBITS) {
                    assertEquals(0, actual, s.name());
                } else {
                    Map<Long, Byte> bytes = dumps.computeIfAbsent(sec.name(), n -> hexDump(p, n));
                    int expected = 0;
                    for (int k = 3; k >= 0; k--) expected = (expected << 8) | (bytes.get(s.value() + k) & 0xff);
                    assertEquals(expected, actual, s.name());
                }
                checked++;
            }
            assertTrue(checked > 400, "checked " + checked);
        }
    }

    private static Map<Long, Byte> hexDump(Path p, String section) {
        try {
            Map<Long, Byte> out = new HashMap<>();
            for (String line : NodeBinaries.run("readelf", "-x", section, p.toString()).split("\n")) {
                String[] f = line.strip().split(" +");
                if (f.length < 2 || !f[0].startsWith("0x")) continue;
                long addr = Long.parseUnsignedLong(f[0].substring(2), 16);
                for (int w = 1; w < f.length && w <= 4 && f[w].matches("[0-9a-f]{2,8}"); w++) {
                    for (int b = 0; b + 2 <= f[w].length(); b += 2) {
                        out.put(addr++, (byte) Integer.parseInt(f[w].substring(b, b + 2), 16));
                    }
                }
            }
            return out;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** lookup() of the middle of every 40th sized function/object agrees with `nm -S`. */
    @ParameterizedTest
    @FieldSource("VERSIONS")
    void lookupAgreesWithNm(String version) throws Exception {
        Path p = NodeBinaries.binary(version);
        List<String[]> sample = new ArrayList<>();
        int k = 0;
        for (String line : NodeBinaries.run("nm", "-S", "--defined-only", p.toString()).split("\n")) {
            String[] f = line.split(" ", 4);
            if (f.length != 4 || "TtWwDdBbRr".indexOf(f[2].charAt(0)) < 0 || f[3].startsWith(".")) continue;
            if (k++ % 40 == 0) sample.add(f);
        }
        assertTrue(sample.size() > 1000, "sample " + sample.size());
        try (ElfImage img = ElfImage.open(p)) {
            SymbolTable st = img.symbols();
            for (String[] f : sample) {
                long value = Long.parseUnsignedLong(f[0], 16), size = Long.parseUnsignedLong(f[1], 16);
                if (size == 0) continue;
                long addr = value + size / 2;
                Symbol named = st.byName(f[3]).orElseThrow(() -> new AssertionError("byName " + f[3]));
                assertEquals(f[3], named.name());
                if (named.type() == Symbol.STT_TLS) continue; // a TLS offset, not an address
                Symbol s = st.lookup(addr).orElseThrow(() -> new AssertionError("no symbol at " + f[3]));
                assertTrue(s.contains(addr), f[3] + " -> " + s);
                assertTrue(Long.compareUnsigned(s.value(), value) >= 0, f[3] + " -> " + s); // innermost
            }
        }
    }

    /** __cxa_demangle agrees with c++filt on a few hundred real V8 symbols. */
    @ParameterizedTest
    @FieldSource("VERSIONS")
    void demanglingAgreesWithCxxfilt(String version) throws Exception {
        try (ElfImage img = ElfImage.open(NodeBinaries.binary(version))) {
            List<String> names = img.symbols().withPrefix("_ZN2v88internal").stream().map(Symbol::name)
                    .filter(n -> n.hashCode() % 97 == 0).limit(300).toList();
            assertTrue(names.size() > 100, "names " + names.size());
            ProcessBuilder pb = new ProcessBuilder("c++filt");
            Process proc = pb.start();
            proc.getOutputStream().write(String.join("\n", names).concat("\n").getBytes());
            proc.getOutputStream().close();
            // c++filt is verbose; __cxa_demangle (like gdb) keeps the standard abbreviations
            List<String> expected = new String(proc.getInputStream().readAllBytes()).lines()
                    .map(l -> l.replace("std::basic_ostream<char, std::char_traits<char> >", "std::ostream")
                            .replace("std::basic_istream<char, std::char_traits<char> >", "std::istream")
                            .replace("std::basic_iostream<char, std::char_traits<char> >", "std::iostream")
                            .replace("std::basic_string<char, std::char_traits<char>, std::allocator<char> >", "std::string"))
                    .toList();
            assertEquals(0, proc.waitFor());
            List<String> actual = names.stream().map(Demangler::demangle).toList();
            assertEquals(names.size(), expected.size());
            List<String> diffs = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                if (!expected.get(i).equals(actual.get(i))) diffs.add(names.get(i) + "\n  c++filt: " + expected.get(i) + "\n  jsmdb:   " + actual.get(i));
            }
            assertEquals(List.of(), diffs);
        }
    }
}
