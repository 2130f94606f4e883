package io.jsmdb.cli;

import io.jsmdb.cmd.CommandRunner;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The interactive shell: jline prompt, history, Tab completion, Ctrl-C cancels the running command. */
final class Repl {
    static final String PROMPT = "> ";

    private Repl() {}

    /** Runs until $q, ::quit or Ctrl-D; true when no command failed. */
    static boolean run(Session session, Io io, String banner) throws IOException {
        CommandRunner runner = session.runner();
        try (Terminal terminal = TerminalBuilder.builder().system(true).name("jsmdb").build()) {
            DefaultParser parser = new DefaultParser();
            parser.setEscapeChars(null);
            LineReaderBuilder b = LineReaderBuilder.builder()
                    .appName("jsmdb")
                    .terminal(terminal)
                    .parser(parser)
                    .completer(new DcmdCompleter(runner.registry()))
                    .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                    .option(LineReader.Option.HISTORY_IGNORE_DUPS, true);
            Path history = historyFile(io);
            if (history != null) {
                b.variable(LineReader.HISTORY_FILE, history);
            }
            LineReader reader = b.build();

            terminal.handle(Terminal.Signal.INT, sig -> {
                int count = runner.cancel();
                if (count == 2) {
                    terminal.writer().println("jsmdb: waiting for the command to stop; Ctrl-C once more leaves jsmdb");
                    terminal.writer().flush();
                } else if (count >= 3) {
                    terminal.writer().println("jsmdb: the command does not stop; leaving");
                    terminal.writer().flush();
                    System.exit(130);
                }
            });
            terminal.writer().println(banner);
            terminal.writer().flush();
            while (!session.stopped()) {
                String line;
                try {
                    line = reader.readLine(PROMPT);
                } catch (UserInterruptException e) {
                    continue; // Ctrl-C at the prompt: the line is dropped
                } catch (EndOfFileException e) {
                    break; // Ctrl-D
                }
                Attributes saved = terminal.getAttributes();
                Attributes running = new Attributes(saved);
                running.setLocalFlag(Attributes.LocalFlag.ECHOCTL, false); // we print "^C (cancelled)" ourselves
                terminal.setAttributes(running);
                try {
                    session.runText(line);
                } finally {
                    terminal.setAttributes(saved);
                }
            }
            try {
                reader.getHistory().save();
            } catch (IOException e) {
                // history is a convenience
            }
        }
        return !session.failed();
    }

    /** ~/.jsmdb_history, created with mode 600; null when it cannot be had. */
    private static Path historyFile(Io io) {
        String home = io.env().getOrDefault("HOME", System.getProperty("user.home"));
        if (home == null || home.isEmpty()) {
            return null;
        }
        Path p = Path.of(home, ".jsmdb_history");
        try {
            Files.createFile(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            // keep it
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
        return p;
    }
}
