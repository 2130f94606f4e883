package io.jsmdb.cmd;

import java.io.IOException;

/**
 * A write to our output failed. Either its reader went away (EPIPE, e.g. {@code | head -1}):
 * the command ends quietly; or the write itself failed (a full disk, {@code >/dev/full}, a
 * closed fd): the session ends with one line on stderr and exit status 1.
 */
final class OutputClosedException extends RuntimeException {
    private final boolean readerGone;

    OutputClosedException(IOException cause, boolean readerGone) {
        super(cause == null ? "output closed" : String.valueOf(cause.getMessage()), cause, false, false);
        this.readerGone = readerGone;
    }

    /** The reader closed its end (EPIPE): not a failure of ours. */
    boolean readerGone() {
        return readerGone;
    }

    /**
     * How a failed write is classified: EPIPE (the JVM ignores SIGPIPE, so a write to a pipe
     * whose reader left fails with "Broken pipe") is the reader leaving; anything else
     * (ENOSPC, EIO, EBADF) is a failed write.
     */
    static OutputClosedException of(IOException e) {
        String m = e.getMessage();
        return new OutputClosedException(e, m != null && m.contains("Broken pipe"));
    }

    /** For a sink whose reader may stop at any time (a shell pipe's stdin): every failure is the reader leaving. */
    static OutputClosedException readerLeft(IOException e) {
        return new OutputClosedException(e, true);
    }

    /** The OutputClosedException in t's cause chain (a dcmd may have wrapped it), or null. */
    static OutputClosedException in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof OutputClosedException o) return o;
        }
        return null;
    }
}
