package io.jsmdb.cli;

import io.jsmdb.cmd.DcmdRegistry;
import io.jsmdb.node.NodeTarget;
import io.jsmdb.node.TargetException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * {@code jsmdb [options] [NODE] CORE}: opens the core and runs mdb commands from -e, -f, stdin,
 * or an interactive prompt. Exit status 0 when every command succeeded, 1 when one failed,
 * 2 for bad usage or a core that cannot be opened.
 */
public final class Main {
    static final int OK = 0, FAILED = 1, USAGE = 2;

    private static final String USAGE_TEXT = """
            Usage: jsmdb [options] [NODE] CORE
            Post-mortem analysis of a Node.js core dump, with mdb's commands (::jsstack,
            ::findjsobjects, ::jsprint, ...). NODE is the node binary that dumped CORE;
            without it jsmdb finds the binary the core names.

            Options:
              -e, --eval COMMANDS     run COMMANDS (separated by ';' or newlines), then exit
              -f, --file FILE         run the commands in FILE ('-' for stdin), then exit
                  --solib-path DIRS   directories (':'-separated) to search for shared libraries
              -h, --help              show this help and exit
              -V, --version           show the version and exit

            Without -e or -f, commands are read from stdin: with a prompt on a terminal,
            one per line otherwise. Type ::help for the command language.
            Exit status: 0 all commands succeeded, 1 a command failed, 2 bad usage or
            a core that cannot be opened. JSMDB_DEBUG=1 shows stack traces of errors.""";

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, Io.system(), new Production(), new Production()));
    }

    /** The real target and dcmds (a class rather than method references: no lambda bootstrap at start-up). */
    private static final class Production implements TargetOpener, Supplier<DcmdRegistry> {
        @Override
        public NodeTarget open(Path nodeOrNull, Path core, List<Path> solibPath) throws TargetException {
            return NodeTarget.open(nodeOrNull, core, solibPath);
        }

        @Override
        public DcmdRegistry get() {
            return DcmdRegistry.standard();
        }
    }

    /** Everything main does, with its outside world passed in; returns the exit status. */
    public static int run(String[] args, Io io, TargetOpener opener, Supplier<DcmdRegistry> registry) {
        try {
            return runChecked(args, io, opener, registry);
        } catch (UsageError e) {
            io.err().println("jsmdb: " + e.getMessage());
            return USAGE;
        } catch (Throwable t) {
            io.err().println("jsmdb: internal error: " + oneLine(t.toString()) + (io.debug() ? "" : " (JSMDB_DEBUG=1 shows where)"));
            if (io.debug()) {
                t.printStackTrace(io.err());
            }
            return USAGE;
        }
    }

    /** Bad usage or a target that cannot be opened: one line, exit status 2. */
    static final class UsageError extends Exception {
        UsageError(String message) {
            super(message, null, false, false);
        }
    }

    /** bin/jsmdb demo without a terminal: an overview with whichever of these dcmds exist. */
    static String demoCommands(DcmdRegistry registry) {
        List<String> cmds = new ArrayList<>(List.of("::status"));
        for (String c : List.of("jsstack -v", "findjsobjects")) {
            if (registry.lookup(c.split(" ")[0]).isPresent()) cmds.add("::" + c);
        }
        return String.join("\n", cmds);
    }

    private static int runChecked(String[] args, Io io, TargetOpener opener, Supplier<DcmdRegistry> registry)
            throws UsageError, IOException {
        Args a = Args.parse(args);
        if (a.help()) {
            io.out().write((USAGE_TEXT + "\n").getBytes(StandardCharsets.UTF_8));
            io.out().flush();
            return OK;
        }
        if (a.version()) {
            io.out().write((versionLine() + "\n").getBytes(StandardCharsets.UTF_8));
            io.out().flush();
            return OK;
        }
        List<String> files = a.files();
        if (files.isEmpty()) {
            throw new UsageError("missing CORE (jsmdb --help shows the usage)");
        }
        if (files.size() > 2) {
            throw new UsageError("too many arguments: '" + files.get(2) + "' (jsmdb [options] [NODE] CORE)");
        }
        Path node = files.size() == 2 ? Path.of(files.get(0)) : null;
        Path core = Path.of(files.getLast());
        List<Path> solib = new ArrayList<>();
        for (String dirs : a.solibs()) {
            for (String d : dirs.split(":")) {
                if (!d.isEmpty()) {
                    solib.add(Path.of(d));
                }
            }
        }

        // Every command source is checked before the core is opened.
        List<Session.Source> sources = new ArrayList<>();
        if (a.demo()) {
            sources.add(new Session.Source.Text(demoCommands(registry.get())));
        }
        for (String e : a.evals()) {
            sources.add(new Session.Source.Text(e));
        }
        boolean stdinUsed = false;
        for (String f : a.scripts()) {
            if (f.equals("-")) {
                if (!stdinUsed) {
                    sources.add(new Session.Source.Lines(io.in()));
                }
                stdinUsed = true;
            } else {
                sources.add(new Session.Source.Text(readScript(Path.of(f))));
            }
        }
        boolean interactive = sources.isEmpty() && io.stdinTerminal();
        if (sources.isEmpty() && !interactive) {
            sources.add(new Session.Source.Lines(io.in()));
            stdinUsed = true;
        }

        checkReadable(node, "NODE");
        checkReadable(core, "CORE");
        NodeTarget target;
        try {
            target = opener.open(node, core, List.copyOf(solib));
        } catch (TargetException e) {
            if (io.debug()) {
                e.printStackTrace(io.err());
            }
            throw new UsageError(oneLine(e.getMessage()));
        } catch (RuntimeException e) {
            if (io.debug()) {
                e.printStackTrace(io.err());
            }
            throw new UsageError("cannot open " + core + ": " + oneLine(String.valueOf(e.getMessage())));
        }
        try {
            Session session = new Session(registry.get(), target, io, interactive, stdinUsed);
            if (interactive) {
                return Repl.run(session, io, bannerLine(target, core)) ? OK : FAILED;
            }
            return session.runAll(sources) ? OK : FAILED;
        } finally {
            if (target != null) {
                try {
                    target.close();
                } catch (RuntimeException e) {
                    // closing is best effort
                }
            }
        }
    }

    /** {@code jsmdb 0.1.0 (Java 25.0.3)}. */
    static String versionLine() {
        String v = "unknown";
        try (InputStream in = Main.class.getResourceAsStream("/io/jsmdb/version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                v = p.getProperty("version", v);
            }
        } catch (IOException e) {
            // keep "unknown"
        }
        return "jsmdb " + v + " (Java " + System.getProperty("java.version") + ")";
    }

    private static String bannerLine(NodeTarget target, Path core) {
        String what;
        try {
            what = target == null ? null : target.summary();
        } catch (RuntimeException e) {
            what = null;
        }
        if (what == null || what.isBlank()) {
            what = core.toString();
        }
        return versionLine().replaceFirst(" \\(Java.*", "") + ": " + what + "  (::help for help)";
    }

    private static String readScript(Path f) throws UsageError {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UsageError(f + ": no such file");
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new UsageError("cannot read " + f + ": " + e.getMessage());
        }
    }

    private static void checkReadable(Path p, String what) throws UsageError {
        if (p == null) {
            return;
        }
        if (!Files.exists(p)) {
            throw new UsageError(p + ": no such file");
        }
        if (Files.isDirectory(p)) {
            throw new UsageError(p + ": is a directory, not a " + (what.equals("CORE") ? "core file" : "node binary"));
        }
        if (!Files.isReadable(p)) {
            throw new UsageError(p + ": permission denied");
        }
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "cannot open the target";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
