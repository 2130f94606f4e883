package io.jsmdb.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The command line of jsmdb, GNU style: {@code -e X}, {@code -eX}, {@code --eval X},
 * {@code --eval=X}, options and files in any order, {@code --} ends options.
 *
 * <p>Its model is picocli's ({@link RootCommand}): help, version, completion and every error come
 * from there. The ordinary command line ({@code jsmdb NODE CORE -e ::status}) is read here by
 * {@link #quick} instead, which reads the words it knows exactly as picocli does and leaves every
 * other command line to picocli: picocli's classes are Java 5 class files, which neither CDS nor
 * the AOT cache keeps ("Old class has been linked"), and reading the command line with picocli
 * costs jsmdb -e ::status about 100 ms of some 270, AOT cache or not (bench/README.md). ArgsTest
 * checks that the two agree.
 *
 * @param demo   hidden: run the overview commands that exist (jsmdb demo's, when not on a terminal)
 * @param evals  -e texts in order
 * @param scripts -f files in order ("-" is stdin)
 * @param solibs --solib-path values (each ':'-separated)
 * @param files  positional words: [NODE] CORE
 * @param pid    -p PID as given (a live process instead of a core), or null
 */
record Args(boolean help, boolean version, boolean demo, List<String> evals, List<String> scripts,
            List<String> solibs, List<String> files, String pid) {

    Args(boolean help, boolean version, boolean demo, List<String> evals, List<String> scripts, List<String> solibs,
         List<String> files) {
        this(help, version, demo, evals, scripts, solibs, files, null);
    }

    /** The root command line: read by {@link #quick} when it can, by picocli otherwise. */
    static Args parse(String[] argv) throws Main.UsageError {
        Args a = quick(argv);
        return a != null ? a : Cli.parseRoot(argv);
    }

    /**
     * The command line when it holds only -e, -f, --solib-path, --demo, -- and files, each well
     * formed; null otherwise (help, version, an unknown option, a missing value, ...: picocli's).
     */
    static Args quick(String[] argv) {
        List<String> evals = new ArrayList<>(), scripts = new ArrayList<>(), solibs = new ArrayList<>(),
                files = new ArrayList<>();
        boolean demo = false, optionsDone = false;
        List<String> pids = new ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (optionsDone || a.length() < 2 || a.charAt(0) != '-') {
                files.add(a);
                continue;
            }
            String name = a, value = null;
            if (a.startsWith("--")) {
                int eq = a.indexOf('=');
                if (eq > 0) {
                    name = a.substring(0, eq);
                    value = a.substring(eq + 1);
                }
            } else if (a.length() > 2) {
                name = a.substring(0, 2);
                value = a.substring(2);
                if (value.charAt(0) == '=') {
                    return null; // -e=X: picocli's (it takes X)
                }
            }
            List<String> target;
            switch (name) {
                case "-e", "--eval" -> target = evals;
                case "-f", "--file" -> target = scripts;
                case "--solib-path" -> target = solibs;
                case "-p", "--pid" -> target = pids;
                case "--", "--demo" -> {
                    if (value != null) {
                        return null;
                    }
                    if (name.equals("--")) {
                        optionsDone = true;
                    } else {
                        demo = true;
                    }
                    continue;
                }
                default -> {
                    return null; // -h, -V, an unknown option
                }
            }
            if (value == null) {
                if (i + 1 >= argv.length) {
                    return null;
                }
                value = argv[++i];
                if (target == pids && value.startsWith("-")) {
                    return null; // -p -- / -p -e: picocli's (its -p takes no option-like word)
                }
            }
            target.add(value);
        }
        if (pids.size() > 1) return null; // picocli's error
        return new Args(false, false, demo, List.copyOf(evals), List.copyOf(scripts), List.copyOf(solibs),
                List.copyOf(files), pids.isEmpty() ? null : pids.getFirst());
    }
}
