package io.jsmdb.binary;

/**
 * One ELF symbol. {@code value} is the link-time (unrelocated) address; {@code type} is STT_*,
 * {@code binding} STB_*, {@code sectionIndex} st_shndx (0xfff1 = SHN_ABS).
 */
public record Symbol(String name, long value, long size, int type, int binding, int sectionIndex) {
    public static final int STT_NOTYPE = 0, STT_OBJECT = 1, STT_FUNC = 2, STT_SECTION = 3, STT_FILE = 4,
            STT_COMMON = 5, STT_TLS = 6, STT_GNU_IFUNC = 10;
    public static final int STB_LOCAL = 0, STB_GLOBAL = 1, STB_WEAK = 2, STB_GNU_UNIQUE = 10;
    public static final int SHN_UNDEF = 0, SHN_ABS = 0xfff1, SHN_COMMON = 0xfff2, SHN_XINDEX = 0xffff;

    /** The C++ demangled name, or the name itself if it is not mangled. */
    public String demangled() {
        return Demangler.demangle(name);
    }

    public boolean isFunction() { return type == STT_FUNC || type == STT_GNU_IFUNC; }
    public boolean isObject() { return type == STT_OBJECT; }

    /** True if addr lies in [value, value+size) (unsigned); false for size-0 symbols. */
    public boolean contains(long addr) {
        return Long.compareUnsigned(addr, value) >= 0 && Long.compareUnsigned(addr - value, size) < 0;
    }
}
