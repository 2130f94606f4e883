package io.jsmdb.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.jsmdb.testing.TestCores;
import io.jsmdb.testing.TestCores.TestCore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How jsmdb finds the binaries a core names: from the core itself, and through --solib-path. */
class OpenTargetTest {
    @TempDir Path tmp;

    @Test
    void coreAloneFindsItsNodeBinaryFromTheMappedFileNote() throws Exception {
        for (String v : TestCores.VERSIONS) {
            TestCore c = TestCores.get(v, "stack", "abort");
            BadInputTest.Result r = BadInputTest.jsmdb(c.core().toString(), "-e", "::status");
            assertEquals(0, r.status(), v + ": " + r);
            Path real = c.node().toRealPath();
            assertTrue(r.out().contains("node binary:    " + real), v + ": " + r.out());
            assertTrue(r.out().contains("node version:   v" + v), v + ": " + r.out());
        }
    }

    @Test
    void solibPathIsSearchedFirstAndALibraryOfAnotherBuildIsRefused() throws Exception {
        TestCore c = TestCores.get("20.20.2", "stack", "abort");
        String libc = "/usr/lib/x86_64-linux-gnu/libc.so.6";
        // A sysroot whose libc is some other ELF file: jsmdb must notice by build-id and not use it.
        Path sysrootLibc = tmp.resolve("usr/lib/x86_64-linux-gnu/libc.so.6");
        Files.createDirectories(sysrootLibc.getParent());
        Files.createSymbolicLink(sysrootLibc, Path.of("/usr/lib/x86_64-linux-gnu/libm.so.6"));
        BadInputTest.Result r = BadInputTest.jsmdb("--solib-path", tmp.toString(), c.node().toString(), c.core().toString(), "-e", "::status");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains(sysrootLibc + " differs from the " + libc), r.out());
        // ... and falls back to the library at the path the core names, which matches.
        assertFalse(r.out().contains("neither in the core nor readable from " + libc), r.out());
    }

    @Test
    void solibPathSuppliesLibrariesThisMachineDoesNotHaveWhereTheCoreSaysTheyWere() throws Exception {
        TestCore c = TestCores.get("20.20.2", "stack", "abort");
        // A copy of the core whose NT_FILE note says libc was at /nop/lib/...: as if made on another machine.
        byte[] bytes = Files.readAllBytes(c.core());
        byte[] from = "/usr/lib/x86_64-linux-gnu/libc.so.6\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] to = "/nop/lib/x86_64-linux-gnu/libc.so.6\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int replaced = 0;
        for (int i = 0; i + from.length <= bytes.length; i++) {
            if (java.util.Arrays.equals(bytes, i, i + from.length, from, 0, from.length)) {
                System.arraycopy(to, 0, bytes, i, to.length);
                replaced++;
            }
        }
        assertTrue(replaced > 0, "the core names libc");
        Path core = Files.write(tmp.resolve("core"), bytes);
        BadInputTest.Result without = BadInputTest.jsmdb(c.node().toString(), core.toString(), "-e", "::status");
        assertEquals(0, without.status(), without.toString());
        assertTrue(without.out().contains("neither in the core nor readable from /nop/lib/x86_64-linux-gnu/libc.so.6"), without.out());

        Path flat = Files.createDirectories(tmp.resolve("libs"));
        Files.createSymbolicLink(flat.resolve("libc.so.6"), Path.of("/usr/lib/x86_64-linux-gnu/libc.so.6"));
        BadInputTest.Result with = BadInputTest.jsmdb("--solib-path", flat.toString(), c.node().toString(), core.toString(), "-e", "::status");
        assertEquals(0, with.status(), with.toString());
        assertTrue(with.out().contains("warnings:       none"), with.out());
    }
}
