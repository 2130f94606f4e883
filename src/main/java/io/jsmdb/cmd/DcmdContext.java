package io.jsmdb.cmd;

import io.jsmdb.node.NodeTarget;

/** What a dcmd may use while it runs. */
public interface DcmdContext {
    /** The opened core; null only in tests that drive the runner without a core. */
    NodeTarget target();

    Output out();

    /** Throws {@link CancelledException} once the user has pressed Ctrl-C. Poll it in long loops. */
    void checkCancelled();

    /** A terminal is attached to both stdin and stdout. */
    boolean interactive();

    DcmdRegistry registry();

    /** Writes {@code jsmdb: warning: MESSAGE} to stderr (after flushing what stdout holds). */
    void warn(String message);

    /**
     * False for the second and later runs of a dcmd fed addresses by a dcmd pipe: print table
     * headers only when true (mdb's {@code DCMD_HDRSPEC}).
     */
    default boolean firstInLoop() {
        return true;
    }
}
