package io.jsmdb.cli;

import io.jsmdb.cmd.AddressMode;
import io.jsmdb.cmd.DcmdException;
import io.jsmdb.cmd.DcmdRegistry;
import io.jsmdb.cmd.FakeDcmd;
import io.jsmdb.node.TargetException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

import static org.junit.jupiter.api.Assertions.*;

class MainTest {
    @TempDir
    Path dir;
    Path core;
    Path node;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final List<String> opened = new ArrayList<>();
    private final List<String> ran = new ArrayList<>();
    private TargetOpener opener = (n, c, s) -> {
        opened.add(n + " " + c + " " + s);
        return null;
    };
    private Map<String, String> env = Map.of();

    @BeforeEach
    void files() throws IOException {
        core = Files.writeString(dir.resolve("core"), "not really a core");
        node = Files.writeString(dir.resolve("node"), "not really node");
    }

    private DcmdRegistry registry() {
        DcmdRegistry r = DcmdRegistry.standard();
        r.register(FakeDcmd.of("good", AddressMode.OPTIONAL, (self, ctx, inv) -> {
            ran.add("good" + inv.args());
            ctx.out().println("good " + String.join(" ", inv.args()));
        }));
        r.register(FakeDcmd.of("bad", AddressMode.NONE, (self, ctx, inv) -> {
            ran.add("bad");
            throw new DcmdException("no luck");
        }));
        r.register(FakeDcmd.of("boom", AddressMode.NONE, (self, ctx, inv) -> {
            throw new IllegalStateException("decoding went astray");
        }));
        return r;
    }

    private int runWithStdin(String stdin, String... args) {
        Io io = Io.of(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), out,
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        return Main.run(args, io, opener, this::registry);
    }

    private int run(String... args) {
        return runWithStdin("", args);
    }

    private int runWithStdinBytes(byte[] stdin, String... args) {
        Io io = Io.of(new ByteArrayInputStream(stdin), out, new PrintStream(err, true, StandardCharsets.UTF_8), env);
        return Main.run(args, io, opener, this::registry);
    }

    private static byte[] concat(String text, byte... tail) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        byte[] b = java.util.Arrays.copyOf(t, t.length + tail.length);
        System.arraycopy(tail, 0, b, t.length, tail.length);
        return b;
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void help() {
        assertEquals(0, run("--help"));
        assertTrue(out().startsWith("Usage: jsmdb [options] [NODE] CORE\n"), out());
        assertTrue(out().contains("--solib-path"));
        assertEquals("", err());
        assertEquals(List.of(), opened);
        out.reset();
        assertEquals(0, run("-h", core.toString()));
        assertTrue(out().startsWith("Usage:"));
    }

    @Test
    void version() {
        assertEquals(0, run("--version"));
        assertTrue(out().matches("jsmdb \\S+ \\(Java \\S+\\)\n"), out());
        assertFalse(out().contains("${"), "the version is filtered in by Maven: " + out());
    }

    @Test
    void badUsageIsExit2WithOneLine() {
        for (String[] args : List.of(new String[] {}, new String[] {"-x", "core"}, new String[] {"--bogus"},
                new String[] {"a", "b", "c"}, new String[] {"core", "-e"}, new String[] {"--help=yes"})) {
            err.reset();
            assertEquals(2, run(args), List.of(args).toString());
            assertTrue(err().startsWith("jsmdb: "), err());
            assertEquals(1, err().lines().count(), err());
        }
        assertEquals(List.of(), opened);
    }

    @Test
    void unopenableTargetIsExit2BeforeAnyCommand() {
        opener = (n, c, s) -> {
            throw new TargetException("not an ELF core file: " + c);
        };
        assertEquals(2, run(core.toString(), "-e", "::good"));
        assertEquals("jsmdb: not an ELF core file: " + core + "\n", err());
        assertEquals(List.of(), ran);
        err.reset();
        assertEquals(2, run(dir.resolve("nosuch").toString(), "-e", "::good"));
        assertEquals("jsmdb: " + dir.resolve("nosuch") + ": no such file\n", err());
        err.reset();
        assertEquals(2, run(dir.toString()));
        assertTrue(err().contains("is a directory"));
    }

    @Test
    void openerBugIsExit2WithoutStackTrace() {
        opener = (n, c, s) -> {
            throw new IllegalArgumentException("section table runs past the end");
        };
        assertEquals(2, run(core.toString(), "-e", "::good"));
        assertEquals("jsmdb: cannot open " + core + ": section table runs past the end\n", err());
    }

    @Test
    void nodeCoreAndSolibPathReachTheOpener() {
        assertEquals(0, run("--solib-path", "/a:/b", node.toString(), core.toString(), "--solib-path=/c", "-e", "::good"));
        assertEquals(List.of(node + " " + core + " [/a, /b, /c]"), opened);
        opened.clear();
        assertEquals(0, run(core.toString(), "-e::good"));
        assertEquals(List.of("null " + core + " []"), opened);
    }

