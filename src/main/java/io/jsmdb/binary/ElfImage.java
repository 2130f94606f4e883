package io.jsmdb.binary;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * An ELF64 little-endian file on disk (executable, shared library or core), memory-mapped read-only
 * and zero-copy. Headers are parsed eagerly and defensively: every offset and count is checked
 * against the file size. Only a missing/unreadable ELF header or program header table makes
 * {@link #open} fail; a damaged section header table is reported in {@link #warnings()} and
 * the affected parts simply come back empty.
 *
 * <p>Thread-safe once opened. Reads after {@link #close()} throw {@link IllegalStateException}.
 */
public final class ElfImage implements AutoCloseable {
    public static final int ET_REL = 1, ET_EXEC = 2, ET_DYN = 3, ET_CORE = 4;
    public static final int EM_X86_64 = 62, EM_AARCH64 = 183;
    public static final int PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_NOTE = 4;

    // Little-endian layouts. On little-endian hosts these are the JDK's own constants, so that the
    // var handles (costly to spin up at JVM start) are shared with every other layer.
    private static final boolean LE_HOST = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    static final ValueLayout.OfShort U16 = LE_HOST ? ValueLayout.JAVA_SHORT_UNALIGNED
            : ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt U32 = LE_HOST ? ValueLayout.JAVA_INT_UNALIGNED
            : ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong U64 = LE_HOST ? ValueLayout.JAVA_LONG_UNALIGNED
            : ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static final int EHDR_SIZE = 64, PHDR_SIZE = 56, SHDR_SIZE = 64;
    private static final long SHF_ALLOC = 0x2, SHF_TLS = 0x400;
    private static final long PAGE = 0x1000;

    private final Path path;
    private final Arena arena;
    private final MemorySegment bytes;
    private final long fileSize;
    private final int type, machine;
    private final long entry;
    private final List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();

    // program headers
    private final List<LoadSegment> loads;
    private final LoadSegment[] loadsByVaddr; // sorted by unsigned vaddr
    private final long[] noteOffsets, noteSizes; // PT_NOTE file ranges, already clamped to the file
    private final long[] noteAligns;

    // section headers (index = ELF section index)
    private final Section[] sections;
    private final long[] shFlags;
    private final int[] shLink;

    private volatile Optional<String> buildId;
    private volatile SymbolTable symbols, dynamicSymbols;
    private final Object symbolsLock = new Object();

    private ElfImage(Path path, Arena arena, MemorySegment bytes) throws ElfFormatException {
        this.path = path;
        this.arena = arena;
        this.bytes = bytes;
        this.fileSize = bytes.byteSize();

        if (fileSize < 4 || bytes.get(ValueLayout.JAVA_BYTE, 0) != 0x7f || bytes.get(ValueLayout.JAVA_BYTE, 1) != 'E'
                || bytes.get(ValueLayout.JAVA_BYTE, 2) != 'L' || bytes.get(ValueLayout.JAVA_BYTE, 3) != 'F') {
            throw new ElfFormatException("not an ELF file: " + path + (fileSize == 0 ? " (empty)" : ""));
        }
        if (fileSize < 6) throw new ElfFormatException("truncated ELF file: " + path);
        int cls = bytes.get(ValueLayout.JAVA_BYTE, 4);
        int data = bytes.get(ValueLayout.JAVA_BYTE, 5);
        if (cls != 2) throw new ElfFormatException("unsupported ELF file (only 64-bit ELF is supported): " + path);
        if (data != 1) throw new ElfFormatException("unsupported ELF file (only little-endian ELF is supported): " + path);
        if (fileSize < EHDR_SIZE) throw new ElfFormatException("truncated ELF file: " + path + " (ELF header incomplete)");

        type = u16(16);
        machine = u16(18);
        entry = bytes.get(U64, 24);
        long phoff = bytes.get(U64, 32);
        long shoff = bytes.get(U64, 40);
        int phentsize = u16(54);
        long phnum = u16(56);
        int shentsize = u16(58);
        long shnum = u16(60);
        long shstrndx = u16(62);

        // Extended numbering lives in section header 0.
        boolean sh0Readable = shoff != 0 && shentsize >= SHDR_SIZE && fits(shoff, SHDR_SIZE);
        if (phnum == 0xffff && sh0Readable) phnum = bytes.get(U32, shoff + 44) & 0xffffffffL; // sh_info
        if (shnum == 0 && sh0Readable) shnum = bytes.get(U64, shoff + 32);                     // sh_size
        if (shstrndx == 0xffff && sh0Readable) shstrndx = bytes.get(U32, shoff + 40) & 0xffffffffL; // sh_link

        // ---- program headers: required to be intact
        List<LoadSegment> loadList = new ArrayList<>();
        List<long[]> notes = new ArrayList<>();
        if (phnum > 0) {
            if (phentsize < PHDR_SIZE) {
                throw new ElfFormatException("bad ELF file: " + path + " (e_phentsize " + phentsize + " < 56)");
            }
            if (!fitsTable(phoff, phnum, phentsize)) {
                throw new ElfFormatException("truncated ELF file: " + path + " (program headers extend past end of file)");
            }
            for (long i = 0; i < phnum; i++) {
                long o = phoff + i * phentsize;
                int pType = bytes.get(U32, o);
                int pFlags = bytes.get(U32, o + 4);
                long pOffset = bytes.get(U64, o + 8);
                long pVaddr = bytes.get(U64, o + 16);
                long pFilesz = bytes.get(U64, o + 32);
                long pMemsz = bytes.get(U64, o + 40);
                long pAlign = bytes.get(U64, o + 48);
                if (pType == PT_LOAD) {
                    loadList.add(new LoadSegment(pVaddr, pMemsz, pOffset, pFilesz, pFlags));
                } else if (pType == PT_NOTE) {
                    long avail = available(pOffset, pFilesz);
                    if (avail < pFilesz) warnings.add("PT_NOTE at file offset 0x" + Long.toHexString(pOffset) + " is truncated");
                    if (avail > 0) notes.add(new long[] {pOffset, avail, pAlign == 8 ? 8 : 4});
                }
            }
        }
        loads = Collections.unmodifiableList(loadList);
        loadsByVaddr = loadList.toArray(new LoadSegment[0]);
        Arrays.sort(loadsByVaddr, (a, b) -> Long.compareUnsigned(a.vaddr(), b.vaddr()));
        noteOffsets = new long[notes.size()];
        noteSizes = new long[notes.size()];
        noteAligns = new long[notes.size()];
        for (int i = 0; i < notes.size(); i++) {
            noteOffsets[i] = notes.get(i)[0];
            noteSizes[i] = notes.get(i)[1];
            noteAligns[i] = notes.get(i)[2];
        }

        // ---- section headers: tolerated if damaged
        int nsec = 0;
        if (shoff != 0 && shnum > 0) {
            if (shentsize < SHDR_SIZE) {
                warnings.add("bad e_shentsize " + shentsize + "; section headers ignored");
            } else if (!fitsTable(shoff, shnum, shentsize)) {
                long fitting = Long.compareUnsigned(shoff, fileSize) >= 0 ? 0 : (fileSize - shoff) / shentsize;
                warnings.add("section header table extends past end of file (" + shnum + " headers, "
                        + fitting + " present)");
                nsec = (int) Math.min(fitting, 1 << 20);
            } else {
                nsec = (int) Math.min(shnum, 1 << 20);
                if (nsec < shnum) warnings.add("absurd section count " + shnum + "; only the first " + nsec + " used");
            }
        }
        sections = new Section[nsec];
        shFlags = new long[nsec];
        shLink = new int[nsec];
        long[] nameOff = new long[nsec];
        for (int i = 0; i < nsec; i++) {
            long o = shoff + (long) i * shentsize;
            nameOff[i] = bytes.get(U32, o) & 0xffffffffL;
            int sType = bytes.get(U32, o + 4);
            shFlags[i] = bytes.get(U64, o + 8);
            long sAddr = bytes.get(U64, o + 16);
            long sOffset = bytes.get(U64, o + 24);
            long sSize = bytes.get(U64, o + 32);
            long link = bytes.get(U32, o + 40) & 0xffffffffL;
            shLink[i] = link < nsec ? (int) link : -1;
            sections[i] = new Section("", sAddr, sOffset, sSize, sType);
        }
        // names from .shstrtab
        if (nsec > 0) {
            if (shstrndx > 0 && shstrndx < nsec) {
                Section strs = sections[(int) shstrndx];
                long avail = strs.type() == Section.SHT_NOBITS ? 0 : available(strs.fileOffset(), strs.size());
                for (int i = 0; i < nsec; i++) {
                    Section s = sections[i];
                    String name = nameOff[i] < avail ? cString(strs.fileOffset() + nameOff[i], avail - nameOff[i]) : "";
                    sections[i] = new Section(name, s.addr(), s.fileOffset(), s.size(), s.type());
                }
            } else if (shstrndx != 0) {
                warnings.add("e_shstrndx " + shstrndx + " out of range; section names unavailable");
            }
        }
    }

    /**
     * Opens and memory-maps path.
     *
     * @throws IOException if the file cannot be read (message names the file)
     * @throws ElfFormatException if it is not a usable 64-bit little-endian ELF file
     */
    public static ElfImage open(Path path) throws IOException, ElfFormatException {
        if (Files.isDirectory(path)) throw new ElfFormatException("not an ELF file: " + path + " (is a directory)");
        if (!Files.exists(path)) throw new NoSuchFileException(path.toString(), null, "no such file");
        if (!Files.isRegularFile(path)) throw new ElfFormatException("not an ELF file: " + path + " (not a regular file)");
        Arena arena = Arena.ofShared();
        try {
            MemorySegment seg;
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                long size = ch.size();
                seg = size == 0 ? MemorySegment.NULL.reinterpret(0) : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            } catch (AccessDeniedException e) {
                throw new AccessDeniedException(path.toString(), null, "permission denied");
            }
            ElfImage image = new ElfImage(path, arena, seg);
            arena = null; // owned by the image now
            return image;
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            // Defensive: all accesses are bounds-checked above, but never leak a runtime exception.
            throw new ElfFormatException("malformed ELF file: " + path + " (" + e.getMessage() + ")");
        } finally {
            if (arena != null) arena.close();
        }
    }

    public Path path() { return path; }
    public int type() { return type; }
    public boolean isExecutable() { return type == ET_EXEC; }
    public boolean isSharedObject() { return type == ET_DYN; }
    public boolean isCore() { return type == ET_CORE; }
    public int machine() { return machine; }
    public long entry() { return entry; }
    public long fileSize() { return fileSize; }

    /** Problems found in non-essential headers (damaged section table etc.); empty for a healthy file. */
    public List<String> warnings() { return List.copyOf(warnings); }

    /** The whole mapped file. */
    public MemorySegment bytes() { return bytes; }

    /** PT_LOAD headers in file order. */
    public List<LoadSegment> loadSegments() { return loads; }

    /** Lowest PT_LOAD p_vaddr rounded down to a page (0 if there is none). Load bias = runtime base - this. */
    public long firstLoadVaddr() {
        return loadsByVaddr.length == 0 ? 0 : loadsByVaddr[0].vaddr() & -PAGE;
    }

    /** All section headers, index = ELF section index (empty if there is no usable section table). */
    public List<Section> sections() { return List.of(sections); }

    /** First section with this name. */
    public Optional<Section> section(String name) {
        for (Section s : sections) if (s.name().equals(name)) return Optional.of(s);
        return Optional.empty();
    }

    /** The section's file-backed bytes (clamped to the file), empty for SHT_NOBITS or missing sections. */
    public Optional<MemorySegment> sectionBytes(Section s) {
        if (s.type() == Section.SHT_NOBITS) return Optional.empty();
        long avail = available(s.fileOffset(), s.size());
        return avail <= 0 ? Optional.empty() : Optional.of(bytes.asSlice(s.fileOffset(), avail));
    }

    /** Notes of every PT_NOTE segment (or, if there is none, of every SHT_NOTE section), in file order. */
    public List<Note> notes() {
        List<Note> out = new ArrayList<>();
        if (noteOffsets.length > 0) {
            for (int i = 0; i < noteOffsets.length; i++) parseNotes(noteOffsets[i], noteSizes[i], noteAligns[i], out);
        } else {
            for (Section s : sections) {
                if (s.type() != Section.SHT_NOTE) continue;
                long avail = available(s.fileOffset(), s.size());
                if (avail > 0) parseNotes(s.fileOffset(), avail, 4, out);
            }
        }
        return out;
    }

    /** Lower-case hex of the GNU build-id note, if any. */
    public Optional<String> buildId() {
        Optional<String> id = buildId;
        if (id == null) {
            id = Optional.empty();
            for (Note n : notes()) {
                if (n.type() == Note.NT_GNU_BUILD_ID && n.name().equals("GNU") && n.desc().byteSize() > 0) {
                    id = Optional.of(HexFormat.of().formatHex(n.desc().toArray(ValueLayout.JAVA_BYTE)));
                    break;
                }
            }
            buildId = id;
        }
        return id;
    }

    /** The PT_LOAD segment whose [vaddr, vaddr+memsz) contains vaddr. */
    public Optional<LoadSegment> segmentAt(long vaddr) {
        int i = segmentIndex(vaddr);
        return i < 0 ? Optional.empty() : Optional.of(loadsByVaddr[i]);
    }

    /**
     * The bytes the file provides at link-time virtual address [vaddr, vaddr+len): a zero-copy slice,
     * or empty if any part of the range is not backed by file contents of one PT_LOAD.
     */
    public Optional<MemorySegment> atVaddr(long vaddr, long len) {
        if (len < 0) return Optional.empty();
        int i = segmentIndex(vaddr);
        if (i < 0) return Optional.empty();
        LoadSegment s = loadsByVaddr[i];
        long delta = vaddr - s.vaddr();
        long backed = fileBacked(s);
        if (Long.compareUnsigned(delta, backed) > 0 || len > backed - delta) return Optional.empty();
        return Optional.of(bytes.asSlice(s.fileOffset() + delta, len));
    }

    /**
     * int at vaddr; 0 in the zero-filled (.bss) part of a segment of an executable or library
     * (in a core, past p_filesz means "not dumped" and throws).
     * @throws IllegalArgumentException if not in a PT_LOAD or not in the file
     */
    public int readInt(long vaddr) {
        Optional<MemorySegment> m = atVaddr(vaddr, 4);
        if (m.isPresent()) return m.get().get(U32, 0);
        return (int) readSlow(vaddr, 4);
    }

    /** long at vaddr; 0 in the zero-filled (.bss) part of a segment. @throws IllegalArgumentException if unmapped. */
    public long readLong(long vaddr) {
        Optional<MemorySegment> m = atVaddr(vaddr, 8);
        if (m.isPresent()) return m.get().get(U64, 0);
        return readSlow(vaddr, 8);
    }

    /** len bytes at vaddr, .bss parts read as 0. @throws IllegalArgumentException if any byte is not in a PT_LOAD or missing from the file. */
    public byte[] readBytes(long vaddr, int len) {
        if (len < 0) throw new IllegalArgumentException("negative length " + len);
        Optional<MemorySegment> m = atVaddr(vaddr, len);
        if (m.isPresent()) return m.get().toArray(ValueLayout.JAVA_BYTE);
        byte[] out = new byte[len];
        for (int k = 0; k < len; k++) out[k] = byteAt(vaddr + k, vaddr, len);
        return out;
    }

    private long readSlow(long vaddr, int len) {
        long v = 0;
        for (int k = 0; k < len; k++) v |= (byteAt(vaddr + k, vaddr, len) & 0xffL) << (8 * k);
        return v;
    }

    private byte byteAt(long a, long vaddr, int len) {
        int i = segmentIndex(a);
        if (i < 0) throw notMapped(vaddr, len, "not in any PT_LOAD segment");
        LoadSegment s = loadsByVaddr[i];
        long delta = a - s.vaddr();
        if (Long.compareUnsigned(delta, s.filesz()) >= 0) {
            if (type == ET_CORE) throw notMapped(vaddr, len, "not dumped in the core");
            return 0; // zero-fill past p_filesz (.bss)
        }
        if (Long.compareUnsigned(delta, fileBacked(s)) >= 0) throw notMapped(vaddr, len, "file is truncated");
        return bytes.get(ValueLayout.JAVA_BYTE, s.fileOffset() + delta);
    }

    private IllegalArgumentException notMapped(long vaddr, int len, String why) {
        return new IllegalArgumentException(String.format("cannot read %d bytes at 0x%x from %s: %s", len, vaddr, path, why));
    }

    /**
     * The symbol table: .symtab if present, else .dynsym (empty if neither). Built on first call
     * and cached.
     */
    public SymbolTable symbols() {
        SymbolTable t = symbols;
        if (t == null) {
            synchronized (symbolsLock) {
                t = symbols;
                if (t == null) symbols = t = buildSymbols(Section.SHT_SYMTAB).orElseGet(
                        () -> buildSymbols(Section.SHT_DYNSYM).orElseGet(() -> SymbolTable.empty(this)));
            }
        }
        return t;
    }

    /** The .dynsym table alone (empty if there is none); built on first call, then cached. */
    public SymbolTable dynamicSymbols() {
        SymbolTable t = dynamicSymbols;
        if (t == null) {
            synchronized (symbolsLock) {
                t = dynamicSymbols;
                if (t == null) {
                    dynamicSymbols = t = buildSymbols(Section.SHT_DYNSYM).orElseGet(() -> SymbolTable.empty(this));
                }
            }
        }
        return t;
    }

    private Optional<SymbolTable> buildSymbols(int shType) {
        for (int i = 0; i < sections.length; i++) {
            Section s = sections[i];
            if (s.type() != shType) continue;
            long symAvail = available(s.fileOffset(), s.size());
            if (symAvail < s.size()) warnings.add(s.name() + " extends past end of file; symbols truncated");
            long strOff = 0, strAvail = 0;
            int link = shLink[i];
            if (link > 0 && sections[link].type() == Section.SHT_STRTAB) {
                strOff = sections[link].fileOffset();
                strAvail = available(strOff, sections[link].size());
            }
            GnuHashTable gnu = GnuHashTable.of(this, List.of(sections), shLink).orElse(null);
            return Optional.of(SymbolTable.build(this, s.fileOffset(), symAvail, strOff, strAvail, gnu));
        }
        return Optional.empty();
    }

    /** Allocated, non-TLS sections as {addr, size, index} rows sorted by addr: for same-section checks. */
    long[][] allocatedSectionRanges() {
        List<long[]> rows = new ArrayList<>();
        for (int i = 1; i < sections.length; i++) {
            Section s = sections[i];
            if ((shFlags[i] & SHF_ALLOC) != 0 && (shFlags[i] & SHF_TLS) == 0 && s.size() > 0) {
                rows.add(new long[] {s.addr(), s.size(), i});
            }
        }
        rows.sort((a, b) -> Long.compareUnsigned(a[0], b[0]));
        return rows.toArray(new long[0][]);
    }

    @Override
    public void close() {
        try {
            arena.close();
        } catch (IllegalStateException alreadyClosed) {
            // idempotent
        }
    }

    @Override
    public String toString() {
        return "ElfImage[" + path + "]";
    }

    // ---- helpers

    private int u16(long off) {
        return bytes.get(U16, off) & 0xffff;
    }

    /** True if [off, off+len) lies inside the file. */
    private boolean fits(long off, long len) {
        return off >= 0 && len >= 0 && off <= fileSize && len <= fileSize - off;
    }

    private boolean fitsTable(long off, long count, long entsize) {
        if (count < 0 || entsize <= 0) return false;
        if (count > fileSize / entsize + 1) return false;
        return fits(off, count * entsize);
    }

    /** How many of the len bytes at file offset off the file actually holds. */
    long available(long off, long len) {
        if (off < 0 || off >= fileSize || len <= 0) return 0;
        return Math.min(len, fileSize - off);
    }

    private long fileBacked(LoadSegment s) {
        long backed = available(s.fileOffset(), s.filesz());
        return Long.compareUnsigned(backed, s.memsz()) > 0 ? s.memsz() : backed;
    }

    private int segmentIndex(long vaddr) {
        int lo = 0, hi = loadsByVaddr.length - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(loadsByVaddr[mid].vaddr(), vaddr) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (found >= 0 && loadsByVaddr[found].contains(vaddr)) return found;
        // Overlapping segments (hostile or odd files): fall back to a short backwards scan.
        for (int i = found - 1; i >= 0 && i >= found - 8; i--) if (loadsByVaddr[i].contains(vaddr)) return i;
        return -1;
    }

    private String cString(long off, long max) {
        long end = off, limit = off + Math.min(max, 1 << 16);
        while (end < limit && bytes.get(ValueLayout.JAVA_BYTE, end) != 0) end++;
        byte[] b = bytes.asSlice(off, end - off).toArray(ValueLayout.JAVA_BYTE);
        return new String(b, StandardCharsets.UTF_8);
    }

    private void parseNotes(long off, long size, long align, List<Note> out) {
        long pos = 0;
        while (size - pos >= 12) {
            long namesz = bytes.get(U32, off + pos) & 0xffffffffL;
            long descsz = bytes.get(U32, off + pos + 4) & 0xffffffffL;
            int ntype = bytes.get(U32, off + pos + 8);
            long nameStart = pos + 12;
            // The descriptor starts at the note's 12-byte header plus name, rounded up to the
            // segment's alignment (gABI; readelf's ELF_NOTE_DESC_OFFSET). Rounding only namesz
            // was the same for 4-byte alignment but wrong for 8: libc's .note.gnu.property
            // (namesz 4 in a p_align 8 PT_NOTE) was read as truncated and dropped, with any
            // note after it in that segment (found by ElfImageJelfOracleTest).
            long descStart = pos + alignUp(12 + namesz, align);
            if (descStart > size || descsz > size - descStart) break; // truncated note
            long nlen = namesz;
            while (nlen > 0 && bytes.get(ValueLayout.JAVA_BYTE, off + nameStart + nlen - 1) == 0) nlen--;
            String name = new String(bytes.asSlice(off + nameStart, nlen).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            out.add(new Note(name, ntype, bytes.asSlice(off + descStart, descsz)));
            pos = descStart + alignUp(descsz, align);
        }
    }

    private static long alignUp(long v, long a) {
        return (v + a - 1) & -a;
    }
}
