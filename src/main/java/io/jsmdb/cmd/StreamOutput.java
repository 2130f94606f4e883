package io.jsmdb.cmd;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/** The {@link Output} of one dcmd run: text to a writer, addresses to the next stage or as lines. */
final class StreamOutput implements Output {
    private final Writer sink;
    private final LongConsumer next;      // null: last stage, addresses are printed
    private final boolean terminal;
    private final boolean flushLines;
    private final PrintStream progressTo; // null: no progress shown
    private final Runnable checkCancelled;
    private final boolean shellSink;
    private OutputClosedException closed;

    /**
     * @param shellSink sink is a shell command's stdin: any failed write means the command
     *                  stopped reading (sh closes it when it exits), never a failure of ours
     */
    StreamOutput(Writer sink, LongConsumer next, boolean terminal, PrintStream progressTo, Runnable checkCancelled,
                 boolean shellSink) {
        this.sink = sink;
        this.shellSink = shellSink;
        this.next = next;
        this.terminal = terminal;
        this.flushLines = terminal;
        this.progressTo = progressTo;
        this.checkCancelled = checkCancelled;
    }

    @Override
    public void println(String line) {
        write(line);
        write("\n");
        if (flushLines) {
            flush();
        }
    }

    @Override
    public void printf(String fmt, Object... args) {
        print(String.format(Locale.ROOT, fmt, args));
    }

    @Override
    public void print(String s) {
        write(s);
        if (flushLines && s.indexOf('\n') >= 0) {
            flush();
        }
    }

    @Override
    public void emitAddress(long addr, String line) {
        if (next != null) {
            next.accept(addr);
        } else {
            println(line);
        }
    }

    @Override
    public void emitAddress(long addr) {
        if (next != null) {
            next.accept(addr);
        } else {
            println(Output.hex(addr));
        }
    }

    @Override
    public boolean addressesPiped() {
        return next != null;
    }

    @Override
    public boolean isTerminal() {
        return terminal;
    }

    @Override
    public Progress progress(String what) {
        return progressTo == null ? new Silent(checkCancelled) : new Shown(what, progressTo, checkCancelled);
    }

    private void write(String s) {
        try {
            // whatever a dcmd forgot to escape, no control or bidi character reaches the reader raw
            sink.write(s == null ? "null" : Strings.safe(s));
        } catch (IOException e) {
            throw closed(e);
        }
    }

    void flush() {
        try {
            sink.flush();
        } catch (IOException e) {
            throw closed(e);
        }
    }

    private OutputClosedException closed(IOException e) {
        OutputClosedException c = shellSink ? OutputClosedException.readerLeft(e) : OutputClosedException.of(e);
        if (closed == null) closed = c;
        return c;
    }

    /** The first failed write of this output, or null: a dcmd that caught it must still stop. */
    OutputClosedException closed() {
        return closed;
    }

    /** Polls cancellation only. */
    private record Silent(Runnable checkCancelled) implements Progress {
        @Override public void update(long done, long total) { checkCancelled.run(); }
        @Override public void close() {}
    }

    /** A one-line indicator on a terminal's stderr, after the first second. */
    static final class Shown implements Progress {
        private static final long DELAY = 1_000_000_000L, INTERVAL = 200_000_000L;
        private final String what;
        private final PrintStream err;
        private final Runnable checkCancelled;
        private final long start = System.nanoTime();
        private long lastDraw;
        private boolean drawn;

        Shown(String what, PrintStream err, Runnable checkCancelled) {
            this.what = what;
            this.err = err;
            this.checkCancelled = checkCancelled;
        }

        @Override
        public void update(long done, long total) {
            checkCancelled.run();
            long now = System.nanoTime();
            if (now - start < DELAY || (drawn && now - lastDraw < INTERVAL)) {
                return;
            }
            lastDraw = now;
            drawn = true;
            String s = total > 0
                    ? String.format(Locale.ROOT, "%s: %d%% (%,d/%,d)", what, Math.min(100, done * 100 / total), done, total)
                    : String.format(Locale.ROOT, "%s: %,d", what, done);
            err.print("\r\033[K" + s);
            err.flush();
        }

        @Override
        public void close() {
            if (drawn) {
                err.print("\r\033[K");
                err.flush();
                drawn = false;
            }
        }
    }
}