    @Test
    void evalRunsEveryCommandAndFailureGivesExit1() {
        assertEquals(1, run(core.toString(), "-e", "::bad; ::good x\n::good 'y;z'"));
        assertEquals(List.of("bad", "good[x]", "good[y;z]"), ran);
        assertEquals("good x\ngood y;z\n", out());
        assertEquals("jsmdb: ::bad: no luck\n", err());
    }

    @Test
    void severalEvalsRunInOrder() {
        assertEquals(0, run(core.toString(), "-e", "::good 1", "--eval", "::good 2", "--eval=::good 3"));
        assertEquals("good 1\ngood 2\ngood 3\n", out());
    }

    @Test
    void shellPartKeepsItsSemicolons() {
        assertEquals(0, run(core.toString(), "-e", "::good b; ::good a ! sort; echo end"));
        assertEquals("good b\ngood a\nend\n", out());
    }

    @Test
    void quitStopsTheRest() {
        assertEquals(0, run(core.toString(), "-e", "::good 1; $q; ::good 2"));
        assertEquals("good 1\n", out());
        out.reset();
        assertEquals(1, run(core.toString(), "-e", "::bad; ::quit; ::good 2"));
        assertEquals(List.of("good[1]", "bad"), ran);
    }

    @Test
    void scriptFile() throws IOException {
        Path script = Files.writeString(dir.resolve("cmds"), "::good 1\n\n::good 2; !echo three\n");
        assertEquals(0, run(core.toString(), "-f", script.toString()));
        assertEquals("good 1\ngood 2\nthree\n", out());
        err.reset();
        assertEquals(2, run(core.toString(), "-f", dir.resolve("missing").toString()));
        assertEquals("jsmdb: " + dir.resolve("missing") + ": no such file\n", err());
    }

    @Test
    void scriptFromStdinWithDash() {
        assertEquals(0, runWithStdin("::good from-stdin\n", core.toString(), "-f", "-"));
        assertEquals("good from-stdin\n", out());
    }

    @Test
    void batchStdinWhenNotATerminal() {
        assertEquals(1, runWithStdin("::good 1\n::nosuch\n\n!echo test: x\n::good 2; ::good 3\n", core.toString()));
        assertEquals("good 1\ntest: x\ngood 2\ngood 3\n", out(), "no prompt, no banner");
        assertEquals("jsmdb: unknown dcmd 'nosuch'; ::dcmds lists them\n", err());
    }

    @Test
    void shellCommandDoesNotEatCommandsFromStdin() {
        assertEquals(0, runWithStdin("!cat\n::good after\n", core.toString()));
        assertEquals("good after\n", out());
    }

    @Test
    void errorPathsHaveNoJavaStackTrace() {
        assertEquals(1, run(core.toString(), "-e", "::boom; zz::good; ::good 'open"));
        assertFalse(err().contains("\tat "), err());
        assertFalse(err().contains("Exception"), err());
        assertEquals(List.of("jsmdb: ::boom: decoding went astray", "jsmdb: bad address 'zz' (want hex, 0x hex or 0t decimal)",
                "jsmdb: unterminated ' quote"), err().lines().toList());
    }

    @Test
    void debugEnvShowsStackTraces() {
        env = Map.of("JSMDB_DEBUG", "1");
        assertEquals(1, run(core.toString(), "-e", "::boom"));
        assertTrue(err().startsWith("jsmdb: ::boom: decoding went astray\n"));
        assertTrue(err().contains("\tat "));
    }

    @Test
    void argsParsing() throws Exception {
        Args a = Args.parse(new String[] {"-e", "x", "-fy", "--", "-e"});
        assertEquals(List.of("x"), a.evals());
        assertEquals(List.of("y"), a.scripts());
        assertEquals(List.of("-e"), a.files());
        assertTrue(Args.parse(new String[] {"-V"}).version());
        assertEquals(List.of("-"), Args.parse(new String[] {"-"}).files());
        assertEquals(List.of("val"), Args.parse(new String[] {"-eval"}).evals(), "-eval is -e with value 'val'");
        assertTrue(assertThrows(Main.UsageError.class, () -> Args.parse(new String[] {"--eval"})).getMessage()
                .startsWith("option '--eval' needs a value"));
    }

    // ---- command streams that are not text (issue 8 item 7) ------------------------------------

