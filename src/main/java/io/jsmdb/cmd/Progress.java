package io.jsmdb.cmd;

/** A progress indicator from {@link Output#progress(String)}. Updates also poll cancellation. */
public interface Progress extends AutoCloseable {
    /** Work done so far out of total (total &lt;= 0: unknown). Cheap (a clock read), but call it per block of work, not per word. */
    void update(long done, long total);

    /** Clears the indicator. */
    @Override
    void close();

    /**
     * The indicator a dcmd's output shows, for work outside a dcmd (the subcommands of the command
     * line): a line on err, which must be a terminal, drawn after the first second, cleared on close.
     */
    static Progress onTerminal(String what, java.io.PrintStream err) {
        return new StreamOutput.Shown(what, err, () -> {});
    }

    Progress NONE = new Progress() {
        @Override public void update(long done, long total) {}
        @Override public void close() {}
    };
}
