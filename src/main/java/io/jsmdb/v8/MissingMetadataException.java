package io.jsmdb.v8;

/**
 * A V8 layout fact that the binary's metadata lacks and for which no fallback is known for
 * this V8 version. Thrown instead of guessing: a wrong offset would silently decode garbage.
 */
public final class MissingMetadataException extends RuntimeException {
    private final String constant;
    private final String target;

    public MissingMetadataException(String constant, String target, String detail) {
        super("V8 metadata " + constant + " is missing in " + target
                + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")")
                + " and no fallback is known for this version");
        this.constant = constant;
        this.target = target;
    }

    /** The missing constant(s), e.g. "v8dbg_class_JSFunction__code__* (JSFUNCTION_CODE_OFFSET)". */
    public String constant() { return constant; }

    /** What the metadata came from, e.g. "/usr/bin/node (V8 11.3.244.8)". */
    public String target() { return target; }
}
