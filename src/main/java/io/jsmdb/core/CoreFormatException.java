package io.jsmdb.core;

/** A file that cannot be read as an x86-64 Linux ELF core. The message is one line for the user. */
public final class CoreFormatException extends Exception {
    public CoreFormatException(String message) { super(message); }
}
