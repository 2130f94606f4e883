package io.jsmdb.cmd;

/** The reader of our output went away (EPIPE, e.g. {@code | head -1}): the command ends quietly. */
final class OutputClosedException extends RuntimeException {
    OutputClosedException() {
        super("output closed", null, false, false);
    }
}
