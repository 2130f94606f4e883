package io.jsmdb.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jsmdb.testing.NodeBinaries;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A stripped shared library: only .dynsym, link-time base 0. */
class LibcTest {
    static final Path LIBC = NodeBinaries.LIBC;

    @Test
    void headersAndBuildId() throws Exception {
        try (ElfImage img = ElfImage.open(LIBC)) {
            assertTrue(img.isSharedObject());
            assertFalse(img.isExecutable());
            assertEquals(0, img.firstLoadVaddr());
            assertTrue(img.section(".symtab").isEmpty(), "libc is stripped");
            assertEquals(NodeBinaries.readelfBuildId(LIBC), img.buildId().orElseThrow());
        }
    }

    @Test
    void dynsymLookups() throws Exception {
        String out = NodeBinaries.run("readelf", "--dyn-syms", "-W", LIBC.toString());
        int entries = Integer.parseInt(out.replaceAll("(?s).*Symbol table '.dynsym' contains (\\d+) entries.*", "$1"));
        try (ElfImage img = ElfImage.open(LIBC)) {
            SymbolTable st = img.symbols();
            assertEquals(entries, st.size());
            Symbol malloc = st.byName("malloc").orElseThrow();
            assertEquals(Symbol.STT_FUNC, malloc.type());
            assertTrue(malloc.size() > 0);
            Symbol at = st.lookup(malloc.value() + 1).orElseThrow();
            assertEquals(malloc.value(), at.value()); // malloc or one of its aliases (__libc_malloc)
            assertTrue(at.contains(malloc.value() + 1));
            assertEquals(at, st.lookup(malloc.value() + malloc.size() - 1).orElseThrow());
            Symbol printf = st.byName("printf").orElseThrow();
            assertEquals(printf.value(), st.lookup(printf.value()).orElseThrow().value());

            // withPrefix agrees with nm -D (names printed with @VERSION suffixes)
            Set<String> nm = NodeBinaries.run("nm", "-D", "--defined-only", LIBC.toString()).lines()
                    .map(l -> l.substring(l.lastIndexOf(' ') + 1).replaceAll("@.*", ""))
                    .filter(n -> n.startsWith("pthread_")).collect(Collectors.toSet());
            List<Symbol> mine = st.withPrefix("pthread_");
            assertEquals(nm, mine.stream().map(Symbol::name).collect(Collectors.toSet()));
            for (Symbol s : mine) assertEquals(s.name(), st.byName(s.name()).orElseThrow().name());
            // two versions of one name: byName gives the default one (nm -D marks it @@)
            long dflt = NodeBinaries.run("nm", "-D", "--defined-only", LIBC.toString()).lines()
                    .filter(l -> l.endsWith(" pthread_cond_init@@GLIBC_2.3.2"))
                    .mapToLong(l -> Long.parseUnsignedLong(l.substring(0, l.indexOf(' ')), 16)).findFirst().orElseThrow();
            assertEquals(dflt, st.byName("pthread_cond_init").orElseThrow().value());
        }
    }

    @Test
    void libstdcxxDemangledNames() throws Exception {
        try (ElfImage img = ElfImage.open(Path.of("/lib/x86_64-linux-gnu/libstdc++.so.6"))) {
            Symbol s = img.symbols().byName("_ZNSt6thread4joinEv").orElseThrow();
            assertEquals("std::thread::join()", s.demangled());
            assertEquals(s.value(), img.symbols().lookup(s.value() + 2).orElseThrow().value());
        }
    }
}
