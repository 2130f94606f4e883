package io.jsmdb.launcher;

/**
 * Stands in for jsmdb's Main in {@link LauncherTest}: prints its arguments on stdout and a line
 * on stderr, exits with the status its first argument names ({@code exit=N}).
 */
public final class LauncherProbe {
    private LauncherProbe() {}

    public static void main(String[] args) {
        System.out.println("probe " + String.join(" ", args));
        System.err.println("probe's stderr");
        int status = 0;
        if (args.length > 0 && args[0].startsWith("exit=")) {
            status = Integer.parseInt(args[0].substring(5));
        }
        System.exit(status);
    }
}
