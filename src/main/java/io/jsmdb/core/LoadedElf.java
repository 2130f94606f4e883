package io.jsmdb.core;

import java.util.HexFormat;
import java.util.Optional;

/**
 * Reads an ELF image as it lies loaded in a process's memory, which is how a core shows
 * the executable and its libraries: the kernel keeps their first page (ELF header and
 * program headers, and usually the build-id note) even when it drops the rest.
 */
public final class LoadedElf {
    private static final int PT_LOAD = 1, PT_NOTE = 4, NT_GNU_BUILD_ID = 3;
    /** More program headers than this in a loaded image means the header is garbage. */
    private static final int MAX_PHDRS = 256;

    private LoadedElf() {}

    /**
     * The GNU build-id of the ELF image whose header is at base (the lowest mapping of the
     * file), as lower-case hex; empty when the header or the note is not readable.
     */
    public static Optional<String> buildId(AddressSpace mem, long base) {
        try {
            if (mem.readInt(base) != 0x464c457f || mem.readByte(base + 4) != 2) return Optional.empty();
            long phoff = mem.readLong(base + 32);
            int phentsize = mem.readUnsignedShort(base + 54);
            int phnum = mem.readUnsignedShort(base + 56);
            if (phentsize != 56 || phnum > MAX_PHDRS || phoff <= 0 || phoff > 1 << 20) return Optional.empty();
            long firstLoad = -1;
            for (int i = 0; i < phnum; i++) {
                long h = base + phoff + i * 56L;
                if (mem.readInt(h) == PT_LOAD) {
                    firstLoad = mem.readLong(h + 16) & ~0xfffL;
                    break;
                }
            }
            if (firstLoad < 0) return Optional.empty();
            long bias = base - firstLoad;
            for (int i = 0; i < phnum; i++) {
                long h = base + phoff + i * 56L;
                if (mem.readInt(h) != PT_NOTE) continue;
                long at = mem.readLong(h + 16) + bias;
                long size = Math.min(mem.readLong(h + 32), 1 << 16);
                long p = at;
                while (p + 12 <= at + size) {
                    long namesz = mem.readUnsignedInt(p), descsz = mem.readUnsignedInt(p + 4);
                    int type = mem.readInt(p + 8);
                    long desc = p + 12 + ((namesz + 3) & ~3L);
                    if (namesz > 256 || descsz > 4096) break;
                    if (type == NT_GNU_BUILD_ID && namesz == 4 && mem.readInt(p + 12) == 0x00554e47 /* "GNU\0" */) {
                        return Optional.of(HexFormat.of().formatHex(mem.readBytes(desc, (int) descsz)));
                    }
                    p = desc + ((descsz + 3) & ~3L);
                }
            }
            return Optional.empty();
        } catch (MemoryFault e) {
            return Optional.empty();
        }
    }
}
