package io.jsmdb.node;

/**
 * A core or binary that cannot be opened as a Node.js target. The message is one line,
 * written for the user ("not an ELF file: /x"), and becomes exit status 2.
 */
public final class TargetException extends Exception {
    public TargetException(String message) { super(message); }
    public TargetException(String message, Throwable cause) { super(message, cause); }
}
