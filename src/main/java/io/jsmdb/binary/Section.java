package io.jsmdb.binary;

/** One section header: name, link-time address (0 if not allocated), file offset, size and sh_type. */
public record Section(String name, long addr, long fileOffset, long size, int type) {
    public static final int SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_NOTE = 7,
            SHT_NOBITS = 8, SHT_DYNSYM = 11;
}
