package io.jsmdb.cli;

import io.jsmdb.cmd.Strings;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * jsmdb's command line through picocli: the subcommands, the root command line when
 * {@link Args#quick} leaves it to picocli, help, version, the completion script, and picocli's
 * errors as jsmdb's one-line usage errors (exit status 2).
 *
 * <p>A subcommand's CommandLine is built only when it runs or for the root's help and the
 * completion script, which list them all.
 */
final class Cli {
    private Cli() {}

    /** picocli as jsmdb reads command lines: no @FILE expansion, the last of a repeated value wins. */
    static CommandLine commandLine(List<Subcommands.Entry> subcommands) {
        CommandLine cl = new CommandLine(new RootCommand());
        for (Subcommands.Entry e : subcommands) {
            cl.addSubcommand(e.name(), instance(e));
        }
        // set after the subcommands are added: these apply to them too
        cl.setExpandAtFiles(false);
        cl.setOverwrittenOptionsAllowed(true);
        cl.setAllowOptionsAsOptionParameters(true);
        cl.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_COMMAND_LIST, Cli::commandList);
        return cl;
    }

    private static CliCommand instance(Subcommands.Entry e) {
        try {
            return e.type().getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException x) {
            throw new IllegalStateException("subcommand " + e.name() + ": " + x, x);
        }
    }

    /** The root command line, read by picocli (help, version, anything {@link Args#quick} does not read). */
    static Args parseRoot(String[] argv) throws Main.UsageError {
        CommandLine cl = commandLine(List.of());
        try {
            cl.parseArgs(argv);
        } catch (ParameterException e) {
            throw usageError(e, argv);
        }
        return ((RootCommand) cl.getCommand()).args();
    }

    /** {@code jsmdb SUBCOMMAND ...}: argv[0] names a subcommand ({@link Subcommands#named}). */
    static int runSubcommand(String[] argv, CliCommand.Context ctx) throws Main.UsageError, IOException {
        CommandLine cl = commandLine(List.of(Subcommands.named(argv[0])));
        ParseResult root;
        try {
            root = cl.parseArgs(argv);
        } catch (ParameterException e) {
            throw usageError(e, argv);
        }
        ParseResult sub = root.subcommand();
        if (sub.isUsageHelpRequested()) {
            return Main.print(ctx.io(), usage(sub.commandSpec().commandLine()));
        }
        return ((CliCommand) sub.commandSpec().userObject()).run(ctx);
    }

    /** {@code jsmdb --help}: the root's usage with every subcommand. */
    static String usage() {
        return usage(commandLine(Subcommands.ALL));
    }

    static String usage(CommandLine cl) {
        return stripNewline(cl.getUsageMessage(Help.Ansi.OFF));
    }

    /** {@code jsmdb --version}. */
    static String version() {
        StringWriter w = new StringWriter();
        commandLine(List.of()).printVersionHelp(new PrintWriter(w, true), Help.Ansi.OFF);
        return stripNewline(w.toString());
    }

    /** The bash completion script of jsmdb and its subcommands. */
    static String completionScript() {
        return stripNewline(AutoComplete.bash("jsmdb", commandLine(Subcommands.ALL)));
    }

    private static String stripNewline(String s) {
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    /** The "Commands" section of the root's help: each subcommand's synopsis and summary (its description's first line). */
    private static String commandList(Help help) {
        StringBuilder sb = new StringBuilder();
        for (CommandLine sub : help.commandSpec().subcommands().values()) {
            UsageMessageSpec u = sub.getCommandSpec().usageMessage();
            String synopsis = u.customSynopsis().length > 0 ? u.customSynopsis()[0] : sub.getCommandSpec().qualifiedName();
            sb.append("  ").append(synopsis).append('\n');
            if (u.description().length > 0) {
                sb.append("      ").append(u.description()[0]).append('\n');
            }
        }
        return sb.toString();
    }

    /** picocli's words for --help=yes, --demo=1. */
    private static final Pattern NOT_A_BOOLEAN = Pattern.compile("Invalid value for option '([^']+)': '.*' is not a boolean");

    /** picocli's complaint as jsmdb's one line: {@code unknown option '-x' (jsmdb diff --help shows the usage)}. */
    static Main.UsageError usageError(ParameterException e, String[] argv) {
        CommandSpec where = e.getCommandLine() == null ? null : e.getCommandLine().getCommandSpec();
        String message = Main.oneLine(String.valueOf(e.getMessage()));
        Matcher notBoolean = NOT_A_BOOLEAN.matcher(message);
        String what;
        if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String word = u.getUnmatched().getFirst();
            what = word.length() > 1 && word.startsWith("-") ? "unknown option '" + unknownOption(word, where) + "'"
                    : "unexpected argument '" + word + "'";
        } else if (e instanceof MissingParameterException m && !m.getMissing().isEmpty()
                && m.getMissing().getFirst() instanceof OptionSpec o) {
            what = "option '" + typedName(o, argv) + "' needs a value";
        } else if (notBoolean.lookingAt()) {
            what = "option '" + notBoolean.group(1) + "' takes no value";
        } else {
            what = message.isEmpty() ? message : message.substring(0, 1).toLowerCase(Locale.ROOT) + message.substring(1);
        }
        String name = where == null ? "jsmdb" : where.qualifiedName();
        return new Main.UsageError(Strings.safe(what) + " (" + name + " --help shows the usage)");
    }

    /** {@code --bogus} of {@code --bogus=1}; the first unknown letter of a cluster ({@code -x} of {@code -vx}). */
    private static String unknownOption(String word, CommandSpec where) {
        if (word.startsWith("--")) {
            int eq = word.indexOf('=');
            return eq > 0 ? word.substring(0, eq) : word;
        }
        for (int i = 1; i < word.length(); i++) {
            String o = "-" + word.charAt(i);
            if (where == null || where.findOption(o) == null) {
                return o;
            }
        }
        return word.substring(0, 2);
    }

    /** The name the user gave the option that lacks its value: the last word, when it is one of its names. */
    private static String typedName(ArgSpec spec, String[] argv) {
        OptionSpec o = (OptionSpec) spec;
        String last = argv.length == 0 ? "" : argv[argv.length - 1];
        for (String n : o.names()) {
            if (n.equals(last)) {
                return n;
            }
        }
        return o.longestName();
    }
}
