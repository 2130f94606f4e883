package io.jsmdb.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code jsmdb heapsnapshot [options] [NODE] CORE -o FILE}: the {@code ::heapsnapshot FILE} dcmd
 * as a subcommand. It rewrites its arguments into the ordinary command line
 * {@code [options] -e '::heapsnapshot FILE' [NODE] CORE}, so opening, errors and exit status
 * (0 written, 1 the write failed, 2 bad usage or a core that cannot be opened) are jsmdb's own.
 */
final class HeapSnapshotCli {
    static final String NAME = "heapsnapshot";

    private HeapSnapshotCli() {}

    /** The arguments after "heapsnapshot", as jsmdb's own command line. */
    static String[] rewrite(String[] rest) throws Main.UsageError {
        List<String> out = new ArrayList<>();
        String file = null;
        boolean optionsDone = false;
        for (int i = 0; i < rest.length; i++) {
            String a = rest[i];
            if (optionsDone || !a.startsWith("-") || a.length() < 2) {
                out.add(a);
                continue;
            }
            String value = null;
            if (a.equals("-o") || a.equals("--output")) {
                if (i + 1 >= rest.length) throw new Main.UsageError("option '" + a + "' needs a value (jsmdb heapsnapshot [NODE] CORE -o FILE)");
                value = rest[++i];
            } else if (a.startsWith("--output=")) {
                value = a.substring("--output=".length());
            } else if (a.startsWith("-o")) {
                value = a.substring(2);
            } else if (a.equals("-e") || a.startsWith("--eval") || a.equals("-f") || a.startsWith("--file")
                    || (a.startsWith("-e") || a.startsWith("-f")) && !a.startsWith("--")) {
                throw new Main.UsageError("heapsnapshot runs no commands of its own: '" + a + "' (jsmdb heapsnapshot [NODE] CORE -o FILE)");
            } else {
                if (a.equals("--")) optionsDone = true;
                out.add(a); // --solib-path and the like: jsmdb's own options
                continue;
            }
            if (file != null) throw new Main.UsageError("heapsnapshot writes one file: -o given twice");
            file = value;
        }
        if (file == null && (out.contains("-h") || out.contains("--help"))) return out.toArray(new String[0]);
        if (file == null || file.isEmpty()) throw new Main.UsageError("heapsnapshot needs -o FILE (jsmdb heapsnapshot [NODE] CORE -o FILE)");
        if (file.indexOf('\n') >= 0 || file.indexOf('\r') >= 0) throw new Main.UsageError("heapsnapshot: a file name with a line break is not supported");
        String quoted = "\"" + file.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        List<String> argv = new ArrayList<>();
        argv.add("-e");
        argv.add("::" + NAME + " " + quoted);
        // options and [NODE] CORE in their order; "-e" first, so a "--" among them still ends options
        argv.addAll(out);
        return argv.toArray(new String[0]);
    }
}