    @Test
    void stdinThatIsNotTextRunsNothingAndExits2() {
        Path marker = dir.resolve("shell-ran");
        // a NUL after good lines: nothing runs, not the dcmd, not the shell command before it
        byte[] nul = concat("::good 1\n!touch " + marker + "\n::good 2\0\n");
        // invalid UTF-8 (a lone continuation byte, then a truncated sequence at the end)
        byte[] badUtf8 = concat("::good 1\n!touch " + marker + "\n", (byte) 0x80, (byte) '\n', (byte) 0xe2, (byte) 0x82);
        for (byte[] stdin : List.of(nul, badUtf8)) {
            for (String[] args : List.of(new String[] {core.toString()}, new String[] {core.toString(), "-f", "-"})) {
                err.reset();
                assertEquals(2, runWithStdinBytes(stdin, args));
                assertEquals(List.of(), ran, "nothing from the stream ran");
                assertFalse(Files.exists(marker), "no shell command from the stream ran");
                assertEquals("", out());
                assertEquals(1, err().lines().count(), err());
                assertTrue(err().startsWith("jsmdb: stdin is not a text of commands: "), err());
                assertTrue(err().contains("nothing from it was run"), err());
            }
        }
    }

    @Test
    void binaryWithoutNewlinesIsRefusedInBoundedMemory() {
        byte[] big = new byte[CommandInput.MAX_LINE + 10];
        java.util.Arrays.fill(big, (byte) 'a');
        assertEquals(2, runWithStdinBytes(big, core.toString()));
        assertTrue(err().contains("a line longer than 1 MiB"), err());
        assertEquals(List.of(), ran);
    }

    @Test
    void scriptFileThatIsNotTextRunsNothing() throws IOException {
        Path marker = dir.resolve("shell-ran");
        Path script = Files.write(dir.resolve("cmds"), concat("!touch " + marker + "\n::good 1\n", (byte) 0, (byte) 0xff));
        assertEquals(2, run(core.toString(), "-e", "::good before", "-f", script.toString()));
        assertEquals(List.of(), ran, "checked before the core is opened, so not even -e ran");
        assertEquals(List.of(), opened);
        assertFalse(Files.exists(marker));
        assertEquals(1, err().lines().count(), err());
        assertTrue(err().startsWith("jsmdb: " + script + " is not a text of commands: a NUL byte"), err());
    }

    @Test
    void textStdinStillStreamsLineByLine() {
        // CRLF line ends and UTF-8 are text; the last line needs no newline
        assertEquals(0, runWithStdinBytes("::good caf\u00e9\r\n::good last".getBytes(StandardCharsets.UTF_8), core.toString()));
        assertEquals("good caf\u00e9\ngood last\n", out());
    }

    @Test
    void fifoOrDeviceAsCoreIsRefused() throws Exception {
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        assertEquals(2, run(fifo.toString(), "-e", "::good"));
        assertEquals("jsmdb: " + fifo + ": not a regular file (a FIFO), not a core file\n", err());
        assertEquals(List.of(), opened, "never opened (it would block)");
        err.reset();
        assertEquals(2, run("/dev/null", core.toString(), "-e", "::good"));
        assertEquals("jsmdb: /dev/null: not a regular file (a character device), not a node binary\n", err());
    }

    // ---- output that cannot be written (issue 8 item 7) -----------------------------------------

    private int runWithOut(java.io.OutputStream stdout, String... args) {
        Io io = Io.of(new ByteArrayInputStream(new byte[0]), stdout, new PrintStream(err, true, StandardCharsets.UTF_8), env);
        return Main.run(args, io, opener, this::registry);
    }

    private static java.io.OutputStream failing(String why) {
        return new java.io.OutputStream() {
            @Override public void write(int b) throws IOException { throw new IOException(why); }
            @Override public void write(byte[] b, int off, int len) throws IOException { throw new IOException(why); }
        };
    }

    @Test
    void fullDeviceIsExit1WithOneLine() {
        assertEquals(1, runWithOut(failing("No space left on device"), core.toString(), "-e", "::good 1; ::good 2; ::good 3"));
        assertEquals("jsmdb: cannot write the output: No space left on device\n", err());
        assertEquals(List.of("good[1]"), ran, "the session stops at the first failed write");
        err.reset();
        assertEquals(1, runWithOut(failing("No space left on device"), "--help"));
        assertEquals("jsmdb: cannot write the output: No space left on device\n", err());
    }

    @Test
    void readerLeavingIsExit0Quietly() {
        assertEquals(0, runWithOut(failing("Broken pipe"), core.toString(), "-e", "::good 1; ::good 2"));
        assertEquals("", err());
        assertEquals(List.of("good[1]"), ran);
    }

    @Test
    void demoHasAHeadingBeforeEachCommand() {
        assertEquals(1, run(core.toString(), "--demo"));
        // the fake target (null) makes the real dcmds fail; the headings still frame their output
        List<String> headings = out().lines().filter(l -> l.startsWith("== ")).toList();
        assertEquals(List.of("== ::status", "== ::jsexception", "== ::jsstack -v", "== ::findjsobjects"), headings, out());
    }
}
