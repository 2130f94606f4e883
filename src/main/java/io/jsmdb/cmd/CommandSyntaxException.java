package io.jsmdb.cmd;

/** A command line that is not mdb syntax; the message is one line for the user. */
public final class CommandSyntaxException extends Exception {
    public CommandSyntaxException(String message) {
        super(message);
    }
}
