package io.jsmdb.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code jsmdb heapsnapshot [NODE] CORE -o FILE}: the {@code ::heapsnapshot FILE} dcmd as a
 * subcommand. It runs jsmdb's own {@code -e '::heapsnapshot FILE' [NODE] CORE}, so opening,
 * errors and exit status (0 written, 1 the write failed, 2 bad usage or a core that cannot be
 * opened) are jsmdb's own.
 */
@Command(name = "heapsnapshot",
        customSynopsis = "jsmdb heapsnapshot [NODE] CORE -o FILE [--solib-path DIRS]",
        description = {
                "the heap of a core as a .heapsnapshot file, for Chrome DevTools and memlab",
                "",
                "Writes FILE as ::heapsnapshot FILE does (docs/commands.md)."},
        parameterListHeading = "%nArguments:%n",
        optionListHeading = "%nOptions:%n",
        sortOptions = false)
final class HeapSnapshotCommand implements CliCommand {
    static final String NAME = "heapsnapshot";

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", type = Path.class, converter = RunOptions.Word.class,
            description = "the file to write")
    List<String> output = new ArrayList<>();

    @Option(names = "--solib-path", paramLabel = "DIRS", type = Path.class, converter = RunOptions.Word.class,
            description = "search DIRS (':'-separated) for shared libraries")
    List<String> solibs = new ArrayList<>();

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    /** Refused: the command is ::heapsnapshot (jsmdb -e ... runs others). */
    @Option(names = {"-e", "--eval", "-f", "--file"}, hidden = true)
    List<String> commands = new ArrayList<>();

    @Parameters(paramLabel = "[NODE] CORE", hideParamSyntax = true, type = Path.class, converter = RunOptions.Word.class,
            description = "the core file, after the node binary that dumped it")
    List<String> files = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public int run(Context ctx) throws Main.UsageError, IOException {
        if (!commands.isEmpty()) {
            throw new Main.UsageError(NAME + " runs no commands of its own: '" + commandsOption() + "' (jsmdb heapsnapshot [NODE] CORE -o FILE)");
        }
        if (output.size() > 1) throw new Main.UsageError(NAME + " writes one file: -o given twice");
        String file = output.isEmpty() ? null : output.getFirst();
        if (file == null || file.isEmpty()) throw new Main.UsageError(NAME + " needs -o FILE (jsmdb heapsnapshot [NODE] CORE -o FILE)");
        if (file.indexOf('\n') >= 0 || file.indexOf('\r') >= 0) throw new Main.UsageError(NAME + ": a file name with a line break is not supported");
        String quoted = "\"" + file.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        Args a = new Args(false, false, false, List.of("::" + NAME + " " + quoted), List.of(), List.copyOf(solibs), List.copyOf(files));
        return Main.runRoot(a, ctx);
    }

    /** The -e or -f word as given (-e, --eval=..., -fFILE). */
    private String commandsOption() {
        List<String> words = spec.commandLine().getParseResult() == null ? List.of()
                : spec.commandLine().getParseResult().originalArgs();
        for (String w : words) {
            if (w.startsWith("-e") || w.startsWith("-f") || w.startsWith("--eval") || w.startsWith("--file")) {
                return w;
            }
        }
        return "-e";
    }
}
