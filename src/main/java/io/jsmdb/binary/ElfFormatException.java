package io.jsmdb.binary;

/** A file that is not a usable ELF file. The message is one line naming the file and the problem. */
public final class ElfFormatException extends Exception {
    public ElfFormatException(String message) {
        super(message);
    }
}
