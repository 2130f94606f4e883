package io.jsmdb.binary;

/**
 * One PT_LOAD program header. Addresses are link-time (unrelocated) virtual addresses;
 * {@code filesz} is the header's claim, which a truncated file may not honour.
 */
public record LoadSegment(long vaddr, long memsz, long fileOffset, long filesz, int flags) {
    public static final int PF_X = 1, PF_W = 2, PF_R = 4;

    public boolean isReadable() { return (flags & PF_R) != 0; }
    public boolean isWritable() { return (flags & PF_W) != 0; }
    public boolean isExecutable() { return (flags & PF_X) != 0; }

    /** True if vaddr lies in [vaddr, vaddr+memsz) (unsigned). */
    public boolean contains(long addr) {
        return Long.compareUnsigned(addr, vaddr) >= 0 && Long.compareUnsigned(addr - vaddr, memsz) < 0;
    }

    public long end() { return vaddr + memsz; }
}
