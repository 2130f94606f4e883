package io.jsmdb.cmd;

/** Whether a dcmd takes an address: {@code ADDR::name}. */
public enum AddressMode {
    /** {@code ::name} only; an address is a usage error. */
    NONE,
    /** {@code ::name} or {@code ADDR::name}. */
    OPTIONAL,
    /** {@code ADDR::name} only (or fed addresses by a dcmd pipe); none is a usage error. */
    REQUIRED
}
