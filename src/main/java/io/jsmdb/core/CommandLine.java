package io.jsmdb.core;

import java.util.List;

/**
 * The process's command line and initial environment, and where they were read from.
 *
 * @param argv        the arguments, argv[0] first. Separate strings only when {@link #separated()};
 *                    otherwise one string in which the arguments are joined by spaces (psinfo)
 *                    or only the program name (gcore's psinfo, AT_EXECFN)
 * @param environment the environment execve passed, in order ("NAME=value"); empty when it
 *                    could not be read (see {@link #source()})
 * @param source      where argv came from
 * @param stackProblem why the initial stack could not supply the command line, or null when it did
 */
public record CommandLine(List<String> argv, List<String> environment, Source source, String stackProblem) {
    public CommandLine {
        argv = List.copyOf(argv);
        environment = List.copyOf(environment);
    }

    /** Where the command line came from, from best to worst. */
    public enum Source {
        /** argv[] and envp[] on the process's initial stack, as execve laid them out: complete. */
        INITIAL_STACK,
        /**
         * The initial stack, but the strings argv[] points to are no longer the kernel's
         * contiguous layout: the process wrote over them (node's process.title writes the title
         * into the argument area and zeroes the rest). What is shown is what they hold now.
         */
        INITIAL_STACK_OVERWRITTEN,
        /** The kernel's NT_PRPSINFO pr_psargs: the arguments joined by spaces, at most 79 characters. */
        PSINFO,
        /** gdb's gcore fills pr_psargs with the program name alone (the first string of /proc/PID/cmdline). */
        PSINFO_PROGRAM_NAME,
        /** Only the path execve was given (the auxiliary vector's AT_EXECFN string). */
        EXECFN,
        /** Nothing in the core names the command line. */
        NONE
    }

    /** pr_psargs holds 80 bytes, the last one a NUL: a text this long may have been cut. */
    public static final int PSINFO_ARGS_MAX = 79;

    /** True when argv holds the arguments one by one (rather than one joined or partial string). */
    public boolean separated() {
        return source == Source.INITIAL_STACK || source == Source.INITIAL_STACK_OVERWRITTEN;
    }

    /** How the source reads in a sentence, e.g. "from the initial stack". */
    public String describeSource() {
        String what = switch (source) {
            case INITIAL_STACK -> "from the initial stack";
            case INITIAL_STACK_OVERWRITTEN -> "from the initial stack, but the process wrote over its argument strings"
                    + " (process.title?): they show what that memory holds now, the original arguments are lost";
            case PSINFO -> argv.isEmpty() || argv.get(0).length() < PSINFO_ARGS_MAX
                    ? "from psinfo (arguments joined by spaces)"
                    : "from psinfo (truncated to 80 chars)";
            case PSINFO_PROGRAM_NAME -> "program name only (gcore)";
            case EXECFN -> "program path only (AT_EXECFN)";
            case NONE -> "the core holds no command line";
        };
        return stackProblem == null ? what : what + "; not from the initial stack: " + stackProblem;
    }
}
