package io.jsmdb.launcher;

/**
 * Stands in for jsmdb's Main in {@link LauncherTest}: prints its arguments on stdout and a line
 * on stderr, exits with the status its first argument names ({@code exit=N}); given the word
 * {@code jit?}, also the compilers the JVM runs with.
 */
public final class LauncherProbe {
    private LauncherProbe() {}

    public static void main(String[] args) {
        System.out.println("probe " + String.join(" ", args));
        if (java.util.Arrays.asList(args).contains("jit?")) {
            // which compilers the launcher chose: 1 is C1 only, 4 both
            var hs = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            System.out.println("TieredStopAtLevel=" + hs.getVMOption("TieredStopAtLevel").getValue());
        }
        System.err.println("probe's stderr");
        int status = 0;
        if (args.length > 0 && args[0].startsWith("exit=")) {
            status = Integer.parseInt(args[0].substring(5));
        }
        System.exit(status);
    }
}
