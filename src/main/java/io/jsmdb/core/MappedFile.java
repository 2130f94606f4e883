package io.jsmdb.core;

/**
 * One file-backed mapping of the process, from the NT_FILE note.
 *
 * @param fileOffset byte offset into the file where the mapping starts
 */
public record MappedFile(long start, long end, long fileOffset, String path) {
    public long size() { return end - start; }
    public boolean contains(long addr) { return Long.compareUnsigned(addr, start) >= 0 && Long.compareUnsigned(addr, end) < 0; }
}
