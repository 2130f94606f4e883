package io.jsmdb.cli;

import java.util.List;

/**
 * jsmdb's subcommands, in the order {@code jsmdb --help} lists them. A subcommand is a picocli
 * {@code @Command} class implementing {@link CliCommand} (with a public no-argument constructor)
 * and one line here. A subcommand is recognized as the first word of the command line only
 * ({@code jsmdb -e ::status diff} opens a core named diff), as before picocli.
 *
 * <p>No picocli here: the ordinary command line asks {@link #named} and must not load it.
 */
final class Subcommands {
    private Subcommands() {}

    /** A subcommand: the word that names it and its class. */
    record Entry(String name, Class<? extends CliCommand> type) {}

    static final List<Entry> ALL = List.of(
            new Entry("demo", DemoCommand.class),
            new Entry("diff", DiffCommand.class),
            new Entry("heapsnapshot", HeapSnapshotCommand.class),
            new Entry("gcore", GcoreCommand.class),
            new Entry("completion", CompletionCommand.class));

    /** The subcommand the word names, or null. */
    static Entry named(String word) {
        for (Entry e : ALL) {
            if (e.name().equals(word)) {
                return e;
            }
        }
        return null;
    }
}
