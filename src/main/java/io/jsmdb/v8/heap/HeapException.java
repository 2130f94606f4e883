package io.jsmdb.v8.heap;

/**
 * Heap data that is not what it should be: a word that is not a heap object where one must be,
 * a map that is not a map, a length that lies. The message is one line for the user; memory that
 * cannot be read at all is a {@link io.jsmdb.core.MemoryFault} instead.
 */
public final class HeapException extends RuntimeException {
    private final long address;

    public HeapException(long address, String message) {
        super(message);
        this.address = address;
    }

    /** The (tagged) address the problem was found at. */
    public long address() { return address; }
}
