package io.jsmdb.cmd;

import java.util.List;

/**
 * A debugger command, run as {@code [ADDR]::name args}. Implementations are stateless or
 * keep per-session caches; one instance serves a whole session. Register it in {@link Dcmds#all()}.
 */
public interface Dcmd {
    /** The name without colons: {@code "jsstack"}. */
    String name();

    /** The options summary, mdb style: {@code "[-av] [-n N] [-t TID]"}; empty when there are none. */
    String usage();

    /** One line for {@code ::dcmds}. */
    String summary();

    /** A paragraph or more for {@code ::help name}, options explained. */
    String help();

    /** Option words for Tab completion, e.g. {@code List.of("-a", "-v", "-n", "-t")}. */
    List<String> options();

    AddressMode addressMode();

    /**
     * Runs once per address (once without one when not piped). Print with {@code ctx.out()},
     * poll {@code ctx.checkCancelled()} in long loops, throw {@link DcmdException} for a
     * failure the user should read. Any other exception also becomes a one-line failure.
     */
    void run(DcmdContext ctx, Invocation inv) throws DcmdException;

    /** The full synopsis: {@code ADDR::name [-v]}, {@code [ADDR]::name ...} or {@code ::name ...}. */
    default String synopsis() {
        String prefix = switch (addressMode()) {
            case NONE -> "";
            case OPTIONAL -> "[ADDR]";
            case REQUIRED -> "ADDR";
        };
        String u = usage();
        return prefix + "::" + name() + (u == null || u.isBlank() ? "" : " " + u.strip());
    }
}
