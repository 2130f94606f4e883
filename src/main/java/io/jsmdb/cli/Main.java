package io.jsmdb.cli;

import io.jsmdb.cmd.DcmdRegistry;
import io.jsmdb.cmd.Strings;
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
 * or an interactive prompt; {@code jsmdb SUBCOMMAND ...} runs a subcommand ({@link Subcommands}).
 * Exit status 0 when every command succeeded, 1 when one failed, 2 for bad usage or a core that
 * cannot be opened.
 */
public final class Main {
    static final int OK = 0, FAILED = 1, USAGE = 2;

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
            // messages name files the core names (NT_FILE paths): no raw control or bidi character
            io.err().println("jsmdb: " + Strings.safe(e.getMessage()));
            return USAGE;
        } catch (Throwable t) {
            io.err().println("jsmdb: internal error: " + Strings.safe(oneLine(t.toString())) + (io.debug() ? "" : " (JSMDB_DEBUG=1 shows where)"));
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

    /** jsmdb demo without a terminal: an overview with whichever of these dcmds exist. */
    static List<String> demoCommands(DcmdRegistry registry) {
        List<String> cmds = new ArrayList<>(List.of("::status"));
        for (String c : List.of("jsexception", "jsstack -v", "findjsobjects")) {
            if (registry.lookup(c.split(" ")[0]).isPresent()) cmds.add("::" + c);
        }
        return cmds;
    }

    /** The demo's commands, each after a heading naming it (a reader of a log sees which output is whose). */
    static List<Session.Source> demoSources(DcmdRegistry registry) {
        List<Session.Source> sources = new ArrayList<>();
        for (String c : demoCommands(registry)) {
            sources.add(new Session.Source.Heading((sources.isEmpty() ? "" : "\n") + "== " + c));
            sources.add(new Session.Source.Text(c));
        }
        return sources;
    }

    private static int runChecked(String[] args, Io io, TargetOpener opener, Supplier<DcmdRegistry> registry)
            throws UsageError, IOException {
        CliCommand.Context ctx = new CliCommand.Context(io, opener, registry);
        if (args.length > 0 && Subcommands.named(args[0]) != null) {
            return Cli.runSubcommand(args, ctx);
        }
        Args a = Args.parse(args);
        if (a.help()) {
            return print(io, Cli.usage());
        }
        if (a.version()) {
            return print(io, Cli.version());
        }
        return runRoot(a, ctx);
    }

    /** {@code jsmdb [options] [NODE] CORE}, its command line read. */
    static int runRoot(Args a, CliCommand.Context ctx) throws UsageError, IOException {
        Io io = ctx.io();
        TargetOpener opener = ctx.opener();
        Supplier<DcmdRegistry> registry = ctx.registry();
        List<String> files = a.files();
        if (a.pid() != null) {
            if (!files.isEmpty()) {
                throw new UsageError("-p PID looks at a live process and takes no NODE or CORE: '" + files.getFirst() + "'");
            }
            return runLive(a, ctx, parsePid(a.pid()));
        }
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
            sources.addAll(demoSources(registry.get()));
        }
        for (String e : a.evals()) {
            sources.add(new Session.Source.Text(e));
        }
        boolean stdinUsed = false;
        for (String f : a.scripts()) {
            if (f.equals("-")) {
                if (!stdinUsed) {
                    sources.add(new Session.Source.Lines(CommandInput.stdin(io.in(), io.real())));
                }
                stdinUsed = true;
            } else {
                sources.add(new Session.Source.Text(readScript(Path.of(f))));
            }
        }
        boolean interactive = sources.isEmpty() && io.stdinTerminal();
        if (sources.isEmpty() && !interactive) {
            sources.add(new Session.Source.Lines(CommandInput.stdin(io.in(), io.real())));
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
            try {
                return session.runAll(sources) ? OK : FAILED;
            } catch (CommandInput.NotText e) {
                throw new UsageError(e.getMessage());
            }
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

    /** A process id as given on the command line, or a usage error. */
    static int parsePid(String word) throws UsageError {
        try {
            int pid = Integer.parseInt(word);
            if (pid > 0) return pid;
        } catch (NumberFormatException e) {
            // said below
        }
        throw new UsageError("not a process id: '" + word + "'");
    }

    /**
     * {@code jsmdb -p PID}: the process is captured into memory (stopped only while its memory is
     * copied), then the commands run on that copy as on a core, with the binary the process runs.
     */
    private static int runLive(Args a, CliCommand.Context ctx, int pid) throws UsageError, IOException {
        io.jsmdb.live.LiveSnapshot snap;
        try {
            snap = io.jsmdb.live.LiveSnapshot.capture(pid);
        } catch (io.jsmdb.live.Gcore.GcoreException e) {
            throw new UsageError(e.getMessage());
        }
        try {
            var r = snap.result();
            ctx.io().err().println(String.format("jsmdb: process %d was stopped for %d ms while its memory (%s) was copied into"
                    + " jsmdb's memory; it runs on, the commands read that moment", pid, r.stoppedNanos() / 1_000_000,
                    GcoreCommand.human(r.bytes())));
            Args onCopy = new Args(a.help(), a.version(), a.demo(), a.evals(), a.scripts(), a.solibs(),
                    List.of(snap.executable().toString(), snap.core().toString()), null);
            return runRoot(onCopy, ctx);
        } finally {
            snap.close();
        }
    }

    /** Prints text and a newline; a failed write (a full disk, a closed fd) is exit 1 with one line. */
    static int print(Io io, String text) {
        try {
            io.out().write((text + "\n").getBytes(StandardCharsets.UTF_8));
            io.out().flush();
            return OK;
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("Broken pipe")) {
                return OK; // the reader had what it wanted
            }
            io.err().println("jsmdb: cannot write the output: " + oneLine(m));
            return FAILED;
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
        return versionLine().replaceFirst(" \\(Java.*", "") + ": " + Strings.safe(what) + "  (::help for help)";
    }

    private static String readScript(Path f) throws UsageError {
        try {
            if (Files.isDirectory(f)) {
                throw new UsageError(f + ": is a directory, not a file of commands");
            }
            // read to its end (a pipe such as -f <(...) too), bounded, and checked to be text
            byte[] content;
            try (InputStream in = Files.newInputStream(f)) {
                content = in.readNBytes((int) CommandInput.MAX_FILE + 1);
            }
            if (content.length > CommandInput.MAX_FILE) {
                throw new UsageError(f + ": more than " + (CommandInput.MAX_FILE >> 20) + " MiB, not a file of commands");
            }
            return CommandInput.checkText(content, f.toString());
        } catch (CommandInput.NotText e) {
            throw new UsageError(e.getMessage());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UsageError(f + ": no such file");
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new UsageError("cannot read " + f + ": " + e.getMessage());
        }
    }

    static void checkReadable(Path p, String what) throws UsageError {
        if (p == null) {
            return;
        }
        if (!Files.exists(p)) {
            throw new UsageError(p + ": no such file");
        }
        if (Files.isDirectory(p)) {
            throw new UsageError(p + ": is a directory, not a " + (what.equals("CORE") ? "core file" : "node binary"));
        }
        if (!Files.isRegularFile(p)) {
            // a FIFO or device would block or never end: jsmdb maps the file, it cannot stream it
            throw new UsageError(p + ": not a regular file (" + fileKind(p) + "), not a "
                    + (what.equals("CORE") ? "core file" : "node binary"));
        }
        if (!Files.isReadable(p)) {
            throw new UsageError(p + ": permission denied");
        }
    }

    private static String fileKind(Path p) {
        try {
            Object mode = Files.getAttribute(p, "unix:mode");
            int fmt = (mode instanceof Integer m ? m : 0) & 0170000;
            return switch (fmt) {
                case 0010000 -> "a FIFO";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0140000 -> "a socket";
                default -> "a special file";
            };
        } catch (IOException | RuntimeException e) {
            return "a special file";
        }
    }

    static String oneLine(String s) {
        if (s == null) {
            return "cannot open the target";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
