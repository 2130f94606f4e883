package io.jsmdb.cmd;

import java.util.List;
import java.util.OptionalLong;

/**
 * One run of a dcmd.
 *
 * @param address the address before {@code ::}, or the one fed by a dcmd pipe
 * @param args    the words after the dcmd name, quotes removed
 * @param piped   true when the address came from the previous stage of a dcmd pipe
 */
public record Invocation(OptionalLong address, List<String> args, boolean piped) {
    public Invocation {
        args = List.copyOf(args);
    }
}
