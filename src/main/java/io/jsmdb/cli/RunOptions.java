package io.jsmdb.cli;

import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Stack;

/**
 * The options of a run on a core, a picocli mixin: {@code jsmdb}'s and {@code jsmdb demo}'s.
 *
 * <p>Words that name files are declared {@code type = Path.class} and kept as given
 * ({@link Verbatim}, {@link Word}): the type is for the completion script (picocli completes file
 * names for Path), the word is what jsmdb always used.
 */
final class RunOptions {
    @Option(names = {"-e", "--eval"}, paramLabel = "COMMANDS", parameterConsumer = Verbatim.class,
            description = "run COMMANDS (separated by ';' or newlines), then exit")
    List<String> evals = new ArrayList<>();

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", parameterConsumer = Verbatim.class, type = Path.class,
            description = "run the commands in FILE ('-' for stdin), then exit")
    List<String> scripts = new ArrayList<>();

    @Option(names = "--solib-path", paramLabel = "DIRS", parameterConsumer = Verbatim.class, type = Path.class,
            description = "search DIRS (':'-separated) for shared libraries")
    List<String> solibs = new ArrayList<>();

    /**
     * An option's value is the next word whatever it is ({@code -e --}, {@code -e ''},
     * {@code -f -}), as jsmdb always took it; picocli would refuse {@code --} and the like.
     * Attached values ({@code -eX}, {@code --eval=X}) reach here as the next word too.
     */
    static final class Verbatim implements IParameterConsumer {
        @Override
        public void consumeParameters(Stack<String> args, ArgSpec spec, CommandSpec command) {
            if (args.isEmpty()) {
                throw new MissingParameterException(command.commandLine(), spec, "needs a value");
            }
            List<String> values = spec.getValue();
            if (values == null) {
                values = new ArrayList<>();
                spec.setValue(values);
            }
            values.add(args.pop());
        }
    }

    /** Keeps the word as given (a file name declared a Path for completion: no normalizing). */
    static final class Word implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            return value;
        }
    }
}
