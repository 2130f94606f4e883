package io.jsmdb.cli;

import io.jsmdb.cmd.DcmdRegistry;

import java.io.IOException;
import java.util.function.Supplier;

/**
 * A command of jsmdb's command line (the root {@code jsmdb [options] [NODE] CORE} or a subcommand):
 * a picocli {@code @Command} class whose fields picocli fills in, then run here. A subcommand is
 * such a class and one line in {@link Subcommands#ALL}.
 */
interface CliCommand {
    /** Runs the parsed command; returns the exit status (0 ok, 1 a command failed). */
    int run(Context ctx) throws Main.UsageError, IOException;

    /** The outside world of a run: streams, how targets are opened, the dcmds. */
    record Context(Io io, TargetOpener opener, Supplier<DcmdRegistry> registry) {}
}
