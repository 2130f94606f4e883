package io.jsmdb.core;

/** Linux x86-64 signal names. */
public final class Signals {
    private static final String[] NAMES = {
            null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
            "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
            "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
            "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};

    private Signals() {}

    public static String name(int signo) {
        if (signo > 0 && signo < NAMES.length) return NAMES[signo];
        if (signo >= 34 && signo <= 64) return "SIGRT" + (signo - 34);
        return "signal " + signo;
    }
}
