package io.jsmdb.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The root command line has two readers: {@link Args#quick} (no picocli: start-up) and picocli
 * ({@link Cli#parseRoot}). Whatever the quick one reads, picocli reads the same way; what it
 * leaves (help, version, errors, anything unusual) is picocli's alone.
 */
class ArgsTest {
    /** Words of jsmdb's command line, the usual and the odd, for command lines made at random. */
    private static final List<String> WORDS = List.of(
            "-e", "--eval", "-f", "--file", "--solib-path", "--demo", "--", "-", "core", "node", "./core.42",
            "diff", "demo", "heapsnapshot", "completion", "-e::status", "-eval", "--eval=::jsstack -v", "--eval=",
            "-fcmds", "--file=-", "--solib-path=/a:/b", "-e=x", "-x", "-h", "--help", "-V", "--version", "-1", "@args",
            "a=b", "", " ", "-e-f", "--demo=1", "--=x", "---", "-ee", "::status; ::jsstack", "-hV", "--solib",
            "--evalx", "-ef", "--e", "-E", "--Eval", "-p", "1234", "\u00e9", "-\u00e9", "-e\n::quit");

    private static Args picocli(String... argv) {
        try {
            return Cli.parseRoot(argv);
        } catch (Main.UsageError e) {
            return fail("picocli refused " + List.of(argv) + ": " + e.getMessage());
        }
    }

    private static void agree(String... argv) {
        Args quick = Args.quick(argv);
        if (quick != null) {
            assertEquals(quick, picocli(argv), "quick and picocli read " + List.of(argv) + " differently");
        }
    }

    @Test
    void theOrdinaryCommandLinesAreReadQuicklyAndAsPicocliReadsThem() {
        List<String[]> ordinary = List.of(
                new String[] {"node", "core", "-e", "::status"},
                new String[] {"core"},
                new String[] {"-e", "::jsstack -v", "--eval", "::findjsobjects", "--eval=::status", "-e::quit", "core"},
                new String[] {"--solib-path", "/a:/b", "node", "core", "--solib-path=/c", "-f", "cmds", "-fmore"},
                new String[] {"-f", "-", "core"},
                new String[] {"--demo", "node", "core"},
                new String[] {"core", "--", "-weird-core"},
                new String[] {"-e", "--", "core"},          // a value is the next word, whatever it is
                new String[] {"-e", "", "core"},
                new String[] {"-e", "--help", "core"},
                new String[] {"-eval"},                     // -e with the value "val"
                new String[] {"node", "diff"},              // a subcommand's name is a file after the first word
                new String[] {"@core"},                     // no @FILE expansion
                new String[] {"-", "core"},
                new String[] {});
        for (String[] argv : ordinary) {
            assertNotNull(Args.quick(argv), List.of(argv) + " is read without picocli");
            agree(argv);
        }
        assertEquals(new Args(false, false, false, List.of("::status"), List.of(), List.of(), List.of("node", "core")),
                Args.quick(new String[] {"node", "core", "-e", "::status"}));
        assertEquals(List.of("--"), Args.quick(new String[] {"-e", "--", "core"}).evals());
        assertEquals(List.of(""), Args.quick(new String[] {"-e", "", "core"}).evals());
        assertEquals(List.of("node", "diff"), picocli("node", "diff").files());
    }

    @Test
    void whatQuickLeavesIsPicocliAlone() {
        for (String[] argv : List.of(new String[] {"-h"}, new String[] {"core", "--help"}, new String[] {"-V"},
                new String[] {"--version"}, new String[] {"-x", "core"}, new String[] {"core", "-e"},
                new String[] {"--demo=1", "core"}, new String[] {"-e=::status", "core"}, new String[] {"-1"},
                new String[] {"--solib", "x", "core"})) {
            assertNull(Args.quick(argv), List.of(argv).toString());
        }
        assertTrue(picocli("-h").help());
        assertTrue(picocli("core", "--version").version());
        assertEquals(List.of("::status"), picocli("-e=::status", "core").evals(), "picocli's -e=X is -e X");
        assertEquals(List.of("-1"), picocli("-1").files(), "picocli takes a negative number for a word");
        assertEquals("option '--eval' needs a value (jsmdb --help shows the usage)",
                assertThrows(Main.UsageError.class, () -> Args.parse(new String[] {"core", "--eval"})).getMessage());
        assertEquals("unknown option '-x' (jsmdb --help shows the usage)",
                assertThrows(Main.UsageError.class, () -> Args.parse(new String[] {"-x", "core"})).getMessage());
        assertEquals("option '--demo' takes no value (jsmdb --help shows the usage)",
                assertThrows(Main.UsageError.class, () -> Args.parse(new String[] {"--demo=1", "core"})).getMessage());
    }

    @Test
    void commandLinesAtRandomAreReadAlikeByBoth() {
        Random random = new Random(11);
        int quick = 0, n = 4000;
        for (int i = 0; i < n; i++) {
            String[] argv = new String[random.nextInt(7)];
            for (int j = 0; j < argv.length; j++) {
                argv[j] = WORDS.get(random.nextInt(WORDS.size()));
            }
            if (Args.quick(argv) != null) {
                quick++;
            }
            agree(argv);
        }
        assertTrue(quick > n / 10, "the random command lines reach the quick reader: " + quick + " of " + n);
    }

    /**
     * The ordinary command line does not load picocli (about 80 ms of start-up, bench/README.md);
     * --help does. In a JVM of its own, with the test class path.
     */
    @Test
    void theOrdinaryCommandLineLoadsNoPicocli() throws Exception {
        String missing = Path.of(System.getProperty("java.io.tmpdir"), "jsmdb-no-such-core").toString();
        String plain = loadedClasses(missing, "-e", "::status");
        assertTrue(plain.contains("io.jsmdb.cli.Args "), "the log lists jsmdb's classes:\n" + plain.lines().limit(5).toList());
        assertFalse(plain.contains("picocli."), "picocli loaded for jsmdb CORE -e ::status");
        assertTrue(loadedClasses("--help").contains("picocli.CommandLine "), "picocli is loaded for --help");
    }

    private static String loadedClasses(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-Xlog:class+load=info", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return out;
    }
}
