package io.jsmdb.core;

/**
 * Little-endian reads of a target process's virtual memory. Every read either returns
 * the bytes the process had or throws {@link MemoryFault}; nothing is invented.
 */
public interface AddressSpace {
    /** True when every byte of [addr, addr+len) can be read. */
    boolean isReadable(long addr, long len);

    byte readByte(long addr);
    short readShort(long addr);
    int readInt(long addr);
    long readLong(long addr);

    default double readDouble(long addr) { return Double.longBitsToDouble(readLong(addr)); }
    default int readUnsignedByte(long addr) { return readByte(addr) & 0xff; }
    default int readUnsignedShort(long addr) { return readShort(addr) & 0xffff; }
    default long readUnsignedInt(long addr) { return readInt(addr) & 0xffffffffL; }

    /** Reads len bytes; throws if any of them is missing. */
    byte[] readBytes(long addr, int len);

    /** Reads a NUL-terminated string of at most max bytes (ISO-8859-1 decoded). */
    default String readCString(long addr, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < max; i++) {
            int b = readUnsignedByte(addr + i);
            if (b == 0) break;
            sb.append((char) b);
        }
        return sb.toString();
    }
}
