package io.jsmdb.cli;

import io.jsmdb.cmd.CommandLineParser;
import io.jsmdb.cmd.CommandRunner;
import io.jsmdb.cmd.DcmdRegistry;
import io.jsmdb.node.NodeTarget;

import java.io.IOException;
import java.util.List;

/** One jsmdb session: a runner on one target, fed command text; remembers failures and quitting. */
final class Session {
    /** Where commands come from. */
    sealed interface Source {
        /** -e text or a -f file's content. */
        record Text(String text) implements Source {}

        /** Lines read as they come (stdin), each checked to be text before it runs. */
        record Lines(CommandInput in) implements Source {}

        /** A line of our own on stdout (the demo's heading before each command), not a command. */
        record Heading(String text) implements Source {}
    }

    private final CommandRunner runner;
    private boolean failed;
    private boolean stopped;

    Session(DcmdRegistry registry, NodeTarget target, Io io, boolean interactive, boolean commandsFromStdin) {
        CommandRunner.Config config = new CommandRunner.Config(
                io.stdinTerminal() && io.stdoutTerminal(), io.stdoutTerminal(), io.stderrTerminal(),
                io.real(), !commandsFromStdin, io.debug());
        this.runner = new CommandRunner(registry, target, io.out(), io.err(), config);
    }

    CommandRunner runner() {
        return runner;
    }

    /**
     * Runs every source in turn until one quits; true when no command failed.
     *
     * @throws CommandInput.NotText a stream of commands is not text (nothing more runs)
     */
    boolean runAll(List<Source> sources) throws IOException {
        for (Source s : sources) {
            if (stopped) {
                break;
            }
            switch (s) {
                case Source.Text t -> runText(t.text());
                case Source.Heading h -> note(runner.println(h.text()));
                case Source.Lines l -> {
                    for (String line; !stopped && (line = l.in().readLine()) != null; ) {
                        runText(line);
                    }
                }
            }
        }
        return !failed;
    }

    private void note(CommandRunner.Status s) {
        switch (s) {
            case OK, QUIT -> { }
            case FAILED -> failed = true;
            case OUTPUT_CLOSED -> stopped = true;
            case OUTPUT_FAILED -> {
                failed = true;
                stopped = true;
            }
        }
    }

    /** Runs the commands in text (split at newlines and ';'). */
    void runText(String text) {
        for (String command : CommandLineParser.split(text)) {
            if (stopped) {
                return;
            }
            CommandRunner.Status s = runner.run(command);
            if (s == CommandRunner.Status.QUIT) {
                stopped = true;
            }
            note(s);
        }
    }

    boolean failed() {
        return failed;
    }

    boolean stopped() {
        return stopped;
    }
}
