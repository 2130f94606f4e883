package io.jsmdb.core;

/**
 * A read of target memory that cannot be satisfied: the address is not in the core,
 * or lies in a page the core does not hold and no file on disk could supply.
 * Unchecked on purpose: decoding code lets it travel up to the command, which turns it
 * into one clear line for the user.
 */
public final class MemoryFault extends RuntimeException {
    private final long address;
    private final long length;

    public MemoryFault(long address, long length, String why) {
        super(String.format("cannot read %d byte%s at 0x%x: %s", length, length == 1 ? "" : "s", address, why));
        this.address = address;
        this.length = length;
    }

    public long address() { return address; }
    public long length() { return length; }
}
