package io.jsmdb.cmd;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** One command of the mdb language, as {@link CommandLineParser#parse(String)} reads it. */
public sealed interface ParsedCommand {
    /** A blank command: does nothing. */
    record Empty() implements ParsedCommand {}

    /** {@code $q}. */
    record Quit() implements ParsedCommand {}

    /** {@code !cmd}: cmd is given to {@code sh -c}. */
    record Shell(String command) implements ParsedCommand {}

    /**
     * {@code [ADDR]::a args | ::b args ... [! shell]}: each stage runs once per address the one
     * before emitted; the text output goes to {@code sh -c shell} when present.
     */
    record Pipeline(List<Stage> stages, Optional<String> shell) implements ParsedCommand {
        public Pipeline {
            stages = List.copyOf(stages);
            if (stages.isEmpty()) {
                throw new IllegalArgumentException("empty pipeline");
            }
        }
    }

    /** One dcmd call; only the first stage of a pipeline may carry an address. */
    record Stage(OptionalLong address, String dcmd, List<String> args) {
        public Stage {
            args = List.copyOf(args);
        }
    }
}
