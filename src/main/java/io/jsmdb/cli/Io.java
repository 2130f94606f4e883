package io.jsmdb.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The outside world of one jsmdb run: streams, which of them are terminals, the environment.
 *
 * @param real true for this process's own fds 0/1/2 (shell commands then inherit them)
 */
public record Io(InputStream in, OutputStream out, PrintStream err,
                 boolean stdinTerminal, boolean stdoutTerminal, boolean stderrTerminal,
                 boolean real, Map<String, String> env) {

    /** This process's stdin/stdout/stderr; stdout unbuffered here (the runner buffers). */
    public static Io system() {
        return new Io(new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out),
                new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8),
                Terminals.isTerminal(0), Terminals.isTerminal(1), Terminals.isTerminal(2), true, System.getenv());
    }

    /** Captured streams, no terminal (tests). */
    public static Io of(InputStream in, OutputStream out, PrintStream err, Map<String, String> env) {
        return new Io(in, out, err, false, false, false, false, env);
    }

    boolean debug() {
        String d = env.get("JSMDB_DEBUG");
        return d != null && !d.isEmpty() && !d.equals("0");
    }
}
