package io.jsmdb.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The command line of jsmdb, GNU style: {@code -e X}, {@code -eX}, {@code --eval X},
 * {@code --eval=X}, options and files in any order, {@code --} ends options. Hand-written rather
 * than picocli: picocli's start-up (about 170 ms, 140 classes) would more than double the time
 * of {@code jsmdb -e ::status}.
 *
 * @param demo   hidden, for bin/jsmdb demo: run the overview commands that exist
 * @param evals  -e texts in order
 * @param scripts -f files in order ("-" is stdin)
 * @param solibs --solib-path values (each ':'-separated)
 * @param files  positional words: [NODE] CORE
 */
record Args(boolean help, boolean version, boolean demo, List<String> evals, List<String> scripts,
            List<String> solibs, List<String> files) {

    static Args parse(String[] argv) throws Main.UsageError {
        List<String> evals = new ArrayList<>(), scripts = new ArrayList<>(), solibs = new ArrayList<>(),
                files = new ArrayList<>();
        boolean help = false, version = false, demo = false, optionsDone = false;
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
            }
            List<String> target = switch (name) {
                case "--" -> null;
                case "-h", "--help", "-V", "--version", "--demo" -> null;
                case "-e", "--eval" -> evals;
                case "-f", "--file" -> scripts;
                case "--solib-path" -> solibs;
                default -> throw new Main.UsageError("unknown option '" + (a.startsWith("--") ? name : a.substring(0, 2))
                        + "' (jsmdb --help shows the usage)");
            };
            if (target == null) {
                if (value != null) {
                    throw new Main.UsageError("option '" + name + "' takes no value (jsmdb --help shows the usage)");
                }
                switch (name) {
                    case "--" -> optionsDone = true;
                    case "-h", "--help" -> help = true;
                    case "--demo" -> demo = true;
                    default -> version = true;
                }
                continue;
            }
            if (value == null) {
                if (i + 1 >= argv.length) {
                    throw new Main.UsageError("option '" + name + "' needs a value (jsmdb --help shows the usage)");
                }
                value = argv[++i];
            }
            target.add(value);
        }
        return new Args(help, version, demo, evals, scripts, solibs, files);
    }
}
