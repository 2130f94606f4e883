package io.jsmdb.cli;

import io.jsmdb.cmd.DcmdRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

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
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The command line's picocli side: subcommands, help, version, the completion script, usage errors. */
class CliTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    private final List<String> opened = new ArrayList<>();

    private int run(String... args) {
        out.reset();
        err.reset();
        Io io = Io.of(new ByteArrayInputStream(new byte[0]), out, new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        return Main.run(args, io, (n, c, s) -> {
            opened.add(n + " " + c);
            return null;
        }, () -> new DcmdRegistry(List.of()));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everySubcommandIsACommandOfItsNameAndListedInTheHelp() throws Exception {
        assertEquals(0, run("--help"));
        String help = out();
        for (Subcommands.Entry e : Subcommands.ALL) {
            Command c = e.type().getAnnotation(Command.class);
            assertNotNull(c, e.name() + ": a picocli @Command");
            assertEquals(e.name(), c.name(), e.type().getSimpleName());
            assertTrue(c.customSynopsis().length > 0 && c.customSynopsis()[0].startsWith("jsmdb " + e.name()),
                    e.name() + ": its synopsis is the line --help lists");
            assertTrue(help.contains("\n  " + c.customSynopsis()[0] + "\n      " + c.description()[0] + "\n"), e.name() + ":\n" + help);
            assertSame(e, Subcommands.named(e.name()));
            // its own help, through the command line
            assertEquals(0, run(e.name(), "--help"), e.name());
            assertTrue(out().startsWith("Usage: " + c.customSynopsis()[0] + "\n"), out());
            assertEquals("", err());
        }
        assertNull(Subcommands.named("core"));
        assertTrue(help.startsWith("Usage: jsmdb [options] [NODE] CORE\n"), help);
        assertTrue(help.contains("Commands (jsmdb COMMAND --help"), help);
        for (String line : help.lines().toList()) {
            assertTrue(line.length() <= 80, "a help line longer than 80 columns: " + line);
        }
    }

    @Test
    void versionComesFromTheJarsProperties() {
        assertEquals(0, run("-V"));
        assertEquals(Main.versionLine() + "\n", out());
        assertTrue(out().matches("jsmdb \\d+\\.\\d+\\.\\d+\\S* \\(Java \\S+\\)\n"), out());
    }

    @Test
    void aSubcommandIsTheFirstWordOnly() throws IOException {
        Path core = Files.writeString(dir.resolve("diff"), "not a core");
        assertEquals(0, run("-e", "", core.toString()));
        // as a later word it is a file: here the core (opened by name)
        assertEquals(List.of("null " + core), opened);
        opened.clear();
        assertEquals(2, run("--solib-path", "/x", "diff", "a", "b"));
        assertEquals("jsmdb: too many arguments: 'b' (jsmdb [options] [NODE] CORE)\n", err(), "not jsmdb diff");
    }

    @Test
    void usageErrorsAreOneLineNamingTheCommand() {
        record Case(List<String> args, String err) {}
        for (Case c : List.of(
                new Case(List.of("--help=yes"), "jsmdb: option '--help' takes no value (jsmdb --help shows the usage)\n"),
                new Case(List.of("-q", "core"), "jsmdb: unknown option '-q' (jsmdb --help shows the usage)\n"),
                new Case(List.of("--eval=x", "--bogus=1"), "jsmdb: unknown option '--bogus' (jsmdb --help shows the usage)\n"),
                new Case(List.of("diff", "-vz", "a", "b"), "jsmdb: unknown option '-z' (jsmdb diff --help shows the usage)\n"),
                new Case(List.of("diff", "a", "b", "--solib-path"), "jsmdb: option '--solib-path' needs a value (jsmdb diff --help shows the usage)\n"),
                new Case(List.of("completion", "extra"), "jsmdb: unexpected argument 'extra' (jsmdb completion --help shows the usage)\n"),
                new Case(List.of("demo", "core"), "jsmdb: unexpected argument 'core' (jsmdb demo --help shows the usage)\n"),
                new Case(List.of("heapsnapshot", "core", "--output"), "jsmdb: option '--output' needs a value (jsmdb heapsnapshot --help shows the usage)\n"),
                new Case(List.of("-e", "x", "-\u202e"), "jsmdb: unknown option '-\\u202e' (jsmdb --help shows the usage)\n"))) {
            assertEquals(2, run(c.args().toArray(String[]::new)), c.args().toString());
            assertEquals(c.err(), err(), c.args().toString());
            assertEquals("", out());
        }
        assertEquals(List.of(), opened);
    }

    @Test
    void theCompletionScriptCompletesOptionsSubcommandsAndFiles() throws Exception {
        assertEquals(0, run("completion"));
        String script = out();
        assertTrue(script.startsWith("#!/usr/bin/env bash\n"), script.lines().limit(3).toList().toString());
        assertTrue(script.contains("complete -F _complete_jsmdb"), "registers for the command jsmdb");
        Path script1 = Files.writeString(dir.resolve("jsmdb.bash"), script);
        Files.writeString(dir.resolve("core.4242"), "");
        Files.writeString(dir.resolve("cmds.txt"), "");
        // bash completes as it would on Tab: COMP_WORDS and COMP_CWORD, then the completion function
        assertEquals(List.of("demo", "diff"), complete(script1, "jsmdb", "d"));
        assertEquals(List.of("--solib-path"), complete(script1, "jsmdb", "--so"));
        assertEquals(List.of("cmds.txt", "core.4242"), complete(script1, "jsmdb", "-e", "::status", "-f", "c"));
        assertEquals(List.of("completion", "core.4242"), complete(script1, "jsmdb", "co"), "subcommands and files");
        assertEquals(List.of("core.4242"), complete(script1, "bin/jsmdb", "diff", "core.4242", "co"));
        assertTrue(complete(script1, "jsmdb", "diff", "-").containsAll(List.of("-v", "-a", "-c", "-n", "--solib-path", "--help")));
        assertEquals(List.of("--output"), complete(script1, "jsmdb", "heapsnapshot", "--o"));
    }

    /** What the script offers for the last word, sorted. */
    private List<String> complete(Path script, String... words) throws Exception {
        String line = String.join(" ", words);
        StringBuilder bash = new StringBuilder("source '" + script + "' 2>/dev/null\nCOMP_WORDS=(");
        for (String w : words) bash.append("'").append(w).append("' ");
        bash.append(")\nCOMP_CWORD=").append(words.length - 1).append("\nCOMP_LINE='").append(line).append("'\nCOMP_POINT=")
                .append(line.length()).append("\n_complete_jsmdb 2>/dev/null\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n");
        Process p = new ProcessBuilder("bash", "--norc", "--noprofile", "-c", bash.toString()).directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String o = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return o.lines().map(String::strip).filter(s -> !s.isEmpty()).sorted().toList();
    }

    @Test
    void anAtWordIsAFileNameNotAFileOfArguments() throws IOException {
        Path args = Files.writeString(dir.resolve("args"), "--bogus\n");
        String at = "@" + args;
        for (List<String> argv : List.of(List.of(at), List.of("-e", "", at), List.of("heapsnapshot", at, "-o", "x"),
                List.of("diff", at, args.toString()))) {
            assertEquals(2, run(argv.toArray(String[]::new)), argv.toString());
            assertEquals("jsmdb: " + at + ": no such file\n", err(), argv.toString());
        }
    }

    @Test
    void theLastOfARepeatedValueWins() {
        CommandLine cl = Cli.commandLine(Subcommands.ALL);
        cl.parseArgs("diff", "-c", "A", "-c", "B", "-n", "1", "-n2", "x", "y");
        DiffCommand d = (DiffCommand) cl.getSubcommands().get("diff").getCommand();
        assertEquals(List.of("B", "2"), List.of(d.constructor, d.top));
    }
}
