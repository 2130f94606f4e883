package io.jsmdb.cmd;

/**
 * A dcmd failure the user should read: printed as {@code jsmdb: ::name: MESSAGE} on stderr and
 * counted as a failed command. A usage error also stops a dcmd pipe feeding the dcmd.
 */
public class DcmdException extends Exception {
    private final boolean usageError;

    public DcmdException(String message) {
        this(message, null, false);
    }

    public DcmdException(String message, Throwable cause) {
        this(message, cause, false);
    }

    private DcmdException(String message, Throwable cause, boolean usageError) {
        super(message, cause);
        this.usageError = usageError;
    }

    /** {@code usage: ::name USAGE}, after {@code detail; } when detail is not null. */
    public static DcmdException usage(Dcmd dcmd, String detail) {
        String u = "usage: " + dcmd.synopsis();
        return new DcmdException(detail == null ? u : detail + "; " + u, null, true);
    }

    public static DcmdException usage(Dcmd dcmd) {
        return usage(dcmd, null);
    }

    public boolean isUsageError() {
        return usageError;
    }
}
