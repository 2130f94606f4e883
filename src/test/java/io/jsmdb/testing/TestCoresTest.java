package io.jsmdb.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Checks that cores/make-cores ran right: every version has every core, with its own oracle. */
class TestCoresTest {

    static Stream<Arguments> cores() {
        List<Arguments> out = new ArrayList<>();
        for (String v : TestCores.VERSIONS) {
            for (String c : TestCores.CORES) out.add(Arguments.of(v, c));
        }
        for (String v : TestCores.ARM64) {
            for (String c : TestCores.CORES) {
                if (c.endsWith("-" + TestCores.ABORT) && TestCores.ARM64_FIXTURES.contains(c.substring(0, c.lastIndexOf('-')))) {
                    out.add(Arguments.of(v, c));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cores")
    void everyVersionHasEveryCoreWithItsOracle(String version, String fixtureKind) throws IOException {
        int dash = fixtureKind.lastIndexOf('-');
        String fixture = fixtureKind.substring(0, dash);
        String kind = fixtureKind.substring(dash + 1);
        TestCores.TestCore tc = TestCores.get(version, fixture, kind);

        Map<String, Object> o = tc.oracle();
        assertEquals("v" + tc.version(), o.get("node"), tc.name() + ": oracle made by another node");
        assertEquals(fixture, o.get("fixture"), tc.name());
        assertEquals(kind, o.get("kind"), tc.name());
        assertTrue(o.get("v8") instanceof String s && !s.isEmpty(), tc.name() + ": v8 version");
        assertTrue(o.get("pid") instanceof Double, tc.name() + ": pid");
        Json.object(o, "values");
        Json.object(o, "heapCounts");
        List<Object> stack = Json.array(o, "stack");
        Json.array(o, "notes");
        if (kind.equals(TestCores.ABORT) && fixture.equals("oom")) {
            // V8 aborts from inside an allocation: no JavaScript can record the moment; the oracle
            // is written before the growth and names the leak instead
            assertTrue(stack.isEmpty(), tc.name() + ": the out-of-memory oracle is written before the growth");
            assertEquals("OomChunk", o.get("leakClass"), tc.name());
            assertEquals("oomHoard", o.get("leakHolder"), tc.name());
            assertTrue(Files.readString(tc.dir().resolve("stderr.txt")).contains("JavaScript heap out of memory"),
                    tc.name() + ": node did not die out of memory");
        } else if (kind.equals(TestCores.ABORT)) {
            assertFalse(stack.isEmpty(), tc.name() + ": an abort oracle records the stack");
            @SuppressWarnings("unchecked")
            Map<String, Object> top = (Map<String, Object>) stack.get(0);
            assertTrue(top.containsKey("functionName") && top.containsKey("line") && top.containsKey("argc"),
                    tc.name() + ": stack frame fields");
            assertTrue(o.get("crashSite") instanceof Map, tc.name() + ": crashSite");
        } else {
            assertTrue(stack.isEmpty(), tc.name() + ": a gcore is taken with no JavaScript on the stack");
        }
        if (fixture.equals("heap")) {
            assertEquals(1000.0, Json.object(o, "heapCounts").get("JsmdbLeakA"), tc.name() + ": heap snapshot count");
        }
        List<Path> elfCores = new ArrayList<>(List.of(tc.core()));
        if (fixture.equals("leak")) {
            // two gcores of one process, each moment recorded after the process reached it
            assertEquals(2, Json.array(o, "moments").size(), tc.name() + ": moments");
            elfCores.add(tc.core2());
        }

        // An ELF core file (e_type ET_CORE), and the binary that made it.
        for (Path c : elfCores) {
            byte[] h = new byte[20];
            try (InputStream in = Files.newInputStream(c)) {
                assertEquals(20, in.readNBytes(h, 0, 20), tc.name() + ": core too short: " + c);
            }
            assertTrue(h[0] == 0x7f && h[1] == 'E' && h[2] == 'L' && h[3] == 'F', tc.name() + ": not ELF: " + c);
            assertEquals(4, (h[16] & 0xff) | (h[17] & 0xff) << 8, tc.name() + ": ELF type is not ET_CORE: " + c);
            // an arm64 core is the guest's (qemu's own x86-64 core must not be taken for it)
            assertEquals(tc.arm64() ? 183 : 62, (h[18] & 0xff) | (h[19] & 0xff) << 8, tc.name() + ": e_machine of " + c);
        }
        assertTrue(Files.isExecutable(tc.node()), tc.name() + ": node binary");
        assertEquals(tc.version(), tc.node().toRealPath().getParent().getFileName().toString(),
                tc.name() + ": node symlink points at another version");
    }

    @Test
    void missingCoreFailsAndSaysHowToMakeIt(@TempDir Path root) {
        AssertionError e = assertThrows(AssertionError.class,
                () -> TestCores.get(root, "22.23.3", "stack", "abort"));
        assertTrue(e.getMessage().contains("cores/make-cores"), e.getMessage());
    }

    @Test
    void jsonReader() {
        Map<String, Object> m = Json.parseObject(
                " {\"a\": [1, -2.5e3, true, false, null], \"s\": \"x\\u00e9\\ud800\\n\\\"\", \"o\": {}} ");
        assertEquals(List.of(1.0, -2500.0, true, false), Json.array(m, "a").subList(0, 4));
        assertNull(Json.array(m, "a").get(4));
        assertEquals("x\u00e9\ud800\n\"", m.get("s"));
        assertTrue(Json.object(m, "o").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": 1,}"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1] 2"));
    }
}
