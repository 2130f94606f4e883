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
 * or an interactive prompt. Exit status 0 when every command succeeded, 1 when one failed,
 * 2 for bad usage or a core that cannot be opened.
 */
public final class Main {
    static final int OK = 0, FAILED = 1, USAGE = 2;

    private static final String USAGE_TEXT = """
            Usage: jsmdb [options] [NODE] CORE
                   jsmdb heapsnapshot [NODE] CORE -o FILE   (the heap as a .heapsnapshot)
                   jsmdb diff [options] [NODE] CORE1 CORE2   (jsmdb diff --help)
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

    /** bin/jsmdb demo without a terminal: an overview with whichever of these dcmds exist. */
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
        if (args.length > 0 && args[0].equals("diff")) {
            return DiffCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), io, opener);
        }
        if (args.length > 0 && args[0].equals(HeapSnapshotCli.NAME)) {
            args = HeapSnapshotCli.rewrite(java.util.Arrays.copyOfRange(args, 1, args.length));
        }
        Args a = Args.parse(args);
        if (a.help()) {
            return print(io, USAGE_TEXT);
        }
        if (a.version()) {
            return print(io, versionLine());
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
