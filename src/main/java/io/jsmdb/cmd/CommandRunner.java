package io.jsmdb.cmd;

import io.jsmdb.node.NodeTarget;

import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Runs mdb command lines against one target: parses, looks dcmds up, feeds dcmd pipes, runs shell
 * pipes, and turns every failure into one line on stderr. Each command runs on a worker thread
 * with a large stack, so {@link #cancel()} (Ctrl-C) can stop it while the caller waits.
 * Works without a core: the target may be null (tests with fake dcmds).
 */
public final class CommandRunner {
    /** What one command did. */
    public enum Status {
        OK, FAILED,
        /** {@code $q} or {@code ::quit}: end the session. */
        QUIT,
        /** Our stdout was closed by its reader ({@code | head}): end the session quietly. */
        OUTPUT_CLOSED,
        /** Writing our stdout failed (a full disk, {@code >/dev/full}): said on stderr; end the session, exit 1. */
        OUTPUT_FAILED
    }

    /**
     * @param interactive        a terminal is on stdin and stdout (what {@link DcmdContext#interactive()} says)
     * @param stdoutTerminal     stdout is a terminal (colour, line flushing)
     * @param stderrTerminal     stderr is a terminal (progress)
     * @param realStdio          out and err are this process's fds 1 and 2: shell commands inherit them
     * @param shellInheritsStdin {@code !cmd} reads our stdin (false when commands come from stdin)
     * @param debug              print stack traces of failures (JSMDB_DEBUG=1)
     */
    public record Config(boolean interactive, boolean stdoutTerminal, boolean stderrTerminal,
                         boolean realStdio, boolean shellInheritsStdin, boolean debug) {
        /** Plain text, no terminal, output captured (tests). */
        public static Config plain() {
            return new Config(false, false, false, false, false, false);
        }
    }

    private static final long WORKER_STACK = 64L << 20;
    private static final long INTERRUPT_AFTER_NANOS = 300_000_000L;

    private final DcmdRegistry registry;
    private final NodeTarget target;
    private final OutputStream rawOut;
    private final Writer out;
    private final PrintStream err;
    private final Config config;

    private volatile boolean cancelled;
    private volatile long cancelledAt;
    private volatile int cancelCount;

    public CommandRunner(DcmdRegistry registry, NodeTarget target, OutputStream out, PrintStream err, Config config) {
        this.registry = registry;
        this.target = target;
        this.rawOut = out;
        this.out = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        this.err = err;
        this.config = config;
    }

    /** What {@link #runCaptured} saw: the worst status, stdout and stderr. */
    public record Captured(Status status, String out, String err) {}

    /**
     * Runs commands (split at newlines and ';') with captured plain-text output, as
     * {@code jsmdb -e COMMANDS} would: for tests of dcmds. Stops at $q; status is FAILED when
     * any command failed.
     */
    public static Captured runCaptured(DcmdRegistry registry, NodeTarget target, String commands) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        CommandRunner r = new CommandRunner(registry, target, out, new PrintStream(err, true, StandardCharsets.UTF_8),
                Config.plain());
        Status worst = Status.OK;
        for (String c : CommandLineParser.split(commands)) {
            Status s = r.run(c);
            if (s == Status.FAILED) {
                worst = s;
            } else if (s != Status.OK) {
                break;
            }
        }
        return new Captured(worst, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Writes a line of jsmdb's own to stdout, in order with the commands' output. */
    public Status println(String line) {
        try {
            out.write(Strings.safe(line));
            out.write('\n');
            out.flush();
            return Status.OK;
        } catch (IOException e) {
            return outputClosed(OutputClosedException.of(e));
        }
    }

    public DcmdRegistry registry() {
        return registry;
    }

    /**
     * Runs one command (no {@code ;} splitting: see {@link CommandLineParser#split}) on a worker
     * thread and waits for it. Output is flushed when it returns.
     */
    public Status run(String command) {
        cancelled = false;
        cancelCount = 0;
        Status[] result = {Status.FAILED};
        Thread worker = new Thread(null, () -> result[0] = execute(command), "jsmdb-command", WORKER_STACK);
        worker.setDaemon(true);
        worker.start();
        boolean interrupted = false;
        while (worker.isAlive()) {
            try {
                worker.join(50);
            } catch (InterruptedException e) {
                cancel();
            }
            // A command that polls checkCancelled() stops on the flag alone; one blocked in a wait
            // is interrupted a little later (an interrupt also closes NIO channels it is using).
            if (cancelled && !interrupted && System.nanoTime() - cancelledAt > INTERRUPT_AFTER_NANOS) {
                worker.interrupt();
                interrupted = true;
            }
        }
        return result[0];
    }

    /**
     * Asks the running command to stop (Ctrl-C); safe from any thread.
     *
     * @return how many times cancel was asked during this command
     */
    public int cancel() {
        if (!cancelled) {
            cancelledAt = System.nanoTime();
            cancelled = true;
        }
        return ++cancelCount;
    }

    private void checkCancelled() {
        if (cancelled) {
            throw new CancelledException();
        }
    }

    private Status execute(String command) {
        Status s;
        try {
            s = dispatch(command);
        } catch (CancelledException e) {
            s = cancelledStatus();
        } catch (OutputClosedException e) {
            return outputClosed(e);
        } catch (QuitSignal e) {
            s = Status.QUIT;
        }
        try {
            out.flush();
        } catch (IOException e) {
            return outputClosed(OutputClosedException.of(e));
        }
        return s;
    }

    /** The reader left: stop quietly. A write failed: say so once; the session ends with exit 1. */
    private Status outputClosed(OutputClosedException e) {
        if (e.readerGone()) {
            return Status.OUTPUT_CLOSED;
        }
        err.println("jsmdb: cannot write the output: " + Strings.safe(firstLine(e.getMessage())));
        return Status.OUTPUT_FAILED;
    }

    private Status cancelledStatus() {
        flushQuietly();
        err.println("^C (cancelled)");
        return Status.FAILED;
    }

    private Status dispatch(String command) {
        ParsedCommand pc;
        try {
            pc = CommandLineParser.parse(command);
        } catch (CommandSyntaxException e) {
            // the message quotes the command, which may come from a file: escaped like core text
            return fail(Strings.escape(e.getMessage()) + hint(command));
        }
        return switch (pc) {
            case ParsedCommand.Empty e -> Status.OK;
            case ParsedCommand.Quit q -> Status.QUIT;
            case ParsedCommand.Shell sh -> shellCommand(sh.command());
            case ParsedCommand.Pipeline p -> pipeline(p);
        };
    }

    /** " (did you mean ::jsstack?)" when the command starts with a dcmd name without '::'. */
    private String hint(String command) {
        String first = command.strip().split("\\s+", 2)[0];
        int colon = first.indexOf(':');
        String word = colon >= 0 ? first.substring(colon).replaceFirst("^:+", "") : first;
        return registry.lookup(word).isPresent() && !first.contains("::") ? " (did you mean ::" + word + "?)" : "";
    }

    private Status fail(String message) {
        flushQuietly();
        err.println("jsmdb: " + Strings.safe(message));
        return Status.FAILED;
    }

    // ---- dcmd pipes ------------------------------------------------------------------------------

    private Status pipeline(ParsedCommand.Pipeline p) {
        Dcmd[] dcmds = new Dcmd[p.stages().size()];
        for (int i = 0; i < dcmds.length; i++) {
            String name = p.stages().get(i).dcmd();
            dcmds[i] = registry.lookup(name).orElse(null);
            if (dcmds[i] == null) {
                return fail("unknown dcmd '" + name + "'; ::dcmds lists them");
            }
        }
        if (p.shell().isEmpty()) {
            return stages(p.stages(), dcmds, out, config.stdoutTerminal(), config.stderrTerminal()) ? Status.OK : Status.FAILED;
        }
        return shellPipe(p, dcmds, p.shell().get());
    }

    /** Runs the stages writing text to sink; false when any run failed. */
    private boolean stages(List<ParsedCommand.Stage> stages, Dcmd[] dcmds, Writer sink, boolean terminal, boolean progress) {
        boolean ok = true;
        LongList input = null;
        for (int i = 0; i < dcmds.length; i++) {
            ParsedCommand.Stage stage = stages.get(i);
            LongList output = i + 1 < dcmds.length ? new LongList() : null;
            StreamOutput so = new StreamOutput(sink, output == null ? null : output::add, terminal && output == null,
                    progress ? err : null, this::checkCancelled, sink != out);
            if (input == null) {
                Result r = runOne(dcmds[i], new Invocation(stage.address(), stage.args(), false), so, true);
                stopIfOutputClosed(null, so);
                ok &= r == Result.OK;
                if (r == Result.USAGE) {
                    return false;
                }
            } else {
                for (int k = 0; k < input.size; k++) {
                    checkCancelled();
                    Result r = runOne(dcmds[i], new Invocation(OptionalLong.of(input.values[k]), stage.args(), true), so, k == 0);
                    stopIfOutputClosed(null, so);
                    ok &= r == Result.OK;
                    if (r == Result.USAGE) {
                        return false;
                    }
                }
            }
            if (output != null && output.size == 0) {
                break; // nothing to feed the next stage: it does not run
            }
            input = output;
        }
        return ok;
    }

    private enum Result { OK, FAILED, USAGE }

    private Result runOne(Dcmd dcmd, Invocation inv, StreamOutput so, boolean first) {
        try {
            if (inv.address().isEmpty() && dcmd.addressMode() == AddressMode.REQUIRED) {
                throw DcmdException.usage(dcmd, "an address is required");
            }
            if (inv.address().isPresent() && dcmd.addressMode() == AddressMode.NONE) {
                throw DcmdException.usage(dcmd, "takes no address");
            }
            dcmd.run(new Context(so, first), inv);
            return Result.OK;
        } catch (CancelledException | OutputClosedException | QuitSignal e) {
            throw e;
        } catch (DcmdException e) {
            stopIfOutputClosed(e, so);
            report(dcmd, e.getMessage(), e);
            return e.isUsageError() ? Result.USAGE : Result.FAILED;
        } catch (Throwable t) {
            if (cancelled && isInterruption(t)) {
                throw new CancelledException();
            }
            stopIfOutputClosed(t, so);
            report(dcmd, describe(t), t);
            return Result.FAILED;
        }
    }

    /**
     * A dcmd that wrapped a failed write in its own failure (or failed after catching it) still
     * ends the command as a closed output, once, rather than one error line per piped address.
     */
    private static void stopIfOutputClosed(Throwable t, StreamOutput so) {
        OutputClosedException c = OutputClosedException.in(t);
        if (c == null) c = so.closed();
        if (c != null) throw c;
    }

    private static boolean isInterruption(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InterruptedException || c instanceof ClosedByInterruptException) {
                return true;
            }
        }
        return Thread.currentThread().isInterrupted();
    }

    private void report(Dcmd dcmd, String message, Throwable t) {
        flushQuietly();
        err.println("jsmdb: ::" + dcmd.name() + ": " + Strings.safe(firstLine(message)));
        if (config.debug()) {
            t.printStackTrace(err);
        }
    }

    /** One line saying what went wrong, for an exception a dcmd did not expect. */
    static String describe(Throwable t) {
        if (t instanceof StackOverflowError) {
            return "stack overflow (data nested too deeply?)";
        }
        if (t instanceof OutOfMemoryError) {
            return "out of memory (give Java more with JAVA_TOOL_OPTIONS=-Xmx...)";
        }
        String m = t.getMessage();
        String name = t.getClass().getSimpleName();
        if (m == null || m.isBlank()) {
            return "internal error: " + name + " (JSMDB_DEBUG=1 shows where)";
        }
        if (t instanceof NullPointerException || t instanceof ClassCastException
                || t instanceof IndexOutOfBoundsException || t instanceof ArithmeticException
                || t instanceof AssertionError) {
            return "internal error: " + name + ": " + firstLine(m) + " (JSMDB_DEBUG=1 shows where)";
        }
        return m;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    private void flushQuietly() {
        try {
            out.flush();
        } catch (IOException e) {
            // the reader left; the next write says so
        }
    }

    // ---- shell -----------------------------------------------------------------------------------

    private Status shellPipe(ParsedCommand.Pipeline p, Dcmd[] dcmds, String shell) {
        Shell sh;
        try {
            sh = startShell(shell, true);
        } catch (IOException e) {
            return fail("cannot run sh: " + e.getMessage());
        }
        boolean ok = false;
        Writer w = new BufferedWriter(new OutputStreamWriter(sh.process.getOutputStream(), StandardCharsets.UTF_8), 1 << 16);
        try {
            ok = stages(p.stages(), dcmds, w, false, config.stderrTerminal());
        } catch (OutputClosedException e) {
            ok = true; // the shell command stopped reading (e.g. head): not our failure
        } catch (RuntimeException e) {
            sh.process.destroy();
            throw e;
        } finally {
            try {
                w.close();
            } catch (IOException e) {
                // the shell command stopped reading
            }
        }
        int rc = sh.await();
        return ok && rc == 0 ? Status.OK : Status.FAILED;
    }

    private Status shellCommand(String command) {
        try {
            return startShell(command, false).await() == 0 ? Status.OK : Status.FAILED;
        } catch (IOException e) {
            return fail("cannot run sh: " + e.getMessage());
        }
    }

    private Shell startShell(String command, boolean pipeIn) throws IOException {
        flushQuietly();
        err.flush();
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command);
        if (pipeIn) {
            pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        } else if (config.shellInheritsStdin()) {
            pb.redirectInput(ProcessBuilder.Redirect.INHERIT);
        } else {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        if (config.realStdio()) {
            pb.redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT);
        }
        Process process = pb.start();
        Thread[] pumps = config.realStdio() ? new Thread[0] : new Thread[] {
                pump(process.getInputStream(), rawOut), pump(process.getErrorStream(), err)};
        return new Shell(process, pumps);
    }

    private static Thread pump(InputStream from, OutputStream to) {
        return Thread.ofPlatform().daemon().name("jsmdb-shell-pump").start(() -> {
            byte[] buf = new byte[8192];
            boolean open = true;
            try (from) {
                for (int n; (n = from.read(buf)) >= 0; ) {
                    if (open) {
                        try {
                            to.write(buf, 0, n);
                            to.flush();
                        } catch (IOException e) {
                            open = false; // keep draining so the child does not block
                        }
                    }
                }
            } catch (IOException e) {
                // child gone
            }
        });
    }

    private final class Shell {
        final Process process;
        final Thread[] pumps;

        Shell(Process process, Thread[] pumps) {
            this.process = process;
            this.pumps = pumps;
        }

        /** Waits for the command; Ctrl-C kills it. Returns its exit status. */
        int await() {
            try {
                while (!process.waitFor(50, TimeUnit.MILLISECONDS)) {
                    if (cancelled) {
                        process.destroy();
                    }
                }
                for (Thread t : pumps) {
                    t.join();
                }
            } catch (InterruptedException e) {
                process.destroy();
                throw new CancelledException();
            }
            if (cancelled) {
                throw new CancelledException();
            }
            return process.exitValue();
        }
    }

    // ---- context ---------------------------------------------------------------------------------

    private final class Context implements DcmdContext {
        private final StreamOutput output;
        private final boolean first;

        Context(StreamOutput output, boolean first) {
            this.output = output;
            this.first = first;
        }

        @Override public NodeTarget target() { return target; }
        @Override public Output out() { return output; }
        @Override public void checkCancelled() { CommandRunner.this.checkCancelled(); }
        @Override public boolean interactive() { return config.interactive(); }
        @Override public DcmdRegistry registry() { return registry; }
        @Override public boolean firstInLoop() { return first; }

        @Override
        public void warn(String message) {
            output.flush();
            err.println("jsmdb: warning: " + Strings.safe(firstLine(message)));
        }
    }

    /** Addresses between pipe stages, without boxing. */
    private static final class LongList {
        long[] values = new long[16];
        int size;

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }
    }
}
