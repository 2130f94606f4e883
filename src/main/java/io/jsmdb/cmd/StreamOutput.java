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

    StreamOutput(Writer sink, LongConsumer next, boolean terminal, PrintStream progressTo, Runnable checkCancelled) {
        this.sink = sink;
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
            sink.write(s == null ? "null" : s);
        } catch (IOException e) {
            throw new OutputClosedException();
        }
    }

    void flush() {
        try {
            sink.flush();
        } catch (IOException e) {
            throw new OutputClosedException();
        }
    }

    /** Polls cancellation only. */
    private record Silent(Runnable checkCancelled) implements Progress {
        @Override public void update(long done, long total) { checkCancelled.run(); }
        @Override public void close() {}
    }

    /** A one-line indicator on a terminal's stderr, after the first second. */
    private static final class Shown implements Progress {
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
