package io.jsmdb.cmd;

/** Thrown by {@code ::quit}; the runner ends the session. */
final class QuitSignal extends RuntimeException {
    QuitSignal() {
        super("quit", null, false, false);
    }
}
