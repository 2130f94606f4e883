package io.jsmdb.cli;

import io.jsmdb.cmd.CommandLineParser;
import io.jsmdb.cmd.CommandRunner;
import io.jsmdb.cmd.DcmdRegistry;
import io.jsmdb.node.NodeTarget;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** One jsmdb session: a runner on one target, fed command text; remembers failures and quitting. */
final class Session {
    /** Where commands come from. */
    sealed interface Source {
        /** -e text or a -f file's content. */
        record Text(String text) implements Source {}

        /** Lines read as they come (stdin). */
        record Lines(InputStream in) implements Source {}
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

    /** Runs every source in turn until one quits; true when no command failed. */
    boolean runAll(List<Source> sources) throws IOException {
        for (Source s : sources) {
            if (stopped) {
                break;
            }
            switch (s) {
                case Source.Text t -> runText(t.text());
                case Source.Lines l -> {
                    BufferedReader r = new BufferedReader(new InputStreamReader(l.in(), StandardCharsets.UTF_8));
                    for (String line; !stopped && (line = r.readLine()) != null; ) {
                        runText(line);
                    }
                }
            }
        }
        return !failed;
    }

    /** Runs the commands in text (split at newlines and ';'). */
    void runText(String text) {
        for (String command : CommandLineParser.split(text)) {
            if (stopped) {
                return;
            }
            switch (runner.run(command)) {
                case OK -> { }
                case FAILED -> failed = true;
                case QUIT, OUTPUT_CLOSED -> stopped = true;
            }
        }
    }

    boolean failed() {
        return failed;
    }

    boolean stopped() {
        return stopped;
    }
}
