package io.jsmdb.cmd;

/** Thrown by {@link DcmdContext#checkCancelled()} after Ctrl-C; the shell prints {@code ^C (cancelled)}. */
public final class CancelledException extends RuntimeException {
    public CancelledException() {
        super("cancelled", null, false, false);
    }
}
