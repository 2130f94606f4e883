package io.jsmdb.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jsmdb.binary.ElfImage;
import io.jsmdb.testing.NodeBinaries;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class NodeVersionTest {
    static final List<String> VERSIONS = NodeBinaries.VERSIONS;

    @ParameterizedTest
    @FieldSource("VERSIONS")
    void detectsVersionOfEachOfficialBinary(String v) throws Exception {
        try (ElfImage image = ElfImage.open(NodeBinaries.binary(v))) {
            Optional<NodeVersion> found = NodeVersion.of(image);
            assertEquals(NodeVersion.parse(v), found);
            assertEquals("v" + v, found.orElseThrow().toString());
        }
    }

    private static Optional<NodeVersion> in(int size, Object... placed) {
        byte[] b = new byte[size];
        for (int i = 0; i < placed.length; i += 2) {
            byte[] t = ((String) placed[i + 1]).getBytes(StandardCharsets.ISO_8859_1);
            System.arraycopy(t, 0, b, (Integer) placed[i], t.length);
        }
        return NodeVersion.inBytes(MemorySegment.ofArray(b));
    }

    @Test
    void stringsInReadOnlyData() {
        String url = "https://nodejs.org/download/release/v20.1.0/node-v20.1.0.tar.gz";
        assertEquals(NodeVersion.parse("20.1.0"), in(4096, 10, "node.js/v20.1.0\0", 100, url));
        // a build without release URLs (not a release build) or without the inspector
        assertEquals(NodeVersion.parse("21.0.0"), in(4096, 10, "node.js/v21.0.0-pre\0"));
        assertEquals(NodeVersion.parse("20.1.0"), in(4096, 100, url));
        // the needle across the 1 MiB chunk boundary
        assertEquals(NodeVersion.parse("18.2.3"), in(3 << 20, (1 << 20) - 4, "node.js/v18.2.3\0"));
        assertEquals(NodeVersion.parse("18.2.3"), in(3 << 20, (1 << 20) - 12, "node.js/v18.2.3\0"));
        // not versions: text that merely looks similar
        assertEquals(Optional.empty(), in(4096, 10, "node.js/v20.1\0", 50, "node.js/v1.2.3.4\0", 90, "/download/release/v3.2.1.tgz"));
        // disagreement: the majority wins
        assertEquals(NodeVersion.parse("22.0.1"), in(4096, 10, "node.js/v22.0.1\0", 40, "node.js/v22.0.1\0", 100, url));
    }

    @Test
    void parsing() {
        assertEquals(Optional.of(new NodeVersion(20, 20, 2)), NodeVersion.parse("v20.20.2"));
        assertEquals(Optional.of(new NodeVersion(20, 20, 2)), NodeVersion.parse("20.20.2"));
        assertEquals(Optional.of(new NodeVersion(24, 0, 0)), NodeVersion.parse("v24.0.0-pre"));
        assertEquals(Optional.empty(), NodeVersion.parse("v20"));
        assertEquals(Optional.empty(), NodeVersion.parse("node"));
        assertTrue(new NodeVersion(22, 1, 0).atLeast(22, 0, 5));
        assertTrue(new NodeVersion(9, 0, 0).compareTo(new NodeVersion(16, 0, 0)) < 0);
    }
}
