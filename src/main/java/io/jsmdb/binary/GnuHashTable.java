package io.jsmdb.binary;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The dynamic linker's own name index (SHT_GNU_HASH) over .dynsym: exact-name lookups of
 * exported symbols with no set-up cost. Every read is bounds-checked; a damaged table just
 * answers "not found".
 */
final class GnuHashTable {
    static final int SHT_GNU_HASH = 0x6ffffff6, SHT_GNU_VERSYM = 0x6fffffff;

    private final MemorySegment file;
    private final long hashOff, hashSize;
    private final long symOff, symCount;
    private final long strOff, strSize;
    private final long versymOff, versymCount; // .gnu.version: one u16 per .dynsym entry; bit 15 = hidden
    private final long nbuckets, symoffset, bloomSize;
    private final int bloomShift;

    private GnuHashTable(MemorySegment file, long hashOff, long hashSize, long symOff, long symCount, long strOff,
            long strSize, long versymOff, long versymCount) {
        this.versymOff = versymOff;
        this.versymCount = versymCount;
        this.file = file;
        this.hashOff = hashOff;
        this.hashSize = hashSize;
        this.symOff = symOff;
        this.symCount = symCount;
        this.strOff = strOff;
        this.strSize = strSize;
        this.nbuckets = u32(0);
        this.symoffset = u32(4);
        this.bloomSize = u32(8);
        this.bloomShift = (int) u32(12);
    }

    /** The table of image if it has a usable one: header present, linked .dynsym and .dynstr. */
    static Optional<GnuHashTable> of(ElfImage image, List<Section> sections, int[] links) {
        for (int i = 0; i < sections.size(); i++) {
            Section h = sections.get(i);
            if (h.type() != SHT_GNU_HASH) continue;
            int dyn = links[i];
            if (dyn <= 0 || sections.get(dyn).type() != Section.SHT_DYNSYM) continue;
            int str = links[dyn];
            if (str <= 0 || sections.get(str).type() != Section.SHT_STRTAB) continue;
            long hashAvail = image.available(h.fileOffset(), h.size());
            if (hashAvail < 16) continue;
            Section d = sections.get(dyn), s = sections.get(str);
            long symAvail = image.available(d.fileOffset(), d.size());
            long strAvail = image.available(s.fileOffset(), s.size());
            long versymOff = 0, versymCount = 0;
            for (int v = 0; v < sections.size(); v++) {
                Section vs = sections.get(v);
                if (vs.type() == SHT_GNU_VERSYM && links[v] == dyn) {
                    versymOff = vs.fileOffset();
                    versymCount = image.available(vs.fileOffset(), vs.size()) / 2;
                    break;
                }
            }
            GnuHashTable t = new GnuHashTable(image.bytes(), h.fileOffset(), hashAvail, d.fileOffset(), symAvail / 24,
                    s.fileOffset(), strAvail, versymOff, versymCount);
            if (t.nbuckets == 0 || t.bloomSize == 0) continue;
            return Optional.of(t);
        }
        return Optional.empty();
    }

    /**
     * The defined (st_shndx != SHN_UNDEF) .dynsym symbol with exactly this name; of several
     * versions (libc's pthread_cond_init@GLIBC_2.2.5 and @@GLIBC_2.3.2) the default one.
     */
    Optional<Symbol> find(String name) {
        byte[] key = name.getBytes(StandardCharsets.UTF_8);
        int h = 5381;
        for (byte b : key) h = h * 33 + (b & 0xff);
        long hu = h & 0xffffffffL;

        long bloomOff = 16;
        long word = u64(bloomOff + 8 * ((hu / 64) % bloomSize));
        long mask = (1L << (hu % 64)) | (1L << ((hu >>> bloomShift) % 64));
        if ((word & mask) != mask) return Optional.empty();

        long bucketsOff = bloomOff + 8 * bloomSize;
        long chainOff = bucketsOff + 4 * nbuckets;
        long i = u32(bucketsOff + 4 * (hu % nbuckets));
        if (i == 0 || i < symoffset) return Optional.empty();
        Symbol hiddenMatch = null;
        for (long steps = 0; i < symCount && steps < symCount; i++, steps++) {
            long ch = u32(chainOff + 4 * (i - symoffset));
            if (ch < 0) return Optional.empty();
            if ((ch | 1) == (hu | 1)) {
                long e = symOff + 24 * i;
                long nameOff = file.get(ElfImage.U32, e) & 0xffffffffL;
                if (nameMatches(nameOff, key)) {
                    int info = file.get(ValueLayout.JAVA_BYTE, e + 4) & 0xff;
                    int shndx = file.get(ElfImage.U16, e + 6) & 0xffff;
                    if (shndx != Symbol.SHN_UNDEF) {
                        Symbol sym = new Symbol(name, file.get(ElfImage.U64, e + 8), file.get(ElfImage.U64, e + 16),
                                info & 0xf, info >>> 4, shndx);
                        if (!hidden(i)) return Optional.of(sym);
                        if (hiddenMatch == null) hiddenMatch = sym;
                    }
                }
            }
            if ((ch & 1) != 0) break;
        }
        return Optional.ofNullable(hiddenMatch);
    }

    /** True if .gnu.version marks dynsym entry i as a non-default (hidden) version. */
    private boolean hidden(long i) {
        if (i >= versymCount) return false;
        return (file.get(ElfImage.U16, versymOff + 2 * i) & 0x8000) != 0;
    }

    private boolean nameMatches(long off, byte[] key) {
        if (off >= strSize || key.length >= strSize - off) return false;
        MemorySegment s = file.asSlice(strOff + off, key.length + 1);
        for (int k = 0; k < key.length; k++) if (s.get(ValueLayout.JAVA_BYTE, k) != key[k]) return false;
        return s.get(ValueLayout.JAVA_BYTE, key.length) == 0;
    }

    /** u32 at offset off of the hash section, or -1 if outside it. */
    private long u32(long off) {
        if (off < 0 || off > hashSize - 4) return -1;
        return file.get(ElfImage.U32, hashOff + off) & 0xffffffffL;
    }

    private long u64(long off) {
        if (off < 0 || off > hashSize - 8) return 0;
        return file.get(ElfImage.U64, hashOff + off);
    }
}
