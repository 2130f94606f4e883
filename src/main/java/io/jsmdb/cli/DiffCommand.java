package io.jsmdb.cli;

import io.jsmdb.cmd.Progress;
import io.jsmdb.cmd.Strings;
import io.jsmdb.core.CoreFile;
import io.jsmdb.core.LoadedElf;
import io.jsmdb.core.MappedFile;
import io.jsmdb.node.NodeTarget;
import io.jsmdb.node.TargetException;
import io.jsmdb.v8.heap.CensusDiff;
import io.jsmdb.v8.heap.HeapPage;
import io.jsmdb.v8.heap.HeapWalker;
import io.jsmdb.v8.heap.JsObjectScan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code jsmdb diff [options] [NODE] CORE1 CORE2}: the heap census of two cores of one node
 * binary side by side (the leak hunt: two gcores of a process an hour apart), one row per
 * constructor (or shape, -v) with the objects and their bytes in each core and the difference,
 * the biggest growth first. The census and the comparison are the library's
 * ({@link NodeTarget#heapScan}, {@link CensusDiff}); here: the options (picocli fills in the
 * fields), opening, progress, the table.
 */
@Command(name = "diff",
        customSynopsis = "jsmdb diff [options] [NODE] CORE1 CORE2",
        description = {
                "what grew between two cores of one node binary (a leak hunt)",
                "",
                "Compares the JavaScript heaps of two cores of one node binary (say two gcores",
                "of a process taken an hour apart): one row per constructor with the number of",
                "objects and their bytes in CORE1 and in CORE2 and the difference, the biggest",
                "growth first (bytes, then objects); shrinking populations come last. Objects",
                "are grouped as ::findjsobjects groups them; bytes are the objects' own sizes",
                "(DevTools' shallow size: properties and elements stored outside the object are",
                "objects of their own). NODE is the binary both cores were made by; without it",
                "jsmdb finds it from CORE1. Cores of different binaries are refused."},
        parameterListHeading = "%nArguments:%n",
        optionListHeading = "%nOptions:%n",
        footerHeading = "%n",
        footer = {
                "Columns: COUNT1 COUNT2 +COUNT BYTES1 BYTES2 +BYTES [#PROPS] CONSTRUCTOR[:PROPS]",
                "+COUNT and +BYTES are signed (+N, -N, +0): sort -g reads them",
                "(jsmdb diff a b | sort -k6 -g). Exit status: 0 the comparison was printed,",
                "1 a heap could not be walked or the output could not be written, 2 bad usage",
                "or a core that cannot be opened."},
        sortOptions = false)
final class DiffCommand implements CliCommand {
    @Option(names = "-v", description = {"one row per shape: constructor and own property names",
            "(arrays: by length), as ::findjsobjects lists them"})
    boolean verbose;

    @Option(names = "-c", paramLabel = "CONSTRUCTOR", description = "only the rows of CONSTRUCTOR")
    String constructor;

    @Option(names = "-n", paramLabel = "N", description = "only the first N rows")
    String top;

    @Option(names = "-a", description = {"all rows: also unchanged ones and objects that could",
            "not be decoded (<malformed>)"})
    boolean all;

    @Option(names = "--solib-path", paramLabel = "DIRS", type = Path.class, converter = RunOptions.Word.class,
            description = "search DIRS (':'-separated) for shared libraries")
    List<String> solibs = new ArrayList<>();

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Parameters(paramLabel = "[NODE] CORE1 CORE2", hideParamSyntax = true, type = Path.class, converter = RunOptions.Word.class,
            description = "two cores of one node binary, after the binary")
    List<String> files = new ArrayList<>();

    /** The options a table is made with. */
    record Options(boolean verbose, boolean all, Optional<String> constructor, long top) {}

    private static long positive(String s) throws Main.UsageError {
        try {
            long n = Long.parseLong(s);
            if (n > 0) return n;
        } catch (NumberFormatException e) {
            // below
        }
        throw new Main.UsageError("-n needs a number of rows greater than 0, not '" + s + "'");
    }

    @Override
    public int run(Context ctx) throws Main.UsageError {
        Io io = ctx.io();
        TargetOpener opener = ctx.opener();
        Options o = new Options(verbose, all, Optional.ofNullable(constructor), top == null ? Long.MAX_VALUE : positive(top));
        List<String> f = files;
        if (f.size() < 2) {
            throw new Main.UsageError("jsmdb diff needs two cores: jsmdb diff [NODE] CORE1 CORE2 (jsmdb diff --help shows the usage)");
        }
        if (f.size() > 3) {
            throw new Main.UsageError("too many arguments: '" + f.get(3) + "' (jsmdb diff [NODE] CORE1 CORE2)");
        }
        Path node = f.size() == 3 ? Path.of(f.get(0)) : null;
        Path core1 = Path.of(f.get(f.size() - 2)), core2 = Path.of(f.get(f.size() - 1));
        Main.checkReadable(node, "NODE");
        Main.checkReadable(core1, "CORE");
        Main.checkReadable(core2, "CORE");
        if (sameFile(core1, core2)) {
            throw new Main.UsageError(core1 + " and " + core2 + " are the same core: a diff compares two cores of a"
                    + " process taken at different moments");
        }
        List<Path> solib = new ArrayList<>();
        for (String dirs : solibs) {
            for (String d : dirs.split(":")) if (!d.isEmpty()) solib.add(Path.of(d));
        }

        NodeTarget t1 = null, t2 = null;
        try {
            t1 = open(opener, node, core1, solib, io);
            // the same binary: compared by build-id before anything is decoded, and core2 is then
            // opened with the binary core1 was verified against
            Optional<String> id1 = executableBuildId(core1), id2 = executableBuildId(core2);
            if (id1.isPresent() && id2.isPresent() && !id1.get().equals(id2.get())) {
                throw new Main.UsageError(core1 + " and " + core2 + " were made by different node binaries (build-id "
                        + id1.get() + " and " + id2.get() + "): a diff compares two cores of one binary");
            }
            Path binary = node != null ? node : t1 == null ? null : t1.nodeBinary().path();
            t2 = open(opener, binary, core2, solib, io);
            JsObjectScan s1 = scan(t1, core1, io), s2 = scan(t2, core2, io);
            if (s1 == null || s2 == null) return Main.FAILED;
            List<CensusDiff.Row> rows = CensusDiff.of(s1, s2, o.verbose() ? CensusDiff.By.SHAPE : CensusDiff.By.CONSTRUCTOR);
            return print(io, table(rows, o), o, core1, core2);
        } finally {
            close(t2);
            close(t1);
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    private static NodeTarget open(TargetOpener opener, Path node, Path core, List<Path> solib, Io io) throws Main.UsageError {
        try {
            return opener.open(node, core, List.copyOf(solib));
        } catch (TargetException e) {
            if (io.debug()) e.printStackTrace(io.err());
            throw new Main.UsageError(Main.oneLine(e.getMessage()));
        } catch (RuntimeException e) {
            if (io.debug()) e.printStackTrace(io.err());
            throw new Main.UsageError("cannot open " + core + ": " + Main.oneLine(String.valueOf(e.getMessage())));
        }
    }

    /** The GNU build-id of the executable a core names, read from the core's copy of its first page. */
    static Optional<String> executableBuildId(Path core) {
        try (CoreFile c = CoreFile.open(core)) {
            Optional<MappedFile> exe = c.executableMapping();
            return exe.isEmpty() ? Optional.empty() : LoadedElf.buildId(c, exe.get().start());
        } catch (Exception e) {
            return Optional.empty(); // opening the target says what is wrong with the core
        }
    }

    /** The census of one core, with progress on a terminal; null (after one line) when its heap cannot be walked. */
    private static JsObjectScan scan(NodeTarget t, Path core, Io io) {
        if (t == null) return null;
        JsObjectScan s;
        try (Progress p = io.stderrTerminal() ? Progress.onTerminal("scanning the V8 heap of " + core, io.err()) : Progress.NONE) {
            HeapWalker w = t.heapWalker();
            long total = 0;
            for (HeapPage page : w.walkablePages()) total += page.areaEnd() - page.areaStart();
            final long all = total;
            s = t.heapScan(threads(), () -> {}, done -> p.update(done, all));
        } catch (IllegalStateException | io.jsmdb.v8.MissingMetadataException | io.jsmdb.v8.heap.HeapException e) {
            if (io.debug()) e.printStackTrace(io.err());
            io.err().println("jsmdb: " + Strings.safe(core + ": cannot walk the V8 heap: " + Main.oneLine(String.valueOf(e.getMessage()))));
            return null;
        }
        long maybeLive = s.walkStats().bytesMaybeLive();
        if (maybeLive > 0) {
            // a count that may be low is never given silently (as ::findjsobjects says it)
            io.err().println("jsmdb: " + Strings.safe(String.format(Locale.ROOT, "%s: %,d heap bytes could not be walked"
                    + " and may hold live objects: its counts may be low (::findjsobjects -v names the pages)", core, maybeLive)));
        }
        return s;
    }

    static int threads() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }

    /** The rows shown: -a, -c and -n applied, in the library's order (growth first). */
    static List<CensusDiff.Row> shown(List<CensusDiff.Row> rows, Options o) {
        List<CensusDiff.Row> out = new ArrayList<>();
        for (CensusDiff.Row r : rows) {
            if (out.size() >= o.top()) break;
            if (!o.all() && (r.malformed() || r.unchanged())) continue;
            if (o.constructor().isPresent() && !r.constructor().equals(o.constructor().get())) continue;
            out.add(r);
        }
        return out;
    }

    /** The table's lines: a header, then one line per row shown. */
    static List<String> table(List<CensusDiff.Row> rows, Options o) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%10s %10s %10s %12s %12s %12s %s", "COUNT1", "COUNT2", "+COUNT",
                "BYTES1", "BYTES2", "+BYTES", o.verbose() ? String.format("%8s %s", "#PROPS", "CONSTRUCTOR: PROPS") : "CONSTRUCTOR"));
        for (CensusDiff.Row r : shown(rows, o)) {
            String name = label(r);
            if (o.verbose()) name = String.format(Locale.ROOT, "%8d %s", r.nprops(), name);
            lines.add(String.format(Locale.ROOT, "%10d %10d %10s %12d %12d %12s %s", r.count1(), r.count2(),
                    signed(r.countDelta()), r.bytes1(), r.bytes2(), signed(r.bytesDelta()), name));
        }
        return lines;
    }

    static String signed(long n) {
        return n < 0 ? Long.toString(n) : "+" + n;
    }

    /** Longest label of a shape row: its property names are cut with "..." beyond it. */
    private static final int LABEL = 80;

    /** "Constructor" or, for a shape, "Constructor: a, b, c" with names cut with "...", all escaped. */
    static String label(CensusDiff.Row r) {
        String ctor = Strings.escape(r.malformed() && r.constructor().isEmpty() ? "<malformed>" : r.constructor());
        if (r.properties().isEmpty()) return ctor;
        StringBuilder sb = new StringBuilder(ctor).append(": ");
        List<String> props = r.properties();
        for (int i = 0; i < props.size(); i++) {
            String p = Strings.escape(props.get(i));
            if (sb.length() + p.length() + 2 > LABEL) {
                sb.append("...");
                break;
            }
            sb.append(p).append(i + 1 < props.size() ? ", " : "");
        }
        return sb.toString();
    }

    private static int print(Io io, List<String> lines, Options o, Path core1, Path core2) {
        try {
            Writer w = new BufferedWriter(new OutputStreamWriter(io.out(), StandardCharsets.UTF_8));
            for (String l : lines) w.write(l + "\n");
            w.flush();
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("Broken pipe")) return Main.OK; // the reader had what it wanted (| head)
            io.err().println("jsmdb: cannot write the output: " + Strings.safe(Main.oneLine(m)));
            return Main.FAILED;
        }
        if (lines.size() == 1 && o.constructor().isPresent()) {
            io.err().println("jsmdb: " + Strings.safe("no " + (o.all() ? "" : "changed ") + "rows of constructor "
                    + Strings.escape(o.constructor().get()) + " in " + core1 + " and " + core2));
        }
        return Main.OK;
    }

    private static void close(NodeTarget t) {
        if (t == null) return;
        try {
            t.close();
        } catch (RuntimeException e) {
            // closing is best effort
        }
    }
}
