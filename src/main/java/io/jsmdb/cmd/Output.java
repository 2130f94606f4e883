package io.jsmdb.cmd;

/**
 * Where a dcmd writes. Plain text when not a terminal: no colour, no progress. Writing to a
 * closed pipe (e.g. {@code | head -1}) ends the command quietly.
 */
public interface Output {
    void println(String line);

    /** {@link String#format} with {@link java.util.Locale#ROOT}. */
    void printf(String fmt, Object... args);

    void print(String s);

    /**
     * A result address of the dcmd. In a dcmd pipe ({@code ::a | ::b}) it goes to the next stage
     * and {@code line} is not printed; otherwise {@code line} is printed.
     */
    void emitAddress(long addr, String line);

    /** Like mdb's {@code %p}: the address in lower-case hex, no {@code 0x}, as its own line. */
    void emitAddress(long addr);

    /** True when emitted addresses feed a next dcmd (mdb's {@code DCMD_PIPE_OUT}): print tables only when false. */
    default boolean addressesPiped() {
        return false;
    }

    /** Stdout is a terminal and this output is not going into a pipe: colour may be used. */
    boolean isTerminal();

    /**
     * Progress for a long operation: shown on stderr only when stderr is a terminal and the
     * operation has run more than 1 s; cleared on close. Use with try-with-resources.
     */
    Progress progress(String what);

    /** The plain hex form {@link #emitAddress(long)} prints. */
    static String hex(long addr) {
        return Long.toHexString(addr);
    }
}
