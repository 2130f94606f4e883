package io.jsmdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jsmdb.cmd.AddressMode;
import io.jsmdb.cmd.DcmdRegistry;
import io.jsmdb.cmd.FakeDcmd;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jsmdb heapsnapshot [NODE] CORE -o FILE} reaches ::heapsnapshot with FILE as one word, whatever it holds. */
class HeapSnapshotCommandTest {
    @TempDir
    Path dir;
    Path core, node;
    final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    final List<String> opened = new ArrayList<>(), ran = new ArrayList<>();

    @BeforeEach
    void files() throws IOException {
        core = Files.writeString(dir.resolve("core"), "not really a core");
        node = Files.writeString(dir.resolve("node"), "not really node");
    }

    private int run(String... args) {
        Io io = Io.of(new ByteArrayInputStream(new byte[0]), out, new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        TargetOpener opener = (n, c, s) -> {
            opened.add(n + " " + c + " " + s);
            return null;
        };
        return Main.run(args, io, opener, () -> new DcmdRegistry(List.of(FakeDcmd.of("heapsnapshot", AddressMode.NONE,
                (self, ctx, inv) -> ran.add(String.join("|", inv.args()))))));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theFileReachesTheDcmdAsOneWord() {
        String file = "a b;c \"q\" \\ 'x' $HOME | ::x";
        assertEquals(0, run("heapsnapshot", node.toString(), core.toString(), "-o", file));
        assertEquals(List.of(file), ran);
        assertEquals(List.of(node + " " + core + " []"), opened);
        assertEquals("", err());
    }

    @Test
    void optionSpellingsAndSolibPath() {
        assertEquals(0, run("heapsnapshot", "--output=x.heapsnapshot", core.toString()));
        assertEquals(0, run("heapsnapshot", "-oy.heapsnapshot", "--solib-path", "/l", core.toString()));
        assertEquals(0, run("heapsnapshot", core.toString(), "--output", "z.heapsnapshot"));
        assertEquals(List.of("x.heapsnapshot", "y.heapsnapshot", "z.heapsnapshot"), ran);
        assertEquals(List.of("null " + core + " []", "null " + core + " [/l]", "null " + core + " []"), opened);
    }

    @Test
    void badUsageIsExit2WithOneLine() {
        assertEquals(2, run("heapsnapshot", core.toString()));
        assertEquals("jsmdb: heapsnapshot needs -o FILE (jsmdb heapsnapshot [NODE] CORE -o FILE)\n", err());
        err.reset();
        assertEquals(2, run("heapsnapshot", core.toString(), "-o"));
        assertTrue(err().startsWith("jsmdb: option '-o' needs a value"), err());
        err.reset();
        assertEquals(2, run("heapsnapshot", core.toString(), "-o", "a", "-o", "b"));
        assertEquals("jsmdb: heapsnapshot writes one file: -o given twice\n", err());
        err.reset();
        assertEquals(2, run("heapsnapshot", core.toString(), "-o", "a", "-e", "::status"));
        assertTrue(err().startsWith("jsmdb: heapsnapshot runs no commands of its own: '-e'"), err());
        err.reset();
        assertEquals(2, run("heapsnapshot", core.toString(), "-o", "a\nb"));
        assertEquals("jsmdb: heapsnapshot: a file name with a line break is not supported\n", err());
        assertEquals(List.of(), ran);
        assertEquals(List.of(), opened);
    }

    @Test
    void helpIsJsmdbsHelp() {
        assertEquals(0, run("heapsnapshot", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("jsmdb heapsnapshot [NODE] CORE -o FILE"));
    }
}
