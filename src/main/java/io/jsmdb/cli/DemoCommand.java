package io.jsmdb.cli;

import io.jsmdb.cmd.Strings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code jsmdb demo}: makes a core of cores/fixtures/demo.js with the node on PATH
 * (cores/make-demo-core, in a temporary directory removed however jsmdb ends) and opens it, as
 * {@code jsmdb -e ... NODE CORE} would: with a prompt on a terminal, the overview
 * ({@link Main#demoSources}) otherwise. It needs jsmdb's source tree (the script and the fixture):
 * the directory above the jar's target/, or $JSMDB_HOME.
 */
@Command(name = "demo",
        customSynopsis = "jsmdb demo [-e COMMANDS] [-f FILE]",
        description = {
                "make a core of a small scenario with the local node, and open it",
                "",
                "Runs cores/fixtures/demo.js (a web shop that crashes while rendering a page)",
                "under the node on PATH with --abort-on-uncaught-exception, then opens its core:",
                "with a prompt on a terminal, otherwise ::status, ::jsexception, ::jsstack -v and",
                "::findjsobjects run (and -e/-f commands after them). The core, in a temporary",
                "directory, is removed when jsmdb ends. Needs kernel.core_pattern without a pipe",
                "(e.g. core)."},
        optionListHeading = "%nOptions:%n",
        sortOptions = false)
final class DemoCommand implements CliCommand {
    @Mixin
    RunOptions run = new RunOptions();

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Override
    public int run(Context ctx) throws Main.UsageError, IOException {
        Io io = ctx.io();
        Path node = onPath("node", io.env().get("PATH"));
        if (node == null) {
            throw new Main.UsageError("demo needs a node binary on PATH");
        }
        Path maker = home(io).resolve("cores").resolve("make-demo-core");
        if (!Files.isExecutable(maker)) {
            throw new Main.UsageError("demo needs jsmdb's source tree: no " + maker + " (set JSMDB_HOME to the checkout)");
        }
        Path dir = Files.createTempDirectory(tmpdir(io), "jsmdb-demo.");
        // the core is hundreds of MB: removed however jsmdb ends (Ctrl-C, a signal, an error)
        Thread cleanup = new Thread(() -> deleteTree(dir), "jsmdb-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            io.err().println("jsmdb: " + Strings.safe("making a core of cores/fixtures/demo.js with " + node + " ("
                    + nodeVersion(node) + ") in " + dir + " ..."));
            Path core = makeCore(maker, dir, node, io);
            // not a terminal: show what jsmdb knows about the core, with whichever commands exist
            boolean overview = !(io.stdinTerminal() && io.stdoutTerminal());
            Args a = new Args(false, false, overview, List.copyOf(run.evals), List.copyOf(run.scripts),
                    List.copyOf(run.solibs), List.of(node.toString(), core.toString()));
            return Main.runRoot(a, ctx);
        } finally {
            deleteTree(dir);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs (and finds nothing)
            }
        }
    }

    /** The first executable NAME in the directories of PATH (as the shell's command -v finds it), or null. */
    static Path onPath(String name, String path) {
        if (path == null) {
            return null;
        }
        for (String d : path.split(":", -1)) {
            Path p = Path.of(d.isEmpty() ? "." : d).resolve(name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p.toAbsolutePath();
            }
        }
        return null;
    }

    /** jsmdb's source tree: $JSMDB_HOME, else the directory above the jar's (or classes') target/. */
    static Path home(Io io) {
        String env = io.env().get("JSMDB_HOME");
        if (env != null && !env.isEmpty()) {
            return Path.of(env);
        }
        try {
            Path code = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path target = code.getParent();
            if (target != null && target.getParent() != null) {
                return target.getParent();
            }
        } catch (URISyntaxException | RuntimeException e) {
            // below
        }
        return Path.of(".");
    }

    private static Path tmpdir(Io io) {
        String t = io.env().get("TMPDIR");
        return Path.of(t != null && !t.isEmpty() ? t : System.getProperty("java.io.tmpdir"));
    }

    private static String nodeVersion(Path node) {
        try {
            Process p = new ProcessBuilder(node.toString(), "--version")
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String v;
            try (InputStream in = p.getInputStream()) {
                v = new String(in.readNBytes(200), StandardCharsets.UTF_8).strip();
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return v.isEmpty() ? "version unknown" : v;
        } catch (IOException e) {
            return "version unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "version unknown";
        }
    }

    /** Runs make-demo-core DIR NODE; the core it made. Its complaints are passed on to stderr. */
    private static Path makeCore(Path maker, Path dir, Path node, Io io) throws Main.UsageError, IOException {
        Path errors = dir.resolve("make-demo-core.err");
        Process p = new ProcessBuilder(maker.toString(), dir.toString(), node.toString())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(errors.toFile())
                .start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int status;
        try {
            status = p.waitFor();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new Main.UsageError("interrupted while making the demo core");
        }
        String complaints = Files.exists(errors) ? Files.readString(errors, StandardCharsets.UTF_8) : "";
        if (!complaints.isEmpty()) {
            io.err().print(Strings.safe(complaints.endsWith("\n") ? complaints : complaints + "\n"));
        }
        List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
        Path core = lines.isEmpty() ? null : Path.of(lines.getLast());
        if (status != 0 || core == null || !Files.isRegularFile(core)) {
            throw new Main.UsageError("could not make the demo core");
        }
        return core;
    }

    /** Removes dir and everything in it, quietly (best effort). */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.forEach(all::add);
        } catch (IOException | RuntimeException e) {
            // delete what was listed
        }
        all.sort(Comparator.reverseOrder());
        for (Path p : all) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // best effort
            }
        }
    }
}
