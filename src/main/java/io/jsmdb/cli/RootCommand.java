package io.jsmdb.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code jsmdb [options] [NODE] CORE}, as picocli reads it: its help, version and completion, and
 * every command line {@link Args#quick} leaves to picocli. The ordinary command line is read by
 * {@link Args#quick} to the same {@link Args} without loading picocli (start-up).
 *
 * <p>A root option is a field here, a component of {@link Args} and a case in {@link Args#quick}
 * (or none there: then every command line with it is picocli's).
 */
@Command(name = "jsmdb",
        customSynopsis = {"jsmdb [options] [NODE] CORE", "       jsmdb [options] -p PID", "       jsmdb COMMAND [ARGS]       (the commands below)"},
        description = {
                "Post-mortem analysis of a Node.js core dump, with mdb's commands (::jsstack,",
                "::findjsobjects, ::jsprint, ...). NODE is the node binary that dumped CORE;",
                "without it jsmdb finds the binary the core names."},
        parameterListHeading = "%nArguments:%n",
        optionListHeading = "%nOptions:%n",
        commandListHeading = "%nCommands (jsmdb COMMAND --help shows a command's options):%n",
        footerHeading = "%n",
        footer = {
                "Without -e or -f, commands are read from stdin: with a prompt on a terminal,",
                "one per line otherwise. Type ::help for the command language.",
                "Exit status: 0 all commands succeeded, 1 a command failed, 2 bad usage or",
                "a core that cannot be opened. JSMDB_DEBUG=1 shows stack traces of errors."},
        sortOptions = false,
        versionProvider = RootCommand.Version.class)
final class RootCommand implements CliCommand {
    @Mixin
    RunOptions run = new RunOptions();

    @Option(names = {"-p", "--pid"}, paramLabel = "PID",
            description = "look at a live process: it is stopped while its memory is copied (into memory, not to disk), then runs on; the commands read that moment")
    String pid;

    /** bin/jsmdb demo's overview before it was a subcommand; still accepted. */
    @Option(names = "--demo", hidden = true)
    boolean demo;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Option(names = {"-V", "--version"}, versionHelp = true, description = "show the version and exit")
    boolean version;

    @Parameters(paramLabel = "[NODE] CORE", hideParamSyntax = true, type = Path.class, converter = RunOptions.Word.class,
            description = "the core file, after the node binary that dumped it")
    List<String> files = new ArrayList<>();

    /** What picocli read, as the quick scan gives it. */
    Args args() {
        return new Args(help, version, demo, List.copyOf(run.evals), List.copyOf(run.scripts), List.copyOf(run.solibs),
                List.copyOf(files), pid);
    }

    @Override
    public int run(Context ctx) throws Main.UsageError, IOException {
        return Main.runRoot(args(), ctx);
    }

    /** {@code jsmdb --version}: the version Maven filtered into the jar's properties. */
    public static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {Main.versionLine()};
        }
    }
}
