package io.jsmdb.core;

/**
 * A PT_LOAD program header of the core: [vaddr, vaddr+memsz) of process memory, of which the
 * first filesz bytes are stored in the core at fileOffset.
 *
 * @param flags PF_R (4), PF_W (2), PF_X (1)
 */
public record LoadSegment(long vaddr, long memsz, long fileOffset, long filesz, int flags) {
    public long end() { return vaddr + memsz; }

    public String permissions() {
        return ((flags & 4) != 0 ? "r" : "-") + ((flags & 2) != 0 ? "w" : "-") + ((flags & 1) != 0 ? "x" : "-");
    }
}
